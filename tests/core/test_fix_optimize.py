"""Fix-and-optimize: sub-models over a few operators, the rest held fixed.

The sub-model must price the whole roster exactly up to a constant (the
fixed operators' own terms), or its "improvements" would be noise; its
rosters must pass the checker; repair must turn a rule-breaking roster
into a legal one; and with a work limit the search is reproducible.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from conftest import make_problem
from hypothesis import assume, given, note
from hypothesis import strategies as st
from ortools.sat.python import cp_model
from test_properties import SETTINGS, describe, first_roster, problems

from scheduler.core.checker import check
from scheduler.core.construct import construct
from scheduler.core.cpsat import fix_optimize
from scheduler.core.cpsat.fix_optimize import FixAndOptimize
from scheduler.core.cpsat.model import CPModel
from scheduler.core.problem import DayCover, ProblemData
from scheduler.core.solution import Assignment, Roster
from scheduler.read_curtois import read_curtois

INSTANCES = (
    Path(__file__).resolve().parents[3] / "shared" / "bench" / "curtois"
    / "instances"
)


def curtois(n: int) -> ProblemData:
    return read_curtois(INSTANCES / f"Instance{n}.txt")


def _solve(cpm: CPModel) -> tuple[int, Roster]:
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_deterministic_time = 30.0
    code = solver.solve(cpm.model)
    assert code == cp_model.OPTIMAL
    values = solver.response_proto.solution
    return cpm.objective_at(values), cpm.variables.roster_from(values)


def _base_and_ops(p: ProblemData,
                  data: st.DataObject) -> tuple[Roster, list[int]]:
    """A legal roster of ``p`` and a drawn group of operators to re-plan."""
    note(describe(p))
    base = first_roster(p)
    assume(base is not None)
    assert base is not None
    ops = sorted(
        data.draw(
            st.sets(st.sampled_from(range(len(p.operators))), min_size=1),
            label="re-planned operators",
        )
    )
    return base, ops


@SETTINGS
@given(p=problems(with_fixed=False), data=st.data())
def test_sub_model_prices_the_whole_roster(
    p: ProblemData, data: st.DataObject
) -> None:
    base, ops = _base_and_ops(p, data)
    # The sub-model at the base roster's own schedule for ``ops``.
    pinned = CPModel(p, operators=ops, others=base)
    chosen = {(a.operator, a.day, a.shift) for a in base.assignments}
    for cell, var in pinned.variables.x.items():
        pinned.model.add(var == int(cell in chosen))
    at_base, same = _solve(pinned)
    assert {(a.operator, a.day, a.shift) for a in same.assignments} == chosen
    # (Same shifts; ``ops`` loads may be placed better than in ``base``.)
    assert same.objective() <= base.objective()
    offset = same.objective() - at_base
    # Free: the optimum of the sub-model, priced by the roster itself.
    free = CPModel(p, operators=ops, others=base)
    sub_objective, roster = _solve(free)
    assert check(roster) == []
    assert roster.objective() == sub_objective + offset
    assert roster.objective() <= base.objective()
    # The others keep their shifts and loads (only flows may move).
    others = [a for a in base.assignments if a.operator not in ops]
    assert {
        (a.operator, a.day, a.shift, a.load)
        for a in roster.assignments
        if a.operator not in ops
    } == {(a.operator, a.day, a.shift, a.load) for a in others}


@SETTINGS
@given(p=problems(with_fixed=False), data=st.data())
def test_window_sub_model_prices_the_whole_roster(
    p: ProblemData, data: st.DataObject
) -> None:
    """With ``days``, the chosen operators' other days are constants: the
    window model must still price the whole roster exactly, keep every
    rule across the window's edges, and leave the other days alone. A
    window may be one stretch of days or scattered days (the search frees
    blocks around the costliest days)."""
    p = p.model_copy(update={"load": ()})
    base, ops = _base_and_ops(p, data)
    days: range | frozenset[int]
    if data.draw(st.booleans(), label="scattered"):
        days = data.draw(st.frozensets(st.integers(0, p.num_days - 1),
                                       min_size=1), label="days")
    else:
        start = data.draw(st.integers(0, p.num_days - 1), label="start")
        stop = data.draw(st.integers(start + 1, p.num_days), label="stop")
        days = range(start, stop)
    chosen = {(a.operator, a.day, a.shift) for a in base.assignments}
    pinned = CPModel(p, operators=ops, others=base, days=days)
    for (o, d, s), var in pinned.variables.x.items():
        if d in days:
            pinned.model.add(var == int((o, d, s) in chosen))
    at_base, same = _solve(pinned)
    assert {(a.operator, a.day, a.shift) for a in same.assignments} == chosen
    offset = base.objective() - at_base
    free = CPModel(p, operators=ops, others=base, days=days)
    sub_objective, roster = _solve(free)
    assert check(roster) == []
    assert roster.objective() == sub_objective + offset
    assert roster.objective() <= base.objective()
    outside = {c for c in chosen if c[0] not in ops or c[1] not in days}
    assert {
        (a.operator, a.day, a.shift)
        for a in roster.assignments
        if a.operator not in ops or a.day not in days
    } == outside


@pytest.mark.parametrize("lanes", [1, 2])
@pytest.mark.parametrize(
    "path",
    [INSTANCES / "Instance1.txt", INSTANCES / "Instance5.txt"],
    ids=["Instance1", "Instance5"],
)
def test_repair_makes_a_greedy_curtois_roster_legal(path, lanes):
    """Two lanes repair two operators at once, each result merged into
    the roster as it is by then."""
    p = read_curtois(path)
    greedy = construct(p)
    search = FixAndOptimize(p, greedy, seed=0)
    # The greedy keeps "at most" rules only: these instances have
    # minimum-run and minimum-minutes rules it breaks, so there is
    # something to repair.
    assert search.broken()
    assert search.repair(time.monotonic() + 60, lanes=lanes)
    assert check(search.roster) == []
    assert search.objective == search.roster.objective()


@SETTINGS
@given(p=problems(with_fixed=False), data=st.data())
def test_steps_searched_side_by_side_merge_into_a_legal_roster(
    p: ProblemData, data: st.DataObject
) -> None:
    """Two neighbourhoods searched from the same roster: the first is
    taken, the second merged into it. Whatever the two re-plan (the same
    operators on other days may break a horizon total together), the
    result is legal, prices itself and is no worse."""
    p = p.model_copy(update={"load": ()})
    base, _ = _base_and_ops(p, data)
    search = FixAndOptimize(p, base, seed=0, deterministic=True)
    steps = []
    for lane in ("first", "second"):
        ops = sorted(data.draw(st.sets(st.sampled_from(range(len(
            p.operators))), min_size=1), label=f"{lane} operators"))
        days = data.draw(st.none() | st.frozensets(
            st.integers(0, p.num_days - 1), min_size=1), label=f"{lane} days")
        steps.append(search._prepare(ops, days, kind="operators"))
    for step in steps:
        search._solve(step, 5.0, 1)
    for step in steps:
        search._take(step)
    assert check(search.roster) == []
    assert search.objective == search.roster.objective()
    assert search.objective <= base.objective()


@pytest.mark.parametrize("lanes", [1, 2])
def test_improvement_never_worsens_and_repeats_with_a_work_limit(lanes):
    p = curtois(2)

    def run() -> tuple[int, int, list]:
        search = FixAndOptimize(p, construct(p), seed=3, deterministic=True)
        assert search.repair(time.monotonic() + 60)
        start = search.objective
        seen = [start]
        search.improve(
            time.monotonic() + 120,
            lambda r, obj: seen.append(obj),
            work_limit=3.0,
            lanes=lanes,
        )
        assert seen == sorted(seen, reverse=True)
        assert check(search.roster) == []
        return start, search.objective, search.roster.assignments

    first, second = run(), run()
    assert first[1] <= first[0]
    assert first == second


def test_improvement_stops_after_patience_idle_steps_and_a_share_of_it(
        monkeypatch):
    """Small problems stall: the search hands over to CP-SAT once
    ``patience`` steps in a row and ``STALL_SHARE`` of the phase have
    passed without a gain, long before its deadline. Counting steps alone
    ended dry spells that later gains would have broken (Curtois 19)."""
    monkeypatch.setattr(fix_optimize, "STALL_SHARE", 0.25)
    p = curtois(1)
    search = FixAndOptimize(p, construct(p), seed=1)
    assert search.repair(time.monotonic() + 60)
    began = time.monotonic()
    gains: list[tuple[int, float]] = [(search.steps, began)]
    search.improve(began + 8.0, lambda r, obj: gains.append(
        (search.steps, time.monotonic())), patience=6)
    ended = time.monotonic()
    steps, at = gains[-1]
    assert search.steps - steps >= 6
    assert ended - at >= 0.25 * 8.0
    assert ended < began + 8.0
    assert check(search.roster) == []
    assert search.objective == search.roster.objective()


def test_deterministic_improvement_stops_after_patience_idle_steps():
    """Deterministic runs count steps alone (their clock barely moves in
    the steps of tiny problems, and the wall clock must not decide them):
    exactly ``patience`` steps in a row without a gain end the phase."""
    p = curtois(1)
    search = FixAndOptimize(p, construct(p), seed=1, deterministic=True)
    assert search.repair(time.monotonic() + 60)
    gains: list[int] = [search.steps]
    search.improve(time.monotonic() + 120,
                   lambda r, obj: gains.append(search.steps),
                   work_limit=search.work + 100.0, patience=6)
    assert search.steps - gains[-1] == 6
    assert check(search.roster) == []
    assert search.objective == search.roster.objective()


def test_repair_of_rules_that_admit_no_roster_ends_early():
    """An operator whose minimum total no schedule reaches stays broken
    round after round: the repair stops once a round mends no one,
    long before its budget, and leaves the proof to CP-SAT."""
    p = make_problem(operator_overrides={
        0: {"min_minutes_total": 8 * 24 * 60}})  # more than 7 days hold
    search = FixAndOptimize(p, construct(p), seed=0, deterministic=True)
    assert 0 in search.broken()
    assert not search.repair(time.monotonic() + 600, work_limit=500.0)
    assert search.work < 50
    assert list(search.broken()) == [0]


def test_windows_of_large_teams_free_the_operators_with_spare_days(
        monkeypatch):
    """Above ``CELL_BUDGET`` free cells, a window of every operator frees a
    sample of them instead, drawn by their days off, shifts over cover and
    unmet requests on the window's days: those who could take other
    work. Below it, everyone."""
    p = make_problem(num_operators=40)
    # o0-o19 work every day (on shifts no cover asks less of); o20-o39 rest.
    roster = Roster(p, [Assignment(o, d, 0) for o in range(20)
                        for d in range(7)])
    search = FixAndOptimize(p, roster, seed=0)
    ops = list(range(40))
    days = range(7)
    assert search._movable(ops, days) == ops  # 840 cells, within 3,000
    monkeypatch.setattr(fix_optimize, "CELL_BUDGET", 6 * 7 * 3)
    drawn = [search._movable(ops, days) for _ in range(20)]
    assert all(len(g) == 6 and g == sorted(set(g)) for g in drawn)
    spare = sum(o >= 20 for g in drawn for o in g)
    # Weight 8 against 1: about 88 % spare; a uniform draw gives 50 %.
    assert spare >= 0.75 * 6 * 20
    assert len({tuple(g) for g in drawn}) > 1  # a sample, not a fixed pick


def test_a_window_leaves_breaches_on_fixed_days_to_the_others():
    """A rule whose every cell lies outside the window (here o0's cap of
    three E shifts, broken on days 0-4, and a window of days off) is not
    the window's to mend: its sub-model stays solvable and keeps o0's
    roster, so the repair can mend one window at a time."""
    p = make_problem(num_days=14, num_operators=1, operator_overrides={
        0: {"max_shifts_per_type": {"E": 3},
            "time_off": frozenset(range(10, 14))}})
    roster = Roster(p, [Assignment(0, d, 0) for d in range(5)])
    assert check(roster) != []  # five E shifts against a cap of three
    window = CPModel(p, operators=[0], others=roster, days=range(10, 14))
    solver = cp_model.CpSolver()
    assert solver.solve(window.model) == cp_model.OPTIMAL
    kept = window.variables.roster(solver)
    assert kept.assignments == roster.assignments
    # The whole horizon is the operator's to mend: there it is a clash.
    whole = CPModel(p, operators=[0], others=roster)
    for (_, d, s), var in whole.variables.x.items():
        whole.model.add(var == int(d < 5 and s == 0))
    assert cp_model.CpSolver().solve(whole.model) == cp_model.INFEASIBLE


def test_under_covered_days_free_those_who_can_fill_them_cheaply():
    """The "fill" neighbourhood draws an under-covered day by its cost and
    the operators off that day, above all those who already work its
    weekend (the day then costs them no weekend of their cap)."""
    p = make_problem(num_days=14, num_operators=30, day_cover=(
        DayCover(day=6, shift="E", required=20),))
    # o0-o9 work Saturday (day 5) only, o10-o19 Sunday (day 6), o20-o29
    # neither: Sunday is short of 10 E shifts.
    roster = Roster(p, [Assignment(o, 5, 0) for o in range(10)]
                    + [Assignment(o, 6, 0) for o in range(10, 20)])
    search = FixAndOptimize(p, roster, seed=0)
    search.size = 3
    draws = [search._fillers(list(range(30))) for _ in range(40)]
    assert sum(day == 6 for _, day in draws) >= 36  # cost 1,001 against 1
    groups = [g for g, day in draws if day == 6]
    assert all(len(g) == 3 and g == sorted(set(g)) for g in groups)
    picked = [o for g in groups for o in g]
    # Weights 12 / 1 / 4 a member: about 70 % from o0-o9 (a uniform draw
    # gives a third), under 10 % who already work that Sunday.
    assert sum(o < 10 for o in picked) >= 0.55 * len(picked)
    assert sum(10 <= o < 20 for o in picked) <= 0.15 * len(picked)
