"""Property: every roster planned for a random small centre is legal.

Random centres come from the seeded generator with random sizes and random
rule settings; whatever the solver returns must pass the independent
checker, respect every operator's heavy-call cap, and report the objective
the roster itself recomputes.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduler.center.generate import generate_center
from scheduler.center.staffing import requirement
from scheduler.center.to_problem import to_problem
from scheduler.core import limits
from scheduler.core.checker import check
from scheduler.core.solve import SolveParams, solve


@st.composite
def centres(draw):
    center = generate_center(operators=draw(st.integers(3, 8)), days=7,
                             seed=draw(st.integers(0, 10_000)))
    rules = center.rules.model_copy(update={
        "min_rest_hours": draw(st.sampled_from([8, 11, 12])),
        "max_consecutive_days": draw(st.integers(2, 6)),
        "max_consecutive_nights": draw(st.integers(1, 3)),
        "min_days_off_per_week": draw(st.integers(1, 3)),
        "max_hours_per_week": draw(st.sampled_from([24, 32, 40, 48])),
        "heavy_calls_per_shift": draw(st.integers(0, 6)),
        "heavy_calls_per_week": draw(st.one_of(st.none(),
                                               st.integers(0, 20))),
    })
    return center.model_copy(update={"rules": rules})


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(centres(), st.integers(0, 3))
def test_planned_roster_passes_checker(center, seed):
    """Legal roster, caps respected, objective recomputed exactly."""
    problem = to_problem(center, requirement(center))
    result = solve(problem, SolveParams(time_limit=2, workers=2, seed=seed))
    assert result.roster is not None
    roster = result.roster
    assert check(roster) == []
    for a in roster.assignments:
        assert a.load <= limits.load_cap_per_shift(problem, a.operator)
    for o, op in enumerate(problem.operators):
        if op.load_cap_per_week is not None:
            for week in problem.weeks:
                assert roster.weekly_load(o, week) <= op.load_cap_per_week
    assert result.objective == roster.objective()
