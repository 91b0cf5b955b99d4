"""Centre + staffing requirement -> the general rostering problem.

Heavy calls become the core's per-interval *load*; an operator's heavy-call
cap becomes their load cap. Nothing below this point knows about calls.
"""

from __future__ import annotations

import math
from datetime import timedelta

from ..core.problem import (
    Operator,
    Preference,
    ProblemData,
    Rules,
    ShiftType,
    Weights,
)
from .model import Center
from .staffing import IntervalRequirement


def whole_units(values: list[float]) -> list[int]:
    """Round a series to integers keeping the running total: the rounded
    prefix sums equal the rounded true prefix sums, so a day of 0.4 heavy
    calls per interval still yields its heavy calls instead of none."""
    result, total, given = [], 0.0, 0
    for v in values:
        total += v
        target = math.floor(total + 0.5)
        result.append(target - given)
        given = target
    return result


def to_problem(center: Center,
               requirement: list[IntervalRequirement]) -> ProblemData:
    s, r = center.settings, center.rules
    slots = 1440 // s.interval_minutes
    num = s.days * slots
    index = {}
    for i in range(num):
        day, slot = divmod(i, slots)
        when = s.start_date + timedelta(days=day)
        index[when, slot * s.interval_minutes] = i
    required = [0] * num
    heavy = [0.0] * num
    for req in requirement:
        i = index.get((req.date, req.time))
        if i is not None:
            required[i] = req.scheduled_agents
            heavy[i] = req.heavy_calls
    load: list[int] = []
    for day in range(s.days):
        load += whole_units(heavy[day * slots:(day + 1) * slots])

    shifts = tuple(
        ShiftType(id=sh.shift_id, start_minute=sh.start,
                  duration_minutes=sh.duration_minutes,
                  break_minutes=sh.break_minutes, night=sh.is_night,
                  label=sh.label)
        for sh in center.shifts)
    time_off: dict[str, set[int]] = {}
    for t in center.time_off:
        days = time_off.setdefault(t.operator_id, set())
        first = max(0, (t.date_from - s.start_date).days)
        last = min(s.days - 1, (t.date_to - s.start_date).days)
        days.update(range(first, last + 1))
    operators = tuple(
        Operator(
            id=o.operator_id, name=o.name,
            allowed_shifts=None if o.shifts is None else frozenset(o.shifts),
            time_off=frozenset(time_off.get(o.operator_id, ())),
            min_minutes_week=round(o.min_hours_week * 60),
            max_minutes_week=(None if o.max_hours_week is None
                              else round(o.max_hours_week * 60)),
            load_cap_per_shift=(r.heavy_calls_per_shift
                                if o.heavy_calls_cap is None
                                else o.heavy_calls_cap),
            load_cap_per_week=r.heavy_calls_per_week,
        )
        for o in center.operators)
    preferences = []
    for p in center.preferences:
        if p.date is not None:
            days = [(p.date - s.start_date).days]
        else:
            days = [d for d in range(s.days)
                    if (s.start_date + timedelta(days=d)).weekday()
                    == p.weekday]
        preferences += [
            Preference(operator=p.operator_id, day=d, shift=p.shift_id,
                       want=p.want, weight=p.weight)
            for d in days if 0 <= d < s.days]
    return ProblemData(
        name=s.center,
        start_date=s.start_date,
        num_days=s.days,
        interval_minutes=s.interval_minutes,
        shifts=shifts,
        operators=operators,
        rules=Rules(
            min_rest_minutes=round(r.min_rest_hours * 60),
            max_consecutive_days=r.max_consecutive_days,
            max_consecutive_nights=r.max_consecutive_nights,
            min_days_off_per_week=r.min_days_off_per_week,
            max_minutes_per_week=round(r.max_hours_per_week * 60),
            min_minutes_week_is_hard=r.min_hours_is_hard,
        ),
        weights=Weights(
            understaffing=r.weight_understaffing,
            overstaffing=r.weight_overstaffing,
            load_shortfall=r.weight_heavy_shortfall,
            contract_hours=r.weight_contract_hours,
            preference=r.weight_preference,
            night_fairness=r.weight_night_fairness,
            weekend_fairness=r.weight_weekend_fairness,
            load_fairness=r.weight_heavy_fairness,
        ),
        required=tuple(required),
        load=tuple(load),
        preferences=tuple(preferences),
    )
