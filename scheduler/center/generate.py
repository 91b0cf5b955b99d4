"""A realistic, seeded 24/7 contact centre for demos, tests and benchmarks.

``generate_center(operators=60)`` builds a centre whose shape follows a
typical inbound service line:

* calls: a daily curve with a morning peak (~10:00), a lunchtime dip, an
  evening peak (~19:00) and a night trough; Monday busiest, weekends at
  about 70 %; mild day-to-day and interval-to-interval noise;
* AHT 240-330 s: short in the morning, longer in the evening and longest
  at night;
* heavy calls (complaints, escalations) 6-10 % of calls, their share
  peaking in the evening, whole numbers per interval;
* eight shift types (early, day, mid, late, evening, night, two part-time);
* operators: ~70 % full-time, ~20 % part-time, ~8 % new hires who take no
  heavy calls, a few who work no nights, a few experienced ones with a
  higher heavy-call cap; time off for ~10 % and a preference for ~1 in 3.

The call volume is *calibrated*: scaled so that the agent-hours required
by Erlang C (``staffing.requirement``) come to about 87.5 % of the
operators' contract hours (mid-point of min and max per week), i.e. a
demand the roster can nearly cover, with some understaffing at the peaks.

Everything is drawn from ``random.Random(seed)``: the same arguments give
the same centre. Run ``python -m scheduler.center.generate --help``.
"""

from __future__ import annotations

import argparse
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from . import staffing
from .model import (
    Center,
    CenterOperator,
    CenterPreference,
    CenterRules,
    CenterShift,
    ForecastInterval,
    Settings,
    TimeOff,
)

__all__ = [
    "TARGET_RATIO",
    "contract_hours",
    "generate_center",
    "heavy_share",
    "main",
    "required_hours",
]

TARGET_RATIO = 0.875  # required agent-hours / contract hours
_TOLERANCE = 0.004

SHIFTS = (
    CenterShift(
        shift_id="E", start=6 * 60, hours=8.5, break_minutes=30, label="Early"
    ),
    CenterShift(
        shift_id="D", start=8 * 60, hours=8.5, break_minutes=30, label="Day"
    ),
    CenterShift(
        shift_id="M", start=11 * 60, hours=8.5, break_minutes=30, label="Mid"
    ),
    CenterShift(
        shift_id="L", start=14 * 60, hours=8.5, break_minutes=30, label="Late"
    ),
    CenterShift(
        shift_id="EV",
        start=16 * 60,
        hours=8.5,
        break_minutes=30,
        label="Evening",
    ),
    CenterShift(
        shift_id="N",
        start=22 * 60,
        hours=9,
        break_minutes=60,
        label="Night",
        night=True,
    ),
    CenterShift(
        shift_id="P1", start=9 * 60, hours=4, label="Part-time morning"
    ),
    CenterShift(
        shift_id="P2", start=18 * 60, hours=5, label="Part-time evening"
    ),
)
_FULL_SHIFTS = ("E", "D", "M", "L", "EV", "N")

# Monday .. Sunday volume factors (weekends ~70 % of a weekday).
_WEEKDAY_FACTOR = (1.08, 1.03, 1.00, 0.98, 0.95, 0.74, 0.70)


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


_FIRST_NAMES = _words(
    "Ana Ben Carla David Elena Farid Grace Hugo Ines Jonas Katya Luis "
    "Maria Nils Olga Pedro Quinn Rosa Samir Tara Umar Vera Wim Xenia "
    "Yusuf Zoe Aisha Bruno Chloe Dmitri Emma Felix Greta Hamza Ida "
    "Jakub Lena Marco Nadia Oscar Paula Rafael Sofia Tomas Ursula "
    "Viktor Wanda Yara Adam Bianca Cyril Diana Erik Fatima Gustav "
    "Hanna Ivan Julia Karim Laura "
)
_LAST_NAMES = _words(
    "Silva Meyer Rossi Novak Garcia Jansen Kowalski Dubois Larsen "
    "Popescu Horvat Schmidt Moreau Costa Nielsen Fischer Lopez Bakker "
    "Ricci Weber Petrov Martin Santos Wagner Bernard Kovacs Visser "
    "Romano Lindqvist Ferreira Bauer Laurent Murphy Nowak Andersen "
    "Marino Keller Dimitrov Hansen Blanc Kaya Mueller Berg Greco Smit "
    "Vogel Ortiz Lambert Kelly Walsh Haas Conti Roux Dahl Sousa Frank "
    "Popov Wolf Molnar Olsen "
)


# ---------------------------------------------------------------------------
# Demand: a call curve with noise, scaled afterwards
# ---------------------------------------------------------------------------


def _bump(hour: float, centre: float, width: float) -> float:
    """A Gaussian bump on the 24-hour circle."""
    d = abs(hour - centre) % 24
    d = min(d, 24 - d)
    return math.exp(-0.5 * (d / width) ** 2)


def _intensity(hour: float, weekend: bool) -> float:
    """Relative calls per hour at ``hour`` (peak ~ 1)."""
    late = 1.0 if weekend else 0.0  # weekends start later
    return (
        0.035
        + 0.95 * _bump(hour, 10.0 + late, 1.7)
        + 0.45 * _bump(hour, 14.5, 1.8)
        + 0.80 * _bump(hour, 19.0, 1.6)
        + 0.10 * _bump(hour, 23.0, 1.5)
    )


def _aht(hour: float) -> float:
    """Average handle time in seconds at ``hour`` before noise."""
    return (
        272
        + 48 * _bump(hour, 3.5, 3.0)
        - 22 * _bump(hour, 10.5, 2.2)
        + 18 * _bump(hour, 19.5, 2.0)
    )


def _heavy_share(hour: float) -> float:
    """Share of heavy calls at ``hour``: 6 %, 10 % in the evening."""
    return 0.06 + 0.04 * _bump(hour, 19.5, 2.5)


@dataclass(frozen=True)
class _Slot:
    """One interval before scaling: relative calls, AHT, heavy share."""

    day: date
    time: int
    volume: float
    aht: float
    share: float


def _shape(
    rng: random.Random, start: date, days: int, interval: int
) -> list[_Slot]:
    slots = []
    for d in range(days):
        day = start + timedelta(days=d)
        weekend = day.weekday() >= 5
        day_factor = _WEEKDAY_FACTOR[day.weekday()] * max(
            0.85, rng.gauss(1.0, 0.04)
        )
        for t in range(0, 1440, interval):
            hour = (t + interval / 2) / 60
            noise = max(0.6, rng.gauss(1.0, 0.06))
            volume = (
                _intensity(hour, weekend) * day_factor * noise * interval / 60
            )
            aht = min(330.0, max(240.0, _aht(hour) + rng.gauss(0, 6)))
            share = min(
                0.10, max(0.06, _heavy_share(hour) + rng.gauss(0, 0.004))
            )
            slots.append(_Slot(day, t, volume, round(aht), share))
    return slots


def _forecast(
    slots: Sequence[_Slot], scale: float
) -> tuple[ForecastInterval, ...]:
    """Scaled calls (0.1 precision) and whole heavy calls whose running
    total per day follows the exact one (cumulative rounding)."""
    result = []
    exact = given = 0.0
    previous_day = None
    for s in slots:
        if s.day != previous_day:
            exact = given = 0.0
            previous_day = s.day
        calls = round(s.volume * scale, 1)
        exact += calls * s.share
        heavy = max(0, min(math.floor(exact + 0.5) - given, math.floor(calls)))
        given += heavy
        result.append(
            ForecastInterval(
                date=s.day,
                time=s.time,
                calls=calls,
                aht_seconds=s.aht,
                heavy_calls=heavy,
            )
        )
    return tuple(result)


# ---------------------------------------------------------------------------
# People
# ---------------------------------------------------------------------------


def _operators(rng: random.Random, n: int) -> tuple[CenterOperator, ...]:
    width = max(3, len(str(n)))
    combos = len(_FIRST_NAMES) * len(_LAST_NAMES)
    picks = (
        rng.sample(range(combos), n)
        if n <= combos
        else [rng.randrange(combos) for _ in range(n)]
    )
    names = [
        f"{_FIRST_NAMES[p // len(_LAST_NAMES)]} "
        f"{_LAST_NAMES[p % len(_LAST_NAMES)]}"
        for p in picks
    ]
    order = list(range(n))
    rng.shuffle(order)
    n_part = round(0.20 * n)
    n_new = round(0.08 * n)
    n_few = max(1, round(0.07 * n)) if n >= 10 else 0
    part = set(order[:n_part])
    new = set(order[n_part : n_part + n_new])
    no_nights = set(order[n_part + n_new : n_part + n_new + n_few])
    senior = set(order[n_part + n_new + n_few : n_part + n_new + 2 * n_few])
    days_only = tuple(s for s in _FULL_SHIFTS if s != "N")
    result = []
    for i in range(n):
        cap: int | None = None
        shifts: tuple[str, ...] | None = None
        lo, hi = 36.0, 40.0
        if i in part:
            lo = float(rng.randint(16, 20))
            hi = float(rng.choice((24, 25)))
            shifts = ("P1", "P2", rng.choice(days_only))
        elif i in new:
            cap = 0
            shifts = days_only  # no nights while in training
        elif i in no_nights:
            shifts = days_only
        elif i in senior:
            cap = 10
        result.append(
            CenterOperator(
                operator_id=f"OP{i + 1:0{width}d}",
                name=names[i],
                min_hours_week=lo,
                max_hours_week=hi,
                heavy_calls_cap=cap,
                shifts=shifts,
            )
        )
    return tuple(result)


_LEAVE = (  # reason, weight, shortest, longest (days)
    ("annual leave", 50, 3, 7),
    ("medical appointment", 15, 1, 1),
    ("sick leave", 10, 1, 3),
    ("training course", 15, 1, 3),
    ("family event", 10, 1, 2),
)


def _time_off(
    rng: random.Random, ops: Sequence[CenterOperator], start: date, days: int
) -> tuple[TimeOff, ...]:
    k = round(0.10 * len(ops))
    chosen = sorted(rng.sample(range(len(ops)), k))
    weights = [w for _, w, _, _ in _LEAVE]
    result = []
    for i in chosen:
        reason, _, shortest, longest = rng.choices(_LEAVE, weights)[0]
        length = min(days, rng.randint(shortest, longest))
        first = start + timedelta(days=rng.randrange(days - length + 1))
        result.append(
            TimeOff(
                operator_id=ops[i].operator_id,
                date_from=first,
                date_to=first + timedelta(days=length - 1),
                reason=reason,
            )
        )
    return tuple(result)


def _allowed(op: CenterOperator, shift: str) -> bool:
    return op.shifts is None or shift in op.shifts


def _preferences(
    rng: random.Random, ops: Sequence[CenterOperator], start: date, days: int
) -> tuple[CenterPreference, ...]:
    k = round(len(ops) / 3)
    chosen = sorted(rng.sample(range(len(ops)), k))
    result = []
    for i in chosen:
        op = ops[i]
        oid = op.operator_id
        kind = rng.choices(
            ("off", "no_night", "early", "date_off"), (40, 25, 20, 15)
        )[0]
        weight = rng.randint(1, 5)
        if kind == "no_night" and _allowed(op, "N"):
            result.append(
                CenterPreference(
                    operator_id=oid,
                    weekday=rng.choice((4, 5, 6)),
                    shift_id="N",
                    want=False,
                    weight=weight,
                )
            )
        elif kind == "early" and _allowed(op, "E"):
            result.append(
                CenterPreference(
                    operator_id=oid,
                    weekday=rng.randrange(5),
                    shift_id="E",
                    want=True,
                    weight=weight,
                )
            )
        elif kind == "date_off":
            when = start + timedelta(days=rng.randrange(days))
            result.append(
                CenterPreference(
                    operator_id=oid,
                    date=when,
                    shift_id=None,
                    want=True,
                    weight=rng.randint(3, 5),
                )
            )
        else:
            result.append(
                CenterPreference(
                    operator_id=oid,
                    weekday=rng.choice((0, 2, 4, 5, 6)),
                    shift_id=None,
                    want=True,
                    weight=weight,
                )
            )
    return tuple(result)


# ---------------------------------------------------------------------------
# Calibration figures
# ---------------------------------------------------------------------------


def contract_hours(center: Center) -> float:
    """Operators' contract hours over the horizon: the mid-point of each
    weekly min and max (min alone without a max) times the weeks."""
    weeks = center.settings.days / 7
    total = 0.0
    for op in center.operators:
        hi = (
            op.min_hours_week
            if op.max_hours_week is None
            else (op.max_hours_week)
        )
        total += (op.min_hours_week + hi) / 2
    return total * weeks


def required_hours(center: Center) -> float:
    """Agent-hours the forecast needs: scheduled agents (Erlang C plus
    shrinkage) times the interval length, summed over the horizon."""
    hours = center.settings.interval_minutes / 60
    return sum(r.scheduled_agents for r in staffing.requirement(center)) * (
        hours
    )


def heavy_share(center: Center) -> float:
    """Heavy calls as a share of all calls."""
    calls = sum(f.calls for f in center.forecast)
    return sum(f.heavy_calls for f in center.forecast) / calls if calls else 0


def generate_center(
    operators: int = 60,
    days: int = 28,
    seed: int = 7,
    start_date: date = date(2027, 1, 4),
    interval_minutes: int = 30,
    name: str | None = None,
) -> Center:
    """A realistic 24/7 centre with ``operators`` people over ``days``.

    Deterministic for given arguments. The call volume is scaled so that
    ``required_hours`` is about :data:`TARGET_RATIO` of
    ``contract_hours``.
    """
    if operators < 1:
        raise ValueError(f"operators must be >= 1, got {operators}")
    if days < 1:
        raise ValueError(f"days must be >= 1, got {days}")
    if interval_minutes <= 0 or 1440 % interval_minutes:
        raise ValueError(
            f"interval_minutes must divide 1440, got {interval_minutes}"
        )
    rng = random.Random(seed)
    slots = _shape(rng, start_date, days, interval_minutes)
    ops = _operators(rng, operators)
    settings = Settings(
        center=name or ("sample" if operators == 60 else f"gen{operators}"),
        start_date=start_date,
        days=days,
        interval_minutes=interval_minutes,
        service_level=0.8,
        answer_seconds=20,
        max_occupancy=0.85,
        shrinkage=0.3,
        time_limit_seconds=60,
        seed=0,
    )
    center = Center(
        settings=settings,
        rules=CenterRules(),
        forecast=(),
        shifts=SHIFTS,
        operators=ops,
        time_off=_time_off(rng, ops, start_date, days),
        preferences=_preferences(rng, ops, start_date, days),
    )
    return _calibrate(center, slots)


def _calibrate(center: Center, slots: Sequence[_Slot]) -> Center:
    """Scale the calls until required / contract hours ~ TARGET_RATIO.

    The requirement grows monotonically (slightly sub-linearly, and in
    whole-agent steps) with the volume: start from scheduled agents ~
    traffic / occupancy / (1 - shrinkage), correct multiplicatively (ever
    harder: small centres are dominated by the minimum staffing of every
    interval) until the target is bracketed, then interpolate inside the
    bracket (kept off its ends so whole-agent steps cannot stall it).
    """
    s = center.settings
    target = TARGET_RATIO * contract_hours(center)
    work = sum(x.volume * x.aht for x in slots) / 3600  # Erlang-hours at 1
    per_erlang = 1 / (s.max_occupancy * (1 - s.shrinkage))
    scale = target / (work * per_erlang)
    low = high = None  # (scale, error) below / above the target
    best = None
    boost = 1.0  # grows while the target is not bracketed yet
    for _ in range(16):
        trial = center.model_copy(update={"forecast": _forecast(slots, scale)})
        error = required_hours(trial) / target - 1
        if best is None or abs(error) < abs(best[0]):
            best = (error, trial)
        if abs(error) * TARGET_RATIO < _TOLERANCE:
            break
        if error < 0:
            low = (scale, error)
        else:
            high = (scale, error)
        if low is None or high is None:
            scale /= (1 + error) ** boost
            boost *= 2
        else:
            (s0, e0), (s1, e1) = low, high
            share = min(0.8, max(0.2, -e0 / (e1 - e0)))  # no stalling
            scale = s0 + (s1 - s0) * share
    return best[1]


# ---------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    from ..write_center import write_center

    parser = argparse.ArgumentParser(
        prog="python -m scheduler.center.generate",
        description="Generate a realistic 24/7 contact centre and write it "
        "as a CSV folder (or an .xlsx workbook).",
    )
    parser.add_argument("--operators", type=int, default=60)
    parser.add_argument("--days", type=int, default=28)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--start-date", type=date.fromisoformat, default=date(2027, 1, 4)
    )
    parser.add_argument(
        "--interval",
        type=int,
        default=30,
        help="interval minutes (15, 30 or 60)",
    )
    parser.add_argument("--name", default=None, help="centre name")
    parser.add_argument(
        "--out",
        required=True,
        type=Path,
        help="a folder for CSV files, or a .xlsx path",
    )
    args = parser.parse_args(argv)
    center = generate_center(
        operators=args.operators,
        days=args.days,
        seed=args.seed,
        start_date=args.start_date,
        interval_minutes=args.interval,
        name=args.name,
    )
    path = write_center(center, args.out)
    need, have = required_hours(center), contract_hours(center)
    print(
        f"wrote {path}: {len(center.operators)} operators, "
        f"{center.settings.days} days, required {need:.0f} agent-h = "
        f"{need / have:.1%} of {have:.0f} contract h, heavy calls "
        f"{heavy_share(center):.1%}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
