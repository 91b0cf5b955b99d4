"""Run the core solver on the Curtois-Qu benchmark and tabulate it.

    python benchmarks/curtois.py --instances 1-3 --time-limit 20

For each instance: read it, solve it with ``scheduler.core.solve``, check
the roster with the independent checker, write ``OUT/InstanceN.csv`` (one
row per employee, the shift id or nothing per day), print a row and
append it to the results CSV. A final aligned table closes the run.

``--strategy`` selects experiments (see ``STRATEGIES``); they only change
CP-SAT parameters or pass a ``hint=`` roster to ``solve``, so the core is
measured as it is. ``--param key=value`` sets any further CP-SAT
parameter. The hint strategies spend part of the time limit on a
construction (see ``construct``) and the rest in CP-SAT, so the total
stays comparable with plain runs.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import functools
import hashlib
import random
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from ortools.sat.python import cp_model  # noqa: E402

from scheduler.atomic import atomic_path  # noqa: E402
from scheduler.core.checker import check  # noqa: E402
from scheduler.core.construct import (  # noqa: E402
    construct as core_construct,
)
from scheduler.core.cpsat.model import CPModel  # noqa: E402
from scheduler.core.problem import ProblemData  # noqa: E402
from scheduler.core.solution import Assignment, Roster  # noqa: E402
from scheduler.core.solve import SolveParams, solve  # noqa: E402
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
    # Only the construction's hint plus default CP-SAT.
    "hint": {},
    # Hint plus full LP.
    "hint-lp2": {"linearization_level": 2},
}
HINT_STRATEGIES = {"hint", "hint-lp2"}

COLUMNS = [
    ("instance", "instance", 10),
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
    "construct_obj",
    "construct_s",
    "strategy",
    "core_hint",
    "deterministic",
    "lns_share",
    "time_limit",
    "workers",
    "seed",
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


def parse_instances(spec: str) -> list[int]:
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
            msg = f"bad instance range {part!r} (use e.g. 1-12,15)"
            raise argparse.ArgumentTypeError(msg) from None
        if first < 1 or last < first:
            raise argparse.ArgumentTypeError(f"bad instance range {part!r}")
        out.extend(i for i in range(first, last + 1) if i not in out)
    if not out:
        raise argparse.ArgumentTypeError("no instances selected")
    return out


def best_known(instances_dir: Path) -> dict[str, int]:
    path = instances_dir.parent / "best_known.csv"
    if not path.exists():
        return {}
    with path.open(newline="") as fh:
        return {
            row["instance"]: int(row["best_known"])
            for row in csv.DictReader(fh)
            if row.get("best_known")
        }


# Construction: per-employee best responses -------------------------------


class Construction:
    """Employee-by-employee construction and improvement.

    Every hard rule of this benchmark concerns one employee, so the
    employees interact only through cover. With the others fixed, one
    employee's best schedule is a small exact CP-SAT model whose linear
    cost is the marginal cover cost (``-weight_under`` while the cell is
    short, ``+weight_over`` once it is full) plus the request weights.
    Sweeping the employees in random order never makes the roster worse
    (a best response is at least as good as the current schedule); it is
    the one-employee "fix-and-optimize" neighbourhood of the literature.
    """

    def __init__(self, p: ProblemData, seed: int = 0) -> None:
        self.p = p
        self.seed = seed
        self.rng = random.Random(seed)
        self.legal: set[int] = set()  # employees with a legal schedule
        self.sweeps = 0
        self.cover = {(c.day, p.shift_index[c.shift]): c for c in p.day_cover}
        self.requests: dict[tuple[int, int, int], int] = {}
        for pref in p.preferences:
            if pref.shift is None:
                continue
            key = (
                p.operator_index[pref.operator],
                pref.day,
                p.shift_index[pref.shift],
            )
            sign = -1 if pref.want else 1
            self.requests[key] = self.requests.get(key, 0) + sign * (
                pref.weight
            )
        self.count: dict[tuple[int, int], int] = {}
        self.schedule: dict[int, set[tuple[int, int]]] = {
            o: set() for o in range(len(p.operators))
        }
        self.models: dict[int, CPModel] = {}

    def _model(self, o: int) -> CPModel:
        if o not in self.models:
            self.models[o] = CPModel(self.p, operators=[o], objective=False)
        return self.models[o]

    def best_response(self, o: int, effort: float = 1.0) -> bool:
        """Re-optimise employee ``o`` against the others; True if moved.

        ``effort`` is CP-SAT's deterministic time for this one employee
        (with a wall-clock guard ten times as long), so a construction is
        reproducible whatever the machine's load."""
        cpm = self._model(o)
        own = self.schedule[o]
        cost: dict[tuple[int, int], int] = {}
        for _, d, s in cpm.variables.x:
            coef = self.requests.get((o, d, s), 0)
            c = self.cover.get((d, s))
            if c is not None:
                others = self.count.get((d, s), 0) - ((d, s) in own)
                coef += (
                    -c.weight_under if others < c.required else (c.weight_over)
                )
            cost[d, s] = coef
        model = cpm.model
        model.minimize(
            sum(cost[d, s] * x for (_, d, s), x in cpm.variables.x.items())
        )
        model.clear_hints()
        for (_, d, s), x in cpm.variables.x.items():
            model.add_hint(x, (d, s) in own)
        solver = cp_model.CpSolver()
        prm = solver.parameters
        prm.num_workers = 1
        prm.random_seed = self.seed
        prm.max_deterministic_time = effort
        prm.max_time_in_seconds = 10 * effort
        # Measured: the full LP proves these one-employee models optimal in
        # about 0.1 s; the default (level 1) often needs more than 5 s.
        prm.linearization_level = 2
        code = solver.solve(model)
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return False
        new = {
            (d, s)
            for (_, d, s), x in cpm.variables.x.items()
            if solver.boolean_value(x)
        }
        if o in self.legal and sum(cost[c] for c in new) >= sum(
            cost[c] for c in own
        ):
            return False  # keep a legal schedule unless strictly better
        self.legal.add(o)
        for cell in own - new:
            self.count[cell] -= 1
        for cell in new - own:
            self.count[cell] = self.count.get(cell, 0) + 1
        self.schedule[o] = new
        return new != own

    def roster(self) -> Roster:
        return Roster(
            self.p,
            [
                Assignment(o, d, s)
                for o, cells in self.schedule.items()
                for d, s in cells
            ],
        )

    def start_from(self, roster: Roster) -> None:
        """Take ``roster`` as the current (not necessarily legal) state."""
        self.schedule = {o: set() for o in range(len(self.p.operators))}
        self.count = {}
        self.legal = set()
        for a in roster.assignments:
            self.schedule[a.operator].add((a.day, a.shift))
            key = (a.day, a.shift)
            self.count[key] = self.count.get(key, 0) + 1

    def run(self, budget: float, max_sweeps: int | None = None) -> Roster:
        """Start from the core's greedy roster (it keeps the "at most"
        rules but may break the minimum ones), repair-and-improve every
        employee once (so each gets a legal schedule, whatever the budget),
        then sweep again until none moves, ``budget`` seconds have passed
        or ``max_sweeps`` sweeps are done."""
        deadline = time.monotonic() + budget
        self.start_from(core_construct(self.p))
        ops = list(range(len(self.p.operators)))
        self.rng.shuffle(ops)
        for o in ops:
            if not self.best_response(o) and o not in self.legal:
                self.best_response(o, effort=10.0)
        sweeps, moved = 1, True
        while moved and time.monotonic() < deadline:
            if max_sweeps is not None and sweeps >= max_sweeps:
                break
            moved = False
            sweeps += 1
            self.rng.shuffle(ops)
            for o in ops:
                if time.monotonic() >= deadline:
                    break
                moved |= self.best_response(o)
        self.sweeps = sweeps
        return self.roster()


def construct(
    p: ProblemData, budget: float, seed: int, max_sweeps: int | None = None
) -> Roster:
    return Construction(p, seed).run(budget, max_sweeps)


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


def done_instances(path: Path) -> set[str]:
    if not path.exists():
        return set()
    with path.open(newline="") as fh:
        return {row["instance"] for row in csv.DictReader(fh)}


# One instance --------------------------------------------------------------


@dataclass
class Settings:
    time_limit: float
    workers: int
    seed: int
    strategy: str
    extra: dict[str, object]
    construct_share: float
    log: bool
    core_hint: bool = True
    deterministic: bool = False
    construct_sweeps: int = 4
    lns_share: float | None = None


def run_instance(
    path: Path, out: Path, cfg: Settings, best: dict[str, int]
) -> dict[str, object]:
    started = time.monotonic()
    cpu = time.process_time()  # all threads, CP-SAT's included
    p = read_curtois(path)
    hint = None
    construct_obj = construct_s = None
    limit = cfg.time_limit
    if cfg.strategy in HINT_STRATEGIES:
        t0 = time.monotonic()
        hint = construct(
            p,
            float("inf") if cfg.deterministic else cfg.construct_share * limit,
            cfg.seed,
            max_sweeps=cfg.construct_sweeps if cfg.deterministic else None,
        )
        construct_s = time.monotonic() - t0
        construct_obj = hint.objective()
        if not cfg.deterministic:  # the wall-clock limit covers both
            limit = max(1.0, limit - construct_s)
    params = SolveParams(
        time_limit=limit,
        workers=cfg.workers,
        seed=cfg.seed,
        log=cfg.log,
        construct_hint=cfg.core_hint,
        deterministic=cfg.deterministic,
        **({} if cfg.lns_share is None else {"lns_share": cfg.lns_share}),
        extra={**STRATEGIES[cfg.strategy], **cfg.extra},
    )
    result = solve(p, params, hint=hint)
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
    offset = construct_s or 0.0
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
        "first_s": None if first is None else round(first + offset, 2),
        "best_s": None if best_s is None else round(best_s + offset, 2),
        "total_s": round(total, 2),
        "cpu_s": round(time.process_time() - cpu, 1),
        "violations": violations,
        "status": result.status.value,
        "construct_obj": construct_obj,
        "construct_s": None if construct_s is None else round(construct_s, 2),
        "strategy": cfg.strategy,
        "core_hint": cfg.core_hint,
        "deterministic": cfg.deterministic,
        "lns_share": cfg.lns_share,
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
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, default=Path("outputs/curtois"))
    ap.add_argument("--dir", type=Path, default=DEFAULT_DIR)
    ap.add_argument(
        "--results", type=Path, help="results CSV (default OUT/results.csv)"
    )
    ap.add_argument(
        "--resume",
        action="store_true",
        help="skip instances already in the results CSV",
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
        "--construct-share",
        type=float,
        default=0.25,
        help="share of the time limit for the hint construction",
    )
    ap.add_argument(
        "--construct-sweeps",
        type=int,
        default=4,
        help="sweeps of the hint construction under --deterministic",
    )
    ap.add_argument(
        "--lns-share",
        type=float,
        help="share of the time for the core's window LNS (core default)",
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
    skip = done_instances(results) if args.resume else set()
    best = best_known(args.dir)
    cfg = Settings(
        time_limit=args.time_limit,
        workers=args.workers,
        seed=args.seed,
        strategy=args.strategy,
        extra=dict(args.param),
        construct_share=args.construct_share,
        log=args.log,
        core_hint=not args.no_core_hint,
        deterministic=args.deterministic,
        construct_sweeps=args.construct_sweeps,
        lns_share=args.lns_share,
    )
    rows: list[dict[str, object]] = []
    print(header(), flush=True)
    for i in args.instances:
        name = f"Instance{i}"
        if name in skip:
            print(f"{name:>10}  (in {results}, skipped)", flush=True)
            continue
        row = run_instance(args.dir / f"{name}.txt", args.out, cfg, best)
        append_result(results, row)
        rows.append(row)
        print(format_row(row), flush=True)
    print(
        f"\nCurtois-Qu, strategy {cfg.strategy}, time limit "
        f"{cfg.time_limit:g} {'deterministic ' if cfg.deterministic else ''}"
        f"s, {cfg.workers} workers, seed {cfg.seed}, {core_version()}\n"
    )
    print(header())
    for row in rows:
        print(format_row(row))
    bad = [r for r in rows if r["violations"] != 0]
    if bad:
        names = ", ".join(str(r["instance"]) for r in bad)
        print(f"\nchecker violations or no roster: {names}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
