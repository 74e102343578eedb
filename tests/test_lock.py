"""One writer per archive: the archive lock, held by a crawl and its Scrapy process; the scheduler lock (issue 11)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from archive.operations.child import BUSY
from archive.operations.lock import ARCHIVE_LOCK, SCHEDULE_LOCK, Locked, archive_lock, schedule_lock
from replica.server import ReplicaServer, Settings
from test_cli import ROOT, one_line_error, portal_archive
from test_verify import archive_with_media

HOLD = """\
import sys, time
from pathlib import Path
from archive.operations.lock import Lock
lock = Lock(Path(sys.argv[1])).acquire()
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
"""


def holding(path: Path, seconds: float = 60) -> subprocess.Popen:
    """Another process that takes the lock `path` and keeps it `seconds`."""
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(path), str(seconds)], stdout=subprocess.PIPE, text=True,
                            cwd=ROOT)
    assert proc.stdout.readline() == "locked\n"
    return proc


def test_a_held_lock_is_refused_with_who_holds_it(tmp_path):
    with archive_lock(tmp_path) as lock:
        holder = json.loads((tmp_path / ARCHIVE_LOCK).read_text())
        assert holder["pid"] == os.getpid() and "pytest" in holder["command"] and holder["started"]
        with pytest.raises(Locked) as refused:
            archive_lock(tmp_path).acquire()
        assert str(refused.value).startswith(f"{tmp_path} is in use: pid {os.getpid()} (")
        assert f"holds {tmp_path / ARCHIVE_LOCK}. One writer at a time" in str(refused.value)
        assert schedule_lock(tmp_path).acquire().release() is None  # another lock altogether
        lock.release()
        archive_lock(tmp_path).acquire().release()


def test_acquire_can_wait_for_the_holder_to_let_go(tmp_path):
    lock = archive_lock(tmp_path).acquire()
    threading.Timer(0.3, lock.release).start()
    started = time.monotonic()
    archive_lock(tmp_path).acquire(wait=10).release()
    assert 0.2 < time.monotonic() - started < 5


def test_a_child_given_the_lock_holds_it_as_long_as_it_lives_and_a_killed_holder_holds_nothing(tmp_path):
    lock = archive_lock(tmp_path).acquire()
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"], pass_fds=[lock.fileno()])
    lock.release()
    with pytest.raises(Locked, match=f"pid {os.getpid()}"):  # the child holds what this process took
        archive_lock(tmp_path).acquire()
    child.kill()
    child.wait()
    archive_lock(tmp_path).acquire().release()
    proc = holding(tmp_path / ARCHIVE_LOCK)
    with pytest.raises(Locked, match=f"pid {proc.pid}"):
        archive_lock(tmp_path).acquire()
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    archive_lock(tmp_path).acquire().release()


def test_readers_are_never_blocked_by_the_lock(tmp_path):
    archive = tmp_path / "archive"
    archive_with_media(archive)
    with archive_lock(archive):
        assert portal_archive("search", "--archive", str(archive), "dang bo").returncode == 0
        assert portal_archive("verify", "--archive", str(archive)).returncode == 0
        result = portal_archive("export", "wacz", "--archive", str(archive), str(tmp_path / "a.wacz"))
        assert "is in use" not in result.stderr


def test_a_crawl_on_a_locked_archive_exits_at_once_and_touches_nothing(tmp_path):
    archive = tmp_path / "archive"
    (archive / "state" / "crawl" / "jobdir").mkdir(parents=True)
    proc = holding(archive / ARCHIVE_LOCK)
    try:
        for resume in ([], ["--resume"]):
            result = portal_archive("crawl", "--archive", str(archive), *resume, timeout=30)
            assert result.returncode == BUSY
            message = one_line_error(result)
            assert f"{archive} is in use: pid {proc.pid} (" in message and "import sys, time from pathlib" in message
            assert (archive / "state" / "crawl" / "jobdir").is_dir()
    finally:
        proc.kill()
        proc.wait()


def test_a_rebuild_into_a_locked_destination_is_refused(tmp_path):
    source, dest = tmp_path / "source", tmp_path / "dest"
    (source / "warcs").mkdir(parents=True)
    (source / "warcs" / "portal-1.warc.gz").write_bytes(b"")
    dest.mkdir()
    with archive_lock(dest):
        result = portal_archive("rebuild", "--archive", str(source), str(dest))
    assert result.returncode == BUSY and f"{dest} is in use" in one_line_error(result)
    assert not (dest / "archive.db").exists() and not (dest / "warcs").exists()


def test_two_crawls_on_one_archive_the_second_refused_the_first_undisturbed(tmp_path):
    archive = tmp_path / "archive"
    with ReplicaServer(Settings(articles=30)) as server:
        env = dict(os.environ, http_proxy=server.url, https_proxy=server.url)
        env.pop("no_proxy", None)
        command = [sys.executable, "-m", "cli", "crawl", "--archive", str(archive), "--profile", "fast",
                   "-s", "LOG_LEVEL=WARNING", "-s", "CONCURRENT_REQUESTS=1", "-s", "DOWNLOAD_DELAY=0.02"]
        first = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 text=True, start_new_session=True)
        try:
            deadline = time.monotonic() + 60
            while not list((archive / "warcs").glob("*.open")):  # writing
                assert time.monotonic() < deadline and first.poll() is None, first.communicate()
                time.sleep(0.1)
            started = time.monotonic()
            second = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=60)
            assert time.monotonic() - started < 15
            assert second.returncode == BUSY, second.stderr
            assert f"is in use: pid {first.pid} (" in one_line_error(second)
            assert first.poll() is None  # still crawling
            out, err = first.communicate(timeout=300)
        finally:
            if first.poll() is None:
                os.killpg(first.pid, signal.SIGKILL)
                first.wait()
    assert first.returncode == 0, err
    assert "completed" in out
    verify = portal_archive("verify", "--archive", str(archive))
    assert verify.returncode == 0, verify.stdout + verify.stderr
    archive_lock(archive).acquire().release()  # let go by both the command and its Scrapy process


def test_two_schedulers_on_one_archive_the_second_refused(tmp_path):
    archive = tmp_path / "archive"
    schedule = tmp_path / "schedule.yaml"
    schedule.write_text(f"archive: {archive}\njobs:\n  news:\n    trigger: {{every: 1h}}\n    covers: discover\n")
    first = subprocess.Popen([sys.executable, "-m", "cli", "schedule", "--schedule", str(schedule)], cwd=ROOT,
                             stderr=subprocess.PIPE, text=True)
    try:
        assert "next run at" in first.stderr.readline()  # scheduling, holding the scheduler's lock
        second = portal_archive("schedule", "--schedule", str(schedule), timeout=30)
        assert second.returncode == BUSY
        message = one_line_error(second)
        assert f"is in use: pid {first.pid} (" in message and str(archive / SCHEDULE_LOCK) in message
        assert "One scheduler at a time" in message
        assert first.poll() is None
        first.send_signal(signal.SIGTERM)
        assert first.wait(30) == 0
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
    schedule_lock(archive).acquire().release()
