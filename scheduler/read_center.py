"""Read a contact centre from an ``.xlsx`` workbook or a folder of CSVs.

``read_center(path)`` accepts either form (one sheet per table, or one
``<sheet>.csv`` file per table, header in row 1) and returns the same
:class:`~scheduler.center.model.Center` for both. Every problem found is
collected with its file, sheet, row and column and raised at the end in a
single :class:`~scheduler.errors.InputError`; nothing else escapes for a
bad file. Harmless oddities (unknown columns or keys, leave outside the
horizon) are appended to ``warnings`` instead.

Row numbers are spreadsheet numbers: the header is row 1 and the first
record row 2, in a CSV file as in a workbook. The schema (sheets, columns,
kinds, defaults) lives in :mod:`scheduler.tables`.
"""

from __future__ import annotations

import csv
import io
import math
import os
import re
import warnings as _warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

from pydantic import BaseModel, ValidationError

from .center.model import (
    Center,
    CenterOperator,
    CenterPreference,
    CenterRules,
    CenterShift,
    ForecastInterval,
    Settings,
    TimeOff,
)
from .errors import InputError, InputProblem
from .tables import (
    FALSE_WORDS,
    FORECAST,
    OFF,
    OPERATORS,
    PREFERENCES,
    RULES,
    SETTINGS,
    SHEETS,
    SHIFTS,
    TIME_OFF,
    TRUE_WORDS,
    WANT,
    WEEKDAY_NAMES,
    WEEKDAYS,
    Column,
    Sheet,
    normalize_name,
)

__all__ = ["read_center"]

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted .xlsx, old .xls
_TIME_RE = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2})(\.\d+)?)?$")
_LIST_SPLIT = re.compile(r"[,;\s]+")
_MAX_LISTED = 8  # ids quoted in a message before "..."


# ---------------------------------------------------------------------------
# Cell parsing: raw cell (workbook value or CSV text) -> Python value
# ---------------------------------------------------------------------------


class _CellError(ValueError):
    """A cell that cannot be read as its column's kind."""


def _show(raw: object) -> str:
    """A cell value as quoted in a message."""
    if isinstance(raw, str):
        return repr(raw)
    if isinstance(raw, datetime):
        return repr(raw.isoformat(sep=" "))
    if isinstance(raw, date | time):
        return repr(raw.isoformat())
    return str(raw)


def _clean(raw: object) -> object:
    """Strip text; blank text is an empty cell (None)."""
    if isinstance(raw, str):
        raw = raw.strip()
        return raw or None
    if isinstance(raw, float) and math.isnan(raw):
        return None
    return raw


def _as_str(raw: object) -> str:
    if isinstance(raw, str):
        return raw
    if isinstance(raw, bool):
        return "yes" if raw else "no"
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, datetime):
        if raw.time() == time():
            return raw.date().isoformat()
        return raw.isoformat(sep=" ")
    if isinstance(raw, date | time):
        return raw.isoformat()
    return str(raw)


def _as_float(raw: object, fraction: bool = False) -> float:
    if isinstance(raw, bool):
        raise _CellError(f"{_show(raw)} is not a number")
    if isinstance(raw, int | float):
        value = float(raw)
    elif isinstance(raw, str):
        text, per = raw, 1.0
        if fraction and text.endswith("%"):
            text, per = text[:-1].strip(), 100.0  # 85% -> 0.85
        try:
            value = float(text) / per
        except ValueError:
            raise _CellError(f"{_show(raw)} is not a number") from None
    else:
        raise _CellError(f"{_show(raw)} is not a number")
    if not math.isfinite(value):
        raise _CellError(f"{_show(raw)} is not a finite number")
    return value


def _as_int(raw: object) -> int:
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw
    try:
        value = _as_float(raw)
    except _CellError:
        raise _CellError(f"{_show(raw)} is not a whole number") from None
    if not value.is_integer():
        raise _CellError(f"{_show(raw)} is not a whole number")
    return int(value)


def _as_date(raw: object) -> date:
    if isinstance(raw, datetime):
        if raw.time() != time():
            raise _CellError(
                f"{_show(raw)} has a time of day; expected a date (YYYY-MM-DD)"
            )
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, str):
        try:
            return date.fromisoformat(raw)
        except ValueError:
            pass
        try:
            value = datetime.fromisoformat(raw)
        except ValueError:
            pass
        else:
            if value.time() == time() and value.tzinfo is None:
                return value.date()
    raise _CellError(f"{_show(raw)} is not a date (expected YYYY-MM-DD)")


def _minutes_from_seconds(seconds: float, raw: object) -> int:
    """Whole minutes after midnight; a second of slack absorbs the binary
    noise of Excel's fractions of a day."""
    minutes = round(seconds / 60)
    if abs(seconds - 60 * minutes) > 1:
        raise _CellError(f"{_show(raw)} is not a whole minute (HH:MM)")
    if not 0 <= minutes < 1440:
        raise _CellError(
            f"{_show(raw)} is not a time of day (expected 00:00-23:59)"
        )
    return minutes


def _time_error(raw: object) -> _CellError:
    return _CellError(
        f"{_show(raw)} is not a time (expected HH:MM or a fraction of a day)"
    )


def _as_time(raw: object) -> int:
    """Minutes after midnight."""
    if isinstance(raw, datetime):
        raw = raw.time()
    if isinstance(raw, time):
        seconds = (
            raw.hour * 3600
            + raw.minute * 60
            + raw.second
            + raw.microsecond / 1e6
        )
        return _minutes_from_seconds(seconds, raw)
    if isinstance(raw, timedelta):
        seconds = raw.total_seconds()
        if not 0 <= seconds < 86400:
            raise _time_error(raw)
        return _minutes_from_seconds(seconds, raw)
    if isinstance(raw, str):
        match = _TIME_RE.match(raw)
        if match:
            hh, mm, ss, frac = match.groups()
            h, m, s = int(hh), int(mm), int(ss or 0)
            if h >= 24 or m >= 60 or s >= 60:
                raise _time_error(raw)
            seconds = h * 3600 + m * 60 + s + float(frac or 0)
            return _minutes_from_seconds(seconds, raw)
        try:
            value = float(raw)
        except ValueError:
            try:
                return _as_time(datetime.fromisoformat(raw))
            except ValueError:
                raise _time_error(raw) from None
        return _as_time(value)
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        if not (math.isfinite(raw) and 0 <= raw < 1):
            raise _time_error(raw)
        return _minutes_from_seconds(raw * 86400, raw)
    raise _time_error(raw)


def _as_bool(raw: object) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int | float) and raw in (0, 1):
        return bool(raw)
    if isinstance(raw, str):
        word = raw.lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
    raise _CellError(
        f"{_show(raw)} is not yes/no (allowed: "
        f"{', '.join(TRUE_WORDS + FALSE_WORDS)})"
    )


def _as_list(raw: object) -> tuple[str, ...]:
    items = tuple(p for p in _LIST_SPLIT.split(_as_str(raw)) if p)
    if not items:
        raise _CellError(
            f"{_show(raw)} names no shift ids (leave the cell "
            "blank for all shifts)"
        )
    return items


def _parse(col: Column, raw: object) -> object:
    """A non-blank cell as its column's kind; raises ``_CellError``."""
    kind = col.kind
    if kind == "int":
        return _as_int(raw)
    if kind == "float":
        return _as_float(raw, col.fraction)
    if kind == "date":
        return _as_date(raw)
    if kind == "time":
        return _as_time(raw)
    if kind == "bool":
        return _as_bool(raw)
    if kind == "list":
        return _as_list(raw)
    text = _as_str(raw)
    if col.allowed:
        for word in col.allowed:
            if text.lower() == word.lower():
                return word
        raise _CellError(
            f"{_show(text)} is not allowed (allowed: {', '.join(col.allowed)})"
        )
    return text


def _weekday(raw: object) -> int:
    text = _as_str(raw).lower()
    for i, (short, name) in enumerate(
        zip(WEEKDAYS, WEEKDAY_NAMES, strict=True)
    ):
        if text in (short.lower(), name, str(i)):
            return i
    raise _CellError(
        f"{_show(raw)} is not a weekday (allowed: Mon..Sun, "
        "Monday..Sunday or 0-6 with 0 = Monday)"
    )


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _listing(items: Iterable[str]) -> str:
    items = sorted(items)
    shown = ", ".join(items[:_MAX_LISTED])
    return shown + (", ..." if len(items) > _MAX_LISTED else "")


def _pydantic_message(err: dict) -> str:
    """A pydantic error as a sentence about the cell's value."""
    kind, ctx = err.get("type", ""), err.get("ctx") or {}
    value = err.get("input")
    got = f", got {_show(value)}"
    bounds = {
        "greater_than": "must be greater than {gt}",
        "greater_than_equal": "must be at least {ge}",
        "less_than": "must be less than {lt}",
        "less_than_equal": "must be at most {le}",
    }
    if kind in bounds:
        return bounds[kind].format(**ctx) + got
    if kind == "string_too_short":
        return "must not be blank"
    if kind == "missing":
        return "is required"
    return f"{err.get('msg', 'invalid value')}{got}"


# ---------------------------------------------------------------------------
# Raw tables: rows of cells from a worksheet or a CSV file
# ---------------------------------------------------------------------------


@dataclass
class _Raw:
    """One sheet as read from disk: its file and rows (row 1 = header)."""

    file: str
    sheet: str
    rows: list[list[object]]


@dataclass
class _Record:
    """One data row: its number and its parsed cells by model field."""

    row: int
    values: dict[str, object] = field(default_factory=dict)
    raw: dict[str, object] = field(default_factory=dict)  # by column
    bad: set[str] = field(default_factory=set)  # columns that failed


def _load_workbook(path: Path, report) -> dict[str, _Raw] | None:
    """Sheets of a workbook by normalized name, or None (reported)."""
    file = str(path)
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        report(file, f"cannot read the file: {exc.strerror or exc}")
        return None
    if not head:
        report(file, "the file is empty: expected an .xlsx workbook")
        return None
    if head.startswith(_OLE_MAGIC):
        report(
            file,
            "the workbook is password-protected (encrypted) or "
            "in the old .xls format: remove the password or save it as "
            "an .xlsx workbook",
        )
        return None
    if not head.startswith(b"PK"):
        report(
            file, "not an Excel .xlsx workbook (the file is not a zip archive)"
        )
        return None
    try:
        import openpyxl

        with _warnings.catch_warnings():
            _warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
            try:
                sheets: dict[str, _Raw] = {}
                for title in book.sheetnames:
                    ws = book[title]
                    key = normalize_name(title)
                    if not hasattr(ws, "iter_rows"):
                        continue  # a chart sheet
                    if key in sheets:
                        report(
                            file,
                            f"two sheets are named {title!r} "
                            f"and {sheets[key].sheet!r}",
                            title,
                        )
                        continue
                    if hasattr(ws, "reset_dimensions"):
                        ws.reset_dimensions()
                    rows = [list(r) for r in ws.iter_rows(values_only=True)]
                    sheets[key] = _Raw(file, title, rows)
            finally:
                book.close()
    except Exception as exc:  # openpyxl raises anything on a bad file
        reason = str(exc) or type(exc).__name__
        report(
            file,
            "cannot be read as an Excel .xlsx workbook (corrupt or "
            f"not a workbook): {reason}",
        )
        return None
    return sheets


def _load_csv(file: Path, sheet: str, report, warn) -> _Raw | None:
    try:
        data = file.read_bytes()
    except OSError as exc:
        report(
            str(file), f"cannot read the file: {exc.strerror or exc}", sheet
        )
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            report(str(file), "not a text file (expected UTF-8 CSV)", sheet)
            return None
        warn(str(file), "not UTF-8; read as Windows-1252 (cp1252)", sheet)
    if "\x00" in text:
        report(str(file), "not a CSV text file (it contains NUL bytes)", sheet)
        return None
    first = text.split("\n", 1)[0]
    delimiter = ","
    if "," not in first:
        if ";" in first:
            delimiter = ";"
        elif "\t" in first:
            delimiter = "\t"
    try:
        rows = list(
            csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        )
    except csv.Error as exc:
        report(str(file), f"cannot be read as CSV: {exc}", sheet)
        return None
    return _Raw(str(file), sheet, [list(r) for r in rows])


# ---------------------------------------------------------------------------
# The reader
# ---------------------------------------------------------------------------


class _Reader:
    def __init__(self, path: Path, warnings: list[str]) -> None:
        self.path = path
        self.warnings = warnings
        self.problems: list[InputProblem] = []

    # -- reporting ---------------------------------------------------------

    def report(
        self,
        file: str,
        message: str,
        sheet: str | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.problems.append(InputProblem(file, message, sheet, row, column))

    def warn(
        self,
        file: str,
        message: str,
        sheet: str | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.warnings.append(
            str(InputProblem(file, message, sheet, row, column))
        )

    # -- files -------------------------------------------------------------

    def load(self) -> dict[str, _Raw] | None:
        """The raw sheets by schema name (missing ones absent)."""
        path = self.path
        if not path.exists():
            self.report(
                str(path),
                "no such file or folder: expected an "
                ".xlsx workbook or a folder of CSV files",
            )
            return None
        if path.is_dir():
            return self._load_folder(path)
        suffix = path.suffix.lower()
        if suffix == ".csv":
            self.report(
                str(path),
                "a single CSV file: give the folder "
                "that holds settings.csv, forecast.csv, shifts.csv "
                "and operators.csv",
            )
            return None
        if suffix == ".xls":
            self.report(
                str(path),
                "old .xls workbooks are not supported: save it as .xlsx",
            )
            return None
        if suffix not in WORKBOOK_SUFFIXES:
            self.report(
                str(path),
                "expected an .xlsx workbook or a folder of CSV files",
            )
            return None
        sheets = _load_workbook(path, self.report)
        if sheets is None:
            return None
        known = {s.name for s in SHEETS}
        for key, raw in sheets.items():
            # The template's README sheet is documentation, read by people.
            if key not in known and key.lower() != "readme":
                self.warn(
                    raw.file,
                    "sheet not used (known sheets: "
                    f"{', '.join(s.name for s in SHEETS)})",
                    raw.sheet,
                )
        found = {}
        for sheet in SHEETS:
            if sheet.name in sheets:
                found[sheet.name] = sheets[sheet.name]
            elif sheet.required:
                self.report(str(path), "required sheet is missing", sheet.name)
        return found

    def _load_folder(self, folder: Path) -> dict[str, _Raw]:
        files: dict[str, Path] = {}
        try:
            entries = sorted(folder.iterdir())
        except OSError as exc:
            self.report(str(folder), f"cannot list the folder: {exc}")
            return {}
        for entry in entries:
            if entry.suffix.lower() != ".csv" or not entry.is_file():
                continue
            key = normalize_name(entry.stem)
            if key in files:
                self.report(
                    str(entry),
                    f"two files for sheet {key}: "
                    f"{files[key].name} and {entry.name}",
                    key,
                )
            elif key in {s.name for s in SHEETS}:
                files[key] = entry
            else:
                self.warn(
                    str(entry),
                    "file not used (known files: "
                    f"{', '.join(s.filename for s in SHEETS)})",
                )
        found = {}
        for sheet in SHEETS:
            if sheet.name in files:
                raw = _load_csv(
                    files[sheet.name], sheet.name, self.report, self.warn
                )
                if raw is not None:
                    found[sheet.name] = raw
            elif sheet.required:
                self.report(
                    str(folder / sheet.filename),
                    "required file is missing",
                    sheet.name,
                )
        return found

    # -- headers and cells --------------------------------------------------

    def _header(
        self, raw: _Raw, sheet: Sheet
    ) -> tuple[dict[str, int], list[tuple[int, list]]] | None:
        """Column positions by name and the non-blank data rows."""
        rows = [[_clean(v) for v in r] for r in raw.rows]
        data = [
            (n, r)
            for n, r in enumerate(rows, 1)
            if n > 1 and any(v is not None for v in r)
        ]
        header = rows[0] if rows else []
        if all(v is None for v in header):
            if data or sheet.required:
                expected = ", ".join(
                    c.name
                    for c in sheet.columns
                    if c.required or sheet.is_key_value
                )
                msg = (
                    "the sheet is empty"
                    if not data
                    else "row 1 must hold the column names"
                )
                self.report(
                    raw.file,
                    f"{msg}: expected a header row with columns {expected}",
                    sheet.name,
                    1,
                )
                return None
            return {}, []
        known = {c.name for c in sheet.columns}
        positions: dict[str, int] = {}
        for i, cell in enumerate(header):
            if cell is None:
                if any(i < len(r) and r[i] is not None for _, r in data):
                    self.warn(
                        raw.file,
                        f"column {i + 1} has no name in "
                        "row 1; its values are ignored",
                        sheet.name,
                    )
                continue
            name = normalize_name(_as_str(cell))
            if name in positions:
                self.report(
                    raw.file,
                    f"column {name!r} appears twice in row 1",
                    sheet.name,
                    1,
                    name,
                )
            elif name not in known:
                self.warn(
                    raw.file,
                    "unknown column ignored (known: "
                    f"{', '.join(c.name for c in sheet.columns)})",
                    sheet.name,
                    1,
                    _as_str(cell),
                )
            positions.setdefault(name, i)
        required = (
            ("key", "value") if sheet.is_key_value else sheet.required_columns
        )
        missing = [c for c in required if c not in positions]
        for name in missing:
            self.report(
                raw.file,
                "required column is missing (row 1 must "
                f"name the columns: {', '.join(required)})",
                sheet.name,
                1,
                name,
            )
        if missing:
            return None
        used = [
            positions[c]
            for c in (("key", "value") if sheet.is_key_value else known)
            if c in positions
        ]
        data = [
            (n, r)
            for n, r in data
            if any(i < len(r) and r[i] is not None for i in used)
        ]
        return positions, data

    def _records(self, raw: _Raw | None, sheet: Sheet) -> list[_Record]:
        """Parsed rows of a row sheet; bad cells reported and marked."""
        if raw is None:
            return []
        got = self._header(raw, sheet)
        if got is None:
            return []
        positions, data = got
        records = []
        for n, cells in data:
            rec = _Record(n)
            for col in sheet.columns:
                i = positions.get(col.name)
                value = cells[i] if i is not None and i < len(cells) else None
                rec.raw[col.name] = value
                if value is None:
                    if col.required:
                        self.report(
                            raw.file,
                            f"a value is required: {col.description}",
                            sheet.name,
                            n,
                            col.name,
                        )
                        rec.bad.add(col.name)
                    else:
                        rec.values[col.model_field] = col.default
                    continue
                try:
                    if sheet is PREFERENCES and col.name == "weekday":
                        rec.values[col.model_field] = _weekday(value)
                    else:
                        rec.values[col.model_field] = _parse(col, value)
                except _CellError as exc:
                    self.report(raw.file, str(exc), sheet.name, n, col.name)
                    rec.bad.add(col.name)
            records.append(rec)
        return records

    def _key_values(
        self, raw: _Raw | None, sheet: Sheet
    ) -> tuple[dict[str, object], dict[str, int], bool]:
        """Parsed values and row numbers by key; False if any failed."""
        values: dict[str, object] = {}
        rows: dict[str, int] = {}
        ok = True
        if raw is None:
            return values, rows, sheet.required is False
        got = self._header(raw, sheet)
        if got is None:
            return values, rows, False
        positions, data = got
        if not data and not positions:
            return values, rows, not sheet.required
        keys = {k.name: k for k in sheet.keys}
        ki, vi = positions["key"], positions["value"]
        for n, cells in data:
            key_cell = cells[ki] if ki < len(cells) else None
            value = cells[vi] if vi < len(cells) else None
            if key_cell is None:
                self.report(
                    raw.file,
                    "a key is required when a value is given",
                    sheet.name,
                    n,
                    "key",
                )
                ok = False
                continue
            name = normalize_name(_as_str(key_cell))
            if name not in keys:
                self.warn(
                    raw.file,
                    f"unknown key {_as_str(key_cell)!r} "
                    f"ignored (known keys: {', '.join(keys)})",
                    sheet.name,
                    n,
                    "key",
                )
                continue
            if name in rows:
                self.report(
                    raw.file,
                    f"key {name!r} is given twice (also in row {rows[name]})",
                    sheet.name,
                    n,
                    "key",
                )
                ok = False
                continue
            rows[name] = n
            key = keys[name]
            if value is None:
                if key.required:
                    self.report(
                        raw.file,
                        f"{name}: a value is required: {key.description}",
                        sheet.name,
                        n,
                        "value",
                    )
                    ok = False
                continue
            try:
                values[name] = _parse(key, value)
            except _CellError as exc:
                self.report(raw.file, f"{name}: {exc}", sheet.name, n, "value")
                ok = False
        for key in sheet.keys:
            if key.required and key.name not in rows:
                self.report(
                    raw.file,
                    f"required key {key.name!r} is missing: {key.description}",
                    sheet.name,
                )
                ok = False
        return values, rows, ok

    def _model(
        self,
        model: type[BaseModel],
        values: dict[str, object],
        file: str,
        sheet: str,
        row_of,
        column_of,
    ) -> BaseModel | None:
        """Build ``model``; pydantic errors become located problems."""
        try:
            return model(**values)
        except ValidationError as exc:
            for err in exc.errors():
                name = str(err["loc"][0]) if err.get("loc") else None
                prefix = "" if column_of(name) != "value" else f"{name}: "
                self.report(
                    file,
                    prefix + _pydantic_message(err),
                    sheet,
                    row_of(name),
                    column_of(name),
                )
            return None

    def _row_model(
        self, model: type[BaseModel], raw: _Raw, sheet: Sheet, rec: _Record
    ) -> BaseModel | None:
        if rec.bad:
            return None
        columns = {c.model_field: c.name for c in sheet.columns}
        return self._model(
            model,
            rec.values,
            raw.file,
            sheet.name,
            lambda _: rec.row,
            columns.get,
        )

    def _key_model(
        self,
        model: type[BaseModel],
        raw: _Raw,
        sheet: Sheet,
        values: dict[str, object],
        rows: dict[str, int],
    ) -> BaseModel | None:
        return self._model(
            model,
            values,
            raw.file,
            sheet.name,
            rows.get,
            lambda name: "value" if name in rows else None,
        )

    # -- the whole centre ---------------------------------------------------

    def read(self) -> Center | None:
        raws = self.load()
        if raws is None:
            return None
        settings = self._settings(raws.get("settings"))
        rules = self._rules(raws.get("rules"))
        forecast = self._forecast(raws.get("forecast"), settings)
        shifts, shift_ids = self._shifts(raws.get("shifts"))
        operators, op_ids = self._operators(raws.get("operators"), shift_ids)
        time_off = self._time_off(raws.get("time_off"), settings, op_ids)
        preferences = self._preferences(
            raws.get("preferences"), settings, op_ids, shift_ids
        )
        if self.problems or settings is None or rules is None:
            return None
        return Center(
            settings=settings,
            rules=rules,
            forecast=tuple(forecast),
            shifts=tuple(shifts),
            operators=tuple(operators),
            time_off=tuple(time_off),
            preferences=tuple(preferences),
            source=str(self.path),
        )

    def _settings(self, raw: _Raw | None) -> Settings | None:
        values, rows, ok = self._key_values(raw, SETTINGS)
        if raw is None or not ok:
            return None
        interval = values.get("interval_minutes")
        if interval is not None and not (
            isinstance(interval, int)
            and 0 < interval <= 1440
            and 1440 % interval == 0
        ):
            self.report(
                raw.file,
                f"interval_minutes: {interval} does not "
                "divide a day (use 15, 30 or 60)",
                SETTINGS.name,
                rows["interval_minutes"],
                "value",
            )
            ok = False
        settings = self._key_model(Settings, raw, SETTINGS, values, rows)
        if settings is None or not ok:
            return None
        try:
            settings.start_date + timedelta(days=settings.days)
        except OverflowError:
            self.report(
                raw.file,
                "start_date: the horizon runs past the year 9999",
                SETTINGS.name,
                rows.get("start_date"),
                "value",
            )
            return None
        return settings

    def _rules(self, raw: _Raw | None) -> CenterRules | None:
        values, rows, ok = self._key_values(raw, RULES)
        if raw is None:
            return CenterRules() if ok else None
        rules = self._key_model(CenterRules, raw, RULES, values, rows)
        return rules if ok else None

    def _forecast(
        self, raw: _Raw | None, settings: Settings | None
    ) -> list[ForecastInterval]:
        records = self._records(raw, FORECAST)
        result: list[ForecastInterval] = []
        if raw is None:
            return result
        file, name = raw.file, FORECAST.name
        seen: dict[tuple[date, int], int] = {}
        complete = True  # every row has a readable date and time
        for rec in records:
            when = rec.values.get("date")
            at = rec.values.get("time")
            if "date" in rec.bad or "time" in rec.bad:
                complete = False
            else:
                key = (when, at)
                if key in seen:
                    self.report(
                        file,
                        f"duplicate interval {when} "
                        f"{_hhmm(at)} (same as row {seen[key]})",
                        name,
                        rec.row,
                        "time",
                    )
                    rec.bad.add("time")
                else:
                    seen[key] = rec.row
            if settings is not None:
                end = settings.end_date
                if "date" not in rec.bad and not (
                    settings.start_date <= when <= end
                ):
                    self.report(
                        file,
                        f"{when} is outside the horizon "
                        f"{settings.start_date} to {end}",
                        name,
                        rec.row,
                        "date",
                    )
                    rec.bad.add("date")
                step = settings.interval_minutes
                if "time" not in rec.bad and at % step:
                    self.report(
                        file,
                        f"{_hhmm(at)} is not aligned to the "
                        f"{step}-minute intervals",
                        name,
                        rec.row,
                        "time",
                    )
                    rec.bad.add("time")
            calls, heavy = (
                rec.values.get("calls"),
                rec.values.get("heavy_calls"),
            )
            if (
                not {"calls", "heavy_calls"} & rec.bad
                and calls >= 0
                and heavy > calls
            ):
                self.report(
                    file,
                    f"heavy_calls {heavy:g} is more than calls {calls:g}",
                    name,
                    rec.row,
                    "heavy_calls",
                )
                rec.bad.add("heavy_calls")
            model = self._row_model(ForecastInterval, raw, FORECAST, rec)
            if model is not None:
                result.append(model)
        if settings is not None and complete:
            self._missing_intervals(file, settings, set(seen))
        return result

    def _missing_intervals(
        self, file: str, settings: Settings, present: set[tuple[date, int]]
    ) -> None:
        """One problem per day with gaps; whole days missing in a run are
        reported as one date range."""
        step = settings.interval_minutes
        times = range(0, 1440, step)
        empty_run: list[date] = []

        def flush() -> None:
            if not empty_run:
                return
            first, last = empty_run[0], empty_run[-1]
            span = str(first) if first == last else f"{first} to {last}"
            self.report(
                file,
                f"no intervals for {span} (every day of the "
                f"horizon needs {len(times)} rows, {_hhmm(0)} to "
                f"{_hhmm(1440 - step)})",
                FORECAST.name,
            )
            empty_run.clear()

        for d in range(settings.days):
            day = settings.start_date + timedelta(days=d)
            missing = [t for t in times if (day, t) not in present]
            if len(missing) == len(times):
                empty_run.append(day)
                continue
            flush()
            if missing:
                spans, start = [], missing[0]
                for a, b in zip(missing, [*missing[1:], None], strict=True):
                    if b != a + step:
                        spans.append(
                            _hhmm(start)
                            if a == start
                            else f"{_hhmm(start)}-{_hhmm(a)}"
                        )
                        start = b
                self.report(
                    file,
                    f"missing intervals on {day}: {', '.join(spans)}",
                    FORECAST.name,
                )
        flush()

    def _duplicates(
        self, raw: _Raw, sheet: Sheet, records: list[_Record], column: str
    ) -> set[str]:
        """Report repeated ids (naming both rows); return every id seen."""
        first: dict[str, int] = {}
        for rec in records:
            if column in rec.bad:
                continue
            value = rec.values[column]
            if value in first:
                self.report(
                    raw.file,
                    f"duplicate {column} {value!r} (also "
                    f"in row {first[value]})",
                    sheet.name,
                    rec.row,
                    column,
                )
                rec.bad.add(column)
            else:
                first[value] = rec.row
        return set(first)

    def _shifts(
        self, raw: _Raw | None
    ) -> tuple[list[CenterShift], set[str] | None]:
        records = self._records(raw, SHIFTS)
        if raw is None:
            return [], None
        ids = self._duplicates(raw, SHIFTS, records, "shift_id")
        result = []
        for rec in records:
            sid = rec.values.get("shift_id")
            if "shift_id" not in rec.bad:
                if _LIST_SPLIT.search(sid):
                    self.report(
                        raw.file,
                        f"{sid!r} must not contain spaces or commas",
                        SHIFTS.name,
                        rec.row,
                        "shift_id",
                    )
                    rec.bad.add("shift_id")
                elif sid.upper() == OFF:
                    self.report(
                        raw.file,
                        f"{sid!r} is reserved for a day off in preferences",
                        SHIFTS.name,
                        rec.row,
                        "shift_id",
                    )
                    rec.bad.add("shift_id")
            hours = rec.values.get("hours")
            brk = rec.values.get("break_minutes")
            if not {"hours", "break_minutes"} & rec.bad and 0 < hours <= 24:
                length = round(hours * 60)
                if length < 1:
                    self.report(
                        raw.file,
                        f"{hours:g} h is shorter than a minute",
                        SHIFTS.name,
                        rec.row,
                        "hours",
                    )
                    rec.bad.add("hours")
                elif brk >= length:
                    self.report(
                        raw.file,
                        f"a break of {brk} min is not "
                        f"shorter than the {hours:g} h shift",
                        SHIFTS.name,
                        rec.row,
                        "break_minutes",
                    )
                    rec.bad.add("break_minutes")
            model = self._row_model(CenterShift, raw, SHIFTS, rec)
            if model is not None:
                result.append(model)
        return result, ids

    def _operators(
        self, raw: _Raw | None, shift_ids: set[str] | None
    ) -> tuple[list[CenterOperator], set[str] | None]:
        records = self._records(raw, OPERATORS)
        if raw is None:
            return [], None
        ids = self._duplicates(raw, OPERATORS, records, "operator_id")
        result = []
        for rec in records:
            lo = rec.values.get("min_hours_week")
            hi = rec.values.get("max_hours_week")
            if (
                not {"min_hours_week", "max_hours_week"} & rec.bad
                and hi is not None
                and lo > hi
            ):
                self.report(
                    raw.file,
                    f"min_hours_week {lo:g} is more than "
                    f"max_hours_week {hi:g}",
                    OPERATORS.name,
                    rec.row,
                    "min_hours_week",
                )
                rec.bad.add("min_hours_week")
            allowed = rec.values.get("shifts")
            if shift_ids is not None and allowed and "shifts" not in rec.bad:
                unknown = [s for s in allowed if s not in shift_ids]
                if unknown:
                    self.report(
                        raw.file,
                        "unknown shift id(s) "
                        f"{', '.join(map(repr, unknown))} (known: "
                        f"{_listing(shift_ids)})",
                        OPERATORS.name,
                        rec.row,
                        "shifts",
                    )
                    rec.bad.add("shifts")
            model = self._row_model(CenterOperator, raw, OPERATORS, rec)
            if model is not None:
                result.append(model)
        return result, ids

    def _known_operator(
        self, raw: _Raw, sheet: Sheet, rec: _Record, op_ids: set[str] | None
    ) -> None:
        oid = rec.values.get("operator_id")
        if (
            "operator_id" not in rec.bad
            and op_ids is not None
            and oid not in op_ids
        ):
            self.report(
                raw.file,
                f"unknown operator_id {oid!r}: not in the operators sheet",
                sheet.name,
                rec.row,
                "operator_id",
            )
            rec.bad.add("operator_id")

    def _time_off(
        self,
        raw: _Raw | None,
        settings: Settings | None,
        op_ids: set[str] | None,
    ) -> list[TimeOff]:
        records = self._records(raw, TIME_OFF)
        if raw is None:
            return []
        result = []
        ranges: dict[str, list[tuple[date, date, int]]] = {}
        for rec in records:
            self._known_operator(raw, TIME_OFF, rec, op_ids)
            first = rec.values.get("date_from")
            last = rec.values.get("date_to")
            dates_ok = not {"date_from", "date_to"} & rec.bad
            if dates_ok and first > last:
                self.report(
                    raw.file,
                    f"date_to {last} is before date_from {first}",
                    TIME_OFF.name,
                    rec.row,
                    "date_to",
                )
                rec.bad.add("date_to")
                dates_ok = False
            if dates_ok and "operator_id" not in rec.bad:
                oid = rec.values["operator_id"]
                for lo, hi, row in ranges.get(oid, []):
                    if first <= hi and lo <= last:
                        self.report(
                            raw.file,
                            f"time off {first} to {last} "
                            f"for {oid!r} overlaps row {row} ({lo} "
                            f"to {hi})",
                            TIME_OFF.name,
                            rec.row,
                            "date_from",
                        )
                        rec.bad.add("date_from")
                        break
                else:
                    ranges.setdefault(oid, []).append((first, last, rec.row))
            if (
                dates_ok
                and settings is not None
                and (last < settings.start_date or first > settings.end_date)
            ):
                self.warn(
                    raw.file,
                    f"time off {first} to {last} is "
                    "outside the horizon "
                    f"{settings.start_date} to {settings.end_date}",
                    TIME_OFF.name,
                    rec.row,
                    "date_from",
                )
            model = self._row_model(TimeOff, raw, TIME_OFF, rec)
            if model is not None:
                result.append(model)
        return result

    def _preferences(
        self,
        raw: _Raw | None,
        settings: Settings | None,
        op_ids: set[str] | None,
        shift_ids: set[str] | None,
    ) -> list[CenterPreference]:
        records = self._records(raw, PREFERENCES)
        if raw is None:
            return []
        file, name = raw.file, PREFERENCES.name
        result = []
        for rec in records:
            self._known_operator(raw, PREFERENCES, rec, op_ids)
            day, weekday = rec.raw.get("date"), rec.raw.get("weekday")
            if day is None and weekday is None:
                self.report(
                    file, "fill either date or weekday", name, rec.row, "date"
                )
                rec.bad.add("date")
            elif day is not None and weekday is not None:
                self.report(
                    file,
                    "fill only one of date and weekday",
                    name,
                    rec.row,
                    "weekday",
                )
                rec.bad.add("weekday")
            elif (
                day is not None
                and "date" not in rec.bad
                and settings is not None
            ):
                when = rec.values["date"]
                if not settings.start_date <= when <= settings.end_date:
                    self.report(
                        file,
                        f"{when} is outside the horizon "
                        f"{settings.start_date} to "
                        f"{settings.end_date}",
                        name,
                        rec.row,
                        "date",
                    )
                    rec.bad.add("date")
            if "shift_id" not in rec.bad:
                sid = rec.values["shift_id"]
                if sid.upper() == OFF:
                    rec.values["shift_id"] = None
                elif shift_ids is not None and sid not in shift_ids:
                    self.report(
                        file,
                        f"unknown shift_id {sid!r} (known: "
                        f"{_listing(shift_ids)}, or {OFF} for a day "
                        "off)",
                        name,
                        rec.row,
                        "shift_id",
                    )
                    rec.bad.add("shift_id")
            if "wish" not in rec.bad:
                rec.values["want"] = rec.values["want"] == WANT
            model = self._row_model(CenterPreference, raw, PREFERENCES, rec)
            if model is not None:
                result.append(model)
        return result


def read_center(
    path: str | os.PathLike[str], warnings: list[str] | None = None
) -> Center:
    """Read a centre from an ``.xlsx`` workbook or a folder of CSV files.

    Raises :class:`InputError` listing every problem found (file, sheet,
    row, column, what is wrong and what is allowed). Warnings (unknown
    columns, keys or sheets; time off outside the horizon) are appended to
    ``warnings`` when a list is given.
    """
    reader = _Reader(Path(path), warnings if warnings is not None else [])
    center = reader.read()
    if reader.problems or center is None:
        if not reader.problems:  # pragma: no cover - defensive
            reader.report(str(path), "the input could not be read")
        raise InputError(reader.problems)
    return center
