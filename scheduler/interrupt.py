"""SIGTERM and SIGINT stop the search; the best roster found is kept.

``SignalStop`` is a context manager for the main thread of a planning
process. While it is active:

* SIGTERM and SIGINT are *blocked* in the main thread, so every thread
  started afterwards (CP-SAT's workers included) inherits the block and no
  library can turn either signal into an abrupt exit or swallow it;
* a watcher thread takes them with ``sigtimedwait``. The first one sets
  ``signum`` and calls ``control.stop()`` (``scheduler.core.solve``'s
  ``SolveControl``), again every 0.1 s until the block ends, because CP-SAT
  ignores a stop requested before its ``solve`` has begun; the planning
  code then returns the best roster found so far;
* a second signal ends the process at once (exit 128 + signal): the
  outputs are written atomically, so even that leaves no partial file.

Threads that existed before the block (a library imported earlier) may
still receive a signal; a Python handler plus ``signal.set_wakeup_fd``
routes those to the same watcher. The CLI enters the guard before it
imports OR-Tools, so in a real run every thread has the block.

This module imports only the standard library: it must be importable
before the solver is.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Callable
from typing import Protocol

SIGNALS = (signal.SIGTERM, signal.SIGINT)
POLL_SECONDS = 0.1


class Stoppable(Protocol):
    def stop(self) -> None: ...


class SignalStop:
    """Turn SIGTERM/SIGINT into ``control.stop()`` for the block's span.

    ``control`` may be set (or replaced) after entering, e.g. once the
    solver module has been imported. ``on_signal`` is called once, from
    the watcher thread, with the first signal's number.
    """

    def __init__(self, control: Stoppable | None = None,
                 on_signal: Callable[[int], None] | None = None) -> None:
        self.control = control
        self.on_signal = on_signal
        self.signum: int | None = None
        self.count = 0
        self.active = False
        self._done = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._pipe: tuple[int, int] | None = None
        self._old_wakeup = -1
        self._old_handlers: dict[int, object] = {}
        self._old_mask: set[int] = set()

    @property
    def interrupted(self) -> bool:
        return self.signum is not None

    @property
    def signal_name(self) -> str:
        return "" if self.signum is None else signal.Signals(self.signum).name

    def __enter__(self) -> SignalStop:
        if threading.current_thread() is not threading.main_thread():
            return self  # signals are a main-thread matter; stay inert
        self._old_mask = signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)
        for sig in SIGNALS:
            self._old_handlers[sig] = signal.getsignal(sig)
            signal.signal(sig, _ignore)
        read, write = os.pipe()
        os.set_blocking(read, False)
        os.set_blocking(write, False)
        self._pipe = (read, write)
        self._old_wakeup = signal.set_wakeup_fd(write,
                                                warn_on_full_buffer=False)
        self.active = True
        self._thread = threading.Thread(target=self._watch,
                                        name="signal-stop", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if not self.active:
            return
        self._done.set()
        assert self._thread is not None and self._pipe is not None
        self._thread.join()
        # A signal that came after the watcher's last look is still a
        # request to stop; the run is over, so just note it.
        with contextlib.suppress(OSError):
            while (info := signal.sigtimedwait(SIGNALS, 0)) is not None:
                self._received(info.si_signo, final=True)
        signal.set_wakeup_fd(self._old_wakeup)
        for fd in self._pipe:
            os.close(fd)
        # CP-SAT resets SIGINT to the C default after a solve that caught
        # it; putting the old Python handlers back also repairs that.
        for sig, handler in self._old_handlers.items():
            signal.signal(sig, handler)  # type: ignore[arg-type]
        signal.pthread_sigmask(signal.SIG_SETMASK, self._old_mask)
        self.active = False

    def _watch(self) -> None:
        assert self._pipe is not None
        read = self._pipe[0]
        while not self._done.is_set():
            try:
                info = signal.sigtimedwait(SIGNALS, POLL_SECONDS)
            except InterruptedError:  # pragma: no cover - retried
                info = None
            if info is not None:
                self._received(info.si_signo)
            with contextlib.suppress(BlockingIOError, OSError):
                for byte in os.read(read, 64):
                    if byte in SIGNALS:
                        self._received(byte)
            if self.signum is not None and self.control is not None:
                self.control.stop()

    def _received(self, signum: int, final: bool = False) -> None:
        with self._lock:
            self.count += 1
            first = self.count == 1
            if first:
                self.signum = signum
        if first:
            if self.control is not None and not final:
                self.control.stop()
            if self.on_signal is not None:
                self.on_signal(signum)
        elif not final:
            # The second request: the user or the service manager insists.
            os._exit(128 + signum)


def _ignore(signum: int, frame: object) -> None:
    """Python-level handler: the wakeup fd already told the watcher."""
