"""The ``scheduler`` command: a thin shell over the library.

It resolves paths and options, prints progress and summaries, and maps the
library's typed errors to exit codes (README, "Exit codes"). No planning
logic lives here.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from scheduler.errors import InputError, SchedulerError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    help="Contact-centre rosters: Erlang C staffing, heavy-call caps and "
    "rest rules, solved with CP-SAT and handed off as Excel.",
)

HERE = Path(__file__).resolve().parent
SAMPLE = HERE / "inputs" / "sample"


def _default_input(path: Path | None) -> Path:
    if path is not None:
        return path
    if SAMPLE.exists():
        return SAMPLE
    return Path("inputs") / "sample"


def _fail(exc: BaseException) -> typer.Exit:
    """One place that turns errors into messages and exit codes."""
    if isinstance(exc, InputError):
        for problem in exc.problems:
            typer.echo(f"error: {problem}", err=True)
        return typer.Exit(exc.exit_code)
    if isinstance(exc, SchedulerError):
        label = {3: "infeasible", 4: "rule violation",
                 5: "locked"}.get(exc.exit_code, "error")
        for line in str(exc).splitlines() or [type(exc).__name__]:
            typer.echo(f"{label}: {line}", err=True)
        return typer.Exit(exc.exit_code)
    typer.echo(f"error: {type(exc).__name__}: {exc}", err=True)
    return typer.Exit(1)


def _read(path: Path):
    from scheduler.read_center import read_center

    warnings: list[str] = []
    center = read_center(path, warnings)
    for w in warnings:
        typer.echo(f"warning: {w}", err=True)
    return center


InputArg = Annotated[
    Path | None,
    typer.Argument(help="Centre workbook (.xlsx) or CSV folder; default: "
                   "the bundled sample in inputs/sample/."),
]


@app.command()
def plan(
    input: InputArg = None,
    out: Annotated[Path, typer.Option(
        help="Folder for the roster workbook and CSV.")] = Path("outputs"),
    time_limit: Annotated[float | None, typer.Option(
        help="Solver time limit in seconds (default: settings).")] = None,
    workers: Annotated[int | None, typer.Option(
        help="CP-SAT workers (default: settings, else 8).")] = None,
    seed: Annotated[int | None, typer.Option(
        help="Random seed (default: settings).")] = None,
    deterministic: Annotated[bool, typer.Option(
        help="Same input, seed and workers give the same roster: uses "
        "CP-SAT's deterministic time instead of the wall clock.")] = False,
    quiet: Annotated[bool, typer.Option(
        help="No progress lines.")] = False,
    from_date: Annotated[datetime | None, typer.Option(
        "--from", formats=["%Y-%m-%d"],
        help="Re-plan from this date (default: the centre's start_date); "
        "earlier days of the previous roster count for the rules.")] = None,
    previous: Annotated[str | None, typer.Option(
        help="Roster to keep: a roster .xlsx or its assignments .csv, a "
        "RUN_ID of --db, or 'none' (default: the latest roster published "
        "in --db, if any).")] = None,
    freeze_days: Annotated[int | None, typer.Option(
        help="Days from --from kept exactly as in the previous roster "
        "(default: settings freeze_days, else 7).")] = None,
    stability_weight: Annotated[int | None, typer.Option(
        help="Cost of each changed cell after the frozen days (default: "
        "rules weight_stability, else 500).")] = None,
    db: Annotated[Path | None, typer.Option(
        help="History store (SQLite) to record the run in and to take "
        "the published roster from; e.g. outputs/history.db.")] = None,
    log_json: Annotated[bool, typer.Option(
        help="One JSON object per line on stdout (start, progress, "
        "result); the usual text goes to stderr.")] = False,
) -> None:
    """Plan a roster and write it as Excel + CSV (exit 0 when written).

    With a previous roster it re-plans a rolling horizon: frozen days kept,
    later days changed only where it pays (README, "Rolling planning")."""
    from scheduler.runner import PlanOptions, PlanRun, result_line

    def say(message: str) -> None:
        typer.echo(message, err=log_json)

    def warn(message: str) -> None:
        typer.echo(f"warning: {message}", err=True)

    path = _default_input(input)
    options = PlanOptions(
        input=path, out=out, db=db,
        plan_from=from_date.date() if from_date else None,
        previous=previous, freeze_days=freeze_days,
        stability_weight=stability_weight, log_json=log_json,
        argv=["scheduler", *sys.argv[1:]])
    # Entered before the solver is imported: SIGTERM/SIGINT then stop the
    # search in every solver thread and the best roster is still written.
    with PlanRun(options, warn) as run:
        try:
            run.open()
            center = _read(path)
            from scheduler.core.solve import DEFAULT_WORKERS, SolveParams
            from scheduler.progress import ProgressPrinter

            s = center.settings
            params = SolveParams(
                time_limit=time_limit or s.time_limit_seconds,
                workers=workers or s.workers or DEFAULT_WORKERS,
                seed=s.seed if seed is None else seed,
                deterministic=deterministic,
            )
            run.begin(center, params)
            typer.echo(
                f"planning {s.center}: {len(center.operators)} operators, "
                f"{s.days} days from {s.start_date}, {s.interval_minutes}-"
                f"min intervals; limit {params.time_limit:g} s, "
                f"{params.workers} workers, seed {params.seed}", err=True)
            printer = None if quiet else ProgressPrinter()
            result = run.plan(center, params, run.progress(printer))
        except Exception as exc:  # every failure becomes an exit code
            failure = _fail(exc)
            run.fail(exc, failure.exit_code)
            raise failure from None
        try:
            xlsx, csv_path = run.write(result)
        except OSError as exc:
            typer.echo(f"error: cannot write the roster to {out}: "
                       f"{exc.strerror or exc}", err=True)
            run.fail(exc, 2)
            raise typer.Exit(2) from None
        except Exception as exc:
            failure = _fail(exc)
            run.fail(exc, failure.exit_code)
            raise failure from None
        try:
            run.succeeded(result, xlsx, csv_path)
        except Exception as exc:
            raise _fail(exc) from None
    say(result.result.summary())
    for key, value in result.kpis.items():
        shown = f"{value:.1f}" if isinstance(value, float) else value
        say(f"{key:>42}: {shown}")
    say(f"roster: {xlsx}")
    say(f"assignments: {csv_path}")
    say(result_line(result, xlsx, run.run_id))


@app.command()
def staffing(
    input: InputArg = None,
    out: Annotated[Path | None, typer.Option(
        help="Also export the requirement as CSV.")] = None,
) -> None:
    """Agents required per interval (Erlang C, or the override)."""
    from scheduler.atomic import atomic_path
    from scheduler.center.staffing import requirement

    try:
        center = _read(_default_input(input))
        rows = requirement(center)
        lines = ["date,time,calls,aht_seconds,heavy_calls,agents,"
                 "scheduled_agents,service_level,occupancy,overridden"]
        for q in rows:
            lines.append(
                f"{q.date},{q.time // 60:02d}:{q.time % 60:02d},"
                f"{q.calls:g},{q.aht_seconds:g},{q.heavy_calls:g},"
                f"{q.agents},{q.scheduled_agents},{q.service_level:.4f},"
                f"{q.occupancy:.4f},{'yes' if q.overridden else 'no'}")
        if out is not None:
            with atomic_path(out) as tmp:
                tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    except Exception as exc:
        raise _fail(exc) from None
    typer.echo("\n".join(lines))
    peak = max((q.scheduled_agents for q in rows), default=0)
    hours = sum(q.scheduled_agents for q in rows) * (
        center.settings.interval_minutes / 60)
    typer.echo(f"intervals {len(rows)}, peak scheduled agents {peak}, "
               f"agent-hours {hours:,.0f}", err=True)


@app.command()
def erlang(
    calls: Annotated[float, typer.Option(help="Calls in the interval.")],
    aht: Annotated[float, typer.Option(help="Average handle time, s.")],
    interval: Annotated[int, typer.Option(help="Interval, minutes.")] = 30,
    service_level: Annotated[float, typer.Option(
        help="Target share answered within --answer-seconds.")] = 0.8,
    answer_seconds: Annotated[float, typer.Option(
        help="Service-level threshold, s.")] = 20,
    max_occupancy: Annotated[float, typer.Option(
        help="Occupancy cap on productive agents.")] = 1.0,
    shrinkage: Annotated[float, typer.Option(
        help="Share of paid time off the phones.")] = 0.0,
    agents: Annotated[int | None, typer.Option(
        help="Score this head-count instead of sizing.")] = None,
    as_json: Annotated[bool, typer.Option(
        "--json", help="One JSON object on stdout.")] = False,
) -> None:
    """Erlang C calculator: agents needed, or metrics for --agents N."""
    from scheduler.center.erlang import evaluate

    try:
        r = evaluate(calls, aht, interval, service_level, answer_seconds,
                     max_occupancy, shrinkage, agents)
    except ValueError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    if as_json:
        typer.echo(json.dumps(r.to_dict()))
        return
    typer.echo(f"traffic          {r.traffic:.3f} Erlangs")
    typer.echo(f"agents           {r.agents}")
    typer.echo(f"scheduled agents {r.scheduled_agents} "
               f"(shrinkage {shrinkage:.0%})")
    typer.echo(f"service level    {r.service_level:.4f} "
               f"within {answer_seconds:g} s")
    typer.echo(f"ASA              {r.asa_seconds:.1f} s")
    typer.echo(f"occupancy        {r.occupancy:.4f}")
    typer.echo(f"P(wait)          {r.wait_probability:.4f}")


@app.command()
def validate(
    input: Annotated[Path, typer.Argument(
        help="Centre workbook (.xlsx) or CSV folder.")],
) -> None:
    """Check an input without planning (exit 0 valid, 2 not)."""
    try:
        center = _read(input)
    except Exception as exc:
        raise _fail(exc) from None
    typer.echo(f"ok: {input}: {len(center.operators)} operators, "
               f"{len(center.shifts)} shifts, {len(center.forecast)} "
               f"forecast intervals, {center.settings.days} days")


DbOption = Annotated[Path, typer.Option(
    help="History store (SQLite) written by plan --db.")]
DEFAULT_DB = Path("outputs") / "history.db"


@app.command()
def publish(
    run_id: Annotated[int, typer.Argument(help="Run to publish.")],
    db: DbOption = DEFAULT_DB,
    note: Annotated[str, typer.Option(help="Free text, e.g. who.")] = "",
) -> None:
    """Mark a run's roster as published: later plans on the centre keep
    it (frozen days exact, the rest changed only where it pays)."""
    from scheduler.history import HistoryStore

    try:
        with HistoryStore(db, create=False) as store:
            row = store.publish(run_id, note)
            shifts = len(store.assignments(run_id))
    except Exception as exc:
        raise _fail(exc) from None
    typer.echo(f"published run {run_id}: centre {row['center']}, "
               f"{row['horizon_start']} to {row['horizon_end']}, "
               f"{shifts} shifts, status {row['status']}")


@app.command()
def history(
    db: DbOption = DEFAULT_DB,
    center: Annotated[str | None, typer.Option(
        help="Only this centre's runs.")] = None,
    limit: Annotated[int, typer.Option(help="Newest N runs.")] = 20,
    as_json: Annotated[bool, typer.Option(
        "--json", help="One JSON object per run on stdout.")] = False,
) -> None:
    """List runs, newest first: status, exit code, objective, churn."""
    from scheduler.history import HistoryStore, format_runs

    try:
        with HistoryStore(db, create=False) as store:
            rows = store.runs(center, limit)
    except Exception as exc:
        raise _fail(exc) from None
    if as_json:
        for row in rows:
            typer.echo(json.dumps(dict(row)))
        return
    typer.echo("\n".join(format_runs(rows)))


@app.command()
def diff(
    run_a: Annotated[int, typer.Argument(help="Earlier run.")],
    run_b: Annotated[int, typer.Argument(help="Later run.")],
    db: DbOption = DEFAULT_DB,
    as_json: Annotated[bool, typer.Option(
        "--json", help="One JSON object per changed cell.")] = False,
) -> None:
    """Changed assignments per operator, on the dates both runs cover."""
    from scheduler.history import HistoryStore, format_diff
    from scheduler.rolling import diff_cells

    try:
        with HistoryStore(db, create=False) as store:
            a, b = store.roster_cells(run_a), store.roster_cells(run_b)
    except Exception as exc:
        raise _fail(exc) from None
    changes = diff_cells(a, b)
    if as_json:
        for c in changes:
            typer.echo(json.dumps({"operator_id": c.operator,
                                   "date": c.date.isoformat(),
                                   "before": c.before, "after": c.after}))
        return
    lo, hi = max(a.start, b.start), min(a.end, b.end)
    typer.echo("\n".join(format_diff(changes)) or "no changes")
    typer.echo(f"{len(changes)} changed cells, "
               f"{len({c.operator for c in changes})} operators, "
               f"{lo} to {hi}", err=True)


@app.command()
def template(
    out: Annotated[Path, typer.Argument(
        help="Input workbook to write (.xlsx).")],
    force: Annotated[bool, typer.Option(
        help="Overwrite the file if it exists.")] = False,
) -> None:
    """Write an input workbook to fill in: every sheet and column, a
    README sheet, drop-downs and one example row per sheet."""
    from scheduler.template import write_template

    if out.suffix.lower() != ".xlsx":
        typer.echo(f"error: {out}: the template is an .xlsx workbook",
                   err=True)
        raise typer.Exit(2)
    if out.exists() and not force:
        typer.echo(f"error: {out} exists; use --force to overwrite it",
                   err=True)
        raise typer.Exit(2)
    try:
        write_template(out)
    except OSError as exc:
        typer.echo(f"error: cannot write the template to {out}: "
                   f"{exc.strerror or exc}", err=True)
        raise typer.Exit(2) from None
    typer.echo(f"template: {out}")
    typer.echo(f"fill it in, then: scheduler validate {out} && "
               f"scheduler plan {out}")


@app.command()
def check(
    roster: Annotated[Path, typer.Argument(
        help="Roster workbook written by plan, perhaps edited by hand.")],
    input: Annotated[Path | None, typer.Argument(
        help="The centre it was planned from (default: the input file "
        "named in its Summary sheet).")] = None,
    fix: Annotated[bool, typer.Option(
        "--fix", help="Re-plan keeping every cell you changed, and write "
        "a new workbook whose Changes sheet lists what moved and why.")
    ] = False,
    out: Annotated[Path | None, typer.Option(
        help="--fix: the workbook to write (default: ROSTER_fixed.xlsx "
        "beside ROSTER).")] = None,
    csv_out: Annotated[Path | None, typer.Option(
        "--csv", help="Also write every interval's coverage and "
        "heavy-call shortfall, as planned and now, as CSV.")] = None,
    time_limit: Annotated[float | None, typer.Option(
        help="--fix: solver time limit in seconds (default: settings).")
    ] = None,
    workers: Annotated[int | None, typer.Option(
        help="--fix: CP-SAT workers (default: settings, else 8).")] = None,
    seed: Annotated[int | None, typer.Option(
        help="--fix: random seed (default: settings).")] = None,
    quiet: Annotated[bool, typer.Option(
        help="--fix: no progress lines.")] = False,
) -> None:
    """Check a (hand-edited) roster against every hard rule; exit 0 when
    none is broken, 4 when some are, 2 for unreadable input."""
    from scheduler import check_roster as cr

    try:
        path = cr.resolve_input(roster, input)
        center = _read(path)
        report = cr.check_workbook(roster, center)
        if csv_out is not None:
            cr.writable_target(csv_out)
            cr.write_interval_csv(report, csv_out)
    except Exception as exc:
        raise _fail(exc) from None
    for line in cr.report_lines(report):
        typer.echo(line)
    if not fix:
        typer.echo(cr.result_line(report))
        raise typer.Exit(4 if report.violations else 0)
    from scheduler.core.solve import DEFAULT_WORKERS, SolveParams
    from scheduler.progress import ProgressPrinter
    from scheduler.write_roster import write_roster_workbook

    target = out or cr.fixed_path(roster)
    s = center.settings
    try:
        cr.writable_target(target)
        params = SolveParams(
            time_limit=time_limit or s.time_limit_seconds,
            workers=workers or s.workers or DEFAULT_WORKERS,
            seed=s.seed if seed is None else seed)
        typer.echo(f"fixing: {len(report.edits)} edited cell(s) kept; "
                   f"limit {params.time_limit:g} s", err=True)
        result = cr.fix(report, params,
                        None if quiet else ProgressPrinter())
        write_roster_workbook(result.plan, target, result.changes,
                              result.marks)
    except OSError as exc:
        typer.echo(f"error: cannot write the roster to {target}: "
                   f"{exc.strerror or exc}", err=True)
        raise typer.Exit(2) from None
    except Exception as exc:
        raise _fail(exc) from None
    for line in cr.fix_lines(result):
        typer.echo(line)
    typer.echo(f"roster: {target}")
    typer.echo(f"RESULT fixed changes={len(result.changes)} "
               f"pinned={len(result.pinned)} violations=0 file={target}")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
    sys.exit(0)
