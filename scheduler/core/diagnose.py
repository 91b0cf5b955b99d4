"""Why the hard rules admit no roster: which rule, which operator, which day.

Every hard rule binds one operator at a time (coverage is soft), so an
infeasible problem always has an operator whose own rules clash. We solve
each operator alone (milliseconds), and for those that fail we put an
assumption literal on every (rule, day) group of their constraints, take
CP-SAT's infeasible core and shrink it by deletion to a minimal set: the
smallest story of why that operator cannot be rostered.
"""

from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model

from . import limits
from .cpsat.model import CPModel
from .problem import ProblemData
from .rules import Rule

Key = tuple[Rule, int, int | None]


@dataclass(frozen=True)
class Clash:
    """A minimal set of rule groups that cannot hold together."""

    operator: str
    parts: tuple[tuple[Rule, int | None], ...]

    def describe(self, p: ProblemData) -> str:
        op = p.operator_index[self.operator]
        items = [_describe_part(p, op, rule, day)
                 for rule, day in self.parts]
        return (f"operator {self.operator}: these rules cannot all hold: "
                + "; ".join(items))


def _limit(p: ProblemData, op: int, rule: Rule, day: int | None) -> str:
    """The number the rule imposes on this operator, in the user's units."""
    o = p.operators[op]
    week = next((w for w in p.weeks if day in w), ())
    values = {
        Rule.MIN_DAYS_OFF_PER_WEEK: lambda: (
            f"{limits.days_off_required(p, week)} days off"),
        Rule.MAX_MINUTES_PER_WEEK: lambda: (
            f"at most {(limits.max_minutes_week(p, op) or 0) / 60:g} h"),
        Rule.MIN_MINUTES_PER_WEEK: lambda: (
            f"at least {limits.week_min_minutes(p, op, week) / 60:g} h"),
        Rule.MAX_CONSECUTIVE_DAYS: lambda: (
            f"at most {limits.max_consecutive_days(p, op)} days"),
        Rule.MAX_CONSECUTIVE_NIGHTS: lambda: (
            f"at most {p.rules.max_consecutive_nights} nights"),
        Rule.MIN_REST: lambda: f"{p.rules.min_rest_minutes / 60:g} h rest",
        Rule.MIN_TOTAL_MINUTES: lambda: (
            f"at least {(o.min_minutes_total or 0) / 60:g} h"),
        Rule.MAX_TOTAL_MINUTES: lambda: (
            f"at most {(o.max_minutes_total or 0) / 60:g} h"),
        Rule.MAX_WEEKENDS: lambda: f"at most {o.max_weekends} weekends",
        Rule.MIN_CONSECUTIVE_DAYS: lambda: (
            f"runs of at least {o.min_consecutive_days} days"),
        Rule.MIN_CONSECUTIVE_DAYS_OFF: lambda: (
            f"at least {o.min_consecutive_days_off} days off in a row"),
    }
    return values[rule]() if rule in values else ""


def _describe_part(p: ProblemData, op: int, rule: Rule,
                   day: int | None) -> str:
    text = rule.title
    limit = _limit(p, op, rule, day)
    if day is None:
        return f"{text} ({limit})" if limit else text
    date = p.date_of(day).isoformat()
    if rule in (Rule.MIN_DAYS_OFF_PER_WEEK, Rule.MAX_MINUTES_PER_WEEK,
                Rule.MIN_MINUTES_PER_WEEK, Rule.LOAD_CAP_PER_WEEK):
        where = f"week from {date}"
    elif rule in (Rule.MAX_CONSECUTIVE_DAYS, Rule.MAX_CONSECUTIVE_NIGHTS):
        where = f"days from {date}"
    else:
        where = date
    return f"{text} ({where}" + (f": {limit})" if limit else ")")


def _context(p: ProblemData, op: int) -> str:
    """The operator's inputs that usually explain a clash."""
    o = p.operators[op]
    bits = []
    if o.time_off:
        days = sorted(o.time_off)
        bits.append("time off " + ", ".join(p.date_of(d).isoformat()
                                            for d in days[:10])
                    + (" ..." if len(days) > 10 else ""))
    if o.allowed_shifts is not None:
        bits.append("allowed shifts " + ", ".join(sorted(o.allowed_shifts)))
    if o.min_minutes_total is not None:
        bits.append(f"min total {o.min_minutes_total / 60:g} h")
    if p.rules.min_minutes_week_is_hard and o.min_minutes_week:
        bits.append(f"min {o.min_minutes_week / 60:g} h/week (hard)")
    return "; ".join(bits)


class _Guards:
    def __init__(self, model: cp_model.CpModel) -> None:
        self.model = model
        self.lits: dict[Key, cp_model.IntVar] = {}

    def __call__(self, rule: Rule, op: int, day: int | None):
        key = (rule, op, day)
        if key not in self.lits:
            self.lits[key] = self.model.new_bool_var(f"g{len(self.lits)}")
        return [self.lits[key]]


def _feasible(p: ProblemData, op: int, keep: set[Key] | None,
              time_limit: float) -> tuple[bool, list[Key]]:
    """Solve one operator with the guarded groups in ``keep`` switched on
    (all when None); return feasibility and, if not, CP-SAT's core."""
    model = cp_model.CpModel()
    guards = _Guards(model)
    CPModel(p, [op], guard=guards, objective=False, model=model)
    on = [lit for key, lit in guards.lits.items()
          if keep is None or key in keep]
    for key, lit in guards.lits.items():
        if keep is not None and key not in keep:
            model.add(lit == 0)
    model.add_assumptions(on)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = time_limit
    status = solver.solve(model)
    if status != cp_model.INFEASIBLE:
        return True, []
    by_index = {lit.index: key for key, lit in guards.lits.items()}
    found = solver.sufficient_assumptions_for_infeasibility()
    core = [by_index[i] for i in found if i in by_index]
    return False, core


def explain(p: ProblemData, time_limit: float = 5.0,
            max_operators: int = 20) -> list[str]:
    """Human-readable reasons, one or more per operator who cannot be
    rostered; empty when every operator can be rostered on their own."""
    reasons: list[str] = []
    for op in range(len(p.operators)):
        ok, core = _feasible(p, op, None, time_limit)
        if ok:
            continue
        core_set = set(core) if core else None
        if core_set:
            for key in sorted(core_set, key=str):
                trial = core_set - {key}
                feasible_without, _ = _feasible(p, op, trial, time_limit)
                if not feasible_without:
                    core_set = trial
        parts = tuple(sorted(((r, d) for r, _, d in core_set or ()),
                             key=lambda x: (x[1] is None, x[1] or 0, x[0])))
        clash = Clash(p.operators[op].id, parts)
        text = clash.describe(p)
        ctx = _context(p, op)
        reasons.append(f"{text}" + (f" [{ctx}]" if ctx else ""))
        if len(reasons) >= max_operators:
            reasons.append("... (more operators not examined)")
            break
    return reasons
