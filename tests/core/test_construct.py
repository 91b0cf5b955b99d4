"""The greedy construction: it keeps every "at most" rule, and where the
rules ask for runs it fills the calendar in runs."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, note, settings
from test_properties import describe, problems

from scheduler.core import construct as greedy
from scheduler.core.checker import check
from scheduler.core.cpsat.aggregate import solve_aggregate
from scheduler.core.problem import ProblemData
from scheduler.core.rules import Rule
from scheduler.read_curtois import read_curtois

INSTANCES = (Path(__file__).resolve().parents[2].parent / "shared" / "bench"
             / "curtois" / "instances")

#: Rules that ask for at least something: the greedies may leave them
#: broken for the repair (a pin may clash with a rule the greedy keeps).
MINIMA = {
    Rule.MIN_CONSECUTIVE_DAYS,
    Rule.MIN_CONSECUTIVE_DAYS_OFF,
    Rule.MIN_MINUTES_PER_WEEK,
    Rule.MIN_TOTAL_MINUTES,
    Rule.FIXED_ASSIGNMENT,
}


def broken_operators(p: ProblemData, fill) -> int:
    roster = fill(p, solve_aggregate(p).targets)
    return len({v.operator for v in check(roster)})


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(p=problems())
def test_greedy_rosters_keep_every_at_most_rule(p: ProblemData) -> None:
    note(describe(p))
    targets = solve_aggregate(p).targets
    for fill in (greedy._by_day, greedy._in_runs):
        breaches = {v.rule for v in check(fill(p, targets))}
        assert breaches <= MINIMA, (fill.__name__, breaches - MINIMA)


@pytest.mark.parametrize("n", [6, 9, 12, 20])
def test_filling_in_runs_breaks_fewer_operators_than_day_by_day(n) -> None:
    """Measured on all 24 Curtois instances (e.g. Instance 20: 45 of 50
    operators broken day by day, 1 in runs); ``construct`` picks the
    runs where the rules ask for them."""
    p = read_curtois(INSTANCES / f"Instance{n}.txt")
    in_runs = broken_operators(p, greedy._in_runs)
    assert in_runs < broken_operators(p, greedy._by_day)
    assert in_runs <= len(p.operators) // 5
    assert check(greedy.construct(p)) == check(
        greedy._in_runs(p, solve_aggregate(p).targets))
