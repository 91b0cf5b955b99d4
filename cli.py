"""The ``scheduler`` command: a thin shell over the library.

It resolves paths and options, prints progress and summaries, and maps the
library's typed errors to exit codes (README, "Exit codes"). No planning
logic lives here.
"""

from __future__ import annotations

import json
import sys
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
        label = {3: "infeasible", 4: "rule violation"}.get(exc.exit_code,
                                                           "error")
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
) -> None:
    """Plan a roster and write it as Excel + CSV (exit 0 when written)."""
    from scheduler.core.solve import DEFAULT_WORKERS, SolveParams
    from scheduler.plan import plan as run_plan
    from scheduler.progress import ProgressPrinter
    from scheduler.write_roster import write_plan

    try:
        path = _default_input(input)
        center = _read(path)
        s = center.settings
        params = SolveParams(
            time_limit=time_limit or s.time_limit_seconds,
            workers=workers or s.workers or DEFAULT_WORKERS,
            seed=s.seed if seed is None else seed,
            deterministic=deterministic,
        )
        typer.echo(
            f"planning {s.center}: {len(center.operators)} operators, "
            f"{s.days} days from {s.start_date}, {s.interval_minutes}-min "
            f"intervals; limit {params.time_limit:g} s, "
            f"{params.workers} workers, seed {params.seed}", err=True)
        printer = None if quiet else ProgressPrinter()
        result = run_plan(center, params, printer, source=path)
    except Exception as exc:  # every failure becomes an exit code
        raise _fail(exc) from None
    try:
        xlsx, csv_path = write_plan(result, out)
    except OSError as exc:
        typer.echo(f"error: cannot write the roster to {out}: "
                   f"{exc.strerror or exc}", err=True)
        raise typer.Exit(2) from None
    except Exception as exc:
        raise _fail(exc) from None
    typer.echo(result.result.summary())
    for key, value in result.kpis.items():
        shown = f"{value:.1f}" if isinstance(value, float) else value
        typer.echo(f"{key:>42}: {shown}")
    typer.echo(f"roster: {xlsx}")
    typer.echo(f"assignments: {csv_path}")
    r = result.result
    gap = "-" if r.gap is None else f"{100 * r.gap:.2f}%"
    typer.echo(f"RESULT ok status={r.status.value} "
               f"objective={r.objective:.0f} gap={gap} file={xlsx}")


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


def main() -> None:
    app()


if __name__ == "__main__":
    main()
    sys.exit(0)
