"""The `portal-archive` command: the replica commands, and one clear line instead of a traceback (issue 11)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main

ROOT = Path(__file__).parent.parent


def portal_archive(*args: str, timeout: float = 120, **kwargs) -> subprocess.CompletedProcess:
    """The real command, `python -m cli ARGS`, in a process of its own."""
    return subprocess.run([sys.executable, "-m", "cli", *args], capture_output=True, text=True, timeout=timeout,
                          cwd=ROOT, **kwargs)


def one_line_error(result: subprocess.CompletedProcess) -> str:
    """The message of a command that failed as it should: `Error: ...`, one line on stderr, no traceback."""
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    return lines[0]


def test_truth_command_writes_json(tmp_path):
    out = tmp_path / "truth.json"
    result = CliRunner().invoke(main, ["replica", "truth", "--articles", "30", "--epoch", "2", "-o", str(out)])
    assert result.exit_code == 0, result.output
    truth = json.loads(out.read_text(encoding="utf-8"))
    assert truth["epoch"] == 2 and truth["removed"] and len(truth["pages"]) > 30


def test_serve_and_control_a_running_replica(tmp_path):
    ca = tmp_path / "ca.pem"
    proc = subprocess.Popen([sys.executable, "-m", "cli", "replica", "serve", "--port", "0", "--articles", "30",
                             "--ca-file", str(ca)], stdout=subprocess.PIPE, text=True)
    try:
        lines = [proc.stdout.readline() for _ in range(3)]
        url = re.search(r"http://127\.0\.0\.1:\d+", lines[1]).group(0)
        assert "articles" in lines[0] and "/web/trang-chu" in lines[1] and "https_proxy" in lines[2]
        assert ca.read_text().startswith("-----BEGIN CERTIFICATE-----")
        with urllib.request.urlopen(f"{url}/web/trang-chu", timeout=30) as response:
            assert "Thọ Xuân" in response.read().decode()
        result = CliRunner().invoke(main, ["replica", "control", "--url", url, "--epoch", "2", "--faults", "xss"])
        assert result.exit_code == 0, result.output
        assert json.loads(result.output)["epoch"] == 2 and json.loads(result.output)["faults"] == ["xss"]
        result = CliRunner().invoke(main, ["replica", "control", "--url", url, "--faults", "nope"])
        assert result.exit_code == 1 and "unknown fault(s) nope" in result.output
    finally:
        proc.terminate()
        proc.wait(10)
    started = time.monotonic()
    result = CliRunner().invoke(main, ["replica", "control", "--url", url])
    assert result.exit_code == 1 and "no replica at" in result.output and time.monotonic() - started < 10


# One clear line instead of a traceback (issue 11): each finding run on the real command.

READERS = {  # the reading commands, as run on an archive; none may create one
    "search": lambda archive, tmp: ["search", "--archive", archive, "dang bo"],
    "diff": lambda archive, tmp: ["diff", "--archive", archive, "1"],
    "verify": lambda archive, tmp: ["verify", "--archive", archive],
    "export pywb": lambda archive, tmp: ["export", "pywb", "--archive", archive, str(tmp / "pywb")],
    "export wacz": lambda archive, tmp: ["export", "wacz", "--archive", archive, str(tmp / "out.wacz")],
    "browse": lambda archive, tmp: ["browse", "--archive", archive, "--port", "0"],
}


def write_schedule(tmp_path: Path, archive: Path, every: str = "1h") -> Path:
    path = tmp_path / "schedule.yaml"
    path.write_text(f"archive: {archive}\njobs:\n  news:\n    trigger: {{every: {every}}}\n    covers: discover\n")
    return path


@pytest.mark.parametrize("command", READERS, ids=READERS)
def test_a_reading_command_on_a_mistyped_archive_says_so_and_creates_nothing(tmp_path, command):
    missing = tmp_path / "archvie-data"
    result = portal_archive(*READERS[command](str(missing), tmp_path))
    assert result.returncode == 1 and f"no archive in {missing}" in one_line_error(result)
    assert not missing.exists() and not (tmp_path / "pywb").exists() and not (tmp_path / "out.wacz").exists()


def test_status_of_a_schedule_never_run_creates_no_archive(tmp_path):
    result = portal_archive("status", "--schedule", str(write_schedule(tmp_path, tmp_path / "archive")))
    assert result.returncode == 0 and "never run" in result.stdout
    assert not (tmp_path / "archive").exists()


@pytest.mark.parametrize("command", [*READERS, "status", "crawl"])
def test_a_damaged_database_is_named_with_the_way_to_rebuild(tmp_path, command):
    archive = tmp_path / "archive"
    (archive / "warcs").mkdir(parents=True)
    (archive / "warcs" / "portal-1.warc.gz").write_bytes(b"")
    (archive / "archive.db").write_bytes(b"This is not SQLite, it is what is left of it after a bad disk." * 100)
    if command == "status":
        args = ["status", "--schedule", str(write_schedule(tmp_path, archive))]
    elif command == "crawl":
        args = ["crawl", "--archive", str(archive)]
    else:
        args = READERS[command](str(archive), tmp_path)
    result = portal_archive(*args)
    assert result.returncode == 1
    message = one_line_error(result)
    assert "archive.db" in message and "file is not a database" in message and "portal-archive rebuild" in message


@pytest.fixture
def read_only_archive(tmp_path):
    """An archive (three media files, one run) that this test's commands cannot write to, and how to run them on it.

    Root writes through file permissions, so as root the commands run in a mount namespace of their own where the
    archive is a read-only bind mount, as a backup mounted read-only would be.
    """
    import os
    import shutil
    import stat

    from test_verify import archive_with_media

    archive = tmp_path / "archive"
    archive_with_media(archive)
    if os.geteuid() != 0:
        for path in [archive, *archive.rglob("*")]:
            path.chmod(path.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
        yield archive, portal_archive
        for path in [archive, *archive.rglob("*")]:
            path.chmod(path.stat().st_mode | stat.S_IWUSR)
        return
    mount = f'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" "$0" && exec "$@"'
    if not shutil.which("unshare") or subprocess.run(["unshare", "-m", "sh", "-c", mount, str(archive), "true"],
                                                       capture_output=True).returncode:
        pytest.skip("root, and no mount namespace to make the archive read-only in")

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(["unshare", "-m", "sh", "-c", mount, str(archive), sys.executable, "-m", "cli", *args],
                              capture_output=True, text=True, timeout=120, cwd=ROOT)

    yield archive, run


def test_a_read_only_archive_can_be_read(read_only_archive):
    archive, run = read_only_archive
    search = run("search", "--archive", str(archive), "dang bo")
    assert search.returncode == 0 and "Nothing found" in search.stdout, search.stderr
    verify = run("verify", "--archive", str(archive))
    assert verify.returncode == 0 and "3 media files checked" in verify.stdout, verify.stderr


def test_a_crawl_into_a_read_only_archive_says_so(read_only_archive):
    archive, run = read_only_archive
    result = run("crawl", "--archive", str(archive))
    assert result.returncode == 1
    assert re.search(f"cannot write to {re.escape(str(archive))}: (Permission denied|Read-only file system)",
                     one_line_error(result))


def test_an_interval_too_long_for_a_date_is_refused_with_file_and_line(tmp_path):
    path = write_schedule(tmp_path, tmp_path / "archive", every="99999999999999999d")
    for command in (["status"], ["run", "news"]):
        result = portal_archive(*command, "--schedule", str(path))
        assert result.returncode == 1
        assert one_line_error(result) == (f'Error: {path}:4: jobs.news.trigger.every: "99999999999999999d" is not a '
                                          "duration (it must be at most 36500d, a hundred years)")
    assert not (tmp_path / "archive").exists()
