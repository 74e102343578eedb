"""One writer per archive: an OS lock on ARCHIVE/.lock for whatever writes it, ARCHIVE/.schedule.lock for a scheduler.

The locks are `flock`s, which the kernel drops when the last descriptor of the locked file is closed: a holder that
is killed, however hard, never leaves a stale lock, and a child given the descriptor holds the lock as long as it
lives. The lock file keeps who took it (pid, command line, time) for the message a second writer gets; it is never
deleted (deleting a lock file lets two processes hold "the" lock at once). Readers take no lock.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import shlex
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Self

ARCHIVE_LOCK = ".lock"
SCHEDULE_LOCK = ".schedule.lock"


class Locked(Exception):
    """Another process holds the lock; the message names it."""

    def __init__(self, path: Path, holder: dict):
        self.path, self.holder = path, holder
        who = f"pid {holder['pid']}" if holder.get("pid") else "another process"
        command = " ".join(str(holder.get("command", "")).split())  # one line, whatever the command line held
        if command:
            who += f" ({command[:200]}{'…' if len(command) > 200 else ''})"
        if holder.get("started"):
            who += f", since {holder['started']},"
        super().__init__(f"{path.parent} is in use: {who} holds {path}. One {_role(path)} at a time: wait for it "
                         "to end, or stop it.")


class Lock:
    """A non-blocking exclusive lock on one file, taken with acquire() or `with`, released by release() or exit."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._fd: int | None = None

    def acquire(self, wait: float = 0) -> Self:
        """Take the lock, trying for up to `wait` seconds; Locked if another process holds it.

        OSError if the lock file cannot be made (a read-only or missing directory).
        """
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    os.close(fd)
                    raise
                if time.monotonic() >= deadline:
                    holder = _holder(fd)
                    os.close(fd)
                    raise Locked(self.path, holder) from None
                time.sleep(0.05)
        self._fd = fd
        note = json.dumps({"pid": os.getpid(), "command": shlex.join(sys.orig_argv),
                           "started": datetime.now().astimezone().isoformat(timespec="seconds")})
        os.ftruncate(fd, 0)
        os.pwrite(fd, note.encode() + b"\n", 0)
        return self

    def fileno(self) -> int:
        """The locked descriptor, to pass to a child that is to hold the lock with us (it closes its copy on exit)."""
        if self._fd is None:
            raise ValueError(f"{self.path} is not locked")
        return self._fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # drops the lock, unless a child still holds a copy of the descriptor
            self._fd = None

    def __enter__(self) -> Self:
        return self if self._fd is not None else self.acquire()  # `with lock.acquire(wait=...)` takes it once

    def __exit__(self, *exc_info: object) -> None:
        self.release()


def archive_lock(directory: Path) -> Lock:
    """The lock of whatever writes the archive in `directory`: a crawl, a rebuild into it."""
    return Lock(Path(directory) / ARCHIVE_LOCK)


def schedule_lock(directory: Path) -> Lock:
    """The lock of the scheduler whose jobs write the archive in `directory` (each crawl still takes the archive's)."""
    return Lock(Path(directory) / SCHEDULE_LOCK)


def _holder(fd: int) -> dict:
    try:
        holder = json.loads(os.pread(fd, 65536, 0) or b"{}")
    except (OSError, ValueError):  # being written at this very moment, or not ours
        return {}
    return holder if isinstance(holder, dict) else {}


def _role(path: Path) -> str:
    return "scheduler" if path.name == SCHEDULE_LOCK else "writer"
