"""The Curtois-Qu benchmark: reader, rule semantics, objective, solver.

The published instances are read from ``../shared/bench/curtois`` (beside
the repository); the rule tests use tiny hand-written instances in
``tests/data/curtois`` with one employee (A), 14 days from a Monday (so
days 5-6 and 12-13 are weekends) and every limit but one relaxed. A roster
is written as one character per day: ``.`` off, else the shift id.
"""

from __future__ import annotations

import csv
import importlib.util
import random
import sys
from collections import Counter
from pathlib import Path

import pytest

from scheduler.core.checker import check
from scheduler.core.rules import Rule
from scheduler.core.solution import Assignment, Roster
from scheduler.core.solve import SolveParams, SolveStatus, solve
from scheduler.errors import InputError
from scheduler.read_curtois import read_curtois

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "bench" / "curtois" / "instances"
DATA = Path(__file__).resolve().parent / "data" / "curtois"


def instance(n: int) -> Path:
    return SHARED / f"Instance{n}.txt"


def roster(problem, pattern: str, employee: str = "A") -> Roster:
    """One employee's roster from a day pattern such as ``"EE..L"``."""
    o = problem.operator_index[employee]
    cells = [
        Assignment(o, d, problem.shift_index[c])
        for d, c in enumerate(pattern)
        if c != "."
    ]
    return Roster(problem, cells)


def rules_broken(r: Roster) -> set[Rule]:
    return {v.rule for v in check(r)}


def assert_objective_agrees(result) -> None:
    """The solver's objective is the roster's own recomputation, exactly
    (the core rounds CP-SAT's float ``objective_value``)."""
    assert result.objective == result.roster.objective()
    assert isinstance(result.objective, int)


# ---------------------------------------------------------------------------
# Reader on the published instances
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "days", "employees", "shift_types"),
    [(1, 14, 8, 1), (10, 28, 40, 5), (24, 364, 150, 32)],
)
def test_reader_sizes(n, days, employees, shift_types):
    p = read_curtois(instance(n))
    assert p.name == f"Instance{n}"
    assert p.num_days == days
    assert len(p.operators) == employees
    assert len(p.shifts) == shift_types
    assert p.start_date.weekday() == 0  # day 0 is a Monday
    assert len(p.day_cover) == days * shift_types


def test_reader_maps_instance1_fields():
    p = read_curtois(instance(1))
    (d,) = p.shifts
    assert (d.id, d.start_minute, d.duration_minutes) == ("D", 0, 480)
    assert d.forbidden_next == ()
    a = p.operators[p.operator_index["A"]]
    assert a.max_shifts_per_type == {"D": 14}
    assert (a.max_minutes_total, a.min_minutes_total) == (4320, 3360)
    assert (a.max_consecutive_days, a.min_consecutive_days) == (5, 2)
    assert (a.min_consecutive_days_off, a.max_weekends) == (2, 1)
    assert a.time_off == frozenset({0})
    wants = [x for x in p.preferences if x.want]
    avoids = [x for x in p.preferences if not x.want]
    assert (len(wants), len(avoids)) == (21, 5)
    assert sum(x.weight for x in wants) == 37
    assert p.day_cover[1].required == 7
    assert (p.day_cover[1].weight_under, p.day_cover[1].weight_over) == (
        100,
        1,
    )
    assert p.weekends == ((5, 6), (12, 13))


def test_reader_cannot_follow_field():
    p = read_curtois(instance(24))
    a4 = p.shifts[p.shift_index["a4"]]
    assert a4.duration_minutes == 720
    assert a4.forbidden_next[:3] == ("a1", "a2", "a3")
    assert p.shifts[p.shift_index["a1"]].forbidden_next == ()


# ---------------------------------------------------------------------------
# Objective: the README's hand-checked values on Instance1
# ---------------------------------------------------------------------------


def test_all_off_roster_scores_7137_and_breaks_min_total_for_all():
    p = read_curtois(instance(1))
    r = Roster(p, [])
    assert r.objective() == 7137
    terms = r.objective_terms()
    assert terms["day_cover"] == 71 * 100
    assert terms["preferences"] == 37
    violations = check(r)
    assert Counter(v.rule for v in violations) == {Rule.MIN_TOTAL_MINUTES: 8}
    assert {v.operator for v in violations} == set("ABCDEFGH")


def test_a_working_d_on_days_2_and_3_scores_6933():
    p = read_curtois(instance(1))
    assert roster(p, "..DD").objective() == 6933


def readme_objective(path: Path, cells: dict[tuple[str, int], str]) -> int:
    """The README's objective, computed from the file's text alone.

    ``cells[(employee, day)]`` is the shift worked (absent = off)."""
    sections: dict[str, list[list[str]]] = {}
    current = ""
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("SECTION_"):
            current = line
            sections[current] = []
        else:
            sections[current].append(line.split(","))
    total = 0
    for e, d, t, w in sections["SECTION_SHIFT_ON_REQUESTS"]:
        total += int(w) * (cells.get((e, int(d))) != t)
    for e, d, t, w in sections["SECTION_SHIFT_OFF_REQUESTS"]:
        total += int(w) * (cells.get((e, int(d))) == t)
    working = Counter((d, t) for (_, d), t in cells.items())
    for d, t, req, under, over in sections["SECTION_COVER"]:
        x = working[int(d), t]
        total += int(under) * max(0, int(req) - x)
        total += int(over) * max(0, x - int(req))
    return total


@pytest.mark.parametrize("n", [1, 7, 13])
def test_core_objective_is_the_benchmark_objective(n):
    """Random (mostly illegal) rosters: the core's objective terms add up
    to the README's formula, cell for cell."""
    path = instance(n)
    p = read_curtois(path)
    rng = random.Random(n)
    for density in (0.0, 0.3, 0.7, 1.0):
        cells: dict[tuple[str, int], str] = {}
        for op in p.operators:
            for d in range(p.num_days):
                if rng.random() < density:
                    cells[op.id, d] = rng.choice(p.shifts).id
        r = Roster(
            p,
            [
                Assignment(p.operator_index[e], d, p.shift_index[s])
                for (e, d), s in cells.items()
            ],
        )
        assert r.objective() == readme_objective(path, cells)


# ---------------------------------------------------------------------------
# Rule semantics on tiny instances: one breaking, one just-legal roster
# ---------------------------------------------------------------------------

RULE_CASES = [
    # (file, rule, breaking patterns, legal patterns)
    (
        "forbidden_next",
        Rule.FORBIDDEN_SUCCESSION,
        ["LE", "......LE", "............LE"],
        ["EL", "L.E", "EE.LL", "LLLLLLLLLLLLLL", ".............L"],
    ),
    (
        "max_shifts",
        Rule.MAX_SHIFTS_PER_TYPE,
        ["L.L", "L............L"],
        ["L.EEE", "EEEEEEEEEEEEEL"],
    ),
    (
        "max_total",
        Rule.MAX_TOTAL_MINUTES,
        ["ELL", "EEEE"],  # 1680 and 1920 minutes
        ["EEL", "L.E.E"],  # exactly 1560
    ),
    (
        "min_total",
        Rule.MIN_TOTAL_MINUTES,
        ["", "EE", "LL"],  # 0, 960 and 1200 minutes
        ["EEL", "..........L.EE"],  # exactly 1560
    ),
    (
        "max_consecutive",
        Rule.MAX_CONSECUTIVE_DAYS,
        # Runs touching an edge count inside the horizon only, but count.
        ["EEEE", "....ELEL", "..........EEEE"],
        ["EEE.LLL.EEE.EE", "...........EEE", "EEE"],
    ),
    (
        "min_consecutive",
        Rule.MIN_CONSECUTIVE_DAYS,
        [".E", "....E.EE", "EE..........E."],
        # Runs touching day 0 or day 13 are exempt.
        ["E", ".............E", "E...........EE", ".EL", "E....LE......E"],
    ),
    (
        "min_days_off",
        Rule.MIN_CONSECUTIVE_DAYS_OFF,
        ["E.E", "EEEEE.EEEEEEEE", "EE..E.E"],
        # Off runs touching day 0 or day 13 are exempt.
        [".EEEEEEEEEEEE.", "EE..EEEEEEEEEE", "", "EEEEEEEEEEEEE"],
    ),
    (
        "max_weekends",
        Rule.MAX_WEEKENDS,
        [".....E......E", ".....E.......L", "......E.....E"],
        [".....EE", "............EL", "EEEEE..EEEEE"],
    ),
    (
        "days_off",
        Rule.TIME_OFF,
        ["...E", "....L"],
        ["..E..E", "EEE..EEEEEEEEE"],
    ),
]


@pytest.mark.parametrize(
    ("name", "rule", "breaking", "legal"),
    RULE_CASES,
    ids=[c[0] for c in RULE_CASES],
)
def test_rule_broken_and_just_satisfied(name, rule, breaking, legal):
    p = read_curtois(DATA / f"{name}.txt")
    for pattern in breaking:
        assert rules_broken(roster(p, pattern)) == {rule}, pattern
    for pattern in legal:
        assert rules_broken(roster(p, pattern)) == set(), pattern


def test_one_shift_per_day():
    p = read_curtois(DATA / "forbidden_next.txt")
    two = Roster(p, [Assignment(0, 3, 0), Assignment(0, 3, 1)])
    assert rules_broken(two) == {Rule.ONE_SHIFT_PER_DAY}


def test_tiny_instance_objective_terms():
    """Cover on E every day (100 under, 1 over); A wants E on day 1
    (weight 2) and does not want E on day 2 (weight 1)."""
    p = read_curtois(DATA / "days_off.txt")
    assert roster(p, "").objective() == 14 * 100 + 2
    assert roster(p, ".E").objective() == 13 * 100
    assert roster(p, ".EE").objective() == 12 * 100 + 1
    assert roster(p, ".LL").objective() == 14 * 100 + 2


@pytest.mark.parametrize("name", [c[0] for c in RULE_CASES])
def test_solver_keeps_each_rule_on_tiny_instances(name):
    p = read_curtois(DATA / f"{name}.txt")
    result = solve(p, SolveParams(time_limit=5, workers=8))
    assert result.roster is not None
    assert check(result.roster) == []
    assert_objective_agrees(result)


def test_solver_optimum_with_max_three_consecutive():
    """14 days with at most 3 in a row: 3 days off, 300 in cover; putting
    one on day 2 also grants the off-request, on day 1 the on-request."""
    p = read_curtois(DATA / "max_consecutive.txt")
    result = solve(p, SolveParams(time_limit=5, workers=8))
    assert result.status is SolveStatus.OPTIMAL
    assert result.roster.objective() == 300


# ---------------------------------------------------------------------------
# Malformed files: every error names the file, the line and the problem
# ---------------------------------------------------------------------------

GOOD = (DATA / "max_weekends.txt").read_text()


def _errors(tmp_path: Path, text: str) -> list:
    path = tmp_path / "bad.txt"
    path.write_text(text)
    with pytest.raises(InputError) as info:
        read_curtois(path)
    for problem in info.value.problems:
        assert problem.file == str(path)
        assert str(path) in str(problem)
    return info.value.problems


def _line_of(text: str, needle: str) -> int:
    return text.splitlines().index(needle) + 1


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("SECTION_DAYS_OFF", "SECTION_HOLIDAYS", "unknown section"),
        (
            "A,E=14|L=14,13440,0,14,1,1,1",
            "A,E=14|L=14,13440,0,14,1,1",
            "expected 8 fields",
        ),
        ("3,E,1,100,1", "3,E,one,100,1", "requirement must be an integer"),
        ("3,E,1,100,1", "3,E,1,100,1,7", "expected 5 fields"),
        ("A,1,E,2", "A,1,Q,2", "unknown shift id 'Q'"),
        ("A,2,E,1", "Z,2,E,1", "unknown employee id 'Z'"),
        ("A,1,E,2", "A,14,E,2", "day 14 out of range 0..13"),
        ("13,E,1,100,1", "-1,E,1,100,1", "day must be >= 0"),
        (
            "A,E=14|L=14,13440,0,14,1,1,1",
            "A,E=14|X=2,13440,0,14,1,1,1",
            "unknown shift id 'X'",
        ),
        (
            "A,E=14|L=14,13440,0,14,1,1,1",
            "A,E=14|L=14,100,200,14,1,1,1",
            "MinTotalMinutes 200 > MaxTotalMinutes 100",
        ),
        ("L,480,", "L,480,E|N", "unknown shift(s) ['N']"),
        ("L,480,", "L,4x0,", "length must be an integer"),
    ],
)
def test_malformed_line(tmp_path, old, new, message):
    assert old in GOOD
    text = GOOD.replace(old, new, 1)
    problems = _errors(tmp_path, text)
    assert len(problems) == 1, problems
    (problem,) = problems
    assert message in problem.message
    assert problem.row == _line_of(text, new)
    assert f"row {problem.row}" in str(problem)


def test_day_off_out_of_range(tmp_path):
    text = GOOD.replace("SECTION_DAYS_OFF\n", "SECTION_DAYS_OFF\nA,3,20\n")
    (problem,) = _errors(tmp_path, text)
    assert "day 20 out of range" in problem.message
    assert problem.row == _line_of(text, "A,3,20")


def test_every_bad_line_is_reported(tmp_path):
    text = GOOD.replace("A,1,E,2", "A,1,Q,2").replace(
        "0,E,1,100,1", "0,E,1,100", 1
    )
    problems = _errors(tmp_path, text)
    assert [p.row for p in problems] == [
        _line_of(text, "A,1,Q,2"),
        _line_of(text, "0,E,1,100"),
    ]


def test_missing_sections_and_file(tmp_path):
    problems = _errors(tmp_path, "# nothing here\n")
    assert {p.message for p in problems} == {
        "missing SECTION_HORIZON",
        "missing SECTION_SHIFTS",
        "missing SECTION_STAFF",
    }
    with pytest.raises(InputError, match="cannot read"):
        read_curtois(tmp_path / "absent.txt")


def test_data_before_first_section(tmp_path):
    (problem,) = _errors(tmp_path, "14\n" + GOOD)
    assert problem.row == 1
    assert "before the first SECTION_" in problem.message


# ---------------------------------------------------------------------------
# Solving Instance1 and the benchmark script
# ---------------------------------------------------------------------------


@pytest.mark.slow
def test_instance1_solves_legally():
    p = read_curtois(instance(1))
    result = solve(p, SolveParams(time_limit=10, workers=8))
    assert result.roster is not None
    assert check(result.roster) == []
    assert_objective_agrees(result)
    assert result.bound <= 607 + 1e-6  # published optimum
    assert result.roster.objective() >= 607
    if result.status is SolveStatus.OPTIMAL:
        assert result.roster.objective() == 607


def _bench_module():
    path = ROOT / "benchmarks" / "curtois.py"
    spec = importlib.util.spec_from_file_location("bench_curtois", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_bench_instance_ranges():
    bench = _bench_module()
    assert bench.parse_instances("1-3,15") == [1, 2, 3, 15]
    assert bench.parse_instances("2,1-2") == [2, 1]
    with pytest.raises(Exception, match="bad instance range"):
        bench.parse_instances("3-1")


@pytest.mark.slow
def test_bench_script_writes_roster_and_results(tmp_path, capsys):
    bench = _bench_module()
    out = tmp_path / "out"
    code = bench.main(
        ["--instances", "1", "--time-limit", "5", "--out", str(out)]
    )
    assert code == 0
    with (out / "Instance1.csv").open() as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["employee", *map(str, range(14))]
    assert [r[0] for r in rows[1:]] == list("ABCDEFGH")
    p = read_curtois(instance(1))
    cells = [
        Assignment(o, d, p.shift_index[s])
        for o, row in enumerate(rows[1:])
        for d, s in enumerate(row[1:])
        if s
    ]
    written = Roster(p, cells)
    assert check(written) == []
    with (out / "results.csv").open() as fh:
        (result,) = list(csv.DictReader(fh))
    assert int(result["objective"]) == written.objective()
    assert result["violations"] == "0"
    assert "Instance1" in capsys.readouterr().out
    # --resume skips what the results file already holds.
    assert bench.main(["--instances", "1", "--out", str(out), "--resume"]) == 0
    assert "skipped" in capsys.readouterr().out


def test_bench_targets_follow_the_issue():
    bench = _bench_module()
    # 1-12: the best known itself, within 60 s.
    assert bench.target(5, None).met(1143, 1143, 60)
    assert not bench.target(5, None).met(1144, 1143, 60)
    assert not bench.target(5, None).met(1143, 1143, 61)
    # 13-19: within 2 % and below the literature's 60-minute result.
    goal = bench.target(13, 1905)
    assert goal.met(1374, 1348, 300)
    assert not goal.met(1375, 1348, 300)  # 2.003 % above
    assert not bench.target(14, 1279).met(1279, 1278, 300)  # not below
    assert bench.target(14, 1279).met(1278.5, 1278, 300)
    # 20-24: within 5 % in 600 s.
    assert bench.target(21, None).met(22189, 21133, 600)
    assert not bench.target(21, None).met(22190, 21133, 600)


def test_bench_summary_takes_the_median_of_seeds():
    bench = _bench_module()
    rows = [
        {"instance": "Instance4", "objective": v, "time_limit": 60}
        for v in (1718, 1716, 1725, 1716)
    ] + [{"instance": "Instance21", "objective": "", "time_limit": 600}]
    head, four, twenty_one = bench.summary(
        rows, {"Instance4": 1716, "Instance21": 21133}, {})
    assert "median" in head
    cells = four.split()
    # Median of 1716, 1716, 1718, 1725 is 1717: 0.06 % above, not met;
    # two of the four seeds met it.
    assert cells[:2] == ["Instance4", "60"]
    assert "1717" in cells and "0.06" in cells and "2/4" in cells
    assert cells[cells.index("2/4") + 1] == "no"
    # A run without a roster has no median and meets nothing.
    assert "0/1" in twenty_one.split() and "-" in twenty_one.split()


@pytest.mark.slow
def test_bench_script_runs_several_seeds_and_resumes(tmp_path, capsys):
    bench = _bench_module()
    out = tmp_path / "out"
    args = ["--instances", "1", "--time-limit", "3", "--out", str(out)]
    assert bench.main([*args, "--seed", "0-1"]) == 0
    for seed in (0, 1):
        assert (out / f"seed{seed}" / "Instance1.csv").is_file()
    assert not (out / "Instance1.csv").exists()
    # Instance1 is proven optimal (607) well within 3 s on every seed.
    lines = capsys.readouterr().out.splitlines()
    (line,) = [x for x in lines if x.split()[:2] == ["Instance1", "3"]]
    assert "607 / 607" in line and "2/2" in line.split()
    # --resume runs only the seed the results file lacks, and the summary
    # still covers all three.
    assert bench.main([*args, "--seed", "0-2", "--resume"]) == 0
    text = capsys.readouterr().out
    assert text.count("skipped") == 2
    with (out / "results.csv").open() as fh:
        seeds = [row["seed"] for row in csv.DictReader(fh)]
    assert seeds == ["0", "1", "2"]
    (line,) = [x for x in text.splitlines()
               if x.split()[:2] == ["Instance1", "3"]]
    assert "607 / 607 / 607" in line and "3/3" in line.split()


def test_bench_script_refuses_missing_or_bad_instances(tmp_path, capsys):
    bench = _bench_module()
    out = tmp_path / "out"
    (tmp_path / "Instance2.txt").write_text("SECTION_HORIZON\nnot a number\n")
    # A missing file is named before anything is solved.
    code = bench.main(["--instances", "2,3", "--dir", str(tmp_path),
                       "--out", str(out)])
    assert code == 2
    err = capsys.readouterr().err
    assert "Instance3.txt" in err and "Instance2.txt" not in err
    assert not out.exists()
    # A malformed one gets the reader's message, no traceback.
    code = bench.main(["--instances", "2", "--dir", str(tmp_path),
                       "--out", str(out)])
    assert code == 2
    err = capsys.readouterr().err
    assert "Instance2.txt" in err and "Traceback" not in err
