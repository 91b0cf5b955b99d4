"""Unattended runs under faults, with real processes, signals and files.

Each test starts ``python -m scheduler plan … --log-json`` as cron would
and follows its JSON events: ``kill -9`` during the solve and during the
workbook write, two runs on one centre at once, SIGTERM and SIGINT during
the solve. Afterwards no partial roster exists under its real name, the
history store is intact and the next run succeeds.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

import cli
from scheduler.center.generate import generate_center
from scheduler.history import HistoryStore
from scheduler.write_center import write_center

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}

# Writes the workbook, cuts the temporary file in half, says so, hangs:
# the test kills the process at that moment, mid-write.
FAULTY_WRITE = """
import os, sys, time
from openpyxl.workbook.workbook import Workbook
_save = Workbook.save
def save(self, filename):
    _save(self, filename)
    name = os.fspath(filename)
    with open(name, "r+b") as fh:
        fh.truncate(os.path.getsize(name) // 2)
    with open(os.environ["FAULT_MARKER"], "w") as fh:
        fh.write(name)
    time.sleep(300)
Workbook.save = save
sys.argv = ["scheduler", *sys.argv[1:]]
import cli
cli.main()
"""


@pytest.fixture(scope="module")
def centres(tmp_path_factory) -> dict[str, Path]:
    """``tiny`` solves in a blink; ``slow`` keeps CP-SAT busy for far
    longer than the tests wait (10 operators, two weeks)."""
    folder = tmp_path_factory.mktemp("centres")
    tiny, slow = folder / "tiny.xlsx", folder / "slow.xlsx"
    write_center(generate_center(operators=4, days=7, seed=5), tiny)
    write_center(generate_center(operators=10, days=14, seed=3), slow)
    return {"tiny": tiny, "slow": slow}


class Run:
    """A ``scheduler plan`` subprocess whose JSON events are read as they
    come."""

    def __init__(self, args: list[str], script: str | None = None,
                 env: dict[str, str] | None = None) -> None:
        head = ([sys.executable, "-c", script] if script
                else [sys.executable, "-m", "scheduler"])
        self.proc = subprocess.Popen(
            [*head, "plan", *args, "--log-json", "--quiet"], cwd=ROOT,
            env=env or ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True)
        self.events: list[dict] = []
        self._lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self._lines.put(line)
        self._lines.put(None)

    def wait_for(self, kind: str, timeout: float = 60) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self._lines.get(timeout=0.1)
            except queue.Empty:
                continue
            if line is None:
                break
            self.events.append(json.loads(line))
            if self.events[-1]["event"] == kind:
                return self.events[-1]
        pytest.fail(f"no {kind!r} event; stderr: {self.stderr()}")

    def finish(self, timeout: float = 60) -> int:
        code = self.proc.wait(timeout=timeout)
        while (line := self._lines.get(timeout=5)) is not None:
            self.events.append(json.loads(line))
        return code

    def stderr(self) -> str:
        if self.proc.poll() is None:
            return "(still running)"
        assert self.proc.stderr is not None
        return self.proc.stderr.read()


def plan_args(centre: Path, tmp: Path, limit: float) -> list[str]:
    return [str(centre), "--out", str(tmp / "out"), "--db",
            str(tmp / "h.db"), "--time-limit", str(limit), "--workers", "2"]


def quick_plan(centre: Path, tmp: Path):
    """The next, undisturbed run (in-process: nothing to kill here)."""
    return CliRunner().invoke(cli.app, [
        "plan", *plan_args(centre, tmp, 2), "--quiet"])


def rosters(tmp: Path) -> list[Path]:
    return sorted((tmp / "out").glob("*")) if (tmp / "out").exists() else []


def test_kill_9_during_solve(centres, tmp_path):
    """Nothing is written; the run stays 'running' in an intact store
    until the next run (not blocked by a stale lock) marks it killed."""
    run = Run(plan_args(centres["slow"], tmp_path, 60))
    run.wait_for("progress")
    run.proc.kill()
    assert run.proc.wait(timeout=10) == -signal.SIGKILL
    assert rosters(tmp_path) == []
    with HistoryStore(tmp_path / "h.db") as store:
        assert store.integrity() == "ok"
        assert store.run(1)["status"] == "running"
    done = quick_plan(centres["slow"], tmp_path)
    assert done.exit_code == 0, done.output
    assert "marked as killed" in done.output
    with HistoryStore(tmp_path / "h.db") as store:
        assert store.run(1)["status"] == "killed"
        assert store.run(2)["exit_code"] == 0


def test_kill_9_during_workbook_write(centres, tmp_path):
    """Killed with the workbook half written: the roster under its real
    name is still the previous run's, byte for byte; the next run clears
    the leftover and succeeds."""
    first = quick_plan(centres["tiny"], tmp_path)
    assert first.exit_code == 0, first.output
    xlsx = next((tmp_path / "out").glob("*.xlsx"))
    before = xlsx.read_bytes()
    marker = tmp_path / "marker"
    run = Run(plan_args(centres["tiny"], tmp_path, 2), FAULTY_WRITE,
              {**ENV, "FAULT_MARKER": str(marker)})
    deadline = time.monotonic() + 90
    while not marker.exists() and time.monotonic() < deadline:
        assert run.proc.poll() is None, run.stderr()
        time.sleep(0.05)
    partial = Path(marker.read_text())
    assert partial.exists() and partial.name.startswith(".")
    run.proc.kill()
    run.proc.wait(timeout=10)
    assert xlsx.read_bytes() == before
    openpyxl.load_workbook(xlsx).close()
    with HistoryStore(tmp_path / "h.db") as store:
        assert store.integrity() == "ok"
        assert store.run(2)["status"] == "running"
        assert store.assignments(2) == []
    again = quick_plan(centres["tiny"], tmp_path)
    assert again.exit_code == 0, again.output
    assert not partial.exists()
    assert [p.name for p in rosters(tmp_path)
            if p.name.startswith(".") and p.suffix == ".tmp"] == []
    openpyxl.load_workbook(xlsx).close()
    with HistoryStore(tmp_path / "h.db") as store:
        assert store.run(2)["status"] == "killed"
        assert store.run(3)["exit_code"] == 0


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_second_run_exits_5_and_signal_keeps_best_roster(centres, tmp_path,
                                                         sig):
    """While one run solves, a second on the same centre exits 5 at once
    (checked once, with SIGTERM). SIGTERM or SIGINT then stops the first:
    it writes the best roster found, status 'interrupted', exit 0, long
    before its time limit."""
    started = time.monotonic()
    run = Run(plan_args(centres["slow"], tmp_path, 120))
    run.wait_for("progress")
    locked = sig == signal.SIGTERM
    if locked:
        second = subprocess.run(
            [sys.executable, "-m", "scheduler", "plan",
             *plan_args(centres["slow"], tmp_path, 5)],
            cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=60)
        assert second.returncode == 5
        assert ("another run on centre 'gen10' is in progress"
                in second.stderr)
    run.proc.send_signal(sig)
    assert run.finish() == 0, run.stderr()
    assert time.monotonic() - started < 100
    kinds = [e["event"] for e in run.events]
    assert "signal" in kinds and kinds[-1] == "result"
    result = run.events[-1]
    assert result["status"] == "interrupted" and result["exit_code"] == 0
    summary = dict(openpyxl.load_workbook(result["roster"])[
        "Summary"].iter_rows(values_only=True, max_col=2))
    assert summary["status"] == "interrupted"
    with HistoryStore(tmp_path / "h.db") as store:
        assert store.run(1)["status"] == "interrupted"
        assert len(store.assignments(1)) > 0
        if locked:
            assert (store.run(2)["status"], store.run(2)["exit_code"]) == (
                "locked", 5)
