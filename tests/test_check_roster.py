"""``scheduler check``: a roster edited by hand, checked and fixed.

One small centre (10 operators, one week) is planned once through the
CLI; each test copies the workbook, edits it the way a manager would
(grid cells, Assignments rows, a week sheet) and runs ``check`` on it.
"""

from __future__ import annotations

import csv
import shutil
from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

import cli
from scheduler.center.generate import generate_center
from scheduler.center.model import TimeOff
from scheduler.check_roster import INTERVAL_COLUMNS, allocate_heavy
from scheduler.check_roster import check_workbook as check_book
from scheduler.core import limits
from scheduler.core.checker import check
from scheduler.core.rules import Rule
from scheduler.read_center import read_center
from scheduler.write_center import write_center

runner = CliRunner()
START = date(2027, 1, 4)
FREE, ON_LEAVE, EARLY_ONLY = 0, 1, 2  # operator indices with a role


@pytest.fixture(scope="module")
def centre(tmp_path_factory) -> Path:
    """Operator 0 may work every shift, operator 1 is on leave on
    Wednesday, operator 2 works earlies and days only."""
    c = generate_center(operators=10, days=7, seed=3)
    ops = list(c.operators)
    ops[FREE] = ops[FREE].model_copy(update={"shifts": None})
    ops[EARLY_ONLY] = ops[EARLY_ONLY].model_copy(update={"shifts": ("E", "D")})
    leave = TimeOff(
        operator_id=ops[ON_LEAVE].operator_id,
        date_from=START + timedelta(days=2),
        date_to=START + timedelta(days=2),
        reason="leave",
    )
    c = c.model_copy(update={"operators": tuple(ops), "time_off": (leave,)})
    path = tmp_path_factory.mktemp("centre") / "centre.xlsx"
    write_center(c, path)
    return path


@pytest.fixture(scope="module")
def planned(centre: Path, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("out")
    res = runner.invoke(
        cli.app,
        [
            "plan",
            str(centre),
            "--out",
            str(out),
            "--time-limit",
            "5",
            "--workers",
            "2",
            "--quiet",
        ],
    )
    assert res.exit_code == 0, res.output
    return next(out.glob("roster_*.xlsx"))


@pytest.fixture
def copy(planned: Path, tmp_path: Path) -> Path:
    target = tmp_path / "edited.xlsx"
    shutil.copy(planned, target)
    return target


def ids(centre: Path) -> list[str]:
    return [o.operator_id for o in read_center(centre).operators]


def grid(ws) -> tuple[dict[str, int], dict[date, int]]:
    """Rows by operator id and columns by date of a grid sheet."""
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


def cells(path: Path) -> dict[tuple[str, date], str | None]:
    ws = openpyxl.load_workbook(path)["Roster"]
    rows, dates = grid(ws)
    return {
        (op, d): ws.cell(r, c).value
        for op, r in rows.items()
        for d, c in dates.items()
    }


def edit(path: Path, changes: dict[tuple[str, date], str | None]) -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb["Roster"]
    rows, dates = grid(ws)
    for (op, d), value in changes.items():
        ws.cell(rows[op], dates[d]).value = value
    wb.save(path)


def run(*args: str):
    res = runner.invoke(cli.app, ["check", *args])
    assert "Traceback" not in res.output
    return res


def day(n: int) -> date:
    return START + timedelta(days=n)


def rest_breaking_edit(path: Path, centre: Path) -> tuple[str, date, str]:
    """(operator, day, shift): one cell that, set by hand, leaves less
    than 11 h rest next to a shift the plan gave (a night before a day
    shift, or an early after a late); the operator may work every shift
    and is not on leave, so the edit alone can be kept by --fix."""
    c = read_center(centre)
    g = cells(path)
    for o in c.operators:
        op = o.operator_id
        if o.shifts is not None or op == c.time_off[0].operator_id:
            continue
        for n in range(6):
            first, second = g[op, day(n)], g[op, day(n + 1)]
            if first is None and second in ("E", "D", "M", "L", "EV", "P1"):
                return op, day(n), "N"
            if second is None and first in ("L", "EV", "N", "P2"):
                return op, day(n + 1), "E"
    pytest.skip("no cell breaks the rest rule")  # pragma: no cover


# ---------------------------------------------------------------------------


def test_unedited_roster_passes(planned: Path, centre: Path) -> None:
    """No edit: exit 0, no note, and the objective recomputed from the
    workbook equals the solver's (heavy calls re-routed exactly)."""
    res = run(str(planned))
    assert res.exit_code == 0, res.output
    assert "edited cells (compared with the roster as planned): 0" in (
        res.output
    )
    assert "note:" not in res.output
    assert res.output.splitlines()[-1].startswith("RESULT ok violations=0")
    report = check_book(planned, read_center(centre))
    summary = dict(
        openpyxl.load_workbook(planned)["Summary"].iter_rows(values_only=True)
    )
    before, after = report.totals()["objective"]
    assert before == after == round(summary["objective"])


def test_rest_violation_exit_4(copy: Path, centre: Path) -> None:
    op, when, code = rest_breaking_edit(copy, centre)
    edit(copy, {(op, when): code})
    res = run(str(copy))
    assert res.exit_code == 4, res.output
    assert f"{op} {when:%a} {when}: off -> {code}" in res.output
    assert any(
        line.startswith("rule violation: Minimum rest between shifts")
        and op in line
        for line in res.output.splitlines()
    ), res.output
    assert res.output.splitlines()[-1].startswith("RESULT violations")


def test_time_off_and_allowed_shifts(copy: Path, centre: Path) -> None:
    """A shift typed over TO and a night for an earlies-only operator."""
    names = ids(centre)
    edit(
        copy,
        {(names[ON_LEAVE], day(2)): "E", (names[EARLY_ONLY], day(5)): "N"},
    )
    res = run(str(copy))
    assert res.exit_code == 4, res.output
    assert (
        f"No shift overlapping time off: operator {names[ON_LEAVE]}"
        in res.output
    )
    assert (
        f"Only shifts the operator may work: operator {names[EARLY_ONLY]}"
        in res.output
    )


def test_heavy_calls_above_cap_in_assignments(copy: Path) -> None:
    """Heavy calls changed by hand in Assignments are kept, and judged."""
    wb = openpyxl.load_workbook(copy)
    ws = wb["Assignments"]
    ws.cell(2, 7).value = 99
    wb.save(copy)
    res = run(str(copy))
    assert res.exit_code == 4, res.output
    assert "heavy calls of" in res.output and "changed by hand" in res.output
    assert "Heavy-call cap per operator per shift" in res.output


def test_deleted_assignment_row_is_rederived(copy: Path) -> None:
    """A row deleted from Assignments: noted, heavy calls re-derived for
    that shift, no rule broken and nothing lost."""
    wb = openpyxl.load_workbook(copy)
    ws = wb["Assignments"]
    op, when = ws.cell(3, 1).value, ws.cell(3, 2).value
    ws.delete_rows(3)
    wb.save(copy)
    res = run(str(copy))
    assert res.exit_code == 0, res.output
    assert f"Assignments has no row for {op} on {when}" in res.output
    assert "heavy calls re-derived for 1 shift(s)" in res.output
    unplaced = next(
        line
        for line in res.output.splitlines()
        if "heavy calls unplaced" in line
    )
    before, after = unplaced.split(":")[1].split("->")
    assert before.strip() == after.strip()


def test_week_sheet_edit_is_reported_and_ignored(
    copy: Path, centre: Path
) -> None:
    wb = openpyxl.load_workbook(copy)
    ws = wb["Week 1 (4 Jan)"]
    rows, dates = grid(ws)
    op = ids(centre)[FREE]
    cell = ws.cell(rows[op], dates[day(3)])
    cell.value = "D" if cell.value != "D" else "E"
    wb.save(copy)
    res = run(str(copy))
    assert "week sheets are views" in res.output
    assert "edited cells (compared with the roster as planned): 0" in (
        res.output
    )


def test_unknown_code_is_located_exit_2(copy: Path, centre: Path) -> None:
    op = ids(centre)[FREE]
    edit(copy, {(op, day(1)): "Q9"})
    res = run(str(copy))
    assert res.exit_code == 2
    (line,) = [x for x in res.output.splitlines() if x.startswith("error:")]
    assert line.startswith(f"error: {copy}, sheet Roster, row ")
    assert "(2027-01-05): 'Q9' is not a shift id" in line


def test_unknown_operator_and_other_centre_exit_2(
    copy: Path, tmp_path: Path
) -> None:
    """The roster must belong to the input: an operator it does not know,
    or another centre's horizon, is bad input."""
    wb = openpyxl.load_workbook(copy)
    wb["Roster"].cell(2, 1).value = "ZZ999"
    wb.save(copy)
    res = run(str(copy))
    assert res.exit_code == 2
    assert "sheet Roster, row 2, column A: unknown operator 'ZZ999'" in (
        res.output
    )
    other = tmp_path / "other.xlsx"
    write_center(
        generate_center(operators=10, days=7, seed=3, start_date=day(7)),
        other,
    )
    res = run(str(copy), str(other))
    assert res.exit_code == 2
    assert "is outside the horizon" in res.output


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"", "the file is empty"),
        (b"operator_id,date\n", "not a zip archive"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504, "password"),
        (b"PK\x03\x04" + b"\0" * 100, "cannot be read as an Excel"),
    ],
)
def test_unreadable_roster_exit_2(
    tmp_path: Path, centre: Path, content: bytes, fragment: str
) -> None:
    path = tmp_path / "roster.xlsx"
    path.write_bytes(content)
    res = run(str(path), str(centre))
    assert res.exit_code == 2
    assert fragment in res.output and str(path) in res.output


def test_not_a_roster_and_missing_input_exit_2(
    centre: Path, copy: Path, tmp_path: Path
) -> None:
    """A centre workbook is no roster; a roster whose input file is gone
    needs the INPUT argument."""
    res = run(str(centre), str(centre))
    assert res.exit_code == 2
    assert "no 'Roster' sheet" in res.output
    wb = openpyxl.load_workbook(copy)
    for row in wb["Summary"].iter_rows():
        if row[0].value == "input file":
            row[1].value = str(tmp_path / "gone.xlsx")
    wb.save(copy)
    res = run(str(copy))
    assert res.exit_code == 2
    assert "give the input centre as the second argument" in res.output
    assert run(str(copy), str(centre)).exit_code == 0


def test_csv_has_every_interval_before_and_after(
    copy: Path, centre: Path, tmp_path: Path
) -> None:
    op, when, code = rest_breaking_edit(copy, centre)
    edit(copy, {(op, when): code})
    out = tmp_path / "intervals.csv"
    res = run(str(copy), "--csv", str(out))
    assert res.exit_code == 4
    rows = list(csv.reader(out.open()))
    assert rows[0] == INTERVAL_COLUMNS
    assert len(rows) == 1 + 7 * 48
    more = [
        r
        for r in rows[1:]
        if r[0] == when.isoformat() and int(r[4]) == int(r[3]) + 1
    ]
    assert more, "the shift added must show as one more agent on duty"


def test_fix_repairs_keeps_the_edit_and_lists_changes(
    copy: Path, centre: Path
) -> None:
    op, when, code = rest_breaking_edit(copy, centre)
    edit(copy, {(op, when): code})
    res = run(
        str(copy), "--fix", "--time-limit", "5", "--workers", "2", "--quiet"
    )
    assert res.exit_code == 0, res.output
    fixed = copy.with_name("edited_fixed.xlsx")
    assert fixed.exists()
    wb = openpyxl.load_workbook(fixed)
    assert wb.sheetnames[:5] == [
        "Roster",
        "Assignments",
        "Coverage",
        "Summary",
        "Changes",
    ]
    changes = list(wb["Changes"].iter_rows(min_row=2, values_only=True))
    assert changes and all(row[6] for row in changes)
    assert any("Minimum rest between shifts" in row[6] for row in changes)
    assert cells(fixed)[op, when] == code  # the manager's cell is kept
    assert "RESULT fixed" in res.output.splitlines()[-1]
    again = run(str(fixed))
    assert again.exit_code == 0, again.output


def test_fix_with_an_impossible_edit_exit_3(copy: Path, centre: Path) -> None:
    """A night for an earlies-only operator can be kept by no roster: the
    explanation names the pinned cell; nothing is written."""
    op = ids(centre)[EARLY_ONLY]
    edit(copy, {(op, day(4)): "N"})
    res = run(str(copy), "--fix", "--time-limit", "5", "--quiet")
    assert res.exit_code == 3, res.output
    assert "Pinned assignments kept" in res.output and op in res.output
    assert not copy.with_name("edited_fixed.xlsx").exists()


def test_allocate_heavy_respects_caps_and_given_loads(
    planned: Path, centre: Path
) -> None:
    """Free loads stay under the caps and place as many heavy calls as
    the plan did; a given load is kept as written even above its cap,
    for the checker to report."""
    report = check_book(planned, read_center(centre))
    p, roster = report.problem, report.roster
    cells_ = {(a.operator, a.day): a.shift for a in roster.assignments}
    free = allocate_heavy(p, cells_, {})
    assert sum(free.load_placed) >= sum(roster.load_placed)
    assert all(
        a.load <= limits.load_cap_per_shift(p, a.operator)
        for a in free.assignments
    )
    assert check(free) == []
    first = roster.assignments[0]
    over = limits.load_cap_per_shift(p, first.operator) + 3
    given = allocate_heavy(p, cells_, {(first.operator, first.day): over})
    assert given.by_cell[first.operator, first.day].load == over
    assert Rule.LOAD_CAP_PER_SHIFT in {v.rule for v in check(given)}
