"""Solver progress as plain lines: objective, bound, gap and time.

Plain lines suit a terminal and a cron log alike; bound moves are
throttled so a long solve prints a readable trail, not a flood.
"""

from __future__ import annotations

import sys
from typing import TextIO

from .core.cpsat.model import Progress


class ProgressPrinter:
    def __init__(self, stream: TextIO | None = None,
                 bound_every: float = 2.0) -> None:
        self.stream = stream or sys.stderr
        self.bound_every = bound_every
        self._last_bound_print = float("-inf")
        self._best: float | None = None

    def __call__(self, event: Progress) -> None:
        if event.event == "bound":
            if event.elapsed - self._last_bound_print < self.bound_every:
                return
            self._last_bound_print = event.elapsed
        elif self._best is not None and event.objective is not None \
                and event.objective >= self._best:
            return
        if event.objective is not None:
            self._best = event.objective
        gap = "-" if event.gap is None else f"{100 * event.gap:6.2f} %"
        obj = "-" if event.objective is None else f"{event.objective:,.0f}"
        mark = "*" if event.event == "solution" else " "
        print(f"{mark} {event.elapsed:7.1f} s  objective {obj:>12}  "
              f"bound {event.bound:>12,.0f}  gap {gap}",
              file=self.stream, flush=True)
