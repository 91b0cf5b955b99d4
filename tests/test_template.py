"""``scheduler template``: the input workbook a manager fills in."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

import cli
from scheduler.read_center import read_center
from scheduler.tables import SHEETS
from scheduler.template import README_SHEET, example_center

runner = CliRunner()


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("t") / "centre.xlsx"
    res = runner.invoke(cli.app, ["template", str(path)])
    assert res.exit_code == 0, res.output
    assert f"template: {path}" in res.output
    return path


def _validations(ws) -> dict[str, list]:
    """Validation rules by the column letter they start in."""
    out: dict[str, list] = {}
    for dv in ws.data_validations.dataValidation:
        for rng in str(dv.sqref).split():
            first = rng.split(":")[0].rstrip("0123456789")
            out.setdefault(first, []).append(dv)
    return out


def test_every_sheet_and_column_in_schema_order(template: Path) -> None:
    wb = openpyxl.load_workbook(template)
    assert wb.sheetnames == [README_SHEET, *(s.name for s in SHEETS)]
    for sheet in SHEETS:
        ws = wb[sheet.name]
        header = [c.value for c in ws[1]]
        assert header == [c.name for c in sheet.columns], sheet.name
        if sheet.is_key_value:
            keys = [r[0] for r in ws.iter_rows(min_row=2, values_only=True)]
            assert keys == [k.name for k in sheet.keys]
            explained = [c[0] for c in ws.iter_rows(min_row=2)]
        else:
            explained = list(ws[1])
        for cell in explained:
            assert cell.comment is not None and cell.comment.text


def test_one_example_row_per_sheet(template: Path) -> None:
    """One example row per row sheet; the forecast holds one row per
    interval of its two example days."""
    wb = openpyxl.load_workbook(template)
    counts = {
        s.name: wb[s.name].max_row - 1 for s in SHEETS if not s.is_key_value
    }
    assert counts == {
        "forecast": 48,
        "shifts": 1,
        "operators": 1,
        "time_off": 1,
        "preferences": 1,
    }


def test_readme_explains_every_column(template: Path) -> None:
    ws = openpyxl.load_workbook(template)[README_SHEET]
    rows = list(ws.iter_rows(values_only=True))
    documented = {(r[0], r[1]) for r in rows if r and len(r) > 6 and r[1]}
    for sheet in SHEETS:
        for col in sheet.keys or sheet.columns:
            assert (sheet.name, col.name) in documented
    text = {r[6] for r in rows if r and len(r) > 6}
    assert SHEETS[0].keys[1].description in text
    assert any(r and r[4] == "want, avoid" for r in rows)


def test_data_validation(template: Path) -> None:
    """Dates, times, numbers, yes/no and want/avoid lists, weekdays, and
    shift and operator ids from their sheets."""
    wb = openpyxl.load_workbook(template)
    forecast = _validations(wb["forecast"])
    assert forecast["A"][0].type == "date"
    assert forecast["B"][0].type == "time"
    assert forecast["C"][0].type == "decimal"
    shifts = _validations(wb["shifts"])
    assert shifts["F"][0].formula1 == '"yes,no"'
    assert shifts["A"][0].type == "custom"
    ops = _validations(wb["operators"])
    assert ops["F"][0].formula1 == "=shifts!$A$2:$A$500"
    assert ops["E"][0].type == "whole"
    prefs = _validations(wb["preferences"])
    assert prefs["A"][0].formula1 == "=operators!$A$2:$A$5000"
    assert prefs["B"][0].type == "date"
    assert prefs["C"][0].formula1 == '"Mon,Tue,Wed,Thu,Fri,Sat,Sun"'
    assert prefs["D"][0].formula1 == "=shifts!$A$2:$A$500"
    assert prefs["E"][0].formula1 == '"want,avoid"'
    assert _validations(wb["time_off"])["B"][0].type == "date"
    settings = _validations(wb["settings"])["B"]
    assert {dv.type for dv in settings} >= {"date", "list", "whole"}


def test_template_reads_back_as_the_example(template: Path) -> None:
    """No warning (the README sheet is documentation, silently skipped);
    the centre read is exactly the example."""
    warnings: list[str] = []
    center = read_center(template, warnings)
    assert warnings == []
    assert center.model_copy(update={"source": ""}) == example_center()


def test_template_validates_and_plans(template: Path, tmp_path: Path) -> None:
    """The manager's loop starts here: the template as filled in by its
    example rows validates and plans (exit 0, roster written)."""
    res = runner.invoke(cli.app, ["validate", str(template)])
    assert res.exit_code == 0, res.output
    out = tmp_path / "out"
    res = runner.invoke(
        cli.app,
        [
            "plan",
            str(template),
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
    xlsx = next(out.glob("roster_example_*.xlsx"))
    res = runner.invoke(cli.app, ["check", str(xlsx)])
    assert res.exit_code == 0, res.output


def test_existing_file_needs_force(template: Path, tmp_path: Path) -> None:
    path = tmp_path / "mine.xlsx"
    path.write_bytes(b"my filled-in centre")
    res = runner.invoke(cli.app, ["template", str(path)])
    assert res.exit_code == 2
    assert "--force" in res.output
    assert path.read_bytes() == b"my filled-in centre"
    res = runner.invoke(cli.app, ["template", str(path), "--force"])
    assert res.exit_code == 0
    assert read_center(path).settings.center == "example"


@pytest.mark.parametrize("name", ["centre.csv", "blocker/centre.xlsx"])
def test_bad_target_exit_2(tmp_path: Path, name: str) -> None:
    """Not an .xlsx name, or a folder that cannot be created (a file is
    in the way): exit 2, nothing written."""
    (tmp_path / "blocker").write_text("a file, not a folder")
    res = runner.invoke(cli.app, ["template", str(tmp_path / name)])
    assert res.exit_code == 2
    assert res.output.startswith("error:")
    assert "Traceback" not in res.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["blocker"]
