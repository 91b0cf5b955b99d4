"""The single entry point: ``solve(problem, params) -> Result``."""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from enum import StrEnum

from ortools.sat.python import cp_model

from . import limits
from .construct import construct
from .cpsat.aggregate import solve_aggregate
from .cpsat.fix_optimize import WINDOW_DAYS, FixAndOptimize
from .cpsat.model import CPModel, Progress, ProgressCallback, ProgressHook
from .problem import ProblemData
from .solution import Roster

# Measured on the 2-core machines (see README, "Solver defaults"): with 2
# or 4 workers CP-SAT runs no bound-proving subsolvers and the gap stays
# open for minutes; 8 workers prove optimality on the same models.
DEFAULT_WORKERS = 8
#: Above this many cells the full CP-SAT model is not built: on two cores
#: it takes minutes and gigabytes to load (Curtois Instance 24, 1.65 million
#: variables: 94 s to build in Python alone) and fix-and-optimize does all
#: the search.
LARGE_MODEL = 400_000
#: Fix-and-optimize steps in a row without a gain (spanning, too,
#: ``fix_optimize.STALL_SHARE`` of its share of the limit) after
#: which CP-SAT takes over: small problems stall within seconds (Curtois
#: 1-3: the neighbourhoods hold half the team and are proven optimal each
#: step) and CP-SAT then proves the optimum; larger ones keep improving
#: for most of their share.
FO_PATIENCE = 25
#: Fix-and-optimize steps searched side by side (one worker each): the
#: machines this is measured on have two cores. Set from the workers asked
#: for, never from the machine, so a seed gives the same roster anywhere.
FO_LANES = 2
#: Most of the limit the repair of a greedy roster may take.
REPAIR_SHARE = 0.5
#: With load, model sizes (cells) between which fix-and-optimize's default
#: share grows from 0.25 to 0.5 (``default_fo_share``), so that the
#: centres measured to prefer each (10,830 and 18,026 cells) get it.
LOAD_FO_CELLS = (12_000, 18_000)


@dataclass
class Incumbent:
    """A full assignment of the model's variables and its objective."""

    values: list[int]
    objective: float


class SolveStatus(StrEnum):
    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"
    NO_SOLUTION = "no solution in time"
    INVALID = "model invalid"


@dataclass(frozen=True)
class SolveParams:
    """How to search. ``deterministic`` swaps the wall-clock limit for
    CP-SAT's deterministic time, so the same input, seed and workers give
    the same roster on any machine load."""

    time_limit: float = 60.0
    workers: int = DEFAULT_WORKERS
    seed: int = 0
    deterministic: bool = False
    log: bool = False
    construct_hint: bool = True
    # Share of the limit for fix-and-optimize before CP-SAT; None: the
    # measured default for the problem (``default_fo_share``).
    fo_share: float | None = None
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def wall_limit(self) -> float:
        """Wall-clock seconds the solve may take. Deterministic runs are
        bounded in deterministic time; the wall clock only guards against
        a runaway, since any phase it cut short on a loaded machine would
        change the roster."""
        if self.deterministic:
            return max(10 * self.time_limit, 60.0)
        return self.time_limit

    def apply(self, solver: cp_model.CpSolver) -> None:
        prm = solver.parameters
        prm.num_workers = self.workers
        prm.random_seed = self.seed
        prm.max_time_in_seconds = self.wall_limit
        if self.deterministic:
            prm.max_deterministic_time = self.time_limit
            if self.workers > 1:
                prm.interleave_search = True
        prm.log_search_progress = self.log
        for key, value in self.extra.items():
            setattr(prm, key, value)


class SolveControl:
    """Lets another thread or a signal handler stop a running solve.

    ``stop()`` ends the search as soon as CP-SAT notices; ``solve`` then
    returns the best roster found so far and ``interrupted`` is True.
    """

    def __init__(self) -> None:
        self._solver: cp_model.CpSolver | None = None
        self.interrupted = False

    def attach(self, solver: cp_model.CpSolver) -> None:
        self._solver = solver
        if self.interrupted:
            solver.stop_search()

    def stop(self) -> None:
        self.interrupted = True
        if self._solver is not None:
            self._solver.stop_search()


@dataclass
class Result:
    status: SolveStatus
    roster: Roster | None
    # Integers: every objective coefficient is an integer, so CP-SAT's
    # floating-point sums are rounded back to the exact value.
    objective: int | None
    bound: int | None
    wall_time: float
    # Seconds until CP-SAT on the full model started: the relaxation,
    # construction, repair and fix-and-optimize come first (0 for large
    # problems, which skip it).
    build_time: float
    first_solution_time: float | None
    best_time: float | None
    stats: dict[str, int]
    params: SolveParams
    interrupted: bool = False

    @property
    def gap(self) -> float | None:
        if self.objective is None or self.bound is None:
            return None
        if self.objective == 0:
            return 0.0
        return max(0.0, (self.objective - self.bound) / abs(self.objective))

    def summary(self) -> str:
        gap = "-" if self.gap is None else f"{100 * self.gap:.2f} %"
        obj = "-" if self.objective is None else f"{self.objective:,.0f}"
        bnd = "-" if self.bound is None else f"{self.bound:,.0f}"
        first = ("-" if self.first_solution_time is None
                 else f"{self.first_solution_time:.1f} s")
        rows = [
            ("status", self.status.value),
            ("objective", obj),
            ("bound", bnd),
            ("gap", gap),
            ("first feasible", first),
            ("solve time", f"{self.wall_time:.1f} s"),
            ("workers / seed", f"{self.params.workers} / {self.params.seed}"),
            ("variables", f"{self.stats.get('variables', 0):,}"),
        ]
        return "\n".join(f"{k:>15}: {v}" for k, v in rows)


_STATUS = {
    cp_model.OPTIMAL: SolveStatus.OPTIMAL,
    cp_model.FEASIBLE: SolveStatus.FEASIBLE,
    cp_model.INFEASIBLE: SolveStatus.INFEASIBLE,
    cp_model.UNKNOWN: SolveStatus.NO_SOLUTION,
    cp_model.MODEL_INVALID: SolveStatus.INVALID,
}


def solve(problem: ProblemData, params: SolveParams | None = None,
          progress: ProgressHook | None = None,
          hint: Roster | None = None,
          control: SolveControl | None = None) -> Result:
    """Build the CP-SAT model from ``problem`` and search for a roster.

    The time limit covers everything from this call on, in three phases:
    a greedy roster (or the given ``hint``) whose rule-breaking operators
    are re-planned alone until it is legal (the first feasible roster);
    fix-and-optimize over groups of operators for ``params.fo_share`` of
    the time; then CP-SAT on the whole model, started from the incumbent,
    which proves the bound. Problems whose full model would exceed
    ``LARGE_MODEL`` cells stay in fix-and-optimize to the end: CP-SAT
    would spend the limit loading them.
    """
    params = params or SolveParams()
    started = time.monotonic()
    deadline = started + params.wall_limit
    callback = ProgressCallback(progress, started)

    def stopped() -> bool:
        return control is not None and control.interrupted

    def phase(share: float) -> tuple[float, float | None]:
        """A phase's wall deadline and, for deterministic runs, its
        budget in deterministic seconds (the wall clock then only guards
        against a runaway: a phase it cut short would change the roster)."""
        if params.deterministic:
            return deadline, share * params.time_limit
        return started + share * params.time_limit, None

    # The team-level relaxation gives the construction its targets and a
    # proven lower bound long before CP-SAT's bound on the full model.
    agg = solve_aggregate(problem, seed=params.seed)
    callback.on_bound(agg.bound)
    if hint is None and params.construct_hint:
        hint = construct(problem, agg.targets)
    cells = model_cells(problem)
    large = cells > LARGE_MODEL
    lanes = min(FO_LANES, params.workers)
    search: FixAndOptimize | None = None
    if hint is not None:
        search = FixAndOptimize(problem, hint, params.seed,
                                deterministic=params.deterministic)
        if search.broken():
            # Long horizons get the whole limit: CP-SAT will not repair a
            # year-long hint in the time left either.
            share = (1.0 if large or problem.num_days > 2 * WINDOW_DAYS
                     else REPAIR_SHARE)
            until, work = phase(share)
            search.repair(until, work_limit=work,
                          lanes=1 if params.deterministic else lanes)
        if search.broken():
            search = None  # CP-SAT repairs what is left from the hint
        else:
            callback.on_roster(search.objective)
    fo_share = 1.0 if large else (
        params.fo_share if params.fo_share is not None
        else default_fo_share(problem, cells))
    if search is not None and fo_share > 0 and not stopped():
        until, work = phase(fo_share)
        search.improve(
            until, lambda _, obj: callback.on_roster(obj), stopped,
            work_limit=work,
            patience=None if large else FO_PATIENCE,
            lanes=lanes)
        hint = search.roster
    if large:
        return _result_from_search(search, agg.bound, started, callback,
                                   params, stopped())
    cpm = CPModel(problem)
    warm: Incumbent | None = None
    if hint is not None:
        cpm.variables.warmstart(hint)
        warm = _complete_hint(cpm, hint, params, callback, control)
    build_time = time.monotonic() - started

    solver = cp_model.CpSolver()
    left = deadline - time.monotonic()
    # Deterministic runs budget the main search in deterministic time: the
    # share of the limit fix-and-optimize did not use by design.
    main_limit = left
    if params.deterministic:
        main_limit = params.time_limit - (
            search.work if search is not None else 0.0)
    replace(params, time_limit=max(0.5, main_limit)).apply(solver)
    if control is not None:
        control.attach(solver)

    def on_bound(bound: float) -> None:
        callback.on_bound(bound)

    if progress is not None:
        solver.best_bound_callback = on_bound
    if stopped() or (warm is not None and left < 0.5):
        # Stopped (or out of time) before the main search began; CP-SAT
        # would ignore a stop requested before solve(), so do not start.
        code, ran = cp_model.UNKNOWN, False
    else:
        code, ran = solver.solve(cpm.model, callback), True
    status = _STATUS.get(code, SolveStatus.NO_SOLUTION)
    roster = objective = bound = None
    if status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE):
        values = solver.response_proto.solution
        roster = cpm.variables.roster_from(values)
        objective = cpm.objective_at(values)
        bound = round(solver.best_objective_bound)
    elif status is SolveStatus.NO_SOLUTION and warm is not None:
        # The main search found nothing in time (or never ran): the
        # incumbent from the first phases is still a legal roster.
        status = SolveStatus.FEASIBLE
        roster = cpm.variables.roster_from(warm.values)
        objective = warm.objective
        bound = round(solver.best_objective_bound) if ran else None
    if search is not None and status is not SolveStatus.INFEASIBLE and (
            objective is None or search.objective < objective):
        # CP-SAT did not get past the fix-and-optimize incumbent (on two
        # cores a large model may not even finish loading its hint).
        roster, objective = search.roster, search.objective
        status = SolveStatus.FEASIBLE
    if objective is not None:
        bound = max(agg.bound, bound) if bound is not None else agg.bound
        if bound >= objective:
            bound = objective
            if status is SolveStatus.FEASIBLE:
                status = SolveStatus.OPTIMAL
    return Result(
        status=status,
        roster=roster,
        objective=objective,
        bound=bound,
        wall_time=time.monotonic() - started,
        build_time=build_time,
        first_solution_time=callback.first_solution_time,
        best_time=callback.best_time,
        stats=cpm.stats(),
        params=params,
        interrupted=stopped(),
    )


def default_fo_share(p: ProblemData, cells: int | None = None) -> float:
    """Fix-and-optimize's share of the limit when the caller sets none.

    Day-level cover (no load): 0.8. Its all-operator day windows keep
    improving where CP-SAT on the full model stalls (Curtois 7, 11, 12 at
    60 s: 1,172 / 3,787 / 6,764 with 0.5, 1,082 / 3,668 / 5,760 with 1.0),
    and it hands over early anyway when it stalls (``FO_PATIENCE``).

    With load only the operator groups apply. Up to ``LOAD_FO_CELLS[0]``
    cells, 0.25: CP-SAT on the full model does better with more time,
    though not with all of it (sample centre, 10,830 cells, 60 s, seeds
    0 / 1 / 2: 48,876 / 50,492 / 46,694 with 0.5, 42,217 / 46,512 / 48,899
    with 0.25, 43,587 / 47,612 / 49,089 with 0.15, about 70,000 with none;
    ``benchmarks/scale.py``, 50 operators, about 9,000 cells, seeds 7 / 1 /
    2: 53,677 / 55,938 / 55,363 with 0.5, 41,314 / 45,411 / 44,060 with
    0.25). From ``LOAD_FO_CELLS[1]`` on, 0.5: on two cores CP-SAT's search
    of a larger model gains less than the groups do (100 operators, about
    18,000 cells: 79,107 / 90,197 / 73,697 with 0.5, 88,941 / 97,173 /
    87,219 with 0.25; 300 operators, seed 7: 405,740 / 438,738). In
    between the share grows linearly, so a centre a little larger than
    another gets a similar plan. ``cells``: ``model_cells(p)``, when the
    caller has counted them already."""
    if not any(p.load):
        return 0.8
    lo, hi = LOAD_FO_CELLS
    if cells is None:
        cells = model_cells(p)
    grown = min(1.0, max(0.0, (cells - lo) / (hi - lo)))
    return 0.25 + 0.25 * grown


def model_cells(p: ProblemData) -> int:
    """Cells (operator, day, shift) the full model gets a variable for."""
    return sum(len(limits.open_shifts(p, o, d))
               for o in range(len(p.operators)) for d in range(p.num_days))


def _result_from_search(search: FixAndOptimize | None, bound: int,
                        started: float, callback: ProgressCallback,
                        params: SolveParams, interrupted: bool) -> Result:
    """The result of a fix-and-optimize-only solve (large problems)."""
    roster = None if search is None else search.roster
    objective = None if search is None else search.objective
    status = SolveStatus.NO_SOLUTION
    if objective is not None:
        status = (SolveStatus.OPTIMAL if bound >= objective
                  else SolveStatus.FEASIBLE)
        bound = min(bound, objective)
    return Result(
        status=status, roster=roster, objective=objective,
        bound=bound if objective is not None else None,
        wall_time=time.monotonic() - started, build_time=0.0,
        first_solution_time=callback.first_solution_time,
        best_time=callback.best_time,
        stats={"variables": 0 if search is None else search.largest,
               "constraints": 0},
        params=params, interrupted=interrupted)


def _complete_hint(cpm: CPModel, hint: Roster, params: SolveParams,
                   callback: ProgressCallback,
                   control: SolveControl | None = None,
                   ) -> Incumbent | None:
    """Turn a roster into a solution for *every* variable of the model.

    CP-SAT uses a complete, feasible hint at once, but spends many seconds
    (or, with one worker, the whole limit) completing a partial one. We
    fix the roster's cells in a copy of the model and let one worker fill
    in the rest (coverage slacks, load placement, maxima); that solution is
    reported as the first feasible roster and hinted to the main search.
    When the roster breaks a hard rule the copy is infeasible, the hint on
    the roster's cells stays partial and CP-SAT repairs it.
    """
    clone = cpm.model.clone()
    chosen = {(a.operator, a.day, a.shift) for a in hint.assignments}
    variables = clone.proto.variables
    for cell, var in cpm.variables.x.items():
        value = int(cell in chosen)
        domain = variables[var.index].domain
        domain[0] = value
        domain[1] = value
    clone.clear_hints()
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = params.seed
    budget = min(params.time_limit, max(5.0, 0.15 * params.time_limit))
    solver.parameters.max_time_in_seconds = replace(
        params, time_limit=budget).wall_limit
    if params.deterministic:
        solver.parameters.max_deterministic_time = budget / 2
    solver.parameters.log_search_progress = params.log
    if control is not None:
        control.attach(solver)
    code = solver.solve(clone, callback)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    values = solver.response_proto.solution
    cpm.model.clear_hints()
    hint_proto = cpm.model.proto.solution_hint
    hint_proto.vars.extend(range(len(values)))
    hint_proto.values.extend(values)
    return Incumbent(list(values), cpm.objective_at(values))


__all__ = [
    "Progress",
    "Result",
    "SolveControl",
    "SolveParams",
    "SolveStatus",
    "solve",
]
