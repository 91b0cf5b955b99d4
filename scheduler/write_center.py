"""Write a contact centre as an ``.xlsx`` workbook or a folder of CSVs.

The exact inverse of :func:`scheduler.read_center.read_center`: reading
what ``write_center`` wrote gives back the same centre (``source`` aside).
Sheets and columns come from :mod:`scheduler.tables`; times are written as
``HH:MM``, dates as ISO ``YYYY-MM-DD`` (date cells in a workbook), yes/no
for booleans and a blank cell for "not set". Every file is replaced
atomically, so a crash never leaves a half-written input behind.
"""

from __future__ import annotations

import csv
import io
import os
from datetime import date
from pathlib import Path

from .atomic import atomic_path
from .center.model import Center
from .tables import (
    AVOID,
    FORECAST,
    OFF,
    OPERATORS,
    PREFERENCES,
    RULES,
    SETTINGS,
    SHEETS,
    SHIFTS,
    TIME_OFF,
    WANT,
    WEEKDAYS,
    Column,
    Sheet,
)

__all__ = ["center_tables", "write_center"]

Cell = str | int | float | date | None


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _cell(col: Column, value: object) -> Cell:
    """A model value as the cell the reader reads back to the same value."""
    if value is None:
        return None
    if col.kind == "time":
        return _hhmm(value)
    if col.kind == "bool":
        return "yes" if value else "no"
    if col.kind == "list":
        return ", ".join(value)
    if col.kind == "float":
        value = float(value)
        return int(value) if value.is_integer() else value
    if col.kind == "str":
        return str(value)
    return value


def _key_value_rows(sheet: Sheet, model: object) -> list[list[Cell]]:
    rows: list[list[Cell]] = [[c.name for c in sheet.columns]]
    for key in sheet.keys:
        value = _cell(key, getattr(model, key.name))
        rows.append([key.name, value, key.description])
    return rows


def _row_sheet(
    sheet: Sheet, records: list[dict[str, object]]
) -> list[list[Cell]]:
    rows: list[list[Cell]] = [[c.name for c in sheet.columns]]
    for rec in records:
        rows.append([_cell(c, rec.get(c.name)) for c in sheet.columns])
    return rows


def center_tables(center: Center) -> dict[str, list[list[Cell]]]:
    """Every sheet of ``center`` as rows of cells, header first."""
    prefs = []
    for p in center.preferences:
        prefs.append(
            {
                "operator_id": p.operator_id,
                "date": p.date,
                "weekday": None if p.weekday is None else WEEKDAYS[p.weekday],
                "shift_id": OFF if p.shift_id is None else p.shift_id,
                "wish": WANT if p.want else AVOID,
                "weight": p.weight,
            }
        )
    return {
        SETTINGS.name: _key_value_rows(SETTINGS, center.settings),
        RULES.name: _key_value_rows(RULES, center.rules),
        FORECAST.name: _row_sheet(
            FORECAST, [f.model_dump() for f in center.forecast]
        ),
        SHIFTS.name: _row_sheet(
            SHIFTS, [s.model_dump() for s in center.shifts]
        ),
        OPERATORS.name: _row_sheet(
            OPERATORS, [o.model_dump() for o in center.operators]
        ),
        TIME_OFF.name: _row_sheet(
            TIME_OFF, [t.model_dump() for t in center.time_off]
        ),
        PREFERENCES.name: _row_sheet(PREFERENCES, prefs),
    }


def _csv_text(rows: list[list[Cell]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in rows:
        writer.writerow([_csv_cell(v) for v in row])
    return out.getvalue()


def _csv_cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _xlsx_value(value: Cell) -> Cell:
    """Numbers a workbook cannot hold exactly (openpyxl writes 16
    significant digits; Excel keeps 15) are written as text, which the
    reader parses back to the same number."""
    if isinstance(value, float) and float(f"{value:.16g}") != value:
        return repr(value)
    if isinstance(value, int) and abs(value) >= 10**15:
        return str(value)
    return value


def _write_folder(tables: dict[str, list[list[Cell]]], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for sheet in SHEETS:
        text = _csv_text(tables[sheet.name])
        with atomic_path(folder / sheet.filename) as tmp:
            tmp.write_text(text, encoding="utf-8", newline="")


def _write_workbook(tables: dict[str, list[list[Cell]]], path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    bold = Font(bold=True)
    for sheet in SHEETS:
        ws = book.create_sheet(sheet.name)
        rows = tables[sheet.name]
        widths = [len(str(h)) for h in rows[0]]
        for row in rows:
            ws.append([_xlsx_value(v) for v in row])
            for i, value in enumerate(row):
                shown = 10 if isinstance(value, date) else len(str(value))
                widths[i] = max(widths[i], min(shown, 60))
        for cell in ws[1]:
            cell.font = bold
        for col in ws.iter_cols(min_row=2):
            for cell in col:
                if isinstance(cell.value, date):
                    cell.number_format = "yyyy-mm-dd"
                elif isinstance(cell.value, str) and cell.value[:1] == "=":
                    cell.data_type = "s"  # text, not a formula
        for i, width in enumerate(widths):
            letter = ws.cell(row=1, column=i + 1).column_letter
            ws.column_dimensions[letter].width = width + 2
        ws.freeze_panes = "A2"
    with atomic_path(path) as tmp:
        book.save(tmp)


def write_center(center: Center, path: str | os.PathLike[str]) -> Path:
    """Write ``center`` to ``path``: an ``.xlsx`` workbook when the name
    ends in ``.xlsx``, else a folder with one CSV file per sheet (every
    sheet is written, optional ones with just their header). Returns the
    path written, so ``read_center(write_center(c, p)) == c`` modulo
    ``source``."""
    target = Path(path)
    tables = center_tables(center)
    if target.suffix.lower() == ".xlsx":
        _write_workbook(tables, target)
    else:
        _write_folder(tables, target)
    return target
