"""Soft terms of the roster objective, each kept as a named expression.

The terms mirror ``Roster.objective_terms`` one for one; the solution
recomputes them from the roster alone and tests demand equality, so a term
added here must be added there too.
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from .. import limits
from ..problem import ProblemData
from .constraints import Constraints
from .variables import Variables, total


class Objective:
    def __init__(self, model: cp_model.CpModel, data: ProblemData,
                 variables: Variables, constraints: Constraints) -> None:
        self.model = model
        self.data = data
        self.v = variables
        self.c = constraints
        self.terms: dict[str, cp_model.LinearExprT] = {}

    def build(self) -> None:
        self._coverage()
        self._load_shortfall()
        self._day_cover()
        self._contract_hours()
        self._preferences()
        self._fairness()
        self.model.minimize(total(self.terms.values()))

    def _coverage(self) -> None:
        """Agent-intervals short and over the requirement."""
        p, v, w = self.data, self.v, self.data.weights
        if not p.required:
            return
        staffed: list[list] = [[] for _ in range(p.num_intervals)]
        for d, s in v.group:
            n = self._group_count(d, s)
            for t in p.shift_intervals(d, s):
                staffed[t].append(n)
        for (d, s), n in v.fixed_count.items():
            if (d, s) not in v.group:
                for t in p.shift_intervals(d, s):
                    staffed[t].append(n)
        under, over = [], []
        for t, req in enumerate(p.required):
            u, o = self._shortage_excess(total(staffed[t]), req,
                                         len(p.operators), f"i{t}")
            under.append(u)
            over.append(o)
        self.terms["understaffing"] = w.understaffing * total(under)
        self.terms["overstaffing"] = w.overstaffing * total(over)

    def _shortage_excess(self, have, want: int, most: int, name: str):
        """Exact max(0, want - have) and max(0, have - want).

        Exact rather than merely bounded, so every incumbent's objective is
        the true cost of its roster (the solution recomputes it)."""
        u = self.model.new_int_var(0, want, f"under_{name}")
        o = self.model.new_int_var(0, max(0, most - want), f"over_{name}")
        self.model.add_max_equality(u, [want - have, 0])
        self.model.add(have - want == o - u)
        return u, o

    def _group_count(self, d: int, s: int) -> cp_model.IntVar:
        cache = self.__dict__.setdefault("_counts", {})
        if (d, s) not in cache:
            members = self.v.group[d, s]
            fixed = self.v.fixed_count.get((d, s), 0)
            n = self.model.new_int_var(fixed, fixed + len(members),
                                       f"n{d}_{s}")
            self.model.add(n == self.v.group_size(d, s))
            cache[d, s] = n
        return cache[d, s]

    def _load_shortfall(self) -> None:
        """Load not placed under the caps: priced, never dropped."""
        p = self.data
        if not any(p.load):
            return
        placed: dict[int, list] = {}
        for (t, _, _), y in self.v.flow.items():
            placed.setdefault(t, []).append(y)
        short = []
        for t, amount in enumerate(p.load):
            if amount == 0:
                continue
            u = self.model.new_int_var(0, amount, f"lshort{t}")
            self.model.add(u + total(placed.get(t, [])) == amount)
            short.append(u)
        self.terms["load_shortfall"] = p.weights.load_shortfall * total(short)

    def _day_cover(self) -> None:
        p = self.data
        if not p.day_cover:
            return
        parts = []
        group = self.v.group
        for i, (d, s) in enumerate(p.day_cover_cells):
            free = len(group.get((d, s), ()))
            if not free and self.v.others is not None:
                continue  # fixed by the rest of the roster: a constant
            c = p.day_cover[i]
            n = self.v.group_size(d, s)
            hi = free + self.v.fixed_count.get((d, s), 0)
            u, o = self._shortage_excess(n, c.required, hi, f"c{i}")
            parts.append(c.weight_under * u + c.weight_over * o)
        self.terms["day_cover"] = total(parts)

    def _contract_hours(self) -> None:
        """Whole hours below each operator's pro-rated weekly minimum."""
        p, v = self.data, self.v
        if p.rules.min_minutes_week_is_hard or not p.weights.contract_hours:
            return
        parts = []
        for o in v.operators:
            for week in p.weeks:
                low = limits.week_min_minutes(p, o, week)
                if low <= 0:
                    continue
                # short = max(0, ceil((low - minutes) / 60)), exactly:
                # when short > 0 it is the smallest whole number of hours
                # covering the deficit; otherwise the deficit is <= 0.
                name = f"{o}_{week[0]}"
                deficit = low - v.minutes(o, week)
                short = self.model.new_int_var(0, -(-low // 60),
                                               f"short{name}")
                some = self.model.new_bool_var(f"isshort{name}")
                self.model.add(60 * short >= deficit)
                self.model.add(60 * short <= deficit + 59).only_enforce_if(
                    some)
                self.model.add(short == 0).only_enforce_if(~some)
                self.model.add(short >= 1).only_enforce_if(some)
                parts.append(short)
        self.terms["contract_hours"] = p.weights.contract_hours * total(parts)

    def _preferences(self) -> None:
        p = self.data
        mine = set(self.v.operators)
        if p.preferences:
            parts = [pref.weight * self._breach(pref.operator, pref.day,
                                                pref.shift, pref.want)
                     for pref, (o, _, _) in zip(p.preferences,
                                                p.preference_cells)
                     if o in mine]
            self.terms["preferences"] = p.weights.preference * total(parts)
        if p.previous and p.weights.stability:
            parts = [self._breach(c.operator, c.day, c.shift, True)
                     for c in p.previous
                     if p.operator_index[c.operator] in mine]
            self.terms["stability"] = p.weights.stability * total(parts)

    def _breach(self, operator: str, day: int, shift: str | None,
                want: bool) -> cp_model.LinearExprT:
        """1 when the wish (a shift, or a day off when None) is not met."""
        p, v = self.data, self.v
        o = p.operator_index[operator]
        if shift is None:
            granted = 1 - v.works[o, day]
        else:
            granted = v.x.get((o, day, p.shift_index[shift]), 0)
        return (1 - granted) if want else granted

    def _fairness(self) -> None:
        """Minimise the heaviest individual burden (nights, weekends,
        weekly load), which spreads it across the team."""
        p, v, w = self.data, self.v, self.data.weights
        ops = v.operators
        if not ops:
            return
        rest = v.others
        mine = set(ops)
        fixed = ([] if rest is None else
                 [o for o in range(len(p.operators)) if o not in mine])
        if any(s.night for s in p.shifts) and w.night_fairness:
            top = self.model.new_int_var(0, p.num_days, "max_nights")
            self._max_of(top, [total(v.night(o, d) for d in range(p.num_days))
                               for o in ops]
                         + [rest.nights(o) for o in fixed])
            self.terms["night_fairness"] = w.night_fairness * top
        if p.weekends and w.weekend_fairness:
            top = self.model.new_int_var(0, len(p.weekends), "max_weekends")
            self._max_of(top, [total(self.c.weekend_worked(o)) for o in ops]
                         + [rest.weekends_worked(o) for o in fixed])
            self.terms["weekend_fairness"] = w.weekend_fairness * top
        if any(p.load) and w.load_fairness:
            load = v.load
            top = self.model.new_int_var(0, limits.total_load(p), "max_load")
            weekly = []
            for o in ops:
                for week in p.weeks:
                    zs = [load[o, d, s] for d in week
                          for s in v.cells.get((o, d), [])
                          if (o, d, s) in load]
                    weekly.append(total(zs))
            weekly += [rest.weekly_load(o, week)
                       for o in fixed for week in p.weeks]
            self._max_of(top, weekly)
            self.terms["load_fairness"] = w.load_fairness * top

    def _max_of(self, top: cp_model.IntVar, exprs: list) -> None:
        """top == max(exprs, 0): exact, see ``_shortage_excess``.

        Constants (the fixed rest of a sub-model's roster) fold into one."""
        floor = max([e for e in exprs if isinstance(e, int)] + [0])
        exprs = [e for e in exprs if not isinstance(e, int)]
        self.model.add_max_equality(top, [*exprs, floor])
