"""Runs a schedule's jobs with APScheduler, one at a time, each as a child process (`portal-archive crawl`)."""

from __future__ import annotations

import logging
import shlex
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from functools import partial
from pathlib import Path
from types import FrameType
from zoneinfo import ZoneInfo

from apscheduler.events import EVENT_SCHEDULER_STARTED, SchedulerEvent
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers import SchedulerNotRunningError
from apscheduler.schedulers.blocking import BlockingScheduler

from archive.db.store import Archive
from archive.operations.child import BUSY, STOP_SIGNALS, ending, signal_name
from archive.operations.lock import Locked, archive_lock, schedule_lock
from archive.schedule.config import Job, Schedule, ScheduleError, crawl_command, job_trigger
from archive.text import nfc

log = logging.getLogger(__name__)
# How long a killed crawl's Scrapy process may take to die (and drop the archive's lock) before its runs are marked.
RELEASE_WAIT = 10.0
# The scheduler's timed wait runs on the monotonic clock, which stands still while the machine sleeps: without a
# regular look at the wall clock a job due during a night's sleep would run hours after the machine woke
# (apscheduler issue #794).
WAKE_EVERY = 60.0


class SerialExecutor(ThreadPoolExecutor):
    """One worker thread, so that runs never overlap; a run's lateness is judged when it comes due, not when it starts.

    APScheduler judges a misfire when the worker gets to the run, so a job queued behind a long crawl would be
    dropped as missed. Here a run is dropped only if the scheduler itself noticed it late (the machine slept);
    a run that comes due while another runs waits for the worker.
    """

    def __init__(self, misfire_grace_time: int | None):
        super().__init__(max_workers=1)
        self.misfire_grace_time = misfire_grace_time

    def submit_job(self, job, run_times: list[datetime]) -> None:
        late = datetime.now(timezone.utc) - run_times[-1]
        if self.misfire_grace_time is not None and late > timedelta(seconds=self.misfire_grace_time):
            log.warning("%s: its run due at %s was missed by %s (the machine slept, or the scheduler was held up): "
                        "skipped until its next run", job.id, run_times[-1].isoformat(timespec="seconds"),
                        _elapsed(late.total_seconds()))
            return
        if job.next_run_time is not None and job.next_run_time < run_times[-1]:  # coalesced: several times missed
            log.info("%s: due since %s (the scheduler was held up, or the machine slept): one run for all the "
                     "times missed", job.id, job.next_run_time.isoformat(timespec="seconds"))
        with self._lock:
            busy = sum(self._instances.values())
        super().submit_job(job, run_times)  # MaxInstancesReachedError while this job is already queued or running
        if busy:
            log.info("%s: due at %s, queued behind the run in progress", job.id,
                     run_times[-1].isoformat(timespec="seconds"))


class Scheduler:
    """Runs the enabled jobs of a schedule at their times, one at a time, until SIGINT or SIGTERM."""

    def __init__(self, schedule: Schedule, command: Callable[[Job], list[str]] | None = None,
                 misfire_grace_time: int = 3600, on_run: Callable[[Job, int, float, float], None] | None = None):
        self.schedule = schedule
        self.command = command or partial(crawl_command, schedule)
        self.misfire_grace_time = misfire_grace_time
        self.on_run = on_run
        # Taken to start a child and to signal it, so that a stop signal reaches every child it should, once.
        self._lock = threading.RLock()
        self._child: subprocess.Popen | None = None
        self._stopping = threading.Event()
        self._scheduler: BlockingScheduler | None = None

    def run_job(self, job: Job) -> int:
        """Run one job's command as a child process in a process group of its own, and return its exit code.

        Called from the main thread, it forwards the SIGINT and SIGTERM received meanwhile to the child, once each
        (the crawl stops resumably on the first, at once on the second). A child killed by a signal leaves its runs
        marked running: they are marked failed.
        """
        returncode = self._run(job, scheduled=False)
        assert returncode is not None
        return returncode

    def start(self) -> None:
        """Schedule the enabled jobs and run them, in the foreground, until SIGINT or SIGTERM (or stop()).

        On the signal the running job gets it too, and start() returns once that job has ended; a job queued
        behind it does not start. A Scheduler starts once. It holds ARCHIVE/.schedule.lock meanwhile: Locked if
        another scheduler holds it, OSError if it cannot be made.
        """
        jobs = [job for job in self.schedule.jobs.values() if job.enabled]
        if not jobs:
            raise ScheduleError(f"{self.schedule.path}: every job is disabled: nothing to schedule")
        self.schedule.archive.mkdir(parents=True, exist_ok=True)
        with schedule_lock(self.schedule.archive):
            self._run_schedule(jobs)

    def _run_schedule(self, jobs: list[Job]) -> None:
        zone = ZoneInfo(self.schedule.timezone)
        executor = SerialExecutor(self.misfire_grace_time)
        # misfire_grace_time is the executor's business (see SerialExecutor); None stops APScheduler's own check.
        scheduler = BlockingScheduler(timezone=zone, jobstores={"default": MemoryJobStore()},
                                      executors={"default": executor},
                                      job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None})
        now = datetime.now(zone)
        for job in jobs:
            scheduler.add_job(self._scheduled, job_trigger(job, zone, now), args=[job], id=job.name, name=job.name)
        scheduler.add_listener(self._started, EVENT_SCHEDULER_STARTED)
        self._scheduler = scheduler
        handlers = self._handle(self._on_signal)
        try:
            scheduler.start()  # returns once shut down
            executor.shutdown(wait=True)  # the run in progress ends; those queued behind it are not started
        finally:
            self._stopping.set()  # ends the wake-up thread
            self._restore(handlers)
        log.info("scheduler stopped")

    def stop(self) -> None:
        """Stop scheduling, from another thread; start() returns once the run in progress has ended."""
        self._stopping.set()
        self._shutdown()

    # Inside

    def _started(self, event: SchedulerEvent) -> None:
        if self._stopping.is_set():  # stop() came before the scheduler was running
            self._shutdown()
            return
        assert self._scheduler is not None
        for job in self._scheduler.get_jobs():
            log.info("%s (%s, covers %s): next run at %s", job.id, job.args[0].describe(), job.args[0].covers,
                     job.next_run_time.isoformat(timespec="seconds"))
        threading.Thread(target=self._wake, args=[self._scheduler], name="scheduler-wake", daemon=True).start()

    def _wake(self, scheduler: BlockingScheduler) -> None:
        while not self._stopping.wait(WAKE_EVERY):
            scheduler.wakeup()

    def _scheduled(self, job: Job) -> None:
        """What APScheduler runs, in the worker thread."""
        try:
            self._run(job, scheduled=True)
        except Exception:  # a job that cannot start, or an on_run that fails, must not stop the schedule
            log.exception("%s: the run failed", job.name)

    def _run(self, job: Job, scheduled: bool) -> int | None:
        command = self.command(job)
        with self._lock:
            if scheduled and self._stopping.is_set():
                log.info("%s: not started: the scheduler is stopping", job.name)
                return None
            started = time.time()
            child = subprocess.Popen(command, start_new_session=True)
            self._child = child
        log.info("%s: started (pid %d): %s", job.name, child.pid, shlex.join(command))
        handlers = {} if scheduled else self._handle(self._forward)
        try:
            returncode = child.wait()
        finally:
            self._restore(handlers)
            with self._lock:
                self._child = None
        ended = time.time()
        self._report(job, returncode, ended - started)
        if self.on_run:
            self.on_run(job, returncode, started, ended)
        return returncode

    def _report(self, job: Job, returncode: int, seconds: float) -> None:
        if returncode == 0:
            log.info("%s: finished in %s", job.name, _elapsed(seconds))
        elif returncode == BUSY:
            log.warning("%s: not run: another process was writing the archive (exit code %d)", job.name, returncode)
        elif returncode > 0:
            log.warning("%s: %s after %s", job.name, ending(returncode), _elapsed(seconds))
        else:
            reason = ending(returncode)
            try:
                failed = fail_running_runs(self.schedule.archive, job.name, reason)
            except Locked as exc:  # another crawl took the archive meanwhile: the runs may be its own
                log.warning("%s: its runs left marked running were not marked failed: %s", job.name, exc)
                failed = 0
            except Exception:  # the archive may be locked or broken: the schedule goes on regardless
                log.exception("%s: could not mark its runs failed in %s", job.name, self.schedule.archive)
                failed = 0
            log.warning("%s: %s after %s; %d run(s) it left marked running now marked failed", job.name, reason,
                        _elapsed(seconds), failed)

    # Signals and shutdown

    def _handle(self, handler: Callable[[int, FrameType | None], None]) -> dict:
        """Install a handler for SIGINT and SIGTERM (only the main thread can); returns the previous handlers."""
        if threading.current_thread() is not threading.main_thread():
            return {}
        return {sig: signal.signal(sig, handler) for sig in STOP_SIGNALS}

    @staticmethod
    def _restore(handlers: dict) -> None:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)

    def _forward(self, signum: int, frame: FrameType | None = None) -> None:
        with self._lock:
            child = self._child
            if child is not None and child.poll() is None:
                log.info("forwarding %s to the running job (pid %d)", signal_name(signum), child.pid)
                child.send_signal(signum)

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        with self._lock:  # no child starts between the flag and the forward
            first = not self._stopping.is_set()
            self._stopping.set()
            self._forward(signum)
        if first:
            log.info("%s received: stopping once the run in progress has ended", signal_name(signum))
            # Not from the handler itself: it may have interrupted the scheduler's loop, which holds its locks.
            threading.Thread(target=self._shutdown, name="scheduler-stop").start()

    def _shutdown(self) -> None:
        scheduler = self._scheduler
        if scheduler is not None and scheduler.running:
            try:
                scheduler.shutdown(wait=False)
            except SchedulerNotRunningError:
                pass


def fail_running_runs(directory: Path, job: str, reason: str, wait: float | None = None) -> int:
    """Mark the runs of `job` still marked running in the archive as failed, with `reason`; returns how many.

    For a crawl that was killed: nothing else will ever finish those runs. Done holding the archive's lock, once the
    killed crawl's processes have let go of it; if another crawl holds it after `wait` seconds (RELEASE_WAIT), its
    runs may be that crawl's own, and nothing is marked (Locked).
    """
    if not (directory / "archive.db").exists():
        return 0
    with archive_lock(directory).acquire(wait=RELEASE_WAIT if wait is None else wait), Archive(directory) as archive:
        ids = [row[0] for row in archive.db.execute(
            "select id from crawl_runs where job = ? and status = 'running'", [nfc(job)])]
        for run_id in ids:
            archive.finish_run(run_id, "failed", {"finish_reason": reason})
    return len(ids)


def _elapsed(seconds: float) -> str:
    return f"{seconds:.1f}s" if seconds < 60 else str(timedelta(seconds=round(seconds)))
