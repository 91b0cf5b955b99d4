"""Read back a roster workbook that a manager may have edited by hand.

What counts (README, "The manager's loop"):

* the ``Roster`` grid says who works which shift on which day: a shift
  id, ``TO`` (time off) or a blank cell (a day off; ``OFF``, ``-``, ``.``
  and ``X`` are read as blank too);
* the ``Assignments`` sheet gives the heavy calls per operator and shift,
  where it agrees with the grid; rows that disagree are reported and the
  grid wins;
* the week sheets are views: a cell that differs from the grid is
  reported and ignored;
* the hidden ``Planned`` sheet is the roster as it was written, so the
  cells a manager changed can be told apart from the rest;
* ``Summary`` names the input centre the roster was planned from.

Only problems that leave no roster to check are errors (an unreadable
file, no grid, an unknown shift code or operator); they are raised
together in one :class:`~scheduler.errors.InputError`, each naming file,
sheet, row and column. Everything else becomes a note.
"""

from __future__ import annotations

import re
import warnings as _warnings
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from openpyxl.utils import get_column_letter

from .errors import InputError, InputProblem
from .tables import normalize_name
from .write_roster import (
    ASSIGNMENTS_SHEET,
    GRID_END,
    GRID_HEAD,
    OFF_CODES,
    PLANNED_SHEET,
    ROSTER_SHEET,
    SUMMARY_SHEET,
    TIME_OFF_CODE,
)

__all__ = ["AssignmentRow", "GridCell", "RosterBook", "read_roster"]

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_WEEK_SHEET = re.compile(r"^week\s*\d+", re.IGNORECASE)
_NEEDED = {
    normalize_name(n)
    for n in (ROSTER_SHEET, ASSIGNMENTS_SHEET, PLANNED_SHEET, SUMMARY_SHEET)
}


@dataclass(frozen=True)
class GridCell:
    """One cell of the ``Roster`` grid: ``code`` is a shift id, ``TO`` or
    None (off), exactly as the shift ids of the input spell it."""

    operator: str
    day: date
    code: str | None
    row: int
    column: str  # "H (2027-01-07)"


@dataclass(frozen=True)
class AssignmentRow:
    operator: str
    day: date
    shift: str
    heavy_calls: int | None  # None: blank or unreadable
    row: int


@dataclass
class RosterBook:
    """What a roster workbook says, cell by cell."""

    path: Path
    operators: list[str]  # grid order
    dates: list[date]
    cells: dict[tuple[str, date], GridCell]
    assignments: list[AssignmentRow] | None  # None: no Assignments sheet
    planned: dict[tuple[str, date], tuple[str, int]] | None
    summary: dict[str, object]
    notes: list[str] = field(default_factory=list)
    header_row: int = 0  # the grid's header row (spreadsheet number)
    date_columns: dict[date, str] = field(default_factory=dict)  # "H"

    def code(self, operator: str, day: date) -> str | None:
        cell = self.cells.get((operator, day))
        return None if cell is None else cell.code

    @property
    def input_file(self) -> str | None:
        value = self.summary.get("input file")
        return str(value) if value not in (None, "") else None


def read_roster(path: str | Path, shift_ids: list[str]) -> RosterBook:
    """Read the workbook at ``path``; ``shift_ids`` are the centre's shift
    ids, the only codes (with ``TO`` and blanks) the grid may hold.

    Raises :class:`InputError` when the file cannot be read or the grid
    holds something that is no roster."""
    reader = _Reader(Path(path), shift_ids)
    book = reader.read()
    if reader.problems or book is None:
        if not reader.problems:  # pragma: no cover - defensive
            reader.report("the roster could not be read")
        raise InputError(reader.problems)
    return book


def read_summary(path: str | Path) -> dict[str, object]:
    """Just the ``Summary`` sheet (to find the input centre); raises
    :class:`InputError` for an unreadable file."""
    reader = _Reader(Path(path), [])
    sheets = reader.load()
    if sheets is None:
        raise InputError(reader.problems)
    return _summary(sheets.get(normalize_name(SUMMARY_SHEET)))


def _text(value: object) -> str | None:
    """A cell as trimmed text; None when blank."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    return text or None


def _as_date(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


def _summary(rows: list[list[object]] | None) -> dict[str, object]:
    out: dict[str, object] = {}
    for row in rows or []:
        if len(row) >= 2 and isinstance(row[0], str):
            out[row[0].strip()] = row[1]
    return out


class _Reader:
    def __init__(self, path: Path, shift_ids: list[str]) -> None:
        self.path = path
        self.file = str(path)
        self.shift_ids = list(shift_ids)
        self.by_upper = {}
        for sid in shift_ids:
            self.by_upper.setdefault(sid.upper(), []).append(sid)
        self.problems: list[InputProblem] = []
        self.notes: list[str] = []

    def report(
        self,
        message: str,
        sheet: str | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.problems.append(
            InputProblem(self.file, message, sheet, row, column)
        )

    # -- the file ----------------------------------------------------------

    def load(self) -> dict[str, list[list[object]]] | None:
        """Rows of every sheet by normalized name, or None (reported)."""
        path = self.path
        if not path.exists():
            self.report(
                "no such file: expected a roster workbook (.xlsx) "
                "written by scheduler plan"
            )
            return None
        if path.is_dir():
            self.report("a folder: expected a roster workbook (.xlsx)")
            return None
        try:
            with open(path, "rb") as fh:
                head = fh.read(8)
        except OSError as exc:
            self.report(f"cannot read the file: {exc.strerror or exc}")
            return None
        if not head:
            self.report("the file is empty: expected a roster workbook")
            return None
        if head.startswith(_OLE_MAGIC):
            self.report(
                "the workbook is password-protected (encrypted) or "
                "in the old .xls format: remove the password or "
                "save it as an .xlsx workbook"
            )
            return None
        if not head.startswith(b"PK"):
            self.report(
                "not an Excel .xlsx workbook (the file is not a zip archive)"
            )
            return None
        try:
            import openpyxl

            with _warnings.catch_warnings():
                _warnings.simplefilter("ignore")
                book = openpyxl.load_workbook(
                    path, read_only=True, data_only=True
                )
                try:
                    sheets: dict[str, list[list[object]]] = {}
                    self.titles: dict[str, str] = {}
                    for title in book.sheetnames:
                        ws = book[title]
                        if not hasattr(ws, "iter_rows"):
                            continue  # a chart sheet
                        if hasattr(ws, "reset_dimensions"):
                            ws.reset_dimensions()
                        key = normalize_name(title)
                        if key not in _NEEDED and not _WEEK_SHEET.match(
                            title.strip()
                        ):
                            continue  # Coverage, My shifts: not read
                        sheets[key] = [
                            list(r) for r in ws.iter_rows(values_only=True)
                        ]
                        self.titles[key] = title
                finally:
                    book.close()
        except Exception as exc:  # openpyxl raises anything on a bad file
            reason = str(exc) or type(exc).__name__
            self.report(
                "cannot be read as an Excel .xlsx workbook "
                f"(corrupt or not a workbook): {reason}"
            )
            return None
        return sheets

    def read(self) -> RosterBook | None:
        sheets = self.load()
        if sheets is None:
            return None
        grid = sheets.get(normalize_name(ROSTER_SHEET))
        if grid is None:
            self.report(
                f"no {ROSTER_SHEET!r} sheet: this is not a roster "
                "written by scheduler plan",
                ROSTER_SHEET,
            )
            return None
        operators, dates, cells = self._grid(grid)
        if self.problems:
            return None
        asg = sheets.get(normalize_name(ASSIGNMENTS_SHEET))
        assignments = None if asg is None else self._assignments(asg)
        if asg is None:
            self.notes.append(
                f"no {ASSIGNMENTS_SHEET} sheet: heavy calls are re-derived "
                "for every shift"
            )
        planned_rows = sheets.get(normalize_name(PLANNED_SHEET))
        planned = None if planned_rows is None else self._planned(planned_rows)
        for key, rows in sheets.items():
            if _WEEK_SHEET.match(self.titles[key].strip()):
                self._week(self.titles[key], rows, cells, planned)
        return RosterBook(
            self.path,
            operators,
            dates,
            cells,
            assignments,
            planned,
            _summary(sheets.get(normalize_name(SUMMARY_SHEET))),
            self.notes,
            self.header_row,
            self.date_columns,
        )

    # -- the grid ----------------------------------------------------------

    def _code(self, raw: object) -> tuple[str | None, bool]:
        """(code, ok): a shift id, TO, or None for off."""
        text = _text(raw)
        if text is None or text.upper() in OFF_CODES:
            return None, True
        if text in self.shift_ids:
            return text, True
        if text.upper() == TIME_OFF_CODE:
            return TIME_OFF_CODE, True
        same = self.by_upper.get(text.upper(), [])
        if len(same) == 1:
            return same[0], True
        return text, False

    def _header(
        self, rows: list[list[object]], sheet: str
    ) -> tuple[int, dict[int, date]] | None:
        """The grid's header row (index) and its date columns: a date in
        the header row, or above it (a week sheet's merged day heading
        over the shift column)."""
        i = next(
            (
                i
                for i, row in enumerate(rows)
                if row and normalize_name(_text(row[0]) or "") == GRID_HEAD
            ),
            None,
        )
        if i is None:
            if sheet == ROSTER_SHEET:
                self.report(
                    f"no header row with {GRID_HEAD!r} in column "
                    "A: the grid cannot be found",
                    sheet,
                )
            return None
        columns: dict[int, date] = {}
        above = rows[i - 1] if i > 0 else []
        for c, value in enumerate(rows[i]):
            when = _as_date(value)
            if when is None and c < len(above):
                when = _as_date(above[c])
            if when is not None:
                columns[c] = when
        return i, columns

    def _grid(self, rows: list[list[object]]):
        sheet = ROSTER_SHEET
        got = self._header(rows, sheet)
        if got is None:
            return [], [], {}
        head, columns = got
        if not columns:
            self.report("the header row holds no dates", sheet, head + 1)
            return [], [], {}
        seen_dates: dict[date, int] = {}
        for c, when in sorted(columns.items()):
            if when in seen_dates:
                self.report(
                    f"date {when} appears twice (also column "
                    f"{get_column_letter(seen_dates[when] + 1)})",
                    sheet,
                    head + 1,
                    get_column_letter(c + 1),
                )
            else:
                seen_dates[when] = c
        self.header_row = head + 1
        self.date_columns = {
            d: get_column_letter(c + 1) for d, c in seen_dates.items()
        }
        operators: list[str] = []
        rows_of: dict[str, int] = {}
        cells: dict[tuple[str, date], GridCell] = {}
        for i in range(head + 1, len(rows)):
            row = rows[i]
            first = _text(row[0]) if row else None
            if first is not None and normalize_name(first) == normalize_name(
                GRID_END
            ):
                break
            n = i + 1
            codes = {
                c: row[c]
                for c in columns
                if c < len(row) and _text(row[c]) is not None
            }
            if first is None:  # a group heading or an empty row
                if codes:
                    self.report(
                        "shift codes in a row without an operator_id",
                        sheet,
                        n,
                        "A",
                    )
                continue
            if first in rows_of:
                self.report(
                    f"operator {first!r} has two rows (also row "
                    f"{rows_of[first]})",
                    sheet,
                    n,
                    "A",
                )
                continue
            rows_of[first] = n
            operators.append(first)
            for c, when in columns.items():
                if seen_dates.get(when) != c:
                    continue
                raw = row[c] if c < len(row) else None
                code, ok = self._code(raw)
                where = f"{get_column_letter(c + 1)} ({when.isoformat()})"
                if not ok:
                    known = ", ".join(self.shift_ids)
                    self.report(
                        f"{code!r} is not a shift id (known: "
                        f"{known}; {TIME_OFF_CODE} = time off, "
                        "blank = day off)",
                        sheet,
                        n,
                        where,
                    )
                cells[first, when] = GridCell(first, when, code, n, where)
        if not operators and not self.problems:
            self.report("the grid has no operator rows", sheet, head + 2)
        return operators, sorted(seen_dates), cells

    # -- the other sheets ----------------------------------------------------

    def _assignments(self, rows: list[list[object]]) -> list[AssignmentRow]:
        sheet = ASSIGNMENTS_SHEET
        if not rows:
            self.notes.append(
                f"{sheet} sheet is empty: heavy calls are "
                "re-derived for every shift"
            )
            return []
        header = [normalize_name(_text(v) or "") for v in rows[0]]
        need = ("operator_id", "date", "shift_id")
        if any(c not in header for c in need):
            self.notes.append(
                f"{sheet} sheet has no {', '.join(need)} header: it is "
                "ignored and heavy calls are re-derived for every shift"
            )
            return []
        pos = {name: header.index(name) for name in header if name}
        heavy_col = pos.get("heavy_calls")
        out = []
        for i, row in enumerate(rows[1:], start=2):

            def cell(name: str, row=row):
                c = pos.get(name)
                return row[c] if c is not None and c < len(row) else None

            op, shift = _text(cell("operator_id")), _text(cell("shift_id"))
            when = _as_date(cell("date"))
            if op is None and shift is None and when is None:
                continue
            if op is None or shift is None or when is None:
                self.notes.append(
                    f"{sheet} row {i}: needs operator_id, date and "
                    "shift_id; row ignored"
                )
                continue
            heavy = None
            raw = (
                row[heavy_col]
                if heavy_col is not None and heavy_col < len(row)
                else None
            )
            if raw is not None and _text(raw) is not None:
                try:
                    value = float(str(raw).strip())
                except ValueError:
                    value = -1.0
                if value >= 0 and value.is_integer():
                    heavy = int(value)
                else:
                    self.notes.append(
                        f"{sheet} row {i}: heavy_calls {_text(raw)!r} is "
                        "not a whole number >= 0; re-derived"
                    )
            code, _ = self._code(shift)
            out.append(AssignmentRow(op, when, code or shift, heavy, i))
        return out

    def _planned(
        self, rows: list[list[object]]
    ) -> dict[tuple[str, date], tuple[str, int]] | None:
        if not rows:
            return None
        dates = [_as_date(v) for v in rows[0][1:]]
        out: dict[tuple[str, date], tuple[str, int]] = {}
        for row in rows[1:]:
            op = _text(row[0]) if row else None
            if op is None:
                continue
            for when, raw in zip(dates, row[1:]):
                text = _text(raw)
                if when is None or text is None:
                    continue
                shift, _, heavy = text.rpartition("/")
                out[op, when] = (shift, int(heavy) if heavy.isdigit() else 0)
        return out

    def _week(
        self,
        title: str,
        rows: list[list[object]],
        cells: dict[tuple[str, date], GridCell],
        planned: dict[tuple[str, date], tuple[str, int]] | None,
    ) -> None:
        """A week sheet is a view: report cells edited there (they differ
        from the roster as planned, or from the grid when the plan is
        unknown), since only the grid counts."""
        got = self._header(rows, title)
        if got is None:
            return
        head, columns = got
        for i in range(head + 1, len(rows)):
            row = rows[i]
            first = _text(row[0]) if row else None
            if first is not None and normalize_name(first) == normalize_name(
                GRID_END
            ):
                break
            if first is None:
                continue
            for c, when in columns.items():
                if (first, when) not in cells:
                    continue
                shown, _ = self._code(row[c] if c < len(row) else None)
                grid = cells[first, when]
                if planned is not None:
                    was = planned.get((first, when), (None, 0))[0]
                    if shown == was or (
                        shown == TIME_OFF_CODE and grid.code == TIME_OFF_CODE
                    ):
                        continue  # the view as written: not edited there
                if shown != grid.code:
                    self.notes.append(
                        f"sheet {title!r} cell {get_column_letter(c + 1)}"
                        f"{i + 1} shows {shown or 'off'} for {first} on "
                        f"{when}, the Roster grid (cell "
                        f"{grid.column.split()[0]}{grid.row}) has "
                        f"{grid.code or 'off'}: week sheets are views, "
                        "only the Roster grid counts (edit it there)"
                    )
