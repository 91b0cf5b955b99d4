"""Tests for ``read_center``: the bundled sample, workbook and CSV forms,
located problems for broken inputs, and robustness against any bytes or
cell values.

Most cases start from a small valid centre (2 days of 60-minute intervals,
three shifts, three operators) written as a CSV folder or a workbook, and
change one thing.
"""

from __future__ import annotations

import copy
import csv
import tempfile
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduler.center.generate import generate_center
from scheduler.center.model import (
    CenterOperator,
    CenterPreference,
    CenterRules,
    Settings,
)
from scheduler.errors import InputError, InputProblem
from scheduler.read_center import read_center
from scheduler.tables import RULES, SETTINGS, SHEETS
from scheduler.write_center import write_center

SAMPLE = Path(__file__).resolve().parents[1] / "inputs" / "sample"
START = date(2027, 1, 4)  # a Monday

Tables = dict[str, list[list[str]]]


def small_tables() -> Tables:
    """A small valid centre as text cells, header first; forecast data row
    ``r`` is day ``(r - 2) // 24`` at hour ``(r - 2) % 24``."""
    forecast = [["date", "time", "calls", "aht_seconds", "heavy_calls"]]
    for day in range(2):
        for hour in range(24):
            calls = 2 + 10 * (8 <= hour < 20)
            forecast.append(
                [
                    str(START + timedelta(days=day)),
                    f"{hour:02d}:00",
                    str(calls),
                    "300",
                    "1",
                ]
            )
    return {
        "settings": [
            ["key", "value"],
            ["center", "small"],
            ["start_date", "2027-01-04"],
            ["days", "2"],
            ["interval_minutes", "60"],
            ["service_level", "0.8"],
        ],
        "rules": [["key", "value"], ["heavy_calls_per_shift", "6"]],
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


def write_tables(tables: Tables, where: Path, form: str) -> Path:
    """Write ``tables`` as a CSV folder or a workbook of text cells."""
    if form == "csv":
        where.mkdir(parents=True, exist_ok=True)
        for name, rows in tables.items():
            with open(
                where / f"{name}.csv", "w", newline="", encoding="utf-8"
            ) as fh:
                csv.writer(fh).writerows(rows)
        return where
    path = where.with_suffix(".xlsx")
    book = openpyxl.Workbook(write_only=True)
    for name, rows in tables.items():
        ws = book.create_sheet(name)
        for row in rows:
            ws.append([v if v != "" else None for v in row])
    book.save(path)
    return path


def problems_of(path: Path) -> list[InputProblem]:
    with pytest.raises(InputError) as info:
        read_center(path)
    return info.value.problems


def has_problem(
    problems: list[InputProblem],
    sheet: str | None,
    row: int | None,
    column: str | None,
    fragment: str,
) -> bool:
    return any(
        p.sheet == sheet
        and p.row == row
        and p.column == column
        and fragment in p.message
        for p in problems
    )


# ---------------------------------------------------------------------------
# Valid inputs
# ---------------------------------------------------------------------------


def test_schema_keys_match_the_models() -> None:
    """The settings and rules keys are exactly the model fields, with the
    models' defaults, so the sheets cannot drift from the models."""
    assert {k.name for k in SETTINGS.keys} == set(Settings.model_fields)
    assert {k.name for k in RULES.keys} == set(CenterRules.model_fields)
    assert RULES.key("heavy_calls_per_shift").default == 8
    assert SETTINGS.key("start_date").required
    assert [s.name for s in SHEETS if s.required] == [
        "settings",
        "forecast",
        "shifts",
        "operators",
    ]


def test_sample_reads_and_matches_the_generator() -> None:
    """The bundled sample reads without warnings and is exactly what the
    documented generator command produces (so it is up to date)."""
    warnings: list[str] = []
    center = read_center(SAMPLE, warnings)
    assert warnings == []
    assert len(center.operators) == 60
    assert len(center.forecast) == 28 * 48
    assert center.settings.start_date == START
    assert center.source == str(SAMPLE)
    expected = generate_center(operators=60, days=28, seed=7)
    assert center.model_copy(update={"source": ""}) == expected


def test_sample_as_workbook_equals_csv(tmp_path: Path) -> None:
    """The sample written as .xlsx reads back to the same centre as the
    CSV folder (source aside)."""
    from_csv = read_center(SAMPLE)
    book = write_center(from_csv, tmp_path / "sample.xlsx")
    from_xlsx = read_center(book)
    assert from_xlsx.source == str(book)
    assert from_xlsx.model_copy(update={"source": ""}) == (
        from_csv.model_copy(update={"source": ""})
    )


@pytest.mark.parametrize("form", ["csv", "xlsx"])
def test_small_centre_reads(tmp_path: Path, form: str) -> None:
    """The small centre reads with the expected values in both forms."""
    center = read_center(write_tables(small_tables(), tmp_path / "c", form))
    assert center.settings.interval_minutes == 60
    assert center.settings.time_limit_seconds == 60  # default
    assert center.rules.heavy_calls_per_shift == 6
    assert center.rules.min_rest_hours == 11  # default
    assert len(center.forecast) == 48
    assert center.forecast[10].time == 600
    assert [s.is_night for s in center.shifts] == [False, False, True]
    assert center.shifts[0].night is None
    assert center.shifts[1].night is False
    assert center.operators[1] == CenterOperator(
        operator_id="A2",
        name="Bob Roy",
        min_hours_week=30,
        max_hours_week=40,
        heavy_calls_cap=0,
        shifts=("E", "L"),
    )
    assert center.operators[0].heavy_calls_cap is None
    assert center.operators[0].shifts is None
    assert center.operators[2].shifts == ("E", "L")
    assert center.preferences == (
        CenterPreference(
            operator_id="A2", weekday=0, shift_id=None, want=True, weight=3
        ),
        CenterPreference(
            operator_id="A3",
            date=date(2027, 1, 5),
            shift_id="E",
            want=False,
            weight=1,
        ),
    )


def typed_workbook(path: Path) -> Path:
    """The small centre built with openpyxl using real Excel types: date
    cells, time cells, fractions of a day, datetimes, numbers and
    booleans, plus column names in odd case and padding."""
    tables = small_tables()
    book = openpyxl.Workbook()
    book.remove(book.active)

    def sheet(name: str, rows: list[list[object]]) -> None:
        ws = book.create_sheet(name)
        for row in rows:
            ws.append(row)

    sheet(
        "Settings",
        [
            [" Key ", "VALUE"],
            ["center", "small"],
            ["Start Date", datetime(2027, 1, 4)],
            ["days", 2],
            ["interval_minutes", 60.0],
            ["service_level", "80%"],
            ["max_occupancy", "85 %"],
        ],
    )
    sheet("rules", [["key", "value"], ["heavy_calls_per_shift", 6]])
    forecast: list[list[object]] = [tables["forecast"][0]]
    for i, row in enumerate(tables["forecast"][1:]):
        day = date.fromisoformat(row[0])
        hour = int(row[1][:2])
        if i % 3 == 0:
            when: object = time(hour, 0)
        elif i % 3 == 1:
            when = hour / 24  # a fraction of a day
        else:
            when = datetime(1899, 12, 30, hour, 0)
        cell_day: object = (
            day if i % 2 else datetime(day.year, day.month, day.day)
        )
        forecast.append([cell_day, when, float(row[2]), int(row[3]), 1])
    sheet("FORECAST", forecast)
    sheet(
        "shifts",
        [
            ["Shift_ID", "start", "hours", "break_minutes", "label", "night"],
            ["E", time(6, 0), 8, 30, "Early", None],
            ["L", 14 / 24, 8.0, 30, "Late", False],
            ["N", "22:00:00", 9, 60, "Night", True],
        ],
    )
    sheet(
        "operators",
        [
            tables["operators"][0],
            ["A1", "Ann Lee", 30, 40, None, None],
            ["A2", "Bob Roy", 30.0, 40, 0, "E, L"],
            ["A3", "  Cid Fox ", 16, 24, None, "E;L"],
            [None, None, None, None, None, None],  # blank rows are ignored
        ],
    )
    sheet(
        "time_off",
        [
            tables["time_off"][0],
            ["A1", datetime(2027, 1, 5), date(2027, 1, 5), "dentist"],
        ],
    )
    sheet(
        "preferences",
        [
            tables["preferences"][0],
            ["A2", None, "monday", "off", "Want", 3],
            ["A3", datetime(2027, 1, 5), None, "E", "AVOID", 1.0],
        ],
    )
    book.save(path)
    return path


def test_typed_workbook_equals_csv(tmp_path: Path) -> None:
    """Dates, times and numbers typed as real Excel values (and fractions
    of a day, 80 %, odd header case) give the same centre as plain CSV."""
    warnings: list[str] = []
    typed = read_center(typed_workbook(tmp_path / "typed.xlsx"), warnings)
    plain = read_center(write_tables(small_tables(), tmp_path / "c", "csv"))
    assert warnings == []
    assert typed.model_copy(update={"source": ""}) == (
        plain.model_copy(update={"source": ""})
    )


def test_lenient_csv_cells(tmp_path: Path) -> None:
    """Whitespace, column case, trailing blank rows, a BOM, HH:MM:SS and
    0-6 weekdays are all accepted in a CSV folder."""
    tables = small_tables()
    tables["forecast"][0] = [f"  {h.upper()} " for h in tables["forecast"][0]]
    tables["forecast"][2][1] = " 01:00:00 "
    tables["forecast"].extend([["", "", "", "", ""], [" ", "", "", ""]])
    tables["preferences"][1][2] = "0"
    folder = write_tables(tables, tmp_path / "c", "csv")
    settings_csv = folder / "settings.csv"
    settings_csv.write_bytes(b"\xef\xbb\xbf" + settings_csv.read_bytes())
    center = read_center(folder)
    assert len(center.forecast) == 48
    assert center.forecast[1].time == 60
    assert center.preferences[0].weekday == 0
    assert center.settings.center == "small"


def test_semicolon_csv(tmp_path: Path) -> None:
    """A CSV saved by a European Excel (';' separated) is read too."""
    folder = write_tables(small_tables(), tmp_path / "c", "csv")
    with open(folder / "shifts.csv", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    with open(folder / "shifts.csv", "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, delimiter=";").writerows(rows)
    assert [s.shift_id for s in read_center(folder).shifts] == ["E", "L", "N"]


def test_warnings_do_not_fail(tmp_path: Path) -> None:
    """Unknown columns, keys and sheets and time off outside the horizon
    are warnings, not errors, and each names where it is."""
    tables = small_tables()
    tables["settings"].append(["colour", "blue"])
    tables["operators"][0].append("team")
    for row in tables["operators"][1:]:
        row.append("red")
    tables["time_off"].append(["A2", "2026-12-01", "2026-12-03", "old"])
    tables["notes"] = [["anything"], ["here"]]
    warnings: list[str] = []
    center = read_center(
        write_tables(tables, tmp_path / "c", "xlsx"), warnings
    )
    assert len(center.time_off) == 2
    text = "\n".join(warnings)
    assert "sheet settings, row 7, column key: unknown key 'colour'" in text
    assert "sheet operators, row 1, column team: unknown column" in text
    assert "sheet time_off, row 3, column date_from" in text
    assert "outside the horizon" in text
    assert "sheet notes: sheet not used" in text


def test_optional_sheets_may_be_missing(tmp_path: Path) -> None:
    """rules, time_off and preferences are optional: defaults apply."""
    tables = small_tables()
    for name in ("rules", "time_off", "preferences"):
        del tables[name]
    center = read_center(write_tables(tables, tmp_path / "c", "csv"))
    assert center.rules == CenterRules()
    assert center.time_off == ()
    assert center.preferences == ()


# ---------------------------------------------------------------------------
# Broken inputs: one change each, located problem expected
# ---------------------------------------------------------------------------


def _set(
    sheet: str, row: int, column: str, value: str
) -> Callable[[Tables], None]:
    """Change one cell (``row`` in spreadsheet numbering)."""

    def change(tables: Tables) -> None:
        header = tables[sheet][0]
        tables[sheet][row - 1][header.index(column)] = value

    return change


def _set_key(sheet: str, key: str, value: str) -> Callable[[Tables], None]:
    def change(tables: Tables) -> None:
        for row in tables[sheet][1:]:
            if row[0] == key:
                row[1] = value
                return
        tables[sheet].append([key, value])

    return change


def _drop_row(sheet: str, row: int) -> Callable[[Tables], None]:
    def change(tables: Tables) -> None:
        del tables[sheet][row - 1]

    return change


def _add_row(sheet: str, values: list[str]) -> Callable[[Tables], None]:
    def change(tables: Tables) -> None:
        tables[sheet].append(values)

    return change


def _drop_column(sheet: str, column: str) -> Callable[[Tables], None]:
    def change(tables: Tables) -> None:
        i = tables[sheet][0].index(column)
        for row in tables[sheet]:
            del row[i]

    return change


def _drop_sheet(sheet: str) -> Callable[[Tables], None]:
    def change(tables: Tables) -> None:
        del tables[sheet]

    return change


# (id, change, sheet, row, column, message fragment)
BROKEN = [
    (
        "calls not a number",
        _set("forecast", 17, "calls", "abc"),
        "forecast",
        17,
        "calls",
        "'abc' is not a number",
    ),
    (
        "negative calls",
        _set("forecast", 3, "calls", "-5"),
        "forecast",
        3,
        "calls",
        "must be at least 0",
    ),
    (
        "aht zero",
        _set("forecast", 4, "aht_seconds", "0"),
        "forecast",
        4,
        "aht_seconds",
        "must be greater than 0",
    ),
    (
        "heavy above calls",
        _set("forecast", 5, "heavy_calls", "50"),
        "forecast",
        5,
        "heavy_calls",
        "more than calls",
    ),
    (
        "date outside horizon",
        _set("forecast", 26, "date", "2027-01-09"),
        "forecast",
        26,
        "date",
        "outside the horizon",
    ),
    (
        "bad date",
        _set("forecast", 6, "date", "2027-13-01"),
        "forecast",
        6,
        "date",
        "is not a date",
    ),
    (
        "time not aligned",
        _set("forecast", 12, "time", "10:15"),
        "forecast",
        12,
        "time",
        "not aligned to the 60-minute",
    ),
    (
        "bad time",
        _set("forecast", 7, "time", "25:00"),
        "forecast",
        7,
        "time",
        "is not a time",
    ),
    (
        "duplicate interval",
        _set("forecast", 5, "time", "02:00"),
        "forecast",
        5,
        "time",
        "(same as row 4)",
    ),
    (
        "missing interval",
        _drop_row("forecast", 5),
        "forecast",
        None,
        None,
        "missing intervals on 2027-01-04: 03:00",
    ),
    (
        "half-hour row in an hourly forecast",
        _add_row("forecast", ["2027-01-05", "23:30", "1", "300", "0"]),
        "forecast",
        50,
        "time",
        "not aligned",
    ),
    (
        "missing column",
        _drop_column("forecast", "aht_seconds"),
        "forecast",
        1,
        "aht_seconds",
        "required column is missing",
    ),
    (
        "missing sheet",
        _drop_sheet("operators"),
        "operators",
        None,
        None,
        "required",
    ),
    (
        "interval 7",
        _set_key("settings", "interval_minutes", "7"),
        "settings",
        5,
        "value",
        "does not divide a day",
    ),
    (
        "days zero",
        _set_key("settings", "days", "0"),
        "settings",
        4,
        "value",
        "days: must be greater than 0",
    ),
    (
        "service level 1",
        _set_key("settings", "service_level", "1.5"),
        "settings",
        6,
        "value",
        "must be less than 1",
    ),
    (
        "no start date",
        _drop_row("settings", 3),
        "settings",
        None,
        None,
        "required key 'start_date' is missing",
    ),
    (
        "duplicate key",
        _add_row("settings", ["days", "3"]),
        "settings",
        7,
        "key",
        "also in row 4",
    ),
    (
        "bad rules value",
        _set_key("rules", "min_rest_hours", "eleven"),
        "rules",
        3,
        "value",
        "min_rest_hours: 'eleven' is not a number",
    ),
    (
        "shift longer than 24 h",
        _set("shifts", 2, "hours", "30"),
        "shifts",
        2,
        "hours",
        "must be at most 24",
    ),
    (
        "break as long as shift",
        _set("shifts", 3, "break_minutes", "480"),
        "shifts",
        3,
        "break_minutes",
        "not shorter than the 8 h shift",
    ),
    (
        "duplicate shift",
        _set("shifts", 3, "shift_id", "E"),
        "shifts",
        3,
        "shift_id",
        "duplicate shift_id 'E' (also in row 2)",
    ),
    (
        "shift named OFF",
        _set("shifts", 4, "shift_id", "off"),
        "shifts",
        4,
        "shift_id",
        "reserved",
    ),
    (
        "bad night flag",
        _set("shifts", 4, "night", "maybe"),
        "shifts",
        4,
        "night",
        "is not yes/no",
    ),
    (
        "duplicate operator",
        _set("operators", 3, "operator_id", "A1"),
        "operators",
        3,
        "operator_id",
        "(also in row 2)",
    ),
    (
        "min above max",
        _set("operators", 2, "min_hours_week", "45"),
        "operators",
        2,
        "min_hours_week",
        "more than max_hours_week 40",
    ),
    (
        "unknown allowed shift",
        _set("operators", 3, "shifts", "E, X9"),
        "operators",
        3,
        "shifts",
        "unknown shift id(s) 'X9'",
    ),
    (
        "negative cap",
        _set("operators", 4, "heavy_calls_cap", "-1"),
        "operators",
        4,
        "heavy_calls_cap",
        "must be at least 0",
    ),
    (
        "blank operator id",
        _set("operators", 4, "operator_id", " "),
        "operators",
        4,
        "operator_id",
        "a value is required",
    ),
    (
        "time off unknown operator",
        _set("time_off", 2, "operator_id", "Z"),
        "time_off",
        2,
        "operator_id",
        "unknown operator_id 'Z'",
    ),
    (
        "time off reversed",
        _set("time_off", 2, "date_to", "2027-01-04"),
        "time_off",
        2,
        "date_to",
        "is before date_from",
    ),
    (
        "time off overlap",
        _add_row("time_off", ["A1", "2027-01-04", "2027-01-06", "trip"]),
        "time_off",
        3,
        "date_from",
        "overlaps row 2",
    ),
    (
        "preference date and weekday",
        _set("preferences", 2, "date", "2027-01-04"),
        "preferences",
        2,
        "weekday",
        "only one of date and weekday",
    ),
    (
        "preference neither",
        _set("preferences", 2, "weekday", ""),
        "preferences",
        2,
        "date",
        "either date or weekday",
    ),
    (
        "preference bad wish",
        _set("preferences", 2, "wish", "maybe"),
        "preferences",
        2,
        "wish",
        "(allowed: want, avoid)",
    ),
    (
        "preference unknown shift",
        _set("preferences", 3, "shift_id", "Q"),
        "preferences",
        3,
        "shift_id",
        "unknown shift_id 'Q'",
    ),
    (
        "preference outside horizon",
        _set("preferences", 3, "date", "2027-02-01"),
        "preferences",
        3,
        "date",
        "outside the horizon",
    ),
    (
        "preference bad weekday",
        _set("preferences", 2, "weekday", "Funday"),
        "preferences",
        2,
        "weekday",
        "'Funday' is not a weekday",
    ),
    (
        "preference unknown operator",
        _set("preferences", 2, "operator_id", "A9"),
        "preferences",
        2,
        "operator_id",
        "unknown operator_id 'A9'",
    ),
]


# The workbook form is slower to build, so it runs a sample of the cases
# (every sheet and every cell kind); the CSV form runs them all.
IN_WORKBOOK = {
    "calls not a number",
    "bad date",
    "bad time",
    "duplicate interval",
    "missing interval",
    "missing column",
    "missing sheet",
    "interval 7",
    "no start date",
    "bad rules value",
    "break as long as shift",
    "bad night flag",
    "unknown allowed shift",
    "time off overlap",
    "preference bad wish",
    "preference bad weekday",
}
CASES = [pytest.param(*b[1:], "csv", id=f"{b[0]}-csv") for b in BROKEN] + [
    pytest.param(*b[1:], "xlsx", id=f"{b[0]}-xlsx")
    for b in BROKEN
    if b[0] in IN_WORKBOOK
]


@pytest.mark.parametrize(
    ("change", "sheet", "row", "column", "fragment", "form"), CASES
)
def test_broken_input_is_located(
    tmp_path: Path, change, sheet, row, column, fragment, form: str
) -> None:
    """One change to the valid centre gives an InputError whose problems
    include the expected sheet, row, column and message."""
    tables = copy.deepcopy(small_tables())
    change(tables)
    path = write_tables(tables, tmp_path / "c", form)
    problems = problems_of(path)
    assert has_problem(problems, sheet, row, column, fragment), problems
    expected_file = str(path / f"{sheet}.csv") if form == "csv" else str(path)
    assert all(
        p.file in (expected_file, str(path))
        for p in problems
        if p.sheet == sheet
    )
    assert any(p.file == expected_file for p in problems if p.sheet == sheet)


def test_problem_text_names_file_sheet_row_column(tmp_path: Path) -> None:
    """The message a manager reads has the documented shape."""
    tables = small_tables()
    _set("forecast", 17, "calls", "abc")(tables)
    folder = write_tables(tables, tmp_path / "c", "csv")
    (problem,) = problems_of(folder)
    assert str(problem) == (
        f"{folder / 'forecast.csv'}, sheet forecast, "
        "row 17, column calls: 'abc' is not a number"
    )


def test_every_problem_is_collected(tmp_path: Path) -> None:
    """Problems in several sheets are all reported in one InputError."""
    tables = small_tables()
    _set("forecast", 17, "calls", "abc")(tables)
    _set("shifts", 2, "hours", "30")(tables)
    _set("operators", 3, "shifts", "E, X9")(tables)
    _set("preferences", 2, "wish", "maybe")(tables)
    _set_key("settings", "days", "zero")(tables)
    problems = problems_of(write_tables(tables, tmp_path / "c", "xlsx"))
    assert {(p.sheet, p.row, p.column) for p in problems} >= {
        ("forecast", 17, "calls"),
        ("shifts", 2, "hours"),
        ("operators", 3, "shifts"),
        ("preferences", 2, "wish"),
        ("settings", 4, "value"),
    }


def test_optional_heavy_calls_column(tmp_path: Path) -> None:
    """Without a heavy_calls column every interval has 0 heavy calls."""
    tables = small_tables()
    _drop_column("forecast", "heavy_calls")(tables)
    center = read_center(write_tables(tables, tmp_path / "c", "csv"))
    assert {f.heavy_calls for f in center.forecast} == {0}


def test_missing_days_are_one_range(tmp_path: Path) -> None:
    """Whole days without rows are reported as one date range."""
    tables = small_tables()
    _set_key("settings", "days", "4")(tables)
    problems = problems_of(write_tables(tables, tmp_path / "c", "csv"))
    assert [p.message for p in problems] == [
        "no intervals for 2027-01-06 to 2027-01-07 (every day of the "
        "horizon needs 24 rows, 00:00 to 23:00)"
    ]


# ---------------------------------------------------------------------------
# Bad files
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("empty.xlsx", b"", "the file is empty"),
        ("text.xlsx", b"date,time\n2027-01-04,00:00\n", "not a zip archive"),
        (
            "locked.xlsx",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504,
            "password-protected",
        ),
        (
            "broken.xlsx",
            b"PK\x03\x04" + b"\x00" * 200,
            "cannot be read as an Excel .xlsx workbook",
        ),
        ("old.xls", b"\xd0\xcf\x11\xe0", ".xls workbooks are not supported"),
        ("one.csv", b"key,value\n", "a single CSV file"),
        ("notes.txt", b"hello", "expected an .xlsx workbook or a folder"),
    ],
)
def test_bad_file_is_one_clear_problem(
    tmp_path: Path, name: str, content: bytes, fragment: str
) -> None:
    """Empty, encrypted, corrupt or wrong-type files give one problem
    naming the file, never a traceback."""
    path = tmp_path / name
    path.write_bytes(content)
    (problem,) = problems_of(path)
    assert problem.file == str(path)
    assert fragment in problem.message


def test_missing_path(tmp_path: Path) -> None:
    """A path that does not exist is an InputError, not FileNotFoundError."""
    (problem,) = problems_of(tmp_path / "nowhere.xlsx")
    assert "no such file or folder" in problem.message


def test_truncated_workbook(tmp_path: Path) -> None:
    """A workbook cut in half (an interrupted copy) is one clear problem."""
    good = write_tables(small_tables(), tmp_path / "c", "xlsx")
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    (problem,) = problems_of(cut)
    assert "cannot be read as an Excel .xlsx workbook" in problem.message


def test_empty_folder_lists_the_required_files(tmp_path: Path) -> None:
    """An empty folder names each required CSV file that is missing."""
    folder = tmp_path / "empty"
    folder.mkdir()
    problems = problems_of(folder)
    assert sorted(Path(p.file).name for p in problems) == [
        "forecast.csv",
        "operators.csv",
        "settings.csv",
        "shifts.csv",
    ]
    assert all("required file is missing" in p.message for p in problems)


def test_empty_required_csv(tmp_path: Path) -> None:
    """An empty (0-byte) required CSV file is reported at its sheet."""
    folder = write_tables(small_tables(), tmp_path / "c", "csv")
    (folder / "shifts.csv").write_bytes(b"")
    problems = problems_of(folder)
    assert has_problem(problems, "shifts", 1, None, "the sheet is empty")


# ---------------------------------------------------------------------------
# Robustness: any bytes, any cell value
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    data=st.binary(max_size=600),
    prefix=st.sampled_from([b"", b"PK\x03\x04", b"\xef\xbb\xbf"]),
)
def test_random_bytes_never_crash(
    scratch: Path, data: bytes, prefix: bytes
) -> None:
    """Random bytes as a workbook or as a CSV sheet give an InputError,
    never another exception."""
    with tempfile.TemporaryDirectory(dir=scratch) as tmp:
        book = Path(tmp) / "random.xlsx"
        book.write_bytes(prefix + data)
        with pytest.raises(InputError):
            read_center(book)
        folder = write_tables(small_tables(), Path(tmp) / "c", "csv")
        (folder / "forecast.csv").write_bytes(prefix + data)
        with pytest.raises(InputError):
            read_center(folder)


_cell_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=12
    ),
    st.sampled_from(
        [
            "",
            " ",
            "OFF",
            "yes",
            "Mon",
            "25:00",
            "24:00",
            "00:30",
            "2027-01-04",
            "9999-12-31",
            "1e400",
            "nan",
            "-0",
            "E L",
            "A1",
            "#DIV/0!",
            "80%",
            "=",
        ]
    ),
    st.dates(min_value=date(1900, 1, 1)),
    st.datetimes(min_value=datetime(1900, 1, 1)),
    st.times(),
)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    edits=st.lists(
        st.tuples(
            st.sampled_from([s.name for s in SHEETS]),
            st.integers(min_value=1, max_value=8),
            st.integers(min_value=1, max_value=7),
            _cell_values,
        ),
        min_size=1,
        max_size=4,
    ),
)
def test_random_cells_never_crash(scratch: Path, edits) -> None:
    """Random values in random cells of a valid workbook either still
    read or give an InputError; nothing else escapes."""
    tables: dict[str, list[list[object]]] = small_tables()
    for sheet, row, column, value in edits:
        rows = tables[sheet]
        while len(rows) < row:
            rows.append([])
        cells = rows[row - 1]
        while len(cells) < column:
            cells.append(None)
        cells[column - 1] = value
    with tempfile.TemporaryDirectory(dir=scratch) as tmp:
        path = write_tables(tables, Path(tmp) / "edited", "xlsx")
        try:
            center = read_center(path, [])
        except InputError as exc:
            assert exc.problems
            assert all(isinstance(p, InputProblem) for p in exc.problems)
        else:
            assert center.settings.days >= 1
