"""The independent checker: one breaking and one compliant roster per rule.

Every case is a hand-built roster on the tiny default problem (E 06-14,
L 14-22, N 22-06 night; operators o0..o2; Monday 2024-01-01). A breaking
roster must produce violations of exactly that rule, at exactly the
expected (operator, day) places, and nothing else; its compliant twin sits
just on the legal side of the limit and must produce no violation at all.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from conftest import make_problem, make_roster, make_shifts, monday_plus

from scheduler.core.checker import Violation, check
from scheduler.core.problem import FixedAssignment, ProblemData, Rules
from scheduler.core.rules import RULE_TITLES, Rule
from scheduler.core.solution import Assignment, Roster

Place = tuple[Rule, str | None, int | None]


def places(violations: list[Violation]) -> set[Place]:
    return {(v.rule, v.operator, v.day) for v in violations}


@dataclass(frozen=True)
class Case:
    """A problem, a roster breaking ``rule`` at ``where`` and a twin that
    just satisfies it."""

    id: str
    rule: Rule
    problem: dict
    bad: dict
    where: set[tuple[str | None, int | None]]
    good: dict

    def build(self, grid: dict) -> Roster:
        return make_roster(make_problem(**self.problem), grid)


R8 = Rules(min_rest_minutes=8 * 60)

CASES = [
    # -- time off ------------------------------------------------------
    Case(
        "time_off_same_day",
        Rule.TIME_OFF,
        {"operator_overrides": {0: {"time_off": frozenset({1})}}},
        {"o0": ".E"},
        {("o0", 1)},
        {"o0": "L.E"},
    ),
    Case(
        "time_off_night_into_day_off",
        Rule.TIME_OFF,
        {"operator_overrides": {0: {"time_off": frozenset({1})}}},
        # N of day 0 runs 22:00-06:00 into the day off: flagged on day 0
        {"o0": "N"},
        {("o0", 0)},
        # L of day 0 ends 22:00, before the day off starts
        {"o0": "L.N"},
    ),
    Case(
        "time_off_night_before_day_off",
        Rule.TIME_OFF,
        {"operator_overrides": {0: {"time_off": frozenset({5})}}},
        {"o0": "....N"},
        {("o0", 4)},
        # a night on the last day runs past the horizon: no day off there
        {"o0": "....L.N"},
    ),
    # -- allowed shifts ------------------------------------------------
    Case(
        "allowed_shifts",
        Rule.ALLOWED_SHIFTS,
        {"operator_overrides": {0: {"allowed_shifts": frozenset("EL")}}},
        {"o0": "E..N"},
        {("o0", 3)},
        {"o0": "E..L", "o1": "N"},
    ),
    Case(
        "allowed_shifts_empty",
        Rule.ALLOWED_SHIFTS,
        {"operator_overrides": {1: {"allowed_shifts": frozenset()}}},
        {"o1": ".L"},
        {("o1", 1)},
        {"o0": ".L"},
    ),
    # -- fixed assignments ---------------------------------------------
    Case(
        "fixed_wrong_shift",
        Rule.FIXED_ASSIGNMENT,
        {"fixed": (FixedAssignment(operator="o0", day=2, shift="L"),)},
        {"o0": "..E"},
        {("o0", 2)},
        {"o0": "..L"},
    ),
    Case(
        "fixed_shift_but_off",
        Rule.FIXED_ASSIGNMENT,
        {"fixed": (FixedAssignment(operator="o0", day=2, shift="L"),)},
        {"o0": "LL.LL"},
        {("o0", 2)},
        {"o0": "LLLLL"},
    ),
    Case(
        "fixed_off_but_works",
        Rule.FIXED_ASSIGNMENT,
        {"fixed": (FixedAssignment(operator="o2", day=4, shift=None),)},
        {"o2": "....E"},
        {("o2", 4)},
        {"o2": "...E.E"},
    ),
    # -- minimum rest --------------------------------------------------
    Case(
        "min_rest_night_then_early",
        Rule.MIN_REST,
        {"rules": R8},
        # N day 0 ends 06:00 day 1, E day 1 starts 06:00: 0 h rest
        {"o0": "NE"},
        {("o0", 0)},
        # L day 0 ends 22:00, E day 1 starts 06:00: exactly 8 h
        {"o0": "LE"},
    ),
    Case(
        "min_rest_late_then_early",
        Rule.MIN_REST,
        {"rules": Rules(min_rest_minutes=8 * 60 + 1)},
        {"o1": "..LE"},
        {("o1", 2)},
        {"o1": "..LL"},
    ),
    Case(
        "min_rest_across_week_boundary",
        Rule.MIN_REST,
        {"rules": R8, "num_days": 14},
        # Sunday night (day 6) then Monday early (day 7)
        {"o0": "......NE"},
        {("o0", 6)},
        {"o0": "......LE"},
    ),
    Case(
        "min_rest_two_days_apart",
        Rule.MIN_REST,
        {"rules": Rules(min_rest_minutes=36 * 60)},
        # N day 0 ends 06:00 day 1; E day 2 starts 06:00: 24 h < 36 h
        {"o0": "N.E"},
        {("o0", 0)},
        # E day 0 ends 14:00 day 0; E day 2 starts 06:00: 40 h
        {"o0": "E.E"},
    ),
    # -- forbidden succession ------------------------------------------
    Case(
        "forbidden_succession",
        Rule.FORBIDDEN_SUCCESSION,
        {"shifts": make_shifts(L={"forbidden_next": ("E",)})},
        {"o0": "..LE"},
        {("o0", 2)},
        # only the next day is forbidden; E then L is fine
        {"o0": "..L.E", "o1": "EL"},
    ),
    # -- consecutive working days --------------------------------------
    Case(
        "max_consecutive_days_global",
        Rule.MAX_CONSECUTIVE_DAYS,
        {"rules": Rules(max_consecutive_days=3)},
        {"o0": ".EEEE"},
        {("o0", 1)},
        {"o0": "EEE.EEE"},
    ),
    Case(
        "max_consecutive_days_personal",
        Rule.MAX_CONSECUTIVE_DAYS,
        {
            "rules": Rules(max_consecutive_days=5),
            "operator_overrides": {1: {"max_consecutive_days": 2}},
        },
        {"o0": "EEEEE", "o1": "LLL"},
        {("o1", 0)},
        {"o0": "EEEEE", "o1": "LL.LL"},
    ),
    Case(
        "max_consecutive_days_global_tighter",
        Rule.MAX_CONSECUTIVE_DAYS,
        {
            "rules": Rules(max_consecutive_days=2),
            "operator_overrides": {0: {"max_consecutive_days": 6}},
        },
        {"o0": "...EEE"},
        {("o0", 3)},
        {"o0": "EE.EE.E"},
    ),
    Case(
        "min_consecutive_days_interior",
        Rule.MIN_CONSECUTIVE_DAYS,
        {"operator_overrides": {0: {"min_consecutive_days": 2}}},
        {"o0": ".E.EE.."},
        {("o0", 1)},
        # runs touching the first or last day are exempt
        {"o0": "E..EE.E"},
    ),
    Case(
        "min_consecutive_days_off_interior",
        Rule.MIN_CONSECUTIVE_DAYS_OFF,
        {"operator_overrides": {0: {"min_consecutive_days_off": 2}}},
        {"o0": "EE.EE.."},
        {("o0", 2)},
        {"o0": ".EE..EE"},
    ),
    Case(
        "min_consecutive_days_off_edge_end",
        Rule.MIN_CONSECUTIVE_DAYS_OFF,
        {"operator_overrides": {0: {"min_consecutive_days_off": 3}}},
        {"o0": "E..EEEE"},
        {("o0", 1)},
        {"o0": "E...EE."},
    ),
    Case(
        "max_consecutive_nights",
        Rule.MAX_CONSECUTIVE_NIGHTS,
        {"rules": Rules(max_consecutive_nights=2)},
        {"o0": ".NNN"},
        {("o0", 1)},
        # a non-night working day breaks the run of nights
        {"o0": "NNLNN"},
    ),
    # -- days off per week ---------------------------------------------
    Case(
        "min_days_off_full_week",
        Rule.MIN_DAYS_OFF_PER_WEEK,
        {"rules": Rules(min_days_off_per_week=2), "num_days": 14},
        {"o0": "EEEEE..EEEEEE."},
        {("o0", 7)},
        {"o0": "EEEEE..EEEEE.."},
    ),
    Case(
        "min_days_off_partial_first_week_lenient",
        Rule.MIN_DAYS_OFF_PER_WEEK,
        # Thursday start: the first week is Thu-Sun (4 days); Mon-Wed
        # lie outside the horizon and count as off, so 2 days off are
        # already there and all four days may be worked.
        {
            "rules": Rules(min_days_off_per_week=2),
            "start_date": monday_plus(3),
            "num_days": 11,
        },
        {"o0": "EEEEEEEEEE."},
        {("o0", 4)},
        {"o0": "EEEEEEEEE.."},
    ),
    Case(
        "min_days_off_partial_week_still_needs",
        Rule.MIN_DAYS_OFF_PER_WEEK,
        # Friday start, 3 days in week one; 6 days off wanted, 4 are
        # outside, so 2 of Fri-Sun must be off.
        {
            "rules": Rules(min_days_off_per_week=6),
            "start_date": monday_plus(4),
            "num_days": 3,
        },
        {"o0": "E.E"},
        {("o0", 0)},
        {"o0": "..E"},
    ),
    # -- working time --------------------------------------------------
    Case(
        "max_minutes_per_week_global",
        Rule.MAX_MINUTES_PER_WEEK,
        {"rules": Rules(max_minutes_per_week=5 * 480), "num_days": 14},
        {"o0": "EEEEE..EEEEEE."},
        {("o0", 7)},
        {"o0": "EEEEE..EEEEE.."},
    ),
    Case(
        "max_minutes_per_week_personal",
        Rule.MAX_MINUTES_PER_WEEK,
        {"operator_overrides": {2: {"max_minutes_week": 960}}},
        {"o2": "E.L.N"},
        {("o2", 0)},
        {"o2": "E.L", "o0": "EEEEEEE"},
    ),
    Case(
        "max_minutes_per_week_paid_only",
        Rule.MAX_MINUTES_PER_WEEK,
        # 60 min unpaid break: six shifts are 6 x 420 = 2520 paid minutes
        {
            "rules": Rules(max_minutes_per_week=2520),
            "shifts": make_shifts(E={"break_minutes": 60}),
        },
        {"o0": "EEEEE.L"},
        {("o0", 0)},
        {"o0": "EEEEEE"},
    ),
    Case(
        "min_minutes_per_week_hard",
        Rule.MIN_MINUTES_PER_WEEK,
        {
            "rules": Rules(min_minutes_week_is_hard=True),
            "operator_overrides": {0: {"min_minutes_week": 2400}},
        },
        {"o0": "EEEE"},
        {("o0", 0)},
        {"o0": "EEEEE"},
    ),
    Case(
        "min_minutes_per_week_pro_rated",
        Rule.MIN_MINUTES_PER_WEEK,
        # time off Sat+Sun: 5 of 7 days available, 2400 * 5 // 7 = 1714
        {
            "rules": Rules(min_minutes_week_is_hard=True),
            "operator_overrides": {
                0: {"min_minutes_week": 2400, "time_off": frozenset({5, 6})}
            },
        },
        {"o0": "EEE"},
        {("o0", 0)},
        {"o0": "EEEE"},
    ),
    Case(
        "min_minutes_per_week_partial_week",
        Rule.MIN_MINUTES_PER_WEEK,
        # 10 days: week two is Mon-Wed, 2400 * 3 // 7 = 1028 -> 3 shifts
        {
            "rules": Rules(min_minutes_week_is_hard=True),
            "num_days": 10,
            "operator_overrides": {1: {"min_minutes_week": 2400}},
        },
        {"o1": "EEEEE..EE"},
        {("o1", 7)},
        {"o1": "EEEEE..EEE"},
    ),
    Case(
        "max_total_minutes",
        Rule.MAX_TOTAL_MINUTES,
        {"operator_overrides": {0: {"max_minutes_total": 1440}}},
        {"o0": "E.L.N.E"},
        {("o0", None)},
        {"o0": "E.L.N"},
    ),
    Case(
        "min_total_minutes",
        Rule.MIN_TOTAL_MINUTES,
        {"operator_overrides": {0: {"min_minutes_total": 1440}}},
        {"o0": "E.L", "o1": "EEEEEEE"},
        {("o0", None)},
        {"o0": "E.L.N"},
    ),
    Case(
        "min_total_minutes_nothing_worked",
        Rule.MIN_TOTAL_MINUTES,
        {"operator_overrides": {2: {"min_minutes_total": 1}}},
        {},
        {("o2", None)},
        {"o2": "...E"},
    ),
    Case(
        "max_shifts_per_type",
        Rule.MAX_SHIFTS_PER_TYPE,
        {"operator_overrides": {0: {"max_shifts_per_type": {"N": 2}}}},
        {"o0": "N.N.N"},
        {("o0", None)},
        {"o0": "N.N.LLE"},
    ),
    # -- weekends ------------------------------------------------------
    Case(
        "max_weekends",
        Rule.MAX_WEEKENDS,
        # Saturday of week one and Sunday of week two: two weekends
        {"num_days": 14, "operator_overrides": {0: {"max_weekends": 1}}},
        {"o0": ".....E.......E"},
        {("o0", None)},
        # Saturday and Sunday of one weekend count once
        {"o0": ".....EE"},
    ),
    Case(
        "max_weekends_zero_sunday_only",
        Rule.MAX_WEEKENDS,
        {"operator_overrides": {1: {"max_weekends": 0}}},
        {"o1": "......L"},
        {("o1", None)},
        {"o1": "LLLLL"},
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_breaking_roster_is_flagged(case: Case) -> None:
    """The breaking roster yields violations of exactly that rule, at the
    expected operator and day, and of no other rule."""
    roster = case.build(case.bad)
    got = places(check(roster))
    assert got == {(case.rule, op, day) for op, day in case.where}


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_compliant_roster_passes(case: Case) -> None:
    """The twin that just satisfies the rule yields no violation."""
    roster = case.build(case.good)
    assert check(roster) == []


# -- rules that need raw assignments -------------------------------------


def test_one_shift_per_day(problem: ProblemData) -> None:
    """Two shifts for one operator on one day break the one-shift rule;
    one of them alone is fine."""
    bad = make_roster(
        problem,
        {"o0": "E"},
        extra=[Assignment(0, 0, problem.shift_index["L"])],
    )
    assert places(check(bad)) == {(Rule.ONE_SHIFT_PER_DAY, "o0", 0)}
    good = make_roster(problem, {"o0": "E", "o1": "L"})
    assert check(good) == []


@pytest.mark.parametrize(
    "bad",
    [
        Assignment(3, 0, 0),
        Assignment(-1, 0, 0),
        Assignment(0, 7, 0),
        Assignment(0, -1, 0),
        Assignment(0, 0, 3),
    ],
    ids=["op", "negative-op", "day", "negative-day", "shift"],
)
def test_unknown_id(problem: ProblemData, bad: Assignment) -> None:
    """An assignment outside the problem's indices is reported as an
    unknown id (and nothing else is checked)."""
    roster = make_roster(problem, {"o1": "NE"}, extra=[bad])
    assert places(check(roster)) == {(Rule.UNKNOWN_ID, None, None)}


def test_min_rest_overlap_counts_even_without_rest_rule() -> None:
    """A shift that starts before the previous day's shift has ended is
    a rest breach even when no minimum rest is set."""
    long_night = make_shifts(N={"duration_minutes": 10 * 60})
    p = make_problem(shifts=long_night)  # N 22:00-08:00, E next day 06:00
    assert places(check(make_roster(p, {"o0": "NE"}))) == {
        (Rule.MIN_REST, "o0", 0)
    }
    assert check(make_roster(p, {"o0": "NL"})) == []


def test_min_rest_detail_names_hours() -> None:
    """The rest violation's detail quotes the rest and the minimum."""
    p = make_problem(rules=R8)
    [v] = check(make_roster(p, {"o0": "NE"}))
    assert "0 h rest, need 8 h" in v.detail
    assert v.describe(p).startswith(RULE_TITLES[Rule.MIN_REST])


def test_every_failing_day_of_max_consecutive_is_reported_once() -> None:
    """One long run is one violation (at its first day), two runs two."""
    p = make_problem(num_days=14, rules=Rules(max_consecutive_days=2))
    roster = make_roster(p, {"o0": "EEE.LLLL.N.NNN"})
    assert places(check(roster)) == {
        (Rule.MAX_CONSECUTIVE_DAYS, "o0", 0),
        (Rule.MAX_CONSECUTIVE_DAYS, "o0", 4),
        (Rule.MAX_CONSECUTIVE_DAYS, "o0", 11),
    }


def test_min_hours_soft_by_default() -> None:
    """Without ``min_minutes_week_is_hard`` a short week is priced, not a
    violation."""
    p = make_problem(operator_overrides={0: {"min_minutes_week": 2400}})
    assert check(make_roster(p, {"o0": "E"})) == []


# -- load ------------------------------------------------------------------

# E on day 0 covers intervals 6..13, on day 1 intervals 30..37.


def load_problem(**overrides) -> ProblemData:
    """Load 3 in interval 6, 1 in 7 and 2 in 30 (days 0 and 1, E)."""
    load = [0] * (overrides.get("num_days", 7) * 24)
    load[6], load[7], load[30] = 3, 1, 2
    return make_problem(load=tuple(load), **overrides)


def test_load_cap_per_shift() -> None:
    """An operator taking more than their per-shift cap is flagged on that
    day; exactly the cap is fine."""
    p = load_problem(operator_overrides={0: {"load_cap_per_shift": 2}})
    bad = make_roster(
        p, {"o0": "E"}, loads={("o0", 0): 3}, flows={(6, 0, "E"): 3}
    )
    assert places(check(bad)) == {(Rule.LOAD_CAP_PER_SHIFT, "o0", 0)}
    good = make_roster(
        p, {"o0": "E"}, loads={("o0", 0): 2}, flows={(6, 0, "E"): 2}
    )
    assert check(good) == []


def test_load_cap_zero_takes_none() -> None:
    """A 0-cap operator must take no load at all."""
    p = load_problem(operator_overrides={1: {"load_cap_per_shift": 0}})
    bad = make_roster(
        p,
        {"o0": "E", "o1": "E"},
        loads={("o0", 0): 2, ("o1", 0): 1},
        flows={(6, 0, "E"): 3},
    )
    assert places(check(bad)) == {(Rule.LOAD_CAP_PER_SHIFT, "o1", 0)}
    good = make_roster(
        p, {"o0": "E", "o1": "E"}, loads={("o0", 0): 3}, flows={(6, 0, "E"): 3}
    )
    assert check(good) == []


def test_load_cap_per_shift_defaults_to_total_load() -> None:
    """Without a personal cap the cap is the horizon's whole load."""
    p = load_problem()  # total load 3 + 1 + 2 = 6
    bad = make_roster(
        p,
        {"o0": "E"},
        loads={("o0", 0): 7},
        flows={(6, 0, "E"): 3, (7, 0, "E"): 1},
    )
    assert (Rule.LOAD_CAP_PER_SHIFT, "o0", 0) in places(check(bad))


def test_negative_load_is_flagged() -> None:
    """A negative load is never within the cap."""
    p = load_problem()
    bad = make_roster(
        p, {"o0": "E"}, loads={("o0", 0): -1}, flows={(6, 0, "E"): -1}
    )
    got = places(check(bad))
    assert (Rule.LOAD_CAP_PER_SHIFT, "o0", 0) in got
    assert {r for r, _, _ in got} <= {
        Rule.LOAD_CAP_PER_SHIFT,
        Rule.LOAD_ALLOCATION,
    }


def test_load_cap_per_week() -> None:
    """Load summed over a Monday-Sunday week may not exceed the weekly
    cap; the week boundary splits Sunday from Monday."""
    p = load_problem(operator_overrides={0: {"load_cap_per_week": 3}})
    bad = make_roster(
        p,
        {"o0": "EE"},
        loads={("o0", 0): 2, ("o0", 1): 2},
        flows={(6, 0, "E"): 2, (30, 1, "E"): 2},
    )
    assert places(check(bad)) == {(Rule.LOAD_CAP_PER_WEEK, "o0", 0)}
    good = make_roster(
        p,
        {"o0": "EE"},
        loads={("o0", 0): 2, ("o0", 1): 1},
        flows={(6, 0, "E"): 2, (30, 1, "E"): 1},
    )
    assert check(good) == []

    # Sunday (day 6, intervals 150..157) and Monday (day 7, 174..181)
    load = [0] * (14 * 24)
    load[150] = load[174] = 2
    p2 = make_problem(
        num_days=14,
        load=tuple(load),
        operator_overrides={0: {"load_cap_per_week": 3}},
    )
    split = make_roster(
        p2,
        {"o0": "......EE"},
        loads={("o0", 6): 2, ("o0", 7): 2},
        flows={(150, 6, "E"): 2, (174, 7, "E"): 2},
    )
    assert check(split) == []


@pytest.mark.parametrize(
    ("loads", "flows", "day"),
    [
        # a flow from interval 30 (day 1) to the day-0 E shift (6..13)
        ({("o0", 0): 1}, {(30, 0, "E"): 1}, 0),
        # the group takes 2 but the intervals give only 1
        ({("o0", 0): 2}, {(6, 0, "E"): 1}, 0),
        # the intervals give 2 but nobody in the group takes it
        ({}, {(30, 1, "E"): 2}, 1),
        # interval 7 has load 1 but gives 2
        ({("o0", 0): 2}, {(7, 0, "E"): 2}, 0),
        # a negative flow
        ({("o0", 0): 0}, {(6, 0, "E"): 3, (7, 0, "E"): -3}, 0),
    ],
    ids=["outside-shift", "group-more", "group-less", "over-load", "negative"],
)
def test_load_allocation(loads, flows, day) -> None:
    """Flows only to intervals the shift covers, the group's load equals
    its flows, and no interval gives more than its load."""
    p = load_problem()
    roster = make_roster(p, {"o0": "EE"}, loads=loads, flows=flows)
    assert places(check(roster)) == {(Rule.LOAD_ALLOCATION, None, day)}


def test_load_allocation_compliant_shared_group() -> None:
    """Two operators on one shift share the group's flows in any split;
    flows need not cover the whole load (shortfall is priced)."""
    p = load_problem()
    roster = make_roster(
        p,
        {"o0": "EE", "o1": "E"},
        loads={("o0", 0): 1, ("o1", 0): 2, ("o0", 1): 1},
        flows={(6, 0, "E"): 2, (7, 0, "E"): 1, (30, 1, "E"): 1},
    )
    assert check(roster) == []


def test_load_allocation_night_flows_into_next_day() -> None:
    """A night shift of day 0 covers intervals 22..29, so it may take load
    of day 1's early hours (interval 26 = 02:00 on day 1)."""
    load = [0] * (7 * 24)
    load[26] = 1
    p = make_problem(load=tuple(load))
    ok = make_roster(
        p, {"o0": "N"}, loads={("o0", 0): 1}, flows={(26, 0, "N"): 1}
    )
    assert check(ok) == []
    bad = make_roster(
        p, {"o0": ".N"}, loads={("o0", 1): 1}, flows={(26, 1, "N"): 1}
    )
    assert places(check(bad)) == {(Rule.LOAD_ALLOCATION, None, 1)}


def test_load_placed_without_forecast() -> None:
    """Flows on a problem without any load forecast are flagged."""
    p = make_problem(operator_overrides={0: {"load_cap_per_shift": 5}})
    roster = make_roster(
        p, {"o0": "E"}, loads={("o0", 0): 1}, flows={(6, 0, "E"): 1}
    )
    assert places(check(roster)) == {(Rule.LOAD_ALLOCATION, None, None)}


def test_flow_interval_outside_horizon_is_reported() -> None:
    """A hand-edited flow pointing past the last interval is a violation,
    not a crash."""
    p = load_problem()
    roster = make_roster(
        p,
        {"o0": "E"},
        loads={("o0", 0): 1},
        flows={(p.num_intervals, 0, "E"): 1},
    )
    got = {r for r, _, _ in places(check(roster))}
    assert got & {Rule.LOAD_ALLOCATION, Rule.UNKNOWN_ID}


def test_flow_unknown_shift_is_reported() -> None:
    """A flow naming a shift index the problem does not have is reported
    as an unknown id, like an assignment would be."""
    p = load_problem()
    roster = Roster(p, [Assignment(0, 0, 0, 1)], {(6, 0, 9): 1})
    got = {r for r, _, _ in places(check(roster))}
    assert got & {Rule.LOAD_ALLOCATION, Rule.UNKNOWN_ID}


def test_every_rule_is_exercised() -> None:
    """Each rule of ``Rule`` appears in this file's breaking cases (the
    table or a dedicated test), so a new rule cannot slip by untested."""
    covered = {c.rule for c in CASES} | {
        Rule.ONE_SHIFT_PER_DAY,
        Rule.UNKNOWN_ID,
        Rule.LOAD_CAP_PER_SHIFT,
        Rule.LOAD_CAP_PER_WEEK,
        Rule.LOAD_ALLOCATION,
    }
    assert covered == set(Rule)
    assert set(RULE_TITLES) == set(Rule)


def test_empty_roster_on_rule_free_problem(problem: ProblemData) -> None:
    """Nobody working breaks no rule when no rule asks for work."""
    assert check(Roster(problem, [])) == []
