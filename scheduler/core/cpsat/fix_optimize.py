"""Fix-and-optimize: re-plan a few operators at a time against the rest.

Nearly every hard rule concerns one operator; operators meet only in the
soft terms (cover, load, fairness maxima). So with everyone else's roster
held fixed, re-planning k operators is a small exact CP-SAT model (see
``CPModel(others=...)``) that one worker solves in a fraction of a second,
whatever the size of the centre or the length of the horizon: a 150
operator, 52-week problem whose full model has 1.6 million variables gives
sub-models of 11,000. This is the operator-wise fix-and-optimize (or
"decomposition by employee") neighbourhood of the nurse-rostering
literature, and it serves two purposes:

* repair: an operator whose schedule breaks a hard rule (the greedy
  construction keeps the "at most" rules, not the minimum ones) is
  re-planned alone, which makes their schedule legal at the least cost;
* improvement: random groups of operators are re-planned while time lasts;
  a group's new schedule is kept when the whole roster's objective, as the
  roster recomputes it, does not get worse.

Sub-solves use deterministic time (and, with ``deterministic``, CP-SAT's
interleaved search); with a fixed seed the whole search is reproducible.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Collection, Sequence
from concurrent.futures import (
    ALL_COMPLETED,
    FIRST_COMPLETED,
    Future,
    ThreadPoolExecutor,
    wait,
)
from dataclasses import dataclass

from ortools.sat.python import cp_model

from ..checker import check
from ..problem import ProblemData
from ..solution import Assignment, Roster
from .model import CPModel

#: Deterministic seconds one sub-model may use.
STEP_EFFORT = 1.0
#: Weight of the latest step in each neighbourhood kind's smoothed gain.
RATE_MEMORY = 0.2
#: Neighbourhood kinds: every operator over a window of days; every
#: operator over blocks of days around the costliest; a group of operators
#: over the horizon; the operators who could best fill an under-covered
#: day, around it.
KINDS = ("days", "holes", "operators", "fill")
#: Weight, in the draw of who fills an under-covered day, of an operator
#: off that day, and the extra when they already work its weekend: nearly
#: every operator of the long Curtois instances is at their cap on
#: weekends worked and nearly all their under-cover is on weekends, so a
#: weekend day is filled for free only by one who works the other day.
FILL_OFF = 4
FILL_SAME_WEEKEND = 8
#: Share of the improvement phase a spell without a gain must also last
#: before ``patience`` ends it: on Curtois 19 (300 s) the phase ended after
#: 25 idle steps at 4,007 and CP-SAT gained nothing in the time left;
#: with this share it reached 3,495 (with no patience at all, 3,696).
STALL_SHARE = 0.1
#: Least share of a neighbourhood kind in the draw.
MIN_SHARE = 0.15
#: Days between two neighbourhoods searched side by side, so that the
#: second's result merges into the first's (runs cross a narrower gap).
MERGE_MARGIN = 3
#: Draws for a neighbourhood apart from those being searched.
DRAWS = 10
#: Most operators re-planned together.
MAX_GROUP = 12
#: Most free cells (operator x day x shift type) in a neighbourhood of every
#: operator over a few days: beyond it, a sample of the operators. Curtois
#: 24 (150 operators, 32 shift types) has 4,800 cells a day, and its
#: all-operator windows gained nothing in 90 s. Fix-and-optimize alone,
#: 90 s from the same roster, budget 1,500 / 3,000 / 6,000 / 10,000 /
#: none: 24 225,554 / 225,258 / 218,310 / 233,667 / 239,070; 13 2,966 /
#: 2,497 / 2,463 / 2,984 / 2,839; 12 (3,000 / 6,000 / none) 4,237 / 4,334
#: / 4,336; 21 26,375 / 26,891 / 26,879; 23 58,227 / 57,484 / 61,853.
CELL_BUDGET = 3000
#: Above this many cells a repair stops at the first legal schedule: the
#: improvement phase then has the time. Curtois 22 (a year of one operator,
#: 3,640 cells) at 600 s: 5,000 (optimise) took the repair 111 s and ended
#: at 56,847; 3,000: 21 s and 54,983.
LONG_REPAIR = 3000
#: On horizons longer than two of these, improvement frees one window of
#: this many days (the decomposition over time of the long instances): a
#: year of one operator is a large model, four weeks of a few is small.
WINDOW_DAYS = 28
#: Days freed at a time to bring a total up to its minimum on long
#: horizons: dense year rosters (Curtois 22: 232 shifts of the 328 days
#: available, 5 on and 2 off at most) need whole quarters reshaped.
TOTALS_WINDOW_DAYS = 91
#: Days freed either side of a repaired operator's breaches.
REPAIR_MARGIN = 7
#: Deterministic seconds for the first, softened repair of one operator.
REPAIR_EFFORT = 0.5
#: Rounds of the softened repair before the hard one.
SOFT_ROUNDS = 2
#: Workers per repair sub-solve. Measured on Curtois Instance 23 (one operator,
#: 364 days): one worker finds no legal schedule in 20 s, two find one in
#: 0.9 s (the second worker's heuristics); two also use both cores of the
#: machines this runs on.
SUB_WORKERS = 2


@dataclass
class _Step:
    """One neighbourhood: its sub-model, then what its search found."""

    kind: str
    ops: list[int]
    days: Collection[int] | None
    cpm: CPModel
    seed: int
    free: int  # free cells
    soft: bool  # horizon minima softened (repair)
    start: int  # objective of the roster it starts from
    code: int = cp_model.UNKNOWN
    work: float = 0.0
    values: Sequence[int] = ()
    quick: bool = False
    proven: bool = False

    def __post_init__(self) -> None:
        self.op_set = frozenset(self.ops)

    def region(self, a: Assignment) -> bool:
        """Is the cell of ``a`` one this step re-planned?"""
        return a.operator in self.op_set and (self.days is None
                                              or a.day in self.days)


class FixAndOptimize:
    def __init__(self, p: ProblemData, roster: Roster, seed: int = 0,
                 workers: int = SUB_WORKERS,
                 deterministic: bool = False) -> None:
        self.p = p
        self.workers = workers
        self.deterministic = deterministic
        self.roster = roster
        self.objective = roster.objective()
        self.rng = random.Random(seed)
        self.size = 2  # operators per neighbourhood, adapted as we go
        self.span = 7  # days per all-operator window, adapted too
        self.spread = 6  # days freed around the costliest days, adapted
        self._cost: tuple[Roster | None, list[tuple[int, int]]] = (
            None, [])
        self._needed: tuple[Roster | None, set[tuple[int, int]]] = (
            None, set())
        self._weekend_of = {d: wk for wk in p.weekends for d in wk}
        # Objective gained per deterministic second, smoothed, by each
        # neighbourhood kind: the adaptive choice between them.
        self.rate = dict.fromkeys(KINDS, 0.0)
        self.work = 0.0  # deterministic seconds spent
        self.steps = 0
        self.improvements = 0
        self.largest = 0  # most variables in one sub-model

    def replan(self, ops: list[int], effort: float = STEP_EFFORT,
               force: bool = False, days: Collection[int] | None = None,
               soft_totals: bool = False, workers: int | None = None,
               until: float | None = None) -> bool:
        """Re-plan ``ops`` with the rest fixed; True if the roster moved.

        With ``days``, only those days of ``ops`` are free: their other
        cells stay as they are (the model still sees them, so runs and
        horizon totals across the window's edges hold). ``force`` takes
        any legal result (repair); otherwise the new roster is kept only if
        its objective is no worse."""
        step = self._prepare(ops, days, soft_totals)
        self._solve(step, effort, workers or (self.workers if force else 1),
                    force, until)
        self._record(step)
        found = self._result(step, force)
        if found is None:
            return False
        objective = found.objective()
        if not force and objective > self.objective:
            return False
        if objective < self.objective and not force:
            self.improvements += 1
        self.roster, self.objective = found, objective
        return True

    def _prepare(self, ops: list[int], days: Collection[int] | None,
                 soft_totals: bool = False, kind: str = "") -> _Step:
        """The sub-model of ``ops`` (over ``days``) against the roster,
        and the seed of its search (drawn here, so steps solved side by
        side draw in a fixed order)."""
        # Load flows tie a window's days to the rest of the week, so with
        # load the whole horizon is built and the outside cells fixed.
        window = days if not any(self.p.load) else None
        cpm = CPModel(self.p, operators=ops, others=self.roster,
                      days=window)
        cpm.variables.warmstart(self.roster)
        free = len(cpm.variables.x)
        if days is not None:
            if window is None:
                # (Windows built as such post no check on fixed cells.)
                _fix_outside(cpm, self.roster, days)
                _drop_fixed_checks(cpm)
            free = sum(1 for cell in cpm.variables.x if cell[1] in days)
        if soft_totals:
            _soften_min_totals(cpm)
        self.largest = max(self.largest, free)
        return _Step(kind, ops, days, cpm, self.rng.randrange(1 << 30),
                     free, soft_totals, self.objective)

    def _solve(self, step: _Step, effort: float, workers: int,
               force: bool = False, until: float | None = None) -> None:
        """Search the step's sub-model (thread-safe: touches only the
        step; CP-SAT releases the interpreter while it searches)."""
        solver = cp_model.CpSolver()
        prm = solver.parameters
        # Improvement steps: one worker (measured better than two on
        # Curtois 5 and 11, whose groups then grow larger); repairs: more.
        prm.num_workers = workers
        if self.deterministic and prm.num_workers > 1:
            prm.interleave_search = True
        prm.random_seed = step.seed
        prm.max_deterministic_time = effort
        # A wall-clock guard only; deterministic runs must never reach it
        # (a loaded machine would otherwise change the roster).
        prm.max_time_in_seconds = (100 if self.deterministic else 10) * effort
        if until is not None and not self.deterministic:
            # The improvement phase's deadline binds its last step too.
            prm.max_time_in_seconds = min(prm.max_time_in_seconds, max(
                0.05, until - time.monotonic()))
        # Measured on Curtois instances: the full LP proves one-operator
        # models optimal in about 0.1 s; the default level often needs 5 s.
        prm.linearization_level = 2
        if force and step.free > LONG_REPAIR and not step.soft:
            # A year of one operator's shifts takes CP-SAT 30 s or more
            # to optimise (Curtois Instance 24) but about 3 s to make legal;
            # the improvement phase then works on the legal roster.
            prm.stop_after_first_solution = True
        step.code = solver.solve(step.cpm.model)
        step.work = solver.deterministic_time
        step.values = list(solver.response_proto.solution)
        # Whether the step searched its neighbourhood exhaustively and
        # quickly: improve() grows its neighbourhoods while they are.
        step.proven = step.code == cp_model.OPTIMAL
        step.quick = step.proven and step.work < effort / 4

    def _record(self, step: _Step) -> None:
        self.work += step.work
        self.steps += 1

    def _result(self, step: _Step, force: bool = False) -> Roster | None:
        """The step's roster; None when it found none or (improvement) the
        roster it found is the one it started from: most steps find
        nothing better, and re-pricing costs time."""
        if step.code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        if not force and not step.cpm.variables.moved(step.values):
            return None
        return step.cpm.variables.roster_from(step.values)

    def _draw_kind(self) -> str:
        """The next neighbourhood kind: each in proportion to what it has
        gained lately per deterministic second (adaptive large-neighbourhood
        search), none below ``MIN_SHARE`` so a kind that stalled is retried.

        With load only operator groups, and no random number drawn: flows
        tie each day to the rest of its week, so a window of every operator
        is the whole model (the sample centre: 5 s a step)."""
        if any(self.p.load):
            return "operators"
        total = sum(self.rate.values())
        shares = [max(MIN_SHARE, r / total) if total > 0 else 1.0
                  for r in self.rate.values()]
        pick = self.rng.random() * sum(shares)
        for kind, share in zip(self.rate, shares):
            pick -= share
            if pick < 0:
                return kind
        return KINDS[-1]

    def _cover_cost(self) -> list[tuple[int, int]]:
        """The roster's (under, over) cover cost by day, priced once per
        roster (up to ``DRAWS`` draws per step price the same one)."""
        if self._cost[0] is not self.roster:
            self._cost = (self.roster, self.roster.cover_cost_by_day())
        return self._cost[1]

    def _costly_days(self) -> frozenset[int]:
        """About ``spread`` days in blocks of three around days drawn in
        turn in proportion to their under-cover cost and to their
        over-cover cost. Cover holes mostly sit on days few can work
        (weekends, under a cap on weekends worked), and moving work
        between two such days far apart needs both free at once, which no
        contiguous window of a short span holds. Where totals are tight
        (Curtois 22: 232 to 234 shifts a year) a shift added on a short
        day must be dropped on another: the over-covered days are where
        it costs least to drop."""
        horizon = self.p.num_days
        cost = self._cover_cost()
        chosen: set[int] = set()
        side = 0  # 0: under-cover, 1: over-cover
        while len(chosen) < min(self.spread, horizon):
            weights = [0 if d in chosen else c[side] + 1
                       for d, c in enumerate(cost)]
            d = self.rng.choices(range(horizon), weights)[0]
            chosen.update(range(max(0, d - 1), min(horizon, d + 2)))
            side = 1 - side
        return frozenset(chosen)

    def _movable(self, ops: list[int], days: Collection[int]) -> list[int]:
        """Every operator, or on large teams (more than ``CELL_BUDGET``
        free cells) a sample of them drawn by how freely they could take
        other work on ``days``: a day off, a shift with more on it than
        cover asks, or a request not met is a cell where moving costs
        little or gains; an operator whose days are all needed where they
        are can only swap with one who is free."""
        per_op = len(days) * len(self.p.shifts)
        n = max(2, CELL_BUDGET // max(1, per_op))
        if n >= len(ops):
            return ops
        if self._needed[0] is not self.roster:
            self._needed = (self.roster, _needed_cells(self.roster))
        needed = self._needed[1]
        weight = [1 + sum((o, d) not in needed for d in days) for o in ops]
        return self._sample(ops, weight, n)

    def _sample(self, ops: list[int], weight: list[int],
                n: int) -> list[int]:
        """``n`` of ``ops`` drawn without replacement in proportion to
        ``weight`` (Efraimidis-Spirakis keys), sorted."""
        keys = [self.rng.random() ** (1 / w) for w in weight]
        chosen = sorted(range(len(ops)), key=keys.__getitem__)[-n:]
        return sorted(ops[i] for i in chosen)

    def _fillers(self, ops: list[int]) -> tuple[list[int], int]:
        """A day drawn by its under-cover cost, and a group drawn by how
        cheaply each operator could take a shift on it: off that day, and
        more so when they already work its weekend (the day then costs no
        weekend of their cap). Where the all-operator windows must sample
        a few of a large team, this frees the ones a hole needs, over
        enough of the horizon to give up a shift elsewhere."""
        cost = self._cover_cost()
        day = self.rng.choices(range(len(cost)),
                               [c[0] + 1 for c in cost])[0]
        works = self.roster.works
        weekend = [e for e in self._weekend_of.get(day, ()) if e != day]
        weight = [1 if works(o, day) else FILL_OFF + FILL_SAME_WEEKEND * any(
            works(o, e) for e in weekend) for o in ops]
        return self._sample(ops, weight, min(self.size, len(ops))), day

    def _max_size(self) -> int:
        """Groups stay well short of the whole team: beyond that the
        sub-model is the full model and CP-SAT proper does better."""
        return max(1, min(MAX_GROUP, len(self.p.operators) // 2))

    def broken(self) -> dict[int, list[int | None]]:
        """Operators whose own schedule breaks a hard rule, with the days
        of the breaches (None for a rule over the whole horizon)."""
        index = self.p.operator_index
        days: dict[int, list[int | None]] = {}
        for v in check(self.roster):
            if v.operator is not None:
                days.setdefault(index[v.operator], []).append(v.day)
        return dict(sorted(days.items()))

    def repair(self, deadline: float, work_limit: float | None = None,
               lanes: int = 1) -> bool:
        """Re-plan each rule-breaking operator alone; True if all legal.

        A first pass softens each horizon minimum on minutes into a heavy
        cost and gives one worker a short budget: the model then always
        has a solution, and one worker proves most one-operator models
        optimal in under a second (Curtois Instance 20: 182 days, 50
        operators, all broken, about 1 s each); a second round takes those
        still broken, whose neighbours have since moved. Operators still
        breaking a rule after that get the hard rules, two workers and ten
        times the budget; any still broken go round again while each
        round leaves fewer broken. With ``work_limit`` (deterministic runs)
        the budget is that many deterministic seconds, not the wall clock.

        ``lanes`` operators are repaired side by side in the first pass
        (one worker each): an operator's rules concern their own schedule
        alone, so each result merges into the roster as it is by then and
        stays legal. The order results arrive in depends on the machine,
        so deterministic runs keep one lane.
        """

        def out_of_time() -> bool:
            if work_limit is not None:
                return self.work >= work_limit
            return time.monotonic() >= deadline

        left = len(self.p.operators) + 1
        while 0 < (now := len(self.broken())) < left:
            left = now
            for _ in range(SOFT_ROUNDS):
                if not self._soft_round(out_of_time, lanes):
                    return False
            for o, where in self.broken().items():
                if out_of_time():
                    return False
                # (An operator the hard model cannot mend in its budget
                # goes round again while rounds mend someone: rules that
                # admit no roster end the loop, and CP-SAT proves it.)
                if not self.replan([o], effort=10 * STEP_EFFORT, force=True,
                                   days=_around(where, self.p.num_days)) \
                        and None not in where:
                    self.replan([o], effort=10 * STEP_EFFORT, force=True)
        return not check(self.roster)

    def _soft_round(self, out_of_time: Callable[[], bool],
                    lanes: int) -> bool:
        """One pass of the softened repair over the operators breaking a
        rule, ``lanes`` at a time; False when time ran out."""
        queue = list(self.broken().items())
        lock = threading.Lock()
        late = False

        def work() -> None:
            nonlocal late
            while True:
                with lock:
                    if not queue:
                        return
                    o, where = queue.pop(0)
                for days in self._repair_windows(o, where):
                    if out_of_time():
                        late = True
                        return
                    if days is not None and self._total_met(o) and not any(
                            d in days for d in where if d is not None):
                        continue
                    step = self._prepare([o], days, soft_totals=True)
                    self._solve(step, REPAIR_EFFORT, 1, force=True)
                    with lock:
                        self._record(step)
                        found = self._result(step, force=True)
                        if found is not None:
                            self.roster = _merged(self.roster, found,
                                                  step.region)

        if lanes > 1:
            with ThreadPoolExecutor(lanes) as pool:
                for future in [pool.submit(work) for _ in range(lanes)]:
                    future.result()  # (re-raises what a lane raised)
        else:
            work()
        self.objective = self.roster.objective()
        return not late

    def _repair_windows(self, o: int, where: list[int | None],
                        ) -> list[range | None]:
        """Days to free, in turn, to mend operator o's breaches.

        Short horizons: the whole horizon at once (one worker proves a
        half-year operator model optimal in about a second). Long ones: a
        window of ``WINDOW_DAYS`` around each cluster of breaches, then,
        for a total short of its minimum, every window from the least
        worked on until the total is met (a year-long model of one
        operator takes one worker seconds just to find a solution).
        """
        horizon = self.p.num_days
        if horizon <= 2 * WINDOW_DAYS:
            return [_around(where, horizon)]
        if None in where:
            # Quarters, the least worked first: each also mends the local
            # breaches inside it.
            worked = {a.day for a in self.roster.assignments
                      if a.operator == o}
            starts = range(0, horizon, TOTALS_WINDOW_DAYS)
            return sorted(
                (range(s, min(horizon, s + TOTALS_WINDOW_DAYS))
                 for s in starts),
                key=lambda r: sum(d in worked for d in r))
        windows: list[range | None] = []
        local = sorted(d for d in where if d is not None)
        span = WINDOW_DAYS - 2 * REPAIR_MARGIN
        while local:
            first = local[0]
            cluster = [d for d in local if d < first + span]
            local = local[len(cluster):]
            windows.append(range(max(0, first - REPAIR_MARGIN),
                                 min(horizon, cluster[-1] + REPAIR_MARGIN
                                     + 1)))
        return windows

    def _total_met(self, o: int) -> bool:
        need = self.p.operators[o].min_minutes_total
        if need is None:
            return True
        return self.roster.minutes(o, range(self.p.num_days)) >= need

    def improve(self, deadline: float,
                on_improve: Callable[[Roster, int], None] = lambda r, o: None,
                should_stop: Callable[[], bool] = lambda: False,
                work_limit: float | None = None,
                patience: int | None = None, lanes: int = 1) -> Roster:
        """Re-plan neighbourhoods until ``deadline`` (time.monotonic), a
        stop, ``work_limit`` deterministic seconds (reproducible) or, with
        ``patience``, that many steps in a row without a gain spanning
        ``STALL_SHARE`` of the phase's wall time: gains come in bursts
        between long dry spells on mid-sized rosters (Curtois 19: 38 gains
        in 272 steps). With ``work_limit`` (deterministic runs) steps
        alone count: deterministic time barely moves in the steps of tiny
        problems (8,000 steps for 0.1 s), and the wall clock must not
        decide a reproducible run.

        Four kinds of neighbourhood, drawn adaptively (``KINDS``): every
        operator over a window of days, every operator over blocks of days
        around the costliest, a group of operators over the horizon (on
        long horizons, over a window of four weeks), and such a group drawn
        from those who could best fill an under-covered day, around it.

        ``lanes`` neighbourhoods are searched side by side, one worker
        each (a step is one CP-SAT worker, so a single lane leaves the
        other cores idle). A step that started from an older roster than
        the current one is merged into it: its cells replace theirs when
        the merged roster passes the checker and costs less. Deterministic
        runs wait for every lane and take the steps in the order drawn;
        others take each step as it ends (steps differ tenfold in time)."""
        ops = list(range(len(self.p.operators)))
        idle = 0
        pool = ThreadPoolExecutor(lanes)
        pending: list[tuple[Future[None], _Step]] = []
        last_gain = time.monotonic()
        dry_spell = (0.0 if work_limit is not None
                     else STALL_SHARE * (deadline - last_gain))

        def stalled() -> bool:
            return (patience is not None and idle >= patience
                    and time.monotonic() - last_gain >= dry_spell)

        def done() -> bool:
            return (time.monotonic() >= deadline - 0.2 or should_stop()
                    or (work_limit is not None and self.work >= work_limit)
                    or stalled())

        try:
            while True:
                while not done() and len(pending) < lanes:
                    step = self._draw_step(ops, [s for _, s in pending])
                    pending.append((pool.submit(
                        self._solve, step, STEP_EFFORT, 1, until=deadline),
                        step))
                if not pending:
                    break
                wait([f for f, _ in pending],
                     return_when=ALL_COMPLETED if self.deterministic
                     or done() else FIRST_COMPLETED)
                for future, step in [e for e in pending if e[0].done()]:
                    pending.remove((future, step))
                    future.result()
                    before = self.objective
                    self._take(step)
                    if self.objective < before:
                        on_improve(self.roster, self.objective)
                        idle, last_gain = 0, time.monotonic()
                    else:
                        idle += 1
        finally:
            pool.shutdown(cancel_futures=True)
        return self.roster

    def _merge(self, found: Roster, step: _Step) -> Roster | None:
        """The roster with the step's cells taken from ``found``, less
        those of operators it would leave breaking a rule: two steps
        searched side by side may each move shifts of one operator, and
        together break a horizon total. An operator's rules concern their
        own schedule alone, so keeping the roster's cells of those
        operators makes the merge legal (checked all the same)."""
        merged = _merged(self.roster, found, step.region)
        breaches = check(merged)
        if not breaches:
            return merged
        if any(v.operator is None for v in breaches):
            return None
        index = self.p.operator_index
        bad = {index[v.operator] for v in breaches
               if v.operator is not None}
        merged = _merged(self.roster, found, lambda a: a.operator not in bad
                         and step.region(a))
        return None if check(merged) else merged

    def _draw_step(self, ops: list[int], busy: list[_Step]) -> _Step:
        """The next neighbourhood, apart from those being searched: up to
        ``DRAWS`` draws for one whose cells lie ``MERGE_MARGIN`` days or
        more from theirs, so its result merges into theirs."""
        for _ in range(DRAWS):
            kind, group, days = self._draw_region(ops)
            if not any(_overlap(group, days, s.op_set, s.days)
                       for s in busy):
                break
        return self._prepare(group, days, kind=kind)

    def _draw_region(self, ops: list[int],
                     ) -> tuple[str, list[int], Collection[int] | None]:
        horizon = self.p.num_days
        kind = self._draw_kind()
        if kind == "days":
            # Every operator over a few days: cover is mended by whoever
            # can best take the shift.
            start = self.rng.randrange(horizon - self.span + 1)
            days: Collection[int] | None = range(start, start + self.span)
            return kind, self._movable(ops, days), days
        if kind == "holes":
            days = self._costly_days()
            return kind, self._movable(ops, days), days
        # Some operators over the horizon (on long ones, a window): whole
        # schedules are reshaped.
        day = None
        if kind == "fill":
            group, day = self._fillers(ops)
        else:
            group = sorted(self.rng.sample(ops, min(self.size, len(ops))))
        days = None
        if horizon > 2 * WINDOW_DAYS:
            start = (self.rng.randrange(horizon - WINDOW_DAYS + 1)
                     if day is None else min(max(0, day - WINDOW_DAYS // 2),
                                             horizon - WINDOW_DAYS))
            days = range(start, start + WINDOW_DAYS)
        return kind, group, days

    def _take(self, step: _Step) -> None:
        """Keep what a step found if no worse than the roster it started
        from; on a roster that has moved on since, merge it in only where
        the merged roster is legal and cheaper. The step's kind learns its
        rate (gain per deterministic second) and size from it."""
        self._record(step)
        horizon = self.p.num_days
        if step.kind == "days":
            self.span = _adapt(self.span, step.quick, step.proven,
                               max(2, horizon // 2))
        elif step.kind == "holes":
            self.spread = _adapt(self.spread, step.quick, step.proven,
                                 max(3, horizon // 2))
        else:
            self.size = _adapt(self.size, step.quick, step.proven,
                               self._max_size())
        before = self.objective
        found = self._result(step)
        objective = found.objective() if found is not None else before
        if found is None:
            pass
        elif self.roster is step.cpm.variables.others:
            if objective <= before:
                self.roster, self.objective = found, objective
        elif objective < step.start and not any(self.p.load):
            # (With load the flows of two sub-models do not combine.)
            merged = self._merge(found, step)
            if merged is not None and (cost := merged.objective()) < before:
                self.roster, self.objective = merged, cost
        if self.objective < before:
            self.improvements += 1
        self.rate[step.kind] = (1 - RATE_MEMORY) * self.rate[step.kind] + \
            RATE_MEMORY * (before - self.objective) / max(step.work, 0.01)


def _needed_cells(roster: Roster) -> set[tuple[int, int]]:
    """(operator, day) cells on a shift that cover asks for (not over it)
    and not against the operator's request: every other cell could take
    other work cheaply (a day off, a shift over cover, a request unmet)."""
    p = roster.problem
    over = {cell for cell, (_, o) in zip(p.day_cover_cells,
                                         roster.day_cover_counts()) if o}
    unmet = {p.preference_cells[i][:2]
             for i, _ in roster.preference_breaches()}
    return {(a.operator, a.day) for a in roster.assignments
            if (a.day, a.shift) not in over} - unmet


def _merged(roster: Roster, found: Roster,
            region: Callable[[Assignment], bool]) -> Roster:
    """``roster`` with its cells in ``region`` taken from ``found``."""
    return Roster(roster.problem, [
        a for a in roster.assignments if not region(a)
    ] + [a for a in found.assignments if region(a)])


def _overlap(ops: Collection[int], days: Collection[int] | None,
             other_ops: Collection[int],
             other_days: Collection[int] | None) -> bool:
    """Do two neighbourhoods share an operator within ``MERGE_MARGIN``
    days?"""
    if not any(o in other_ops for o in ops):
        return False
    if days is None or other_days is None:
        return True
    return any(abs(d - e) < MERGE_MARGIN for d in days for e in other_days)


def _adapt(size: int, quick: bool, proven: bool, most: int) -> int:
    """Grow a neighbourhood while it is proven optimal quickly, shrink it
    when it runs out of time: it stays as large as one worker can search
    exhaustively."""
    if quick:
        return min(most, size + 1)
    if not proven:
        return max(1, size - 1)
    return size


def _around(where: list[int | None], horizon: int) -> range | None:
    """Days to free to mend breaches on ``where``: the whole horizon when
    one of them concerns it all."""
    if None in where:
        return None
    lo = max(0, min(where) - REPAIR_MARGIN)  # type: ignore[type-var]
    hi = min(horizon, max(where) + REPAIR_MARGIN + 1)  # type: ignore[type-var]
    return range(lo, hi)


def _fix_outside(cpm: CPModel, roster: Roster, days: range) -> None:
    """Fix the model's cells outside ``days`` to the roster (models built
    over the whole horizon: those with load)."""
    chosen = {(a.operator, a.day, a.shift) for a in roster.assignments}
    worked = {(a.operator, a.day) for a in roster.assignments}
    domains = cpm.model.proto.variables
    for cell, var in cpm.variables.x.items():
        if cell[1] not in days:
            domain = domains[var.index].domain
            domain[0] = domain[1] = int(cell in chosen)
    for (o, d), w in cpm.variables.works.items():
        if d not in days and not isinstance(w, int):
            domain = domains[w.index].domain
            domain[0] = domain[1] = int((o, d) in worked)


def _drop_fixed_checks(cpm: CPModel) -> None:
    """Drop checks left with fixed variables only: a breach outside the
    window is not this sub-model's to mend (the repair mends one window
    at a time), and on a legal roster they hold anyway."""
    domains = cpm.model.proto.variables

    def is_fixed(ref: int) -> bool:
        domain = domains[ref if ref >= 0 else -ref - 1].domain
        return len(domain) == 2 and domain[0] == domain[1]

    for ct in cpm.model.proto.constraints:
        if len(ct.enforcement_literal):
            continue
        if ct.has_bool_or():
            refs, clear = ct.bool_or.literals, ct.clear_bool_or
        elif ct.has_linear():
            refs, clear = ct.linear.vars, ct.clear_linear
        else:
            continue
        if all(is_fixed(r) for r in refs):
            clear()

#: Objective weight of a minute short of a horizon minimum in the repair
#: sweep: above any cover or request cost a shift could buy.
SHORT_MINUTE_WEIGHT = 1000


def _soften_min_totals(cpm: CPModel) -> None:
    """Turn each operator's horizon minimum on minutes into a heavy cost.

    A window cannot mend its run rules when the operator's total sits at
    the minimum and the mend drops a shift: the minimum then makes every
    window's model infeasible. Softened, a window may drop the shift and a
    later window of the sweep, paid to, adds one back where the runs allow.
    """
    model, v = cpm.model, cpm.variables
    proto = model.proto
    for o, ct in cpm.constraints.min_total.items():
        need = cpm.data.operators[o].min_minutes_total or 0
        proto.constraints[ct.index].clear_linear()
        short = model.new_int_var(0, need, f"short{o}")
        model.add(v.minutes(o, range(cpm.data.num_days)) + short >= need)
        proto.objective.vars.append(short.index)
        proto.objective.coeffs.append(SHORT_MINUTE_WEIGHT)
