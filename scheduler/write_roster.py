"""The roster hand-off: an Excel workbook and the Assignments CSV.

Tables are built once as plain rows (``assignment_rows``,
``coverage_rows``) and written by both writers, so the CSV and the
workbook never disagree. Files are written atomically.
"""

from __future__ import annotations

import csv
from datetime import datetime, time, timedelta
from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import LineChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .atomic import atomic_path
from .plan import Plan

ASSIGNMENT_COLUMNS = ["operator_id", "date", "shift_id", "start", "end",
                      "hours", "heavy_calls"]
COVERAGE_COLUMNS = ["date", "time", "calls", "heavy_calls",
                    "required_agents", "scheduled_agents", "shortfall",
                    "heavy_capacity", "heavy_shortfall"]

# Colour-blind-safe-ish pastel fills, one per shift in input order.
PALETTE = ["FFE699", "9BC2E6", "C6E0B4", "F8CBAD", "D9D2E9", "B4C6E7",
           "FFD966", "A9D08E", "F4B084", "BDD7EE", "E2EFDA", "FCE4D6"]
TIME_OFF_FILL = PatternFill("solid", fgColor="BFBFBF")
WEEKEND_FILL = PatternFill("solid", fgColor="F2F2F2")
HEADER_FONT = Font(bold=True)


def assignment_rows(plan: Plan) -> list[list]:
    p = plan.problem
    rows = []
    for a in plan.roster.assignments:
        s = p.shifts[a.shift]
        start = datetime.combine(p.date_of(a.day), time()) + timedelta(
            minutes=s.start_minute)
        end = start + timedelta(minutes=s.duration_minutes)
        rows.append([p.operators[a.operator].id,
                     p.date_of(a.day).isoformat(), s.id,
                     start.isoformat(timespec="minutes"),
                     end.isoformat(timespec="minutes"),
                     round(s.paid_minutes / 60, 2), a.load])
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
        rows.append([
            p.date_of(day).isoformat(), _hhmm(minute),
            round(q.calls, 2) if q else 0, p.load[t] if p.load else 0,
            p.required[t] if p.required else 0, r.scheduled[t], under[t],
            r.load_capacity[t], short[t] if short else 0])
    return rows


def summary_rows(plan: Plan) -> list[tuple[str, object]]:
    res = plan.result
    s = plan.center.settings
    rows: list[tuple[str, object]] = [
        ("centre", s.center),
        ("horizon", f"{s.start_date.isoformat()} to "
                    f"{s.end_date.isoformat()} ({s.days} days)"),
        ("status", res.status.value),
        ("objective", res.objective),
        ("bound", res.bound),
        ("gap %", None if res.gap is None else round(100 * res.gap, 2)),
        ("solve seconds", round(res.wall_time, 2)),
        ("time to first feasible s",
         None if res.first_solution_time is None
         else round(res.first_solution_time, 2)),
        ("workers", res.params.workers),
        ("seed", res.params.seed),
        ("input file", plan.center.source),
        ("input sha256", plan.input_hash),
    ]
    rows += [(k, round(v, 2) if isinstance(v, float) else v)
             for k, v in plan.kpis.items()]
    rows += [(f"objective: {k}", v)
             for k, v in plan.roster.objective_terms().items()]
    return rows


def write_assignments_csv(plan: Plan, path: str | Path) -> Path:
    path = Path(path)
    with atomic_path(path) as tmp, open(tmp, "w", newline="",
                                        encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(ASSIGNMENT_COLUMNS)
        w.writerows(assignment_rows(plan))
    return path


def write_roster_workbook(plan: Plan, path: str | Path) -> Path:
    path = Path(path)
    wb = Workbook()
    _roster_sheet(wb.active, plan)
    _table_sheet(wb.create_sheet("Assignments"), ASSIGNMENT_COLUMNS,
                 assignment_rows(plan))
    cov = wb.create_sheet("Coverage")
    rows = coverage_rows(plan)
    _table_sheet(cov, COVERAGE_COLUMNS, rows)
    _coverage_chart(cov, len(rows))
    summary = wb.create_sheet("Summary")
    _table_sheet(summary, ["key", "value"], summary_rows(plan))
    summary.column_dimensions["A"].width = 42
    summary.column_dimensions["B"].width = 40
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return path


def _roster_sheet(ws, plan: Plan) -> None:
    p, r = plan.problem, plan.roster
    ws.title = "Roster"
    fills = {s.id: PatternFill("solid", fgColor=PALETTE[i % len(PALETTE)])
             for i, s in enumerate(p.shifts)}
    header = ["operator_id", "name"]
    header += [p.date_of(d).strftime("%a %d %b") for d in range(p.num_days)]
    header += ["hours", "shifts", "nights", "heavy calls"]
    ws.append(header)
    for cell in ws[1]:
        cell.font = HEADER_FONT
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
    for op, o in enumerate(p.operators):
        row: list[object] = [o.id, o.name]
        for d in range(p.num_days):
            a = r.by_cell.get((op, d))
            row.append(p.shifts[a.shift].id if a else
                       ("TO" if d in o.time_off else ""))
        mine = [a for a in r.assignments if a.operator == op]
        row += [round(r.minutes(op, range(p.num_days)) / 60, 1), len(mine),
                r.nights(op), sum(a.load for a in mine)]
        ws.append(row)
        excel_row = ws.max_row
        for d in range(p.num_days):
            cell = ws.cell(excel_row, 3 + d)
            cell.alignment = Alignment(horizontal="center")
            if cell.value == "TO":
                cell.fill = TIME_OFF_FILL
            elif cell.value:
                cell.fill = fills[str(cell.value)]
            elif p.date_of(d).weekday() >= 5:
                cell.fill = WEEKEND_FILL
    ws.freeze_panes = "C2"
    ws.column_dimensions["A"].width = 12
    ws.column_dimensions["B"].width = 22
    for d in range(p.num_days):
        ws.column_dimensions[get_column_letter(3 + d)].width = 7
    # Legend under the grid: what each code means.
    ws.append([])
    ws.append(["legend"])
    for s in p.shifts:
        end = (s.start_minute + s.duration_minutes) % 1440
        ws.append([s.id, f"{_hhmm(s.start_minute)}-{_hhmm(end)}"
                   + (" night" if s.night else "") + (f" {s.label}"
                                                      if s.label else "")])
        ws.cell(ws.max_row, 1).fill = fills[s.id]
    ws.append(["TO", "time off"])
    ws.cell(ws.max_row, 1).fill = TIME_OFF_FILL


def _table_sheet(ws, columns: list[str], rows: list) -> None:
    ws.append(columns)
    for cell in ws[1]:
        cell.font = HEADER_FONT
    for row in rows:
        ws.append(list(row))
    ws.freeze_panes = "A2"
    for i, name in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = max(
            12, len(name) + 2)


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
