"""A roster and everything that follows from it, recomputed in plain Python.

The solver reports an objective; the roster recomputes its own from the
problem data alone, and tests demand the two agree. That recomputation is
also what the writers report (coverage per interval, KPIs), so the numbers a
manager reads never come from the solver's internals.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from . import limits
from .problem import ProblemData


@dataclass(frozen=True, order=True)
class Assignment:
    """Operator ``operator`` works ``shift`` on ``day`` and takes ``load``
    heavy units (calls) in that shift. Indices refer to ``ProblemData``."""

    operator: int
    day: int
    shift: int
    load: int = 0


@dataclass
class Roster:
    """Assignments plus the per-interval placement of the load.

    ``flows[(interval, day, shift)]`` is how much of that interval's load
    the operators on ``shift`` of ``day`` take together; each member's
    ``Assignment.load`` is their share of the group's total.
    """

    problem: ProblemData
    assignments: list[Assignment]
    flows: dict[tuple[int, int, int], int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.assignments = sorted(self.assignments)

    @cached_property
    def by_cell(self) -> dict[tuple[int, int], Assignment]:
        """(operator, day) -> assignment; duplicates keep the first."""
        cells: dict[tuple[int, int], Assignment] = {}
        for a in self.assignments:
            cells.setdefault((a.operator, a.day), a)
        return cells

    @cached_property
    def by_operator(self) -> dict[int, list[Assignment]]:
        """operator -> their assignments, in day order (duplicates kept):
        a sub-model of a few operators reads theirs without scanning the
        whole roster."""
        mine: dict[int, list[Assignment]] = defaultdict(list)
        for a in self.assignments:
            mine[a.operator].append(a)
        return dict(mine)

    @cached_property
    def group_load(self) -> dict[tuple[int, int], int]:
        """(day, shift) -> load its operators take together."""
        load: dict[tuple[int, int], int] = defaultdict(int)
        for a in self.assignments:
            load[a.day, a.shift] += a.load
        return dict(load)

    def works(self, op: int, day: int) -> bool:
        return (op, day) in self.by_cell

    @cached_property
    def group_size(self) -> dict[tuple[int, int], int]:
        """(day, shift) -> number of operators on it."""
        count: dict[tuple[int, int], int] = defaultdict(int)
        for a in self.assignments:
            count[a.day, a.shift] += 1
        return dict(count)

    # Coverage -----------------------------------------------------------

    @cached_property
    def scheduled(self) -> list[int]:
        """Operators on duty per interval (a shift counts whole)."""
        p = self.problem
        staffed = [0] * p.num_intervals
        for (day, shift), n in self.group_size.items():
            for t in p.shift_intervals(day, shift):
                staffed[t] += n
        return staffed

    @cached_property
    def load_placed(self) -> list[int]:
        placed = [0] * self.problem.num_intervals
        for (t, _, _), amount in self.flows.items():
            placed[t] += amount
        return placed

    @cached_property
    def load_capacity(self) -> list[int]:
        """Load the operators on duty could take per interval, under caps."""
        p = self.problem
        cap = [0] * p.num_intervals
        for a in self.assignments:
            c = limits.load_cap_per_shift(p, a.operator)
            for t in p.shift_intervals(a.day, a.shift):
                cap[t] += c
        return cap

    def understaffing(self) -> list[int]:
        req = self.problem.required
        return [max(0, r - s) for r, s in zip(req, self.scheduled)]

    def overstaffing(self) -> list[int]:
        req = self.problem.required
        return [max(0, s - r) for r, s in zip(req, self.scheduled)]

    def load_shortfall(self) -> list[int]:
        return [max(0, w - pl)
                for w, pl in zip(self.problem.load, self.load_placed)]

    # Per operator -------------------------------------------------------

    def minutes(self, op: int, days) -> int:
        shifts = self.problem.shifts
        return sum(shifts[a.shift].paid_minutes
                   for d in days if (a := self.by_cell.get((op, d))))

    @cached_property
    def _nights(self) -> dict[int, int]:
        shifts = self.problem.shifts
        count: dict[int, int] = defaultdict(int)
        for a in self.assignments:
            if shifts[a.shift].night:
                count[a.operator] += 1
        return count

    def nights(self, op: int) -> int:
        return self._nights.get(op, 0)

    def weekends_worked(self, op: int) -> int:
        return sum(1 for wk in self.problem.weekends
                   if any(self.works(op, d) for d in wk))

    def weekly_load(self, op: int, week: tuple[int, ...]) -> int:
        return sum(a.load for d in week
                   if (a := self.by_cell.get((op, d))))

    def contract_deficit_hours(self, op: int, week: tuple[int, ...]) -> int:
        """Whole hours (rounded up) below the week's contract minimum."""
        short = (limits.week_min_minutes(self.problem, op, week)
                 - self.minutes(op, week))
        return max(0, -(-short // 60))

    def has(self, operator: str, day: int, shift: str | None) -> bool:
        """Does the operator work ``shift`` that day (None: is off)?"""
        p = self.problem
        a = self.by_cell.get((p.operator_index[operator], day))
        if shift is None:
            return a is None
        return a is not None and p.shifts[a.shift].id == shift

    def preference_breaches(self) -> list[tuple[int, int]]:
        """(preference index, weight) for every preference not honoured."""
        p, cells = self.problem, self.by_cell
        breaches = []
        for i, (o, d, s) in enumerate(p.preference_cells):
            a = cells.get((o, d))
            honoured = a is None if s is None else (
                a is not None and a.shift == s)
            if honoured != p.preferences[i].want:
                breaches.append((i, p.preferences[i].weight))
        return breaches

    def changes(self) -> list[int]:
        """Indices of ``problem.previous`` cells this roster changes."""
        return [i for i, c in enumerate(self.problem.previous)
                if not self.has(c.operator, c.day, c.shift)]

    def day_cover_counts(self) -> list[tuple[int, int]]:
        """(under, over) per ``day_cover`` entry."""
        p, size = self.problem, self.group_size
        result = []
        for c, cell in zip(p.day_cover, p.day_cover_cells):
            n = size.get(cell, 0)
            result.append((max(0, c.required - n), max(0, n - c.required)))
        return result

    def cover_cost_by_day(self) -> list[tuple[int, int]]:
        """Weighted (under-cover, over-cover) of each day, day-level cover
        and interval demand together: where the roster's cost sits, and
        where it has work to spare, so the search can free both."""
        p = self.problem
        w = p.weights
        under = [0] * p.num_days
        over = [0] * p.num_days
        for c, (u, o) in zip(p.day_cover, self.day_cover_counts()):
            under[c.day] += c.weight_under * u
            over[c.day] += c.weight_over * o
        if p.required:
            per = p.slots_per_day
            for t, (u, o) in enumerate(zip(self.understaffing(),
                                           self.overstaffing())):
                under[t // per] += w.understaffing * u
                over[t // per] += w.overstaffing * o
        return list(zip(under, over))

    # Objective ----------------------------------------------------------

    def objective_terms(self) -> dict[str, int]:
        """Each soft term, weighted, in the model's integer units."""
        p = self.problem
        w = p.weights
        ops = range(len(p.operators))
        cover = self.day_cover_counts()
        # A term whose weight is 0 is 0: not computing it keeps the
        # fix-and-optimize loop, which prices every candidate roster, fast
        # on long horizons (Curtois Instance 24: 0.43 s a roster otherwise).
        terms = dict.fromkeys(
            ("understaffing", "overstaffing", "load_shortfall", "day_cover",
             "contract_hours", "preferences", "night_fairness",
             "weekend_fairness", "load_fairness", "stability"), 0)
        if w.understaffing:
            terms["understaffing"] = w.understaffing * sum(
                self.understaffing())
        if w.overstaffing:
            terms["overstaffing"] = w.overstaffing * sum(self.overstaffing())
        if w.load_shortfall:
            terms["load_shortfall"] = w.load_shortfall * sum(
                self.load_shortfall())
        terms["day_cover"] = sum(c.weight_under * u + c.weight_over * o
                                 for c, (u, o) in zip(p.day_cover, cover))
        if w.preference:
            terms["preferences"] = w.preference * sum(
                weight for _, weight in self.preference_breaches())
        if w.stability:
            terms["stability"] = w.stability * len(self.changes())
        if not p.rules.min_minutes_week_is_hard and w.contract_hours:
            terms["contract_hours"] = w.contract_hours * sum(
                self.contract_deficit_hours(o, wk)
                for o in ops for wk in p.weeks)
        if p.operators and w.night_fairness and any(
                s.night for s in p.shifts):
            terms["night_fairness"] = w.night_fairness * max(
                self.nights(o) for o in ops)
        if p.operators and p.weekends and w.weekend_fairness:
            terms["weekend_fairness"] = w.weekend_fairness * max(
                self.weekends_worked(o) for o in ops)
        if p.operators and any(p.load) and w.load_fairness:
            terms["load_fairness"] = w.load_fairness * max(
                self.weekly_load(o, wk) for o in ops for wk in p.weeks)
        return terms

    def objective(self) -> int:
        return sum(self.objective_terms().values())
