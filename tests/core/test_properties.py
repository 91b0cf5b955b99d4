"""Property tests: random small problems, solver and checker must agree.

``problems()`` draws 1-4 operators, 7-14 days from any weekday, 1-4 shift
types with random starts, lengths and breaks (some crossing midnight,
some nights, some forbidden successions), random global and personal
rules (rest, consecutive-day limits, days off per week, weekly and total
minutes, weekends, shifts per type), time off, allowed shifts,
per-interval demand and load with per-shift caps (including 0) and weekly
caps, preferences, previous-roster cells, random weights, sometimes day
cover and pins. Two properties:

* ``solve`` on such a problem returns only rosters that the independent
  checker accepts, that respect every load cap, and whose recomputed
  objective equals the solver's, OPTIMAL or FEASIBLE (the model's slacks
  are exact and the objective is evaluated at the returned solution);
* with every cell pinned to a grid (random, or a solver roster with up
  to two cells changed), the model is feasible exactly when the checker
  finds no violation in that grid: model and checker enforce the same
  rules.
"""

from __future__ import annotations

from datetime import timedelta

from conftest import MONDAY
from hypothesis import HealthCheck, event, given, note, settings
from hypothesis import strategies as st

from scheduler.core import limits
from scheduler.core.checker import check
from scheduler.core.problem import (
    DayCover,
    FixedAssignment,
    Operator,
    Preference,
    ProblemData,
    Rules,
    ShiftType,
    Weights,
)
from scheduler.core.solution import Assignment, Roster
from scheduler.core.solve import SolveParams, SolveStatus, solve

SHIFT_IDS = "ABCD"


def maybe(strategy, weight: int = 1):
    """``None``, or a value of ``strategy`` ``weight`` times as often."""
    return st.one_of(st.none(), *[strategy] * weight)


@st.composite
def shift_types(draw, n: int) -> tuple[ShiftType, ...]:
    ids = SHIFT_IDS[:n]
    shifts = []
    for sid in ids:
        start = draw(st.integers(0, 47)) * 30
        duration = draw(st.integers(4, 24)) * 30  # 2 h to 12 h
        brk = draw(st.sampled_from([0, 0, 30, 60]))
        crosses = start + duration > 1440
        night = (
            draw(st.booleans())
            if crosses
            else draw(st.sampled_from([False, False, False, True]))
        )
        forbidden = draw(
            st.lists(st.sampled_from(ids), max_size=2, unique=True)
        )
        shifts.append(
            ShiftType(
                id=sid,
                start_minute=start,
                duration_minutes=duration,
                break_minutes=min(brk, duration - 30),
                night=night,
                forbidden_next=tuple(forbidden),
            )
        )
    return tuple(shifts)


def rarely(strategy):
    """``None`` three times in four, else a value of ``strategy``."""
    return st.one_of(st.none(), st.none(), st.none(), strategy)


HOURS = st.integers(0, 48).map(lambda h: 60 * h)


@st.composite
def operators(draw, n: int, ids: str, num_days: int) -> tuple[Operator, ...]:
    ops = []
    for i in range(n):
        min_week = draw(st.sampled_from([0, 0, 0, 600, 1200, 1800, 2400]))
        max_week = draw(rarely(HOURS))
        if max_week is not None and max_week < min_week:
            max_week = min_week
        min_total = draw(rarely(st.integers(0, 16).map(lambda h: 60 * h)))
        max_total = draw(rarely(st.integers(0, 80).map(lambda h: 60 * h)))
        if None not in (min_total, max_total) and min_total > max_total:
            min_total, max_total = max_total, min_total
        allowed = draw(
            st.none()
            | st.none()
            | st.frozensets(
                st.sampled_from(ids), min_size=1, max_size=len(ids)
            )
            | st.just(frozenset())
        )
        ops.append(
            Operator(
                id=f"op{i}",
                allowed_shifts=allowed,
                time_off=draw(
                    st.frozensets(st.integers(0, num_days - 1), max_size=4)
                ),
                min_minutes_week=min_week,
                max_minutes_week=max_week,
                min_minutes_total=min_total,
                max_minutes_total=max_total,
                max_shifts_per_type=draw(
                    st.dictionaries(
                        st.sampled_from(ids), st.integers(0, 5), max_size=2
                    )
                ),
                max_consecutive_days=draw(rarely(st.integers(1, 6))),
                min_consecutive_days=draw(rarely(st.integers(1, 3))),
                min_consecutive_days_off=draw(rarely(st.integers(1, 3))),
                max_weekends=draw(rarely(st.integers(0, 2))),
                load_cap_per_shift=draw(st.none() | st.integers(0, 4)),
                load_cap_per_week=draw(rarely(st.integers(0, 8))),
            )
        )
    return tuple(ops)


@st.composite
def problems(draw, with_fixed: bool = True) -> ProblemData:
    num_days = draw(st.integers(7, 14))
    start = MONDAY + timedelta(days=draw(st.integers(0, 6)))
    interval = draw(st.sampled_from([60, 60, 30, 120]))
    slots = 1440 // interval
    shifts = draw(shift_types(draw(st.integers(1, 4))))
    ids = "".join(s.id for s in shifts)
    n_ops = draw(st.integers(1, 4))
    ops = draw(operators(n_ops, ids, num_days))
    op_ids = [o.id for o in ops]
    num_intervals = num_days * slots

    rules = Rules(
        min_rest_minutes=draw(st.sampled_from([0, 0, 480, 660, 720, 960])),
        max_consecutive_days=draw(maybe(st.integers(2, 7))),
        max_consecutive_nights=draw(maybe(st.integers(1, 4))),
        min_days_off_per_week=draw(maybe(st.integers(0, 4))),
        max_minutes_per_week=draw(
            maybe(st.integers(16, 48).map(lambda h: 60 * h))
        ),
        min_minutes_week_is_hard=draw(st.sampled_from([False] * 7 + [True])),
    )

    required: tuple[int, ...] = ()
    if draw(st.booleans()):
        daily = draw(
            st.lists(st.integers(0, 2), min_size=slots, max_size=slots)
        )
        required = tuple(daily) * num_days
    load: tuple[int, ...] = ()
    if draw(st.sampled_from([True, True, False])):
        spots = draw(
            st.dictionaries(
                st.integers(0, num_intervals - 1),
                st.integers(1, 4),
                max_size=16,
            )
        )
        load = tuple(spots.get(t, 0) for t in range(num_intervals))

    day = st.integers(0, num_days - 1)
    day_cover: tuple[DayCover, ...] = ()
    if not required or draw(st.booleans()):
        day_cover = tuple(
            draw(
                st.lists(
                    st.builds(
                        DayCover,
                        day=day,
                        shift=st.sampled_from(ids),
                        required=st.integers(0, 2),
                        weight_under=st.integers(0, 100),
                        weight_over=st.integers(0, 5),
                    ),
                    max_size=10,
                )
            )
        )
    preferences = tuple(
        draw(
            st.lists(
                st.builds(
                    Preference,
                    operator=st.sampled_from(op_ids),
                    day=day,
                    shift=st.none() | st.sampled_from(ids),
                    want=st.booleans(),
                    weight=st.integers(0, 5),
                ),
                max_size=6,
            )
        )
    )
    fixed: tuple[FixedAssignment, ...] = ()
    if with_fixed and draw(st.sampled_from([False] * 5 + [True])):
        fixed = tuple(
            draw(
                st.lists(
                    st.builds(
                        FixedAssignment,
                        operator=st.sampled_from(op_ids),
                        day=day,
                        shift=st.none() | st.sampled_from(ids),
                    ),
                    max_size=3,
                )
            )
        )
    previous: tuple[FixedAssignment, ...] = ()
    if draw(st.booleans()):
        previous = tuple(
            draw(
                st.lists(
                    st.builds(
                        FixedAssignment,
                        operator=st.sampled_from(op_ids),
                        day=day,
                        shift=st.none() | st.sampled_from(ids),
                    ),
                    max_size=8,
                )
            )
        )
    weights = Weights()
    if draw(st.booleans()):
        weights = Weights(
            **{name: draw(st.integers(0, 30)) for name in Weights.model_fields}
        )
    return ProblemData(
        name="random",
        start_date=start,
        num_days=num_days,
        interval_minutes=interval,
        shifts=shifts,
        operators=ops,
        rules=rules,
        weights=weights,
        required=required,
        load=load,
        day_cover=day_cover,
        preferences=preferences,
        fixed=fixed,
        previous=previous,
    )


SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def first_roster(p: ProblemData) -> Roster | None:
    """Any legal roster of ``p``, fast: CP-SAT's first solution."""
    params = SolveParams(
        time_limit=2,
        workers=2,
        fo_share=0,
        extra={"stop_after_first_solution": True},
    )
    return solve(p, params).roster


def describe(p: ProblemData) -> str:
    return p.model_dump_json(exclude_defaults=True)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    p=problems(),
    time_limit=st.sampled_from([1.5, 2.0]),
    workers=st.sampled_from([2, 8]),
    seed=st.integers(0, 3),
    first=st.booleans(),
)
def test_solver_rosters_are_legal_and_priced_exactly(
    p: ProblemData, time_limit: float, workers: int, seed: int, first: bool
) -> None:
    """Any roster the solver returns passes the checker, respects load
    caps, and its recomputed objective equals the reported one. Half the
    runs stop at the first solution, so FEASIBLE incumbents (slacks not
    pushed down by optimisation) are priced too."""
    note(describe(p))
    extra = {"stop_after_first_solution": True} if first else {}
    result = solve(
        p,
        SolveParams(
            time_limit=time_limit, workers=workers, seed=seed, extra=extra
        ),
    )
    note(f"status {result.status}, objective {result.objective}")
    event(f"status: {result.status.value}")
    if result.status not in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE):
        assert result.roster is None
        return
    roster = result.roster
    assert check(roster) == []
    for a in roster.assignments:
        cap = limits.load_cap_per_shift(p, a.operator)
        assert 0 <= a.load <= cap
        if p.operators[a.operator].load_cap_per_shift == 0:
            assert a.load == 0
    cost = roster.objective()
    note(f"roster terms {roster.objective_terms()}")
    # The model's slacks are exact and the objective is evaluated at the
    # returned solution, so the two are equal, optimal or not.
    assert result.objective == cost
    if result.bound is not None:
        assert result.bound <= cost


@SETTINGS
@given(p0=problems(with_fixed=False), data=st.data())
def test_model_and_checker_agree_on_pinned_grid(
    p0: ProblemData, data: st.DataObject
) -> None:
    """Pin every cell of a grid: the model finds a roster exactly when the
    checker accepts the grid, and then it is that grid.

    The grid is either random, or a roster the solver found with up to
    two cells changed, so that many grids sit right at a rule's edge."""
    note(describe(p0))
    shifts = range(len(p0.shifts))
    cells = [
        (o, d) for o in range(len(p0.operators)) for d in range(p0.num_days)
    ]
    cell = st.none() | st.none() | st.sampled_from(shifts)
    base = None
    if data.draw(st.booleans(), label="near a solution"):
        base = first_roster(p0)
    if base is None:
        grid = {c: data.draw(cell) for c in cells}
    else:
        grid = dict.fromkeys(cells)
        grid.update({(a.operator, a.day): a.shift for a in base.assignments})
        for _ in range(data.draw(st.integers(0, 2), label="changes")):
            grid[data.draw(st.sampled_from(cells))] = data.draw(cell)
    fixed = tuple(
        FixedAssignment(
            operator=p0.operators[o].id,
            day=d,
            shift=None if s is None else p0.shifts[s].id,
        )
        for (o, d), s in grid.items()
    )
    p = ProblemData.model_validate(
        {**p0.model_dump(), "fixed": [f.model_dump() for f in fixed]}
    )
    roster = Roster(
        p, [Assignment(o, d, s) for (o, d), s in grid.items() if s is not None]
    )
    violations = check(roster)
    note(f"grid violations: {violations}")
    event("grid legal" if not violations else "grid breaks a rule")
    for rule in sorted({v.rule for v in violations}):
        event(f"breaks {rule}")
    # Every cell is pinned: no search is needed, so no fix-and-optimize phase.
    result = solve(p, SolveParams(time_limit=2, workers=2, fo_share=0))
    note(f"status {result.status}")
    if violations:
        assert result.status is SolveStatus.INFEASIBLE
        return
    assert result.status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE)
    got = [(a.operator, a.day, a.shift) for a in result.roster.assignments]
    assert got == [(a.operator, a.day, a.shift) for a in roster.assignments]
    assert check(result.roster) == []
    cost = result.roster.objective()
    assert result.objective == cost or (
        result.status is SolveStatus.FEASIBLE and result.objective > cost
    )
    # Same cells: same cost, except that the solver also places the load
    # (the grid roster has none placed).
    if any(p.load):
        assert cost <= roster.objective()
    else:
        assert cost == roster.objective()


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(p=problems())
def test_open_shifts_are_the_cells_the_rules_allow(p: ProblemData) -> None:
    """The table of open shifts the models are built from (once per
    operator, skipping days far from any day off) is ``can_work`` cell by
    cell, shifts crossing midnight into a day off included."""
    note(describe(p))
    for o in range(len(p.operators)):
        for d in range(p.num_days):
            assert limits.open_shifts(p, o, d) == tuple(
                s for s in range(len(p.shifts)) if limits.can_work(p, o, d, s))
