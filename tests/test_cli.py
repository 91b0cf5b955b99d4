"""The ``scheduler`` command end to end: outputs, exit codes, messages.

Most tests run the typer app in-process (fast); one runs the installed
entry point as a real subprocess, as cron would.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

import cli
from scheduler.center.generate import generate_center
from scheduler.write_center import write_center

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


@pytest.fixture(scope="module")
def small_center(tmp_path_factory) -> Path:
    """A realistic but small centre: 10 operators, one week."""
    folder = tmp_path_factory.mktemp("centre") / "small.xlsx"
    center = generate_center(operators=10, days=7, seed=3)
    write_center(center, folder)
    return folder


def _norm(cell: object) -> object:
    """Compare CSV text and Excel cells by value (8 == '8.0')."""
    try:
        return float(cell)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(cell)


def _plan(args: list[str]):
    return runner.invoke(cli.app, ["plan", *args])


def test_plan_writes_workbook_and_csv(small_center, tmp_path):
    """Exit 0; the workbook has the four sheets, the CSV equals the
    Assignments sheet, and the checker found no violation."""
    out = tmp_path / "out"
    res = _plan([str(small_center), "--out", str(out), "--time-limit", "5",
                 "--quiet"])
    assert res.exit_code == 0, res.output
    xlsx = next(out.glob("roster_*.xlsx"))
    wb = openpyxl.load_workbook(xlsx)
    assert wb.sheetnames[:4] == ["Roster", "Assignments", "Coverage",
                                  "Summary"]
    sheet_rows = [list(r) for r in wb["Assignments"].iter_rows(
        values_only=True)]
    csv_rows = list(csv.reader(next(out.glob("*_assignments.csv")).open()))
    assert [str(c) for c in sheet_rows[0]] == csv_rows[0]
    assert len(sheet_rows) == len(csv_rows) > 1
    assert [_norm(c) for c in sheet_rows[1]] == [_norm(c)
                                                  for c in csv_rows[1]]
    summary = dict(wb["Summary"].iter_rows(values_only=True))
    assert summary["rule violations (checker)"] == 0
    assert "RESULT ok" in res.output.splitlines()[-1]


def test_same_seed_same_roster(small_center, tmp_path):
    """One worker, deterministic time, same seed: identical Assignments."""
    outputs = []
    for run in ("a", "b"):
        out = tmp_path / run
        res = _plan([str(small_center), "--out", str(out), "--time-limit",
                     "3", "--workers", "1", "--seed", "5",
                     "--deterministic", "--quiet"])
        assert res.exit_code == 0, res.output
        outputs.append(next(out.glob("*_assignments.csv")).read_bytes())
    assert outputs[0] == outputs[1]


def test_bad_input_exit_2_names_location_and_writes_nothing(tmp_path):
    """A negative call count: exit 2, file/sheet/row/column named, no
    traceback, nothing in the output folder."""
    center = generate_center(operators=6, days=7, seed=1)
    folder = tmp_path / "bad"
    write_center(center, folder)
    lines = (folder / "forecast.csv").read_text().splitlines()
    head = lines[0].split(",")
    row = lines[5].split(",")
    row[head.index("calls")] = "-4"
    lines[5] = ",".join(row)
    (folder / "forecast.csv").write_text("\n".join(lines) + "\n")
    out = tmp_path / "out"
    res = _plan([str(folder), "--out", str(out)])
    assert res.exit_code == 2
    assert "forecast" in res.output and "row 6" in res.output
    assert "column calls" in res.output
    assert "Traceback" not in res.output
    assert not out.exists() or not any(out.iterdir())


def test_missing_input_exit_2(tmp_path):
    """A path that does not exist is bad input, not a crash."""
    res = runner.invoke(cli.app, ["validate", str(tmp_path / "nope.xlsx")])
    assert res.exit_code == 2
    assert "nope.xlsx" in res.output


def test_unwritable_output_exit_2(small_center, tmp_path):
    """--out under a regular file cannot be created: exit 2, message."""
    blocker = tmp_path / "file"
    blocker.write_text("x")
    res = _plan([str(small_center), "--out", str(blocker / "sub"),
                 "--time-limit", "3", "--quiet"])
    assert res.exit_code == 2
    assert "cannot write" in res.output


def test_infeasible_rules_exit_3_with_explanation(tmp_path):
    """Hard weekly minimum that nights-only work cannot meet: exit 3, the
    explanation names the operator and the clashing rules."""
    center = generate_center(operators=6, days=7, seed=2)
    ops = list(center.operators)
    ops[0] = ops[0].model_copy(update={
        "shifts": ("N",), "min_hours_week": 45, "max_hours_week": 48})
    center = center.model_copy(update={
        "operators": tuple(ops),
        "rules": center.rules.model_copy(update={"min_hours_is_hard": True}),
    })
    path = tmp_path / "infeasible.xlsx"
    write_center(center, path)
    out = tmp_path / "out"
    res = _plan([str(path), "--out", str(out), "--time-limit", "5",
                 "--quiet"])
    assert res.exit_code == 3, res.output
    assert ops[0].operator_id in res.output
    assert "Minimum working hours per week" in res.output
    assert not out.exists() or not any(out.iterdir())


def test_checker_rejection_exit_4_ships_nothing(small_center, tmp_path,
                                                monkeypatch):
    """Fault injection: if the solver ever returned a roster that breaks a
    rule, the checker stops it: exit 4 and no file written."""
    import scheduler.plan as plan_module
    from scheduler.core.solution import Assignment

    real_solve = plan_module.solve

    def broken_solve(problem, params, progress=None, **kwargs):
        result = real_solve(problem, params, progress, **kwargs)
        extra = Assignment(0, 0, 0)
        result.roster.assignments.append(extra)
        result.roster.assignments.append(Assignment(0, 0, 1))
        result.roster.__dict__.pop("by_cell", None)
        return result

    monkeypatch.setattr(plan_module, "solve", broken_solve)
    out = tmp_path / "out"
    res = _plan([str(small_center), "--out", str(out), "--time-limit", "3",
                 "--quiet"])
    assert res.exit_code == 4, res.output
    assert "At most one shift per operator per day" in res.output
    assert not out.exists() or not any(out.iterdir())


def test_no_roster_in_time_exit_1(tmp_path, monkeypatch):
    """A time limit too short to find any roster: exit 1 with advice.

    The greedy construction is switched off: on this centre it is legal
    within milliseconds, and then there is always a roster to write."""
    import scheduler.plan as plan_module

    real_solve = plan_module.solve

    def no_construction(problem, params, progress=None, **kwargs):
        params = dataclasses.replace(params, construct_hint=False)
        return real_solve(problem, params, progress, **kwargs)

    monkeypatch.setattr(plan_module, "solve", no_construction)
    center = generate_center(operators=60, days=28, seed=4)
    path = tmp_path / "big"
    write_center(center, path)
    res = _plan([str(path), "--out", str(tmp_path / "out"), "--time-limit",
                 "0.001", "--quiet", "--workers", "1"])
    assert res.exit_code == 1, res.output
    assert "--time-limit" in res.output


def test_erlang_json_matches_published_figures():
    """100 calls / 30 min, AHT 180 s, 80/20, 30 % shrinkage: 14 -> 20."""
    res = runner.invoke(cli.app, [
        "erlang", "--calls", "100", "--aht", "180", "--interval", "30",
        "--service-level", "0.8", "--answer-seconds", "20",
        "--shrinkage", "0.3", "--json"])
    assert res.exit_code == 0
    data = json.loads(res.output)
    assert data["agents"] == 14 and data["scheduled_agents"] == 20
    assert data["service_level"] == pytest.approx(0.8884, abs=1e-4)
    assert data["wait_probability"] == pytest.approx(0.1741, abs=1e-4)


def test_erlang_bad_value_exit_2():
    """AHT of zero is a usage error, not a traceback."""
    res = runner.invoke(cli.app, ["erlang", "--calls", "10", "--aht", "0"])
    assert res.exit_code == 2
    assert "Traceback" not in res.output


def test_staffing_exports_csv(small_center, tmp_path):
    """The requirement per interval, as CSV with one row per interval."""
    out = tmp_path / "req.csv"
    res = runner.invoke(cli.app, ["staffing", str(small_center), "--out",
                                  str(out)])
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(out.open()))
    assert len(rows) == 7 * 48
    assert all(int(r["scheduled_agents"]) >= int(r["agents"]) for r in rows)


def test_python_m_scheduler_subprocess():
    """``python -m scheduler`` works as a real process (as cron runs it)."""
    proc = subprocess.run(
        [sys.executable, "-m", "scheduler", "erlang", "--calls", "100",
         "--aht", "180", "--json"], capture_output=True, text=True,
        cwd=ROOT, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["agents"] == 14
