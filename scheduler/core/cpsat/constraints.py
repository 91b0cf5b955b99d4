"""Hard rules as CP-SAT constraints: one method per rule.

Every constraint is posted through ``_post`` with its rule, operator and
day, so the infeasibility diagnosis can switch groups of constraints on and
off with assumption literals and name the ones that clash.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ortools.sat.python import cp_model

from .. import limits
from ..problem import ProblemData
from ..rules import Rule
from .variables import Variables, total

Guard = Callable[[Rule, int, int | None], list[cp_model.IntVar]]


class Constraints:
    def __init__(self, model: cp_model.CpModel, data: ProblemData,
                 variables: Variables, guard: Guard | None = None) -> None:
        self.model = model
        self.data = data
        self.v = variables
        self.guard = guard
        # Per operator, the horizon minimum on minutes: the repair of a
        # long roster softens it (see fix_optimize).
        self.min_total: dict[int, cp_model.Constraint] = {}

    def add_all(self) -> None:
        self._fixed_assignments()
        self._successions()
        self._max_consecutive_days()
        self._min_consecutive_days()
        self._min_consecutive_days_off()
        self._max_consecutive_nights()
        self._min_days_off_per_week()
        self._weekly_minutes()
        self._total_minutes()
        self._max_shifts_per_type()
        self._max_weekends()
        self._load_caps()
        self._load_allocation()

    def _post(self, ct: cp_model.Constraint, rule: Rule, op: int,
              day: int | None) -> None:
        if self.guard is not None:
            ct.only_enforce_if(self.guard(rule, op, day))

    def _add(self, check: cp_model.BoundedLinearExpression, rule: Rule,
             op: int, day: int | None) -> cp_model.Constraint | None:
        """Post a linear rule, unless a window of a longer roster left it
        no variable: a check on fixed cells only is not this sub-model's
        to mend (the repair mends one window at a time; on a legal roster
        it holds anyway), and a breached one would make it infeasible."""
        if self.v.days is not None and not check.vars:
            return None
        ct = self.model.add(check)
        self._post(ct, rule, op, day)
        return ct

    def _fixed_assignments(self) -> None:
        """Pinned cells; a pin on an impossible cell is a clash to report."""
        p, v = self.data, self.v
        for f in p.fixed:
            o = p.operator_index[f.operator]
            if o not in v.operators or not v.is_free(f.day):
                continue
            if f.shift is None:
                works = v.works[o, f.day]
                if not isinstance(works, int):
                    self._post(self.model.add(works == 0),
                               Rule.FIXED_ASSIGNMENT, o, f.day)
                continue
            x = v.x.get((o, f.day, p.shift_index[f.shift]))
            if x is None and v.days is not None:
                continue  # a clash for the whole roster to report
            ct = self.model.add(x == 1) if x is not None else \
                self.model.add_bool_or([])
            self._post(ct, Rule.FIXED_ASSIGNMENT, o, f.day)

    def _successions(self) -> None:
        """Min rest and forbidden successions: shift a on day d excludes
        every conflicting shift on day d + gap (a clique-style cut)."""
        p, v = self.data, self.v
        by_first: dict[tuple[int, int, Rule], list[int]] = {}
        for (a, b, gap), rule in limits.succession_conflicts(p).items():
            by_first.setdefault((a, gap, rule), []).append(b)
        # First days of the pairs that touch a free day (all, without a
        # window; a window may be several stretches of days).
        near: dict[int, Iterable[int]] = {}
        for _, gap, _ in by_first:
            near[gap] = range(p.num_days - gap) if v.days is None else \
                sorted({d for t in v.days for d in (t - gap, t)
                        if 0 <= d < p.num_days - gap})
        x = v.x
        for o in v.operators:
            # The shifts open on a second day, as sets built when first
            # needed (a window of a year-long roster touches a few dozen
            # days): most pairs have a few dozen second shifts to look up.
            open_on: dict[int, set[int]] = {}
            for (a, gap, rule), seconds in by_first.items():
                for d in near[gap]:
                    first = x.get((o, d, a))
                    if first is None:
                        continue
                    there = open_on.get(d + gap)
                    if there is None:
                        there = open_on[d + gap] = set(
                            v.cells.get((o, d + gap), ()))
                    nxt = [x[o, d + gap, b] for b in seconds if b in there]
                    if nxt:
                        self._post(self.model.add(first + total(nxt) <= 1),
                                   rule, o, d)

    def _windows(self, series: list, limit: int, rule: Rule, o: int) -> None:
        for d in self._near(0, limit, 0, len(series) - limit):
            window = series[d:d + limit + 1]
            if any(not isinstance(x, int) for x in window):
                self._add(total(window) <= limit, rule, o, d)

    def _max_consecutive_days(self) -> None:
        p, v = self.data, self.v
        for o in v.operators:
            limit = limits.max_consecutive_days(p, o)
            if limit is not None:
                works = [v.works[o, d] for d in range(p.num_days)]
                self._windows(works, limit, Rule.MAX_CONSECUTIVE_DAYS, o)

    def _max_consecutive_nights(self) -> None:
        p, v = self.data, self.v
        limit = p.rules.max_consecutive_nights
        if limit is None or not any(s.night for s in p.shifts):
            return
        for o in v.operators:
            nights = [v.night(o, d) for d in range(p.num_days)]
            self._windows(nights, limit, Rule.MAX_CONSECUTIVE_NIGHTS, o)

    def _short_runs(self, o: int, minimum: int | None, working: bool,
                    rule: Rule) -> None:
        """Forbid a run shorter than ``minimum`` bounded on both sides
        inside the horizon: runs touching an edge are exempt."""
        if minimum is None or minimum <= 1:
            return
        p, v = self.data, self.v
        works = [v.works[o, d] for d in range(p.num_days)]

        def lit(d: int, on: bool):
            w = works[d]
            if isinstance(w, int):
                return bool(w) == on
            return w if on else ~w

        for k in range(1, minimum):
            for d in self._near(1, k, 1, p.num_days - k):
                pattern = [lit(d - 1, not working)]
                pattern += [lit(d + i, working) for i in range(k)]
                pattern.append(lit(d + k, not working))
                if any(x is False for x in pattern):
                    continue
                lits = [x for x in pattern if x is not True]
                if not lits:
                    continue  # on fixed days only: not this model's to mend
                ct = self.model.add_bool_or([~x for x in lits])
                self._post(ct, rule, o, d)

    def _near(self, before: int, after: int, first: int,
              stop: int) -> Iterable[int]:
        """Days d in [first, stop) whose stretch [d - before, d + after]
        holds a free day: in a window of a year-long roster a few dozen,
        not the year's."""
        if self.v.days is None:
            return range(first, stop)
        return sorted({d for t in self.v.days
                       for d in range(t - after, t + before + 1)
                       if first <= d < stop})

    def _min_consecutive_days(self) -> None:
        for o in self.v.operators:
            self._short_runs(o, self.data.operators[o].min_consecutive_days,
                             True, Rule.MIN_CONSECUTIVE_DAYS)

    def _min_consecutive_days_off(self) -> None:
        for o in self.v.operators:
            self._short_runs(
                o, self.data.operators[o].min_consecutive_days_off, False,
                Rule.MIN_CONSECUTIVE_DAYS_OFF)

    def _min_days_off_per_week(self) -> None:
        p, v = self.data, self.v
        for week in p.weeks:
            need = limits.days_off_required(p, week)
            if need == 0:
                continue
            if not v.any_free(week):
                continue
            for o in v.operators:
                self._add(total(v.works[o, d] for d in week)
                          <= len(week) - need,
                          Rule.MIN_DAYS_OFF_PER_WEEK, o, week[0])

    def _weekly_minutes(self) -> None:
        p, v = self.data, self.v
        for o in v.operators:
            cap = limits.max_minutes_week(p, o)
            for week in p.weeks:
                if not v.any_free(week):
                    continue
                minutes = v.minutes(o, week)
                if cap is not None:
                    self._add(minutes <= cap, Rule.MAX_MINUTES_PER_WEEK, o,
                              week[0])
                low = limits.week_min_minutes(p, o, week)
                if p.rules.min_minutes_week_is_hard and low > 0:
                    self._add(minutes >= low, Rule.MIN_MINUTES_PER_WEEK, o,
                              week[0])

    def _total_minutes(self) -> None:
        p, v = self.data, self.v
        for o in v.operators:
            op = p.operators[o]
            total = v.minutes(o, range(p.num_days))
            if op.max_minutes_total is not None:
                self._add(total <= op.max_minutes_total,
                          Rule.MAX_TOTAL_MINUTES, o, None)
            if op.min_minutes_total is not None:
                ct = self._add(total >= op.min_minutes_total,
                               Rule.MIN_TOTAL_MINUTES, o, None)
                if ct is not None:
                    self.min_total[o] = ct

    def _max_shifts_per_type(self) -> None:
        p, v = self.data, self.v
        for o in v.operators:
            caps = p.operators[o].max_shifts_per_type
            if not caps:
                continue
            by_type: dict[int, list] = {}
            for d in range(p.num_days):
                for s in v.cells.get((o, d), ()):
                    by_type.setdefault(s, []).append(v.x[o, d, s])
            for sid, cap in caps.items():
                xs = by_type.get(p.shift_index[sid], [])
                if len(xs) > cap:
                    self._add(total(xs) <= cap, Rule.MAX_SHIFTS_PER_TYPE, o,
                              None)

    def _max_weekends(self) -> None:
        p, v = self.data, self.v
        for o in v.operators:
            cap = p.operators[o].max_weekends
            if cap is not None and len(p.weekends) > cap:
                self._add(total(self.weekend_worked(o)) <= cap,
                          Rule.MAX_WEEKENDS, o, None)

    def weekend_worked(self, o: int) -> list[cp_model.IntVar | int]:
        """One literal per weekend: true iff Saturday or Sunday worked.

        Shared with the fairness objective, so it is built once."""
        cache = self.__dict__.setdefault("_weekend_vars", {})
        if o not in cache:
            result = []
            for wk in self.data.weekends:
                days = [self.v.works[o, d] for d in wk]
                if any(isinstance(d, int) and d for d in days):
                    result.append(1)  # worked on a fixed day
                    continue
                days = [d for d in days if not isinstance(d, int)]
                if not days:
                    continue
                y = self.model.new_bool_var(f"wk{o}_{wk[0]}")
                self.model.add_max_equality(y, days)
                result.append(y)
            cache[o] = result
        return cache[o]

    def _load_caps(self) -> None:
        """Per-shift caps sit in the load variables' domains; weekly caps
        are posted here."""
        p, v = self.data, self.v
        if not any(p.load):
            return
        load = v.load
        for o in v.operators:
            cap = p.operators[o].load_cap_per_week
            if cap is None:
                continue
            for week in p.weeks:
                zs = [load[o, d, s] for d in week
                      for s in v.cells.get((o, d), []) if (o, d, s) in load]
                if zs:
                    self._add(total(zs) <= cap, Rule.LOAD_CAP_PER_WEEK, o,
                              week[0])

    def _load_allocation(self) -> None:
        """Each shift group's load equals what it takes from the intervals
        it is on duty in, and no interval gives more than it has."""
        p, v = self.data, self.v
        if not any(p.load):
            return
        load, flow = v.load, v.flow
        members: dict[tuple[int, int], list] = {
            key: [z] for key, z in v.fixed_load.items() if z}
        for (_, d, s), z in load.items():
            members.setdefault((d, s), []).append(z)
        by_group: dict[tuple[int, int], list] = {}
        by_interval: dict[int, list] = {}
        for (t, d, s), y in flow.items():
            by_group.setdefault((d, s), []).append(y)
            by_interval.setdefault(t, []).append(y)
        for key, zs in members.items():
            self.model.add(total(zs) == total(by_group.get(key, [])))
        for t, ys in by_interval.items():
            self.model.add(total(ys) <= p.load[t])
