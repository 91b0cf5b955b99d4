"""One unattended ``plan`` run: signals, lock, history, JSON log, outputs.

The CLI's ``plan`` command drives a ``PlanRun``; everything a nightly cron
run needs beyond planning lives here:

* SIGTERM/SIGINT stop the search and the best roster is still written,
  with status ``interrupted`` (``scheduler.interrupt``);
* one run per centre (``scheduler.lock``; exit 5 for the second);
* every run recorded in the history store when ``--db`` is given, whatever
  its outcome (``scheduler.history``);
* a previous roster (``--previous``, or the store's latest published
  roster) turns the run into a rolling re-plan (``scheduler.rolling``);
* ``--log-json`` events (``scheduler.runlog``);
* outputs written atomically; stale temporary files of this centre's
  outputs (left by a run killed mid-write) removed first.

Only the standard library and signal-free modules are imported at module
level: ``PlanRun`` must be entered before OR-Tools is imported, so that
its worker threads inherit the signal block.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import (
    InfeasibleError,
    InputError,
    RuleViolationError,
    SchedulerError,
)
from .interrupt import SignalStop
from .lock import LockedError, center_lock, lock_path
from .runlog import JsonLog

if TYPE_CHECKING:
    from .center.model import Center
    from .core.solve import SolveParams
    from .history import HistoryStore
    from .plan import Plan
    from .rolling import RollingProblem, RosterCells


class RunStatus(StrEnum):
    """Outcomes beyond the solver's own ``SolveStatus`` values."""

    INTERRUPTED = "interrupted"
    INPUT_ERROR = "input error"
    INFEASIBLE = "infeasible"
    RULE_VIOLATION = "rule violation"
    LOCKED = "locked"
    FAILED = "failed"


class InterruptedRunError(SchedulerError):
    """A signal stopped the run before any roster was found."""

    exit_code = 1


class OutputError(SchedulerError):
    """The output folder (or the lock file in it) cannot be written."""

    exit_code = 2


@dataclass
class PlanOptions:
    input: Path
    out: Path
    db: Path | None = None
    plan_from: date | None = None
    previous: str | None = None  # a file, a run id, "none"; None: latest
    freeze_days: int | None = None
    stability_weight: int | None = None
    log_json: bool = False
    argv: list[str] = field(default_factory=list)


class PlanRun:
    """Use as ``with PlanRun(options, warn) as run:``; see the CLI."""

    def __init__(self, options: PlanOptions,
                 warn: Callable[[str], None] = lambda _: None) -> None:
        self.o = options
        self.warn = warn
        self.signals = SignalStop(on_signal=self._on_signal)
        self.log = JsonLog() if options.log_json else None
        self.store: HistoryStore | None = None
        self.run_id: int | None = None
        self.center: Center | None = None
        self.previous: RosterCells | None = None
        self.rolling: RollingProblem | None = None
        self.options_used: dict[str, Any] = {}
        self.finished = False
        self._stack = contextlib.ExitStack()
        self._t0 = time.monotonic()

    def __enter__(self) -> PlanRun:
        self.signals.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self._stack.close()  # releases the lock
            if self.store is not None:
                self.store.close()
        finally:
            self.signals.__exit__(*exc)

    # Steps, in order ----------------------------------------------------

    def open(self) -> None:
        """Open the history store (if any) and record the run's start."""
        if self.o.db is None:
            return
        from .history import HistoryStore

        self.store = HistoryStore(self.o.db)
        for dead in self.store.reap():
            self.warn(f"run {dead} in {self.o.db} ended without an "
                      "outcome (killed?); marked as killed")
        self.run_id = self.store.begin_run(self.o.argv, str(self.o.input))

    def begin(self, center: Center, params: SolveParams) -> None:
        """Take the centre's lock (``LockedError``: exit 5) and announce
        the run."""
        from .plan import input_hash

        self.center = center
        name = center.settings.center
        configured = getattr(center.settings, "history_db", None)
        if self.store is None and self.o.db is None and configured:
            self.o.db = Path(configured)  # settings history_db, once added
            self.open()
        digest = input_hash(self.o.input)
        self.options_used = {
            "settings": center.settings.model_dump(mode="json"),
            "rules": center.rules.model_dump(mode="json"),
            "solver": {"time_limit": params.time_limit,
                       "workers": params.workers, "seed": params.seed,
                       "deterministic": params.deterministic},
        }
        if self.store is not None and self.run_id is not None:
            self.store.update_run(self.run_id, center=name,
                                  input_hash=digest,
                                  settings=self.options_used)
        if self.log is not None:
            self.log.context = {"run_id": self.run_id, "center": name}
        path = lock_path(name, self.o.db, self.o.out)
        try:
            self._stack.enter_context(
                center_lock(path, name, remove=self.o.db is None))
        except OSError as exc:  # the lock sits where the outputs go
            where = (f"the roster to {self.o.out}" if self.o.db is None
                     else f"the lock file {path}")
            raise OutputError(
                f"cannot write {where}: {exc.strerror or exc}") from None
        if self.log is not None:
            s = center.settings
            self.log.event(
                "start", input=str(self.o.input), input_hash=digest,
                horizon=[s.start_date.isoformat(), s.end_date.isoformat()],
                operators=len(center.operators),
                plan_from=(self.o.plan_from or s.start_date).isoformat(),
                solver=self.options_used["solver"], db=_str(self.o.db))

    def progress(self, printer: Callable[[Any], None] | None
                 ) -> Callable[[Any], None] | None:
        """The progress hook: JSON events with ``--log-json``, else the
        human-readable printer (or none)."""
        return self.log.progress if self.log is not None else printer

    def plan(self, center: Center, params: SolveParams,
             progress: Callable[[Any], None] | None = None) -> Plan:
        """Plan (rolling when there is a previous roster), stoppable by
        SIGTERM/SIGINT."""
        from . import plan as plan_module
        from . import rolling
        from .core.solve import SolveControl

        control = SolveControl()
        self.signals.control = control
        if self.signals.interrupted:
            control.stop()
        # SIGINT is ours (``SignalStop``): CP-SAT must not install its own
        # handler, which resets SIGINT to the default when it is done.
        params = replace(params, extra={**params.extra,
                                        "catch_sigint_signal": False})
        s, o = center.settings, self.o
        previous = self.previous = self._previous(center)
        freeze = _first(o.freeze_days, getattr(s, "freeze_days", None),
                        rolling.DEFAULT_FREEZE_DAYS)
        weight = _first(o.stability_weight,
                        getattr(center.rules, "weight_stability", None),
                        rolling.DEFAULT_STABILITY_WEIGHT)
        self.options_used["rolling"] = {
            "from": (o.plan_from or s.start_date).isoformat(),
            "previous": previous.source if previous else None,
            "freeze_days": freeze, "stability_weight": weight}
        try:
            if previous is not None or o.plan_from not in (None,
                                                          s.start_date):
                plan, rp = rolling.plan_rolling(
                    center, params, previous, o.plan_from, freeze, weight,
                    progress, source=o.input, control=control)
                self.rolling = rp
                for note in rp.notes:
                    self._warning(note)
            else:
                plan = plan_module.plan(center, params, progress,
                                        source=o.input, control=control)
        except (InputError, InfeasibleError, RuleViolationError):
            raise
        except SchedulerError as exc:
            if self.signals.interrupted:
                raise InterruptedRunError(
                    f"stopped by {self.signals.signal_name} before any "
                    "roster was found") from exc
            raise
        if self.signals.interrupted or plan.result.interrupted:
            plan.result = replace(plan.result, status=_interrupted(),
                                  interrupted=True)
        return plan

    def write(self, plan: Plan) -> tuple[Path, Path]:
        """The workbook and CSV, each atomically; stale temporary files of
        the same outputs (a run killed mid-write) are removed first."""
        from .write_roster import roster_paths, write_plan

        for target in roster_paths(plan, self.o.out):
            for stale in target.parent.glob(f".{target.name}.*.tmp"):
                with contextlib.suppress(OSError):
                    stale.unlink()
        return write_plan(plan, self.o.out)

    def succeeded(self, plan: Plan, xlsx: Path, csv_path: Path) -> None:
        from .write_roster import assignment_rows

        r, p = plan.result, plan.problem
        changes = plan.kpis.get("cells changed vs previous")
        rp = self.rolling
        fields: dict[str, Any] = {
            "objective": r.objective, "bound": r.bound, "gap": r.gap,
            "kpis": plan.kpis, "changes": changes,
            "horizon_start": p.start_date,
            "horizon_end": p.date_of(p.num_days - 1),
            "plan_from": rp.window.plan_from if rp else p.start_date,
            "frozen_until": rp.window.frozen_until if rp else None,
            "previous_run": self.previous.run_id if self.previous else None,
            "previous_source": self.previous.source if self.previous else "",
            "operators": [op.id for op in p.operators],
            "roster_path": str(xlsx), "csv_path": str(csv_path),
            "settings": self.options_used,
        }
        if self.store is not None and self.run_id is not None:
            self.store.finish_run(self.run_id, str(r.status.value), 0,
                                  assignments=assignment_rows(plan),
                                  **fields)
        self.finished = True
        if self.log is not None:
            self.log.event(
                "result", status=r.status.value, exit_code=0,
                objective=r.objective, bound=r.bound, gap=r.gap,
                changes=changes, kpis=plan.kpis, roster=str(xlsx),
                assignments=str(csv_path), message="",
                seconds=round(time.monotonic() - self._t0, 3))

    def fail(self, exc: BaseException, exit_code: int) -> None:
        """Record a failed run (never raises: the original error wins)."""
        status = _failure_status(exc, self.signals.interrupted)
        message = str(exc) or type(exc).__name__
        if self.store is not None and self.run_id is not None:
            with contextlib.suppress(Exception):
                self.store.finish_run(self.run_id, status, exit_code,
                                      message=message,
                                      settings=self.options_used)
        self.finished = True
        if self.log is not None:
            self.log.event("result", status=status, exit_code=exit_code,
                           message=message,
                           seconds=round(time.monotonic() - self._t0, 3))

    # Helpers ------------------------------------------------------------

    def _previous(self, center: Center) -> RosterCells | None:
        from .history import HistoryError
        from .rolling import read_roster_cells

        given = self.o.previous
        if given is not None and given.strip().lower() == "none":
            return None
        if given is not None and given.strip().isdigit():
            if self.store is None:
                raise HistoryError(f"--previous {given} names a run of the "
                                   "history store: give --db too")
            return self.store.roster_cells(int(given))
        if given is not None:
            return read_roster_cells(given)
        if self.store is not None:
            row = self.store.latest_published(center.settings.center)
            if row is not None:
                return self.store.roster_cells(row["id"])
        return None

    def _warning(self, message: str) -> None:
        self.warn(message)
        if self.log is not None:
            self.log.event("warning", message=message)

    def _on_signal(self, signum: int) -> None:
        name = self.signals.signal_name
        self.warn(f"received {name}: stopping the search; the best roster "
                  "found so far will be written")
        if self.log is not None:
            self.log.event("signal", signal=name)


def _first(*values: Any) -> Any:
    return next(v for v in values if v is not None)


def _str(value: object) -> str | None:
    return None if value is None else str(value)


def _interrupted() -> Any:
    """``SolveStatus.INTERRUPTED`` once the core has it, else ours (both
    are string enums whose value is ``interrupted``)."""
    from .core.solve import SolveStatus

    return getattr(SolveStatus, "INTERRUPTED", RunStatus.INTERRUPTED)


def _failure_status(exc: BaseException, interrupted: bool) -> str:
    if isinstance(exc, InterruptedRunError) or (
            interrupted and not isinstance(exc, SchedulerError)):
        return RunStatus.INTERRUPTED.value
    for kind, status in ((InputError, RunStatus.INPUT_ERROR),
                         (InfeasibleError, RunStatus.INFEASIBLE),
                         (RuleViolationError, RunStatus.RULE_VIOLATION),
                         (LockedError, RunStatus.LOCKED)):
        if isinstance(exc, kind):
            return status.value
    return RunStatus.FAILED.value


def result_line(plan: Plan, xlsx: Path, run_id: int | None) -> str:
    """The cron-friendly last line of a successful ``plan``."""
    r = plan.result
    gap = "-" if r.gap is None else f"{100 * r.gap:.2f}%"
    extra = ""
    if run_id is not None:
        extra += f" run={run_id}"
    changes = plan.kpis.get("cells changed vs previous")
    if changes is not None:
        extra += f" changes={changes}"
    return (f"RESULT ok status={r.status.value} objective={r.objective:.0f} "
            f"gap={gap}{extra} file={xlsx}")


__all__ = ["InterruptedRunError", "PlanOptions", "PlanRun", "RunStatus",
           "result_line"]
