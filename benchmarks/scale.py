"""How the roster solver scales with the size of the centre.

Generates 24/7 centres of 50, 100, 300 and 1000 operators (28 days,
30-minute intervals) plus the bundled sample, solves each in a fresh
process (so peak memory is that solve's own) and prints a table:
operators, variables, time to first feasible, objective, bound and gap at
checkpoints, peak memory. Not a test: run it by hand.

    python benchmarks/scale.py                       # all sizes, 60 s / 300 s
    python benchmarks/scale.py --sizes 50,100 --time-limit 30
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _solve_one(size: str, time_limit: float, workers: int, seed: int,
               checkpoints: list[float], queue: mp.Queue,
               fo_share: float | None = None) -> None:
    from scheduler.center.generate import generate_center
    from scheduler.center.staffing import requirement
    from scheduler.center.to_problem import to_problem
    from scheduler.core.checker import check
    from scheduler.core.solve import SolveParams, solve
    from scheduler.read_center import read_center

    t0 = time.monotonic()
    if size == "sample":
        center = read_center(ROOT / "inputs" / "sample")
    else:
        center = generate_center(operators=int(size), seed=seed)
    problem = to_problem(center, requirement(center))
    trail: list[tuple[float, float | None, float]] = []

    def hook(event) -> None:
        trail.append((event.elapsed, event.objective, event.bound))

    result = solve(problem, SolveParams(time_limit=time_limit,
                                        workers=workers, seed=seed,
                                        fo_share=fo_share),
                   progress=hook)
    violations = len(check(result.roster)) if result.roster else None
    at = {}
    for cp in checkpoints:
        best_obj, best_bound = None, None
        for elapsed, obj, bound in trail:
            if elapsed <= cp:
                best_obj = obj if obj is not None else best_obj
                best_bound = bound
        gap = None
        if best_obj and best_bound is not None:
            gap = max(0.0, (best_obj - best_bound) / abs(best_obj))
        at[cp] = gap
    queue.put({
        "instance": size,
        "operators": len(problem.operators),
        "variables": result.stats.get("variables"),
        "build_s": result.build_time,
        "first_s": result.first_solution_time,
        "objective": result.objective,
        "bound": result.bound,
        "gap": result.gap,
        "gap_at": at,
        "status": result.status.value,
        "violations": violations,
        "total_s": time.monotonic() - t0,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    })


def run(size: str, time_limit: float, workers: int, seed: int,
        checkpoints: list[float], fo_share: float | None = None) -> dict:
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_solve_one, args=(size, time_limit, workers,
                                                seed, checkpoints, queue,
                                                fo_share))
    proc.start()
    out = queue.get()
    proc.join()
    return out


def _fmt(v, spec: str = "") -> str:
    if v is None:
        return "-"
    return format(v, spec)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="sample,50,100,300,1000",
                    help="comma list of operator counts and/or 'sample'")
    ap.add_argument("--time-limit", type=float, default=None,
                    help="seconds per instance (default 60, and 300 for "
                    "300 operators or more)")
    ap.add_argument("--workers", type=int, default=8)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--fo-share", type=float, default=None,
                    help="share of the limit for fix-and-optimize "
                    "(default: the solver's, default_fo_share)")
    args = ap.parse_args()
    rows = []
    header = (f"{'instance':>9} {'ops':>5} {'vars':>8} {'cpsat@ s':>8} "
              f"{'first s':>8} {'objective':>12} {'bound':>12} "
              f"{'gap@60s':>8} {'gap':>7} {'status':>9} {'viol':>4} "
              f"{'peak MB':>8}")
    print(header, flush=True)
    for size in args.sizes.split(","):
        big = size != "sample" and int(size) >= 300
        limit = args.time_limit or (300.0 if big else 60.0)
        r = run(size, limit, args.workers, args.seed, [10.0, 60.0, 300.0],
                args.fo_share)
        rows.append(r)
        g60 = r["gap_at"].get(60.0)
        print(f"{r['instance']:>9} {r['operators']:>5} "
              f"{r['variables']:>8} {r['build_s']:>8.1f} "
              f"{_fmt(r['first_s'], '>8.1f'):>8} "
              f"{_fmt(r['objective'], '>12,.0f'):>12} "
              f"{_fmt(r['bound'], '>12,.0f'):>12} "
              f"{_fmt(g60 and 100 * g60, '>7.2f'):>8} "
              f"{_fmt(r['gap'] and 100 * r['gap'], '>6.2f'):>7} "
              f"{r['status']:>9} {_fmt(r['violations']):>4} "
              f"{r['peak_mb']:>8.0f}", flush=True)
    share = "default" if args.fo_share is None else args.fo_share
    print(f"\n(time limit per instance: {args.time_limit or '60 s / 300 s'}; "
          f"workers {args.workers}; seed {args.seed}; fix-and-optimize "
          f"share {share}; gap = (objective - bound) / objective; "
          f"cpsat@ s: when CP-SAT on the full model started, after "
          f"construction, repair and fix-and-optimize)")


if __name__ == "__main__":
    main()
