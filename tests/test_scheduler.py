"""The scheduler: real child processes, real APScheduler, intervals of a second."""

from __future__ import annotations

import json
import logging
import os
import re
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from apscheduler.schedulers.blocking import BlockingScheduler

from archive.schedule.config import (Job, load_schedule)
from archive.db.store import Archive
from archive.operations.lock import Locked, archive_lock, schedule_lock
from archive.schedule.runner import Scheduler, SerialExecutor, fail_running_runs
from test_schedule import write_schedule

ROOT = Path(__file__).parent.parent
VN = ZoneInfo("Asia/Ho_Chi_Minh")
# A job's stand-in: notes "start NAME TIME" and "end NAME TIME" in LOG around a sleep, which a SIGINT or SIGTERM cuts
# short (noted as "signal-SIGTERM NAME TIME") the way a crawl stops cleanly: a moment to finish, then exit 0.
CHILD = r"""
import signal, sys, time
log, seconds, name = sys.argv[1], float(sys.argv[2]), sys.argv[3]
def note(what):
    with open(log, "a") as f:
        f.write(f"{what} {name} {time.time():.6f}\n")
got = []
def stop(signum, frame):
    got.append(signum)
    note("signal-" + signal.Signals(signum).name)
signal.signal(signal.SIGTERM, stop)
signal.signal(signal.SIGINT, stop)
note("start")
deadline = time.time() + seconds
while time.time() < deadline and not got:
    time.sleep(0.02)
if got:
    time.sleep(0.3)
note("end")
"""
# Kills itself on its first run (MARKER absent), as the OOM killer or a `kill -9` would; then behaves.
KILLED_ONCE = r"""
import os, pathlib, signal, sys, time
log, marker, name = sys.argv[1], pathlib.Path(sys.argv[2]), sys.argv[3]
with open(log, "a") as f:
    f.write(f"start {name} {time.time():.6f}\n")
if not marker.exists():
    marker.touch()
    os.kill(os.getpid(), signal.SIGKILL)
with open(log, "a") as f:
    f.write(f"end {name} {time.time():.6f}\n")
"""
# `portal-archive schedule` in miniature: the real Scheduler in a process of its own, jobs run as CHILD.
SCHEDULER = r"""
import json, logging, sys
from archive.schedule.config import load_schedule
from archive.schedule.runner import Scheduler, SerialExecutor
logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(created).6f %(name)s %(message)s")
command = json.loads(sys.argv[2])
Scheduler(load_schedule(sys.argv[1]), command=lambda job: command + [job.name]).start()
print("start() returned", flush=True)
"""


def child(log: Path, seconds: float) -> list[str]:
    return [sys.executable, "-c", CHILD, str(log), str(seconds)]


def events(log: Path) -> list[tuple[str, str, float]]:
    """(what, job, time) of every line the children wrote, in time order."""
    if not log.exists():
        return []
    rows = [line.split() for line in log.read_text().splitlines()]
    return sorted(((what, job, float(at)) for what, job, at in rows), key=lambda row: row[2])


def runs(log: Path, job: str | None = None) -> list[tuple[float, float | None]]:
    """(start, end or None) of each run, in order."""
    out: dict[str, list[list]] = {}
    for what, name, at in events(log):
        if what == "start":
            out.setdefault(name, []).append([at, None])
        elif what == "end":
            out[name][-1][1] = at
    if job is not None:
        return [tuple(run) for run in out.get(job, [])]
    return sorted(tuple(run) for job_runs in out.values() for run in job_runs)


def run_for(scheduler: Scheduler, seconds: float) -> float:
    """start() in this (the main) thread, stop() from a timer; returns how long start() took."""
    timer = threading.Timer(seconds, scheduler.stop)
    timer.start()
    began = time.monotonic()
    try:
        scheduler.start()
    finally:
        timer.cancel()
    return time.monotonic() - began


# The scheduler


def test_runs_never_overlap_and_a_job_due_meanwhile_is_queued(tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="archive.schedule.runner")
    schedule = load_schedule(write_schedule(tmp_path, {"a": "every: 1s", "b": "every: 1s"}))
    log = tmp_path / "runs.log"
    took = run_for(Scheduler(schedule, command=lambda job: child(log, 1.5) + [job.name]), 6)

    done = runs(log)
    assert len(done) >= 3 and {name for _, name, _ in events(log)} == {"a", "b"}
    assert all(end is not None for _, end in done), "stop() waits for the run in progress"
    for (_, previous_end), (start, _) in zip(done, done[1:]):
        assert start >= previous_end, f"a run started at {start} before the previous one ended at {previous_end}"
    assert "queued behind the run in progress" in caplog.text
    assert took < 6 + 1.5 + 1  # stopped once the run in progress ended; the queued one was not started


def test_a_killed_run_is_recorded_as_failed_and_the_next_run_proceeds(tmp_path):
    archive_dir = tmp_path / "archive"
    with Archive(archive_dir) as archive:
        killed_run = archive.start_run(job="victim")
        other_run = archive.start_run(job="bystander")
    schedule = load_schedule(write_schedule(tmp_path, {"victim": "every: 1s"}))
    assert schedule.archive == archive_dir
    log, marker = tmp_path / "runs.log", tmp_path / "killed-once"
    results: list[int] = []

    def on_run(job: Job, returncode: int, started: float, ended: float) -> None:
        assert started <= ended
        results.append(returncode)
        if len(results) == 2:
            scheduler.stop()

    scheduler = Scheduler(schedule, command=lambda job: [sys.executable, "-c", KILLED_ONCE, str(log), str(marker),
                                                         job.name], on_run=on_run)
    run_for(scheduler, 15)

    assert results == [-signal.SIGKILL, 0]
    assert [end is None for _, end in runs(log, "victim")] == [True, False]
    with Archive(archive_dir) as archive:
        killed = archive.db.table("crawl_runs").get(killed_run)
        assert killed["status"] == "failed" and killed["finished_at"]
        assert json.loads(killed["stats"])["finish_reason"] == "killed by SIGKILL"
        assert archive.db.table("crawl_runs").get(other_run)["status"] == "running"  # another job's run: not ours


def test_a_killed_run_is_not_marked_while_another_crawl_holds_the_archive(tmp_path, caplog, monkeypatch):
    """The runs left running may then be that crawl's own: it finishes them itself."""
    monkeypatch.setattr("archive.schedule.runner.RELEASE_WAIT", 0.5)
    archive_dir = tmp_path / "archive"
    with Archive(archive_dir) as archive:
        running = archive.start_run(job="victim")
    schedule = load_schedule(write_schedule(tmp_path, {"victim": "every: 1h"}))
    killed = [sys.executable, "-c", "import os, signal; os.kill(os.getpid(), signal.SIGKILL)"]
    with archive_lock(archive_dir), caplog.at_level(logging.INFO):
        assert Scheduler(schedule, command=lambda job: killed).run_job(schedule.jobs["victim"]) == -signal.SIGKILL
        with pytest.raises(Locked):
            fail_running_runs(archive_dir, "victim", "killed by SIGKILL", wait=0.2)
    assert "its runs left marked running were not marked failed" in caplog.text
    with Archive(archive_dir) as archive:
        assert archive.db.table("crawl_runs").get(running)["status"] == "running"
    assert fail_running_runs(archive_dir, "victim", "killed by SIGKILL") == 1


def test_a_scheduler_holds_its_lock_while_it_runs(tmp_path):
    schedule = load_schedule(write_schedule(tmp_path, {"often": "every: 1h"}))
    command = lambda job: [sys.executable, "-c", "pass"]  # noqa: E731
    schedule.archive.mkdir()
    refused: list[Exception] = []

    def second() -> None:
        try:
            Scheduler(schedule, command=command).start()
        except Locked as exc:
            refused.append(exc)

    with schedule_lock(schedule.archive):
        thread = threading.Thread(target=second)
        thread.start()
        thread.join(10)
    assert not thread.is_alive() and refused, "a second scheduler ran"
    assert "One scheduler at a time" in str(refused[0])
    scheduler = Scheduler(schedule, command=command)
    thread = threading.Thread(target=scheduler.start)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not (scheduler._scheduler and scheduler._scheduler.running):
            assert time.monotonic() < deadline, "the scheduler never started"
            time.sleep(0.05)
        with pytest.raises(Locked, match=f"pid {os.getpid()}"):
            schedule_lock(schedule.archive).acquire()
    finally:
        scheduler.stop()
        thread.join(10)
    schedule_lock(schedule.archive).acquire().release()  # let go when it stopped


def test_run_job_runs_one_job_and_returns_its_exit_code(tmp_path):
    schedule = load_schedule(write_schedule(tmp_path, {"once": "every: 1h"}))
    scheduler = Scheduler(schedule, command=lambda job: [sys.executable, "-c", "import sys; sys.exit(3)"])
    assert scheduler.run_job(schedule.jobs["once"]) == 3
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL  # its signal forwarding is undone


def test_a_job_due_many_times_during_a_long_run_runs_once_after_it(tmp_path, caplog):
    """Coalescing: three fires of `quick` while `long` runs give one run of `quick`, right after, not three.

    misfire_grace_time=1 is shorter than the wait: waiting behind another run is not a misfire.
    """
    caplog.set_level(logging.INFO)
    schedule = load_schedule(write_schedule(tmp_path, {"long": "every: 1s", "quick": "every: 1s"}))
    log = tmp_path / "runs.log"
    long_runs = []

    def command(job: Job) -> list[str]:
        if job.name == "long":
            long_runs.append(job)
            return child(log, 3.5 if len(long_runs) == 1 else 0.1) + [job.name]
        return child(log, 0.1) + [job.name]

    run_for(Scheduler(schedule, command=command, misfire_grace_time=1), 6.5)

    long_start, long_end = runs(log, "long")[0]
    assert not [start for start, _ in runs(log, "quick") if long_start < start < long_end]
    # APScheduler logs each execution as it begins, with the time it was due: the runs of quick that were due
    # before the long run ended and ran after it are its catching up.
    executed = [(record.args[0].id, record.args[1].timestamp(), record.created) for record in caplog.records
                if record.msg.startswith("Running job")]
    catching_up = [due for name, due, began in executed if name == "quick" and due < long_end <= began]
    assert len(catching_up) == 1, f"quick came due 3 or 4 times during the long run, and ran {len(catching_up)} times"
    assert "maximum number of running instances reached" in caplog.text  # its later fires were folded into it


def test_a_run_noticed_later_than_the_grace_time_is_skipped(caplog):
    """The misfire check is made when a run comes due (SerialExecutor.submit_job), not when the worker gets to it."""
    ran: list[str] = []
    executor = SerialExecutor(misfire_grace_time=60)
    executor.start(BlockingScheduler(), "default")
    now = datetime.now(timezone.utc)
    for name, due in (("late", now - timedelta(minutes=5)), ("in-time", now - timedelta(seconds=30))):
        job = SimpleNamespace(id=name, next_run_time=due, max_instances=1, misfire_grace_time=None, func=ran.append,
                              args=[name], kwargs={}, _jobstore_alias="default")
        executor.submit_job(job, [due])
    executor.shutdown(wait=True)
    assert ran == ["in-time"]
    assert "late: its run due at" in caplog.text and "was missed by 0:05:00" in caplog.text


def test_run_job_forwards_a_stop_signal_once(tmp_path):
    """`portal-archive run JOB`: run_job in a process's main thread, which gets SIGTERM while its job runs."""
    log = tmp_path / "runs.log"
    script = ("import json, sys\nfrom archive.schedule.config import load_schedule\nfrom archive.schedule.runner import Scheduler\n"
              "schedule = load_schedule(sys.argv[1])\ncommand = json.loads(sys.argv[2])\n"
              "print(Scheduler(schedule, command=lambda job: command + [job.name]).run_job(schedule.jobs['once']))\n")
    process = subprocess.Popen(
        [sys.executable, "-c", script, str(write_schedule(tmp_path, {"once": "every: 1h"})),
         json.dumps(child(log, 10))],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    try:
        wait_for(lambda: runs(log, "once"))
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == 0 and out.strip() == "0", err
    assert [what for what, _, _ in events(log)] == ["start", "signal-SIGTERM", "end"]


def run_scheduler(tmp_path: Path, jobs: dict[str, str], seconds: float) -> tuple[subprocess.Popen, Path]:
    log = tmp_path / "runs.log"
    process = subprocess.Popen(
        [sys.executable, "-c", SCHEDULER, str(write_schedule(tmp_path, jobs)), json.dumps(child(log, seconds))],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT)))
    return process, log


def wait_for(condition, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_a_scheduler_that_was_asleep_runs_a_missed_job_once(tmp_path):
    """SIGSTOP holds the scheduler as a machine's sleep would: its job comes due three times meanwhile."""
    process, log = run_scheduler(tmp_path, {"tick": "every: 1s"}, 0.05)
    try:
        wait_for(lambda: len(runs(log, "tick")) >= 2 and runs(log, "tick")[-1][1] is not None)
        process.send_signal(signal.SIGSTOP)
        stopped = time.time()
        time.sleep(3.5)
        resumed = time.time()
        process.send_signal(signal.SIGCONT)
        time.sleep(2)
        terminated = time.time()
        process.send_signal(signal.SIGTERM)  # idle, between runs: stops at once
        out, err = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == 0 and "start() returned" in out, err
    assert re.search(r"tick: due since \S+ \(the scheduler was held up, or the machine slept\): one run", err), err
    starts = [start for start, _ in runs(log, "tick")]
    assert not [start for start in starts if stopped < start < resumed]
    # The three or four times missed make one run, at once; then the ticks go on. Had each missed time run,
    # the two seconds after waking would hold five or more runs; coalesced, they hold at most three (the catch-up
    # and two regular ticks), whatever the sub-second phase of the ticks.
    after = [start for start in starts if resumed < start < terminated]
    assert 1 <= len(after) <= 3, (after, err)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_stop_signal_reaches_the_running_job_once_and_the_scheduler_exits_when_it_ends(tmp_path, signum):
    process, log = run_scheduler(tmp_path, {"crawl": "every: 1s"}, 10)
    try:
        wait_for(lambda: runs(log, "crawl"))
        process.send_signal(signum)  # to the scheduler alone: the job is in a process group of its own
        out, err = process.communicate(timeout=30)
    finally:
        process.kill()
    name = signal.Signals(signum).name
    assert process.returncode == 0 and "start() returned" in out, err
    assert [what for what, _, _ in events(log)] == ["start", f"signal-{name}", "end"]
    assert f"{name} received: stopping" in err and "scheduler stopped" in err


# schedule.yaml
