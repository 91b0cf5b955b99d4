"""Tests for the seeded centre generator: determinism, calibration of the
call volume against contract hours, and a realistic shape of calls,
shifts and people."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from pathlib import Path

import pytest

from scheduler.center.generate import (
    contract_hours,
    generate_center,
    heavy_share,
    main,
    required_hours,
)
from scheduler.center.model import Center, CenterRules
from scheduler.read_center import read_center


@pytest.fixture(scope="module")
def sample() -> Center:
    return generate_center(operators=60, days=28, seed=7)


@pytest.fixture(scope="module")
def large() -> Center:
    return generate_center(operators=300, days=28, seed=7)


def test_same_seed_same_centre(sample: Center) -> None:
    """The generator is a pure function of its arguments."""
    assert generate_center(operators=60, days=28, seed=7) == sample


def test_other_seed_other_centre() -> None:
    """A different seed changes the calls and the people."""
    one = generate_center(operators=20, days=7, seed=7)
    other = generate_center(operators=20, days=7, seed=8)
    assert other.forecast != one.forecast
    assert other.operators != one.operators


@pytest.mark.parametrize("which", ["sample", "large"])
def test_calibration(which: str, request: pytest.FixtureRequest) -> None:
    """Required agent-hours are 80-95 % (aimed at 87.5 %) of the
    operators' contract hours, for 60 and for 300 operators."""
    center: Center = request.getfixturevalue(which)
    ratio = required_hours(center) / contract_hours(center)
    assert 0.80 <= ratio <= 0.95
    assert abs(ratio - 0.875) < 0.02


def test_volume_grows_with_the_operators(
    sample: Center, large: Center
) -> None:
    """Five times the people carry more than five times the calls
    (Erlang C economies of scale), but not absurdly more."""
    small_calls = sum(f.calls for f in sample.forecast)
    large_calls = sum(f.calls for f in large.forecast)
    assert 5 < large_calls / small_calls < 8


def _by_hour(center: Center) -> dict[int, float]:
    calls: dict[int, float] = defaultdict(float)
    for f in center.forecast:
        calls[f.time // 60] += f.calls
    return calls


def test_daily_curve(sample: Center) -> None:
    """A morning peak around 10:00, an evening peak around 19:00 and a
    night trough far below both."""
    calls = _by_hour(sample)
    morning = max(range(7, 13), key=calls.__getitem__)
    evening = max(range(16, 22), key=calls.__getitem__)
    assert morning in (9, 10, 11)
    assert evening in (18, 19, 20)
    assert calls[14] < calls[morning] and calls[15] < calls[evening]
    night = min(calls[h] for h in range(0, 6))
    assert night < 0.1 * calls[morning]


def test_weekends_are_quieter(sample: Center) -> None:
    """Weekend days carry about 70 % of the weekday volume."""
    by_day: dict[date, float] = defaultdict(float)
    for f in sample.forecast:
        by_day[f.date] += f.calls
    week = [v for d, v in by_day.items() if d.weekday() < 5]
    weekend = [v for d, v in by_day.items() if d.weekday() >= 5]
    ratio = (sum(weekend) / len(weekend)) / (sum(week) / len(week))
    assert 0.6 < ratio < 0.8
    mondays = [v for d, v in by_day.items() if d.weekday() == 0]
    assert len(set(mondays)) == len(mondays)  # day-to-day noise


def test_aht_and_heavy_calls(sample: Center) -> None:
    """AHT stays in 240-330 s and is longest at night; heavy calls are
    whole numbers, never above the calls, 6-10 % overall, with a larger
    share in the evening than in the morning."""
    ahts = [f.aht_seconds for f in sample.forecast]
    assert min(ahts) >= 240 and max(ahts) <= 330
    night = [f.aht_seconds for f in sample.forecast if f.time < 300]
    morning = [f.aht_seconds for f in sample.forecast if 540 <= f.time < 720]
    assert sum(night) / len(night) > sum(morning) / len(morning) + 20
    for f in sample.forecast:
        assert f.heavy_calls == int(f.heavy_calls)
        assert 0 <= f.heavy_calls <= f.calls
    assert 0.06 <= heavy_share(sample) <= 0.10

    def share(lo: int, hi: int) -> float:
        part = [f for f in sample.forecast if lo <= f.time < hi]
        return sum(f.heavy_calls for f in part) / sum(f.calls for f in part)

    assert share(18 * 60, 21 * 60) > share(8 * 60, 12 * 60) + 0.015


def test_shifts(sample: Center) -> None:
    """The eight documented shift types; only N is a night; EV ends at
    00:30; part-time shifts have no break."""
    shifts = {s.shift_id: s for s in sample.shifts}
    assert list(shifts) == ["E", "D", "M", "L", "EV", "N", "P1", "P2"]
    assert [k for k, s in shifts.items() if s.is_night] == ["N"]
    ev = shifts["EV"]
    assert (ev.start + ev.duration_minutes) % 1440 == 30
    assert shifts["N"].hours == 9 and shifts["N"].break_minutes == 60
    assert shifts["P1"].break_minutes == shifts["P2"].break_minutes == 0
    assert shifts["E"].start == 360 and shifts["E"].hours == 8.5


def test_people(large: Center) -> None:
    """~70 % full-time, ~20 % part-time on P1/P2 plus one other shift,
    ~8 % new hires without heavy calls, a few without nights and a few
    with a higher cap; ids unique."""
    ops = large.operators
    n = len(ops)
    assert len({o.operator_id for o in ops}) == n
    part = [o for o in ops if o.max_hours_week <= 25]
    full = [o for o in ops if o.min_hours_week == 36]
    assert abs(len(part) - 0.2 * n) <= 2
    assert 0.7 * n <= len(full) <= 0.8 * n
    for o in part:
        assert 16 <= o.min_hours_week <= 20 <= 24 <= o.max_hours_week
        assert o.shifts[:2] == ("P1", "P2") and len(o.shifts) == 3
    new = [o for o in ops if o.heavy_calls_cap == 0]
    assert abs(len(new) - 0.08 * n) <= 2
    assert all(o.shifts is not None and "N" not in o.shifts for o in new)
    no_nights = [
        o for o in full if o.shifts is not None and o.heavy_calls_cap is None
    ]
    assert 3 <= len(no_nights) <= 0.1 * n
    senior = [o for o in ops if o.heavy_calls_cap == 10]
    assert 3 <= len(senior) <= 0.1 * n
    assert large.rules == CenterRules()
    assert large.rules.heavy_calls_per_shift == 8


def test_time_off_and_preferences(large: Center) -> None:
    """Time off for ~10 % (1-7 days inside the horizon), a preference for
    ~1 in 3, all pointing at known operators, shifts and days."""
    s = large.settings
    ids = {o.operator_id: o for o in large.operators}
    assert len(large.time_off) == 30
    for t in large.time_off:
        assert t.operator_id in ids and t.reason
        assert s.start_date <= t.date_from <= t.date_to <= s.end_date
        assert 1 <= (t.date_to - t.date_from).days + 1 <= 7
    assert len(large.preferences) == 100
    kinds = set()
    for p in large.preferences:
        op = ids[p.operator_id]
        assert (p.date is None) != (p.weekday is None)
        assert 1 <= p.weight <= 5
        if p.shift_id is not None:
            assert op.shifts is None or p.shift_id in op.shifts
        kinds.add((p.shift_id, p.want))
    assert {(None, True), ("N", False), ("E", True)} <= kinds


def test_settings(sample: Center, large: Center) -> None:
    """The documented settings; the sample is named 'sample'."""
    s = sample.settings
    assert (s.center, s.start_date, s.days, s.interval_minutes) == (
        "sample",
        date(2027, 1, 4),
        28,
        30,
    )
    assert (
        s.service_level,
        s.answer_seconds,
        s.max_occupancy,
        s.shrinkage,
        s.time_limit_seconds,
        s.seed,
    ) == (0.8, 20, 0.85, 0.3, 60, 0)
    assert large.settings.center == "gen300"
    assert len(sample.forecast) == 28 * 48


def test_other_shapes_of_horizon() -> None:
    """Other intervals and horizons are complete and still calibrated."""
    center = generate_center(
        operators=40,
        days=7,
        seed=1,
        start_date=date(2027, 3, 3),
        interval_minutes=15,
        name="x",
    )
    assert center.settings.center == "x"
    assert len(center.forecast) == 7 * 96
    assert center.forecast[0].date == date(2027, 3, 3)
    ratio = required_hours(center) / contract_hours(center)
    assert 0.80 <= ratio <= 0.95


def test_bad_arguments() -> None:
    """Nonsense sizes are refused up front."""
    with pytest.raises(ValueError, match="operators"):
        generate_center(operators=0)
    with pytest.raises(ValueError, match="interval"):
        generate_center(interval_minutes=7)


def test_main_writes_csv_and_workbook(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The command line writes a folder or a workbook that reads back as
    the generated centre, and prints the calibration figures."""
    expected = generate_center(operators=12, days=7, seed=5, name="cli")
    args = ["--operators", "12", "--days", "7", "--seed", "5", "--name", "cli"]
    folder = tmp_path / "cli"
    assert main([*args, "--out", str(folder)]) == 0
    assert "agent-h" in capsys.readouterr().out
    assert read_center(folder).model_copy(update={"source": ""}) == expected
    book = tmp_path / "cli.xlsx"
    assert main([*args, "--out", str(book)]) == 0
    assert read_center(book).model_copy(update={"source": ""}) == expected
