"""Check a hand-edited roster workbook, and fix it by re-planning.

``check_workbook(path, center)`` rebuilds a core
:class:`~scheduler.core.solution.Roster` from the workbook (the ``Roster``
grid says who works what; heavy calls come from ``Assignments`` where it
agrees with the grid and are re-derived elsewhere) and runs the same
independent checker that verifies every planned roster. It also compares
coverage and heavy-call placement interval by interval with the roster as
planned, so a manager sees what an edit costs.

``fix(report, params)`` re-plans: every cell the manager changed is pinned
(``ProblemData.fixed``), every other cell is free but costs a stability
penalty when it moves, so the new roster changes only what it must. The
result is a :class:`~scheduler.plan.Plan` plus the list of changed cells
with the reason for each, for the ``Changes`` sheet.

Library code: raises the typed errors of :mod:`scheduler.errors`, never
prints.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ortools.graph.python import min_cost_flow

from .center.model import Center
from .center.staffing import IntervalRequirement, requirement
from .center.to_problem import to_problem
from .core import limits
from .core.checker import Violation, check
from .core.diagnose import explain
from .core.problem import FixedAssignment, ProblemData
from .core.solution import Assignment, Roster
from .core.solve import ProgressHook, SolveParams, SolveStatus, solve
from .errors import (
    InfeasibleError,
    InputError,
    InputProblem,
    RuleViolationError,
    SchedulerError,
)
from .plan import Plan, input_hash, kpis
from .read_roster import RosterBook, read_roster, read_summary
from .write_roster import ROSTER_SHEET, SUMMARY_SHEET, TIME_OFF_CODE, Change

__all__ = [
    "STABILITY_FACTOR",
    "CheckReport",
    "Edit",
    "FixResult",
    "IntervalRow",
    "allocate_heavy",
    "check_workbook",
    "fix",
    "fix_lines",
    "fixed_path",
    "report_lines",
    "resolve_input",
    "result_line",
    "writable_target",
    "write_interval_csv",
]

# A cell --fix moves beyond the pins costs this many understaffed
# agent-intervals: a change must buy real coverage (or repair a rule).
STABILITY_FACTOR = 10
Cells = dict[tuple[int, int], int]  # (operator, day) -> shift index
_TIER = 1000  # heavy-call flow rewards: given 2 tiers, free 1, prefer 1


@dataclass(frozen=True)
class Edit:
    """A grid cell that differs from the roster as planned."""

    operator: str
    day: int
    before: str | None  # shift id, None = off
    after: str | None  # shift id, TO, None = off


@dataclass(frozen=True)
class IntervalRow:
    """One interval before (as planned) and after the edit."""

    when: date
    time: str
    required: int
    scheduled_before: int
    scheduled_after: int
    short_before: int
    short_after: int
    heavy: int
    heavy_short_before: int
    heavy_short_after: int

    @property
    def changed(self) -> bool:
        return (
            self.scheduled_before != self.scheduled_after
            or self.short_before != self.short_after
            or self.heavy_short_before != self.heavy_short_after
        )


INTERVAL_COLUMNS = [
    "date",
    "time",
    "required_agents",
    "scheduled_before",
    "scheduled_after",
    "shortfall_before",
    "shortfall_after",
    "heavy_calls",
    "heavy_shortfall_before",
    "heavy_shortfall_after",
]


@dataclass
class CheckReport:
    """Everything ``scheduler check`` says about an edited roster."""

    path: Path
    center: Center
    requirement: list[IntervalRequirement]
    problem: ProblemData
    roster: Roster  # the edited roster, heavy calls allocated
    violations: list[Violation]
    planned: Roster | None  # as written by plan (None: unknown)
    edits: list[Edit]
    notes: list[str] = field(default_factory=list)
    rederived: int = 0  # shifts whose heavy calls were re-derived

    def describe(self, v: Violation) -> str:
        return v.describe(self.problem)

    def intervals(self) -> list[IntervalRow]:
        p, after = self.problem, self.roster
        before = self.planned or after
        rows = []
        ub, ua = before.understaffing(), after.understaffing()
        hb, ha = before.load_shortfall(), after.load_shortfall()
        for t in range(p.num_intervals):
            day, slot = divmod(t, p.slots_per_day)
            minute = slot * p.interval_minutes
            rows.append(
                IntervalRow(
                    p.date_of(day),
                    f"{minute // 60:02d}:{minute % 60:02d}",
                    p.required[t] if p.required else 0,
                    before.scheduled[t],
                    after.scheduled[t],
                    ub[t] if ub else 0,
                    ua[t] if ua else 0,
                    p.load[t] if p.load else 0,
                    hb[t] if hb else 0,
                    ha[t] if ha else 0,
                )
            )
        return rows

    def totals(self) -> dict[str, tuple[int, int]]:
        """KPI -> (as planned, after the edit)."""
        before = self.planned or self.roster
        pairs = {}
        for name, fn in (
            ("understaffed agent-intervals", lambda r: sum(r.understaffing())),
            ("overstaffed agent-intervals", lambda r: sum(r.overstaffing())),
            ("heavy calls unplaced", lambda r: sum(r.load_shortfall())),
            ("shifts", lambda r: len(r.assignments)),
            ("objective", lambda r: r.objective()),
        ):
            pairs[name] = (fn(before), fn(self.roster))
        return pairs


@dataclass
class FixResult:
    plan: Plan
    changes: list[Change]
    marks: dict[tuple[int, int], str]
    pinned: list[Edit]


# ---------------------------------------------------------------------------
# Finding the input
# ---------------------------------------------------------------------------


def resolve_input(roster_path: str | Path, given: str | Path | None) -> Path:
    """``given``, or the centre named in the roster's Summary (``input
    file``), looked up as written, then beside the roster and one folder
    up (a roster in ``outputs/`` planned from ``inputs/...``)."""
    if given is not None:
        return Path(given)
    roster_path = Path(roster_path)
    summary = read_summary(roster_path)
    name = summary.get("input file")
    if name in (None, ""):
        raise InputError(
            [
                InputProblem(
                    str(roster_path),
                    "the Summary sheet names no input file: give "
                    "the input centre as the second argument",
                    SUMMARY_SHEET,
                )
            ]
        )
    name = Path(str(name))
    for candidate in (
        name,
        roster_path.parent / name,
        roster_path.parent.parent / name,
    ):
        if candidate.exists():
            return candidate
    raise InputError(
        [
            InputProblem(
                str(roster_path),
                f"the input {str(name)!r} named in the Summary sheet "
                "(input file) does not exist here: give the input "
                "centre as the second argument",
                SUMMARY_SHEET,
            )
        ]
    )


# ---------------------------------------------------------------------------
# Heavy calls: who takes how many, given what the workbook says
# ---------------------------------------------------------------------------


def allocate_heavy(
    p: ProblemData,
    cells: Cells,
    given: dict[tuple[int, int], int],
    prefer: set[tuple[int, int, int]] | frozenset = frozenset(),
) -> Roster:
    """A roster of ``cells`` with each interval's heavy calls flowed to
    the shift groups on duty.

    Loads in ``given`` are kept as written (the checker then judges them:
    above the cap, or more than the group's intervals can supply); the
    other operators' loads are chosen under their caps (per shift and per
    week) so that as many heavy calls as possible are placed, the given
    ones first. ``prefer`` lists (interval, day, shift) flows to keep
    where it makes no difference (the planned roster's), so an edit moves
    only nearby heavy calls.

    A min-cost flow, exact and fast: source -> interval (its heavy calls)
    -> shift group on duty -> either the group's given loads (reward 2)
    or a member with a free load (reward 1, under the member's caps) ->
    sink; unplaced calls bypass to the sink at no reward.
    """
    load = p.load or (0,) * p.num_intervals
    total = sum(load)
    groups: dict[tuple[int, int], list[int]] = defaultdict(list)
    for (op, d), s in sorted(cells.items()):
        groups[d, s].append(op)
    flow = min_cost_flow.SimpleMinCostFlow()
    source, sink = 0, 1
    nodes = [2]

    def node() -> int:
        nodes[0] += 1
        return nodes[0] - 1

    arcs: list[tuple[int, int, int, int]] = []
    t_node = {t: node() for t in range(p.num_intervals) if load[t] > 0}
    for t, n in t_node.items():
        arcs.append((source, n, load[t], 0))
    arcs.append((source, sink, total, 0))
    flow_arcs: dict[tuple[int, int, int], int] = {}
    member_arcs: dict[tuple[int, int], int] = {}
    week_of = {d: i for i, wk in enumerate(p.weeks) for d in wk}
    week_node: dict[tuple[int, int], int] = {}
    for (d, s), ops in groups.items():
        g = node()
        for t in p.shift_intervals(d, s):
            if t in t_node:
                flow_arcs[t, d, s] = len(arcs)
                arcs.append(
                    (t_node[t], g, load[t], -1 if (t, d, s) in prefer else 0)
                )
        fixed = sum(given.get((op, d), 0) for op in ops)
        if fixed:
            arcs.append((g, sink, fixed, -2 * _TIER))
        for op in ops:
            if (op, d) in given:
                continue
            cap = min(limits.load_cap_per_shift(p, op), total)
            if cap <= 0:
                continue
            weekly = p.operators[op].load_cap_per_week
            if weekly is None:
                member_arcs[op, d] = len(arcs)
                arcs.append((g, sink, cap, -_TIER))
                continue
            key = (op, week_of[d])
            if key not in week_node:
                week_node[key] = node()
                used = sum(given.get((op, dd), 0) for dd in p.weeks[key[1]])
                arcs.append((week_node[key], sink, max(0, weekly - used), 0))
            member_arcs[op, d] = len(arcs)
            arcs.append((g, week_node[key], cap, -_TIER))
    for tail, head, cap, cost in arcs:
        flow.add_arc_with_capacity_and_unit_cost(tail, head, cap, cost)
    flow.set_node_supply(source, total)
    flow.set_node_supply(sink, -total)
    status = flow.solve()
    if status != flow.OPTIMAL:  # pragma: no cover - the bypass is feasible
        raise SchedulerError(f"could not allocate the heavy calls ({status})")
    loads = {k: flow.flow(a) for k, a in member_arcs.items()}
    if not week_node:
        _even_out(p, groups, given, loads)
    assignments = [
        Assignment(op, d, s, given.get((op, d), loads.get((op, d), 0)))
        for (op, d), s in cells.items()
    ]
    placed = {k: flow.flow(a) for k, a in flow_arcs.items()}
    return Roster(p, assignments, {k: v for k, v in placed.items() if v})


def _even_out(p: ProblemData, groups, given, loads) -> None:
    """Within each shift group only the group's total matters, so the
    re-derived share is spread as evenly as the caps allow."""
    total = sum(p.load) if p.load else 0
    for (d, _s), ops in groups.items():
        free = [op for op in ops if (op, d) in loads]
        amount = sum(loads[op, d] for op in free)
        caps = {
            op: min(limits.load_cap_per_shift(p, op), total) for op in free
        }
        for op in free:
            loads[op, d] = 0
        left = sorted(free, key=lambda op: (caps[op], op))
        while amount > 0 and left:
            share = max(1, amount // len(left))
            nxt = []
            for op in left:
                give = min(share, caps[op] - loads[op, d], amount)
                loads[op, d] += give
                amount -= give
                if loads[op, d] < caps[op]:
                    nxt.append(op)
                if amount == 0:
                    break
            left = nxt


# ---------------------------------------------------------------------------
# Check
# ---------------------------------------------------------------------------


def check_workbook(path: str | Path, center: Center) -> CheckReport:
    """Read the edited roster at ``path`` and check it against
    ``center``. Raises ``InputError`` when the workbook cannot be read as
    a roster of this centre."""
    path = Path(path)
    req = requirement(center)
    p = to_problem(center, req)
    book = read_roster(path, [s.id for s in p.shifts])
    notes = list(book.notes)
    _match_horizon(book, p, center)
    cells, after_codes = _grid_cells(book, p, notes)
    planned_cells, planned_loads = _planned(book, p, notes)
    given, free_groups = _given_loads(book, p, cells, notes)
    planned = None
    prefer: set[tuple[int, int, int]] = set()
    if planned_cells is not None:
        planned = allocate_heavy(p, planned_cells, planned_loads)
        prefer = set(planned.flows)
    for (op, d), s in cells.items():
        if (d, s) in free_groups:
            given.pop((op, d), None)
    roster = allocate_heavy(p, cells, given, prefer)
    rederived = sum(1 for key in cells if key not in given)
    edits = []
    if planned_cells is not None:
        for op, o in enumerate(p.operators):
            for d in range(p.num_days):
                before = planned_cells.get((op, d))
                after = cells.get((op, d))
                code = after_codes.get((op, d))
                if before != after or (
                    code == TIME_OFF_CODE and d not in o.time_off
                ):
                    edits.append(
                        Edit(
                            o.id,
                            d,
                            None if before is None else p.shifts[before].id,
                            code if after is None else p.shifts[after].id,
                        )
                    )
    sha = book.summary.get("input sha256")
    if (
        sha
        and center.source
        and Path(center.source).exists()
        and sha != input_hash(center.source)
    ):
        notes.append(
            "the input has changed since this roster was planned "
            "(its sha256 differs from the Summary's): the roster "
            "is checked against the input as it is now"
        )
    return CheckReport(
        path,
        center,
        req,
        p,
        roster,
        check(roster),
        planned,
        edits,
        notes,
        rederived,
    )


def _match_horizon(book: RosterBook, p: ProblemData, center: Center) -> None:
    """The grid must be a roster of this centre: its days and operators."""
    problems = []
    file = str(book.path)
    first, last = p.date_of(0), p.date_of(p.num_days - 1)
    horizon = {p.date_of(d) for d in range(p.num_days)}
    for when in book.dates:
        if when not in horizon:
            problems.append(
                InputProblem(
                    file,
                    f"{when} is outside the horizon of {center.source} "
                    f"({first} to {last}): is this the right input?",
                    ROSTER_SHEET,
                    book.header_row,
                    book.date_columns[when],
                )
            )
    missing = sorted(horizon - set(book.dates))
    if missing:
        shown = ", ".join(str(d) for d in missing[:5])
        more = ", ..." if len(missing) > 5 else ""
        problems.append(
            InputProblem(
                file,
                f"the grid has no column for {shown}{more} (the horizon "
                f"of {center.source} is {first} to {last})",
                ROSTER_SHEET,
                book.header_row,
            )
        )
    known = set(p.operator_index)
    for op in book.operators:
        if op not in known:
            cell = (
                next(c for c in book.cells.values() if c.operator == op)
                if any(c.operator == op for c in book.cells.values())
                else None
            )
            problems.append(
                InputProblem(
                    file,
                    f"unknown operator {op!r}: not in the operators of "
                    f"{center.source}",
                    ROSTER_SHEET,
                    cell.row if cell else None,
                    "A",
                )
            )
    if problems:
        raise InputError(problems)


def _grid_cells(
    book: RosterBook, p: ProblemData, notes: list[str]
) -> tuple[Cells, dict[tuple[int, int], str]]:
    cells: Cells = {}
    codes: dict[tuple[int, int], str] = {}
    missing = [o.id for o in p.operators if o.id not in book.operators]
    if missing:
        notes.append(
            f"not in the Roster grid, so off every day: {', '.join(missing)}"
        )
    for op, o in enumerate(p.operators):
        for d in range(p.num_days):
            code = book.code(o.id, p.date_of(d))
            if code is None:
                continue
            codes[op, d] = code
            if code == TIME_OFF_CODE:
                if d not in o.time_off:
                    cell = book.cells[o.id, p.date_of(d)]
                    notes.append(
                        f"{o.id} on {p.date_of(d)} (cell "
                        f"{cell.column.split()[0]}{cell.row}): "
                        f"{TIME_OFF_CODE} but the input has no time off "
                        "then; read as a day off (add it to time_off to "
                        "make it leave)"
                    )
                continue
            cells[op, d] = p.shift_index[code]
    return cells, codes


def _planned(
    book: RosterBook, p: ProblemData, notes: list[str]
) -> tuple[Cells | None, dict[tuple[int, int], int]]:
    if book.planned is None:
        notes.append(
            "no Planned sheet (the roster as first written): "
            "edits cannot be told apart, so --fix pins no cell "
            "and keeps as many as it can"
        )
        return None, {}
    cells: Cells = {}
    loads: dict[tuple[int, int], int] = {}
    day_of = {p.date_of(d): d for d in range(p.num_days)}
    for (op_id, when), (shift, load) in book.planned.items():
        op, d = p.operator_index.get(op_id), day_of.get(when)
        s = p.shift_index.get(shift)
        if op is None or d is None or s is None:
            continue
        cells[op, d] = s
        loads[op, d] = load
    return cells, loads


def _given_loads(
    book: RosterBook, p: ProblemData, cells: Cells, notes: list[str]
) -> tuple[dict[tuple[int, int], int], set[tuple[int, int]]]:
    """Heavy calls from Assignments rows that agree with the grid, and
    the shift groups (day, shift) whose calls must be re-derived.

    A row still saying what was planned for a cell edited in the grid is
    the usual case (the manager edited the grid only): counted in one
    note. A row changed by hand that disagrees with the grid, a row
    missing or listed twice, each get their own note."""
    given: dict[tuple[int, int], int] = {}
    free: set[tuple[int, int]] = set()
    if book.assignments is None:
        return given, {(d, s) for (_, d), s in cells.items()}
    day_of = {p.date_of(d): d for d in range(p.num_days)}
    rows: dict[tuple[int, int], list] = defaultdict(list)
    for a in book.assignments:
        op, d = p.operator_index.get(a.operator), day_of.get(a.day)
        if op is None or d is None:
            notes.append(
                f"Assignments row {a.row}: {a.operator} on "
                f"{a.day} is not in this roster's operators and "
                "days; ignored"
            )
            continue
        rows[op, d].append(a)
    planned = book.planned
    stale: list[int] = []

    def was(op: int, d: int) -> tuple[str | None, int | None]:
        if planned is None:
            return (None, None)
        got = planned.get((p.operators[op].id, p.date_of(d)))
        return (None, None) if got is None else got

    for key in sorted(set(rows) | set(cells)):
        op, d = key
        who = f"{p.operators[op].id} on {p.date_of(d)}"
        grid = cells.get(key)
        grid_id = None if grid is None else p.shifts[grid].id
        found = rows.get(key, [])
        before_shift, before_load = was(op, d)
        if len(found) == 1 and found[0].shift == grid_id:
            a = found[0]
            if a.heavy_calls is not None:
                given[key] = a.heavy_calls
                if (
                    before_shift == grid_id
                    and before_load is not None
                    and a.heavy_calls != before_load
                ):
                    notes.append(
                        f"Assignments row {a.row}: heavy calls "
                        f"of {who} changed by hand, "
                        f"{before_load} -> {a.heavy_calls}: kept"
                    )
                continue
        elif not found:
            if grid is None:
                continue
            if planned is not None and before_shift is None:
                stale.append(0)  # a shift added in the grid
            else:
                notes.append(
                    f"Assignments has no row for {who} (the "
                    f"Roster grid says {grid_id})"
                )
        elif len(found) > 1:
            notes.append(
                f"Assignments rows "
                f"{', '.join(str(a.row) for a in found)}: {who} "
                f"is listed {len(found)} times; the Roster grid "
                f"says {grid_id or 'off'}"
            )
        elif planned is not None and found[0].shift == before_shift:
            stale.append(found[0].row)
        else:
            notes.append(
                f"Assignments row {found[0].row}: {who} works "
                f"{found[0].shift}, the Roster grid says "
                f"{grid_id or 'off'}: the grid counts"
            )
        for a in found:
            s = p.shift_index.get(a.shift)
            if s is not None:
                free.add((d, s))
        if grid is not None:
            free.add((d, grid))
    if stale:
        listed = sorted(r for r in stale if r)
        rows_text = (
            f" (rows {', '.join(map(str, listed[:10]))}"
            f"{', ...' if len(listed) > 10 else ''})"
            if listed
            else ""
        )
        notes.append(
            f"Assignments still shows the planned shift for "
            f"{len(stale)} cell(s) edited in the grid{rows_text}: "
            "the grid counts"
        )
    if free:
        notes.append(
            f"heavy calls re-derived for {len(free)} shift(s) "
            "whose cells changed or disagree with Assignments"
        )
    return given, free


# ---------------------------------------------------------------------------
# Fix
# ---------------------------------------------------------------------------


def fix(
    report: CheckReport,
    params: SolveParams,
    progress: ProgressHook | None = None,
) -> FixResult:
    """Re-plan keeping every cell the manager changed; raises
    ``InfeasibleError`` when those cells break a hard rule no roster can
    avoid (the message names the pinned cell's rule), ``SchedulerError``
    when no roster is found in time."""
    p0 = report.problem
    pins = [
        FixedAssignment(
            operator=e.operator,
            day=e.day,
            shift=None if e.after in (None, TIME_OFF_CODE) else e.after,
        )
        for e in report.edits
    ]
    edited = report.roster
    previous = []
    for op, o in enumerate(p0.operators):
        for d in range(p0.num_days):
            a = edited.by_cell.get((op, d))
            previous.append(
                FixedAssignment(
                    operator=o.id,
                    day=d,
                    shift=None if a is None else p0.shifts[a.shift].id,
                )
            )
    weights = p0.weights.model_copy(
        update={
            "stability": STABILITY_FACTOR * max(1, p0.weights.understaffing)
        }
    )
    fields = {name: getattr(p0, name) for name in ProblemData.model_fields}
    problem = ProblemData.model_validate(
        {
            **fields,
            "fixed": tuple(pins),
            "previous": tuple(previous),
            "weights": weights,
        }
    )
    result = solve(
        problem, params, progress=progress, hint=_hint(problem, report)
    )
    if result.status is SolveStatus.INFEASIBLE:
        raise InfeasibleError(
            explain(problem)
            or ["the cells you changed (kept as set) admit no legal roster"]
        )
    if result.roster is None:
        raise SchedulerError(
            f"no roster found within {params.time_limit:g} s "
            f"({result.status.value}); raise --time-limit"
        )
    violations = check(result.roster)
    if violations:
        raise RuleViolationError([v.describe(problem) for v in violations])
    center = report.center
    source = center.source
    plan = Plan(
        center,
        report.requirement,
        problem,
        result,
        violations,
        input_hash(source) if source and Path(source).exists() else "",
        kpis(result.roster, violations),
    )
    changes, marks = _changes(report, result.roster)
    return FixResult(plan, changes, marks, [e for e in report.edits])


_LOAD_RULES = {"load_cap_per_shift", "load_cap_per_week", "load_allocation"}


def _own_violations(
    problem: ProblemData, mine: list[Assignment]
) -> list[Violation]:
    """Violations of one operator's cells alone (heavy calls aside)."""
    return [
        v
        for v in check(Roster(problem, mine))
        if v.rule.value not in _LOAD_RULES
    ]


def _hint(problem: ProblemData, report: CheckReport) -> Roster | None:
    """A legal roster next to the manager's, to start the search from.

    For each operator whose cells break a rule, unpinned shifts are taken
    away one at a time, each time the one whose removal leaves the fewest
    violations (nearest the broken rule on a tie), until none is left:
    removing shifts cannot break an "at most" rule, so this ends, usually
    after one or two cells. None (the greedy construction instead) if the
    result is still not legal."""
    pinned = {
        (problem.operator_index[f.operator], f.day) for f in problem.fixed
    }
    by_op: dict[int, list[Assignment]] = defaultdict(list)
    for a in report.roster.assignments:
        by_op[a.operator].append(Assignment(a.operator, a.day, a.shift))
    broken = {
        problem.operator_index[v.operator]
        for v in report.violations
        if v.operator is not None
    }
    for op in sorted(broken):
        mine = by_op[op]
        bad = _own_violations(problem, mine)
        while bad:
            days = [v.day for v in bad if v.day is not None] or [0]
            best = None
            for a in mine:
                if (op, a.day) in pinned:
                    continue
                rest = [b for b in mine if b is not a]
                left = _own_violations(problem, rest)
                key = (len(left), min(abs(a.day - d) for d in days))
                if best is None or key < best[0]:
                    best = (key, a, left)
            if best is None:
                break
            mine.remove(best[1])
            bad = best[2]
    hint = Roster(problem, [a for mine in by_op.values() for a in mine])
    if any(v.rule.value not in _LOAD_RULES for v in check(hint)):
        return None
    return hint


def _changes(
    report: CheckReport, fixed: Roster
) -> tuple[list[Change], dict[tuple[int, int], str]]:
    p = report.problem
    edited = report.roster
    by_op: dict[str, list[Violation]] = defaultdict(list)
    for v in report.violations:
        if v.operator is not None:
            by_op[v.operator].append(v)
    short_before = _short_by_day(edited)
    short_after = _short_by_day(fixed)
    changes: list[Change] = []
    marks: dict[tuple[int, int], str] = {}
    for op, o in enumerate(p.operators):
        for d in range(p.num_days):
            a, b = edited.by_cell.get((op, d)), fixed.by_cell.get((op, d))
            before = None if a is None else p.shifts[a.shift].id
            after = None if b is None else p.shifts[b.shift].id
            related = [
                v
                for v in by_op.get(o.id, [])
                if v.day is None or abs(v.day - d) <= 7
            ]
            load_rule = [
                v
                for v in related
                if v.day == d and v.rule.value.startswith("load")
            ]
            if before == after and not (
                load_rule and a and b and a.load != b.load
            ):
                continue
            if related:
                why = "repairs " + "; ".join(
                    f"{v.rule.title}"
                    + ("" if v.day is None else f" ({p.date_of(v.day)})")
                    + f": {v.detail}"
                    for v in related
                )
            else:
                why = (
                    f"coverage: short agent-hours on {p.date_of(d)} "
                    f"{short_before[d]:g} -> {short_after[d]:g}"
                    if short_before[d] != short_after[d]
                    else "rebalancing after the repairs (contract hours, "
                    "preferences, fairness)"
                )
            shown_before, shown_after = before or "", after or ""
            if before == after:
                shown_before = f"{before} ({a.load} heavy)"
                shown_after = f"{after} ({b.load} heavy)"
            changes.append(
                Change(
                    o.id, o.name, p.date_of(d), shown_before, shown_after, why
                )
            )
            marks[op, d] = (
                f"was {shown_before or 'off'}, now "
                f"{shown_after or 'off'}: {why}"
            )
    return changes, marks


def _short_by_day(r: Roster) -> list[float]:
    p = r.problem
    under = r.understaffing() if p.required else [0] * p.num_intervals
    hours = p.interval_minutes / 60
    return [
        sum(under[d * p.slots_per_day : (d + 1) * p.slots_per_day]) * hours
        for d in range(p.num_days)
    ]


# ---------------------------------------------------------------------------
# What the CLI prints and writes
# ---------------------------------------------------------------------------


def report_lines(report: CheckReport, max_intervals: int = 30) -> list[str]:
    """The check as plain lines: edits, notes, violations, coverage."""
    p = report.problem
    lines = [
        f"checked {report.path} against {report.center.source}: "
        f"{len(p.operators)} operators, {p.num_days} days from "
        f"{p.start_date}"
    ]
    if report.planned is None:
        lines.append("edited cells: unknown (no Planned sheet)")
    else:
        lines.append(
            f"edited cells (compared with the roster as planned): "
            f"{len(report.edits)}"
        )
        for e in report.edits:
            when = p.date_of(e.day)
            lines.append(
                f"  {e.operator} {when:%a} {when}: "
                f"{e.before or 'off'} -> {e.after or 'off'}"
            )
    lines += [f"note: {n}" for n in report.notes]
    lines += [
        f"rule violation: {report.describe(v)}" for v in report.violations
    ]
    lines.append("as planned -> now:")
    for name, (before, after) in report.totals().items():
        lines.append(f"  {name:>30}: {before:g} -> {after:g}")
    changed = [
        r
        for r in report.intervals()
        if r.short_before != r.short_after
        or r.heavy_short_before != r.heavy_short_after
    ]
    if changed:
        lines.append(f"intervals whose shortfall changed: {len(changed)}")
        lines.append(
            f"  {'date':<10} {'time':>5} {'required':>8} "
            f"{'scheduled':>10} {'short':>8} {'heavy short':>11}"
        )
        for r in changed[:max_intervals]:
            lines.append(
                f"  {r.when.isoformat():<10} {r.time:>5} {r.required:>8} "
                f"{f'{r.scheduled_before}->{r.scheduled_after}':>10} "
                f"{f'{r.short_before}->{r.short_after}':>8} "
                f"{f'{r.heavy_short_before}->{r.heavy_short_after}':>11}"
            )
        if len(changed) > max_intervals:
            lines.append(
                f"  ... {len(changed) - max_intervals} more "
                "(--csv FILE writes every interval)"
            )
    else:
        lines.append("no interval's shortfall changed")
    return lines


def result_line(report: CheckReport) -> str:
    """The last line, for scripts: ``RESULT ok|violations ...``."""
    after = report.totals()
    state = "violations" if report.violations else "ok"
    return (
        f"RESULT {state} violations={len(report.violations)} "
        f"edited={len(report.edits)} "
        f"understaffed={after['understaffed agent-intervals'][1]:g} "
        f"heavy_unplaced={after['heavy calls unplaced'][1]:g} "
        f"file={report.path}"
    )


def interval_rows(report: CheckReport) -> list[list]:
    return [
        [
            r.when.isoformat(),
            r.time,
            r.required,
            r.scheduled_before,
            r.scheduled_after,
            r.short_before,
            r.short_after,
            r.heavy,
            r.heavy_short_before,
            r.heavy_short_after,
        ]
        for r in report.intervals()
    ]


def write_interval_csv(report: CheckReport, path: str | Path) -> Path:
    """Every interval as planned and after the edit, atomically."""
    import csv

    from .atomic import atomic_path

    path = Path(path)
    with (
        atomic_path(path) as tmp,
        open(tmp, "w", newline="", encoding="utf-8") as fh,
    ):
        w = csv.writer(fh)
        w.writerow(INTERVAL_COLUMNS)
        w.writerows(interval_rows(report))
    return path


def fixed_path(roster_path: str | Path) -> Path:
    """Where ``--fix`` writes by default: beside the edited roster."""
    path = Path(roster_path)
    return path.with_name(f"{path.stem}_fixed.xlsx")


def fix_lines(result: FixResult) -> list[str]:
    lines = [f"kept as you set them: {len(result.pinned)} cell(s)"]
    lines.append(f"changed by the fix: {len(result.changes)} cell(s)")
    for c in result.changes:
        lines.append(
            f"  {c.operator} {c.day:%a} {c.day}: "
            f"{c.before or 'off'} -> {c.after or 'off'}: {c.why}"
        )
    return lines


def writable_target(path: str | Path) -> None:
    """Fail early (exit 2, before any solving) when ``path`` cannot be
    written: a folder, or under a file, or in a read-only folder."""
    import os

    path = Path(path)
    problem = None
    if path.is_dir():
        problem = "is a folder; give a file name"
    else:
        parent = path.parent
        while not parent.exists() and parent != parent.parent:
            parent = parent.parent
        if not parent.is_dir():
            problem = f"cannot be created: {parent} is not a folder"
        elif not os.access(parent, os.W_OK | os.X_OK):
            problem = f"cannot be written: {parent} is read-only"
    if problem:
        raise InputError([InputProblem(str(path), problem)])
