"""Infeasibility explanations name the rule, the operator and the day."""

from __future__ import annotations

from datetime import date

from scheduler.core.diagnose import explain
from scheduler.core.problem import (
    FixedAssignment,
    Operator,
    ProblemData,
    Rules,
    ShiftType,
)

SHIFTS = (
    ShiftType(id="E", start_minute=360, duration_minutes=480),
    ShiftType(id="N", start_minute=1320, duration_minutes=480, night=True),
)


def _problem(operators, rules: Rules | None = None,
             fixed=()) -> ProblemData:
    return ProblemData(start_date=date(2027, 1, 4), num_days=7,
                       shifts=SHIFTS, operators=tuple(operators),
                       rules=rules or Rules(), fixed=tuple(fixed))


def test_feasible_problem_has_no_explanation():
    """Nothing to explain when every operator can be rostered."""
    assert explain(_problem([Operator(id="a"), Operator(id="b")])) == []


def test_weekly_minimum_against_days_off_names_both_rules():
    """Nights only, 2 days off a week, at least 41 h (hard): 5 shifts of
    8 h give 40 h, so the operator's week is impossible."""
    p = _problem(
        [Operator(id="ok"),
         Operator(id="bob", min_minutes_week=41 * 60,
                  allowed_shifts=frozenset({"N"}))],
        Rules(min_days_off_per_week=2, min_minutes_week_is_hard=True))
    reasons = explain(p)
    assert len(reasons) == 1
    text = reasons[0]
    assert text.startswith("operator bob:")
    assert "Minimum days off per Monday-Sunday week" in text
    assert "Minimum working hours per week (hard)" in text
    assert "week from 2027-01-04" in text
    assert "at least 41 h" in text


def test_pin_on_time_off_names_the_day():
    """A pinned shift on a day of time off: the pin and its date."""
    p = _problem([Operator(id="ann", time_off=frozenset({2}))],
                 fixed=[FixedAssignment(operator="ann", day=2, shift="E")])
    reasons = explain(p)
    assert len(reasons) == 1
    assert "operator ann" in reasons[0]
    assert "Pinned assignments kept (2027-01-06)" in reasons[0]
    assert "time off 2027-01-06" in reasons[0]


def test_rest_and_pins_clash_minimal_core():
    """Night on Monday then early on Tuesday pinned, 11 h rest: the core
    is the rest rule and the pins, not unrelated weekly rules."""
    p = _problem(
        [Operator(id="cy")],
        Rules(min_rest_minutes=660, min_days_off_per_week=1),
        fixed=[FixedAssignment(operator="cy", day=0, shift="N"),
               FixedAssignment(operator="cy", day=1, shift="E")])
    text = explain(p)[0]
    assert "Minimum rest between shifts (2027-01-04: 11 h rest)" in text
    assert "Minimum days off" not in text
