"""The team-level relaxation: head-count per day and shift, no names.

Every rule of the roster is relaxed to a team total that any legal roster
also satisfies (people available per day, working days and hours per week,
runs of days and nights over windows, shift-type caps, and one clique per
forbidden succession: an operator on shift a on day d takes none of the
shifts that may not follow it). Two uses follow:

* its optimum is a valid lower bound on the coverage part of the roster
  objective, and so on the whole objective (the other terms are never
  negative); on two cores it is proven in a second or two, long before
  CP-SAT's own bound on the full model moves;
* its head-counts are the targets the greedy construction fills with
  people (the classic first stage of shift scheduling).
"""

from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model

from .. import limits
from ..problem import ProblemData


@dataclass(frozen=True)
class Aggregate:
    targets: dict[tuple[int, int], int]
    bound: int  # proven lower bound on the roster objective
    optimal: bool


def solve_aggregate(p: ProblemData, seconds: float = 2.0,
                    seed: int = 0) -> Aggregate:
    m = cp_model.CpModel()
    ops = range(len(p.operators))
    shifts = range(len(p.shifts))
    days = range(p.num_days)
    who = {(d, s): {o for o in ops if limits.can_work(p, o, d, s)}
           for d in days for s in shifts}
    n = {k: m.new_int_var(0, len(v), f"n{k}") for k, v in who.items() if v}
    if not n:
        return Aggregate({}, 0, True)

    def count(cells) -> int:
        """Operators who could work at least one of ``cells``."""
        return len(set().union(*(who[c] for c in cells)))

    for d in days:
        cells = [(d, s) for s in shifts if (d, s) in n]
        m.add(sum(n[c] for c in cells) <= count(cells))
    conflicts: dict[tuple[int, int], list[int]] = {}
    for (a, b, gap) in limits.succession_conflicts(p):
        conflicts.setdefault((a, gap), []).append(b)
    for (a, gap), seconds_ in conflicts.items():
        for d in range(p.num_days - gap):
            cells = [(d, a)] + [(d + gap, b) for b in seconds_]
            cells = [c for c in cells if c in n]
            if len(cells) > 1 and (d, a) in n:
                m.add(sum(n[c] for c in cells) <= count(cells))
    for week in p.weeks:
        cells = [(d, s) for d in week for s in shifts if (d, s) in n]
        off = limits.days_off_required(p, week)
        m.add(sum(n[c] for c in cells) <= sum(
            max(0, len(week) - off - len(p.operators[o].time_off
                                         & set(week))) for o in ops))
        longest = max(s.paid_minutes for s in p.shifts)
        caps = [limits.max_minutes_week(p, o) or longest * len(week)
                for o in ops]
        m.add(sum(p.shifts[s].paid_minutes * n[d, s] for d, s in cells)
              <= sum(caps))
    window_rules = [(limits.max_consecutive_days(p, o), o) for o in ops]
    if all(lim is not None for lim, _ in window_rules):
        top = max(lim for lim, _ in window_rules)
        for d in range(p.num_days - top):
            cells = [(e, s) for e in range(d, d + top + 1) for s in shifts
                     if (e, s) in n]
            m.add(sum(n[c] for c in cells)
                  <= sum(min(lim, top + 1) for lim, _ in window_rules))
    nights = [s for s in shifts if p.shifts[s].night]
    limit = p.rules.max_consecutive_nights
    if nights and limit is not None:
        for d in range(p.num_days - limit):
            cells = [(e, s) for e in range(d, d + limit + 1) for s in nights
                     if (e, s) in n]
            if cells:
                m.add(sum(n[c] for c in cells) <= count(cells) * limit)
    for sid in {k for o in p.operators for k in o.max_shifts_per_type}:
        s = p.shift_index[sid]
        cap = sum(o.max_shifts_per_type.get(sid, p.num_days)
                  for o in p.operators)
        m.add(sum(n[d, s] for d in days if (d, s) in n) <= cap)
    totals = [o.max_minutes_total for o in p.operators]
    if all(t is not None for t in totals):
        m.add(sum(p.shifts[s].paid_minutes * v for (_, s), v in n.items())
              <= sum(totals))
    m.minimize(_coverage_cost(m, p, n))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = seed
    solver.parameters.max_deterministic_time = seconds
    solver.parameters.max_time_in_seconds = 4 * seconds
    code = solver.solve(m)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return Aggregate({}, 0, False)
    return Aggregate({k: solver.value(v) for k, v in n.items()},
                     max(0, round(solver.best_objective_bound)),
                     code == cp_model.OPTIMAL)


def _coverage_cost(m: cp_model.CpModel, p: ProblemData, n: dict):
    """The roster objective's coverage and day-cover terms, on counts."""
    terms = []
    w = p.weights
    most = len(p.operators)
    if p.required:
        staffed: list[list] = [[] for _ in range(p.num_intervals)]
        for (d, s), v in n.items():
            for t in p.shift_intervals(d, s):
                staffed[t].append(v)
        for t, req in enumerate(p.required):
            u = m.new_int_var(0, req, "")
            over = m.new_int_var(0, most, "")
            m.add(sum(staffed[t]) - req == over - u)
            terms += [w.understaffing * u, w.overstaffing * over]
    for c in p.day_cover:
        v = n.get((c.day, p.shift_index[c.shift]), 0)
        u = m.new_int_var(0, c.required, "")
        over = m.new_int_var(0, most, "")
        m.add(v - c.required == over - u)
        terms += [c.weight_under * u, c.weight_over * over]
    return sum(terms)
