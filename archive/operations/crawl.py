"""A crawl of the portal as one call: lock the archive, decide what a resume goes on from, run Scrapy, index, report.

Scrapy runs in a child process, `python -m scrapy crawl portal -s KEY=VALUE ...`, never in this one: archive/ knows
nothing of Scrapy but its command line. `portal-archive crawl` is this call and a few prints.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from archive.db.reader import NoArchive, open_read_only
from archive.operations.child import BUSY, FAILED, OK, USAGE, exit_status, run_child, signal_name
from archive.operations.lock import Lock, Locked, archive_lock
from archive.operations.state import UnsafeDeletion, job_name_problem, remove, state_dir
from archive.operations.summary import NO_RUN, last_run, summary
from archive.warc.cdxj import cdxj_index

PROFILES = ("polite", "fast")
SCRAPY_SETTINGS_MODULE = "crawler.settings"
# Settings made from the request itself: given by hand, they would put the crawl's writing, or the state a new
# crawl deletes, where the archive's lock and the state folder's rule do not reach.
RESERVED = {"PORTAL_ARCHIVE_DIR": "--archive", "PORTAL_JOB": "--job", "JOBDIR": "--archive and --job",
            "HTTPCACHE_DIR": "--archive and --job", "PORTAL_PARENT_PID": "the crawl itself"}
# Why a crawl stopped (Scrapy's finish reason, None if it recorded none), as a resume explains it.
STOPPED = {None: "was killed", "finished": "had completed, and was killed before it cleared its state",
           "disk_full": "was stopped by a full disk", "shutdown": "was stopped before it saved its queue"}


class CrawlError(Exception):
    """A crawl that cannot start: the message says why; `exit_code` is the command's exit status."""

    def __init__(self, message: str, exit_code: int = FAILED):
        super().__init__(message)
        self.exit_code = exit_code


@dataclass(frozen=True)
class CrawlRequest:
    archive_dir: Path
    job: str = "crawl"  # the run's name in crawl_runs and the name of its state, ARCHIVE/state/JOB
    profile: str = "polite"  # polite for the live portal, fast for the replica
    resume: bool = False  # go on with the job's stopped crawl
    start_urls: tuple[str, ...] = ()  # none: both hosts' home pages
    contact: str | None = None  # put in the User-Agent
    settings: Mapping[str, str] = field(default_factory=dict)  # Scrapy settings, as -s KEY=VALUE gives them


@dataclass(frozen=True)
class CrawlOutcome:
    status: str  # the run's status in crawl_runs (completed, interrupted, failed, ...), "killed" or "never started"
    exit_code: int  # 0 when completed; 128 + N when the crawler was killed by signal N; 1 otherwise
    run: dict | None  # the run's crawl_runs row; None if the crawler recorded none
    summary: str  # the report of the run, for stdout
    messages: tuple[str, ...] = ()  # what the user must be told besides, after the summary (stderr)

    @property
    def completed(self) -> bool:
        return self.exit_code == OK


def run_crawl(request: CrawlRequest, notify: Callable[[str], None] | None = None) -> CrawlOutcome:
    """Crawl into the archive, one writer at a time; returns how it went. CrawlError if it cannot start.

    `notify` is told, as they happen, what the user should know before the crawl ends (how a resume goes on).
    Nothing in the archive is touched before its lock is held; the Scrapy process holds it too, as long as it lives.
    """
    settings = crawl_settings(request)
    archive_dir = request.archive_dir
    try:
        archive_dir.mkdir(parents=True, exist_ok=True)
        lock = archive_lock(archive_dir).acquire()
    except Locked as exc:
        raise CrawlError(str(exc), BUSY) from None
    except OSError as exc:
        raise CrawlError(f"cannot write to {archive_dir}: {exc.strerror or exc}") from None
    try:
        return _crawl(request, settings, lock, notify or (lambda message: None))
    finally:
        lock.release()


def crawl_settings(request: CrawlRequest) -> dict[str, str]:
    """The Scrapy settings of a crawl (-s KEY=VALUE); CrawlError with exit status 2 for a request that is wrong."""
    problem = job_name_problem(request.job)
    if problem:
        raise CrawlError(f"--job: {problem}", USAGE)
    if request.profile not in PROFILES:
        raise CrawlError(f"--profile: {request.profile!r} is not one of {', '.join(PROFILES)}", USAGE)
    for key in request.settings:
        if key in RESERVED:
            raise CrawlError(f"--set {key}: set by the crawl from {RESERVED[key]}", USAGE)
        if not key or "=" in key:
            raise CrawlError(f"--set {key!r}: not a setting name", USAGE)
    state = state_dir(request.archive_dir, request.job)
    settings = {"PORTAL_ARCHIVE_DIR": str(request.archive_dir), "PORTAL_PROFILE": request.profile,
                "PORTAL_JOB": request.job, "JOBDIR": str(state / "jobdir"), "HTTPCACHE_ENABLED": "True",
                "HTTPCACHE_DIR": str(state / "httpcache")}
    if request.resume:
        settings["PORTAL_RESUME"] = "True"
    if request.contact:
        settings["PORTAL_ARCHIVE_CONTACT"] = request.contact
    return settings | dict(request.settings)


def scrapy_command(settings: Mapping[str, str], start_urls: tuple[str, ...] = ()) -> list[str]:
    command = [sys.executable, "-m", "scrapy", "crawl", "portal"]
    for key, value in settings.items():
        command += ["-s", f"{key}={value}"]
    if start_urls:
        command += ["-a", "start_urls=" + ",".join(start_urls)]
    # Ties the crawl to this process: crawler/extensions/lifeline.py ends it if this one dies.
    return command + ["-s", f"PORTAL_PARENT_PID={os.getpid()}"]


def _crawl(request: CrawlRequest, settings: dict[str, str], lock: Lock,
           notify: Callable[[str], None]) -> CrawlOutcome:
    archive_dir, job = request.archive_dir, request.job
    state = state_dir(archive_dir, job)
    jobdir = state / "jobdir"
    before, stopped = _last_run(archive_dir, job)
    if request.resume and not state.exists():
        raise CrawlError(f"nothing to resume: no crawl state in {state}")
    try:
        if not request.resume:
            remove(archive_dir, state)  # a new crawl starts afresh; what it archived stays
        elif not (stopped == "shutdown" and (jobdir / "requests.queue" / "active.json").exists()):
            # Only a clean stop (Ctrl-C, SIGTERM) leaves a queue to go on from: it lets the requests under way
            # finish. A killed crawl saves none, and those under way when the disk filled up failed: the queue does
            # not hold them. Discover again from the start pages, answered by the resume cache.
            notify(f"The crawl {STOPPED.get(stopped, f'stopped ({stopped})')}: discovering its pages again from the "
                   "resume cache.")
            remove(archive_dir, jobdir)
        state.mkdir(parents=True, exist_ok=True)
    except UnsafeDeletion as exc:
        raise CrawlError(str(exc), USAGE) from None
    except OSError as exc:
        raise CrawlError(f"cannot write to {archive_dir}: {exc}") from None
    returncode = run_child(scrapy_command(settings, request.start_urls),
                           dict(os.environ, SCRAPY_SETTINGS_MODULE=SCRAPY_SETTINGS_MODULE), pass_fds=[lock.fileno()])
    messages = []
    warcs = sorted((archive_dir / "warcs").glob("*.warc.gz"))
    if warcs:  # the CDXJ index of every closed file, for pywb and other replay tools
        index = archive_dir / "indexes" / "index.cdxj"
        try:
            index.parent.mkdir(exist_ok=True)
            cdxj_index(warcs, index)
        except OSError as exc:  # a full disk: the index is made again by the next crawl
            messages.append(f"The CDXJ index {index} was not updated: {exc}")
    run, report = _report(archive_dir, job, before)
    if not returncode and run is not None and run["status"] == "completed":
        try:
            remove(archive_dir, state)  # nothing left to resume
        except OSError:
            pass  # a new crawl clears it
        return CrawlOutcome("completed", OK, run, report, tuple(messages))
    status = "killed" if returncode < 0 else run["status"] if run else "never started"
    stats = json.loads(run["stats"] or "{}") if run else {}
    if stats.get("finish_reason") == "disk_full":
        free = shutil.disk_usage(archive_dir).free / 1e6
        messages.append(f"The crawl did not complete: the disk holding {archive_dir.absolute()} is full "
                        f"({stats.get('portal/disk_full', 'no space left')}; {free:.1f} MB free now). Free some "
                        "space, then `portal-archive crawl --resume` goes on where it stopped.")
    else:
        why = f"the crawler was killed by {signal_name(-returncode)}" if returncode < 0 else status
        messages.append(f"The crawl did not complete ({why}). `portal-archive crawl --resume` goes on where it "
                        "stopped.")
    return CrawlOutcome(status, exit_status(returncode) or FAILED, run, report, tuple(messages))


def _last_run(archive_dir: Path, job: str) -> tuple[int, str | None]:
    """The id of the job's latest run (0 if none) and why it ended (Scrapy's finish reason; None if unrecorded)."""
    if not (archive_dir / "archive.db").exists():
        return 0, None
    try:
        db = open_read_only(archive_dir)
    except NoArchive as exc:  # damaged: the crawl would fail on it
        raise CrawlError(str(exc)) from None
    try:
        row = db.execute("select id, stats from crawl_runs where job = ? order by id desc limit 1", [job]).fetchone()
    except sqlite3.OperationalError:
        return 0, None  # no crawl_runs table yet
    finally:
        db.close()
    if row is None:
        return 0, None
    try:
        return row[0], json.loads(row[1] or "{}").get("finish_reason")
    except ValueError:
        return row[0], None


def _report(archive_dir: Path, job: str, before: int) -> tuple[dict | None, str]:
    """The run this crawl recorded (None if it recorded none) and its summary."""
    try:
        db = open_read_only(archive_dir)
    except NoArchive:
        return None, NO_RUN  # the crawler died before it made the database
    try:
        run = last_run(db, job)
        if run is not None and run["id"] <= before:
            run = None  # the crawler died before it recorded a run: the last one is an earlier crawl's
        return run, summary(db, run)
    except sqlite3.OperationalError:  # no crawl_runs table: the crawler died while it made the database
        return None, NO_RUN
    finally:
        db.close()
