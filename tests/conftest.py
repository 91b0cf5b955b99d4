"""Shared builders for small, hand-checkable rostering problems.

Everything here is plain code (no files): ``make_problem`` returns a tiny
valid ``ProblemData`` whose every field can be overridden, and
``make_roster`` turns a readable grid (one string per operator, one
character per day) into a ``Roster``.

The default problem: three 8-hour shifts ``E`` 06:00-14:00, ``L``
14:00-22:00 and ``N`` 22:00-06:00 (a night crossing midnight), operators
``o0`` .. ``o2``, one week starting on Monday 2024-01-01, 60-minute
intervals, no rules, no demand, default weights.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta

import pytest

from scheduler.core.problem import Operator, ProblemData, ShiftType
from scheduler.core.solution import Assignment, Roster

MONDAY = date(2024, 1, 1)
assert MONDAY.weekday() == 0

OFF = ".-"  # grid characters meaning "day off"


def monday_plus(days: int) -> date:
    """The date ``days`` after Monday 2024-01-01 (3 = Thursday, ...)."""
    return MONDAY + timedelta(days=days)


def make_shifts(**overrides: Mapping[str, object]) -> tuple[ShiftType, ...]:
    """E 06:00, L 14:00, N 22:00 (night), 8 h each, no break.

    ``make_shifts(N={"forbidden_next": ("E",)})`` changes one shift.
    """
    base = {
        "E": {"start_minute": 6 * 60, "duration_minutes": 480},
        "L": {"start_minute": 14 * 60, "duration_minutes": 480},
        "N": {"start_minute": 22 * 60, "duration_minutes": 480, "night": True},
    }
    unknown = set(overrides) - set(base)
    if unknown:
        raise KeyError(f"unknown shift(s) {sorted(unknown)}")
    return tuple(
        ShiftType(id=sid, **{**fields, **overrides.get(sid, {})})
        for sid, fields in base.items()
    )


def make_operators(n: int = 3, **common: object) -> tuple[Operator, ...]:
    """Operators ``o0`` .. ``o{n-1}``, all with the fields ``common``."""
    return tuple(Operator(id=f"o{i}", **common) for i in range(n))


def make_problem(
    *,
    num_operators: int = 3,
    operator_overrides: Mapping[int, Mapping[str, object]] | None = None,
    **overrides: object,
) -> ProblemData:
    """A tiny valid problem; any ``ProblemData`` field can be overridden.

    ``num_operators`` sizes the default team and ``operator_overrides``
    (``{index: {field: value}}``) personalises members of it; an explicit
    ``operators=`` replaces the team instead.
    """
    if "operators" in overrides:
        if operator_overrides:
            raise ValueError("give operators or operator_overrides")
        operators = overrides.pop("operators")
    else:
        personal = operator_overrides or {}
        operators = tuple(
            Operator(id=f"o{i}", **personal.get(i, {}))
            for i in range(num_operators)
        )
    fields: dict[str, object] = {
        "name": "tiny",
        "start_date": MONDAY,
        "num_days": 7,
        "interval_minutes": 60,
        "shifts": make_shifts(),
        "operators": operators,
    }
    fields.update(overrides)
    return ProblemData(**fields)


def series(problem: ProblemData, values: Mapping[int, int]) -> tuple[int, ...]:
    """A per-interval series over the horizon: ``{interval: value}``."""
    out = [0] * problem.num_intervals
    for t, v in values.items():
        out[t] = v
    return tuple(out)


def make_roster(
    problem: ProblemData,
    grid: Mapping[str, str] | None = None,
    *,
    loads: Mapping[tuple[str, int], int] | None = None,
    flows: Mapping[tuple[int, int, str], int] | None = None,
    extra: Iterable[Assignment] = (),
) -> Roster:
    """A roster from a readable grid.

    ``grid`` maps an operator id to one token per day: a shift id or ``.``
    / ``-`` for a day off. Tokens are single characters, or separated by
    spaces when a shift id is longer (``"E L . N"``). ``loads`` gives
    ``{(operator id, day): load}``; ``flows`` gives ``{(interval, day,
    shift id): amount}``; ``extra`` adds raw assignments (e.g. a second
    shift on one day, or out-of-range indices).
    """
    p = problem
    loads = dict(loads or {})
    assignments: list[Assignment] = []
    for op_id, row in (grid or {}).items():
        op = p.operator_index[op_id]
        tokens = row.split() if " " in row.strip() else list(row)
        if len(tokens) > p.num_days:
            raise ValueError(f"{op_id}: {len(tokens)} days > horizon")
        for day, token in enumerate(tokens):
            if token in OFF:
                continue
            load = loads.pop((op_id, day), 0)
            assignments.append(Assignment(op, day, p.shift_index[token], load))
    if loads:
        raise ValueError(f"loads on days off: {sorted(loads)}")
    flow_map = {
        (t, day, p.shift_index[sid]): amount
        for (t, day, sid), amount in (flows or {}).items()
    }
    return Roster(p, [*assignments, *extra], flow_map)


@pytest.fixture
def problem() -> ProblemData:
    """The default tiny problem (3 operators, 7 days, E/L/N)."""
    return make_problem()


@pytest.fixture
def two_week_problem() -> ProblemData:
    """The default problem over 14 days (two full Monday-Sunday weeks)."""
    return make_problem(num_days=14)
