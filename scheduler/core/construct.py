"""A fast greedy roster, used as CP-SAT's starting hint.

Two greedies fill the head-counts per day and shift that the aggregate
(team-level) model finds best. Where the rules ask for runs (a minimum of
consecutive days worked or off) the calendar is filled in order, in runs:
who is inside a short run must work, who rests too briefly may not, who
is furthest behind their minimum total goes first. Otherwise each week's
scarcest days are filled first, by whoever is furthest below their weekly
contract, then the worst holes. Eligibility looks backwards only (rest,
runs, weekly and total limits against the days already rostered), so the
roster keeps every "at most" rule. Operators short of a horizon minimum
then get the cheapest legal extra shifts, and too-short runs are
lengthened or removed; what minimum rules are still broken,
fix-and-optimize repairs. Large centres reach a good first solution in
seconds instead of starting from an empty roster."""

from __future__ import annotations

import heapq
from collections import defaultdict

from . import limits
from .cpsat.aggregate import solve_aggregate
from .problem import ProblemData
from .solution import Assignment, Roster

#: Share of what an operator can still work that their minimum total
#: needs, from which they work whenever the rules let them.
URGENT = 1.0


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


    def unassign(self, o: int, d: int) -> int:
        p = self.p
        s = self.cell.pop((o, d))
        w = self.week_of[d]
        self.week_days[o, w] -= 1
        self.week_minutes[o, w] -= p.shifts[s].paid_minutes
        self.total[o] -= p.shifts[s].paid_minutes
        self.per_type[o, s] -= 1
        if (we := self.weekend_of.get(d)) is not None and not any(
                (o, day) in self.cell for day in p.weekends[we]):
            self.weekends[o].discard(we)
        return s


def construct(p: ProblemData,
              targets: dict[tuple[int, int], int] | None = None) -> Roster:
    """A legal-leaning roster; see the module docstring. ``targets`` are
    the head-counts per (day, shift) to fill first (the aggregate model's
    solution, computed here when not given).

    Where the rules ask for runs (a minimum of consecutive days worked or
    off) the calendar is filled in order, in runs (``_in_runs``). The
    day-by-day greedy, which fills each week's scarcest days first, broke
    those rules for nearly every operator of a dense roster (Curtois 22:
    48 of 50, the repair then took 277 s of 600; in runs: 6, all short of
    their total only) and for more operators on each of the 24 Curtois
    instances."""
    if targets is None:
        targets = solve_aggregate(p).targets
    if any((op.min_consecutive_days or 1) > 1
           or (op.min_consecutive_days_off or 1) > 1 for op in p.operators):
        return _in_runs(p, targets)
    return _by_day(p, targets)


def _start(p: ProblemData) -> tuple[_State, list[int], dict]:
    """The state with the pinned cells placed, the interval deficit and
    the day-level cover left."""
    st = _State(p)
    deficit = list(p.required) if p.required else []
    cover_left: dict[tuple[int, int], tuple[int, int, int]] = {}
    for c in p.day_cover:
        cover_left[c.day, p.shift_index[c.shift]] = (
            c.required, c.weight_under, c.weight_over)
    for (o, d), s in st.pinned.items():
        if s is not None and st.eligible(o, d, s):
            _place(st, p, o, d, s, deficit, cover_left)
    return st, deficit, cover_left


def _finish(st: _State, p: ProblemData, deficit: list[int],
            cover_left: dict) -> Roster:
    """Lengthen or remove too-short runs, then bring totals up to their
    minimum without cutting runs short."""
    # The greedy leaves single days worked and single days off where the
    # rules want runs; mending them here leaves CP-SAT a few operators to
    # re-plan instead of every one.
    for o in range(len(p.operators)):
        _mend_runs(st, p, o, deficit, cover_left)
    _fill_minimums(st, p, deficit, cover_left, p.weights, strict=True)
    return Roster(p, [Assignment(o, d, s) for (o, d), s in st.cell.items()])


def _by_day(p: ProblemData, targets: dict[tuple[int, int], int]) -> Roster:
    """The aggregate's head-counts filled day by day, the scarcest days of
    each week first, then the worst holes, then the minimum totals."""
    st, deficit, cover_left = _start(p)
    w = p.weights
    ops = range(len(p.operators))
    # First the head-count per day and shift that an aggregate model finds
    # best for the demand under the team's total capacity; then people
    # into those slots, one day at a time.
    for d in _fill_order(p, targets):
        _fill_targets(st, p, d, targets, deficit, cover_left)
    # Then whatever capacity is left goes where the demand is still short,
    # with a falling threshold on the share of a shift's intervals still
    # short: the worst holes of every day are filled first.
    for threshold in (0.75, 0.5, 0.25, 0.0):
        for d in range(p.num_days):
            _fill_day(st, p, d, threshold, deficit, cover_left, w, ops)
    _fill_minimums(st, p, deficit, cover_left, w)
    return _finish(st, p, deficit, cover_left)


def _in_runs(p: ProblemData, targets: dict[tuple[int, int], int]) -> Roster:
    """The aggregate's head-counts filled in calendar order, in runs.

    Each day, an operator inside a run shorter than its minimum must
    work; one whose rest is shorter than its minimum may not; one may
    start a run only if the days it needs are free of time off. Then the
    day's targets go to the operators furthest behind their minimum total
    (pro rata to the days they can still work), those on the same shift
    yesterday first (runs of one shift keep the succession rules). Looking
    backwards is then enough: every day before d is final."""
    st, deficit, cover_left = _start(p)
    n, horizon = len(p.operators), p.num_days
    ops = p.operators
    pace = _Pace(p, st)
    for d in range(horizon):
        must: set[int] = set()
        free: list[int] = []
        urgency = {o: pace.urgency(o, d) for o in range(n)}
        run: dict[int, int] = {}
        for o in range(n):
            if (o, d) in st.cell:
                continue
            on, off = _run_before(st, o, d, True), _run_before(st, o, d, False)
            run[o] = on
            if 0 < on < (ops[o].min_consecutive_days or 1):
                must.add(o)
            elif on == 0 and off < d and off < (
                    ops[o].min_consecutive_days_off or 1):
                continue  # resting
            elif on == 0 and not _run_fits(p, o, d):
                continue
            free.append(o)
            if urgency[o] >= URGENT:
                must.add(o)
        order = sorted((s for s in range(len(p.shifts))
                        if targets.get((d, s), 0) > 0),
                       key=lambda s: (not p.shifts[s].night,
                                      -p.shifts[s].duration_minutes))
        on_day = [0] * len(p.shifts)
        for o in range(n):
            if (s := st.cell.get((o, d))) is not None:
                on_day[s] += 1
        for s in order:
            want = targets[d, s] - on_day[s]
            candidates = sorted(
                (o for o in free if (o, d) not in st.cell),
                key=lambda o: (o not in must, st.cell.get((o, d - 1)) != s,
                               -urgency[o], st.total[o], o))
            for o in candidates:
                if want <= 0:
                    break
                if st.eligible(o, d, s) and _goes_on(st, p, o, d, s, run[o]):
                    _place(st, p, o, d, s, deficit, cover_left)
                    want -= 1
        # Who must work and got no target: the shift they help most.
        for o in sorted(o for o in must if (o, d) not in st.cell):
            shifts = [s for s in range(len(p.shifts)) if st.eligible(o, d, s)
                      and _goes_on(st, p, o, d, s, run[o])]
            if shifts:
                s = max(shifts, key=lambda s: (
                    _gain(p, d, s, deficit, cover_left, p.weights)[0],
                    st.cell.get((o, d - 1)) == s))
                _place(st, p, o, d, s, deficit, cover_left)
    return _finish(st, p, deficit, cover_left)


class _Pace:
    """How far each operator is behind their minimum total, against the
    days they can still work (time off, rest between runs and the cap on
    weekends taken off what is left of the horizon)."""

    def __init__(self, p: ProblemData, st: _State) -> None:
        self.p, self.st = p, st
        horizon = p.num_days
        # The shortest shift each operator may work: the most days their
        # minimum can take.
        self.shift = [min((s.paid_minutes for i, s in enumerate(p.shifts)
                           if p.allowed(o, i) and s.paid_minutes > 0
                           and op.max_shifts_per_type.get(s.id) != 0),
                          default=1) for o, op in enumerate(p.operators)]
        # Runs: at most ``on`` days in a row, then at least ``rest`` off.
        self.runs = [(limits.max_consecutive_days(p, o) or horizon,
                      op.min_consecutive_days_off or 1)
                     for o, op in enumerate(p.operators)]
        weekend = {d for we in p.weekends for d in we}
        # Days without time off from day d on, per operator.
        self.left: list[list[int]] = []
        for op in p.operators:
            counts = [0] * (horizon + 1)
            for d in range(horizon - 1, -1, -1):
                counts[d] = counts[d + 1] + (d not in op.time_off)
            self.left.append(counts)
        starts = [we[0] for we in p.weekends]
        # Weekends starting on day d or later.
        self.weekend_left = [sum(1 for s in starts if s >= d)
                             for d in range(horizon + 1)]
        self.weekend_days = len(weekend) / max(1, len(p.weekends))

    def urgency(self, o: int, d: int) -> float:
        """Share of what operator o can still work that their minimum
        needs: at 1 they must work whenever they may."""
        op = self.p.operators[o]
        need = (op.min_minutes_total or 0) - self.st.total[o]
        if need <= 0:
            return 0.0
        days = self.left[o][d]
        if op.max_weekends is not None:
            spare = op.max_weekends - len(self.st.weekends[o])
            days -= max(0, self.weekend_left[d] - spare) * self.weekend_days
        on, rest = self.runs[o]
        capacity = max(1.0, days * on / (on + rest))
        return need / self.shift[o] / capacity


def _run_before(st: _State, o: int, d: int, working: bool) -> int:
    """Days worked (or off) in a row just before day d."""
    n, day = 0, d - 1
    while day >= 0 and ((o, day) in st.cell) == working:
        n, day = n + 1, day - 1
    return n


def _goes_on(st: _State, p: ProblemData, o: int, d: int, s: int,
             on: int) -> bool:
    """Can a run still short of its minimum after shift s on day d go on
    the next day? (A shift every successor of which is forbidden to the
    operator would leave a run of one.)"""
    if on + 1 >= (p.operators[o].min_consecutive_days or 1) or \
            d + 1 >= p.num_days:
        return True
    return any(limits.can_work(p, o, d + 1, t)
               and (s, t, 1) not in st.conflicts
               and st.per_type[o, t] + (s == t) < p.operators[o]
               .max_shifts_per_type.get(p.shifts[t].id, p.num_days + 1)
               for t in range(len(p.shifts)))


def _run_fits(p: ProblemData, o: int, d: int) -> bool:
    """Can a run started on day d reach its minimum length before time off
    (or the horizon's end, where a short run is allowed)?"""
    need = p.operators[o].min_consecutive_days or 1
    off = p.operators[o].time_off
    return not any(day in off for day in range(d, min(p.num_days, d + need)))


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


def _fill_minimums(st: _State, p: ProblemData, deficit: list[int],
                   cover_left: dict, w, strict: bool = False) -> None:
    """Operators still short of their minimum total minutes get the
    cheapest shifts they may legally add, preferring those that extend a
    run: a roster short of a contract is illegal, and re-planning a whole
    horizon for each such operator is the slowest step of the repair."""
    for o, op in enumerate(p.operators):
        need = op.min_minutes_total
        if need is None or st.total[o] >= need:
            continue

        def key(d: int, s: int, o: int = o) -> tuple:
            g, _ = _gain(p, d, s, deficit, cover_left, w)
            return (_shape_penalty(st, p, o, d), -g, d, s)

        # Lazy greedy: a popped candidate whose key got worse since it was
        # pushed goes back; one full scan instead of one per shift added.
        heap = [key(d, s) for d in range(p.num_days) for s in
                range(len(p.shifts)) if st.eligible(o, d, s)]
        heapq.heapify(heap)
        while heap and st.total[o] < need:
            old = heapq.heappop(heap)
            d, s = old[-2], old[-1]
            if not st.eligible(o, d, s):
                continue
            new = key(d, s)
            if strict and new[0] > 0:
                continue
            if new > old:
                heapq.heappush(heap, new)
                continue
            _place(st, p, o, d, s, deficit, cover_left)


def _short_runs(st: _State, p: ProblemData, o: int, working: bool,
                minimum: int) -> list[range]:
    """Runs of days worked (or off) shorter than ``minimum`` with the
    other kind of day on both sides: runs touching the horizon's edges
    are exempt, as in the rules."""
    found, start = [], None
    for d in range(p.num_days + 1):
        on = d < p.num_days and ((o, d) in st.cell) == working
        if on and start is None:
            start = d
        elif not on and start is not None:
            if start > 0 and d < p.num_days and d - start < minimum:
                found.append(range(start, d))
            start = None
    return found


def _mend_runs(st: _State, p: ProblemData, o: int, deficit: list[int],
               cover_left: dict) -> None:
    """Lengthen or remove too-short runs of one operator, keeping every
    "at most" rule (additions go through ``eligible``)."""
    op = p.operators[o]
    min_on = op.min_consecutive_days or 1
    min_off = op.min_consecutive_days_off or 1

    def add(d: int, like: int | None) -> bool:
        order = sorted(range(len(p.shifts)), key=lambda s: s != like)
        for s in order:
            if st.eligible(o, d, s):
                _place(st, p, o, d, s, deficit, cover_left)
                return True
        return False

    def remove(d: int) -> None:
        _unplace(st, p, o, d, deficit, cover_left)

    for _ in range(3):
        changed = False
        for run in _short_runs(st, p, o, False, min_off):
            # A short rest: work through it, or failing that remove the
            # day worked after it, if that run can spare one.
            if all((o, d) not in st.cell for d in run):
                placed = []
                for d in run:
                    if not add(d, st.cell.get((o, d - 1))):
                        break
                    placed.append(d)
                else:
                    changed = True
                    continue
                for d in placed:
                    remove(d)
            after = run.stop
            nxt = next((d for d in range(after, p.num_days)
                        if (o, d) not in st.cell), p.num_days)
            if nxt - after > min_on or nxt == p.num_days:
                remove(after)
                changed = True
                continue
            before = run.start - 1
            prev = next((d for d in range(before, -1, -1)
                         if (o, d) not in st.cell), -1)
            if before - prev > min_on or prev == -1:
                remove(before)
                changed = True
        for run in _short_runs(st, p, o, True, min_on):
            like = st.cell.get((o, run.start))
            grown = run.stop
            while grown - run.start < min_on and grown < p.num_days and \
                    (o, grown) not in st.cell and add(grown, like):
                grown += 1
            if grown - run.start < min_on:
                for d in range(run.start, grown):
                    remove(d)
            changed = True
        if not changed:
            return


def _shape_penalty(st: _State, p: ProblemData, o: int, d: int) -> int:
    """How many short runs working on day d would leave around it: an
    isolated day worked, or a day off cut below the minimum rest run."""
    op = p.operators[o]
    min_off = op.min_consecutive_days_off or 1
    min_on = op.min_consecutive_days or 1
    penalty = 0
    if min_on > 1 and st.run_through(o, d) < min_on:
        penalty += 1
    for step in (-1, 1):
        # The days off next to d on this side, up to the next day worked.
        gap, day = 0, d + step
        while 0 <= day < p.num_days and (o, day) not in st.cell:
            gap, day = gap + 1, day + step
        inside = 0 <= day < p.num_days
        if inside and 0 < gap < min_off:
            penalty += 1
    return penalty


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


def _unplace(st: _State, p: ProblemData, o: int, d: int,
             deficit: list[int], cover_left: dict) -> None:
    s = st.unassign(o, d)
    if deficit:
        for t in p.shift_intervals(d, s):
            deficit[t] += 1
    if (d, s) in cover_left:
        left, under, over = cover_left[d, s]
        cover_left[d, s] = (left + 1, under, over)
