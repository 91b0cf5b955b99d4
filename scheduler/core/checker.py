"""The independent rule checker: plain Python, no solver.

Every roster is re-verified here before it is written, and hand-edited
rosters are checked with the same code. It shares only the rule
definitions (``rules``, ``limits``) with the CP-SAT model, never the model
itself, so a modelling bug shows up as a violation instead of a bad roster.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from . import limits
from .problem import ProblemData
from .rules import Rule
from .solution import Roster


@dataclass(frozen=True)
class Violation:
    """One breach of one hard rule, located as precisely as possible."""

    rule: Rule
    operator: str | None
    day: int | None
    detail: str

    def describe(self, p: ProblemData) -> str:
        where = []
        if self.operator is not None:
            where.append(f"operator {self.operator}")
        if self.day is not None:
            where.append(f"{p.date_of(self.day).isoformat()} (day {self.day})")
        place = ", ".join(where)
        return f"{self.rule.title}: {place}: {self.detail}"


def check(roster: Roster) -> list[Violation]:
    """All hard-rule violations of ``roster`` (empty when it is legal)."""
    checker = _Checker(roster)
    return checker.run()


class _Checker:
    def __init__(self, roster: Roster) -> None:
        self.r = roster
        self.p = roster.problem
        self.out: list[Violation] = []

    def add(self, rule: Rule, op: int | None, day: int | None,
            detail: str) -> None:
        name = None if op is None else self.p.operators[op].id
        self.out.append(Violation(rule, name, day, detail))

    def run(self) -> list[Violation]:
        if not self._indices_valid():
            return self.out
        self._one_shift_per_day()
        self._time_off_and_allowed()
        self._fixed()
        self._successions()
        for op in range(len(self.p.operators)):
            self._runs(op)
            self._weekly(op)
            self._totals(op)
            self._weekends(op)
        self._load()
        return self.out

    def _indices_valid(self) -> bool:
        p = self.p
        for a in self.r.assignments:
            if not (0 <= a.operator < len(p.operators)
                    and 0 <= a.day < p.num_days
                    and 0 <= a.shift < len(p.shifts)):
                self.add(Rule.UNKNOWN_ID, None, None, f"{a}")
        for t, day, shift in self.r.flows:
            if not (0 <= t < p.num_intervals and 0 <= day < p.num_days
                    and 0 <= shift < len(p.shifts)):
                self.add(Rule.UNKNOWN_ID, None, None,
                         f"heavy calls placed in interval {t} on shift "
                         f"index {shift} of day {day}: no such cell")
        return not self.out

    def _one_shift_per_day(self) -> None:
        seen: dict[tuple[int, int], int] = {}
        for a in self.r.assignments:
            if (a.operator, a.day) in seen:
                self.add(Rule.ONE_SHIFT_PER_DAY, a.operator, a.day,
                         "two shifts on the same day")
            seen[a.operator, a.day] = a.shift

    def _time_off_and_allowed(self) -> None:
        p = self.p
        for a in self.r.assignments:
            sid = p.shifts[a.shift].id
            if not p.allowed(a.operator, a.shift):
                self.add(Rule.ALLOWED_SHIFTS, a.operator, a.day,
                         f"shift {sid} is not allowed for this operator")
            if limits.blocked_by_time_off(p, a.operator, a.day, a.shift):
                self.add(Rule.TIME_OFF, a.operator, a.day,
                         f"shift {sid} overlaps time off")

    def _fixed(self) -> None:
        p = self.p
        for f in self.p.fixed:
            op = p.operator_index[f.operator]
            a = self.r.by_cell.get((op, f.day))
            got = None if a is None else p.shifts[a.shift].id
            if got != f.shift:
                self.add(Rule.FIXED_ASSIGNMENT, op, f.day,
                         f"pinned {f.shift or 'OFF'}, rostered {got or 'OFF'}")

    def _successions(self) -> None:
        p = self.p
        conflicts = limits.succession_conflicts(p)
        max_gap = max((g for _, _, g in conflicts), default=0)
        cells = self.r.by_cell
        for (op, day), a in cells.items():
            for gap in range(1, max_gap + 1):
                b = cells.get((op, day + gap))
                if b is None:
                    continue
                rule = conflicts.get((a.shift, b.shift, gap))
                if rule is None:
                    continue
                first, second = p.shifts[a.shift].id, p.shifts[b.shift].id
                if rule is Rule.MIN_REST:
                    rest = limits.rest_gap_minutes(p, (day, a.shift),
                                                   (day + gap, b.shift))
                    detail = (f"{first} then {second} on day {day + gap}: "
                              f"{rest / 60:g} h rest, need "
                              f"{p.rules.min_rest_minutes / 60:g} h")
                else:
                    detail = f"{second} may not follow {first}"
                self.add(rule, op, day, detail)

    def _runs(self, op: int) -> None:
        p = self.p
        o = p.operators[op]
        on = [self.r.works(op, d) for d in range(p.num_days)]
        night = [(a := self.r.by_cell.get((op, d))) is not None
                 and p.shifts[a.shift].night for d in range(p.num_days)]
        checks = [
            (on, True, limits.max_consecutive_days(p, op),
             o.min_consecutive_days, Rule.MAX_CONSECUTIVE_DAYS,
             Rule.MIN_CONSECUTIVE_DAYS),
            (night, True, p.rules.max_consecutive_nights, None,
             Rule.MAX_CONSECUTIVE_NIGHTS, None),
            (on, False, None, o.min_consecutive_days_off,
             None, Rule.MIN_CONSECUTIVE_DAYS_OFF),
        ]
        for series, value, hi, lo, hi_rule, lo_rule in checks:
            for start, length in _runs(series, value):
                if hi is not None and length > hi:
                    self.add(hi_rule, op, start,
                             f"run of {length} from this day, max {hi}")
                edge = start == 0 or start + length == p.num_days
                if lo is not None and length < lo and not edge:
                    self.add(lo_rule, op, start,
                             f"run of {length} from this day, min {lo}")

    def _weekly(self, op: int) -> None:
        p = self.p
        cap = limits.max_minutes_week(p, op)
        for week in p.weeks:
            worked = sum(1 for d in week if self.r.works(op, d))
            need = limits.days_off_required(p, week)
            if len(week) - worked < need:
                self.add(Rule.MIN_DAYS_OFF_PER_WEEK, op, week[0],
                         f"{len(week) - worked} days off in the week "
                         f"starting here, need {need}")
            minutes = self.r.minutes(op, week)
            if cap is not None and minutes > cap:
                self.add(Rule.MAX_MINUTES_PER_WEEK, op, week[0],
                         f"{minutes / 60:g} h in the week starting here, "
                         f"max {cap / 60:g} h")
            low = limits.week_min_minutes(p, op, week)
            if p.rules.min_minutes_week_is_hard and minutes < low:
                self.add(Rule.MIN_MINUTES_PER_WEEK, op, week[0],
                         f"{minutes / 60:g} h in the week starting here, "
                         f"min {low / 60:g} h")

    def _totals(self, op: int) -> None:
        p = self.p
        o = p.operators[op]
        total = self.r.minutes(op, range(p.num_days))
        if o.max_minutes_total is not None and total > o.max_minutes_total:
            self.add(Rule.MAX_TOTAL_MINUTES, op, None,
                     f"{total} min, max {o.max_minutes_total}")
        if o.min_minutes_total is not None and total < o.min_minutes_total:
            self.add(Rule.MIN_TOTAL_MINUTES, op, None,
                     f"{total} min, min {o.min_minutes_total}")
        counts: dict[str, int] = defaultdict(int)
        for d in range(p.num_days):
            if (a := self.r.by_cell.get((op, d))) is not None:
                counts[p.shifts[a.shift].id] += 1
        for sid, cap in o.max_shifts_per_type.items():
            if counts[sid] > cap:
                self.add(Rule.MAX_SHIFTS_PER_TYPE, op, None,
                         f"{counts[sid]} shifts {sid}, max {cap}")

    def _weekends(self, op: int) -> None:
        cap = self.p.operators[op].max_weekends
        worked = self.r.weekends_worked(op)
        if cap is not None and worked > cap:
            self.add(Rule.MAX_WEEKENDS, op, None,
                     f"{worked} weekends worked, max {cap}")

    def _load(self) -> None:
        p = self.p
        r = self.r
        group_load: dict[tuple[int, int], int] = defaultdict(int)
        for a in r.assignments:
            group_load[a.day, a.shift] += a.load
            cap = limits.load_cap_per_shift(p, a.operator)
            if a.load < 0 or a.load > cap:
                self.add(Rule.LOAD_CAP_PER_SHIFT, a.operator, a.day,
                         f"{a.load} heavy calls in shift "
                         f"{p.shifts[a.shift].id}, cap {cap}")
        for op, o in enumerate(p.operators):
            if o.load_cap_per_week is None:
                continue
            for week in p.weeks:
                got = r.weekly_load(op, week)
                if got > o.load_cap_per_week:
                    self.add(Rule.LOAD_CAP_PER_WEEK, op, week[0],
                             f"{got} heavy calls in the week starting here, "
                             f"cap {o.load_cap_per_week}")
        flow_total: dict[tuple[int, int], int] = defaultdict(int)
        for (t, day, shift), amount in r.flows.items():
            flow_total[day, shift] += amount
            if amount < 0 or t not in p.shift_intervals(day, shift):
                self.add(Rule.LOAD_ALLOCATION, None, day,
                         f"{amount} heavy calls of interval {t} given to "
                         f"shift {p.shifts[shift].id}, not on duty then")
        for key in set(flow_total) | set(group_load):
            if flow_total.get(key, 0) != group_load.get(key, 0):
                day, shift = key
                self.add(Rule.LOAD_ALLOCATION, None, day,
                         f"shift {p.shifts[shift].id}: operators take "
                         f"{group_load.get(key, 0)} heavy calls, intervals "
                         f"give {flow_total.get(key, 0)}")
        if p.load:
            for t, (placed, offered) in enumerate(zip(r.load_placed, p.load)):
                if placed > offered:
                    self.add(Rule.LOAD_ALLOCATION, None,
                             t // p.slots_per_day,
                             f"interval {t}: {placed} heavy calls placed, "
                             f"only {offered} forecast")
        elif r.flows:
            self.add(Rule.LOAD_ALLOCATION, None, None,
                     "heavy calls placed but none forecast")


def _runs(series: list[bool], value: bool) -> list[tuple[int, int]]:
    """(start, length) of each maximal run of ``value`` in ``series``."""
    runs = []
    start = None
    for i, v in enumerate([*series, not value]):
        if v == value and start is None:
            start = i
        elif v != value and start is not None:
            runs.append((start, i - start))
            start = None
    return runs
