"""archive.operations.crawl: a crawl as one library call, its outcome, and exit statuses as a shell gives them."""

from __future__ import annotations

import signal
import sys

import pytest

from archive.operations.child import exit_status, ending, run_child, signal_name
from archive.operations.crawl import CrawlError, CrawlRequest, run_crawl
from archive.operations.lock import archive_lock
from replica.server import ReplicaServer, Settings


@pytest.fixture
def proxied(monkeypatch):
    """A replica of 30 articles, and this process's environment pointing the crawl's child at it."""
    with ReplicaServer(Settings(articles=30)) as server:
        monkeypatch.setenv("http_proxy", server.url)
        monkeypatch.setenv("https_proxy", server.url)
        monkeypatch.delenv("no_proxy", raising=False)
        yield server


def test_a_crawl_is_one_call(tmp_path, proxied):
    archive = tmp_path / "archive"
    told: list[str] = []
    outcome = run_crawl(CrawlRequest(archive, job="news", profile="fast", settings={"LOG_LEVEL": "WARNING"}),
                        notify=told.append)
    assert outcome.completed and outcome.status == "completed" and outcome.exit_code == 0 and not outcome.messages
    assert outcome.run["job"] == "news" and outcome.run["status"] == "completed"
    assert outcome.summary.startswith(f"Run {outcome.run['id']} (news): completed")
    assert "the archive holds " in outcome.summary.splitlines()[-1]
    assert not told
    assert not (archive / "state" / "news").exists()  # nothing left to resume
    assert (archive / "indexes" / "index.cdxj").stat().st_size
    archive_lock(archive).acquire().release()
    with pytest.raises(CrawlError, match="nothing to resume") as refused:
        run_crawl(CrawlRequest(archive, job="news", profile="fast", resume=True))
    assert refused.value.exit_code == 1


def test_a_crawl_that_reaches_nothing_did_not_complete(tmp_path, monkeypatch):
    monkeypatch.setenv("http_proxy", "http://127.0.0.1:9")
    monkeypatch.setenv("https_proxy", "http://127.0.0.1:9")
    monkeypatch.delenv("no_proxy", raising=False)
    outcome = run_crawl(CrawlRequest(tmp_path / "archive", profile="fast",
                                     settings={"LOG_LEVEL": "WARNING", "RETRY_TIMES": "0"}))
    assert not outcome.completed and outcome.exit_code == 1 and outcome.status == "failed"
    assert outcome.messages[-1].startswith("The crawl did not complete (failed).")
    assert (tmp_path / "archive" / "state" / "crawl").is_dir()  # left for --resume


@pytest.mark.parametrize("request_, problem", [
    (dict(job=".."), '--job: ".." is not a job name'),
    (dict(profile="reckless"), "--profile: 'reckless' is not one of polite, fast"),
    (dict(settings={"PORTAL_JOB": "x"}), "--set PORTAL_JOB: set by the crawl from --job"),
    (dict(settings={"JOBDIR": "/tmp"}), "--set JOBDIR: set by the crawl from --archive and --job"),
], ids=["job", "profile", "job setting", "jobdir"])
def test_a_wrong_request_is_refused_before_anything_is_touched(tmp_path, request_, problem):
    with pytest.raises(CrawlError) as refused:
        run_crawl(CrawlRequest(tmp_path / "archive", **request_))
    assert str(refused.value).startswith(problem) and refused.value.exit_code == 2
    assert not (tmp_path / "archive").exists()


def test_exit_statuses_say_what_a_shell_says():
    assert exit_status(0) == 0 and exit_status(3) == 3
    assert exit_status(-signal.SIGKILL) == 137 and exit_status(-signal.SIGTERM) == 143
    assert ending(-signal.SIGKILL) == "killed by SIGKILL" and ending(1) == "exited with code 1"
    assert signal_name(signal.SIGINT) == "SIGINT" and signal_name(99) == "signal 99"
    killed = run_child([sys.executable, "-c", "import os, signal; os.kill(os.getpid(), signal.SIGTERM)"])
    assert killed == -signal.SIGTERM and exit_status(killed) == 143

