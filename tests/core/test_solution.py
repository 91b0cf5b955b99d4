"""Objective terms recomputed by ``Roster`` on tiny rosters, by hand.

Default weights (see ``Weights``): understaffing 100, overstaffing 1,
load shortfall 1000, contract hours 20, preference 10, night fairness 20,
weekend fairness 50, load fairness 5. Shifts: E 06-14 (intervals 6..13 of
its day), L 14-22 (14..21), N 22-06 night (22..29, i.e. into the next
day). Day 0 is Monday 2024-01-01; 60-minute intervals.
"""

from __future__ import annotations

import pytest
from conftest import (
    make_problem,
    make_roster,
    make_shifts,
    monday_plus,
    series,
)

from scheduler.core.problem import (
    DayCover,
    FixedAssignment,
    Preference,
    Rules,
    ShiftType,
    Weights,
)
from scheduler.core.solution import Assignment, Roster


def terms(**nonzero: int) -> dict[str, int]:
    """The expected terms: those named, every other term zero."""
    return nonzero


def nonzero(r: Roster) -> dict[str, int]:
    """The roster's nonzero objective terms (all terms are >= 0)."""
    got = r.objective_terms()
    assert all(v >= 0 for v in got.values()), got
    assert r.objective() == sum(got.values())
    return {k: v for k, v in got.items() if v}


def test_under_and_overstaffing_per_interval() -> None:
    """Head-count against ``required`` per interval; a night on the last
    day is clipped to the horizon."""
    # One day (Monday, no weekend). required: 1 from 06:00 to 22:00
    # (intervals 6..21), 2 at 22:00 (22), 1 at 23:00 (23).
    p0 = make_problem(num_days=1)
    req = series(p0, {**dict.fromkeys(range(6, 22), 1), 22: 2, 23: 1})
    p = make_problem(num_days=1, required=req)
    r = make_roster(p, {"o0": "E", "o1": "E", "o2": "N"})
    # staffed: 2 on 6..13 (o0, o1), 0 on 14..21, 1 on 22..23 (o2's N,
    # whose 00:00-06:00 part lies past the one-day horizon)
    assert r.scheduled == [0] * 6 + [2] * 8 + [0] * 8 + [1, 1]
    # under: 8 intervals (14..21) x 1 + interval 22: 2 - 1 = 9
    # over: 8 intervals (6..13) x (2 - 1) = 8
    assert sum(r.understaffing()) == 9
    assert sum(r.overstaffing()) == 8
    assert r.understaffing()[22] == 1
    # night fairness: o2 works 1 night -> 20 x 1
    assert nonzero(r) == terms(
        understaffing=100 * 9, overstaffing=1 * 8, night_fairness=20
    )
    assert r.objective() == 900 + 8 + 20


def test_night_shift_covers_next_morning() -> None:
    """The night of day 0 staffs 22:00-06:00, i.e. intervals 22..29."""
    p0 = make_problem(num_days=2)
    p = make_problem(
        num_days=2,
        required=series(p0, {26: 1, 30: 1}),
        weights=Weights(understaffing=7, overstaffing=3, night_fairness=0),
    )
    r = make_roster(p, {"o0": "N"})
    assert [t for t, n in enumerate(r.scheduled) if n] == list(range(22, 30))
    # interval 26 covered; 30 (06:00 day 1) not: under 1 x 7.
    # over: 22..25 and 27..29 = 7 intervals x 3 = 21.
    assert nonzero(r) == terms(understaffing=7, overstaffing=21)


def test_unaligned_shift_counts_whole_intervals() -> None:
    """A shift starting mid-interval staffs every interval it touches."""
    # 30-minute intervals; M 09:15-10:45 touches 09:00..11:00 = 18..21.
    m = ShiftType(id="M", start_minute=9 * 60 + 15, duration_minutes=90)
    p0 = make_problem(num_days=1, interval_minutes=30, shifts=(m,))
    req = series(p0, dict.fromkeys(range(17, 23), 1))  # 08:30-11:30
    p = make_problem(
        num_days=1, interval_minutes=30, shifts=(m,), required=req
    )
    r = make_roster(p, {"o0": "M"})
    assert [t for t, n in enumerate(r.scheduled) if n] == [18, 19, 20, 21]
    # under at 17 and 22 -> 2 x 100; no night shift in the problem
    assert nonzero(r) == terms(understaffing=200)


def test_load_shortfall_and_load_fairness() -> None:
    """Unplaced load is priced per unit; load fairness prices the largest
    weekly load of any one operator."""
    p0 = make_problem()
    p = make_problem(
        load=series(p0, {6: 3, 7: 1, 30: 2}),
        operator_overrides={0: {"load_cap_per_shift": 2}},
    )
    r = make_roster(
        p,
        {"o0": "E", "o1": ".E"},
        loads={("o0", 0): 2, ("o1", 1): 1},
        flows={(6, 0, "E"): 2, (30, 1, "E"): 1},
    )
    # placed: 2 at 6, 1 at 30. shortfall: (3-2) + (1-0) + (2-1) = 3
    assert r.load_shortfall()[6:8] == [1, 1]
    assert sum(r.load_shortfall()) == 3
    # capacity per interval: o0's cap 2 on 6..13, o1 uncapped (total 6)
    assert r.load_capacity[6] == 2
    assert r.load_capacity[30] == 6
    # weekly loads: o0 2, o1 1 -> max 2 x 5 = 10
    # nights: none worked -> 20 x 0; weekend (days 5, 6): none worked
    assert nonzero(r) == terms(load_shortfall=3000, load_fairness=10)


def test_load_fairness_is_per_week_not_per_horizon() -> None:
    """o0 takes 2 + 2 over two weeks, o1 3 in one week: the max is 3."""
    p0 = make_problem(num_days=14)
    p = make_problem(num_days=14, load=series(p0, {6: 2, 30: 3, 174: 2}))
    r = make_roster(
        p,
        {"o0": "E......E", "o1": ".E"},
        loads={("o0", 0): 2, ("o0", 7): 2, ("o1", 1): 3},
        flows={(6, 0, "E"): 2, (174, 7, "E"): 2, (30, 1, "E"): 3},
    )
    assert r.weekly_load(0, p.weeks[0]) == 2
    assert r.weekly_load(0, p.weeks[1]) == 2
    # max weekly load 3 -> 5 x 3 = 15; everything placed
    assert nonzero(r) == terms(load_fairness=15)


def test_day_cover_with_weights() -> None:
    """Day-level demand uses each entry's own weights."""
    cover = (
        DayCover(day=0, shift="E", required=2),  # under 100, over 1
        DayCover(day=0, shift="L", required=0, weight_over=7),
        DayCover(day=1, shift="N", required=1, weight_under=30),
        DayCover(day=1, shift="E", required=1, weight_under=5, weight_over=3),
    )
    p = make_problem(num_days=2, day_cover=cover)
    r = make_roster(p, {"o0": "E", "o1": "LE", "o2": "LE"})
    # day 0 E: 1 of 2 -> under 1 x 100 = 100
    # day 0 L: 2 of 0 -> over 2 x 7 = 14
    # day 1 N: 0 of 1 -> under 1 x 30 = 30
    # day 1 E: 2 of 1 -> over 1 x 3 = 3
    assert r.day_cover_counts() == [(1, 0), (0, 2), (1, 0), (0, 1)]
    # no night worked, no weekend in a Mon-Tue horizon
    assert nonzero(r) == terms(day_cover=100 + 14 + 30 + 3)
    # The search frees the days the cover cost sits on, and those with
    # work to spare.
    assert r.cover_cost_by_day() == [(100, 14), (30, 3)]


def test_cover_cost_by_day_adds_interval_demand_to_its_day() -> None:
    """Interval under- and overstaffing count on the calendar day of the
    interval (a night's morning part on the next day)."""
    p0 = make_problem(num_days=2)
    req = series(p0, {30: 1, 31: 1})  # day 1, 06:00-07:59
    p = make_problem(num_days=2, required=req)
    r = make_roster(p, {"o0": "N", "o1": "E"})
    # o0's night (day 0, 22:00-06:00) staffs day 0 22..23 (over 2) and
    # day 1 00..05 (over 6); o1's early on day 0 (06..13) is over 8;
    # day 1 06:00-07:59 is short (2 x 100).
    assert r.cover_cost_by_day() == [(0, 8 + 2), (200, 6)]
    assert sum(map(sum, r.cover_cost_by_day())) == (
        r.objective_terms()["understaffing"]
        + r.objective_terms()["overstaffing"])


def contract_problem(**overrides):
    # 10 days: week one Mon-Sun (days 0..6), week two Mon-Wed (7..9)
    return make_problem(
        num_days=10,
        operator_overrides={
            0: {"min_minutes_week": 2400},
            1: {"min_minutes_week": 2100, "time_off": frozenset({0, 1})},
            2: {"min_minutes_week": 490},
        },
        **overrides,
    )


CONTRACT_GRID = {"o0": "EEEE...E", "o1": "..EEE..EE", "o2": "E"}


def test_contract_hours_rounded_up_and_pro_rated() -> None:
    """Whole hours short of the weekly minimum, rounded up per week; the
    minimum is pro-rated by the days available in the week."""
    p = contract_problem()
    r = make_roster(p, CONTRACT_GRID)
    w1, w2 = p.weeks
    # o0, week one: 2400 - 4 x 480 = 480 min short -> 8 h
    # o0, week two (3 days): 2400 * 3 // 7 = 1028; 1028 - 480 = 548
    #     -> 9.13 h, rounded up to 10 h
    # o1, week one: 5 days available (time off Mon, Tue):
    #     2100 * 5 // 7 = 1500; 1500 - 3 x 480 = 60 -> 1 h
    # o1, week two: 2100 * 3 // 7 = 900; worked 960 -> 0 h
    # o2, week one: 490 - 480 = 10 min -> 1 h
    # o2, week two: 490 * 3 // 7 = 210 min, nothing worked -> 3.5 -> 4 h
    expected = {
        (0, w1): 8,
        (0, w2): 10,
        (1, w1): 1,
        (1, w2): 0,
        (2, w1): 1,
        (2, w2): 4,
    }
    for (op, week), hours in expected.items():
        assert r.contract_deficit_hours(op, week) == hours, (op, week)
    # 24 h x 20; nobody works a night or the weekend (days 5, 6)
    assert nonzero(r) == terms(contract_hours=24 * 20)


def test_contract_hours_not_priced_when_hard() -> None:
    """With a hard weekly minimum the soft contract term is zero."""
    p = contract_problem(rules=Rules(min_minutes_week_is_hard=True))
    assert nonzero(make_roster(p, CONTRACT_GRID)) == terms()


def test_contract_hours_count_paid_minutes_only() -> None:
    """A 30-minute unpaid break leaves 450 paid minutes per E shift."""
    p = make_problem(
        shifts=make_shifts(E={"break_minutes": 30}),
        operator_overrides={0: {"min_minutes_week": 2400}},
        weights=Weights(contract_hours=3),
    )
    r = make_roster(p, {"o0": "EEEEE"})
    # 2400 - 5 x 450 = 150 min -> 2.5 h -> 3 h, x 3
    assert r.minutes(0, range(7)) == 2250
    assert nonzero(r) == terms(contract_hours=9)


def test_contract_hours_partial_first_week() -> None:
    """A horizon starting on Thursday pro-rates the first week to 4/7."""
    p = make_problem(
        start_date=monday_plus(3),
        num_days=4,
        operator_overrides={0: {"min_minutes_week": 700}},
    )
    # 700 * 4 // 7 = 400 min, nothing worked -> 6.67 h -> 7 h x 20
    r = Roster(p, [])
    assert nonzero(r) == terms(contract_hours=140)


def test_preferences_want_avoid_off() -> None:
    """Want (shift or day off) is breached when not granted exactly;
    avoid is breached when granted."""
    prefs = (
        Preference(operator="o0", day=0, shift="E"),  # gets E: kept
        Preference(operator="o0", day=1, shift="L", weight=3),  # E: breach
        Preference(
            operator="o1", day=0, shift="N", want=False, weight=2
        ),  # gets N: breach
        Preference(operator="o1", day=1, shift=None, weight=5),  # works
        Preference(
            operator="o2", day=0, shift=None, want=False, weight=4
        ),  # avoid a day off, is off: breach
        Preference(operator="o2", day=1, shift=None, weight=6),  # off: kept
        Preference(
            operator="o0", day=2, shift="L", want=False, weight=7
        ),  # off, so not L: kept
        Preference(operator="o2", day=2, shift="N", weight=0),  # free breach
    )
    p = make_problem(num_days=3, preferences=prefs)
    r = make_roster(p, {"o0": "EE.", "o1": "NL.", "o2": "..."})
    assert r.preference_breaches() == [(1, 3), (2, 2), (3, 5), (4, 4), (7, 0)]
    # (3 + 2 + 5 + 4 + 0) x 10 = 140; o1 works one night -> 20
    assert nonzero(r) == terms(preferences=140, night_fairness=20)


def test_fairness_maxima() -> None:
    """Night and weekend fairness price the busiest operator only."""
    p = make_problem(num_days=14)
    r = make_roster(
        p,
        {
            "o0": "NN...N.......N",  # 4 nights; Sat wk1 + Sun wk2: 2 weekends
            "o1": ".....EE",  # both days of one weekend: 1 weekend
            "o2": "..N",  # 1 night
        },
    )
    assert [r.nights(o) for o in range(3)] == [4, 0, 1]
    assert [r.weekends_worked(o) for o in range(3)] == [2, 1, 0]
    # 20 x 4 + 50 x 2
    assert nonzero(r) == terms(night_fairness=80, weekend_fairness=100)


def test_fairness_terms_vanish_without_nights_or_weekends() -> None:
    """No night shift type: no night term; a Mon-Fri horizon has no
    weekend: no weekend term, whatever is worked."""
    p = make_problem(num_days=5, shifts=make_shifts(N={"night": False}))
    r = make_roster(p, {"o0": "NNNNN", "o1": "EEEEE"})
    assert p.weekends == ()
    assert nonzero(r) == terms()


@pytest.mark.parametrize(
    ("start", "weeks", "weekends"),
    [
        (0, [7, 7], [(5, 6), (12, 13)]),
        (3, [4, 7, 3], [(2, 3), (9, 10)]),
        (5, [2, 7, 5], [(0, 1), (7, 8)]),
        (6, [1, 7, 6], [(0,), (6, 7), (13,)]),
    ],
)
def test_weeks_and_weekends(start, weeks, weekends) -> None:
    """Monday-Sunday weeks and Saturday-Sunday weekends of a 14-day
    horizon starting on any weekday (partial weeks at the edges)."""
    p = make_problem(start_date=monday_plus(start), num_days=14)
    assert [len(w) for w in p.weeks] == weeks
    assert [d for w in p.weeks for d in w] == list(range(14))
    assert list(p.weekends) == weekends


def test_full_objective_adds_up() -> None:
    """All terms at once on one roster: the total is their sum."""
    p0 = make_problem(num_days=7)
    p = make_problem(
        num_days=7,
        required=series(p0, {6: 2, 22: 1}),
        load=series(p0, {6: 1}),
        day_cover=(DayCover(day=1, shift="L", required=1),),
        preferences=(Preference(operator="o1", day=6, shift=None),),
        operator_overrides={0: {"min_minutes_week": 600}},
    )
    r = make_roster(
        p,
        {"o0": "E", "o1": "......N"},
        loads={("o0", 0): 1},
        flows={(6, 0, "E"): 1},
    )
    # required: interval 6 has 1 of 2 -> under 1; interval 22 has 0 of 1
    #   -> under 1; o0's E staffs 7..13 with nobody wanted -> over 7;
    #   o1's N on Sunday staffs 166..167 (clipped) -> over 2
    # day cover: L on day 1 missing -> 100
    # contract: o0 600 - 480 = 120 -> 2 h x 20 = 40
    # preference: o1 wanted Sunday off, works N -> 1 x 10
    # nights: o1 1 -> 20; weekends: o1 1 -> 50; load: o0 1 -> 5
    expected = terms(
        understaffing=200,
        overstaffing=9,
        day_cover=100,
        contract_hours=40,
        preferences=10,
        night_fairness=20,
        weekend_fairness=50,
        load_fairness=5,
    )
    assert nonzero(r) == expected
    assert r.objective() == sum(expected.values()) == 434


def test_roster_sorts_and_indexes_cells() -> None:
    """Assignments are kept sorted; ``by_cell`` keeps the first of two
    shifts on one day; group sizes count operators per (day, shift)."""
    p = make_problem()
    r = Roster(
        p, [Assignment(1, 0, 2), Assignment(0, 0, 1), Assignment(0, 0, 0)]
    )
    assert r.assignments == [
        Assignment(0, 0, 0),
        Assignment(0, 0, 1),
        Assignment(1, 0, 2),
    ]
    assert r.by_cell[0, 0].shift == 0
    assert r.group_size == {(0, 0): 1, (0, 1): 1, (0, 2): 1}
    assert r.works(1, 0) and not r.works(1, 1)


def test_stability_counts_changed_cells() -> None:
    """Each cell of the previous roster that now differs (other shift,
    or off instead of working and vice versa) costs the stability
    weight; the default weight is 0."""
    previous = (
        FixedAssignment(operator="o0", day=0, shift="E"),  # still E: kept
        FixedAssignment(operator="o0", day=1, shift="L"),  # now E: change
        FixedAssignment(operator="o1", day=0, shift=None),  # still off
        FixedAssignment(operator="o1", day=2, shift=None),  # now L: change
        FixedAssignment(operator="o2", day=1, shift="E"),  # now off: change
    )
    grid = {"o0": "EE", "o1": "..L"}
    p = make_problem(
        num_days=3, previous=previous, weights=Weights(stability=4)
    )
    r = make_roster(p, grid)
    assert r.changes() == [1, 3, 4]
    # 3 changes x 4; no night, no weekend in Mon-Wed
    assert nonzero(r) == terms(stability=12)
    p0 = make_problem(num_days=3, previous=previous)
    assert nonzero(make_roster(p0, grid)) == terms()
