"""Decision variables of the CP-SAT roster model.

Only cells an operator can actually work (allowed shift, no time off) get a
variable, so most of the allowed-shift and time-off rules hold by
construction. Load is modelled per operator and shift (``load``) so weekly
caps and fairness see who carries it, and per interval and shift group
(``flow``) so every placed heavy call has someone on duty to take it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection

from ortools.sat.python import cp_model

from .. import limits
from ..problem import ProblemData
from ..solution import Assignment, Roster

Cell = tuple[int, int, int]  # (operator, day, shift)


def total(items) -> cp_model.LinearExprT:
    """Sum of variables and constants, built in C++: Python's ``sum``
    nests one expression per term and dominates model-building time."""
    return cp_model.LinearExpr.sum(list(items))


class Variables:
    def __init__(self, model: cp_model.CpModel, data: ProblemData,
                 operators: list[int] | None = None,
                 others: Roster | None = None,
                 days: Collection[int] | None = None) -> None:
        self.model = model
        self.data = data
        self.operators = (list(range(len(data.operators)))
                          if operators is None else operators)
        p = data
        # The rest of the roster, held fixed (fix-and-optimize sub-models):
        # its head-count and load per (day, shift) enter as constants.
        self.others = others
        self.fixed_count: dict[tuple[int, int], int] = defaultdict(int)
        self.fixed_load: dict[tuple[int, int], int] = defaultdict(int)
        # With ``days`` (and ``others``), the chosen operators' cells on
        # other days are constants taken from ``others`` too: a window of
        # a long horizon then costs what the window holds, not the year.
        if days is not None and (others is None or any(data.load)):
            # Load flows tie a window's days to the rest of its week.
            raise ValueError("a window of days needs the rest of the "
                             "roster and no load")
        self.days = days
        chosen: set[Cell] = set()
        if others is not None:
            # The whole roster's counts less the cells this model frees:
            # the chosen operators' own, not the year's every assignment
            # (Curtois 24: 38,000 a step).
            count = dict(others.group_size)
            load = dict(others.group_load)
            for o in self.operators:
                for a in others.by_operator.get(o, ()):
                    if days is not None and a.day not in days:
                        chosen.add((a.operator, a.day, a.shift))
                    else:
                        count[a.day, a.shift] -= 1
                        load[a.day, a.shift] -= a.load
            self.fixed_count.update((k, n) for k, n in count.items() if n)
            self.fixed_load.update((k, z) for k, z in load.items() if z)
        # Outside ``days`` a chosen operator's cells are plain integers:
        # 1 for the shift the roster holds (when the operator may work it),
        # nothing for the rest. CP-SAT constants would cost a variable each
        # and, on a year-long horizon, most of the sub-model's build and
        # presolve time.
        self.x: dict[Cell, cp_model.IntVar | int] = {}
        self.cells: dict[tuple[int, int], list[int]] = defaultdict(list)
        free_days = range(p.num_days) if days is None else sorted(days)
        for o in self.operators:
            for d in free_days:
                for s in limits.open_shifts(p, o, d):
                    self.x[o, d, s] = model.new_bool_var(f"x{o}_{d}_{s}")
                    self.cells[o, d].append(s)
        for o, d, s in sorted(chosen):
            if s in limits.open_shifts(p, o, d):
                self.x[o, d, s] = 1
                self.cells[o, d].append(s)
        self.works: dict[tuple[int, int], cp_model.IntVar | int] = {}
        for o in self.operators:
            for d in range(p.num_days):
                shifts = self.cells.get((o, d), [])
                if not self.is_free(d) or not shifts:
                    # (A broken roster may hold two shifts on one day.)
                    self.works[o, d] = min(1, len(shifts))
                    continue
                w = model.new_bool_var(f"w{o}_{d}")
                model.add(total(self.x[o, d, s] for s in shifts) == w)
                self.works[o, d] = w
        self.group: dict[tuple[int, int], list[int]] = defaultdict(list)
        for o, d, s in self.x:
            if self.is_free(d):
                self.group[d, s].append(o)
        self._load: dict[Cell, cp_model.IntVar] | None = None
        self._flow: dict[Cell, cp_model.IntVar] | None = None
        # Variable index -> hinted value (``warmstart``), for ``moved``.
        self._hinted: dict[int, int] = {}

    def is_free(self, d: int) -> bool:
        return self.days is None or d in self.days

    def any_free(self, days) -> bool:
        """Does a rule over ``days`` involve a variable? One over fixed
        days only is not this sub-model's to post (a constant breach would
        make it infeasible)."""
        return self.days is None or any(d in self.days for d in days)

    def night(self, o: int, d: int) -> cp_model.LinearExprT:
        shifts = self.data.shifts
        return total(self.x[o, d, s] for s in self.cells.get((o, d), [])
                   if shifts[s].night)

    def minutes(self, o: int, days) -> cp_model.LinearExprT:
        shifts = self.data.shifts
        cells = [(self.x[o, d, s], shifts[s].paid_minutes)
                 for d in days for s in self.cells.get((o, d), [])]
        return cp_model.LinearExpr.weighted_sum([c[0] for c in cells],
                                                [c[1] for c in cells])

    def group_size(self, d: int, s: int) -> cp_model.LinearExprT:
        """Head-count on (d, s), the fixed rest of the roster included."""
        return total([self.x[o, d, s] for o in self.group.get((d, s), [])]
                     + [self.fixed_count.get((d, s), 0)])

    @property
    def load(self) -> dict[Cell, cp_model.IntVar]:
        """Load taken by an operator in a shift; only where cap > 0."""
        if self._load is None:
            self._load = {}
            p = self.data
            for (o, d, s), x in self.x.items():
                cap = min(limits.load_cap_per_shift(p, o),
                          limits.total_load(p))
                if cap > 0:
                    z = self.model.new_int_var(0, cap, f"z{o}_{d}_{s}")
                    self.model.add(z <= cap * x)
                    self._load[o, d, s] = z
        return self._load

    @property
    def flow(self) -> dict[Cell, cp_model.IntVar]:
        """Load of interval t taken by shift group (d, s): key (t, d, s)."""
        if self._flow is None:
            self._flow = {}
            p = self.data
            loaded_groups = {(d, s) for (_, d, s) in self.load}
            loaded_groups |= {k for k, z in self.fixed_load.items() if z}
            for d, s in sorted(loaded_groups):
                for t in p.shift_intervals(d, s):
                    if p.load[t] > 0:
                        self._flow[t, d, s] = self.model.new_int_var(
                            0, p.load[t], f"y{t}_{d}_{s}")
        return self._flow

    def warmstart(self, roster: Roster) -> None:
        """Hint a known roster (e.g. a construction or yesterday's plan)."""
        self.model.clear_hints()
        mine = roster.by_operator
        chosen = {(a.operator, a.day, a.shift)
                  for o in self.operators for a in mine.get(o, ())}
        self._hinted = {var.index: int(cell in chosen)
                        for cell, var in self.x.items()
                        if not isinstance(var, int)}
        # (In bulk: ``add_hint`` one variable at a time is a tenth of a
        # window sub-model's build on a year-long horizon.)
        hint = self.model.proto.solution_hint
        hint.vars.extend(list(self._hinted))
        hint.values.extend(list(self._hinted.values()))

    def moved(self, values) -> bool:
        """Does an assignment differ from the hinted roster on a cell?
        Fix-and-optimize skips rebuilding and re-pricing the roster (most
        steps find nothing better) when it does not."""
        return any(values[i] != v for i, v in self._hinted.items())

    def roster(self, solver: cp_model.CpSolver) -> Roster:
        return self.roster_from(solver.response_proto.solution)

    def roster_from(self, values) -> Roster:
        """The roster in a full assignment of the model's variables (with
        the fixed rest of the roster, if any)."""
        load = self._load or {}
        assignments = [
            Assignment(o, d, s, values[load[o, d, s].index]
                       if (o, d, s) in load else 0)
            for (o, d, s), x in self.x.items()
            if (x if isinstance(x, int) else values[x.index])
        ]
        if self.others is not None:
            mine = set(self.operators)
            assignments += [a for a in self.others.assignments
                            if a.operator not in mine]
        flows = {}
        for key, y in (self._flow or {}).items():
            if (v := values[y.index]) > 0:
                flows[key] = v
        return Roster(self.data, assignments, flows)
