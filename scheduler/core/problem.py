"""The rostering problem as plain, validated data.

The core knows operators, shift types, days, demand and rules; it knows
nothing of calls, Erlang C, files or solvers. The contact-centre layer maps
a centre onto it (heavy calls become a per-interval *load* with per-operator
caps) and so does the Curtois-Qu benchmark reader (load = 0, day cover).

Once a ``ProblemData`` exists it is valid: entity checks live in field
validators and every cross reference is checked in one model validator, so
the model builder and the checker never meet a dangling id.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cached_property
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

MINUTES_PER_DAY = 1440


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ShiftType(_Frozen):
    """A shift that can be worked on any day of the horizon.

    ``start_minute`` is the start in minutes after midnight of the day the
    shift belongs to; a shift may run past midnight into the next day.
    ``paid_minutes`` is the working time (length less unpaid break) that
    counts towards weekly and total hours; coverage uses the whole length
    because breaks are covered by shrinkage.
    """

    id: str = Field(min_length=1)
    start_minute: int = Field(ge=0, lt=MINUTES_PER_DAY)
    duration_minutes: int = Field(gt=0, le=MINUTES_PER_DAY)
    break_minutes: int = Field(default=0, ge=0)
    night: bool = False
    label: str = ""
    forbidden_next: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _break_shorter_than_shift(self) -> ShiftType:
        if self.break_minutes >= self.duration_minutes:
            msg = f"shift {self.id!r}: break must be shorter than the shift"
            raise ValueError(msg)
        return self

    @property
    def paid_minutes(self) -> int:
        return self.duration_minutes - self.break_minutes

    @property
    def end_minute(self) -> int:
        """End relative to the start of its own day (may exceed 1440)."""
        return self.start_minute + self.duration_minutes


class Operator(_Frozen):
    """A person who can be rostered, with their personal limits.

    ``None`` means "no personal limit" (the global rule, if any, applies).
    ``load_cap_per_shift`` of 0 means the operator takes no load at all
    (e.g. a new hire who must not get heavy calls).
    """

    id: str = Field(min_length=1)
    name: str = ""
    allowed_shifts: frozenset[str] | None = None
    time_off: frozenset[int] = frozenset()
    min_minutes_week: int = Field(default=0, ge=0)
    max_minutes_week: int | None = Field(default=None, ge=0)
    min_minutes_total: int | None = Field(default=None, ge=0)
    max_minutes_total: int | None = Field(default=None, ge=0)
    max_shifts_per_type: dict[str, int] = Field(default_factory=dict)
    max_consecutive_days: int | None = Field(default=None, ge=1)
    min_consecutive_days: int | None = Field(default=None, ge=1)
    min_consecutive_days_off: int | None = Field(default=None, ge=1)
    max_weekends: int | None = Field(default=None, ge=0)
    load_cap_per_shift: int | None = Field(default=None, ge=0)
    load_cap_per_week: int | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _min_not_above_max(self) -> Operator:
        pairs = [
            ("min_minutes_week", "max_minutes_week"),
            ("min_minutes_total", "max_minutes_total"),
        ]
        for low, high in pairs:
            lo, hi = getattr(self, low), getattr(self, high)
            if lo is not None and hi is not None and lo > hi:
                msg = f"operator {self.id!r}: {low} {lo} > {high} {hi}"
                raise ValueError(msg)
        return self


class Rules(_Frozen):
    """Hard rules for everyone; operators may tighten some of them.

    Runs (of working days, nights, days off) are counted inside the horizon.
    A run touching the first or last day continues outside the horizon, so
    it is exempt from the *minimum* run lengths; maximum run lengths count
    the days inside the horizon only.
    """

    min_rest_minutes: int = Field(default=0, ge=0)
    max_consecutive_days: int | None = Field(default=None, ge=1)
    max_consecutive_nights: int | None = Field(default=None, ge=1)
    min_days_off_per_week: int | None = Field(default=None, ge=0, le=7)
    max_minutes_per_week: int | None = Field(default=None, ge=0)
    min_minutes_week_is_hard: bool = False


class Weights(_Frozen):
    """Objective weights; every soft term grows with the size of a breach."""

    understaffing: int = Field(default=100, ge=0)
    overstaffing: int = Field(default=1, ge=0)
    load_shortfall: int = Field(default=1000, ge=0)
    contract_hours: int = Field(default=20, ge=0)
    preference: int = Field(default=10, ge=0)
    night_fairness: int = Field(default=20, ge=0)
    weekend_fairness: int = Field(default=50, ge=0)
    load_fairness: int = Field(default=5, ge=0)
    stability: int = Field(default=0, ge=0)


class DayCover(_Frozen):
    """Head-count wanted on one shift type on one day (day-level demand)."""

    day: int = Field(ge=0)
    shift: str
    required: int = Field(ge=0)
    weight_under: int = Field(default=100, ge=0)
    weight_over: int = Field(default=1, ge=0)


class Preference(_Frozen):
    """A soft wish: ``shift=None`` means a day off.

    ``want`` is breached when the operator does not get exactly that (the
    shift, or the day off); ``avoid`` when they do.
    """

    operator: str
    day: int = Field(ge=0)
    shift: str | None = None
    want: bool = True
    weight: int = Field(default=1, ge=0)


class FixedAssignment(_Frozen):
    """A cell's value: the operator works ``shift`` that day (None = off).

    In ``ProblemData.fixed`` it is pinned (a hard rule); in
    ``ProblemData.previous`` it is what a published roster said, and every
    cell that ends up different costs ``Weights.stability``.
    """

    operator: str
    day: int = Field(ge=0)
    shift: str | None


class ProblemData(_Frozen):
    """Everything the solver and the checker need, and nothing else.

    ``previous`` holds the cells of an earlier (published) roster; the
    stability term counts each one that changes, so a re-plan moves only
    what it must. ``required`` and ``load`` are per interval over the
    whole horizon (``num_days * slots_per_day`` long) or empty when the
    demand is given per day and shift in ``day_cover`` instead.
    """

    name: str = "roster"
    start_date: date
    num_days: int = Field(gt=0)
    interval_minutes: int = Field(default=60, gt=0, le=MINUTES_PER_DAY)
    shifts: tuple[ShiftType, ...]
    operators: tuple[Operator, ...]
    rules: Rules = Rules()
    weights: Weights = Weights()
    required: tuple[int, ...] = ()
    load: tuple[int, ...] = ()
    day_cover: tuple[DayCover, ...] = ()
    preferences: tuple[Preference, ...] = ()
    fixed: tuple[FixedAssignment, ...] = ()
    previous: tuple[FixedAssignment, ...] = ()

    @model_validator(mode="after")
    def _references(self) -> ProblemData:
        if MINUTES_PER_DAY % self.interval_minutes:
            msg = f"interval {self.interval_minutes} min does not divide a day"
            raise ValueError(msg)
        _unique("shift", [s.id for s in self.shifts])
        _unique("operator", [o.id for o in self.operators])
        shift_ids = {s.id for s in self.shifts}
        op_ids = {o.id for o in self.operators}
        for s in self.shifts:
            _known("shift", s.id, "forbidden_next", s.forbidden_next,
                   shift_ids)
        for o in self.operators:
            _known("operator", o.id, "allowed_shifts",
                   o.allowed_shifts or (), shift_ids)
            _known("operator", o.id, "max_shifts_per_type",
                   o.max_shifts_per_type, shift_ids)
            _days("operator", o.id, o.time_off, self.num_days)
        for series in ("required", "load"):
            values = getattr(self, series)
            if values and len(values) != self.num_intervals:
                msg = (f"{series} has {len(values)} intervals, expected "
                       f"{self.num_intervals}")
                raise ValueError(msg)
            if any(v < 0 for v in values):
                raise ValueError(f"{series} has a negative value")
        for item in (*self.day_cover, *self.preferences, *self.fixed,
                     *self.previous):
            if item.day >= self.num_days:
                raise ValueError(f"{item!r}: day outside the horizon")
            shift = item.shift
            if shift is not None and shift not in shift_ids:
                raise ValueError(f"{item!r}: unknown shift {shift!r}")
            op = getattr(item, "operator", None)
            if op is not None and op not in op_ids:
                raise ValueError(f"{item!r}: unknown operator {op!r}")
        return self

    # Index helpers. Everything below is derived, cached and read-only.

    @property
    def slots_per_day(self) -> int:
        return MINUTES_PER_DAY // self.interval_minutes

    @property
    def num_intervals(self) -> int:
        return self.num_days * self.slots_per_day

    @cached_property
    def memo(self) -> dict[str, Any]:
        """Tables other modules derive from the problem once and keep
        (``limits.open_shifts``): the problem is frozen, so they cannot go
        stale."""
        return {}

    @cached_property
    def total_load(self) -> int:
        return sum(self.load)

    @cached_property
    def shift_index(self) -> dict[str, int]:
        return {s.id: i for i, s in enumerate(self.shifts)}

    @cached_property
    def operator_index(self) -> dict[str, int]:
        return {o.id: i for i, o in enumerate(self.operators)}

    @cached_property
    def preference_cells(self) -> tuple[tuple[int, int, int | None], ...]:
        """(operator, day, shift or None) of each preference, as indices:
        pricing a roster looks up every preference (Curtois 24: 14,000)."""
        return tuple((self.operator_index[w.operator], w.day,
                      None if w.shift is None else self.shift_index[w.shift])
                     for w in self.preferences)

    @cached_property
    def day_cover_cells(self) -> tuple[tuple[int, int], ...]:
        """(day, shift index) of each ``day_cover`` entry."""
        return tuple((c.day, self.shift_index[c.shift])
                     for c in self.day_cover)

    def date_of(self, day: int) -> date:
        return self.start_date + timedelta(days=day)

    def shift_window(self, day: int, shift: int) -> tuple[int, int]:
        """Start and end in minutes from the start of day 0."""
        s = self.shifts[shift]
        start = day * MINUTES_PER_DAY + s.start_minute
        return start, start + s.duration_minutes

    def shift_intervals(self, day: int, shift: int) -> range:
        """Intervals of the horizon the shift overlaps (clipped to it)."""
        start, end = self.shift_window(day, shift)
        first = start // self.interval_minutes
        last = -(-end // self.interval_minutes)
        return range(first, min(last, self.num_intervals))

    @cached_property
    def weeks(self) -> tuple[tuple[int, ...], ...]:
        """Days of each Monday-Sunday week the horizon touches."""
        weeks: list[list[int]] = []
        for day in range(self.num_days):
            if day == 0 or self.date_of(day).weekday() == 0:
                weeks.append([])
            weeks[-1].append(day)
        return tuple(tuple(w) for w in weeks)

    @cached_property
    def weekends(self) -> tuple[tuple[int, ...], ...]:
        """Saturday and Sunday of each weekend the horizon touches."""
        result = []
        for week in self.weeks:
            days = tuple(d for d in week if self.date_of(d).weekday() >= 5)
            if days:
                result.append(days)
        return tuple(result)

    def allowed(self, op: int, shift: int) -> bool:
        allowed = self.operators[op].allowed_shifts
        return allowed is None or self.shifts[shift].id in allowed


def _unique(kind: str, ids: list[str]) -> None:
    seen: set[str] = set()
    for i in ids:
        if i in seen:
            raise ValueError(f"duplicate {kind} id {i!r}")
        seen.add(i)


def _known(kind: str, owner: str, field: str, ids, known: set[str]) -> None:
    unknown = sorted(set(ids) - known)
    if unknown:
        msg = f"{kind} {owner!r}: {field} names unknown shift(s) {unknown}"
        raise ValueError(msg)


def _days(kind: str, owner: str, days, num_days: int) -> None:
    bad = sorted(d for d in days if not 0 <= d < num_days)
    if bad:
        msg = f"{kind} {owner!r}: days {bad} outside the horizon"
        raise ValueError(msg)
