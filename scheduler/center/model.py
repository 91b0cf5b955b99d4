"""A contact centre as its manager describes it: the input of ``plan``.

This is the call-centre layer's own model (calls, heavy calls, Erlang C
settings). It is mapped onto the general rostering core by
``center.to_problem``; the readers fill it from a workbook or CSV folder.
Times of day are minutes after midnight; dates are calendar dates.
"""

from __future__ import annotations

import datetime as dt
from datetime import date, timedelta

from pydantic import BaseModel, ConfigDict, Field

NIGHT_WINDOW = (0, 5 * 60)  # 00:00-05:00, the EU working-time night core
NIGHT_MIN_MINUTES = 3 * 60  # a shift with >= 3 h in that window is a night


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Settings(_Frozen):
    center: str = "center"
    start_date: date
    days: int = Field(default=28, gt=0, le=400)
    interval_minutes: int = 30
    service_level: float = Field(default=0.8, gt=0, lt=1)
    answer_seconds: float = Field(default=20, ge=0)
    max_occupancy: float = Field(default=0.85, gt=0, le=1)
    shrinkage: float = Field(default=0.3, ge=0, lt=1)
    time_limit_seconds: float = Field(default=60, gt=0)
    seed: int = Field(default=0, ge=0)
    workers: int | None = Field(default=None, ge=1)

    @property
    def end_date(self) -> date:
        """Last planned day (inclusive)."""
        return self.start_date + timedelta(days=self.days - 1)


class CenterRules(_Frozen):
    min_rest_hours: float = Field(default=11, ge=0)
    max_consecutive_days: int = Field(default=6, ge=1)
    min_days_off_per_week: int = Field(default=2, ge=0, le=7)
    max_hours_per_week: float = Field(default=48, gt=0)
    max_consecutive_nights: int = Field(default=3, ge=1)
    heavy_calls_per_shift: int = Field(default=8, ge=0)
    heavy_calls_per_week: int | None = Field(default=None, ge=0)
    min_hours_is_hard: bool = False
    weight_understaffing: int = Field(default=100, ge=0)
    weight_overstaffing: int = Field(default=1, ge=0)
    weight_heavy_shortfall: int = Field(default=1000, ge=0)
    weight_contract_hours: int = Field(default=20, ge=0)
    weight_preference: int = Field(default=10, ge=0)
    weight_night_fairness: int = Field(default=20, ge=0)
    weight_weekend_fairness: int = Field(default=50, ge=0)
    weight_heavy_fairness: int = Field(default=5, ge=0)


class ForecastInterval(_Frozen):
    date: dt.date
    time: int = Field(ge=0, lt=1440)  # interval start, minutes after 00:00
    calls: float = Field(ge=0)
    aht_seconds: float = Field(gt=0)
    heavy_calls: float = Field(default=0, ge=0)
    required_agents: int | None = Field(default=None, ge=0)


class CenterShift(_Frozen):
    shift_id: str = Field(min_length=1)
    start: int = Field(ge=0, lt=1440)
    hours: float = Field(gt=0, le=24)
    break_minutes: int = Field(default=0, ge=0)
    label: str = ""
    night: bool | None = None  # None: derived from the times

    @property
    def duration_minutes(self) -> int:
        return round(self.hours * 60)

    @property
    def is_night(self) -> bool:
        """Explicit flag, else >= 3 h inside 00:00-05:00 (EU definition)."""
        if self.night is not None:
            return self.night
        lo, hi = NIGHT_WINDOW
        start, end = self.start, self.start + self.duration_minutes
        overlap = 0
        for offset in (0, 1440):
            overlap += max(0, min(end, hi + offset) - max(start, lo + offset))
        return overlap >= NIGHT_MIN_MINUTES


class CenterOperator(_Frozen):
    operator_id: str = Field(min_length=1)
    name: str = ""
    min_hours_week: float = Field(default=0, ge=0)
    max_hours_week: float | None = Field(default=None, ge=0)
    heavy_calls_cap: int | None = Field(default=None, ge=0)
    shifts: tuple[str, ...] | None = None


class TimeOff(_Frozen):
    operator_id: str
    date_from: date
    date_to: date
    reason: str = ""


class CenterPreference(_Frozen):
    """A wish for a date or for every such weekday (0 = Monday).

    ``shift_id`` None means a day off (``OFF`` in the sheet)."""

    operator_id: str
    date: dt.date | None = None
    weekday: int | None = Field(default=None, ge=0, le=6)
    shift_id: str | None = None
    want: bool = True
    weight: int = Field(default=1, ge=0)


class Center(_Frozen):
    settings: Settings
    rules: CenterRules = CenterRules()
    forecast: tuple[ForecastInterval, ...]
    shifts: tuple[CenterShift, ...]
    operators: tuple[CenterOperator, ...]
    time_off: tuple[TimeOff, ...] = ()
    preferences: tuple[CenterPreference, ...] = ()
    source: str = ""
