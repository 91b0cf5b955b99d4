"""An input workbook to fill in: ``scheduler template OUT.xlsx``.

Every sheet and column of :mod:`scheduler.tables`, in the layout the
reader expects, with

* a ``README`` sheet: what each column means, its unit or format, the
  allowed values and the default;
* a comment on every column heading saying the same;
* Excel data validation: dates, times, numbers and their ranges, yes/no,
  want/avoid and weekday lists, operator ids from the ``operators`` sheet
  and shift ids from the ``shifts`` sheet (drop-downs);
* one example row per sheet (the forecast has one example *day*, since
  every interval of the horizon needs a row) that plans as it is.

The example rows are an example centre (:func:`example_center`) written
through :func:`scheduler.write_center.center_tables`, so the template and
the reader cannot disagree on a column.
"""

from __future__ import annotations

from datetime import date, time, timedelta
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from .atomic import atomic_path
from .center.model import (
    Center,
    CenterOperator,
    CenterPreference,
    CenterShift,
    ForecastInterval,
    Settings,
    TimeOff,
)
from .tables import (
    OFF,
    OPERATORS,
    PREFERENCES,
    SHEETS,
    SHIFTS,
    WEEKDAYS,
    Column,
    Sheet,
)
from .write_center import center_tables

__all__ = ["README_SHEET", "example_center", "write_template"]

README_SHEET = "README"
EXAMPLE_START = date(2027, 1, 4)  # a Monday
LAST_ROW = 20000  # validation reaches this row (400 days of 30 minutes)
REQUIRED_FILL = PatternFill("solid", fgColor="F4B084")
OPTIONAL_FILL = PatternFill("solid", fgColor="D9D9D9")
BOLD = Font(bold=True)

FORMATS = {
    "str": "text",
    "int": "whole number",
    "float": "number",
    "date": "date, YYYY-MM-DD",
    "time": "time of day, HH:MM",
    "bool": "yes / no",
    "list": "shift ids, comma-separated",
}


def example_center() -> Center:
    """Two days (Monday and Tuesday), one shift, one operator with a day
    of leave and a wish: the smallest centre that shows every sheet."""
    forecast = []
    for day in range(2):
        for hour in range(24):
            busy = 8 <= hour < 20
            forecast.append(
                ForecastInterval(
                    date=EXAMPLE_START + timedelta(days=day),
                    time=hour * 60,
                    calls=20.0 if busy else 2.0,
                    aht_seconds=300,
                    heavy_calls=2.0 if busy else 0.0,
                )
            )
    return Center(
        settings=Settings(
            center="example",
            start_date=EXAMPLE_START,
            days=2,
            interval_minutes=60,
            time_limit_seconds=10,
        ),
        forecast=tuple(forecast),
        shifts=(
            CenterShift(
                shift_id="E",
                start=7 * 60,
                hours=8.5,
                break_minutes=30,
                label="Early",
            ),
        ),
        operators=(
            CenterOperator(
                operator_id="OP001",
                name="Alex Example",
                min_hours_week=30,
                max_hours_week=40,
                shifts=("E",),
            ),
        ),
        time_off=(
            TimeOff(
                operator_id="OP001",
                date_from=EXAMPLE_START + timedelta(days=1),
                date_to=EXAMPLE_START + timedelta(days=1),
                reason="dentist",
            ),
        ),
        preferences=(
            CenterPreference(
                operator_id="OP001",
                weekday=0,
                shift_id="E",
                want=True,
                weight=2,
            ),
        ),
    )


def _default_text(col: Column) -> str:
    if col.required:
        return "required"
    if col.default is None or col.default == "":
        return "blank"
    if isinstance(col.default, bool):
        return "yes" if col.default else "no"
    return str(col.default)


def _allowed_text(sheet: Sheet, col: Column) -> str:
    if col.allowed:
        return ", ".join(col.allowed)
    if col.kind == "bool":
        return "yes, no"
    if sheet is PREFERENCES and col.name == "weekday":
        return ", ".join(WEEKDAYS)
    if sheet is PREFERENCES and col.name == "shift_id":
        return f"a shift_id of the shifts sheet, or {OFF}"
    if col.kind == "list":
        return "shift_id values of the shifts sheet"
    if col.name == "operator_id" and sheet is not OPERATORS:
        return "an operator_id of the operators sheet"
    if col.name == "interval_minutes":
        return "15, 30, 60 (any divisor of 1440)"
    return ""


def _note(sheet: Sheet, col: Column) -> str:
    parts = [col.description, f"Format: {FORMATS[col.kind]}."]
    allowed = _allowed_text(sheet, col)
    if allowed:
        parts.append(f"Allowed: {allowed}.")
    parts.append(f"Default: {_default_text(col)}.")
    return " ".join(parts)


# ---------------------------------------------------------------------------
# Data validation
# ---------------------------------------------------------------------------


def _validation(sheet: Sheet, col: Column) -> DataValidation | None:
    """The Excel rule for one column (or one key's value cell)."""
    kind, name = col.kind, col.name
    dv: DataValidation | None = None
    if sheet is PREFERENCES and name == "shift_id":
        dv = DataValidation(
            type="list",
            formula1="=shifts!$A$2:$A$500",
            errorStyle="information",
        )
        dv.error = (
            f"Not a shift id of the shifts sheet: fine if it is "
            f"{OFF} (a day off)."
        )
    elif sheet is PREFERENCES and name == "weekday":
        dv = DataValidation(type="list", formula1=f'"{",".join(WEEKDAYS)}"')
    elif col.allowed:
        dv = DataValidation(type="list", formula1=f'"{",".join(col.allowed)}"')
    elif name == "operator_id" and sheet is not OPERATORS:
        dv = DataValidation(type="list", formula1="=operators!$A$2:$A$5000")
        dv.error = "Use an operator_id of the operators sheet."
    elif sheet is OPERATORS and name == "shifts":
        dv = DataValidation(
            type="list",
            formula1="=shifts!$A$2:$A$500",
            errorStyle="information",
        )
        dv.error = (
            "Several shift ids are fine: separate them with commas (E, L, N)."
        )
    elif sheet is SHIFTS and name == "shift_id":
        dv = DataValidation(
            type="custom",
            formula1='AND(ISERROR(FIND(" ",A2)),'
            f'ISERROR(FIND(",",A2)),UPPER(A2)<>"{OFF}")',
        )
        dv.error = f"No spaces or commas, and not {OFF}."
    elif name == "interval_minutes":
        dv = DataValidation(
            type="list", formula1='"15,30,60"', errorStyle="warning"
        )
    elif name == "days":
        dv = DataValidation(
            type="whole", operator="between", formula1="1", formula2="400"
        )
    elif kind == "bool":
        dv = DataValidation(type="list", formula1='"yes,no"')
    elif kind == "date":
        dv = DataValidation(
            type="date",
            operator="between",
            formula1="DATE(2000,1,1)",
            formula2="DATE(2200,12,31)",
        )
        dv.error = "A date, e.g. 2027-01-04."
    elif kind == "time":
        dv = DataValidation(
            type="time",
            operator="between",
            formula1="0",
            formula2="0.999305556",
        )
        dv.error = "A time of day, e.g. 08:00."
    elif col.fraction:
        dv = DataValidation(
            type="decimal", operator="between", formula1="0", formula2="1"
        )
        dv.error = "A share between 0 and 1 (0.8, or 80%)."
    elif kind == "int":
        dv = DataValidation(
            type="whole", operator="greaterThanOrEqual", formula1="0"
        )
        dv.error = "A whole number, 0 or more."
    elif kind == "float":
        dv = DataValidation(
            type="decimal", operator="greaterThanOrEqual", formula1="0"
        )
        dv.error = "A number, 0 or more."
    if dv is None:
        return None
    dv.allow_blank = not col.required
    dv.showErrorMessage = True
    dv.showInputMessage = True
    dv.errorTitle = dv.errorTitle or name
    if dv.error is None:
        dv.error = _note(sheet, col)[:255]
    dv.promptTitle = name[:32]
    dv.prompt = _note(sheet, col)[:255]
    return dv


# ---------------------------------------------------------------------------
# Sheets
# ---------------------------------------------------------------------------


def _cell_value(col: Column, value: object) -> object:
    """Times as real time cells (the reader takes either)."""
    if col.kind == "time" and isinstance(value, str) and ":" in value:
        hh, mm = value.split(":")
        return time(int(hh), int(mm))
    return value


def _row_sheet(ws: Worksheet, sheet: Sheet, rows: list[list]) -> None:
    header, records = rows[0], rows[1:]
    ws.append(header)
    for i, col in enumerate(sheet.columns, start=1):
        cell = ws.cell(1, i)
        cell.font = BOLD
        cell.fill = REQUIRED_FILL if col.required else OPTIONAL_FILL
        cell.comment = Comment(
            _note(sheet, col), "scheduler template", width=320, height=140
        )
    for record in records:
        ws.append(
            [
                _cell_value(c, v)
                for c, v in zip(sheet.columns, record, strict=True)
            ]
        )
    for i, col in enumerate(sheet.columns, start=1):
        letter = get_column_letter(i)
        width = max(len(col.name) + 3, 12)
        if col.kind == "list" or col.name in ("name", "reason", "label"):
            width = 22
        ws.column_dimensions[letter].width = width
        fmt = {"date": "yyyy-mm-dd", "time": "hh:mm"}.get(col.kind)
        if fmt:
            for row in range(2, len(records) + 2):
                ws.cell(row, i).number_format = fmt
        dv = _validation(sheet, col)
        if dv is not None:
            ws.add_data_validation(dv)
            dv.add(f"{letter}2:{letter}{LAST_ROW}")
    ws.freeze_panes = "A2"


def _key_value_sheet(ws: Worksheet, sheet: Sheet, rows: list[list]) -> None:
    ws.append(rows[0])
    for cell in ws[1]:
        cell.font = BOLD
        cell.fill = (
            REQUIRED_FILL if cell.value in ("key", "value") else OPTIONAL_FILL
        )
    keys = {k.name: k for k in sheet.keys}
    for n, (name, value, description) in enumerate(rows[1:], start=2):
        key = keys[name]
        ws.append([name, _cell_value(key, value), description])
        if key.required:
            ws.cell(n, 1).font = BOLD
        if key.kind == "date":
            ws.cell(n, 2).number_format = "yyyy-mm-dd"
        ws.cell(n, 2).alignment = Alignment(horizontal="left")
        ws.cell(n, 1).comment = Comment(
            _note(sheet, key), "scheduler template", width=320, height=140
        )
        dv = _validation(sheet, key)
        if dv is not None:
            ws.add_data_validation(dv)
            dv.add(f"B{n}")
    ws.column_dimensions["A"].width = 26
    ws.column_dimensions["B"].width = 14
    ws.column_dimensions["C"].width = 90
    ws.freeze_panes = "A2"


README_INTRO = [
    "How to fill in this workbook",
    "",
    "One sheet per table; row 1 names the columns (keep the names; "
    "their order does not matter). Orange headings are required columns, "
    "grey ones optional: a blank cell means the default below.",
    "Every sheet holds one example row (the forecast one example day): "
    "overwrite or delete them. The example plans as it is: "
    "scheduler plan this-file.xlsx",
    "Hover over a column heading for its meaning; drop-downs offer shift "
    "and operator ids from the shifts and operators sheets.",
    "The forecast needs one row for every interval of every day of the "
    "horizon (days x 24 h / interval_minutes rows), usually pasted from "
    "the workforce-management export.",
    "Check the filled workbook without planning: scheduler validate "
    "this-file.xlsx (every problem is reported with its sheet, row and "
    "column).",
    "This README sheet is not read by plan or validate.",
    "",
]
README_COLUMNS = [
    "sheet",
    "column / key",
    "required",
    "format",
    "allowed",
    "default",
    "meaning",
]


def _readme(ws: Worksheet) -> None:
    for line in README_INTRO:
        ws.append([line])
    ws.cell(1, 1).font = Font(bold=True, size=14)
    ws.append(README_COLUMNS)
    head = ws.max_row
    for cell in ws[head]:
        cell.font = BOLD
        cell.fill = OPTIONAL_FILL
    for sheet in SHEETS:
        ws.append(
            [
                sheet.name,
                None,
                "yes" if sheet.required else "no",
                None,
                None,
                None,
                sheet.description,
            ]
        )
        for c in ws[ws.max_row]:
            c.font = BOLD
        for col in sheet.keys or sheet.columns:
            ws.append(
                [
                    sheet.name,
                    col.name,
                    "yes" if col.required else "no",
                    FORMATS[col.kind],
                    _allowed_text(sheet, col),
                    _default_text(col),
                    col.description,
                ]
            )
            if col.required:
                ws.cell(ws.max_row, 2).fill = REQUIRED_FILL
    for i, width in enumerate((12, 24, 9, 22, 30, 10, 80), start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    for row in ws.iter_rows(min_row=head + 1):
        for cell in row:
            cell.alignment = Alignment(vertical="top", wrap_text=True)
    ws.freeze_panes = ws.cell(head + 1, 1)
    ws.auto_filter.ref = f"A{head}:G{ws.max_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{head}:{head}"


def write_template(path: str | Path, center: Center | None = None) -> Path:
    """Write the template (``center`` gives the example rows; default
    :func:`example_center`). Written atomically."""
    path = Path(path)
    tables = center_tables(center or example_center())
    book = Workbook()
    _readme(book.active)
    book.active.title = README_SHEET
    for sheet in SHEETS:
        ws = book.create_sheet(sheet.name)
        if sheet.is_key_value:
            _key_value_sheet(ws, sheet, tables[sheet.name])
        else:
            _row_sheet(ws, sheet, tables[sheet.name])
    with atomic_path(path) as tmp:
        book.save(tmp)
    return path
