"""Run the core solver on the Curtois-Qu benchmark and tabulate it.

    python benchmarks/curtois.py --instances 1-3 --time-limit 20

For each instance: read it, solve it with ``scheduler.core.solve``, check
the roster with the independent checker, write ``OUT/InstanceN.csv`` (one
row per employee, the shift id or nothing per day), print a row and
append it to the results CSV. A final aligned table closes the run, then
a summary by instance: the objective on each seed (``--seed 0-2`` runs
three), their median and its gap, and the issue's target, met on how many
seeds and by the median.

``--strategy`` selects experiments (see ``STRATEGIES``); they only change
CP-SAT parameters, so the core is measured as it is. ``--param key=value``
sets any further CP-SAT parameter and ``--fo-share`` the share of the time
the core spends in fix-and-optimize before CP-SAT.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import functools
import hashlib
import subprocess
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


from scheduler.atomic import atomic_path  # noqa: E402
from scheduler.core.checker import check  # noqa: E402
from scheduler.core.solution import Roster  # noqa: E402
from scheduler.core.solve import SolveParams, solve  # noqa: E402
from scheduler.errors import InputError  # noqa: E402
from scheduler.read_curtois import read_curtois  # noqa: E402

DEFAULT_DIR = ROOT.parent / "shared" / "bench" / "curtois" / "instances"

#: CP-SAT parameter sets tried as experiments (``--strategy``).
STRATEGIES: dict[str, dict[str, object]] = {
    "default": {},
    # Full linear relaxation in every LP worker (the IP bound is tight on
    # this benchmark, so the LP should pay for itself).
    "lp2": {"linearization_level": 2},
    # Stronger symmetry detection and breaking.
    "sym": {"symmetry_level": 4},
    # Fewer LP-free workers: emphasise the LP-based ones.
    "lp2-nofj": {"linearization_level": 2, "use_feasibility_jump": False},
}

COLUMNS = [
    ("instance", "instance", 10),
    ("seed", "seed", 4),
    ("days", "days", 4),
    ("employees", "emps", 4),
    ("shift_types", "shifts", 6),
    ("objective", "objective", 9),
    ("bound", "bound", 8),
    ("best_known", "best", 6),
    ("gap_best_pct", "gap%", 7),
    ("first_s", "first s", 7),
    ("best_s", "best s", 7),
    ("total_s", "total s", 7),
    ("cpu_s", "cpu s", 6),
    ("violations", "viol", 4),
]
CSV_FIELDS = [
    *(c for c, _, _ in COLUMNS),
    "status",
    "strategy",
    "core_hint",
    "deterministic",
    "fo_share",
    "time_limit",
    "workers",
    "core",
]


# Instance selection and reference values ---------------------------------


@functools.cache
def core_version() -> str:
    """Git commit plus a fingerprint of the core's source as run.

    The core changes while benchmarks run; the fingerprint tells which
    rows measured the same code (``+`` marks uncommitted changes)."""
    digest = hashlib.sha1()
    core = ROOT / "scheduler" / "core"
    for path in sorted(core.rglob("*.py")):
        digest.update(str(path.relative_to(core)).encode())
        digest.update(path.read_bytes())
    commit = "?"
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
    return f"{commit}/core-{digest.hexdigest()[:8]}"


def parse_instances(
    spec: str, least: int = 1, what: str = "instance"
) -> list[int]:
    """``"1-12,15"`` -> [1, ..., 12, 15] (order kept, duplicates dropped)."""
    out: list[int] = []
    for part in spec.split(","):
        part = part.strip()
        if not part:
            continue
        lo, dash, hi = part.partition("-")
        try:
            first = int(lo)
            last = int(hi) if dash else first
        except ValueError:
            msg = f"bad {what} range {part!r} (use e.g. 1-12,15)"
            raise argparse.ArgumentTypeError(msg) from None
        if first < least or last < first:
            raise argparse.ArgumentTypeError(f"bad {what} range {part!r}")
        out.extend(i for i in range(first, last + 1) if i not in out)
    if not out:
        raise argparse.ArgumentTypeError(f"no {what}s selected")
    return out


def parse_seeds(spec: str) -> list[int]:
    """``"0-2"`` -> [0, 1, 2]: one run per seed, and their median."""
    return parse_instances(spec, least=0, what="seed")


@dataclass(frozen=True)
class Target:
    """The issue's target for an instance: at most ``slack`` above the
    best known within ``limit`` seconds, and (13-19) below the best
    60-minute result in the literature."""

    limit: float
    slack: float
    below: int | None = None

    def met(self, objective: float | None, best: int, limit: float) -> bool:
        if objective is None or limit > self.limit:
            return False
        if self.below is not None and objective >= self.below:
            return False
        return objective <= best * (1 + self.slack)

    def describe(self, best: int) -> str:
        text = (
            "best known"
            if self.slack == 0
            else f"+{100 * self.slack:g} % of {best}"
        )
        if self.below is not None:
            text += f", < {self.below}"
        return f"{text} in {self.limit:g} s"


def target(number: int, lit_60min: int | None) -> Target:
    if number <= 12:
        return Target(60, 0.0)
    if number <= 19:
        return Target(300, 0.02, lit_60min)
    return Target(600, 0.05)


def best_known(
    instances_dir: Path, column: str = "best_known"
) -> dict[str, int]:
    """One column of ``best_known.csv`` beside the instances, by name."""
    path = instances_dir.parent / "best_known.csv"
    if not path.exists():
        return {}
    with path.open(newline="") as fh:
        return {
            row["instance"]: int(row[column])
            for row in csv.DictReader(fh)
            if row.get(column)
        }


# Output --------------------------------------------------------------------


def write_roster(roster: Roster, path: Path) -> None:
    p = roster.problem
    with atomic_path(path) as tmp, tmp.open("w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["employee", *range(p.num_days)])
        for o, op in enumerate(p.operators):
            row = [op.id]
            for d in range(p.num_days):
                a = roster.by_cell.get((o, d))
                row.append("" if a is None else p.shifts[a.shift].id)
            w.writerow(row)


def fmt(value: object) -> str:
    if value is None or value == "":
        return "-"
    if isinstance(value, float):
        return f"{value:.2f}" if abs(value) < 100 else f"{value:.0f}"
    return str(value)


def format_row(row: dict[str, object]) -> str:
    return "  ".join(
        f"{fmt(row.get(key)):>{width}}" for key, _, width in COLUMNS
    )


def header() -> str:
    head = "  ".join(f"{title:>{width}}" for _, title, width in COLUMNS)
    return f"{head}\n{'-' * len(head)}"


def append_result(path: Path, row: dict[str, object]) -> None:
    """Append one row; an existing file keeps its own header (columns)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fields = CSV_FIELDS
    new = not path.exists() or path.stat().st_size == 0
    if not new:
        with path.open(newline="") as fh:
            fields = next(csv.reader(fh), None) or CSV_FIELDS
    with path.open("a", newline="") as fh:
        w = csv.DictWriter(
            fh, fieldnames=fields, lineterminator="\n", extrasaction="ignore"
        )
        if new:
            w.writeheader()
        w.writerow({k: ("" if v is None else v) for k, v in row.items()})
        fh.flush()


def done_runs(path: Path) -> dict[tuple[str, int], dict[str, object]]:
    """Rows of the results file by (instance, seed); the latest stands."""
    if not path.exists():
        return {}
    with path.open(newline="") as fh:
        return {
            (row["instance"], int(row.get("seed") or 0)): dict(row)
            for row in csv.DictReader(fh)
        }


def median(values: list[int]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[mid]
    return (ordered[mid - 1] + ordered[mid]) / 2


def summary(
    rows: list[dict[str, object]],
    best: dict[str, int],
    lit_60min: dict[str, int],
) -> list[str]:
    """One line per instance: its objective on each seed, the median and
    its gap, and the issue's target, met on how many seeds and by the
    median (runs on a shared machine are noisy: the median is the
    figure to quote)."""
    by_instance: dict[str, list[dict[str, object]]] = {}
    for row in rows:
        by_instance.setdefault(str(row["instance"]), []).append(row)
    lines = [
        f"{'instance':>10}  {'limit s':>7}  {'objective by seed':<26}"
        f"  {'median':>8}  {'best':>6}  {'gap%':>6}  {'met':>4}"
        f"  {'median':>6}  target"
    ]
    for name, runs in by_instance.items():
        number = int(name.removeprefix("Instance"))
        limit = max(float(str(r["time_limit"])) for r in runs)
        objectives = [
            None
            if r.get("objective") in (None, "")
            else int(float(str(r["objective"])))
            for r in runs
        ]
        found = [v for v in objectives if v is not None]
        goal = target(number, lit_60min.get(name))
        bk = best.get(name)
        mid = median(found) if len(found) == len(runs) else None
        gap = "-" if mid is None or not bk else f"{100 * (mid - bk) / bk:.2f}"
        met = sum(bk is not None and goal.met(v, bk, limit) for v in found)
        mid_met = (
            mid is not None and bk is not None and goal.met(mid, bk, limit)
        )
        seeds = " / ".join("-" if v is None else str(v) for v in objectives)
        lines.append(
            f"{name:>10}  {limit:>7g}  {seeds:<26}  "
            f"{'-' if mid is None else f'{mid:g}':>8}  {fmt(bk):>6}  "
            f"{gap:>6}  {f'{met}/{len(runs)}':>4}  "
            f"{'yes' if mid_met else 'no':>6}  "
            f"{'-' if bk is None else goal.describe(bk)}"
        )
    return lines


# One instance --------------------------------------------------------------


@dataclass
class Settings:
    time_limit: float
    workers: int
    seed: int
    strategy: str
    extra: dict[str, object]
    log: bool
    core_hint: bool = True
    deterministic: bool = False
    fo_share: float | None = None


def run_instance(
    path: Path, out: Path, cfg: Settings, best: dict[str, int]
) -> dict[str, object]:
    started = time.monotonic()
    cpu = time.process_time()  # all threads, CP-SAT's included
    p = read_curtois(path)
    params = SolveParams(
        time_limit=cfg.time_limit,
        workers=cfg.workers,
        seed=cfg.seed,
        log=cfg.log,
        construct_hint=cfg.core_hint,
        deterministic=cfg.deterministic,
        **({} if cfg.fo_share is None else {"fo_share": cfg.fo_share}),
        extra={**STRATEGIES[cfg.strategy], **cfg.extra},
    )
    result = solve(p, params)
    total = time.monotonic() - started
    violations: int | None = None
    objective = None
    if result.roster is not None:
        violations = len(check(result.roster))
        objective = result.roster.objective()
        if result.objective is not None and objective != round(
            result.objective
        ):
            print(
                f"WARNING {p.name}: solver objective {result.objective} "
                f"!= roster objective {objective}",
                file=sys.stderr,
            )
        write_roster(result.roster, out / f"{p.name}.csv")
    bk = best.get(p.name)
    first = result.first_solution_time
    best_s = result.best_time
    return {
        "instance": p.name,
        "days": p.num_days,
        "employees": len(p.operators),
        "shift_types": len(p.shifts),
        "objective": objective,
        "bound": None if result.bound is None else round(result.bound),
        "best_known": bk,
        "gap_best_pct": (
            None
            if objective is None or not bk
            else round(100 * (objective - bk) / bk, 2)
        ),
        "first_s": None if first is None else round(first, 2),
        "best_s": None if best_s is None else round(best_s, 2),
        "total_s": round(total, 2),
        "cpu_s": round(time.process_time() - cpu, 1),
        "violations": violations,
        "status": result.status.value,
        "strategy": cfg.strategy,
        "core_hint": cfg.core_hint,
        "deterministic": cfg.deterministic,
        "fo_share": cfg.fo_share,
        "time_limit": cfg.time_limit,
        "workers": cfg.workers,
        "seed": cfg.seed,
        "core": core_version(),
    }


# CLI -----------------------------------------------------------------------


def parse_param(text: str) -> tuple[str, object]:
    key, eq, raw = text.partition("=")
    if not eq or not key:
        msg = f"--param wants key=value, got {text!r}"
        raise argparse.ArgumentTypeError(msg)
    value: object = raw
    if raw.lower() in ("true", "false"):
        value = raw.lower() == "true"
    else:
        for kind in (int, float):
            try:
                value = kind(raw)
                break
            except ValueError:
                pass
    return key, value


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        description="Solve Curtois-Qu benchmark instances with the core."
    )
    ap.add_argument(
        "--instances",
        type=parse_instances,
        default=parse_instances("1-24"),
        help="instance numbers, e.g. 1-12,15 (default 1-24)",
    )
    ap.add_argument("--time-limit", type=float, default=60.0)
    ap.add_argument("--workers", type=int, default=8)
    ap.add_argument(
        "--seed",
        type=parse_seeds,
        default=[0],
        help="seed, or seeds (e.g. 0-2): one run each, then their median"
        " per instance; with several, rosters go to OUT/seedK/",
    )
    ap.add_argument("--out", type=Path, default=Path("outputs/curtois"))
    ap.add_argument("--dir", type=Path, default=DEFAULT_DIR)
    ap.add_argument(
        "--results", type=Path, help="results CSV (default OUT/results.csv)"
    )
    ap.add_argument(
        "--resume",
        action="store_true",
        help="skip (instance, seed) runs already in the results CSV",
    )
    ap.add_argument(
        "--strategy", choices=sorted(STRATEGIES), default="default"
    )
    ap.add_argument(
        "--param",
        type=parse_param,
        action="append",
        default=[],
        help="extra CP-SAT parameter key=value (repeatable)",
    )
    ap.add_argument(
        "--fo-share",
        type=float,
        help="share of the time for the core's fix-and-optimize before"
        " CP-SAT (default: the core's)",
    )
    ap.add_argument(
        "--no-core-hint",
        action="store_true",
        help="switch off the core's own greedy construction hint",
    )
    ap.add_argument(
        "--deterministic",
        action="store_true",
        help="time limit in CP-SAT deterministic seconds (load-independent;"
        " for comparing strategies on a busy machine)",
    )
    ap.add_argument("--log", action="store_true", help="CP-SAT search log")
    return ap


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    core_version()  # fingerprint the core as loaded, before any solve
    results = args.results or args.out / "results.csv"
    done = done_runs(results) if args.resume else {}
    best = best_known(args.dir)
    lit_60min = best_known(args.dir, "best_60min_literature")
    seeds: list[int] = args.seed
    cfg = Settings(
        time_limit=args.time_limit,
        workers=args.workers,
        seed=seeds[0],
        strategy=args.strategy,
        extra=dict(args.param),
        log=args.log,
        core_hint=not args.no_core_hint,
        deterministic=args.deterministic,
        fo_share=args.fo_share,
    )
    # A mistyped --dir or instance fails now, not after hours of solving.
    paths = {i: args.dir / f"Instance{i}.txt" for i in args.instances}
    missing = [str(path) for path in paths.values() if not path.is_file()]
    if missing:
        print(
            f"error: no such instance file: {', '.join(missing)}",
            file=sys.stderr,
        )
        return 2
    rows: list[dict[str, object]] = []
    resumed: list[dict[str, object]] = []
    print(header(), flush=True)
    for i in args.instances:
        name = f"Instance{i}"
        for seed in seeds:
            if (name, seed) in done:
                print(
                    f"{name:>10}  (seed {seed} in {results}, skipped)",
                    flush=True,
                )
                resumed.append(done[name, seed])
                continue
            out = args.out if len(seeds) == 1 else args.out / f"seed{seed}"
            try:
                row = run_instance(
                    paths[i], out, replace(cfg, seed=seed), best
                )
            except InputError as exc:
                # Rows solved so far are in the results file (--resume).
                print(f"error: {exc}", file=sys.stderr)
                return 2
            append_result(results, row)
            rows.append(row)
            print(format_row(row), flush=True)
    print(
        f"\nCurtois-Qu, strategy {cfg.strategy}, time limit "
        f"{cfg.time_limit:g} {'deterministic ' if cfg.deterministic else ''}"
        f"s, {cfg.workers} workers, seed {', '.join(map(str, seeds))}, "
        f"{core_version()}\n"
    )
    print(header())
    for row in rows:
        print(format_row(row))
    print()
    order = {f"Instance{i}": k for k, i in enumerate(args.instances)}
    runs = sorted(resumed + rows, key=lambda r: order[str(r["instance"])])
    print("\n".join(summary(runs, best, lit_60min)))
    bad = [r for r in rows if r["violations"] != 0]
    if bad:
        names = ", ".join(str(r["instance"]) for r in bad)
        print(f"\nchecker violations or no roster: {names}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
