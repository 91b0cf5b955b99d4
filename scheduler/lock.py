"""One run per centre: an exclusive, non-blocking ``flock`` on a file.

The lock lives beside the history store (``<db>.<centre>.lock``) or, when
there is none, in the output folder (``.<centre>.lock``). The kernel drops
an ``flock`` when its process dies, even by ``kill -9``, so a crashed run
never leaves a stale lock behind. A second run on the same centre fails at
once with ``LockedError`` (exit code 5), naming the holder.

The file holds the holder's pid, host and start time (for the message
only; the lock itself is the ``flock``). A lock file the store does not
own (``remove=True``) is deleted on release, so a failed run leaves its
output folder as it found it; the inode is re-checked after locking, so
deleting it cannot let two runs in at once.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import socket
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from .errors import SchedulerError


class LockedError(SchedulerError):
    """Another run on the same centre holds the lock."""

    exit_code = 5


def lock_path(center: str, db: Path | None, out: Path) -> Path:
    name = safe_name(center)
    if db is not None:
        return db.with_name(f"{db.name}.{name}.lock")
    return out / f".{name}.lock"


def safe_name(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in name) \
        or "centre"


@contextlib.contextmanager
def center_lock(path: Path, center: str,
                remove: bool = False) -> Iterator[Path]:
    """Hold the centre's lock for the block, or raise ``LockedError``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_holder(fd)
            os.close(fd)
            raise LockedError(
                f"another run on centre {center!r} is in progress "
                f"({holder}); lock file {path}. Not starting a second "
                "one.") from None
        except BaseException:
            os.close(fd)
            raise
        # The holder we raced with may have deleted the file between our
        # open and our lock: then we hold a lock nobody else can see.
        try:
            same = os.fstat(fd).st_ino == os.stat(path).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)
    try:
        os.ftruncate(fd, 0)
        since = datetime.now().astimezone().isoformat("T", "seconds")
        os.write(fd, f"pid {os.getpid()} on {socket.gethostname()} since "
                     f"{since}\n".encode())
        yield path
    finally:
        if remove:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
        os.close(fd)  # closing releases the flock


def _read_holder(fd: int) -> str:
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        text = os.read(fd, 200).decode(errors="replace").strip()
    except OSError:
        text = ""
    return text or "holder unknown"
