"""``--log-json``: one JSON object per line for log collectors.

Every line is a complete object with ``event``, ``time`` (ISO 8601 with
offset) and, once known, ``run_id`` and ``center``. Events, in order:

``start``     the run holds its centre's lock: input, input hash, horizon,
              re-planning window, solver parameters
``warning``   something the planner worked around (``message``)
``progress``  a better roster (``kind`` ``solution``) or a better bound
              (``kind`` ``bound``, at most one per second): ``elapsed``,
              ``objective``, ``bound``, ``gap``
``signal``    SIGTERM/SIGINT received: the search stops, the best roster
              is kept (``signal``)
``result``    always last: ``status``, ``exit_code``, ``objective``,
              ``bound``, ``gap``, ``changes``, ``kpis``, ``roster``,
              ``assignments``, ``message``, ``seconds``

The lines go to stdout (flushed one by one); the human-readable output
moves to stderr while ``--log-json`` is on, so stdout is pure JSON.
"""

from __future__ import annotations

import json
import math
import sys
import threading
import time
from datetime import datetime
from typing import Any, TextIO

BOUND_EVERY = 1.0  # seconds between two bound events


class JsonLog:
    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stdout
        self.context: dict[str, Any] = {}
        self._lock = threading.Lock()
        self._last_bound = float("-inf")

    def event(self, name: str, /, **fields: Any) -> None:
        record = {"event": name,
                  "time": datetime.now().astimezone().isoformat(
                      timespec="milliseconds"),
                  **self.context, **fields}
        line = json.dumps(_clean(record), ensure_ascii=False,
                          default=str)
        with self._lock:  # progress comes from solver threads
            self.stream.write(line + "\n")
            self.stream.flush()

    def progress(self, event: Any) -> None:
        """A ``scheduler.core.solve`` progress hook."""
        if event.event == "bound":
            now = time.monotonic()
            if now - self._last_bound < BOUND_EVERY:
                return
            self._last_bound = now
        self.event("progress", kind=event.event,
                   elapsed=round(event.elapsed, 3),
                   objective=event.objective, bound=event.bound,
                   gap=event.gap)


def _clean(value: Any) -> Any:
    """JSON has no infinities or NaN: they become null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value
