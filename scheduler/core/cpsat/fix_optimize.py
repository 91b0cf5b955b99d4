"""Fix-and-optimize: re-plan a few operators at a time against the rest.

Nearly every hard rule concerns one operator; operators meet only in the
soft terms (cover, load, fairness maxima). So with everyone else's roster
held fixed, re-planning k operators is a small exact CP-SAT model (see
``CPModel(others=...)``) that one worker solves in a fraction of a second,
whatever the size of the centre or the length of the horizon: a 150
operator, 52-week problem whose full model has 1.6 million variables gives
sub-models of 11,000. This is the operator-wise fix-and-optimize (or
"decomposition by employee") neighbourhood of the nurse-rostering
literature, and it serves two purposes:

* repair: an operator whose schedule breaks a hard rule (the greedy
  construction keeps the "at most" rules, not the minimum ones) is
  re-planned alone, which makes their schedule legal at the least cost;
* improvement: random groups of operators are re-planned while time lasts;
  a group's new schedule is kept when the whole roster's objective, as the
  roster recomputes it, does not get worse.

Sub-solves use deterministic time (and, with ``deterministic``, CP-SAT's
interleaved search); with a fixed seed the whole search is reproducible.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable

from ortools.sat.python import cp_model

from ..checker import check
from ..problem import ProblemData
from ..solution import Roster
from .model import CPModel

#: Deterministic seconds one sub-model may use.
STEP_EFFORT = 1.0
#: Most operators re-planned together.
MAX_GROUP = 12
#: Above this many cells a repair stops at the first legal schedule.
LONG_REPAIR = 5000
#: On horizons longer than two of these, improvement frees one window of
#: this many days (the decomposition over time of the long instances): a
#: year of one operator is a large model, four weeks of a few is small.
WINDOW_DAYS = 28
#: Days freed either side of a repaired operator's breaches.
REPAIR_MARGIN = 7
#: Workers per repair sub-solve. Measured on Curtois Instance 23 (one operator,
#: 364 days): one worker finds no legal schedule in 20 s, two find one in
#: 0.9 s (the second worker's heuristics); two also use both cores of the
#: machines this runs on.
SUB_WORKERS = 2


class FixAndOptimize:
    def __init__(self, p: ProblemData, roster: Roster, seed: int = 0,
                 workers: int = SUB_WORKERS,
                 deterministic: bool = False) -> None:
        self.p = p
        self.workers = workers
        self.deterministic = deterministic
        self.roster = roster
        self.objective = roster.objective()
        self.rng = random.Random(seed)
        self.size = 2  # operators per neighbourhood, adapted as we go
        self.work = 0.0  # deterministic seconds spent
        self.steps = 0
        self.improvements = 0
        self.largest = 0  # most variables in one sub-model

    def replan(self, ops: list[int], effort: float = STEP_EFFORT,
               force: bool = False, days: range | None = None) -> bool:
        """Re-plan ``ops`` with the rest fixed; True if the roster moved.

        With ``days``, only those days of ``ops`` are free: their other
        cells stay as they are (the model still sees them, so runs and
        horizon totals across the window's edges hold). ``force`` takes
        any legal result (repair); otherwise the new roster is kept only if
        its objective is no worse."""
        cpm = CPModel(self.p, operators=ops, others=self.roster)
        cpm.variables.warmstart(self.roster)
        free = len(cpm.variables.x)
        if days is not None:
            chosen = {(a.operator, a.day, a.shift)
                      for a in self.roster.assignments}
            domains = cpm.model.proto.variables
            for cell, var in cpm.variables.x.items():
                if cell[1] not in days:
                    domain = domains[var.index].domain
                    domain[0] = domain[1] = int(cell in chosen)
                    free -= 1
        self.largest = max(self.largest, free)
        solver = cp_model.CpSolver()
        prm = solver.parameters
        # Improvement steps: one worker (measured better than two on
        # Curtois 5 and 11, whose groups then grow larger); repairs: more.
        prm.num_workers = self.workers if force else 1
        if self.deterministic and prm.num_workers > 1:
            prm.interleave_search = True
        prm.random_seed = self.rng.randrange(1 << 30)
        prm.max_deterministic_time = effort
        # A wall-clock guard only; deterministic runs must never reach it
        # (a loaded machine would otherwise change the roster).
        prm.max_time_in_seconds = (100 if self.deterministic else 10) * effort
        # Measured on Curtois instances: the full LP proves one-operator
        # models optimal in about 0.1 s; the default level often needs 5 s.
        prm.linearization_level = 2
        if force and free > LONG_REPAIR:
            # A year of one operator's shifts takes CP-SAT 30 s or more
            # to optimise (Curtois Instance 24) but about 3 s to make legal;
            # the improvement phase then works on the legal roster.
            prm.stop_after_first_solution = True
        code = solver.solve(cpm.model)
        self.work += solver.deterministic_time
        self.steps += 1
        if not force:
            # Grow the groups while sub-models are proven optimal quickly,
            # shrink them when one runs out of time: the neighbourhood
            # stays as large as one worker can search exhaustively.
            if code == cp_model.OPTIMAL and \
                    solver.deterministic_time < effort / 4:
                self.size = min(self._max_size(), self.size + 1)
            elif code != cp_model.OPTIMAL:
                self.size = max(1, self.size - 1)
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return False
        roster = cpm.variables.roster(solver)
        objective = roster.objective()
        if not force and objective > self.objective:
            return False
        if objective < self.objective and not force:
            self.improvements += 1
        self.roster, self.objective = roster, objective
        return True

    def _max_size(self) -> int:
        """Groups stay well short of the whole team: beyond that the
        sub-model is the full model and CP-SAT proper does better."""
        return max(1, min(MAX_GROUP, len(self.p.operators) // 2))

    def broken(self) -> dict[int, range | None]:
        """Operators whose own schedule breaks a hard rule, each with the
        days to free to mend it: around the breaches when every one has a
        day, the whole horizon when one concerns it all (totals)."""
        index = self.p.operator_index
        days: dict[int, list[int | None]] = {}
        for v in check(self.roster):
            if v.operator is not None:
                days.setdefault(index[v.operator], []).append(v.day)
        result: dict[int, range | None] = {}
        for o, where in sorted(days.items()):
            if None in where:
                result[o] = None
                continue
            lo = max(0, min(where) - REPAIR_MARGIN)  # type: ignore[type-var]
            hi = min(self.p.num_days, max(where) + REPAIR_MARGIN + 1)  # type: ignore[type-var]
            result[o] = range(lo, hi)
        return result

    def repair(self, deadline: float) -> bool:
        """Re-plan each rule-breaking operator alone; True if all legal."""
        for o, days in self.broken().items():
            if time.monotonic() >= deadline:
                return False
            if not self.replan([o], effort=10 * STEP_EFFORT, force=True,
                               days=days) and (
                    days is None or not self.replan(
                        [o], effort=10 * STEP_EFFORT, force=True)):
                return False
        return not check(self.roster)

    def improve(self, deadline: float,
                on_improve: Callable[[Roster, int], None] = lambda r, o: None,
                should_stop: Callable[[], bool] = lambda: False,
                work_limit: float | None = None) -> Roster:
        """Re-plan random groups (on long horizons, in a random window of
        days) until ``deadline`` (time.monotonic), a stop, or
        ``work_limit`` deterministic seconds (reproducible)."""
        ops = list(range(len(self.p.operators)))
        horizon = self.p.num_days
        while time.monotonic() < deadline - 0.2 and not should_stop():
            if work_limit is not None and self.work >= work_limit:
                break
            group = self.rng.sample(ops, min(self.size, len(ops)))
            days = None
            if horizon > 2 * WINDOW_DAYS:
                start = self.rng.randrange(horizon - WINDOW_DAYS + 1)
                days = range(start, start + WINDOW_DAYS)
            before = self.objective
            if self.replan(sorted(group), days=days) and \
                    self.objective < before:
                on_improve(self.roster, self.objective)
        return self.roster
