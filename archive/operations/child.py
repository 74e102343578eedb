"""A child process run in the foreground: stop signals forwarded to it once, its end told as a shell tells it.

The one place that names signals and exit statuses, for `portal-archive crawl`, `run` and the scheduler.
"""

from __future__ import annotations

import signal
import subprocess
from collections.abc import Sequence

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)

# The exit statuses of `portal-archive` (docs/cli.md).
OK = 0
FAILED = 1  # the crawl did not complete; a check found problems; the archive cannot be read
USAGE = 2  # a bad option or argument (click's own status for them): nothing was touched
BUSY = 75  # EX_TEMPFAIL (sysexits.h): another process writes the archive; nothing was touched, try again later


def signal_name(signum: int) -> str:
    try:
        return signal.Signals(signum).name
    except ValueError:
        return f"signal {signum}"


def exit_status(returncode: int) -> int:
    """A child's exit status as a shell gives it: its own, or 128 + N when signal N killed it."""
    return 128 - returncode if returncode < 0 else returncode


def ending(returncode: int) -> str:
    """How a child ended, for people: "exited with code 1", "killed by SIGKILL"."""
    return f"killed by {signal_name(-returncode)}" if returncode < 0 else f"exited with code {returncode}"


def run_child(command: Sequence[str], env: dict[str, str] | None = None, pass_fds: Sequence[int] = ()) -> int:
    """Run `command` and wait for it; returns its returncode (-N if signal N killed it).

    The child has a process group of its own, so that a Ctrl-C or SIGTERM reaches it exactly once, forwarded from
    here: Scrapy stops cleanly on the first (saving its queue) and at once on the second. `pass_fds` stay open in the
    child (the archive lock, which the child then holds as long as it lives).
    """
    child = subprocess.Popen(list(command), env=env, start_new_session=True, pass_fds=tuple(pass_fds))

    def forward(signum, frame) -> None:
        if child.poll() is None:
            child.send_signal(signum)

    previous = {sig: signal.signal(sig, forward) for sig in STOP_SIGNALS}
    try:
        return child.wait()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)

