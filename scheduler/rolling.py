"""Rolling-horizon re-planning: published days kept, minimal churn.

A nightly run re-plans from ``plan_from`` (``--from``) to the end of the
centre's horizon while a roster is already published. The rolling problem
is the centre's ordinary ``ProblemData`` (from ``to_problem``) with three
changes, so every rule is enforced by the existing model and verified by
the existing checker, across the boundary too:

* **history**: it starts earlier, on the Monday on or before
  ``plan_from - lookback`` (lookback = the longest run rule or rest gap in
  days) but never before the previous roster's first day. Those days are
  pinned (``ProblemData.fixed``) to the previous roster (a day without a
  row is a day off), so rest, consecutive days and nights, days off and
  hours per Monday-Sunday week, and contract minimums count what was
  actually worked. History days price nothing: their demand is exactly
  the head-count the previous roster has on duty (no under- or
  overstaffing) and their heavy-call load is zero. Time off on history
  days is ignored (they are facts, not plans).
* **frozen days**: ``plan_from`` and the ``freeze_days - 1`` days after it
  are pinned to the previous roster as well, even when that makes later
  days worse. Only time off overrides a frozen cell: a sick operator's
  frozen shift becomes a day off (reported as a note); nobody else's
  frozen cell moves.
* **stability**: the later days are free, with the previous roster's
  cells in ``ProblemData.previous`` and ``Weights.stability`` > 0, so each
  changed cell (a shift moved, added or removed) costs that weight and a
  re-plan changes only what pays for itself.

Demand (forecast) and time off are taken from ``plan_from`` on; the
forecast must cover ``plan_from`` to the centre's last day (the reader
already demands that it covers the centre's whole horizon).

The search starts from the previous roster (its cells that the new input
still allows, e.g. not a sick day's shift) completed greedily on days it
does not cover, so an unchanged input reproduces it at once.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from enum import StrEnum
from pathlib import Path

from .center.model import Center
from .center.staffing import IntervalRequirement, requirement
from .center.to_problem import to_problem
from .core import limits
from .core.construct import construct
from .core.problem import MINUTES_PER_DAY, FixedAssignment, ProblemData
from .core.solution import Assignment, Roster
from .core.solve import ProgressHook, SolveParams
from .errors import InputError, InputProblem
from .plan import Plan, input_hash, plan_problem

DEFAULT_FREEZE_DAYS = 7
# A changed cell costs as much as 5 agent-intervals of understaffing at
# the default weights (100 each): a re-plan moves a published shift only
# to close a real gap, never for a marginal gain. Measured on the sample
# centre: see README, "Rolling planning".
DEFAULT_STABILITY_WEIGHT = 500


class RollingStatus(StrEnum):
    """A solve status of its own: the previous roster kept as it is."""

    UNCHANGED = "unchanged"


UNCHANGED = RollingStatus.UNCHANGED


@dataclass(frozen=True)
class RosterCells:
    """A roster as cells: who works which shift on which date.

    Every operator in ``operators`` is off on a date in ``start..end``
    without a cell. ``source`` says where it came from (a file, a run).
    """

    source: str
    start: date
    end: date
    shifts: Mapping[tuple[str, date], str]
    operators: frozenset[str]
    run_id: int | None = None
    input_hash: str = ""  # of the input it was planned from, if known
    loads: Mapping[tuple[str, date], int] = field(default_factory=dict)

    def covers(self, day: date) -> bool:
        return self.start <= day <= self.end

    def shift(self, operator: str, day: date) -> str | None:
        return self.shifts.get((operator, day))


@dataclass(frozen=True)
class CellChange:
    operator: str
    date: date
    before: str | None  # None: day off
    after: str | None

    def describe(self) -> str:
        return (f"{self.date.isoformat()} {self.before or 'OFF'} -> "
                f"{self.after or 'OFF'}")


@dataclass(frozen=True)
class Window:
    """The rolling horizon's days: history, frozen, re-planned."""

    start: date  # first day of the problem (history, if any, starts here)
    plan_from: date  # first re-planned day
    frozen_until: date | None  # last frozen day, None when nothing frozen
    end: date

    @property
    def history_days(self) -> int:
        return (self.plan_from - self.start).days


@dataclass
class RollingProblem:
    problem: ProblemData
    window: Window
    first_day: int  # index of plan_from in the problem
    hint: Roster | None
    previous: RosterCells | None
    notes: list[str] = field(default_factory=list)


# Reading a previous roster ---------------------------------------------

_HORIZON = re.compile(r"(\d{4}-\d{2}-\d{2})\s+to\s+(\d{4}-\d{2}-\d{2})")


def cells_from_rows(rows: Iterable[tuple], source: str,
                    start: date | None = None, end: date | None = None,
                    operators: Iterable[str] | None = None,
                    run_id: int | None = None,
                    input_hash: str = "") -> RosterCells:
    """Cells from ``(operator_id, date, shift_id[, heavy_calls])`` rows;
    the range is ``start..end`` widened to every row's date."""
    shifts: dict[tuple[str, date], str] = {}
    loads: dict[tuple[str, date], int] = {}
    problems = []
    for op, day, shift, *load in rows:
        if (op, day) in shifts and shifts[op, day] != shift:
            problems.append(InputProblem(
                source, f"operator {op} has two shifts on {day}"))
        shifts[op, day] = shift
        if load and load[0]:
            loads[op, day] = int(load[0])
    if problems:
        raise InputError(problems)
    days = [d for _, d in shifts]
    lo = min([*days, *([start] if start else [])], default=None)
    hi = max([*days, *([end] if end else [])], default=None)
    if lo is None or hi is None:
        raise InputError([InputProblem(
            source, "the previous roster has no assignments and no dates")])
    ops = {op for op, _ in shifts}
    if operators is not None:
        ops |= set(operators)
    return RosterCells(source, lo, hi, shifts, frozenset(ops), run_id,
                       input_hash, loads)


def read_roster_cells(path: str | Path) -> RosterCells:
    """A roster written by ``scheduler plan``: the workbook (its
    ``Assignments`` sheet; the horizon and input hash from ``Summary``) or
    the ``…_assignments.csv`` beside it. The operators are those with at
    least one shift."""
    path = Path(path)
    if not path.exists():
        raise InputError([InputProblem(str(path), "file not found")])
    if path.suffix.lower() == ".csv":
        return _read_csv(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    raise InputError([InputProblem(
        str(path), "a previous roster is a roster workbook (.xlsx) or its "
        "assignments CSV")])


def _parse_row(source: str, sheet: str | None, row: int,
               values: dict[str, object],
               problems: list[InputProblem],
               ) -> tuple[str, date, str, int] | None:
    op = str(values.get("operator_id") or "").strip()
    shift = str(values.get("shift_id") or "").strip()
    raw = values.get("date")
    day: date | None = None
    if isinstance(raw, date):
        day = raw if type(raw) is date else raw.date()  # type: ignore[attr-defined]
    elif raw is not None:
        try:
            day = date.fromisoformat(str(raw).strip()[:10])
        except ValueError:
            day = None
    try:
        load = round(float(values.get("heavy_calls") or 0))
    except (TypeError, ValueError):
        load = None
    if not op or not shift or day is None or load is None:
        problems.append(InputProblem(
            source, "needs operator_id, date (YYYY-MM-DD), shift_id and "
            "a number (or nothing) as heavy_calls", sheet=sheet, row=row))
        return None
    return op, day, shift, load


def _read_csv(path: Path) -> RosterCells:
    rows, problems = [], []
    with open(path, newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        header = [h.strip().lower() for h in reader.fieldnames or []]
        missing = {"operator_id", "date", "shift_id"} - set(header)
        if missing:
            raise InputError([InputProblem(
                str(path), f"missing column(s) {sorted(missing)}")])
        for i, raw in enumerate(reader, start=2):
            values = {k.strip().lower(): v for k, v in raw.items() if k}
            parsed = _parse_row(str(path), None, i, values, problems)
            if parsed:
                rows.append(parsed)
    if problems:
        raise InputError(problems)
    return cells_from_rows(rows, str(path))


def _read_xlsx(path: Path) -> RosterCells:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # a zip or XML error: not a workbook
        raise InputError([InputProblem(
            str(path), f"cannot read the workbook: {exc}")]) from None
    try:
        if "Assignments" not in wb.sheetnames:
            raise InputError([InputProblem(
                str(path), "no Assignments sheet: not a roster workbook")])
        it = wb["Assignments"].iter_rows(values_only=True)
        header = [str(c or "").strip().lower() for c in next(it, ())]
        missing = {"operator_id", "date", "shift_id"} - set(header)
        if missing:
            raise InputError([InputProblem(
                str(path), f"missing column(s) {sorted(missing)}",
                sheet="Assignments")])
        rows, problems = [], []
        for i, raw in enumerate(it, start=2):
            if not any(c not in (None, "") for c in raw):
                continue
            values = dict(zip(header, raw))
            parsed = _parse_row(str(path), "Assignments", i, values,
                                problems)
            if parsed:
                rows.append(parsed)
        if problems:
            raise InputError(problems)
        start = end = None
        digest = ""
        if "Summary" in wb.sheetnames:
            for row in wb["Summary"].iter_rows(values_only=True):
                if len(row) < 2 or not row[1]:
                    continue
                if row[0] == "horizon":
                    m = _HORIZON.search(str(row[1]))
                    if m:
                        start = date.fromisoformat(m.group(1))
                        end = date.fromisoformat(m.group(2))
                elif row[0] == "input sha256":
                    digest = str(row[1])
    finally:
        wb.close()
    return cells_from_rows(rows, str(path), start, end, input_hash=digest)


# Building the rolling problem ------------------------------------------


def lookback_days(p: ProblemData) -> int:
    """Days before ``plan_from`` that a rule can look back over."""
    runs = [p.rules.max_consecutive_days, p.rules.max_consecutive_nights]
    runs += [o.max_consecutive_days for o in p.operators]
    rest = max((gap for _, _, gap in limits.succession_conflicts(p)),
               default=1)
    return max([1, rest, *(r for r in runs if r is not None)])


def _monday_on_or_before(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _rebuild(base: ProblemData, **updates) -> ProblemData:
    """A validated copy (``model_copy`` would skip the validators)."""
    fields = {name: getattr(base, name) for name in ProblemData.model_fields}
    fields.update(updates)
    return ProblemData(**fields)


def build_rolling(center: Center, req: list[IntervalRequirement],
                  previous: RosterCells | None,
                  plan_from: date | None = None,
                  freeze_days: int = DEFAULT_FREEZE_DAYS,
                  stability: int = DEFAULT_STABILITY_WEIGHT,
                  ) -> RollingProblem:
    """The rolling problem for re-planning ``center`` from ``plan_from``
    (default: the centre's first day) against ``previous``."""
    s = center.settings
    plan_from = plan_from or s.start_date
    if not s.start_date <= plan_from <= s.end_date:
        raise InputError([InputProblem(
            "--from", f"{plan_from} is outside the centre's horizon "
            f"{s.start_date}..{s.end_date} (the forecast must cover the "
            "re-planned days)")])
    if freeze_days < 0 or stability < 0:
        raise InputError([InputProblem(
            "--freeze-days/--stability-weight", "must not be negative")])
    base = to_problem(center, req)
    notes: list[str] = []
    start = plan_from
    if previous is not None:
        if previous.covers(plan_from - timedelta(days=1)):
            lookback = plan_from - timedelta(days=lookback_days(base))
            start = max(_monday_on_or_before(lookback), previous.start)
        elif previous.end < plan_from:
            notes.append(
                f"the previous roster ({previous.source}) ends on "
                f"{previous.end}, before {plan_from - timedelta(days=1)}: "
                "no worked days to carry across the boundary")
        _check_shift_ids(previous, base)
    num_days = (s.end_date - start).days + 1
    first = (plan_from - start).days
    delta = (s.start_date - start).days  # base day b is rolling day b+delta
    slots = base.slots_per_day

    def day_of(n: int) -> date:
        return start + timedelta(days=n)

    shifts = base.shifts
    op_ids = [o.id for o in base.operators]
    time_off = {o.id: {b + delta for b in o.time_off if b + delta >= first}
                for o in base.operators}

    # Pins: history as worked, frozen as published (time off wins).
    pinned: dict[tuple[str, int], str | None] = {}
    frozen: list[int] = []
    if previous is not None:
        for n in range(first):
            for op in op_ids:
                pinned[op, n] = previous.shift(op, day_of(n))
        for n in range(first, min(first + freeze_days, num_days)):
            if not previous.covers(day_of(n)):
                continue
            frozen.append(n)
            for op in op_ids:
                shift = previous.shift(op, day_of(n))
                if shift is not None and n in time_off[op]:
                    notes.append(
                        f"{op} on {day_of(n)} (frozen): published {shift}, "
                        "now time off; kept as a day off")
                    shift = None
                pinned[op, n] = shift
        gone = sorted({op for op, _ in previous.shifts} - set(op_ids))
        if gone:
            notes.append(
                f"operator(s) {', '.join(gone)} of the previous roster are "
                "not in the input; their shifts are dropped")
    # A pinned shift that runs past midnight into a day off stays (it was
    # worked or published); that day's own cell is simply pinned off.
    for op in op_ids:
        for n in sorted(time_off[op]):
            before = pinned.get((op, n - 1))
            if before is None:
                continue
            if shifts[base.shift_index[before]].end_minute > MINUTES_PER_DAY:
                time_off[op].discard(n)
                pinned[op, n] = None

    required = [0] * (num_days * slots)
    load = [0] * (num_days * slots)
    if base.required:
        required[first * slots:] = base.required[
            (first - delta) * slots:]
    if base.load:
        load[first * slots:] = base.load[(first - delta) * slots:]
    operators = tuple(o.model_copy(update={"time_off": frozenset(
        time_off[o.id])}) for o in base.operators)
    fixed = tuple(FixedAssignment(operator=op, day=n, shift=shift)
                  for (op, n), shift in sorted(
                      pinned.items(), key=lambda kv: (kv[0][1], kv[0][0])))
    problem = _rebuild(
        base, start_date=start, num_days=num_days, operators=operators,
        required=tuple(required) if base.required else (),
        load=tuple(load) if base.load else (),
        preferences=tuple(
            p.model_copy(update={"day": p.day + delta})
            for p in base.preferences if p.day + delta >= first),
        fixed=fixed,
        weights=base.weights.model_copy(update={"stability": stability}))
    # History intervals: demand = the head-count on duty, so they price
    # nothing (the pinned shifts are neither short nor surplus there).
    if problem.required and first:
        history = list(problem.required)
        for (_, n), shift in pinned.items():
            if n < first and shift is not None:
                for t in problem.shift_intervals(n, problem.shift_index[
                        shift]):
                    if t < first * slots:
                        history[t] += 1
        problem = _rebuild(problem, required=tuple(history))

    prev_cells: list[FixedAssignment] = []
    if previous is not None:
        known = previous.operators & set(op_ids)
        for n in range(first, num_days):
            if not previous.covers(day_of(n)):
                continue
            for op in op_ids:
                if op in known and (op, n) not in pinned:
                    prev_cells.append(FixedAssignment(
                        operator=op, day=n, shift=previous.shift(op,
                                                                 day_of(n))))
        problem = _rebuild(problem, previous=tuple(prev_cells))

    hint = None
    if previous is not None:
        uncovered = any(not previous.covers(day_of(n))
                        for n in range(first, num_days))
        hint = _hint(problem, prev_cells, greedy=uncovered)
    window = Window(start, plan_from,
                    day_of(frozen[-1]) if frozen else None, s.end_date)
    return RollingProblem(problem, window, first, hint, previous, notes)


def _check_shift_ids(previous: RosterCells, base: ProblemData) -> None:
    unknown = sorted({s for s in previous.shifts.values()}
                     - set(base.shift_index))
    if unknown:
        raise InputError([InputProblem(
            previous.source, f"shift id(s) {unknown} of the previous roster "
            "are not in the input's shifts")])


def _hint(problem: ProblemData, prev_cells: list[FixedAssignment],
          greedy: bool) -> Roster:
    """The previous roster where the input still allows it (pins included),
    completed by the greedy construction when it leaves days uncovered."""
    p = problem
    keep = []
    for c in prev_cells:
        if c.shift is None:
            keep.append(c)
            continue
        op = p.operator_index[c.operator]
        if limits.can_work(p, op, c.day, p.shift_index[c.shift]):
            keep.append(c)
    cells = (*p.fixed, *keep)
    if greedy:
        return Roster(p, construct(_rebuild(p, fixed=cells)).assignments)
    return Roster(p, [Assignment(p.operator_index[c.operator], c.day,
                                 p.shift_index[c.shift])
                      for c in cells if c.shift is not None])


# Planning and measuring churn ------------------------------------------


def plan_rolling(center: Center, params: SolveParams,
                 previous: RosterCells | None,
                 plan_from: date | None = None,
                 freeze_days: int = DEFAULT_FREEZE_DAYS,
                 stability: int = DEFAULT_STABILITY_WEIGHT,
                 progress: ProgressHook | None = None,
                 source: str | Path | None = None,
                 control: object | None = None,
                 ) -> tuple[Plan, RollingProblem]:
    """Staff, build the rolling problem, solve from the previous roster,
    verify (boundary rules included) and measure the churn.

    When the input is byte for byte the one the previous roster was
    planned from (same input hash) and that roster covers the horizon,
    nothing has changed that could justify a change: every cell is kept
    (frozen to the end) and only the heavy-call allocation is recomputed.
    A time-limited search could otherwise still "improve" a roster that
    was published as it is.
    """
    req = requirement(center)
    unchanged = bool(
        previous is not None and source is not None and previous.input_hash
        and previous.input_hash == input_hash(source)
        and previous.end >= center.settings.end_date)
    if unchanged:
        freeze_days = center.settings.days + 1
    rp = build_rolling(center, req, previous, plan_from, freeze_days,
                       stability)
    if unchanged:
        rp.notes.append(
            f"the input is unchanged since {previous.source} (same input "
            "hash): its roster is kept as it is")
    kept = [q for q in req if q.date >= rp.window.plan_from]
    plan = plan_problem(center, kept, rp.problem, params, progress, source,
                        hint=rp.hint, control=control,
                        first_day=rp.first_day)
    if unchanged:
        # Every cell was pinned: "optimal" would claim too much.
        plan.result = replace(plan.result, status=UNCHANGED, bound=None)
    rp.notes += carried_load_notes(rp, plan)
    plan.kpis.update(window_kpis(rp, plan))
    return plan, rp


def carried_load_notes(rp: RollingProblem, plan: Plan) -> list[str]:
    """Weekly heavy-call caps in the week of ``plan_from``, counting the
    heavy calls the previous roster gave on its days before ``plan_from``.

    The core model cannot count those yet (history days carry no load),
    so this check reports, rather than prevents, an excess there.
    """
    p, prev, first = plan.problem, rp.previous, rp.first_day
    if prev is None or first == 0:
        return []
    week = next(w for w in p.weeks if first in w)
    before = [d for d in week if d < first]
    notes = []
    for op, o in enumerate(p.operators):
        cap = o.load_cap_per_week
        if cap is None or not before:
            continue
        taken = sum(prev.loads.get((o.id, p.date_of(d)), 0) for d in before)
        planned = sum(a.load for d in week if d >= first
                      and (a := plan.roster.by_cell.get((op, d))))
        if taken + planned > cap:
            notes.append(
                f"{o.id}: {taken} heavy calls before {rp.window.plan_from} "
                f"and {planned} planned make {taken + planned} in that week, "
                f"above the weekly cap of {cap}")
    return notes


def roster_cells(plan: Plan, source: str = "",
                 run_id: int | None = None) -> RosterCells:
    """A planned roster as cells over its whole problem horizon."""
    p = plan.problem
    shifts = {(p.operators[a.operator].id, p.date_of(a.day)):
              p.shifts[a.shift].id for a in plan.roster.assignments}
    loads = {(p.operators[a.operator].id, p.date_of(a.day)): a.load
             for a in plan.roster.assignments if a.load}
    return RosterCells(source, p.start_date, p.date_of(p.num_days - 1),
                       shifts, frozenset(o.id for o in p.operators), run_id,
                       loads=loads)


def diff_cells(before: RosterCells, after: RosterCells,
               since: date | None = None) -> list[CellChange]:
    """Cells that differ on the dates both rosters cover (from ``since``),
    for every operator either roster has."""
    lo = max(before.start, after.start, since or before.start)
    hi = min(before.end, after.end)
    ops = sorted(before.operators | after.operators)
    changes = []
    day = lo
    while day <= hi:
        for op in ops:
            a, b = before.shift(op, day), after.shift(op, day)
            if a != b:
                changes.append(CellChange(op, day, a, b))
        day += timedelta(days=1)
    return sorted(changes, key=lambda c: (c.operator, c.date))


def window_kpis(rp: RollingProblem, plan: Plan) -> dict[str, object]:
    w = rp.window
    result: dict[str, object] = {
        "re-planned from": w.plan_from.isoformat(),
        "frozen through": (w.frozen_until.isoformat()
                           if w.frozen_until else "-"),
        "history days (worked, pinned)": w.history_days,
    }
    if rp.previous is not None:
        changes = diff_cells(rp.previous, roster_cells(plan), w.plan_from)
        frozen = [c for c in changes
                  if w.frozen_until and c.date <= w.frozen_until]
        result["previous roster"] = rp.previous.source
        result["cells changed vs previous"] = len(changes)
        result["frozen cells changed (time off)"] = len(frozen)
        result["operators with changes"] = len({c.operator
                                                for c in changes})
    return result
