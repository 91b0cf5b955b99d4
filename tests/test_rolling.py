"""Rolling re-planning: published days kept, churn only where it pays,
rules counted across the boundary (``scheduler.rolling``).

Real solves on a small generated centre (4 operators, two weeks from
Monday 2027-01-04), each within a few seconds; the published roster is
either an earlier plan or written cell by cell for a boundary case.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from scheduler.center.generate import generate_center
from scheduler.center.model import CenterPreference, TimeOff
from scheduler.core.checker import check
from scheduler.core.solve import SolveParams
from scheduler.errors import InputError
from scheduler.plan import plan
from scheduler.rolling import (
    RosterCells,
    diff_cells,
    plan_rolling,
    read_roster_cells,
    roster_cells,
)
from scheduler.write_roster import write_plan

START = date(2027, 1, 4)  # a Monday
PARAMS = SolveParams(time_limit=3, workers=2, seed=1, deterministic=True)
QUICK = replace(PARAMS, time_limit=2)
EARLY = {"E", "D", "M", "L", "EV", "P1"}  # start before 18:00


def day(n: int) -> date:
    return START + timedelta(days=n)


@pytest.fixture(scope="module")
def center():
    return generate_center(operators=4, days=14, seed=3)


@pytest.fixture(scope="module")
def first(center):
    """A first run. Its objective is within the default stability weight
    (500) of the proven bound, so no change can pay for itself on an
    unchanged input: zero churn is then a theorem, not luck."""
    result = plan(center, replace(PARAMS, time_limit=30))
    r = result.result
    assert r.objective - r.bound < 500, r.summary()
    return result


@pytest.fixture(scope="module")
def published(first):
    """The roster the first run published."""
    return roster_cells(first, "first run")


def cell(p, operator: str, when: date) -> str | None:
    roster = p.roster
    prob = p.problem
    a = roster.by_cell.get((prob.operator_index[operator],
                            (when - prob.start_date).days))
    return None if a is None else prob.shifts[a.shift].id


def test_identical_replan_changes_nothing(center, published):
    """Same input, a near-optimal previous roster: not one cell moves,
    and the frozen days are pinned in the problem itself."""
    result, rp = plan_rolling(center, PARAMS, published, START,
                              freeze_days=3)
    assert diff_cells(published, roster_cells(result), START) == []
    assert result.kpis["cells changed vs previous"] == 0
    assert rp.window.frozen_until == day(2)
    pinned = {(f.operator, f.day) for f in rp.problem.fixed}
    assert {(op, d) for op in ("OP001", "OP004") for d in range(3)} <= pinned
    assert check(result.roster) == []


def _sick(center, published, weight):
    """One operator falls ill on two days after the frozen week on which
    the published roster has them working."""
    op = "OP003"
    worked = [d for d in range(8, 14)
              if published.shift(op, day(d)) is not None][:2]
    assert len(worked) == 2
    sick = center.model_copy(update={"time_off": (
        *center.time_off,
        *(TimeOff(operator_id=op, date_from=day(d), date_to=day(d),
                  reason="sick") for d in worked))})
    result, _ = plan_rolling(sick, PARAMS, published, START,
                             freeze_days=7, stability=weight)
    return op, {day(d) for d in worked}, diff_cells(
        published, roster_cells(result), START)


def test_sick_days_change_only_what_must(center, published):
    """At the default weight the sick days' shifts go; everything else
    that moves is in the sick days' week (a cover, or a shift the freed
    hours now allow) and pays for itself: at most a few cells."""
    op, sick_days, changes = _sick(center, published, 500)
    assert {(op, d) for d in sick_days} <= {(c.operator, c.date)
                                            for c in changes}
    assert all(c.after is None for c in changes
               if c.operator == op and c.date in sick_days)
    assert all(c.date >= day(7) for c in changes)  # the same week only
    assert len(changes) <= 3 * len(sick_days)


def test_sick_days_with_a_high_weight_change_nothing_else(center,
                                                          published):
    """With a prohibitive stability weight the sick cells are the whole
    change: nobody else is moved."""
    op, sick_days, changes = _sick(center, published, 100_000)
    assert {(c.operator, c.date) for c in changes} == {
        (op, d) for d in sick_days}


def test_frozen_days_never_change_even_under_pressure(center, published):
    """Strong new wishes for a day off on worked frozen days: a free
    re-plan grants them, the frozen re-plan keeps every frozen cell."""
    frozen_days = 4
    window = [day(d) for d in range(frozen_days)]
    worked = [(op, d) for (op, d) in published.shifts if d in window]
    busy = center.model_copy(update={"preferences": tuple(
        CenterPreference(operator_id=op, date=d, shift_id=None, want=True,
                         weight=1000) for op, d in worked)})
    free, _ = plan_rolling(busy, QUICK, published, START, freeze_days=0,
                           stability=0)
    moved = [c for c in diff_cells(published, roster_cells(free), START)
             if c.date in window]
    assert moved, "the test needs pressure on the frozen days"
    kept, rp = plan_rolling(busy, QUICK, published, START,
                            freeze_days=frozen_days)
    assert rp.window.frozen_until == window[-1]
    assert not [c for c in diff_cells(published, roster_cells(kept), START)
                if c.date in window]
    assert kept.kpis["frozen cells changed (time off)"] == 0


def _boundary(center, cells: dict[tuple[str, int], str], want: str,
              operator: str, on: int):
    """Re-plan from Saturday 01-09 with three frozen days (to Monday
    01-11) against ``cells``; ``operator`` badly wants ``want`` on day
    ``on`` (Tuesday 01-12: the first free day)."""
    previous = RosterCells(
        "hand-written", START, day(13),
        {(op, day(d)): s for (op, d), s in cells.items()},
        frozenset(o.operator_id for o in center.operators))
    pulled = center.model_copy(update={"preferences": (CenterPreference(
        operator_id=operator, date=day(on), shift_id=want, want=True,
        weight=1000),)})
    result, rp = plan_rolling(pulled, QUICK, previous, day(5),
                              freeze_days=3, stability=0)
    assert rp.window.frozen_until == day(7)
    assert check(result.roster) == []
    return result


def test_night_on_last_frozen_day_forbids_early_shift_next_day(center):
    """N 22:00-07:00 on the last frozen day leaves 11 h of rest only for
    shifts from 18:00: the wanted E on the next day is refused; without
    the night the same wish is granted."""
    with_night = _boundary(center, {("OP002", 7): "N"}, "E", "OP002", 8)
    assert cell(with_night, "OP002", day(8)) not in EARLY
    assert cell(with_night, "OP002", day(7)) == "N"
    without = _boundary(center, {}, "E", "OP002", 8)
    assert cell(without, "OP002", day(8)) == "E"


def test_consecutive_days_carry_across_the_boundary(center):
    """Six days in a row, Wednesday to Monday (history then frozen), are
    the maximum: the wanted D on Tuesday is refused; after a five-day run
    it is granted. History days are priced at nothing."""
    run6 = {("OP003", d): "D" for d in range(2, 8)}
    six = _boundary(center, run6, "D", "OP003", 8)
    assert cell(six, "OP003", day(8)) is None
    first = (day(5) - six.problem.start_date).days
    slots = six.problem.slots_per_day
    assert sum(six.roster.understaffing()[:first * slots]) == 0
    assert sum(six.roster.overstaffing()[:first * slots]) == 0
    run5 = {("OP003", d): "D" for d in range(3, 8)}
    five = _boundary(center, run5, "D", "OP003", 8)
    assert cell(five, "OP003", day(8)) == "D"


def test_roster_files_round_trip(first, tmp_path):
    """The workbook and the CSV a plan writes read back as the same
    cells; the workbook also carries the input hash."""
    result = replace(first, input_hash="abc")
    xlsx, csv_path = write_plan(result, tmp_path)
    from_xlsx, from_csv = read_roster_cells(xlsx), read_roster_cells(
        csv_path)
    assert dict(from_xlsx.shifts) == dict(from_csv.shifts) == dict(
        roster_cells(result).shifts)
    assert (from_xlsx.start, from_xlsx.end) == (START, day(13))
    assert from_xlsx.input_hash == "abc"
    assert from_xlsx.operators == {op for op, _ in from_xlsx.shifts}


def test_from_outside_the_horizon_is_bad_input(center, published):
    with pytest.raises(InputError, match="outside the centre's horizon"):
        plan_rolling(center, PARAMS, published, day(20))


def test_deterministic_rolling_replans_are_byte_identical(center,
                                                          published,
                                                          tmp_path):
    """Deterministic time, fixed seed and workers: two re-plans after the
    same sick days write the same Assignments CSV, byte for byte."""
    from scheduler.write_roster import write_assignments_csv

    sick = center.model_copy(update={"time_off": (TimeOff(
        operator_id="OP002", date_from=day(9), date_to=day(10)),)})
    params = SolveParams(time_limit=1, workers=2, seed=7,
                         deterministic=True)
    outputs = []
    for name in ("a", "b"):
        result, _ = plan_rolling(sick, params, published, START,
                                 freeze_days=7)
        outputs.append(write_assignments_csv(
            result, tmp_path / f"{name}.csv").read_bytes())
    assert outputs[0] == outputs[1]


def test_weekly_heavy_cap_counts_calls_before_from(center):
    """Heavy calls taken before --from in the same week are reported
    against the weekly cap (the core cannot price them yet)."""
    capped = center.model_copy(update={"rules": center.rules.model_copy(
        update={"heavy_calls_per_week": 4})})
    previous = RosterCells(
        "hand-written", START, day(13), {("OP002", day(7)): "D"},
        frozenset(o.operator_id for o in center.operators),
        loads={("OP002", day(7)): 5})
    result, rp = plan_rolling(capped, QUICK, previous, day(9),
                              freeze_days=0, stability=0)
    assert rp.window.start == START  # the Monday on or before 01-13 - 6
    assert any(n.startswith("OP002: 5 heavy calls before 2027-01-13")
               for n in rp.notes)
    assert check(result.roster) == []
