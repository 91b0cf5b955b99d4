"""Reader for the Curtois-Qu staff-scheduling benchmark (``.txt`` format).

The format (see ``shared/bench/curtois/README.md``) has seven sections,
each a header line ``SECTION_<NAME>`` followed by comma-separated lines;
``#`` starts a comment line and blank lines separate sections. Day 0 is a
Monday and the horizon is whole weeks.

The mapping onto the core needs no benchmark-specific rule:

* every shift starts at minute 0 of its day and lasts its length; the
  "cannot follow" field becomes ``ShiftType.forbidden_next``;
* every employee becomes an ``Operator`` with its per-type caps, total
  minutes, run lengths, weekend cap and days off (``time_off``);
* cover lines become ``DayCover`` with their own weights, on-requests
  ``Preference(want=True)`` and off-requests ``Preference(want=False)``;
* all centre weights are 0 except ``preference`` (1), so the core's
  ``Roster.objective()`` is exactly the benchmark's objective.

The core's edge policy (minimum runs exempt at the horizon's edges,
maximum runs counted inside it, no succession across the edges) is the
benchmark's. Every malformed line is reported with file, line and what is
wrong, all at once, in one ``InputError``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from pydantic import ValidationError

from .core.problem import (
    DayCover,
    Operator,
    Preference,
    ProblemData,
    ShiftType,
    Weights,
)
from .errors import InputError, InputProblem

#: Day 0 of every instance is a Monday; any Monday will do.
START_DATE = date(2024, 1, 1)

#: Only the benchmark's own terms count: cover (weights in ``DayCover``)
#: and requests (weights in ``Preference``).
CURTOIS_WEIGHTS = Weights(
    understaffing=0,
    overstaffing=0,
    load_shortfall=0,
    contract_hours=0,
    preference=1,
    night_fairness=0,
    weekend_fairness=0,
    load_fairness=0,
)

SECTIONS = (
    "HORIZON",
    "SHIFTS",
    "STAFF",
    "DAYS_OFF",
    "SHIFT_ON_REQUESTS",
    "SHIFT_OFF_REQUESTS",
    "COVER",
)

# Fields per line of each section (DAYS_OFF: at least this many).
_FIELDS = {
    "HORIZON": 1,
    "SHIFTS": 3,
    "STAFF": 8,
    "DAYS_OFF": 1,
    "SHIFT_ON_REQUESTS": 4,
    "SHIFT_OFF_REQUESTS": 4,
    "COVER": 5,
}

_FORMATS = {
    "HORIZON": "Days",
    "SHIFTS": "ShiftID,Length,CannotFollow",
    "STAFF": (
        "ID,MaxShifts,MaxTotalMinutes,MinTotalMinutes,"
        "MaxConsecutiveShifts,MinConsecutiveShifts,"
        "MinConsecutiveDaysOff,MaxWeekends"
    ),
    "DAYS_OFF": "EmployeeID,Day,Day,...",
    "SHIFT_ON_REQUESTS": "EmployeeID,Day,ShiftID,Weight",
    "SHIFT_OFF_REQUESTS": "EmployeeID,Day,ShiftID,Weight",
    "COVER": "Day,ShiftID,Requirement,WeightUnder,WeightOver",
}


_HANDLERS = {
    "HORIZON": "horizon_line",
    "SHIFTS": "shift_line",
    "STAFF": "staff_line",
    "DAYS_OFF": "days_off_line",
    "SHIFT_ON_REQUESTS": "on_request_line",
    "SHIFT_OFF_REQUESTS": "off_request_line",
    "COVER": "cover_line",
}


class _LineError(Exception):
    """One thing wrong with the current line."""


class _AlreadyReportedError(Exception):
    """The line names an id whose own line was malformed (reported)."""


@dataclass
class _Reader:
    file: str
    problems: list[InputProblem] = field(default_factory=list)
    horizon: int | None = None
    shifts: dict[str, tuple[int, int, list[str]]] = field(
        default_factory=dict
    )  # id -> (line, length, cannot-follow ids)
    staff: dict[str, int] = field(default_factory=dict)  # id -> line
    time_off: dict[str, set[int]] = field(default_factory=dict)
    preferences: list[Preference] = field(default_factory=list)
    cover: dict[tuple[int, str], DayCover] = field(default_factory=dict)
    # Ids defined on a malformed line: later lines naming them are skipped
    # instead of reported again as "unknown".
    broken: set[str] = field(default_factory=set)

    def error(self, line: int | None, message: str) -> None:
        self.problems.append(InputProblem(self.file, message, row=line))

    # Field helpers: each raises _LineError with a precise message.

    def integer(self, text: str, what: str, low: int = 0) -> int:
        try:
            value = int(text.strip())
        except ValueError:
            raise _LineError(
                f"{what} must be an integer, got {text.strip()!r}"
            ) from None
        if value < low:
            raise _LineError(f"{what} must be >= {low}, got {value}")
        return value

    def day(self, text: str) -> int:
        d = self.integer(text, "day")
        if self.horizon is None:
            raise _LineError("day given before SECTION_HORIZON")
        if d >= self.horizon:
            raise _LineError(f"day {d} out of range 0..{self.horizon - 1}")
        return d

    def shift(self, text: str) -> str:
        sid = text.strip()
        if sid not in self.shifts:
            if sid in self.broken:
                raise _AlreadyReportedError
            raise _LineError(f"unknown shift id {sid!r}")
        return sid

    def employee(self, text: str) -> str:
        eid = text.strip()
        if eid not in self.staff:
            if eid in self.broken:
                raise _AlreadyReportedError
            raise _LineError(f"unknown employee id {eid!r}")
        return eid

    # Sections -----------------------------------------------------------

    def horizon_line(self, f: list[str], line: int) -> None:
        if self.horizon is not None:
            raise _LineError("horizon given twice")
        self.horizon = self.integer(f[0], "horizon (days)", low=1)

    def shift_line(self, f: list[str], line: int) -> None:
        sid = f[0].strip()
        if not sid:
            raise _LineError("empty shift id")
        if sid in self.shifts:
            raise _LineError(f"duplicate shift id {sid!r}")
        length = self.integer(f[1], f"shift {sid}: length", low=1)
        if length > 1440:
            raise _LineError(
                f"shift {sid}: length {length} min exceeds a day (1440)"
            )
        cannot = [s.strip() for s in f[2].split("|") if s.strip()]
        self.shifts[sid] = (line, length, cannot)

    def staff_line(self, f: list[str], line: int) -> Operator:
        eid = f[0].strip()
        if not eid:
            raise _LineError("empty employee id")
        if eid in self.staff:
            raise _LineError(f"duplicate employee id {eid!r}")
        caps: dict[str, int] = {}
        for item in f[1].split("|"):
            if not item.strip():
                continue
            sid, eq, n = item.partition("=")
            if not eq:
                raise _LineError(
                    f"MaxShifts item {item.strip()!r} is not ShiftID=n"
                )
            try:
                sid = self.shift(sid)
            except _AlreadyReportedError:
                continue  # that shift's own line is already reported
            if sid in caps:
                raise _LineError(f"MaxShifts names shift {sid!r} twice")
            caps[sid] = self.integer(n, f"MaxShifts for {sid}")
        names = f[2:]
        labels = (
            "MaxTotalMinutes",
            "MinTotalMinutes",
            "MaxConsecutiveShifts",
            "MinConsecutiveShifts",
            "MinConsecutiveDaysOff",
            "MaxWeekends",
        )
        lows = (0, 0, 1, 1, 1, 0)
        v = [
            self.integer(t, label, low)
            for t, label, low in zip(names, labels, lows, strict=True)
        ]
        if v[1] > v[0]:
            raise _LineError(
                f"MinTotalMinutes {v[1]} > MaxTotalMinutes {v[0]}"
            )
        self.staff[eid] = line
        return Operator(
            id=eid,
            max_shifts_per_type=caps,
            max_minutes_total=v[0],
            min_minutes_total=v[1],
            max_consecutive_days=v[2],
            min_consecutive_days=v[3],
            min_consecutive_days_off=v[4],
            max_weekends=v[5],
        )

    def days_off_line(self, f: list[str], line: int) -> None:
        eid = self.employee(f[0])
        days = self.time_off.setdefault(eid, set())
        for text in f[1:]:
            if text.strip():
                days.add(self.day(text))

    def on_request_line(self, f: list[str], line: int) -> None:
        self.request(f, want=True)

    def off_request_line(self, f: list[str], line: int) -> None:
        self.request(f, want=False)

    def request(self, f: list[str], want: bool) -> None:
        eid = self.employee(f[0])
        d = self.day(f[1])
        sid = self.shift(f[2])
        weight = self.integer(f[3], "weight")
        self.preferences.append(
            Preference(
                operator=eid, day=d, shift=sid, want=want, weight=weight
            )
        )

    def cover_line(self, f: list[str], line: int) -> None:
        d = self.day(f[0])
        sid = self.shift(f[1])
        if (d, sid) in self.cover:
            raise _LineError(f"second cover line for day {d} shift {sid}")
        self.cover[d, sid] = DayCover(
            day=d,
            shift=sid,
            required=self.integer(f[2], "requirement"),
            weight_under=self.integer(f[3], "weight for under"),
            weight_over=self.integer(f[4], "weight for over"),
        )


def read_curtois(path: str | Path) -> ProblemData:
    """Read one Curtois-Qu instance file; the problem is named after it.

    Raises ``InputError`` listing every malformed line (file, line number
    and what is wrong) and every missing section.
    """
    path = Path(path)
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError([InputProblem(name, f"cannot read: {exc}")]) from exc
    r = _Reader(name)
    operators: list[Operator] = []
    section: str | None = None
    seen: list[str] = []
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("SECTION_"):
            section = line.removeprefix("SECTION_")
            if section not in SECTIONS:
                r.error(lineno, f"unknown section {line!r}")
                section = "?"
            elif section in seen:
                r.error(lineno, f"section {line} given twice")
            else:
                seen.append(section)
            continue
        if section is None:
            r.error(lineno, "data before the first SECTION_ header")
            continue
        if section == "?":
            continue  # already reported at the header
        fields = line.split(",")
        need = _FIELDS[section]
        exact = section != "DAYS_OFF"
        if len(fields) < need or (exact and len(fields) != need):
            if section in ("SHIFTS", "STAFF"):
                r.broken.add(fields[0].strip())
            r.error(
                lineno,
                f"SECTION_{section}: expected {need}"
                f"{'' if exact else ' or more'} fields "
                f"({_FORMATS[section]}), got {len(fields)}",
            )
            continue
        handler: Callable[[list[str], int], object] = getattr(
            r, _HANDLERS[section]
        )
        try:
            made = handler(fields, lineno)
        except _AlreadyReportedError:
            if section in ("SHIFTS", "STAFF"):
                r.broken.add(fields[0].strip())
            continue
        except (_LineError, ValidationError) as exc:
            if section in ("SHIFTS", "STAFF"):
                r.broken.add(fields[0].strip())
            r.error(
                lineno,
                _pydantic_message(exc)
                if isinstance(exc, ValidationError)
                else str(exc),
            )
            continue
        if isinstance(made, Operator):
            operators.append(made)
    for sec in ("HORIZON", "SHIFTS", "STAFF"):
        if sec not in seen:
            r.error(None, f"missing SECTION_{sec}")
    for sid, (lineno, _, cannot) in r.shifts.items():
        unknown = [
            s for s in cannot if s not in r.shifts and s not in r.broken
        ]
        if unknown:
            r.error(
                lineno,
                f"shift {sid}: cannot-follow names unknown shift(s) {unknown}",
            )
    if r.problems:
        raise InputError(r.problems)
    assert r.horizon is not None
    shifts = tuple(
        ShiftType(
            id=sid,
            start_minute=0,
            duration_minutes=length,
            forbidden_next=tuple(cannot),
        )
        for sid, (_, length, cannot) in r.shifts.items()
    )
    operators = [
        o.model_copy(update={"time_off": frozenset(r.time_off.get(o.id, ()))})
        for o in operators
    ]
    try:
        return ProblemData(
            name=path.stem,
            start_date=START_DATE,
            num_days=r.horizon,
            interval_minutes=1440,
            shifts=shifts,
            operators=tuple(operators),
            weights=CURTOIS_WEIGHTS,
            day_cover=tuple(r.cover.values()),
            preferences=tuple(r.preferences),
        )
    except ValidationError as exc:  # a cross-check the lines did not catch
        raise InputError([InputProblem(name, _pydantic_message(exc))]) from exc


def _pydantic_message(exc: ValidationError) -> str:
    return "; ".join(
        e["msg"].removeprefix("Value error, ") for e in exc.errors()
    )
