"""Large-neighbourhood search around CP-SAT: re-solve one window at a time.

On two cores CP-SAT spends most of a minute presolving and loading a
30,000-variable roster model into its workers before it improves anything.
Freeing only a window of days (and, in large centres, a subset of the
operators) gives sub-models that presolve in a fraction of a second and
solve near-optimally, so the incumbent improves steadily from the first
seconds. Every sub-model is the full model with the cells outside the window
fixed, so any solution it returns is a solution of the whole problem and its
objective is the true one. Sub-solves use one worker and deterministic time,
so with a fixed seed the whole search is reproducible.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from .model import CPModel

# Free cells per neighbourhood: large enough to move whole weeks of a
# team, small enough for one worker to solve it in about a second.
TARGET_FREE = 1500


@dataclass
class Incumbent:
    values: list[int]
    objective: float


def neighbourhoods(cpm: CPModel, rng: random.Random,
                   target: int = TARGET_FREE):
    """Endless stream of (days, operators) windows to re-optimise.

    Two kinds alternate: a Monday-Sunday week for a random subset of the
    operators (moves work between days and shift types inside the weekly
    rules), and a few consecutive days for everyone (re-times a stretch of
    the roster against the demand curve).
    """
    p = cpm.data
    per_op_day = max(1, len(cpm.variables.x)
                     // max(1, p.num_days * len(cpm.variables.operators)))
    ops = list(cpm.variables.operators)
    weeks = [w for w in p.weeks if len(w) >= 2] or list(p.weeks)
    kind = 0
    while True:
        kind += 1
        if kind % 2:
            week = rng.choice(weeks)
            k = max(1, min(len(ops), target // (per_op_day * len(week))))
            yield set(week), set(rng.sample(ops, k))
        else:
            width = max(1, min(p.num_days,
                               target // (per_op_day * len(ops))))
            k = max(1, min(len(ops), target // (per_op_day * width)))
            start = rng.randrange(0, p.num_days - width + 1)
            yield (set(range(start, start + width)),
                   set(rng.sample(ops, k)))


def improve(cpm: CPModel, incumbent: Incumbent, deadline: float,
            seed: int, on_improve: Callable[[Incumbent], None],
            should_stop: Callable[[], bool] = lambda: False,
            work_limit: float | None = None,
            step_seconds: float = 2.0) -> Incumbent:
    """Re-solve windows until ``deadline`` (time.monotonic), a stop, or,
    when ``work_limit`` is given, that much CP-SAT deterministic time:
    the reproducible budget for deterministic runs."""
    rng = random.Random(seed)
    x = cpm.variables.x
    work = 0.0
    for days, ops in neighbourhoods(cpm, rng):
        left = deadline - time.monotonic()
        if left < 0.3 or should_stop():
            break
        if work_limit is not None and work >= work_limit:
            break
        clone = cpm.model.clone()
        variables = clone.proto.variables
        values = incumbent.values
        for (o, d, _), var in x.items():
            if d in days and o in ops:
                continue
            v = values[var.index]
            domain = variables[var.index].domain
            domain[0] = v
            domain[1] = v
        clone.clear_hints()
        hint = clone.proto.solution_hint
        hint.vars.extend(range(len(values)))
        hint.values.extend(values)
        solver = cp_model.CpSolver()
        prm = solver.parameters
        prm.num_workers = 1
        prm.random_seed = rng.randrange(1 << 30)
        prm.max_deterministic_time = step_seconds
        prm.max_time_in_seconds = min(left, 4 * step_seconds)
        code = solver.solve(clone)
        work += solver.deterministic_time
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            continue
        values = list(solver.response_proto.solution)
        objective = cpm.objective_at(values)
        if objective < incumbent.objective:
            incumbent = Incumbent(values, objective)
            on_improve(incumbent)
    return incumbent
