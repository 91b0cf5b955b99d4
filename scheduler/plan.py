"""Plan a centre end to end: staffing, roster, independent check, KPIs.

The library side of ``scheduler plan``: it raises the typed errors of
``scheduler.errors`` and never prints; the CLI decides what the user sees.
"""

from __future__ import annotations

import hashlib
import inspect
from dataclasses import dataclass, field
from pathlib import Path

from .center.model import Center
from .center.staffing import IntervalRequirement, requirement
from .center.to_problem import to_problem
from .core.checker import Violation, check
from .core.diagnose import explain
from .core.problem import ProblemData
from .core.solution import Roster
from .core.solve import ProgressHook, Result, SolveParams, SolveStatus, solve
from .errors import InfeasibleError, RuleViolationError, SchedulerError


@dataclass
class Plan:
    center: Center
    requirement: list[IntervalRequirement]
    problem: ProblemData
    result: Result
    violations: list[Violation]
    input_hash: str = ""
    kpis: dict[str, float] = field(default_factory=dict)

    @property
    def roster(self) -> Roster:
        assert self.result.roster is not None
        return self.result.roster


def input_hash(path: str | Path) -> str:
    """SHA-256 of the input file, or of a CSV folder's files in name order,
    so a roster can be traced to the exact input it was planned from."""
    path = Path(path)
    digest = hashlib.sha256()
    files = sorted(path.iterdir()) if path.is_dir() else [path]
    for f in files:
        if f.is_file():
            digest.update(f.name.encode() + b"\0")
            digest.update(f.read_bytes())
    return digest.hexdigest()


def kpis(roster: Roster, violations: list[Violation],
         first_day: int = 0) -> dict[str, float]:
    """What a manager reads first; all recomputed from the roster.

    ``first_day`` > 0 (a rolling re-plan) leaves out the days before it:
    they were worked already and are in the problem only for the rules.
    """
    p = roster.problem
    first = first_day * p.slots_per_day
    under = roster.understaffing()[first:]
    over = roster.overstaffing()[first:]
    busy = [t for t, r in enumerate(p.required[first:]) if r > 0]
    staffed = sum(1 for t in busy if under[t] == 0)
    load_total = sum(p.load[first:])
    placed = sum(roster.load_placed[first:])
    mine = [a for a in roster.assignments if a.day >= first_day]
    return {
        "intervals fully staffed %": (100.0 * staffed / len(busy)
                                      if busy else 100.0),
        "understaffed agent-intervals": sum(under),
        "overstaffed agent-intervals": sum(over),
        "heavy calls forecast": load_total,
        "heavy calls placed %": (100.0 * placed / load_total
                                 if load_total else 100.0),
        "heavy calls unplaced": load_total - placed,
        "max heavy calls of an operator in a shift": max(
            (a.load for a in mine), default=0),
        "shifts": len(mine),
        "rule violations (checker)": len(violations),
    }


def plan(center: Center, params: SolveParams,
         progress: ProgressHook | None = None,
         source: str | Path | None = None,
         control: object | None = None) -> Plan:
    """Staff, roster and verify ``center``.

    Raises ``InfeasibleError`` (with the clashing rules) when the hard
    rules admit no roster, ``RuleViolationError`` when the checker rejects
    the solver's roster (a bug of ours: it must not be shipped) and
    ``SchedulerError`` when no roster was found within the time limit.
    ``control`` (a ``SolveControl``) lets a signal handler stop the search.
    """
    req = requirement(center)
    problem = to_problem(center, req)
    return plan_problem(center, req, problem, params, progress, source,
                        control=control)


def plan_problem(center: Center, req: list[IntervalRequirement],
                 problem: ProblemData, params: SolveParams,
                 progress: ProgressHook | None = None,
                 source: str | Path | None = None,
                 hint: Roster | None = None,
                 control: object | None = None,
                 first_day: int = 0) -> Plan:
    """Solve and verify an already built ``problem`` of ``center`` (e.g.
    a rolling re-plan, ``scheduler.rolling``), starting from ``hint``."""
    result = _solve(problem, params, progress, hint=hint, control=control)
    if result.status is SolveStatus.INFEASIBLE:
        raise InfeasibleError(explain(problem) or [
            "the hard rules admit no roster, but no single operator's "
            "rules clash on their own"])
    if result.roster is None:
        raise SchedulerError(
            f"no roster found within {params.time_limit:g} s "
            f"({result.status.value}); raise --time-limit")
    violations = check(result.roster)
    if violations:
        raise RuleViolationError(
            [v.describe(problem) for v in violations])
    return Plan(center, req, problem, result, violations,
                input_hash(source) if source else "",
                kpis(result.roster, violations, first_day))


def _solve(problem: ProblemData, params: SolveParams,
           progress: ProgressHook | None, **optional: object) -> Result:
    """``solve`` with the optional arguments that are set and that it
    takes (a test double may stand in for it with the old signature)."""
    taken = inspect.signature(solve).parameters
    extra = {k: v for k, v in optional.items()
             if v is not None and k in taken}
    return solve(problem, params, progress=progress, **extra)
