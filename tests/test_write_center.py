"""Tests for ``write_center``: exact round trips through ``read_center`` in
both forms, the written layout (HH:MM, ISO dates, blanks) and atomic
replacement of existing files."""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduler.center.generate import generate_center
from scheduler.center.model import (
    Center,
    CenterOperator,
    CenterPreference,
    CenterRules,
    CenterShift,
    ForecastInterval,
    Settings,
    TimeOff,
)
from scheduler.read_center import read_center
from scheduler.tables import SHEETS
from scheduler.write_center import write_center

START = date(2027, 1, 4)


def edge_centre(
    calls: tuple[float, ...] = (0.1 + 0.2, 7.0, 0.0),
    name: str = 'Zoë O\'Neil, "Jr"',
) -> Center:
    """A one-day, 8-hour-interval centre using every optional feature and
    awkward values: floats that are not short decimals, a missing max,
    explicit night flags, a weekly heavy cap, commas and quotes in text,
    a formula-like name and both kinds of preference."""
    return Center(
        settings=Settings(
            center="edge",
            start_date=START,
            days=1,
            interval_minutes=480,
            service_level=0.9,
            answer_seconds=15.5,
            workers=4,
            seed=3,
        ),
        rules=CenterRules(
            heavy_calls_per_week=40,
            min_hours_is_hard=True,
            min_rest_hours=10.75,
        ),
        forecast=tuple(
            ForecastInterval(
                date=START,
                time=480 * i,
                calls=c,
                aht_seconds=287.25,
                heavy_calls=min(c, 1),
                required_agents=(3 if i == 1 else None),
            )
            for i, c in enumerate(calls)
        ),
        shifts=(
            CenterShift(
                shift_id="E",
                start=360,
                hours=8.5,
                break_minutes=30,
                label="Early, first",
            ),
            CenterShift(
                shift_id="N", start=1320, hours=9, break_minutes=60, night=True
            ),
            CenterShift(shift_id="X", start=59, hours=24, night=False),
        ),
        operators=(
            CenterOperator(operator_id="007", name=name, min_hours_week=12.5),
            CenterOperator(
                operator_id="B",
                name="=1+1",
                min_hours_week=30,
                max_hours_week=40,
                heavy_calls_cap=0,
                shifts=("E", "X"),
            ),
        ),
        time_off=(
            TimeOff(
                operator_id="B",
                date_from=date(2026, 12, 30),
                date_to=START,
                reason='leave; "paid"',
            ),
        ),
        preferences=(
            CenterPreference(
                operator_id="007",
                weekday=6,
                shift_id="N",
                want=False,
                weight=0,
            ),
            CenterPreference(operator_id="B", date=START, weight=5),
        ),
    )


@pytest.mark.parametrize("suffix", ["", ".xlsx"])
def test_round_trip_edge_centre(tmp_path: Path, suffix: str) -> None:
    """Reading what was written gives back exactly the same centre."""
    center = edge_centre()
    path = write_center(center, tmp_path / f"edge{suffix}")
    assert path == tmp_path / f"edge{suffix}"
    back = read_center(path)
    assert back.source == str(path)
    assert back.model_copy(update={"source": ""}) == center


@pytest.mark.parametrize("suffix", ["", ".xlsx"])
def test_round_trip_generated(tmp_path: Path, suffix: str) -> None:
    """A generated centre survives the round trip in both forms."""
    center = generate_center(operators=15, days=7, seed=3)
    back = read_center(write_center(center, tmp_path / f"gen{suffix}"))
    assert back.model_copy(update={"source": ""}) == center


def test_csv_layout(tmp_path: Path) -> None:
    """Every sheet gets a file with the schema's header; times are HH:MM,
    dates ISO, an unset night or max is blank, preferences say OFF /
    want / avoid and a weekday name."""
    folder = write_center(edge_centre(), tmp_path / "c")
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        s.filename for s in SHEETS
    )

    def rows(name: str) -> list[dict[str, str]]:
        with open(folder / f"{name}.csv", encoding="utf-8") as fh:
            return list(csv.DictReader(fh))

    for sheet in SHEETS:
        with open(folder / sheet.filename, encoding="utf-8") as fh:
            assert next(csv.reader(fh)) == [c.name for c in sheet.columns]
    forecast = rows("forecast")
    assert [r["time"] for r in forecast] == ["00:00", "08:00", "16:00"]
    assert forecast[0]["date"] == "2027-01-04"
    assert forecast[0]["calls"] == "0.30000000000000004"
    assert forecast[1]["calls"] == "7"
    assert [r["required_agents"] for r in forecast] == ["", "3", ""]
    shifts = rows("shifts")
    assert [r["night"] for r in shifts] == ["", "yes", "no"]
    assert shifts[2]["start"] == "00:59"
    ops = rows("operators")
    assert ops[0]["max_hours_week"] == "" and ops[0]["shifts"] == ""
    assert ops[1]["shifts"] == "E, X"
    prefs = rows("preferences")
    assert [
        (p["date"], p["weekday"], p["shift_id"], p["wish"]) for p in prefs
    ] == [("", "Sun", "N", "avoid"), ("2027-01-04", "", "OFF", "want")]
    settings_rows = {r["key"]: r["value"] for r in rows("settings")}
    assert settings_rows["start_date"] == "2027-01-04"
    assert settings_rows["workers"] == "4"
    assert rows("time_off")[0]["date_from"] == "2026-12-30"


def test_workbook_layout(tmp_path: Path) -> None:
    """In a workbook dates are real date cells shown as YYYY-MM-DD, times
    are HH:MM text, numbers are numbers and a formula-like name is text."""
    path = write_center(edge_centre(), tmp_path / "edge.xlsx")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == [s.name for s in SHEETS]
    fc = book["forecast"]
    assert isinstance(fc["A2"].value, datetime)
    assert fc["A2"].number_format == "yyyy-mm-dd"
    assert fc["B3"].value == "08:00"
    assert fc["C3"].value == 7
    assert book["operators"]["B3"].value == "=1+1"
    assert book["operators"]["B3"].data_type == "s"
    assert book["shifts"]["F2"].value is None


def test_atomic_replacement(tmp_path: Path) -> None:
    """Writing over an existing folder or workbook replaces every file
    and leaves no temporary files behind."""
    first = generate_center(operators=12, days=7, seed=1)
    second = edge_centre()
    folder = tmp_path / "c"
    write_center(first, folder)
    write_center(second, folder)
    assert read_center(folder).model_copy(update={"source": ""}) == second
    book = tmp_path / "c.xlsx"
    write_center(first, book)
    write_center(second, book)
    assert read_center(book).model_copy(update={"source": ""}) == second
    leftovers = [p.name for p in tmp_path.rglob("*") if p.suffix == ".tmp"]
    assert leftovers == []


def test_failed_write_keeps_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If saving the workbook fails, the previous workbook is untouched."""
    book = tmp_path / "c.xlsx"
    write_center(edge_centre(), book)
    before = book.read_bytes()

    def boom(self, filename) -> None:
        Path(filename).write_bytes(b"partial")
        raise OSError("disk full")

    monkeypatch.setattr(openpyxl.Workbook, "save", boom)
    with pytest.raises(OSError, match="disk full"):
        write_center(generate_center(operators=12, days=7), book)
    assert book.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["c.xlsx"]


_text = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs", "Cc", "Zs", "Zl", "Zp")
    ),
    max_size=10,
)


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    calls=st.tuples(
        *[st.floats(min_value=0, max_value=1e6, allow_subnormal=False)] * 3
    ),
    name=_text,
    suffix=st.sampled_from(["", ".xlsx"]),
)
def test_round_trip_property(
    tmp_path: Path, calls, name: str, suffix: str
) -> None:
    """Any non-negative call volumes and any operator name (without
    surrounding blanks) survive the round trip exactly."""
    center = edge_centre(calls=calls, name=name)
    path = write_center(center, tmp_path / f"prop{suffix}")
    assert read_center(path).model_copy(update={"source": ""}) == center
