"""Erlang C staffing maths for one contact-centre interval.

Pure Python (``math`` only) so the model can be imported anywhere, and
numerically stable for very large centres: no factorials or powers of the
traffic are ever formed.  Erlang B is built with the recursion

    B(0, A) = 1,    B(k, A) = A*B(k-1, A) / (k + A*B(k-1, A)),

whose terms stay in [0, 1], and Erlang C follows from it as

    C(N, A) = N*B(N, A) / (N - A*(1 - B(N, A))).

The cost is O(N) per evaluation, which is negligible even for N ~ 12,500.

Conventions (quoted by the README):

* Offered traffic ``A = calls * AHT / interval length`` in Erlangs, with the
  AHT and the interval in the same unit (seconds here).
* Service level ``SL(t) = 1 - C(N, A)*e^{-(N-A)*t/AHT}``: the share of *all*
  calls answered within ``t`` seconds.
* ASA (average speed of answer) ``= C(N, A)*AHT / (N - A)`` is averaged over
  *all* calls, including those answered immediately.
* Occupancy ``= A / N`` is measured on productive agents (the Erlang ``N``),
  not on the shrunk, scheduled head-count.
* An occupancy cap ``max_occ`` is enforced as ``N >= A / max_occ``.
* Shrinkage ``s`` is applied once, at the end: ``scheduled = ceil(N/(1-s))``.
* ``N`` is an integer: we round up once per interval rather than carrying
  fractional staffing forward.
* Whenever ``N <= A`` the queue is unstable: every call waits (``C = 1``),
  service level is 0 and ASA is infinite.
"""

from __future__ import annotations

import math
import operator
from dataclasses import dataclass

__all__ = [
    "ErlangResult",
    "agents_required",
    "asa_seconds",
    "erlang_b",
    "evaluate",
    "occupancy",
    "scheduled_agents",
    "service_level",
    "traffic_erlangs",
    "wait_probability",
]

# Decimal places kept before rounding up a ratio, so binary floating noise
# such as 14 / 0.7 == 20.000000000000004 does not cost an extra agent.
_CEIL_DECIMALS = 9


# ---------------------------------------------------------------------------
# Validation helpers
# ---------------------------------------------------------------------------


def _check_agents(agents: int) -> int:
    """Return ``agents`` as a non-negative ``int``.

    Head-counts are whole people; ``operator.index`` accepts any integer
    type (including NumPy integers) and rejects floats such as 12.5.
    """
    try:
        count = operator.index(agents)
    except TypeError:
        raise TypeError(
            f"agents must be an integer, got {type(agents).__name__}"
        ) from None
    if count < 0:
        raise ValueError(f"agents must be >= 0, got {count}")
    return count


def _check_non_negative(name: str, value: float) -> float:
    """Reject negative or non-finite quantities such as calls or traffic."""
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a finite number >= 0, got {value}")
    return float(value)


def _check_positive(name: str, value: float) -> float:
    """Reject zero, negative or non-finite durations (AHT, interval)."""
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a finite number > 0, got {value}")
    return float(value)


def _check_fraction_open(name: str, value: float) -> float:
    """Require a target strictly inside (0, 1).

    A target of 1 can never be met by Erlang C (the exponential tail never
    reaches zero) and a target of 0 is meaningless.
    """
    if not 0.0 < value < 1.0:
        raise ValueError(f"{name} must be in (0, 1), got {value}")
    return float(value)


def _check_max_occupancy(value: float) -> float:
    """Require an occupancy cap in (0, 1]; 1 means "no cap"."""
    if not 0.0 < value <= 1.0:
        raise ValueError(f"max_occupancy must be in (0, 1], got {value}")
    return float(value)


def _check_shrinkage(value: float) -> float:
    """Require shrinkage in [0, 1); 100 % shrinkage leaves nobody to work."""
    if not 0.0 <= value < 1.0:
        raise ValueError(f"shrinkage must be in [0, 1), got {value}")
    return float(value)


def _ceil_clean(value: float) -> int:
    """Round ``value`` up, ignoring binary floating-point noise."""
    return math.ceil(round(value, _CEIL_DECIMALS))


# ---------------------------------------------------------------------------
# Core formulas (no validation: shared by the public API and the search)
# ---------------------------------------------------------------------------


def _next_erlang_b(k: int, traffic: float, previous: float) -> float:
    """One step of the Erlang B recursion, from ``B(k-1)`` to ``B(k)``.

    Every intermediate value lies in [0, 1], which is what makes the
    recursion safe for thousands of servers where ``A^N / N!`` overflows.
    """
    carried = traffic * previous
    return carried / (k + carried)


def _erlang_c_from_b(agents: int, traffic: float, blocking: float) -> float:
    """Convert Erlang B into Erlang C for a stable queue (``N > A``)."""
    return agents * blocking / (agents - traffic * (1.0 - blocking))


def _service_level_from_c(
    agents: int,
    traffic: float,
    wait_prob: float,
    aht_seconds: float,
    answer_seconds: float,
) -> float:
    """Share of calls answered within ``answer_seconds`` given ``C(N, A)``.

    Waiting times of delayed calls are exponential with rate
    ``(N - A) / AHT``, hence the exponential tail.
    """
    decay = math.exp(-(agents - traffic) * answer_seconds / aht_seconds)
    return 1.0 - wait_prob * decay


# ---------------------------------------------------------------------------
# Public formulas
# ---------------------------------------------------------------------------


def erlang_b(agents: int, traffic: float) -> float:
    """Blocking probability of an M/M/N/N loss system (Erlang B).

    Parameters
    ----------
    agents
        Number of servers ``N`` (>= 0).
    traffic
        Offered traffic ``A`` in Erlangs (>= 0).

    Returns
    -------
    float
        ``B(N, A)`` in [0, 1].  Computed with the stable recursion so that
        it is exact to rounding even for ``N`` in the tens of thousands.
    """
    n = _check_agents(agents)
    a = _check_non_negative("traffic", traffic)
    blocking = 1.0
    for k in range(1, n + 1):
        blocking = _next_erlang_b(k, a, blocking)
    return blocking


def wait_probability(agents: int, traffic: float) -> float:
    """Probability that an arriving call has to queue (Erlang C).

    Parameters
    ----------
    agents
        Productive agents ``N``.
    traffic
        Offered traffic ``A`` in Erlangs.

    Returns
    -------
    float
        ``C(N, A)``.  0.0 when there is no traffic (nobody ever waits) and
        1.0 when ``N <= A``: the queue is unstable, so in the long run every
        call waits.
    """
    n = _check_agents(agents)
    a = _check_non_negative("traffic", traffic)
    if a == 0.0:
        return 0.0
    if n <= a:
        return 1.0
    return _erlang_c_from_b(n, a, erlang_b(n, a))


def service_level(
    agents: int,
    traffic: float,
    aht_seconds: float,
    answer_seconds: float,
) -> float:
    """Share of all calls answered within ``answer_seconds``.

    Parameters
    ----------
    agents
        Productive agents ``N``.
    traffic
        Offered traffic ``A`` in Erlangs.
    aht_seconds
        Average handle time, which sets the speed of the queue.
    answer_seconds
        Service-level threshold ``t`` (e.g. 20 for "80/20").

    Returns
    -------
    float
        ``1 - C(N, A)*exp(-(N - A)*t / AHT)``; 1.0 with no traffic (no call
        can miss the target) and 0.0 when ``N <= A`` (unstable queue).
    """
    n = _check_agents(agents)
    a = _check_non_negative("traffic", traffic)
    aht = _check_positive("aht_seconds", aht_seconds)
    t = _check_non_negative("answer_seconds", answer_seconds)
    if a == 0.0:
        return 1.0
    if n <= a:
        return 0.0
    return _service_level_from_c(n, a, wait_probability(n, a), aht, t)


def asa_seconds(agents: int, traffic: float, aht_seconds: float) -> float:
    """Average speed of answer over all calls, in seconds.

    Parameters
    ----------
    agents
        Productive agents ``N``.
    traffic
        Offered traffic ``A`` in Erlangs.
    aht_seconds
        Average handle time.

    Returns
    -------
    float
        ``C(N, A)*AHT / (N - A)``: queued calls wait ``AHT / (N - A)`` on
        average and only a share ``C`` of calls queue.  0.0 with no traffic
        and ``math.inf`` when ``N <= A`` (the queue grows without bound).
    """
    n = _check_agents(agents)
    a = _check_non_negative("traffic", traffic)
    aht = _check_positive("aht_seconds", aht_seconds)
    if a == 0.0:
        return 0.0
    if n <= a:
        return math.inf
    return wait_probability(n, a) * aht / (n - a)


def occupancy(agents: int, traffic: float) -> float:
    """Share of productive agents' time spent handling calls.

    Parameters
    ----------
    agents
        Productive agents ``N`` (not the shrunk, scheduled head-count).
    traffic
        Offered traffic ``A`` in Erlangs.

    Returns
    -------
    float
        ``A / N``.  0.0 when there is no traffic (including ``N = 0``).
        With ``N = 0`` and traffic present the load cannot be carried at
        all, which is reported as ``math.inf`` rather than hidden.  Values
        above 1 likewise flag an overloaded (unstable) interval.
    """
    n = _check_agents(agents)
    a = _check_non_negative("traffic", traffic)
    if a == 0.0:
        return 0.0
    if n == 0:
        return math.inf
    return a / n


def traffic_erlangs(
    calls: float, aht_seconds: float, interval_minutes: int
) -> float:
    """Offered traffic in Erlangs for one interval.

    Parameters
    ----------
    calls
        Calls offered during the interval.
    aht_seconds
        Average handle time in seconds.
    interval_minutes
        Interval length in minutes.

    Returns
    -------
    float
        ``calls * AHT / (interval * 60)``: the average number of calls in
        progress, i.e. the agents that would be busy with zero idle time.
    """
    c = _check_non_negative("calls", calls)
    aht = _check_positive("aht_seconds", aht_seconds)
    minutes = _check_positive("interval_minutes", interval_minutes)
    return c * aht / (minutes * 60.0)


def scheduled_agents(agents: int, shrinkage: float) -> int:
    """Head-count to schedule so ``agents`` remain productive.

    Parameters
    ----------
    agents
        Productive agents required by Erlang C.
    shrinkage
        Share of paid time lost to breaks, training, absence, ... in [0, 1).

    Returns
    -------
    int
        ``ceil(agents / (1 - shrinkage))``, computed after rounding to
        nine decimals so that e.g. 14 agents at 30 % shrinkage give exactly
        20 and not 21 because of floating-point noise.
    """
    n = _check_agents(agents)
    s = _check_shrinkage(shrinkage)
    return _ceil_clean(n / (1.0 - s))


def _minimum_agents(traffic: float, max_occupancy: float) -> int:
    """Smallest ``N`` that is both stable (``N > A``) and under the cap."""
    stable = math.floor(traffic) + 1
    capped = _ceil_clean(traffic / max_occupancy)
    return max(stable, capped)


def agents_required(
    traffic: float,
    aht_seconds: float,
    answer_seconds: float,
    service_level_target: float,
    max_occupancy: float = 1.0,
) -> int:
    """Fewest productive agents meeting the service level and occupancy cap.

    Parameters
    ----------
    traffic
        Offered traffic ``A`` in Erlangs.
    aht_seconds
        Average handle time in seconds.
    answer_seconds
        Service-level threshold ``t`` in seconds.
    service_level_target
        Required share of calls answered within ``t``, in (0, 1).
    max_occupancy
        Cap on ``A / N`` in (0, 1]; 1.0 means no cap beyond stability.

    Returns
    -------
    int
        Smallest ``N > A`` with ``SL(N) >= target`` and
        ``N >= A / max_occupancy``; 0 when there is no traffic.

    Notes
    -----
    Service level increases with ``N`` once ``N > A``, so a linear scan from
    the smallest admissible ``N`` finds the optimum.  The Erlang B value is
    carried from one ``N`` to the next, so the whole search is O(answer)
    recursion steps, which stays fast even for 12,000+ Erlangs.
    """
    a = _check_non_negative("traffic", traffic)
    aht = _check_positive("aht_seconds", aht_seconds)
    t = _check_non_negative("answer_seconds", answer_seconds)
    target = _check_fraction_open("service_level_target", service_level_target)
    cap = _check_max_occupancy(max_occupancy)
    if a == 0.0:
        return 0

    agents = _minimum_agents(a, cap)
    blocking = erlang_b(agents, a)
    while True:
        wait_prob = _erlang_c_from_b(agents, a, blocking)
        if _service_level_from_c(agents, a, wait_prob, aht, t) >= target:
            return agents
        agents += 1
        blocking = _next_erlang_b(agents, a, blocking)


# ---------------------------------------------------------------------------
# Interval evaluation
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ErlangResult:
    """Staffing and queue metrics for one interval.

    Attributes
    ----------
    agents
        Productive agents ``N`` used for the metrics.
    scheduled_agents
        Head-count to schedule once shrinkage is added back.
    service_level
        Share of calls answered within the threshold.
    asa_seconds
        Average speed of answer over all calls (``inf`` if unstable).
    occupancy
        ``A / N`` on productive agents.
    wait_probability
        Erlang C probability that a call queues.
    traffic
        Offered traffic in Erlangs.
    """

    agents: int
    scheduled_agents: int
    service_level: float
    asa_seconds: float
    occupancy: float
    wait_probability: float
    traffic: float

    def to_dict(self) -> dict[str, float | int]:
        """Flat mapping for tables and JSON, with traffic named by unit."""
        return {
            "agents": self.agents,
            "scheduled_agents": self.scheduled_agents,
            "service_level": self.service_level,
            "asa_seconds": self.asa_seconds,
            "occupancy": self.occupancy,
            "wait_probability": self.wait_probability,
            "traffic_erlangs": self.traffic,
        }


def evaluate(
    calls: float,
    aht_seconds: float,
    interval_minutes: int,
    service_level_target: float,
    answer_seconds: float,
    max_occupancy: float = 1.0,
    shrinkage: float = 0.0,
    agents: int | None = None,
) -> ErlangResult:
    """Size one interval, or score a given head-count, with Erlang C.

    Parameters
    ----------
    calls
        Calls offered during the interval.
    aht_seconds
        Average handle time in seconds.
    interval_minutes
        Interval length in minutes.
    service_level_target
        Required share of calls answered within ``answer_seconds``, in
        (0, 1).  Validated even when ``agents`` is given, so one call site
        can switch between sizing and scoring.
    answer_seconds
        Service-level threshold in seconds.
    max_occupancy
        Occupancy cap in (0, 1] used when sizing.
    shrinkage
        Share of paid time not spent on calls, in [0, 1).
    agents
        Productive head-count to score.  ``None`` sizes the interval with
        :func:`agents_required` and reports metrics at that ``N``.

    Returns
    -------
    ErlangResult
        Metrics at the chosen ``N`` plus the shrunk, scheduled head-count.
    """
    traffic = traffic_erlangs(calls, aht_seconds, interval_minutes)
    target = _check_fraction_open("service_level_target", service_level_target)
    t = _check_non_negative("answer_seconds", answer_seconds)
    cap = _check_max_occupancy(max_occupancy)
    s = _check_shrinkage(shrinkage)
    if agents is None:
        n = agents_required(traffic, aht_seconds, t, target, cap)
    else:
        n = _check_agents(agents)
    return ErlangResult(
        agents=n,
        scheduled_agents=scheduled_agents(n, s),
        service_level=service_level(n, traffic, aht_seconds, t),
        asa_seconds=asa_seconds(n, traffic, aht_seconds),
        occupancy=occupancy(n, traffic),
        wait_probability=wait_probability(n, traffic),
        traffic=traffic,
    )
