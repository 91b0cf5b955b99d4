"""Forecast -> agents required per interval (Erlang C, or the override)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from . import erlang
from .model import Center


@dataclass(frozen=True)
class IntervalRequirement:
    """Staffing for one interval: productive agents (Erlang C), scheduled
    agents (after shrinkage; what the roster must cover) and the forecast
    it came from. ``overridden`` marks a ``required_agents`` override."""

    date: date
    time: int
    calls: float
    aht_seconds: float
    heavy_calls: float
    agents: int
    scheduled_agents: int
    service_level: float
    occupancy: float
    overridden: bool

    @property
    def start(self) -> datetime:
        return datetime.combine(self.date, time()) + timedelta(
            minutes=self.time)


def requirement(center: Center) -> list[IntervalRequirement]:
    """Requirement for every forecast interval, in time order.

    An interval with zero calls needs zero agents. ``required_agents``
    replaces the Erlang C result for that interval and is taken as the
    scheduled head-count (already including shrinkage).
    """
    s = center.settings
    result = []
    for f in sorted(center.forecast, key=lambda f: (f.date, f.time)):
        if f.calls > 0:
            e = erlang.evaluate(
                f.calls, f.aht_seconds, s.interval_minutes, s.service_level,
                s.answer_seconds, s.max_occupancy, s.shrinkage)
            agents, scheduled = e.agents, e.scheduled_agents
            sl, occ = e.service_level, e.occupancy
        else:
            agents = scheduled = 0
            sl, occ = 1.0, 0.0
        overridden = f.required_agents is not None
        if overridden:
            scheduled = f.required_agents
        result.append(IntervalRequirement(
            f.date, f.time, f.calls, f.aht_seconds, f.heavy_calls, agents,
            scheduled, sl, occ, overridden))
    return result
