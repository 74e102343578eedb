"""The commands that run the schedule: `schedule` (the scheduler) and `run` (one job, now)."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from archive.operations.child import BUSY, USAGE, exit_status
from cli.options import Failure, load_schedule, schedule_option


def _log_to_stderr() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


@click.command("schedule")
@schedule_option
def schedule_command(schedule_path: Path) -> None:
    """Run the schedule's jobs at their times, one at a time, until Ctrl-C or SIGTERM (see docs/schedule.md).

    One scheduler at a time per archive: a second one exits at once (status 75), naming the first.
    """
    from archive.operations.lock import Locked
    from archive.schedule.config import ScheduleError
    from archive.schedule.runner import Scheduler

    schedule = load_schedule(schedule_path)
    _log_to_stderr()
    try:
        Scheduler(schedule).start()
    except ScheduleError as exc:  # every job disabled
        raise Failure(str(exc)) from None
    except Locked as exc:
        raise Failure(str(exc), BUSY) from None


@click.command()
@schedule_option
@click.argument("job")
def run(schedule_path: Path, job: str) -> None:
    """Run one JOB of the schedule now, once (for cron or a systemd timer); exits with the crawl's status."""
    from archive.schedule.runner import Scheduler

    schedule = load_schedule(schedule_path)
    if job not in schedule.jobs:
        raise Failure(f"no job {job!r} in {schedule_path} (jobs: {', '.join(schedule.jobs)})", USAGE)
    _log_to_stderr()
    sys.exit(exit_status(Scheduler(schedule).run_job(schedule.jobs[job])))
