"""The run history (``scheduler.history``) and the commands around it:
``plan --db``, ``publish``, ``history``, ``diff``, ``--log-json``, the lock.

The store is a real SQLite file; the commands run in-process through
typer's runner on a tiny centre (4 operators, one week, 2-s solves).
"""

from __future__ import annotations

import csv
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import cli
from scheduler.center.generate import generate_center
from scheduler.history import HistoryStore
from scheduler.lock import center_lock, lock_path
from scheduler.plan import input_hash
from scheduler.write_center import write_center

runner = CliRunner()


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("centre") / "tiny.xlsx"
    write_center(generate_center(operators=4, days=7, seed=5), path)
    return path


def _plan(center: Path, out: Path, db: Path, *extra: str):
    return runner.invoke(cli.app, [
        "plan", str(center), "--out", str(out), "--db", str(db),
        "--time-limit", "2", "--workers", "2", "--quiet", *extra])


def test_schema_wal_and_version(tmp_path):
    db = tmp_path / "h.db"
    with HistoryStore(db) as store:
        names = {r[0] for r in store.db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert {"runs", "assignments", "publications", "meta"} <= names
        mode = store.db.execute("PRAGMA journal_mode").fetchone()[0]
        assert mode == "wal"
        version = store.db.execute(
            "SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        assert version[0] == "1"
    with HistoryStore(db) as store:  # reopening migrates nothing
        assert store.integrity() == "ok"


def test_outcome_is_all_or_nothing(tmp_path):
    """A failure while writing the outcome leaves the run as it was:
    status running, no assignment rows (one transaction)."""
    with HistoryStore(tmp_path / "h.db") as store:
        run = store.begin_run(["scheduler", "plan"], "x.xlsx", "c")
        row = ("OP1", "2027-01-04", "E", "a", "b", 8.0, 0)
        with pytest.raises(sqlite3.IntegrityError):
            store.finish_run(run, "optimal", 0, assignments=[row, row])
        assert store.run(run)["status"] == "running"
        assert store.assignments(run) == []


def test_dead_running_runs_are_marked_killed(tmp_path):
    with HistoryStore(tmp_path / "h.db") as store:
        run = store.begin_run(["scheduler"], "x", "c")
        gone = subprocess.run([sys.executable, "-c", "import os; "
                               "print(os.getpid())"], capture_output=True,
                              text=True, check=True)
        store.db.execute("UPDATE runs SET pid = ? WHERE id = ?",
                         (int(gone.stdout), run))
        assert store.reap() == [run]
        assert store.run(run)["status"] == "killed"


def test_plan_records_publish_replan_diff(tiny, tmp_path):
    """plan --db stores the run and exactly the CSV's rows; after publish
    an identical re-plan keeps the roster (0 changes) and diff agrees; a
    failed run is recorded too and cannot be published."""
    db, out = tmp_path / "h.db", tmp_path / "out"
    first = _plan(tiny, out / "a", db)
    assert first.exit_code == 0, first.output
    assert " run=1 " in first.stdout.splitlines()[-1]
    with HistoryStore(db) as store:
        run = store.run(1)
        assert run["status"] in ("optimal", "feasible")
        assert run["exit_code"] == 0 and run["center"] == "gen4"
        assert run["input_hash"] == input_hash(tiny)
        assert json.loads(run["settings"])["solver"]["time_limit"] == 2
        stored = [[r["operator_id"], r["date"], r["shift_id"]]
                  for r in store.assignments(1)]
    rows = list(csv.reader(next((out / "a").glob("*.csv")).open()))
    assert sorted(stored) == sorted(r[:3] for r in rows[1:])

    res = runner.invoke(cli.app, ["publish", "1", "--db", str(db)])
    assert res.exit_code == 0 and "published run 1" in res.stdout
    second = _plan(tiny, out / "b", db)
    assert second.exit_code == 0, second.output
    last = second.stdout.splitlines()[-1]
    assert "status=unchanged" in last and "changes=0" in last
    res = runner.invoke(cli.app, ["diff", "1", "2", "--db", str(db)])
    assert res.exit_code == 0 and res.stdout.strip() == "no changes"

    bad = tmp_path / "bad.xlsx"
    bad.write_text("not a workbook")
    failed = _plan(bad, out / "c", db)
    assert failed.exit_code == 2
    with HistoryStore(db) as store:
        run = store.run(3)
        assert (run["status"], run["exit_code"]) == ("input error", 2)
        assert "bad.xlsx" in run["message"]
    res = runner.invoke(cli.app, ["publish", "3", "--db", str(db)])
    assert res.exit_code == 2 and "no roster to publish" in res.output

    listing = runner.invoke(cli.app, ["history", "--db", str(db)])
    assert listing.exit_code == 0
    lines = listing.stdout.splitlines()
    assert lines[1].split()[0] == "3" and "yes" in lines[3]
    as_json = runner.invoke(cli.app, ["history", "--db", str(db), "--json"])
    assert [json.loads(x)["id"] for x in as_json.stdout.splitlines()] == [
        3, 2, 1]


def test_log_json_lines(tiny, tmp_path):
    """--log-json: stdout is JSON lines only, start first, result last."""
    res = _plan(tiny, tmp_path / "out", tmp_path / "h.db", "--log-json")
    assert res.exit_code == 0, res.output
    events = [json.loads(line) for line in res.stdout.splitlines()]
    assert events[0]["event"] == "start" and events[0]["run_id"] == 1
    assert events[-1]["event"] == "result"
    assert events[-1]["exit_code"] == 0 and events[-1]["roster"]
    assert {e["event"] for e in events} <= {"start", "progress", "warning",
                                           "signal", "result"}
    assert all(e["center"] == "gen4" for e in events)


def test_second_run_on_a_locked_centre_exits_5(tiny, tmp_path):
    """While the centre's lock is held, plan exits 5 at once, says who
    holds it, writes nothing and records the refused run."""
    db, out = tmp_path / "h.db", tmp_path / "out"
    with center_lock(lock_path("gen4", db, out), "gen4"):
        res = _plan(tiny, out, db)
    assert res.exit_code == 5, res.output
    assert "another run on centre 'gen4' is in progress" in res.output
    assert not out.exists() or not any(out.iterdir())
    with HistoryStore(db) as store:
        assert (store.run(1)["status"], store.run(1)["exit_code"]) == (
            "locked", 5)
