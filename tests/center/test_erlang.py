"""Tests for the Erlang C staffing model against published figures."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scheduler.center.erlang import (
    ErlangResult,
    agents_required,
    asa_seconds,
    erlang_b,
    evaluate,
    occupancy,
    scheduled_agents,
    service_level,
    traffic_erlangs,
    wait_probability,
)

TOL = 1e-4

# The textbook case: 100 calls in 30 minutes, AHT 180 s, 80 % in 20 s.
CALLS = 100
AHT = 180
INTERVAL = 30
TARGET = 0.8
ANSWER = 20


# ---------------------------------------------------------------------------
# The 100 calls / 30 min / 180 s / 80-20 example
# ---------------------------------------------------------------------------


def test_traffic_of_reference_interval_is_ten_erlangs():
    """100 calls x 180 s over 1,800 s is 10 Erlangs."""
    assert traffic_erlangs(CALLS, AHT, INTERVAL) == pytest.approx(10.0)


def test_reference_interval_needs_fourteen_agents():
    """80/20 needs 14 agents with the pyworkforce-published metrics."""
    result = evaluate(CALLS, AHT, INTERVAL, TARGET, ANSWER)
    assert result.agents == 14
    assert result.scheduled_agents == 14
    assert result.service_level == pytest.approx(0.8883500191794669, abs=TOL)
    assert result.wait_probability == pytest.approx(
        0.1741319335950498, abs=TOL
    )
    assert result.occupancy == pytest.approx(0.7142857, abs=TOL)
    assert result.asa_seconds == pytest.approx(7.8, abs=0.05)
    assert result.traffic == pytest.approx(10.0)


def test_reference_interval_with_shrinkage():
    """30 % shrinkage turns 14 productive agents into 20 scheduled."""
    result = evaluate(CALLS, AHT, INTERVAL, TARGET, ANSWER, shrinkage=0.3)
    assert result.agents == 14
    assert result.scheduled_agents == 20


def test_reference_interval_with_occupancy_cap():
    """A 70 % occupancy cap forces 15 agents (22 after 30 % shrinkage)."""
    result = evaluate(
        CALLS, AHT, INTERVAL, TARGET, ANSWER, max_occupancy=0.7, shrinkage=0.3
    )
    assert result.agents == 15
    assert result.scheduled_agents == 22
    assert result.service_level == pytest.approx(0.941, abs=1e-3)
    assert result.wait_probability == pytest.approx(0.102, abs=1e-3)
    assert result.occupancy <= 0.7


def test_thirteen_agents_just_miss_target():
    """Boundary: 13 agents give SL 0.7956, just under the 80 % target."""
    result = evaluate(CALLS, AHT, INTERVAL, TARGET, ANSWER, agents=13)
    assert result.agents == 13
    assert result.service_level == pytest.approx(0.7956, abs=TOL)
    assert result.service_level < TARGET
    assert agents_required(10.0, AHT, ANSWER, 0.7955) == 13


@pytest.mark.parametrize(
    ("agents", "pw", "sl", "asa"),
    [
        (12, 0.4494, 0.6402, 40.4),
        (13, 0.2853, 0.7956, 17.1),
        (14, 0.1741, 0.8884, 7.8),
        (15, 0.1020, 0.9415, 3.7),
    ],
)
def test_ten_erlang_staffing_table(agents, pw, sl, asa):
    """Published staffing table for A=10, AHT 180 s, t=20 s."""
    assert wait_probability(agents, 10.0) == pytest.approx(pw, abs=TOL)
    assert service_level(agents, 10.0, AHT, ANSWER) == pytest.approx(
        sl, abs=TOL
    )
    assert asa_seconds(agents, 10.0, AHT) == pytest.approx(asa, abs=0.05)


# ---------------------------------------------------------------------------
# Third-party reference values and stability
# ---------------------------------------------------------------------------


def test_erlang_c_third_party_values():
    """Matches independently published Erlang C values."""
    assert wait_probability(132, 123) == pytest.approx(0.3211, abs=TOL)
    assert erlang_b(132, 123) == pytest.approx(0.0312, abs=TOL)


def test_erlang_c_huge_centre_does_not_overflow():
    """12,421 agents on 12,345 Erlangs is finite and matches 0.3812."""
    value = wait_probability(12421, 12345)
    assert math.isfinite(value)
    assert value == pytest.approx(0.3812, abs=TOL)


def test_unstable_queue_always_waits():
    """With N <= A every call waits, SL is 0 and ASA infinite."""
    assert wait_probability(1, 1) == 1.0
    assert wait_probability(900, 1000) == 1.0
    assert service_level(900, 1000, AHT, ANSWER) == 0.0
    assert asa_seconds(10, 10, AHT) == math.inf


@pytest.mark.parametrize(
    ("agents", "traffic", "expected"),
    [(18, 10.44, 0.0100), (17, 10.0, 0.0130)],
)
def test_erlang_b_table(agents, traffic, expected):
    """Erlang B table values (1 % and 1.3 % blocking)."""
    assert erlang_b(agents, traffic) == pytest.approx(expected, abs=TOL)


def test_erlang_b_edge_cases():
    """B(0, A) is 1 (no servers block all) and no traffic never blocks."""
    assert erlang_b(0, 5.0) == 1.0
    assert erlang_b(5, 0.0) == 0.0


# ---------------------------------------------------------------------------
# Mitan worked example: 360 calls / 30 min, AHT 240 s, t=15 s
# ---------------------------------------------------------------------------


def test_mitan_example_metrics():
    """55 agents on 48 Erlangs reproduce the worked example."""
    result = evaluate(360, 240, 30, 0.7, 15, agents=55)
    assert result.traffic == pytest.approx(48.0)
    assert result.occupancy == pytest.approx(0.8727, abs=TOL)
    assert result.wait_probability == pytest.approx(0.2387, abs=TOL)
    assert result.asa_seconds == pytest.approx(8.18, abs=0.005)
    assert result.service_level == pytest.approx(0.8459, abs=TOL)


def test_mitan_example_agents_needed():
    """70 % within 15 s on 48 Erlangs needs 53 agents."""
    assert agents_required(48.0, 240, 15, 0.7) == 53
    assert evaluate(360, 240, 30, 0.7, 15).agents == 53


# ---------------------------------------------------------------------------
# Zero traffic and simple formulas
# ---------------------------------------------------------------------------


def test_zero_calls_need_nobody():
    """No calls: zero agents, zero scheduled and a perfect service level."""
    result = evaluate(0, AHT, INTERVAL, TARGET, ANSWER, shrinkage=0.3)
    assert result.agents == 0
    assert result.scheduled_agents == 0
    assert result.service_level == 1.0
    assert result.asa_seconds == 0.0
    assert result.occupancy == 0.0
    assert result.wait_probability == 0.0
    assert agents_required(0.0, AHT, ANSWER, TARGET) == 0


def test_zero_traffic_formulas():
    """Zero traffic means no waiting regardless of head-count."""
    assert wait_probability(0, 0.0) == 0.0
    assert service_level(3, 0.0, AHT, ANSWER) == 1.0
    assert occupancy(0, 0.0) == 0.0
    assert occupancy(4, 0.0) == 0.0


def test_occupancy_is_traffic_per_agent():
    """Occupancy is A / N on productive agents."""
    assert occupancy(14, 10.0) == pytest.approx(10 / 14)
    assert occupancy(0, 1.0) == math.inf


def test_scheduled_agents_ignores_float_noise():
    """14/0.7 is 20 and 21/0.7 (30.000000000000004 in floats) is 30."""
    assert scheduled_agents(14, 0.3) == 20
    assert scheduled_agents(21, 0.3) == 30
    assert scheduled_agents(15, 0.3) == 22
    assert scheduled_agents(14, 0.0) == 14
    assert scheduled_agents(0, 0.5) == 0


def test_occupancy_cap_ignores_float_noise():
    """21 Erlangs at a 70 % cap need exactly 30 agents, not 31."""
    assert agents_required(21.0, AHT, ANSWER, 0.1, max_occupancy=0.7) == 30


def test_result_to_dict_keys():
    """to_dict exposes exactly the documented keys."""
    result = evaluate(CALLS, AHT, INTERVAL, TARGET, ANSWER)
    assert isinstance(result, ErlangResult)
    data = result.to_dict()
    assert list(data) == [
        "agents",
        "scheduled_agents",
        "service_level",
        "asa_seconds",
        "occupancy",
        "wait_probability",
        "traffic_erlangs",
    ]
    assert data["agents"] == 14
    assert data["traffic_erlangs"] == pytest.approx(10.0)


def test_result_is_frozen():
    """Results are immutable so they can be shared between reports."""
    result = evaluate(CALLS, AHT, INTERVAL, TARGET, ANSWER)
    with pytest.raises(AttributeError):
        result.agents = 3  # type: ignore[misc]


# ---------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs",
    [
        {"calls": -1},
        {"aht_seconds": 0},
        {"aht_seconds": -5},
        {"interval_minutes": 0},
        {"service_level_target": 0.0},
        {"service_level_target": 1.0},
        {"service_level_target": 1.5},
        {"max_occupancy": 0.0},
        {"max_occupancy": 1.1},
        {"shrinkage": 1.0},
        {"shrinkage": -0.1},
        {"agents": -1},
    ],
)
def test_evaluate_rejects_bad_inputs(kwargs):
    """Out-of-range inputs raise ValueError instead of silent nonsense."""
    params = {
        "calls": CALLS,
        "aht_seconds": AHT,
        "interval_minutes": INTERVAL,
        "service_level_target": TARGET,
        "answer_seconds": ANSWER,
    }
    params.update(kwargs)
    with pytest.raises(ValueError):
        evaluate(**params)


def test_scheduled_agents_rejects_bad_shrinkage():
    """Shrinkage must lie in [0, 1)."""
    with pytest.raises(ValueError, match="shrinkage"):
        scheduled_agents(10, 1.0)
    with pytest.raises(ValueError, match="shrinkage"):
        scheduled_agents(10, -0.01)


def test_agents_must_be_integers():
    """Fractional head-counts are rejected: we staff whole agents."""
    with pytest.raises(TypeError):
        wait_probability(12.5, 10.0)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------
# Search properties
# ---------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(
    traffic=st.floats(min_value=0.01, max_value=500.0),
    aht=st.floats(min_value=10.0, max_value=1200.0),
    answer=st.floats(min_value=0.0, max_value=120.0),
    target=st.floats(min_value=0.05, max_value=0.99),
    max_occ=st.floats(min_value=0.5, max_value=1.0),
)
def test_agents_required_is_minimal(traffic, aht, answer, target, max_occ):
    """N meets every constraint and N - 1 breaks at least one of them."""
    n = agents_required(traffic, aht, answer, target, max_occupancy=max_occ)
    assert n > traffic
    assert traffic / n <= max_occ + 1e-9
    assert service_level(n, traffic, aht, answer) >= target

    below = n - 1
    unstable = below <= traffic
    over_cap = traffic / below > max_occ - 1e-9 if below > 0 else True
    misses = service_level(below, traffic, aht, answer) < target
    assert unstable or over_cap or misses


def test_agents_required_huge_centre():
    """12,345 Erlangs are sized without overflow in reasonable time."""
    n = agents_required(12345.0, AHT, ANSWER, TARGET)
    assert n > 12345
    assert service_level(n, 12345.0, AHT, ANSWER) >= TARGET
    assert service_level(n - 1, 12345.0, AHT, ANSWER) < TARGET
