"""A fast greedy roster, used as CP-SAT's starting hint.

Day by day, it adds the shift whose extra head-count removes the most
weighted shortage and gives it to the eligible operator furthest below
their contract hours. Eligibility looks backwards only (rest, runs, weekly
and total limits against the days already rostered), so the roster keeps
every "at most" rule; minimum-run and minimum-total rules may still be
broken, and CP-SAT repairs the hint. Large centres reach a good first
solution in seconds instead of starting from an empty roster.
"""

from __future__ import annotations

from collections import defaultdict

from . import limits
from .cpsat.aggregate import solve_aggregate
from .problem import ProblemData
from .solution import Assignment, Roster


class _State:
    def __init__(self, p: ProblemData) -> None:
        self.p = p
        self.cell: dict[tuple[int, int], int] = {}
        self.week_of = {d: i for i, wk in enumerate(p.weeks) for d in wk}
        self.weekend_of = {d: i for i, wk in enumerate(p.weekends)
                           for d in wk}
        self.week_days: dict[tuple[int, int], int] = defaultdict(int)
        self.week_minutes: dict[tuple[int, int], int] = defaultdict(int)
        self.total: dict[int, int] = defaultdict(int)
        self.per_type: dict[tuple[int, int], int] = defaultdict(int)
        self.weekends: dict[int, set[int]] = defaultdict(set)
        self.conflicts = limits.succession_conflicts(p)
        self.max_gap = max((g for _, _, g in self.conflicts), default=0)
        self.pinned = {(p.operator_index[f.operator], f.day):
                       (None if f.shift is None else p.shift_index[f.shift])
                       for f in p.fixed}

    def run_through(self, o: int, d: int, night_only: bool = False) -> int:
        """Length of the run that working on day d would create."""
        shifts = self.p.shifts

        def on(day: int) -> bool:
            s = self.cell.get((o, day))
            return s is not None and (not night_only or shifts[s].night)

        n, day = 1, d - 1
        while day >= 0 and on(day):
            n, day = n + 1, day - 1
        day = d + 1
        while day < self.p.num_days and on(day):
            n, day = n + 1, day + 1
        return n

    def eligible(self, o: int, d: int, s: int) -> bool:
        p = self.p
        if (o, d) in self.cell:
            return False
        pin = self.pinned.get((o, d), -1)
        if pin != -1 and pin != s:
            return False
        if not limits.can_work(p, o, d, s):
            return False
        for gap in range(1, self.max_gap + 1):
            prev = self.cell.get((o, d - gap))
            if prev is not None and (prev, s, gap) in self.conflicts:
                return False
            nxt = self.cell.get((o, d + gap))
            if nxt is not None and (s, nxt, gap) in self.conflicts:
                return False
        op = p.operators[o]
        limit = limits.max_consecutive_days(p, o)
        if limit is not None and self.run_through(o, d) > limit:
            return False
        nights = p.rules.max_consecutive_nights
        if p.shifts[s].night and nights is not None and \
                self.run_through(o, d, night_only=True) > nights:
            return False
        w = self.week_of[d]
        week = p.weeks[w]
        if self.week_days[o, w] + 1 > len(week) - limits.days_off_required(
                p, week):
            return False
        paid = p.shifts[s].paid_minutes
        cap = limits.max_minutes_week(p, o)
        if cap is not None and self.week_minutes[o, w] + paid > cap:
            return False
        if op.max_minutes_total is not None and \
                self.total[o] + paid > op.max_minutes_total:
            return False
        sid = p.shifts[s].id
        if sid in op.max_shifts_per_type and \
                self.per_type[o, s] + 1 > op.max_shifts_per_type[sid]:
            return False
        we = self.weekend_of.get(d)
        return not (we is not None and op.max_weekends is not None
                    and we not in self.weekends[o]
                    and len(self.weekends[o]) + 1 > op.max_weekends)

    def assign(self, o: int, d: int, s: int) -> None:
        p = self.p
        self.cell[o, d] = s
        w = self.week_of[d]
        self.week_days[o, w] += 1
        self.week_minutes[o, w] += p.shifts[s].paid_minutes
        self.total[o] += p.shifts[s].paid_minutes
        self.per_type[o, s] += 1
        if (we := self.weekend_of.get(d)) is not None:
            self.weekends[o].add(we)


def construct(p: ProblemData,
              targets: dict[tuple[int, int], int] | None = None) -> Roster:
    """A legal-leaning roster; see the module docstring. ``targets`` are
    the head-counts per (day, shift) to fill first (the aggregate model's
    solution, computed here when not given)."""
    st = _State(p)
    w = p.weights
    deficit = list(p.required) if p.required else []
    cover_left: dict[tuple[int, int], tuple[int, int, int]] = {}
    for c in p.day_cover:
        cover_left[c.day, p.shift_index[c.shift]] = (
            c.required, c.weight_under, c.weight_over)
    ops = range(len(p.operators))
    for (o, d), s in st.pinned.items():
        if s is not None and st.eligible(o, d, s):
            _place(st, p, o, d, s, deficit, cover_left)

    # First the head-count per day and shift that an aggregate model finds
    # best for the demand under the team's total capacity; then people
    # into those slots, one day at a time.
    if targets is None:
        targets = solve_aggregate(p).targets
    for d in _fill_order(p, targets):
        _fill_targets(st, p, d, targets, deficit, cover_left)
    # Then whatever capacity is left goes where the demand is still short,
    # with a falling threshold on the share of a shift's intervals still
    # short: the worst holes of every day are filled first.
    for threshold in (0.75, 0.5, 0.25, 0.0):
        for d in range(p.num_days):
            _fill_day(st, p, d, threshold, deficit, cover_left, w, ops)
    return Roster(p, [Assignment(o, d, s) for (o, d), s in st.cell.items()])


def _fill_order(p: ProblemData,
                targets: dict[tuple[int, int], int]) -> list[int]:
    """Within each week, the days with the most wanted per available
    operator first, so the scarce days are not left with whoever still
    has weekly days after the rest of the week was filled."""
    ops = range(len(p.operators))

    def pressure(d: int) -> float:
        wanted = sum(v for (day, _), v in targets.items() if day == d)
        avail = sum(1 for o in ops if d not in p.operators[o].time_off)
        return wanted / max(1, avail)

    by_week = []
    for week in p.weeks:
        by_week += sorted(week, key=lambda d: (-pressure(d), d))
    return by_week


def _fill_targets(st: _State, p: ProblemData, d: int,
                  targets: dict[tuple[int, int], int], deficit: list[int],
                  cover_left: dict) -> None:
    w_index = st.week_of[d]
    week = p.weeks[w_index]
    # Long and night shifts first: they have the fewest candidates.
    order = sorted((s for s in range(len(p.shifts))
                    if targets.get((d, s), 0) > 0),
                   key=lambda s: (not p.shifts[s].night,
                                  -p.shifts[s].duration_minutes))
    for s in order:
        def priority(o: int, s: int = s) -> tuple:
            # Same shift yesterday first (runs of one shift type respect
            # rest rules), then furthest below the weekly contract.
            below = (limits.week_min_minutes(p, o, week)
                     - st.week_minutes[o, w_index])
            return (st.cell.get((o, d - 1)) != s, below <= 0, -below,
                    st.total[o], o)

        want = targets[d, s] - sum(1 for (o, day), x in st.cell.items()
                                   if day == d and x == s)
        if want <= 0:
            continue
        for o in sorted(range(len(p.operators)), key=priority):
            if want == 0:
                break
            if st.eligible(o, d, s):
                _place(st, p, o, d, s, deficit, cover_left)
                want -= 1


def _fill_day(st: _State, p: ProblemData, d: int, threshold: float,
              deficit: list[int], cover_left: dict, w, ops) -> None:
    w_index = st.week_of[d]
    week = p.weeks[w_index]

    def priority(o: int) -> tuple:
        # Furthest below the week's contract minimum first, then the
        # fewest hours so far: spreads work and fills contracts.
        below = (limits.week_min_minutes(p, o, week)
                 - st.week_minutes[o, w_index])
        return (below <= 0, -below, st.total[o], o)

    # Priorities change only for the operator just placed, who cannot be
    # placed again today, so one sort per day and pass suffices.
    order = sorted(ops, key=priority)
    closed: set[int] = set()
    while True:
        best, gain = None, 0
        for s in range(len(p.shifts)):
            if s in closed:
                continue
            g, share = _gain(p, d, s, deficit, cover_left, w)
            if share >= threshold and g > gain:
                best, gain = s, g
        if best is None:
            return
        chosen = next((o for o in order if st.eligible(o, d, best)), None)
        if chosen is None:
            closed.add(best)
            continue
        _place(st, p, chosen, d, best, deficit, cover_left)


def _gain(p: ProblemData, d: int, s: int, deficit: list[int],
          cover_left: dict, w) -> tuple[int, float]:
    """Objective gain of one more operator on (d, s), and the share of
    the shift's demand that is still short."""
    gain, short, total = 0, 0, 0
    if deficit:
        for t in p.shift_intervals(d, s):
            total += 1
            if deficit[t] > 0:
                short += 1
                gain += w.understaffing
            else:
                gain -= w.overstaffing
    if (d, s) in cover_left:
        left, under, over = cover_left[d, s]
        total += 1
        short += left > 0
        gain += under if left > 0 else -over
    return gain, (short / total if total else 0.0)


def _place(st: _State, p: ProblemData, o: int, d: int, s: int,
           deficit: list[int], cover_left: dict) -> None:
    st.assign(o, d, s)
    if deficit:
        for t in p.shift_intervals(d, s):
            deficit[t] -= 1
    if (d, s) in cover_left:
        left, under, over = cover_left[d, s]
        cover_left[d, s] = (left - 1, under, over)
