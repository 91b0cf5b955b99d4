"""What each rule means for one operator, one week or one pair of shifts.

This is the single place where a rule's parameters are resolved (personal
limit versus the global rule, partial weeks at the horizon's edges, time
off, shift pairs that break rest). The CP-SAT model, the independent
checker and the infeasibility explanations all read it, so they cannot
disagree on what a rule asks; each then enforces or verifies it its own way.
"""

from __future__ import annotations

from functools import cache

from .problem import MINUTES_PER_DAY, ProblemData
from .rules import Rule


def _tighter(a: int | None, b: int | None) -> int | None:
    if a is None:
        return b
    if b is None:
        return a
    return min(a, b)


def max_consecutive_days(p: ProblemData, op: int) -> int | None:
    return _tighter(p.operators[op].max_consecutive_days,
                    p.rules.max_consecutive_days)


def max_minutes_week(p: ProblemData, op: int) -> int | None:
    return _tighter(p.operators[op].max_minutes_week,
                    p.rules.max_minutes_per_week)


def load_cap_per_shift(p: ProblemData, op: int) -> int:
    """Per-shift load cap; no cap means the whole horizon's load."""
    cap = p.operators[op].load_cap_per_shift
    return total_load(p) if cap is None else cap


def total_load(p: ProblemData) -> int:
    return p.total_load


def days_off_required(p: ProblemData, week: tuple[int, ...]) -> int:
    """Days off needed inside the horizon part of a Monday-Sunday week.

    Days of a partial week outside the horizon may be days off, so they
    count towards the minimum (the lenient reading: we cannot know them).
    """
    need = p.rules.min_days_off_per_week or 0
    return max(0, need - (7 - len(week)))


def week_min_minutes(p: ProblemData, op: int, week: tuple[int, ...]) -> int:
    """Contract minimum for one week, pro-rated by the days available.

    A partial week at the horizon's edge, or a week with time off, lowers
    the minimum in proportion to the days the operator could work.
    """
    o = p.operators[op]
    available = sum(1 for d in week if d not in o.time_off)
    return o.min_minutes_week * available // 7


def blocked_by_time_off(p: ProblemData, op: int, day: int,
                        shift: int) -> bool:
    """True when the shift overlaps one of the operator's days off."""
    time_off = p.operators[op].time_off
    if not time_off:
        return False
    start, end = p.shift_window(day, shift)
    first = start // MINUTES_PER_DAY
    last = (end - 1) // MINUTES_PER_DAY
    return any(d in time_off for d in range(first, last + 1))


def can_work(p: ProblemData, op: int, day: int, shift: int) -> bool:
    """Allowed shift and not blocked by time off: the model's domain."""
    return p.allowed(op, shift) and not blocked_by_time_off(p, op, day, shift)


def open_shifts(p: ProblemData, op: int, day: int) -> tuple[int, ...]:
    """The shifts ``can_work`` allows ``op`` on ``day``, from a table built
    once per operator: every sub-model of fix-and-optimize asks for all
    cells of its window again (Curtois 24: 4,000 a step, a sixth of the
    build)."""
    table = p.memo.setdefault("open_shifts", {})
    if op not in table:
        shifts = range(len(p.shifts))
        allowed = tuple(s for s in shifts if p.allowed(op, s))
        # Days a shift of day 0 touches: a day further than that from
        # every day off has all allowed shifts open (most days; the full
        # test costs seconds on Curtois 24's 1.6 million cells).
        windows = [p.shift_window(0, s) for s in shifts]
        first = min(a for a, _ in windows) // MINUTES_PER_DAY
        last = max(b - 1 for _, b in windows) // MINUTES_PER_DAY
        near = {t - k for t in p.operators[op].time_off
                for k in range(first, last + 1)}
        table[op] = tuple(
            tuple(s for s in allowed if not blocked_by_time_off(p, op, d, s))
            if d in near else allowed for d in range(p.num_days))
    return table[op][day]


def succession_conflicts(
    p: ProblemData,
) -> dict[tuple[int, int, int], Rule]:
    """Shift pairs that may not follow each other, with the rule they break.

    Key ``(first, second, gap)``: ``first`` on day d and ``second`` on day
    d + gap (gap >= 1) break the rule. Same-day pairs are excluded by the
    one-shift-per-day rule. Rest is measured from the end of one shift to
    the start of the next, so shifts crossing midnight and week boundaries
    are handled by the same arithmetic.
    """
    return _succession_conflicts(p.shifts, p.rules.min_rest_minutes)


@cache
def _succession_conflicts(shifts, rest: int) -> dict[tuple[int, int, int],
                                                     Rule]:
    longest = max(s.end_minute for s in shifts)
    max_gap = (longest + rest) // MINUTES_PER_DAY + 1
    index = {s.id: i for i, s in enumerate(shifts)}
    conflicts: dict[tuple[int, int, int], Rule] = {}
    for i, a in enumerate(shifts):
        for gap in range(1, max_gap + 1):
            for j, b in enumerate(shifts):
                start_b = gap * MINUTES_PER_DAY + b.start_minute
                if start_b - a.end_minute < rest or start_b < a.end_minute:
                    conflicts[i, j, gap] = Rule.MIN_REST
        for name in a.forbidden_next:
            conflicts.setdefault((i, index[name], 1),
                                 Rule.FORBIDDEN_SUCCESSION)
    return conflicts


def rest_gap_minutes(p: ProblemData, first: tuple[int, int],
                     second: tuple[int, int]) -> int:
    """Minutes between the end of one (day, shift) and the next's start."""
    return p.shift_window(*second)[0] - p.shift_window(*first)[1]
