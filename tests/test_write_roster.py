"""The roster workbook a manager reads, prints and edits.

One small plan (10 operators, 13 days from a Wednesday, so the first and
last calendar weeks are partial, with a week of leave) is written once;
each test reads the workbook back as a person or a program would.
"""

from __future__ import annotations

import time
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl
import pytest

from scheduler.center.generate import generate_center
from scheduler.center.model import TimeOff
from scheduler.center.staffing import requirement
from scheduler.center.to_problem import to_problem
from scheduler.core.construct import construct
from scheduler.core.solve import Result, SolveParams, SolveStatus
from scheduler.plan import Plan, kpis, plan
from scheduler.read_roster import read_roster
from scheduler.write_roster import (
    ASSIGNMENT_COLUMNS,
    MY_SHIFTS_COLUMNS,
    assignment_rows,
    coverage_rows,
    operator_groups,
    roster_paths,
    write_plan,
    write_roster_workbook,
)

START = date(2027, 1, 6)  # a Wednesday


@pytest.fixture(scope="module")
def planned() -> Plan:
    center = generate_center(operators=10, days=13, seed=5, start_date=START)
    leave = TimeOff(
        operator_id=center.operators[0].operator_id,
        date_from=START + timedelta(days=2),
        date_to=START + timedelta(days=4),
        reason="leave",
    )
    center = center.model_copy(
        update={"time_off": (leave,), "source": "centre.xlsx"}
    )
    return plan(center, SolveParams(time_limit=5, workers=2))


@pytest.fixture(scope="module")
def book(planned: Plan, tmp_path_factory) -> Path:
    xlsx, _ = write_plan(planned, tmp_path_factory.mktemp("roster"))
    return xlsx


def _grid(ws) -> tuple[dict[str, int], dict[date, int]]:
    """Operator rows and date columns of a grid whose header row holds
    ``operator_id`` in column A."""
    head = next(
        r for r in range(1, 20) if ws.cell(r, 1).value == "operator_id"
    )
    dates = {}
    for c in range(1, ws.max_column + 1):
        for r in (head, head - 1):
            value = ws.cell(r, c).value if r >= 1 else None
            if isinstance(value, datetime):
                dates[value.date()] = c
    rows = {}
    for r in range(head + 1, ws.max_row + 1):
        value = ws.cell(r, 1).value
        if value == "per day":
            break
        if value:
            rows[value] = r
    return rows, dates


def test_sheets_in_order(book: Path, planned: Plan) -> None:
    """The four original sheets first, in their order; then one sheet per
    calendar week the horizon touches, My shifts, and the hidden plan."""
    wb = openpyxl.load_workbook(book)
    weeks = [
        f"Week {i} ({planned.problem.date_of(w[0]).day} "
        f"{planned.problem.date_of(w[0]):%b})"
        for i, w in enumerate(planned.problem.weeks, start=1)
    ]
    assert wb.sheetnames == [
        "Roster",
        "Assignments",
        "Coverage",
        "Summary",
        *weeks,
        "My shifts",
        "Planned",
    ]
    assert len(weeks) == 3  # Wed-Sun, Mon-Sun, Mon
    assert wb["Planned"].sheet_state == "hidden"
    assert all(wb[n].sheet_state == "visible" for n in wb.sheetnames[:-1])


def test_roster_grid_round_trip(book: Path, planned: Plan) -> None:
    """Every cell of the Roster grid reads back as the planned shift, TO
    on leave, blank otherwise; week sheets agree and raise no note."""
    p, r = planned.problem, planned.roster
    got = read_roster(book, [s.id for s in p.shifts])
    assert got.notes == []
    assert got.dates == [p.date_of(d) for d in range(p.num_days)]
    assert sorted(got.operators) == sorted(o.id for o in p.operators)
    for op, o in enumerate(p.operators):
        for d in range(p.num_days):
            a = r.by_cell.get((op, d))
            want = (
                p.shifts[a.shift].id
                if a
                else "TO"
                if d in o.time_off
                else None
            )
            assert got.code(o.id, p.date_of(d)) == want, (o.id, d)
    assert got.planned == {
        (p.operators[a.operator].id, p.date_of(a.day)): (
            p.shifts[a.shift].id,
            a.load,
        )
        for a in r.assignments
    }
    assert len(got.assignments) == len(r.assignments)
    assert got.input_file == "centre.xlsx"


def test_roster_header_in_row_1_and_operators_contiguous(
    book: Path, planned: Plan
) -> None:
    """Row 1 is the header and column A lists every operator from row 2
    down to the first blank row, as in the first workbook layout (the
    rolling planner reads operators that way)."""
    ws = openpyxl.load_workbook(book)["Roster"]
    assert ws.cell(1, 1).value == "operator_id"
    ids = []
    for row in ws.iter_rows(min_row=2, values_only=True):
        if not row[0]:
            break
        ids.append(row[0])
    assert sorted(ids) == sorted(o.id for o in planned.problem.operators)
    assert ws.freeze_panes == "E2"


def test_operators_grouped_by_contract_then_main_shift(planned: Plan) -> None:
    """Full-time before part-time; inside a group, the shift worked most
    starts no later than the next operator's (nights last)."""
    p, r = planned.problem, planned.roster
    groups = operator_groups(p, r)
    labels = [label for label, _ in groups]
    assert labels == sorted(
        labels, key=["Full-time", "Part-time", "Flexible hours"].index
    )
    assert sorted(op for _, ops in groups for op in ops) == list(
        range(len(p.operators))
    )
    for _, ops in groups:
        keys = []
        for op in ops:
            counts = Counter(
                a.shift for a in r.assignments if a.operator == op
            )
            if counts:
                s = p.shifts[counts.most_common(1)[0][0]]
                keys.append((s.night, s.start_minute))
        assert keys == sorted(keys)


def test_week_sheet_shows_shift_heavy_calls_and_totals(
    book: Path, planned: Plan
) -> None:
    """Per day a shift column and the heavy calls next to it; under the
    grid the head-count per day equals the shifts worked that day, and
    required vs scheduled agent-hours are given."""
    p, r = planned.problem, planned.roster
    wb = openpyxl.load_workbook(book)
    ws = wb[wb.sheetnames[5]]  # week 2: Mon 11 Jan - Sun 17 Jan
    rows, dates = _grid(ws)
    week = p.weeks[1]
    assert sorted(dates) == [p.date_of(d) for d in week]
    for a in r.assignments:
        if a.day not in week:
            continue
        row = rows[p.operators[a.operator].id]
        col = dates[p.date_of(a.day)]
        assert ws.cell(row, col).value == p.shifts[a.shift].id
        assert ws.cell(row, col + 1).value == a.load
    labels = {ws.cell(i, 1).value: i for i in range(1, ws.max_row + 1)}
    count_row = labels["working (head-count)"]
    for d in week:
        assert ws.cell(count_row, dates[p.date_of(d)]).value == sum(
            1 for a in r.assignments if a.day == d
        )
    assert "required agent-hours" in labels
    assert "scheduled agent-hours" in labels
    assert "heavy calls placed" in labels


def test_print_setup(book: Path) -> None:
    """Grids print landscape, one page wide, header rows repeated."""
    wb = openpyxl.load_workbook(book)
    for name in [
        "Roster",
        *[n for n in wb.sheetnames if n.startswith("Week")],
    ]:
        ws = wb[name]
        assert ws.page_setup.orientation == "landscape", name
        assert ws.page_setup.fitToWidth == 1, name
        assert ws.sheet_properties.pageSetUpPr.fitToPage, name
        assert ws.print_title_rows, name
    assert wb["My shifts"].print_title_rows == "$1:$1"
    # The Roster prints the whole grid on one page, the per-day figures
    # and legend on a second.
    roster = wb["Roster"]
    assert len(roster.print_area.split(",")) == 2
    assert roster.page_setup.fitToHeight == 1


def test_my_shifts_lists_every_shift_and_leave_with_a_filter(
    book: Path, planned: Plan
) -> None:
    """One row per worked shift and per day of leave, with a filter on
    the header so a person can pick their own name."""
    p, r = planned.problem, planned.roster
    ws = openpyxl.load_workbook(book)["My shifts"]
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0]) == MY_SHIFTS_COLUMNS
    leave = sum(
        1
        for op, o in enumerate(p.operators)
        for d in o.time_off
        if not r.works(op, d)
    )
    assert len(rows) - 1 == len(r.assignments) + leave
    assert ws.auto_filter.ref.startswith("A1:")
    names = [row[0] for row in rows[1:]]
    assert names == sorted(names)
    assert sum(1 for row in rows[1:] if row[4] == "TO") == leave
    asg = openpyxl.load_workbook(book)["Assignments"]
    assert asg.auto_filter.ref == f"A1:G{len(r.assignments) + 1}"
    assert [c.value for c in asg[1]] == ASSIGNMENT_COLUMNS


def test_roster_colours_shift_codes_typed_by_hand(
    book: Path, planned: Plan
) -> None:
    """The grid's colours are conditional formats keyed on the code, so a
    code typed by hand takes its colour (and a wrong one turns red)."""
    ws = openpyxl.load_workbook(book)["Roster"]
    formulas = [
        f
        for rng in ws.conditional_formatting
        for rule in rng.rules
        for f in rule.formula
    ]
    for s in planned.problem.shifts:
        assert f'"{s.id}"' in formulas
    assert '"TO"' in formulas
    assert any("ISNA(MATCH" in f for f in formulas)


def test_tables_unchanged_for_existing_callers(
    book: Path, planned: Plan
) -> None:
    """Assignments and Coverage hold exactly the shared row builders'
    rows; the CSV path is beside the workbook."""
    wb = openpyxl.load_workbook(book)
    rows = [
        list(r)
        for r in wb["Assignments"].iter_rows(min_row=2, values_only=True)
    ]
    assert rows == assignment_rows(planned)
    cov = [
        list(r) for r in wb["Coverage"].iter_rows(min_row=2, values_only=True)
    ]
    assert cov == coverage_rows(planned)
    xlsx, csv_path = roster_paths(planned, book.parent)
    assert xlsx == book and csv_path.exists()


def test_sample_size_writes_in_seconds(tmp_path: Path) -> None:
    """The 60-operator, 28-day sample (with a greedy roster: no solve)
    is written in a few seconds."""
    center = generate_center(operators=60, days=28, seed=7)
    req = requirement(center)
    p = to_problem(center, req)
    roster = construct(p)
    result = Result(
        SolveStatus.FEASIBLE,
        roster,
        roster.objective(),
        None,
        0.0,
        0.0,
        None,
        None,
        {},
        SolveParams(),
    )
    big = Plan(center, req, p, result, [], "", kpis(roster, []))
    started = time.monotonic()
    write_roster_workbook(big, tmp_path / "big.xlsx")
    elapsed = time.monotonic() - started
    assert elapsed < 30, elapsed  # about 3 s on an idle 2-core machine
    wb = openpyxl.load_workbook(tmp_path / "big.xlsx", read_only=True)
    assert len([n for n in wb.sheetnames if n.startswith("Week")]) == 4
