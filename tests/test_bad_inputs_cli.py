"""Broken centres through the command line: ``plan`` and ``validate``.

Each case starts from a tiny valid centre (2 days of hourly intervals,
three shifts, three operators), breaks one thing and runs both commands
through typer's CliRunner. Every case must exit 2, print one ``error:``
line per problem naming the file (and sheet, row and column where the
problem has them), never a traceback, and leave no output behind.
Cases alternate between the workbook and the CSV-folder form.
"""

from __future__ import annotations

import copy
import csv
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

import cli

runner = CliRunner()
START = date(2027, 1, 4)
Tables = dict[str, list[list[str]]]


def tables() -> Tables:
    """The valid centre; forecast row r is day (r - 2) // 24, hour
    (r - 2) % 24."""
    forecast = [["date", "time", "calls", "aht_seconds", "heavy_calls"]]
    for day in range(2):
        for hour in range(24):
            forecast.append(
                [
                    str(START + timedelta(days=day)),
                    f"{hour:02d}:00",
                    str(2 + 10 * (8 <= hour < 20)),
                    "300",
                    "1",
                ]
            )
    return {
        "settings": [
            ["key", "value"],
            ["center", "tiny"],
            ["start_date", "2027-01-04"],
            ["days", "2"],
            ["interval_minutes", "60"],
            ["service_level", "0.8"],
        ],
        "rules": [["key", "value"], ["min_rest_hours", "11"]],
        "forecast": forecast,
        "shifts": [
            ["shift_id", "start", "hours", "break_minutes", "label", "night"],
            ["E", "06:00", "8", "30", "Early", ""],
            ["L", "14:00", "8", "30", "Late", "no"],
            ["N", "22:00", "9", "60", "Night", "yes"],
        ],
        "operators": [
            [
                "operator_id",
                "name",
                "min_hours_week",
                "max_hours_week",
                "heavy_calls_cap",
                "shifts",
            ],
            ["A1", "Ann Lee", "30", "40", "", ""],
            ["A2", "Bob Roy", "30", "40", "0", "E L"],
            ["A3", "Cid Fox", "16", "24", "", "E,L"],
        ],
        "time_off": [
            ["operator_id", "date_from", "date_to", "reason"],
            ["A1", "2027-01-05", "2027-01-05", "dentist"],
        ],
        "preferences": [
            ["operator_id", "date", "weekday", "shift_id", "wish", "weight"],
            ["A2", "", "Mon", "OFF", "want", "3"],
            ["A3", "2027-01-05", "", "E", "avoid", "1"],
        ],
    }


def write(t: Tables, where: Path, form: str) -> Path:
    if form == "csv":
        where.mkdir(parents=True)
        for name, rows in t.items():
            with open(where / f"{name}.csv", "w", newline="") as fh:
                csv.writer(fh).writerows(rows)
        return where
    path = where.with_suffix(".xlsx")
    book = openpyxl.Workbook(write_only=True)
    for name, rows in t.items():
        ws = book.create_sheet(name)
        for row in rows:
            ws.append([v if v != "" else None for v in row])
    book.save(path)
    return path


Change = Callable[[Tables], None]


def cell(sheet: str, row: int, column: str, value: str) -> Change:
    def change(t: Tables) -> None:
        t[sheet][row - 1][t[sheet][0].index(column)] = value

    return change


def key(sheet: str, name: str, value: str) -> Change:
    def change(t: Tables) -> None:
        for row in t[sheet][1:]:
            if row[0] == name:
                row[1] = value

    return change


def drop_row(sheet: str, row: int) -> Change:
    return lambda t: t[sheet].pop(row - 1)


def add_row(sheet: str, values: list[str]) -> Change:
    return lambda t: t[sheet].append(values)


def drop_column(sheet: str, column: str) -> Change:
    def change(t: Tables) -> None:
        i = t[sheet][0].index(column)
        for row in t[sheet]:
            del row[i]

    return change


def drop_sheet(sheet: str) -> Change:
    return lambda t: t.pop(sheet)


def empty_sheet(sheet: str) -> Change:
    def change(t: Tables) -> None:
        t[sheet] = []

    return change


# (id, change, sheet, row, column, fragment of the message)
BROKEN = [
    ("calls not a number", cell("forecast", 17, "calls", "abc"),
     "forecast", 17, "calls", "'abc' is not a number"),
    ("negative calls", cell("forecast", 3, "calls", "-5"),
     "forecast", 3, "calls", "must be at least 0"),
    ("aht zero", cell("forecast", 4, "aht_seconds", "0"),
     "forecast", 4, "aht_seconds", "must be greater than 0"),
    ("heavy above calls", cell("forecast", 5, "heavy_calls", "50"),
     "forecast", 5, "heavy_calls", "more than calls"),
    ("date outside horizon", cell("forecast", 26, "date", "2027-01-09"),
     "forecast", 26, "date", "outside the horizon"),
    ("bad date", cell("forecast", 6, "date", "2027-13-01"),
     "forecast", 6, "date", "is not a date"),
    ("bad time", cell("forecast", 7, "time", "25:00"),
     "forecast", 7, "time", "is not a time"),
    ("time not aligned", cell("forecast", 12, "time", "10:15"),
     "forecast", 12, "time", "not aligned to the 60-minute"),
    ("duplicate interval", cell("forecast", 5, "time", "02:00"),
     "forecast", 5, "time", "(same as row 4)"),
    ("forecast gap", drop_row("forecast", 5),
     "forecast", None, None, "missing intervals on 2027-01-04: 03:00"),
    ("missing column", drop_column("forecast", "aht_seconds"),
     "forecast", 1, "aht_seconds", "required column is missing"),
    ("missing sheet", drop_sheet("operators"),
     "operators", None, None, "required"),
    ("empty sheet", empty_sheet("shifts"),
     "shifts", 1, None, "the sheet is empty"),
    ("interval 7", key("settings", "interval_minutes", "7"),
     "settings", 5, "value", "does not divide a day"),
    ("days zero", key("settings", "days", "0"),
     "settings", 4, "value", "days: must be greater than 0"),
    ("service level 1.5", key("settings", "service_level", "1.5"),
     "settings", 6, "value", "must be less than 1"),
    ("no start date", drop_row("settings", 3),
     "settings", None, None, "required key 'start_date' is missing"),
    ("duplicate key", add_row("settings", ["days", "3"]),
     "settings", 7, "key", "also in row 4"),
    ("bad rules value", key("rules", "min_rest_hours", "eleven"),
     "rules", 2, "value", "'eleven' is not a number"),
    ("shift longer than 24 h", cell("shifts", 2, "hours", "30"),
     "shifts", 2, "hours", "must be at most 24"),
    ("break as long as shift", cell("shifts", 3, "break_minutes", "480"),
     "shifts", 3, "break_minutes", "not shorter than the 8 h shift"),
    ("duplicate shift", cell("shifts", 3, "shift_id", "E"),
     "shifts", 3, "shift_id", "duplicate shift_id 'E' (also in row 2)"),
    ("shift named OFF", cell("shifts", 4, "shift_id", "off"),
     "shifts", 4, "shift_id", "reserved"),
    ("bad night flag", cell("shifts", 4, "night", "maybe"),
     "shifts", 4, "night", "is not yes/no"),
    ("duplicate operator", cell("operators", 3, "operator_id", "A1"),
     "operators", 3, "operator_id", "(also in row 2)"),
    ("min above max", cell("operators", 2, "min_hours_week", "45"),
     "operators", 2, "min_hours_week", "more than max_hours_week 40"),
    ("unknown allowed shift", cell("operators", 3, "shifts", "E, X9"),
     "operators", 3, "shifts", "unknown shift id(s) 'X9'"),
    ("negative cap", cell("operators", 4, "heavy_calls_cap", "-1"),
     "operators", 4, "heavy_calls_cap", "must be at least 0"),
    ("blank operator id", cell("operators", 4, "operator_id", " "),
     "operators", 4, "operator_id", "a value is required"),
    ("time off unknown operator", cell("time_off", 2, "operator_id", "Z"),
     "time_off", 2, "operator_id", "unknown operator_id 'Z'"),
    ("time off reversed", cell("time_off", 2, "date_to", "2027-01-04"),
     "time_off", 2, "date_to", "is before date_from"),
    ("overlapping time off",
     add_row("time_off", ["A1", "2027-01-04", "2027-01-06", "trip"]),
     "time_off", 3, "date_from", "overlaps row 2"),
    ("preference unknown operator",
     cell("preferences", 2, "operator_id", "A9"),
     "preferences", 2, "operator_id", "unknown operator_id 'A9'"),
    ("preference unknown shift", cell("preferences", 3, "shift_id", "Q"),
     "preferences", 3, "shift_id", "unknown shift_id 'Q'"),
    ("preference outside horizon",
     cell("preferences", 3, "date", "2027-02-01"),
     "preferences", 3, "date", "outside the horizon"),
    ("preference bad wish", cell("preferences", 2, "wish", "maybe"),
     "preferences", 2, "wish", "(allowed: want, avoid)"),
    ("preference date and weekday",
     cell("preferences", 2, "date", "2027-01-04"),
     "preferences", 2, "weekday", "only one of date and weekday"),
    ("preference bad weekday", cell("preferences", 2, "weekday", "Funday"),
     "preferences", 2, "weekday", "'Funday' is not a weekday"),
]  # fmt: skip
CASES = [
    pytest.param(*case[1:], "xlsx" if i % 2 else "csv", id=case[0])
    for i, case in enumerate(BROKEN)
]


def where(path: Path, sheet: str, row, column) -> str:
    """The location prefix of an error line, as the CLI prints it: the
    sheet's own file in a CSV folder, else the workbook."""
    file = path / f"{sheet}.csv" if path.is_dir() else path
    parts = [str(file), f"sheet {sheet}"]
    if row is not None:
        parts.append(f"row {row}")
    if column is not None:
        parts.append(f"column {column}")
    return "error: " + ", ".join(parts) + ": "


def assert_clean_failure(res, path: Path) -> list[str]:
    """Exit 2, no traceback, every line an error or warning naming the
    input; returns the error lines."""
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output
    assert res.exception is None or isinstance(res.exception, SystemExit)
    lines = [line for line in res.output.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("error: ")]
    assert errors, res.output
    for line in lines:
        assert line.startswith(("error: ", "warning: ")), line
        assert str(path) in line, line
    return errors


def test_at_least_30_cases() -> None:
    assert len(BROKEN) >= 30
    assert len({case[0] for case in BROKEN}) == len(BROKEN)


@pytest.mark.parametrize(
    ("change", "sheet", "row", "column", "fragment", "form"), CASES
)
def test_broken_centre_plan_and_validate_exit_2(
    tmp_path: Path, change, sheet, row, column, fragment, form
) -> None:
    t = copy.deepcopy(tables())
    change(t)
    path = write(t, tmp_path / "centre", form)
    out = tmp_path / "out"
    for args in (
        ["validate", str(path)],
        ["plan", str(path), "--out", str(out), "--quiet"],
    ):
        res = runner.invoke(cli.app, args)
        errors = assert_clean_failure(res, path)
        prefix = where(path, sheet, row, column)
        assert any(
            line.startswith(prefix) and fragment in line for line in errors
        ), (prefix, fragment, errors)
    assert not out.exists()


def test_valid_centre_is_valid(tmp_path: Path) -> None:
    """The starting point of every case passes, in both forms."""
    for form in ("csv", "xlsx"):
        path = write(tables(), tmp_path / form, form)
        res = runner.invoke(cli.app, ["validate", str(path)])
        assert res.exit_code == 0, res.output


def _good_workbook(tmp_path: Path) -> bytes:
    return write(tables(), tmp_path / "good", "xlsx").read_bytes()


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("text.xlsx", lambda _: b"date,time\n2027-01-04,00:00\n",
         "not a zip archive"),
        ("empty.xlsx", lambda _: b"", "the file is empty"),
        ("locked.xlsx",
         lambda _: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1024,
         "password-protected"),
        ("broken.xlsx", lambda _: b"PK\x03\x04" + b"\0" * 300,
         "cannot be read as an Excel .xlsx workbook"),
        ("cut.xlsx", lambda t: _good_workbook(t)[:2000],
         "cannot be read as an Excel .xlsx workbook"),
        ("old.xls", lambda _: b"\xd0\xcf\x11\xe0", ".xls workbooks are not"),
        ("forecast.csv", lambda _: b"date,time\n", "a single CSV file"),
        ("notes.txt", lambda _: b"hello", "expected an .xlsx workbook"),
        ("nowhere.xlsx", None, "no such file or folder"),
    ],
)  # fmt: skip
def test_bad_file_exit_2_one_line(
    tmp_path: Path, name: str, content, fragment: str
) -> None:
    """Not a workbook, empty, encrypted, corrupt, truncated, the wrong
    kind of file, or missing: one line naming the file, exit 2."""
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content(tmp_path))
    out = tmp_path / "out"
    for args in (
        ["validate", str(path)],
        ["plan", str(path), "--out", str(out), "--quiet"],
    ):
        res = runner.invoke(cli.app, args)
        (line,) = assert_clean_failure(res, path)
        assert line.startswith(f"error: {path}: ") and fragment in line
    assert not out.exists()


@pytest.mark.parametrize("target", ["file/sub", "file"])
def test_unwritable_output_exit_2(tmp_path: Path, target: str) -> None:
    """--out below a regular file, or a regular file itself: exit 2
    before any solving, the file in the way untouched."""
    path = write(tables(), tmp_path / "centre", "xlsx")
    blocker = tmp_path / "file"
    blocker.write_text("keep me")
    res = runner.invoke(
        cli.app,
        ["plan", str(path), "--out", str(tmp_path / target), "--quiet"],
    )
    assert res.exit_code == 2, res.output
    assert "cannot write" in res.output and "Traceback" not in res.output
    assert blocker.read_text() == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "centre.xlsx",
        "file",
    ]
