"""The roster hand-off: an Excel workbook and the Assignments CSV.

Tables are built once as plain rows (``assignment_rows``,
``coverage_rows``) and written by both writers, so the CSV and the
workbook never disagree. Files are written atomically.

The workbook, sheet by sheet:

``Roster``
    The whole horizon, operators x days; the one grid a manager edits
    (``scheduler check`` reads it). Shift codes are coloured by
    conditional formatting, so a code typed by hand takes its colour.
``Assignments``, ``Coverage``, ``Summary``
    Plain tables (one row per worked shift, per interval, per KPI).
``Week 1 (4 Jan)`` ...
    One printable page-width view per calendar week: shift and heavy
    calls per operator and day, head-counts and required vs scheduled.
``My shifts``
    One row per operator and working day (and day of leave), with a
    filter: each person finds their own shifts on a phone.
``Planned`` (hidden)
    The roster as planned, so ``check`` can tell which cells a manager
    changed by hand.
"""

from __future__ import annotations

import csv
from collections import Counter
from copy import copy
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import LineChart, Reference
from openpyxl.comments import Comment
from openpyxl.formatting.rule import CellIsRule, FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from .atomic import atomic_path
from .core import limits
from .core.problem import ProblemData
from .core.solution import Roster
from .plan import Plan

ASSIGNMENT_COLUMNS = [
    "operator_id",
    "date",
    "shift_id",
    "start",
    "end",
    "hours",
    "heavy_calls",
]
COVERAGE_COLUMNS = [
    "date",
    "time",
    "calls",
    "heavy_calls",
    "required_agents",
    "scheduled_agents",
    "shortfall",
    "heavy_capacity",
    "heavy_shortfall",
]

# Sheet names and grid markers shared with ``read_roster``.
ROSTER_SHEET = "Roster"
ASSIGNMENTS_SHEET = "Assignments"
SUMMARY_SHEET = "Summary"
MY_SHIFTS_SHEET = "My shifts"
PLANNED_SHEET = "Planned"
CHANGES_SHEET = "Changes"
GRID_HEAD = "operator_id"  # column A of the grid's header row
GRID_END = "per day"  # column A of the first row under the grid
TIME_OFF_CODE = "TO"
OFF_CODES = ("", "OFF", "-", ".", "X")  # typed by hand: a day off

# Day shifts: pastels in start-time order; night shifts: dark, white text.
DAY_PALETTE = [
    "FFE699",
    "C6E0B4",
    "9BC2E6",
    "F8CBAD",
    "D9B3FF",
    "FFD1DC",
    "B4E5E0",
    "E2C799",
    "DDEBF7",
    "FCE4D6",
    "E2EFDA",
    "FFF2CC",
]
NIGHT_PALETTE = ["1F3864", "3A2D6B", "0B3D3A", "5B1F3A"]
TIME_OFF_COLOR = "808080"
WEEKEND_COLOR = "EDEDED"
WEEKEND_HEAD = "595959"
HEAD_COLOR = "D9D9D9"
GROUP_COLOR = "D9E1F2"
SHORT_COLOR = "FFC7CE"
SHORT_FONT = "9C0006"
CHANGED_COLOR = "C00000"
ROWS_PER_PAGE = 46  # landscape A4 rows that stay readable when printed
GRID_PAGE_ROWS = 90  # a Roster grid up to this many rows prints on 1 page
FULL_TIME_HOURS = 30  # weekly contract hours from which a row is full-time
HEADER_FONT = Font(bold=True)


def assignment_rows(plan: Plan) -> list[list]:
    p = plan.problem
    rows = []
    for a in plan.roster.assignments:
        s = p.shifts[a.shift]
        start = datetime.combine(p.date_of(a.day), time()) + timedelta(
            minutes=s.start_minute
        )
        end = start + timedelta(minutes=s.duration_minutes)
        rows.append(
            [
                p.operators[a.operator].id,
                p.date_of(a.day).isoformat(),
                s.id,
                start.isoformat(timespec="minutes"),
                end.isoformat(timespec="minutes"),
                round(s.paid_minutes / 60, 2),
                a.load,
            ]
        )
    return rows


def coverage_rows(plan: Plan) -> list[list]:
    p, r = plan.problem, plan.roster
    by_time = {(q.date, q.time): q for q in plan.requirement}
    under, short = r.understaffing(), r.load_shortfall()
    rows = []
    for t in range(p.num_intervals):
        day, slot = divmod(t, p.slots_per_day)
        minute = slot * p.interval_minutes
        q = by_time.get((p.date_of(day), minute))
        rows.append(
            [
                p.date_of(day).isoformat(),
                _hhmm(minute),
                round(q.calls, 2) if q else 0,
                p.load[t] if p.load else 0,
                p.required[t] if p.required else 0,
                r.scheduled[t],
                under[t],
                r.load_capacity[t],
                short[t] if short else 0,
            ]
        )
    return rows


def summary_rows(plan: Plan) -> list[tuple[str, object]]:
    res = plan.result
    s = plan.center.settings
    rows: list[tuple[str, object]] = [
        ("centre", s.center),
        (
            "horizon",
            f"{s.start_date.isoformat()} to "
            f"{s.end_date.isoformat()} ({s.days} days)",
        ),
        ("status", res.status.value),
        ("objective", res.objective),
        ("bound", res.bound),
        ("gap %", None if res.gap is None else round(100 * res.gap, 2)),
        ("solve seconds", round(res.wall_time, 2)),
        (
            "time to first feasible s",
            None
            if res.first_solution_time is None
            else round(res.first_solution_time, 2),
        ),
        ("workers", res.params.workers),
        ("seed", res.params.seed),
        ("input file", plan.center.source),
        ("input sha256", plan.input_hash),
    ]
    rows += [
        (k, round(v, 2) if isinstance(v, float) else v)
        for k, v in plan.kpis.items()
    ]
    rows += [
        (f"objective: {k}", v)
        for k, v in plan.roster.objective_terms().items()
    ]
    return rows


def write_assignments_csv(plan: Plan, path: str | Path) -> Path:
    path = Path(path)
    with (
        atomic_path(path) as tmp,
        open(tmp, "w", newline="", encoding="utf-8") as fh,
    ):
        w = csv.writer(fh)
        w.writerow(ASSIGNMENT_COLUMNS)
        w.writerows(assignment_rows(plan))
    return path


# ---------------------------------------------------------------------------
# Styles: shared objects, and a cache that copies a finished style
# ---------------------------------------------------------------------------


@cache
def _font(
    bold: bool = False,
    color: str = "000000",
    size: float = 10,
    italic: bool = False,
) -> Font:
    return Font(bold=bold, color=color, size=size, italic=italic)


@cache
def _fill(color: str) -> PatternFill:
    return PatternFill("solid", fgColor=color)


@cache
def _align(
    horizontal: str = "center", wrap: bool = False, shrink: bool = False
) -> Alignment:
    return Alignment(
        horizontal=horizontal,
        vertical="center",
        wrap_text=wrap,
        shrink_to_fit=shrink,
    )


_SIDES = {
    "thin": Side(style="thin", color="808080"),
    "thick": Side(style="medium", color="000000"),
    "hair": Side(style="hair", color="BFBFBF"),
    "red": Side(style="thick", color=CHANGED_COLOR),
}


@cache
def _border(
    left: str = "", right: str = "", top: str = "", bottom: str = ""
) -> Border:
    def side(name: str) -> Side:
        return _SIDES[name] if name else Side()

    return Border(
        left=side(left), right=side(right), top=side(top), bottom=side(bottom)
    )


class _Styler:
    """Setting a style on a cell makes openpyxl hash every style object;
    for tens of thousands of cells that dominates the writing time. The
    first cell of each combination is styled normally and its style
    array is copied to the rest."""

    def __init__(self) -> None:
        self._done: dict[tuple, tuple] = {}

    def __call__(
        self,
        cell,
        font: Font | None = None,
        fill: PatternFill | None = None,
        border: Border | None = None,
        alignment: Alignment | None = None,
        fmt: str | None = None,
    ) -> None:
        key = (id(font), id(fill), id(border), id(alignment), fmt)
        done = self._done.get(key)
        if done is not None:
            cell._style = copy(done[0])
            return
        cell._style = StyleArray()
        if font is not None:
            cell.font = font
        if fill is not None:
            cell.fill = fill
        if border is not None:
            cell.border = border
        if alignment is not None:
            cell.alignment = alignment
        if fmt is not None:
            cell.number_format = fmt
        # The objects ride along so their ids stay unique while cached.
        self._done[key] = (copy(cell._style), font, fill, border, alignment)


# ---------------------------------------------------------------------------
# What every view shares: operator order, colours, per-day figures
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One cell a re-plan changed, for the ``Changes`` sheet."""

    operator: str
    name: str
    day: date
    before: str  # shift id, "" for off
    after: str
    why: str


@dataclass
class _Layout:
    """Everything the views need, computed once per workbook."""

    p: ProblemData
    r: Roster
    groups: list[tuple[str, list[int]]]  # (label, operators in order)
    colors: dict[str, tuple[str, str]]  # code -> (fill, font colour)
    codes: dict[tuple[int, int], str]  # (op, day) -> shift id or TO
    marks: dict[tuple[int, int], str]  # (op, day) -> comment (changes)
    style: _Styler

    def fill(self, code: str) -> PatternFill:
        return _fill(self.colors[code][0])

    def font(self, code: str, size: float = 10) -> Font:
        return _font(
            bold=True,
            color=self.colors[code][1],
            size=size,
            italic=code == TIME_OFF_CODE,
        )


def _shift_colors(p: ProblemData) -> dict[str, tuple[str, str]]:
    """Pastel fills for day shifts in start-time order, dark fills with
    white text for nights, grey for time off."""
    colors: dict[str, tuple[str, str]] = {}
    day_i = night_i = 0
    for s in sorted(p.shifts, key=lambda s: (s.night, s.start_minute, s.id)):
        if s.night:
            colors[s.id] = (
                NIGHT_PALETTE[night_i % len(NIGHT_PALETTE)],
                "FFFFFF",
            )
            night_i += 1
        else:
            colors[s.id] = (DAY_PALETTE[day_i % len(DAY_PALETTE)], "000000")
            day_i += 1
    colors[TIME_OFF_CODE] = (TIME_OFF_COLOR, "FFFFFF")
    return colors


def contract_text(p: ProblemData, op: int) -> str:
    """Weekly contract hours as a manager writes them: ``36-40 h``."""
    o = p.operators[op]
    lo = o.min_minutes_week / 60
    hi = None if o.max_minutes_week is None else o.max_minutes_week / 60
    if hi is None:
        return f"{lo:g}+ h" if lo else "flexible"
    return f"{hi:g} h" if lo == hi else f"{lo:g}-{hi:g} h"


def _group_label(p: ProblemData, op: int) -> str:
    o = p.operators[op]
    hours = (
        o.max_minutes_week
        if o.max_minutes_week is not None
        else o.min_minutes_week
    ) / 60
    if not hours:
        return "Flexible hours"
    return "Full-time" if hours >= FULL_TIME_HOURS else "Part-time"


def operator_groups(p: ProblemData, r: Roster) -> list[tuple[str, list[int]]]:
    """Operators grouped by contract (full-time, part-time, flexible) and,
    inside a group, sorted by the start of the shift they work most
    (earlies first, nights last), then by name: similar working patterns
    sit together on the wall."""
    worked: dict[int, Counter] = {
        op: Counter() for op in range(len(p.operators))
    }
    for a in r.assignments:
        worked[a.operator][a.shift] += 1

    def main_shift(op: int) -> tuple[int, int]:
        if not worked[op]:
            return (2, 0)
        s = p.shifts[worked[op].most_common(1)[0][0]]
        return (int(s.night), s.start_minute)

    groups: dict[str, list[int]] = {}
    for op in range(len(p.operators)):
        groups.setdefault(_group_label(p, op), []).append(op)
    result = []
    for label in ("Full-time", "Part-time", "Flexible hours"):
        ops = groups.get(label, [])
        if ops:
            ops.sort(
                key=lambda o: (
                    *main_shift(o),
                    p.operators[o].name,
                    p.operators[o].id,
                )
            )
            result.append((label, ops))
    return result


def _layout(plan: Plan, marks: dict[tuple[int, int], str] | None) -> _Layout:
    p, r = plan.problem, plan.roster
    codes: dict[tuple[int, int], str] = {}
    for op, o in enumerate(p.operators):
        for d in o.time_off:
            codes[op, d] = TIME_OFF_CODE
    for (op, d), a in r.by_cell.items():
        codes[op, d] = p.shifts[a.shift].id
    return _Layout(
        p,
        r,
        operator_groups(p, r),
        _shift_colors(p),
        codes,
        dict(marks or {}),
        _Styler(),
    )


def _shift_times(p: ProblemData, shift: int) -> str:
    s = p.shifts[shift]
    end = s.end_minute
    tail = " (+1)" if end > 1440 else ""
    return f"{_hhmm(s.start_minute)}-{_hhmm(end % 1440)}{tail}"


def _legend_items(lay: _Layout) -> list[tuple[str, str]]:
    """(code, text) for each shift in start order, then time off."""
    p = lay.p
    items = []
    order = sorted(
        range(len(p.shifts)),
        key=lambda i: (p.shifts[i].night, p.shifts[i].start_minute),
    )
    for i in order:
        s = p.shifts[i]
        extra = [s.label] if s.label else []
        extra.append(f"{s.paid_minutes / 60:g} h")
        if s.night:
            extra.append("night")
        items.append(
            (s.id, f"{s.id}  {_shift_times(p, i)}  {', '.join(extra)}")
        )
    items.append((TIME_OFF_CODE, f"{TIME_OFF_CODE}  time off (leave)"))
    return items


@dataclass(frozen=True)
class _DayFigures:
    working: int
    per_shift: dict[str, int]
    required_h: float
    scheduled_h: float
    short_h: float
    heavy: int
    heavy_placed: int


def _day_figures(lay: _Layout) -> list[_DayFigures]:
    p, r = lay.p, lay.r
    slots, hours = p.slots_per_day, p.interval_minutes / 60
    under = r.understaffing() if p.required else [0] * p.num_intervals
    required = p.required or (0,) * p.num_intervals
    load = p.load or (0,) * p.num_intervals
    placed = r.load_placed
    out = []
    for d in range(p.num_days):
        span = range(d * slots, (d + 1) * slots)
        per_shift = {
            s.id: r.group_size.get((d, i), 0) for i, s in enumerate(p.shifts)
        }
        out.append(
            _DayFigures(
                working=sum(per_shift.values()),
                per_shift=per_shift,
                required_h=sum(required[t] for t in span) * hours,
                scheduled_h=sum(r.scheduled[t] for t in span) * hours,
                short_h=sum(under[t] for t in span) * hours,
                heavy=sum(load[t] for t in span),
                heavy_placed=sum(placed[t] for t in span),
            )
        )
    return out


def _footer_rows(lay: _Layout) -> list[tuple[str, str | None, str]]:
    """(label, shift code for the colour, figure key) under each grid."""
    rows: list[tuple[str, str | None, str]] = [
        ("working (head-count)", None, "working")
    ]
    order = sorted(lay.p.shifts, key=lambda s: (s.night, s.start_minute))
    rows += [
        (
            f"on {s.id}" + (f" ({s.label})" if s.label else ""),
            s.id,
            f"shift:{s.id}",
        )
        for s in order
    ]
    rows += [
        ("required agent-hours", None, "required_h"),
        ("scheduled agent-hours", None, "scheduled_h"),
        ("short agent-hours", None, "short_h"),
        ("heavy calls forecast", None, "heavy"),
        ("heavy calls placed", None, "heavy_placed"),
    ]
    return rows


def _figure(f: _DayFigures, key: str) -> float:
    if key.startswith("shift:"):
        return f.per_shift[key[6:]]
    value = getattr(f, key)
    return round(value, 1) if isinstance(value, float) else value


# ---------------------------------------------------------------------------
# The workbook
# ---------------------------------------------------------------------------


def write_roster_workbook(
    plan: Plan,
    path: str | Path,
    changes: list[Change] | None = None,
    marks: dict[tuple[int, int], str] | None = None,
) -> Path:
    """The roster workbook. ``changes`` (from ``check --fix``) adds a
    ``Changes`` sheet after ``Summary`` and opens the workbook on it;
    ``marks`` outlines cells in red with a comment saying why."""
    path = Path(path)
    lay = _layout(plan, marks)
    wb = Workbook()
    _roster_sheet(wb.active, lay)
    asg_rows = assignment_rows(plan)
    asg = wb.create_sheet(ASSIGNMENTS_SHEET)
    _table_sheet(asg, ASSIGNMENT_COLUMNS, asg_rows)
    _finish_table(
        asg,
        len(ASSIGNMENT_COLUMNS),
        len(asg_rows),
        widths=[12, 12, 9, 17, 17, 7, 12],
    )
    cov = wb.create_sheet("Coverage")
    rows = coverage_rows(plan)
    _table_sheet(cov, COVERAGE_COLUMNS, rows)
    _finish_table(cov, len(COVERAGE_COLUMNS), len(rows))
    _coverage_highlight(cov, len(rows))
    _coverage_chart(cov, len(rows))
    summary = wb.create_sheet(SUMMARY_SHEET)
    _table_sheet(summary, ["key", "value"], summary_rows(plan))
    summary.column_dimensions["A"].width = 42
    summary.column_dimensions["B"].width = 40
    _print_setup(summary, 1, landscape=False)
    if changes is not None:
        _changes_sheet(wb.create_sheet(CHANGES_SHEET), changes)
        wb.active = wb.sheetnames.index(CHANGES_SHEET)
    for i, week in enumerate(lay.p.weeks, start=1):
        first = lay.p.date_of(week[0])
        ws = wb.create_sheet(f"Week {i} ({first.day} {first:%b})")
        _week_sheet(ws, lay, i, week)
    _my_shifts_sheet(wb.create_sheet(MY_SHIFTS_SHEET), lay)
    _planned_sheet(wb.create_sheet(PLANNED_SHEET), lay)
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return path


def _print_setup(
    ws: Worksheet,
    title_rows: int,
    landscape: bool = True,
    rows: int | None = None,
) -> None:
    """A4, fit to one page wide, header rows repeated on every page, sheet
    name and page number below. With ``rows`` (a grid) the pages are
    filled evenly, about ``ROWS_PER_PAGE`` rows each, so no page is left
    with a few lines; otherwise as many pages down as needed."""
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = (
        0 if rows is None else max(1, -(-rows // ROWS_PER_PAGE))
    )
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"1:{title_rows}"
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.7
    ws.page_margins.header = ws.page_margins.footer = 0.3
    ws.print_options.horizontalCentered = True
    ws.oddFooter.left.text = "&A"
    ws.oddFooter.right.text = "page &P of &N"
    ws.oddFooter.left.size = ws.oddFooter.right.size = 8


def _horizon_text(p: ProblemData, days) -> str:
    first, last = p.date_of(days[0]), p.date_of(days[-1])
    return f"{first:%a %d %b %Y} to {last:%a %d %b %Y}"


def _legend(
    ws: Worksheet,
    lay: _Layout,
    row: int,
    first_col: int,
    last_col: int,
    block: int,
) -> int:
    """Legend items left to right in merged blocks of ``block`` columns
    from ``first_col``; returns the next free row."""
    col = first_col
    for code, text in _legend_items(lay):
        if col + block - 1 > last_col:
            row, col = row + 1, first_col
        cell = ws.cell(row, col, text)
        lay.style(
            cell,
            _font(bold=True, size=9, color=lay.colors[code][1]),
            lay.fill(code),
            None,
            _align("left", shrink=True),
        )
        if block > 1:
            ws.merge_cells(
                start_row=row,
                start_column=col,
                end_row=row,
                end_column=col + block - 1,
            )
        col += block
    return row + 1


_UPRIGHT = Alignment(horizontal="center", vertical="center", text_rotation=90)


def _head(
    lay: _Layout,
    cell,
    value=None,
    weekend: bool = False,
    fmt: str | None = None,
    size: float = 10,
) -> None:
    if value is not None:
        cell.value = value
    lay.style(
        cell,
        _font(bold=True, size=size, color="FFFFFF" if weekend else "000000"),
        _fill(WEEKEND_HEAD if weekend else HEAD_COLOR),
        None,
        _align(wrap=True),
        fmt,
    )


def _grid_header(
    ws: Worksheet,
    lay: _Layout,
    top: int,
    days: list[int],
    first_day_col: int,
    step: int,
    totals: list[str],
) -> None:
    """Two header rows: weekday (and date) above, column names below."""
    p = lay.p
    for c, name in enumerate(
        [GRID_HEAD, "name", "contract", "heavy cap"], start=1
    ):
        _head(lay, ws.cell(top, c), "")
        _head(lay, ws.cell(top + 1, c), name)
    for i, d in enumerate(days):
        col = first_day_col + step * i
        when = p.date_of(d)
        weekend = when.weekday() >= 5
        if step == 1:
            _head(lay, ws.cell(top, col), f"{when:%a}", weekend)
            _head(lay, ws.cell(top + 1, col), when, weekend, "d mmm")
        else:
            _head(lay, ws.cell(top, col), when, weekend, "ddd d mmm")
            _head(lay, ws.cell(top, col + 1), None, weekend)
            ws.merge_cells(
                start_row=top,
                start_column=col,
                end_row=top,
                end_column=col + 1,
            )
            _head(lay, ws.cell(top + 1, col), "shift", weekend)
            _head(lay, ws.cell(top + 1, col + 1), "heavy", weekend, size=8)
    for i, name in enumerate(totals):
        col = first_day_col + step * len(days) + i
        _head(lay, ws.cell(top, col), "total" if i == 0 else "")
        _head(lay, ws.cell(top + 1, col), name)
    ws.row_dimensions[top + 1].height = 28


def _operator_cells(
    ws: Worksheet, lay: _Layout, row: int, op: int, line: str = ""
) -> None:
    p = lay.p
    o = p.operators[op]
    plain, center = _font(), _align()
    for col, value, align in (
        (1, o.id, _align("left")),
        (2, o.name, _align("left", shrink=True)),
        (3, contract_text(p, op), center),
        (4, limits.load_cap_per_shift(p, op), center),
    ):
        lay.style(
            ws.cell(row, col, value),
            plain,
            None,
            _border(top=line, bottom="hair"),
            align,
        )


def _group_row(
    ws: Worksheet, lay: _Layout, row: int, text: str, last_col: int
) -> None:
    for c in range(1, last_col + 1):
        cell = ws.cell(row, c, text if c == 2 else None)
        lay.style(cell, _font(bold=True), _fill(GROUP_COLOR))


def _day_border(lay: _Layout, d: int, red: bool, top: str = "") -> Border:
    """Hairlines, a heavier line before each Monday (and above a new
    group of operators), a red frame round a cell ``--fix`` changed."""
    if red:
        return _border("red", "red", "red", "red")
    monday = d > 0 and lay.p.date_of(d).weekday() == 0
    return _border(left="thick" if monday else "hair", top=top, bottom="hair")


def _comment(cell, lay: _Layout, op: int, d: int) -> bool:
    note = lay.marks.get((op, d))
    if note:
        cell.comment = Comment(
            note, "scheduler check --fix", width=300, height=100
        )
    return bool(note)


def _roster_sheet(ws: Worksheet, lay: _Layout) -> None:
    """The whole horizon; the grid ``scheduler check`` reads.

    Row 1 is the header (dates written upright to keep the day columns
    narrow) and the operator rows follow without a gap, as in the first
    versions of this workbook, so simple readers that take the operators
    from column A until the first blank row keep working; group
    boundaries are drawn as lines. Head-counts, the legend and notes sit
    below the grid after a blank row."""
    p, r = lay.p, lay.r
    ws.title = ROSTER_SHEET
    days = list(range(p.num_days))
    first_day_col = 5
    totals = ["hours", "shifts", "nights", "week-ends", "heavy calls"]
    last_col = first_day_col + p.num_days - 1 + len(totals)
    for c, name in enumerate(
        [GRID_HEAD, "name", "contract", "heavy cap"], start=1
    ):
        _head(lay, ws.cell(1, c), name)
    for d in days:
        when = p.date_of(d)
        cell = ws.cell(1, first_day_col + d, when)
        lay.style(
            cell,
            _font(
                bold=True, color="FFFFFF" if when.weekday() >= 5 else "000000"
            ),
            _fill(WEEKEND_HEAD if when.weekday() >= 5 else HEAD_COLOR),
            _day_border(lay, d, False),
            _UPRIGHT,
            "ddd d mmm",
        )
    for i, name in enumerate(totals):
        _head(lay, ws.cell(1, first_day_col + p.num_days + i), name)
    ws.row_dimensions[1].height = 62
    row = 2
    weekend = {d for d in days if p.date_of(d).weekday() >= 5}
    center = _align()
    for g, (_label, ops) in enumerate(lay.groups):
        for k, op in enumerate(ops):
            line = "thick" if g and not k else ""
            _operator_cells(ws, lay, row, op, line)
            for d in days:
                cell = ws.cell(row, first_day_col + d, lay.codes.get((op, d)))
                red = _comment(cell, lay, op, d)
                lay.style(
                    cell,
                    None,
                    _fill(WEEKEND_COLOR) if d in weekend else None,
                    _day_border(lay, d, red, line),
                    center,
                )
            mine = [a for a in r.assignments if a.operator == op]
            values = [
                round(r.minutes(op, days) / 60, 1),
                len(mine),
                r.nights(op),
                r.weekends_worked(op),
                sum(a.load for a in mine),
            ]
            for i, v in enumerate(values):
                lay.style(
                    ws.cell(row, first_day_col + p.num_days + i, v),
                    _font(),
                    None,
                    _border(top=line, bottom="hair"),
                    center,
                )
            row += 1
    last_grid_row = row - 1
    grid = (
        f"{get_column_letter(first_day_col)}2:"
        f"{get_column_letter(first_day_col + p.num_days - 1)}"
        f"{last_grid_row}"
    )
    _shift_formatting(ws, lay, grid)
    row = _day_footer(ws, lay, row + 1, first_day_col, 1, days)
    row += 1
    groups = ", then ".join(
        f"{label.lower()} ({len(ops)})" for label, ops in lay.groups
    )
    notes = [
        f"{p.name}: roster {_horizon_text(p, days)}.",
        f"Rows: {groups}; in each, by the shift worked most (earliest "
        "first, nights last), then by name.",
        "Edit shift codes in this grid only (blank = day off, TO = time "
        "off), then run: scheduler check <this file>. A code that is no "
        "shift turns red. Totals and head-counts are as planned.",
    ]
    for text in notes:
        lay.style(
            ws.cell(row, 1, text), _font(italic=True, size=9, color="404040")
        )
        row += 1
    row = _legend(ws, lay, row, 1, last_col, 8)
    ws.freeze_panes = ws.cell(2, first_day_col)
    _widths(ws, first_day_col, days, 1, (4.2,), len(totals))
    ws.auto_filter.ref = f"A1:{get_column_letter(last_col)}{last_grid_row}"
    ws.print_area = f"A1:{get_column_letter(last_col)}{row - 1}"
    if last_grid_row <= GRID_PAGE_ROWS:
        # Two print ranges, each fitted on a page of its own: the whole
        # grid on page 1, the per-day figures and legend on page 2.
        last = get_column_letter(last_col)
        ws.print_area = [
            f"A1:{last}{last_grid_row}",
            f"A{last_grid_row + 2}:{last}{row - 1}",
        ]
        _print_setup(ws, 1)
        ws.page_setup.fitToHeight = 1
    else:
        _print_setup(ws, 1, rows=row - 1)
    ws.oddHeader.center.text = f"{p.name}: roster {_horizon_text(p, days)}"
    ws.oddHeader.center.size = 10


def _widths(
    ws: Worksheet,
    first_day_col: int,
    days: list[int],
    step: int,
    day_widths: tuple[float, ...],
    totals: int,
) -> None:
    for col, width in zip("ABCD", (10, 19, 8, 6)):
        ws.column_dimensions[col].width = width
    for i in range(len(days)):
        for j, width in enumerate(day_widths):
            letter = get_column_letter(first_day_col + step * i + j)
            ws.column_dimensions[letter].width = width
    for i in range(totals):
        letter = get_column_letter(first_day_col + step * len(days) + i)
        ws.column_dimensions[letter].width = 8


def _shift_formatting(ws: Worksheet, lay: _Layout, grid: str) -> None:
    """Colour by content, so a code typed by hand takes its colour; a
    code that is no shift id turns red."""
    known = []
    for code, (fill, color) in lay.colors.items():
        quoted = '"' + code.replace('"', '""') + '"'
        known.append(quoted)
        ws.conditional_formatting.add(
            grid,
            CellIsRule(
                operator="equal",
                formula=[quoted],
                fill=PatternFill("solid", start_color=fill, end_color=fill),
                font=Font(bold=True, color=color),
            ),
        )
    cell = grid.split(":")[0]
    unknown = (
        f"AND(LEN(TRIM({cell}))>0,"
        f"ISNA(MATCH(TRIM({cell}),{{{','.join(known)}}},0)))"
    )
    ws.conditional_formatting.add(
        grid,
        FormulaRule(
            formula=[unknown],
            fill=PatternFill(
                "solid", start_color=SHORT_COLOR, end_color=SHORT_COLOR
            ),
            font=Font(bold=True, color=SHORT_FONT),
        ),
    )


def _day_footer(
    ws: Worksheet,
    lay: _Layout,
    row: int,
    first_col: int,
    step: int,
    days: list[int],
) -> int:
    """Head-counts and required vs scheduled per day under a grid; each
    day takes ``step`` columns (merged). Returns the next free row."""
    figures = _day_figures(lay)
    p = lay.p
    last = first_col + step * len(days) - 1
    for c in range(1, last + 1):
        lay.style(
            ws.cell(row, c, GRID_END if c == 1 else None),
            _font(bold=True, italic=True),
            None,
            _border(top="thick"),
        )
    row += 1
    center = _align()
    for label, code, key in _footer_rows(lay):
        head = ws.cell(row, 1, label)
        if code is not None:
            lay.style(
                head,
                _font(bold=True, color=lay.colors[code][1]),
                lay.fill(code),
                None,
                _align("left"),
            )
        else:
            lay.style(head, _font(bold=True), None, None, _align("left"))
        ws.merge_cells(
            start_row=row,
            start_column=1,
            end_row=row,
            end_column=first_col - 1,
        )
        for i, d in enumerate(days):
            col = first_col + i * step
            value = _figure(figures[d], key)
            cell = ws.cell(row, col, value)
            weekend = p.date_of(d).weekday() >= 5
            if key == "short_h" and value:
                lay.style(
                    cell,
                    _font(bold=True, size=9, color=SHORT_FONT),
                    _fill(SHORT_COLOR),
                    _border(bottom="hair"),
                    center,
                )
            else:
                lay.style(
                    cell,
                    _font(size=9),
                    _fill(WEEKEND_COLOR) if weekend else None,
                    _border(bottom="hair"),
                    center,
                )
            if step > 1:
                ws.merge_cells(
                    start_row=row,
                    start_column=col,
                    end_row=row,
                    end_column=col + step - 1,
                )
        row += 1
    return row


def _week_sheet(
    ws: Worksheet, lay: _Layout, number: int, week: tuple[int, ...]
) -> None:
    """One calendar week: per day a shift column and a heavy-call column."""
    p, r = lay.p, lay.r
    days = list(week)
    first_day_col = 5
    totals = ["hours", "heavy calls"]
    last_col = first_day_col + 2 * len(days) - 1 + len(totals)
    ws.cell(
        1, 1, f"{p.name}: week {number}, {_horizon_text(p, days)}"
    ).font = _font(bold=True, size=14)
    ws.cell(
        2,
        1,
        "Per day: the shift, and the heavy calls (abusive, "
        "crisis, escalation, venting) that operator takes in it. "
        "A view: to change the roster, edit the Roster sheet.",
    ).font = _font(italic=True, size=9, color="595959")
    top = _legend(ws, lay, 3, 1, last_col, 5)
    _grid_header(ws, lay, top, days, first_day_col, 2, totals)
    row = top + 2
    center = _align()
    for label, ops in lay.groups:
        _group_row(ws, lay, row, f"{label} ({len(ops)})", last_col)
        row += 1
        for op in ops:
            _operator_cells(ws, lay, row, op)
            for i, d in enumerate(days):
                col = first_day_col + 2 * i
                code = lay.codes.get((op, d))
                cell = ws.cell(row, col, code)
                heavy = ws.cell(row, col + 1)
                red = _comment(cell, lay, op, d)
                weekend = p.date_of(d).weekday() >= 5
                if code:
                    fill = lay.fill(code)
                elif weekend:
                    fill = _fill(WEEKEND_COLOR)
                else:
                    fill = None
                lay.style(
                    cell,
                    lay.font(code) if code else None,
                    fill,
                    _day_border(lay, i and d, red),
                    center,
                )
                a = r.by_cell.get((op, d))
                if a is not None:
                    heavy.value = a.load
                color = lay.colors[code][1] if code else "595959"
                lay.style(
                    heavy,
                    _font(size=8, color=color),
                    fill,
                    _border(bottom="hair"),
                    center,
                )
            col = first_day_col + 2 * len(days)
            for j, v in enumerate(
                (
                    round(r.minutes(op, days) / 60, 1),
                    r.weekly_load(op, tuple(days)),
                )
            ):
                lay.style(
                    ws.cell(row, col + j, v),
                    _font(),
                    None,
                    _border(bottom="hair"),
                    center,
                )
            row += 1
    last_grid_row = row - 1
    row = _day_footer(ws, lay, row + 1, first_day_col, 2, days)
    ws.freeze_panes = ws.cell(top + 2, 3)
    _widths(ws, first_day_col, days, 2, (6.5, 4.5), len(totals))
    ws.auto_filter.ref = (
        f"A{top + 1}:{get_column_letter(last_col)}{last_grid_row}"
    )
    ws.print_area = f"A1:{get_column_letter(last_col)}{row - 1}"
    _print_setup(ws, top + 1, rows=row - 1)


MY_SHIFTS_COLUMNS = [
    "name",
    "operator_id",
    "date",
    "day",
    "shift",
    "start",
    "end",
    "paid hours",
    "heavy calls",
    "note",
]


def _my_shifts_sheet(ws: Worksheet, lay: _Layout) -> None:
    """One row per operator and working day or day of leave, by name:
    filter the name column to see one person's shifts."""
    p, r = lay.p, lay.r
    ws.append(MY_SHIFTS_COLUMNS)
    for cell in ws[1]:
        _head(lay, cell)
    people = sorted(
        range(len(p.operators)),
        key=lambda o: (p.operators[o].name, p.operators[o].id),
    )
    n = 1
    date_fmt, plain = "ddd d mmm yyyy", _font()
    for op in people:
        o = p.operators[op]
        for d in range(p.num_days):
            code = lay.codes.get((op, d))
            if not code:
                continue
            when = p.date_of(d)
            a = r.by_cell.get((op, d))
            if a is None:
                values = [
                    o.name,
                    o.id,
                    when,
                    f"{when:%a}",
                    code,
                    None,
                    None,
                    None,
                    None,
                    "time off",
                ]
            else:
                s = p.shifts[a.shift]
                notes = [s.label] if s.label else []
                if s.night and "night" not in s.label.lower():
                    notes.append("night")
                if when.weekday() >= 5:
                    notes.append("weekend")
                end = s.end_minute
                values = [
                    o.name,
                    o.id,
                    when,
                    f"{when:%a}",
                    s.id,
                    _hhmm(s.start_minute),
                    _hhmm(end % 1440) + (" next day" if end > 1440 else ""),
                    round(s.paid_minutes / 60, 2),
                    a.load,
                    ", ".join(notes),
                ]
            ws.append(values)
            n += 1
            lay.style(
                ws.cell(n, 3), plain, None, None, _align("left"), date_fmt
            )
            lay.style(
                ws.cell(n, 5), lay.font(code), lay.fill(code), None, _align()
            )
            for col in range(6, 10):
                lay.style(ws.cell(n, col), plain, None, None, _align())
    ws.freeze_panes = "C2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(MY_SHIFTS_COLUMNS))}{n}"
    for i, width in enumerate((20, 11, 15, 5, 6, 6, 14, 6, 6, 24), start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    _print_setup(ws, 1, landscape=False)


def _planned_sheet(ws: Worksheet, lay: _Layout) -> None:
    """The roster as planned, hidden: ``check`` compares the edited grid
    with it. One row per operator, one ``shift/heavy calls`` cell per
    day (``E/6``; blank = off)."""
    p, r = lay.p, lay.r
    ws.append(
        [GRID_HEAD] + [p.date_of(d).isoformat() for d in range(p.num_days)]
    )
    for op, o in enumerate(p.operators):
        row: list[str | None] = [o.id]
        for d in range(p.num_days):
            a = r.by_cell.get((op, d))
            row.append(
                None if a is None else f"{p.shifts[a.shift].id}/{a.load}"
            )
        ws.append(row)
    ws.sheet_state = "hidden"


def _changes_sheet(ws: Worksheet, changes: list[Change]) -> None:
    columns = ["operator_id", "name", "date", "day", "before", "after", "why"]
    ws.append(columns)
    for cell in ws[1]:
        cell.font = HEADER_FONT
        cell.fill = _fill(HEAD_COLOR)
    for c in changes:
        ws.append(
            [
                c.operator,
                c.name,
                c.day,
                f"{c.day:%a}",
                c.before or "off",
                c.after or "off",
                c.why,
            ]
        )
        n = ws.max_row
        top = Alignment(horizontal="left", vertical="top")
        for col in range(1, 7):
            ws.cell(n, col).alignment = top
        ws.cell(n, 3).number_format = "yyyy-mm-dd"
        ws.cell(n, 7).alignment = Alignment(wrap_text=True, vertical="top")
        # Row height for the wrapped reason (about 95 characters a line).
        ws.row_dimensions[n].height = 14 * max(1, -(-len(c.why) // 95))
    if not changes:
        ws.append(["no cell changed: the edited roster keeps every hard rule"])
    ws.freeze_panes = "A2"
    for i, width in enumerate((12, 20, 11, 5, 8, 8, 90), start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.auto_filter.ref = f"A1:G{max(2, ws.max_row)}"
    _print_setup(ws, 1)


def _table_sheet(ws, columns: list[str], rows: list) -> None:
    ws.append(columns)
    for cell in ws[1]:
        cell.font = HEADER_FONT
    for row in rows:
        ws.append(list(row))
    ws.freeze_panes = "A2"
    for i, name in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = max(
            12, len(name) + 2
        )


def _finish_table(
    ws: Worksheet, ncols: int, nrows: int, widths: list[int] | None = None
) -> None:
    """Filter buttons on the header, header shading, print set-up."""
    ws.auto_filter.ref = f"A1:{get_column_letter(ncols)}{nrows + 1}"
    for cell in ws[1]:
        cell.fill = _fill(HEAD_COLOR)
    for i, width in enumerate(widths or [], start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    _print_setup(ws, 1, landscape=False)


def _coverage_highlight(ws: Worksheet, n: int) -> None:
    red = CellIsRule(
        operator="greaterThan",
        formula=["0"],
        fill=PatternFill(
            "solid", start_color=SHORT_COLOR, end_color=SHORT_COLOR
        ),
        font=Font(color=SHORT_FONT, bold=True),
    )
    for col in ("G", "I"):  # shortfall, heavy_shortfall
        ws.conditional_formatting.add(f"{col}2:{col}{n + 1}", red)


def _coverage_chart(ws, n: int) -> None:
    chart = LineChart()
    chart.title = "Required vs scheduled agents"
    chart.y_axis.title = "agents"
    chart.x_axis.title = "interval"
    chart.height, chart.width = 9, 30
    data = Reference(ws, min_col=5, max_col=6, min_row=1, max_row=n + 1)
    chart.add_data(data, titles_from_data=True)
    ws.add_chart(chart, "K2")


def _hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def roster_paths(plan: Plan, out_dir: str | Path) -> tuple[Path, Path]:
    s = plan.center.settings
    stem = f"roster_{_safe(s.center)}_{s.start_date.isoformat()}"
    out = Path(out_dir)
    return out / f"{stem}.xlsx", out / f"{stem}_assignments.csv"


def write_plan(plan: Plan, out_dir: str | Path) -> tuple[Path, Path]:
    """Workbook and CSV; each appears whole or not at all."""
    xlsx, csv_path = roster_paths(plan, out_dir)
    write_roster_workbook(plan, xlsx)
    write_assignments_csv(plan, csv_path)
    return xlsx, csv_path


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in name)
