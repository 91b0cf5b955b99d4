"""The run history: every ``plan`` run and the roster it produced, in SQLite.

One file (``--db``), the standard library's ``sqlite3``, WAL mode,
``synchronous=FULL``, foreign keys on. A run writes twice, each time in one
transaction: a ``running`` row when it starts (so even a run killed with
``kill -9`` leaves a trace), then its outcome (status, objective, KPIs,
exit code, assignments) all at once, so a crash can never leave a run
with half its assignments. The next run on the host turns ``running`` rows
whose process is gone into ``killed``. A run is recorded whatever its
outcome: bad input, infeasible rules, another run holding the lock.

Schema (version 1; ``meta.schema_version``):

``runs``          one row per run
    id              INTEGER PRIMARY KEY (the RUN_ID of publish/diff)
    center          TEXT      centre name ('' if the input was unreadable)
    status          TEXT      running, optimal, feasible, interrupted,
                              unchanged (input as before: roster kept),
                              input error, infeasible, rule violation,
                              locked, failed, killed
    exit_code       INTEGER   the process exit code (NULL while running)
    message         TEXT      error text, one problem per line
    started_at      TEXT      ISO 8601 with UTC offset
    ended_at        TEXT
    pid, host       INTEGER, TEXT
    command         TEXT      argv as a JSON list
    input_path      TEXT
    input_hash      TEXT      SHA-256 of the input (file or CSV folder)
    settings        TEXT      JSON: settings, rules, solver parameters and
                              rolling options of the run
    horizon_start   TEXT      first and last date the stored assignments
    horizon_end     TEXT        cover (a day without a row is a day off)
    plan_from       TEXT      first re-planned day
    frozen_until    TEXT      last frozen day (NULL: none)
    previous_run    INTEGER   the run whose roster was kept (NULL: a file
    previous_source TEXT        or none; then previous_source says which)
    objective, bound, gap  REAL
    kpis            TEXT      JSON object, as in the workbook's Summary
    changes         INTEGER   cells changed against the previous roster
    operators       TEXT      JSON list of the operator ids rostered
    roster_path, csv_path  TEXT  the files written
``assignments``   one row per worked shift of a run (= its CSV)
    run_id, operator_id, date, shift_id, start, end, hours, heavy_calls;
    PRIMARY KEY (run_id, operator_id, date)
``publications``  one row each time a run is published
    id, run_id, center, published_at, note
``meta``          key, value (schema_version)

The latest publication of a centre is its *published roster*: the next
``plan`` on that centre keeps it (see ``scheduler.rolling``).
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import sqlite3
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from .errors import SchedulerError
from .rolling import CellChange, RosterCells, cells_from_rows

SCHEMA_VERSION = 1

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS runs (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    center          TEXT    NOT NULL DEFAULT '',
    status          TEXT    NOT NULL,
    exit_code       INTEGER,
    message         TEXT    NOT NULL DEFAULT '',
    started_at      TEXT    NOT NULL,
    ended_at        TEXT,
    pid             INTEGER NOT NULL,
    host            TEXT    NOT NULL,
    command         TEXT    NOT NULL DEFAULT '[]',
    input_path      TEXT    NOT NULL DEFAULT '',
    input_hash      TEXT    NOT NULL DEFAULT '',
    settings        TEXT    NOT NULL DEFAULT '{}',
    horizon_start   TEXT,
    horizon_end     TEXT,
    plan_from       TEXT,
    frozen_until    TEXT,
    previous_run    INTEGER REFERENCES runs(id),
    previous_source TEXT    NOT NULL DEFAULT '',
    objective       REAL,
    bound           REAL,
    gap             REAL,
    kpis            TEXT    NOT NULL DEFAULT '{}',
    changes         INTEGER,
    operators       TEXT    NOT NULL DEFAULT '[]',
    roster_path     TEXT,
    csv_path        TEXT
);
CREATE INDEX IF NOT EXISTS runs_by_center ON runs (center, id);
CREATE TABLE IF NOT EXISTS assignments (
    run_id      INTEGER NOT NULL REFERENCES runs(id),
    operator_id TEXT    NOT NULL,
    date        TEXT    NOT NULL,
    shift_id    TEXT    NOT NULL,
    start       TEXT    NOT NULL,
    end         TEXT    NOT NULL,
    hours       REAL    NOT NULL,
    heavy_calls INTEGER NOT NULL,
    PRIMARY KEY (run_id, operator_id, date)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS publications (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id       INTEGER NOT NULL REFERENCES runs(id),
    center       TEXT    NOT NULL,
    published_at TEXT    NOT NULL,
    note         TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS publications_by_center
    ON publications (center, id);
"""

# Columns a run's outcome may set (``finish_run``/``update_run``).
RUN_FIELDS = frozenset({
    "center", "status", "exit_code", "message", "ended_at", "input_path",
    "input_hash", "settings", "horizon_start", "horizon_end", "plan_from",
    "frozen_until", "previous_run", "previous_source", "objective",
    "bound", "gap", "kpis", "changes", "operators", "roster_path",
    "csv_path", "command",
})


class HistoryError(SchedulerError):
    """The store cannot be opened, or names a run it does not have."""

    exit_code = 2


def now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


class HistoryStore:
    """The SQLite run history; use as a context manager."""

    def __init__(self, path: str | Path, create: bool = True) -> None:
        self.path = Path(path)
        if not create and not self.path.exists():
            raise HistoryError(f"no history store at {self.path} "
                               "(plan with --db to create one)")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path, timeout=30,
                                      isolation_level=None)
            self.db.row_factory = sqlite3.Row
            self.db.execute("PRAGMA busy_timeout = 30000")
            mode = self.db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if mode.lower() != "wal":
                raise HistoryError(f"{self.path}: cannot switch to WAL mode "
                                   f"(journal mode {mode})")
            self.db.execute("PRAGMA synchronous = FULL")
            self.db.execute("PRAGMA foreign_keys = ON")
            self._migrate()
        except (OSError, sqlite3.Error) as exc:
            raise HistoryError(
                f"cannot open the history store {self.path}: {exc}") from None

    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self.db.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (taken at once: BEGIN IMMEDIATE)."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def _migrate(self) -> None:
        with self.transaction() as db:
            for statement in SCHEMA.split(";"):
                if statement.strip():
                    db.execute(statement)
            row = db.execute("SELECT value FROM meta WHERE key = "
                             "'schema_version'").fetchone()
            if row is None:
                db.execute("INSERT INTO meta VALUES ('schema_version', ?)",
                           (str(SCHEMA_VERSION),))
            elif int(row[0]) > SCHEMA_VERSION:
                raise HistoryError(
                    f"{self.path} has schema version {row[0]}; this "
                    f"program knows up to {SCHEMA_VERSION}")

    # Writing runs -------------------------------------------------------

    def begin_run(self, command: list[str], input_path: str = "",
                  center: str = "") -> int:
        with self.transaction() as db:
            cur = db.execute(
                "INSERT INTO runs (center, status, started_at, pid, host, "
                "command, input_path) VALUES (?, 'running', ?, ?, ?, ?, ?)",
                (center, now(), os.getpid(), socket.gethostname(),
                 json.dumps(command), input_path))
            return int(cur.lastrowid or 0)

    def update_run(self, run_id: int, **fields: Any) -> None:
        if fields:
            with self.transaction() as db:
                self._update(db, run_id, fields)

    def finish_run(self, run_id: int, status: str, exit_code: int,
                   assignments: Iterable[Iterable[Any]] | None = None,
                   **fields: Any) -> None:
        """The run's outcome and its assignments, in one transaction."""
        with self.transaction() as db:
            self._update(db, run_id, {**fields, "status": status,
                                      "exit_code": exit_code,
                                      "ended_at": now()})
            if assignments is not None:
                db.execute("DELETE FROM assignments WHERE run_id = ?",
                           (run_id,))
                db.executemany(
                    "INSERT INTO assignments (run_id, operator_id, date, "
                    "shift_id, start, end, hours, heavy_calls) VALUES "
                    "(?, ?, ?, ?, ?, ?, ?, ?)",
                    [(run_id, *row) for row in assignments])

    @staticmethod
    def _update(db: sqlite3.Connection, run_id: int,
                fields: dict[str, Any]) -> None:
        unknown = set(fields) - RUN_FIELDS
        if unknown:
            raise ValueError(f"unknown run field(s) {sorted(unknown)}")
        values = {k: _sql(v) for k, v in fields.items()}
        sets = ", ".join(f"{k} = ?" for k in values)
        db.execute(f"UPDATE runs SET {sets} WHERE id = ?",
                   (*values.values(), run_id))

    def reap(self) -> list[int]:
        """Mark ``running`` rows of this host whose process is gone as
        ``killed``; returns their ids."""
        host = socket.gethostname()
        rows = self.db.execute(
            "SELECT id, pid FROM runs WHERE status = 'running' AND host = ?",
            (host,)).fetchall()
        dead = [r["id"] for r in rows
                if r["pid"] != os.getpid() and not _alive(r["pid"])]
        if dead:
            with self.transaction() as db:
                db.executemany(
                    "UPDATE runs SET status = 'killed', message = ? "
                    "WHERE id = ? AND status = 'running'",
                    [("the process ended without recording an outcome "
                      "(killed or crashed)", i) for i in dead])
        return dead

    # Reading ------------------------------------------------------------

    def run(self, run_id: int) -> sqlite3.Row:
        row = self.db.execute("SELECT * FROM runs WHERE id = ?",
                              (run_id,)).fetchone()
        if row is None:
            raise HistoryError(f"{self.path}: no run {run_id}")
        return row

    def runs(self, center: str | None = None,
             limit: int = 20) -> list[sqlite3.Row]:
        """The newest runs first, with ``published`` (1 when published)."""
        where, args = ("WHERE r.center = ?", [center]) if center else ("",
                                                                       [])
        return self.db.execute(
            "SELECT r.*, EXISTS (SELECT 1 FROM publications p "
            "WHERE p.run_id = r.id) AS published, (SELECT count(*) FROM "
            "assignments a WHERE a.run_id = r.id) AS shifts "
            f"FROM runs r {where} ORDER BY r.id DESC LIMIT ?",
            (*args, limit)).fetchall()

    def assignments(self, run_id: int) -> list[sqlite3.Row]:
        return self.db.execute(
            "SELECT * FROM assignments WHERE run_id = ? "
            "ORDER BY operator_id, date", (run_id,)).fetchall()

    def publish(self, run_id: int, note: str = "") -> sqlite3.Row:
        row = self.run(run_id)
        if row["horizon_start"] is None or row["status"] not in (
                "optimal", "feasible", "interrupted", "unchanged"):
            raise HistoryError(
                f"run {run_id} has no roster to publish (status "
                f"{row['status']})")
        with self.transaction() as db:
            db.execute("INSERT INTO publications (run_id, center, "
                       "published_at, note) VALUES (?, ?, ?, ?)",
                       (run_id, row["center"], now(), note))
        return row

    def latest_published(self, center: str) -> sqlite3.Row | None:
        return self.db.execute(
            "SELECT r.* FROM publications p JOIN runs r ON r.id = p.run_id "
            "WHERE p.center = ? ORDER BY p.id DESC LIMIT 1",
            (center,)).fetchone()

    def roster_cells(self, run_id: int) -> RosterCells:
        """A run's roster as cells (for re-planning against, or diff)."""
        row = self.run(run_id)
        if row["horizon_start"] is None:
            raise HistoryError(f"run {run_id} has no roster (status "
                               f"{row['status']})")
        rows = [(a["operator_id"], date.fromisoformat(a["date"]),
                 a["shift_id"], a["heavy_calls"])
                for a in self.assignments(run_id)]
        return cells_from_rows(
            rows, f"run {run_id}", date.fromisoformat(row["horizon_start"]),
            date.fromisoformat(row["horizon_end"]),
            json.loads(row["operators"] or "[]"), run_id,
            row["input_hash"] or "")

    def integrity(self) -> str:
        return str(self.db.execute("PRAGMA integrity_check").fetchone()[0])


def _sql(value: Any) -> Any:
    if isinstance(value, dict | list | tuple):
        return json.dumps(value, default=str)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    return value


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# Presenting ------------------------------------------------------------


def format_runs(rows: list[sqlite3.Row]) -> list[str]:
    """``scheduler history``: one line per run, newest first."""
    head = (f"{'run':>5}  {'started':19}  {'centre':12} {'status':12} "
            f"{'exit':>4} {'objective':>12} {'gap':>7} {'changes':>7} "
            f"{'shifts':>6}  pub  from")
    lines = [head]
    for r in rows:
        obj = "-" if r["objective"] is None else f"{r['objective']:,.0f}"
        gap = "-" if r["gap"] is None else f"{100 * r['gap']:.1f}%"
        changes = "-" if r["changes"] is None else str(r["changes"])
        code = "-" if r["exit_code"] is None else str(r["exit_code"])
        lines.append(
            f"{r['id']:>5}  {r['started_at'][:19]:19}  "
            f"{(r['center'] or '?')[:12]:12} {r['status'][:12]:12} "
            f"{code:>4} {obj:>12} {gap:>7} {changes:>7} {r['shifts']:>6}  "
            f"{'yes' if r['published'] else '   '}  {r['plan_from'] or '-'}")
    return lines


def format_diff(changes: list[CellChange]) -> list[str]:
    """``scheduler diff``: changed cells grouped per operator."""
    lines: list[str] = []
    by_op: dict[str, list[CellChange]] = {}
    for c in changes:
        by_op.setdefault(c.operator, []).append(c)
    for op, items in sorted(by_op.items()):
        lines.append(f"{op} ({len(items)}): "
                     + ", ".join(c.describe() for c in items))
    return lines
