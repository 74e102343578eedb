"""Resilience: crashes, faults, readers and a full disk, on real crawls of the replica (docs/operations.md)."""

from __future__ import annotations

import contextlib
import io
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from archive.replay.captures import capture, read_response
from archive.db.search import search
from archive.db.store import Archive
from archive.urls import normalise
from archive.warc.writer import Exchange, WarcWriter
from crawler.extensions.diskfull import is_disk_full
from replica.faults import FAULTS
from replica.server import ReplicaServer, Settings
from conftest import browsing
from test_crawl import crawl, crawler_processes, same_resource, score, urlopen_text

# Every table whose rows point at a WARC record through `warc_record_id`.
LINKED_TABLES = ("article_versions", "media_urls", "fetches", "article_events")


def spawn(server: ReplicaServer, archive: Path, *args: str, log: Path) -> subprocess.Popen:
    """`portal-archive crawl` in a process group of its own, as a shell would start it, output to `log`."""
    env = dict(os.environ, http_proxy=server.url, https_proxy=server.url)
    env.pop("no_proxy", None)
    with log.open("ab") as out:
        return subprocess.Popen([sys.executable, "-m", "cli", "crawl", "--archive", str(archive), "--profile",
                                 "fast", "-s", "LOG_LEVEL=INFO", *args], env=env, stdout=out, stderr=out,
                                start_new_session=True)


@contextlib.contextmanager
def reaped(procs: list[subprocess.Popen]):
    """Whatever happens in the block, no crawl started in it is left running (or frozen) after it."""
    try:
        yield procs
    finally:
        for proc in procs:
            if proc.poll() is None:
                for pid in crawler_processes(proc.pid):
                    os.kill(pid, signal.SIGKILL)
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(30)


def wait_gone(proc: subprocess.Popen, timeout: float = 60) -> None:
    """Wait for the crawl command and the Scrapy process it started to be gone."""
    proc.wait(timeout)
    deadline = time.monotonic() + timeout
    while crawler_processes(proc.pid):
        assert time.monotonic() < deadline, f"the Scrapy process of {proc.pid} outlived it"
        time.sleep(0.05)


def record_id_at(path: Path, offset: int, length: int) -> str | None:
    with path.open("rb") as fh:
        fh.seek(offset)
        member = fh.read(length)
    try:
        for record in ArchiveIterator(io.BytesIO(member)):
            return record.rec_headers.get_header("WARC-Record-ID")
    except Exception:  # noqa: BLE001 -- anything unreadable is not the record
        return None
    return None


def dangling_links(archive: Path) -> list[str]:
    """Database links to WARC records that do not hold: a row pointing at an unindexed record, or an indexed record
    that is not at its offset. A file still being written (`….open`) counts: a crash may leave one, and the next crawl
    closes it."""
    db = sqlite3.connect(archive / "archive.db", timeout=60)
    problems = []
    try:
        for table in LINKED_TABLES:
            problems += [f"{table} row points at {rid}, which is not indexed" for (rid,) in db.execute(
                f"select distinct warc_record_id from {table} where warc_record_id is not null "
                "and warc_record_id not in (select record_id from warc_records)")]
        problems += [f"revisit {rid} refers to {ref}, which is not indexed" for rid, ref in db.execute(
            "select record_id, refers_to from warc_records where coalesce(refers_to, '') != '' "
            "and refers_to not in (select record_id from warc_records)")]
        warcs = archive / "warcs"
        for rid, name, offset, length in db.execute("select record_id, filename, offset, length from warc_records"):
            path = warcs / name if (warcs / name).exists() else warcs / (name + ".open")
            if not path.exists():
                problems.append(f"{rid}: its file {name} is gone")
            elif record_id_at(path, offset, length) != rid:
                problems.append(f"{rid}: not at {path.name}@{offset}")
    finally:
        db.close()
    return problems


def warcio_check(archive: Path) -> list[str]:
    exe = Path(sys.executable).with_name("warcio")
    failed = []
    for path in sorted((archive / "warcs").glob("*.warc.gz")):
        check = subprocess.run([str(exe), "check", str(path)], capture_output=True, text=True, check=False)
        if check.returncode:
            failed.append(f"{path.name}: {check.stdout}{check.stderr}")
    return failed


def verify(archive: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cli", "verify", "--archive", str(archive)],
                          capture_output=True, text=True, timeout=300, check=False)


def archive_sound(archive: Path) -> None:
    """The archive after a crawl that completed: every file closed, valid and indexed, every link resolving."""
    assert not list((archive / "warcs").glob("*.open"))
    assert not warcio_check(archive)
    result = verify(archive)
    assert result.returncode == 0, result.stdout + result.stderr
    problems = dangling_links(archive)
    assert not problems, "\n".join(problems[:20])


def contents(archive: Path) -> dict:
    """What a crawl archived, independent of when and in how many runs: articles with their fields and number of
    versions, the URLs they were seen at, the images and files."""
    db = sqlite3.connect(archive / "archive.db")
    try:
        return {
            "articles": {row[0]: row[1:] for row in db.execute(
                "select identity_key, canonical_url, kind, title, published, author, lead, body, captions, "
                "(select count(*) from article_versions v where v.article_id = a.id) from articles a")},
            "aliases": {row for row in db.execute(
                "select u.url, a.identity_key from url_aliases u join articles a on a.id = u.article_id")},
            "media": {row for row in db.execute("select digest, size from images union all "
                                                "select digest, size from files")},
            "media_urls": {row for row in db.execute("select url, digest from media_urls")},
            # captures the database does not link to their WARC record
            "unlinked": db.execute("select (select count(*) from article_versions where warc_record_id is null), "
                                   "(select count(*) from media_urls where warc_record_id is null)").fetchone(),
            "removed": db.execute("select count(*) from articles where removed_at is not null").fetchone()[0],
        }
    finally:
        db.close()


# -- kill -9 at random moments ------------------------------------------------------------------------------------

KILLS = 20
KILL_SEED = 20250701
# Slower than the fast profile, so that the crawl's moments are a few seconds of fetching and writing apart.
PACE = ("-s", "CONCURRENT_REQUESTS=2", "-s", "DOWNLOAD_DELAY=0.01")


def kill(proc: subprocess.Popen, target: str) -> None:
    """SIGKILL the crawl command's process group, the Scrapy process it runs, or both at once."""
    scrapy = crawler_processes(proc.pid)
    if target in ("command", "both") or not scrapy:
        os.killpg(proc.pid, signal.SIGKILL)
    if target in ("scrapy", "both"):
        for pid in scrapy:
            os.kill(pid, signal.SIGKILL)
    wait_gone(proc)


def records_written(db_path: Path) -> int:
    try:
        db = sqlite3.connect(db_path, timeout=60)
        try:
            return db.execute("select count(*) from warc_records").fetchone()[0]
        finally:
            db.close()
    except sqlite3.OperationalError:  # not created yet
        return 0


@pytest.mark.slow
def test_killed_at_twenty_random_moments_the_resumed_crawl_archives_what_an_uninterrupted_one_does(tmp_path):
    """One crawl killed with SIGKILL 20 times and resumed each time, then compared with an uninterrupted crawl.

    A moment is either a point of the crawl's progress (a fraction of the records the uninterrupted crawl wrote, then
    a random delay, so that the kill falls anywhere in the code: a WARC record half written, a record on disk and not
    yet in the database, a transaction, a media file, the resume cache) or a time in a resumed run's start-up, while
    it closes the files the last kill left open. The victim is the crawl command's process group (its Scrapy process
    then dies with it), the Scrapy process alone, or both.
    """
    rng = random.Random(KILL_SEED)
    kinds = [rng.choice(("progress", "progress", "progress", "start-up")) for _ in range(KILLS)]
    fractions = iter(sorted(rng.uniform(0.02, 0.9) for kind in kinds if kind == "progress"))
    with ReplicaServer(Settings(seed=31, articles=50)) as server:
        truth = json.loads(urlopen_text(f"{server.url}/_replica/truth"))
        reference = tmp_path / "uninterrupted"
        result = crawl(server, reference, *PACE)
        assert result.returncode == 0, result.stderr[-3000:]
        total = records_written(reference / "archive.db")

        archive, log = tmp_path / "killed", tmp_path / "killed.log"
        state, db_path = archive / "state" / "crawl", archive / "archive.db"
        done = []
        with reaped([]) as procs:
            for n, kind in enumerate(kinds, 1):
                proc = spawn(server, archive, *(["--resume"] if state.exists() else []), *PACE, log=log)
                procs.append(proc)
                target = rng.choice(("command", "scrapy", "both"))
                if kind == "start-up":
                    moment = rng.uniform(0, 1.2)
                    time.sleep(moment)
                else:
                    threshold, started = next(fractions) * total, time.monotonic()
                    while records_written(db_path) < threshold and proc.poll() is None:
                        time.sleep(0.01)
                    time.sleep(rng.uniform(0, 0.3))
                    moment = time.monotonic() - started
                assert proc.poll() is None, f"kill {n} ({kind}): the crawl ended before it:\n{log.read_text()[-3000:]}"
                kill(proc, target)
                assert proc.returncode != 0
                done.append(f"{kind} {moment:.2f}s {target}")
                # Whatever the moment, no row the killed crawl committed points at a record that is not on disk.
                problems = dangling_links(archive) if db_path.exists() else []
                assert not problems, f"after kill {n} ({done[-1]}):\n" + "\n".join(problems[:20])

        result = crawl(server, archive, *(["--resume"] if state.exists() else []), *PACE)
        assert result.returncode == 0, result.stderr[-3000:]
        archive_sound(archive)
        problems = score(archive, truth)["problems"]
        assert not problems, "\n".join(problems[:20])
        got, want = contents(archive), contents(reference)
        assert got["articles"].keys() == want["articles"].keys()
        assert got["media_urls"] == want["media_urls"]
        assert got["unlinked"] == want["unlinked"] == (0, 0)
        assert got == want
        db = sqlite3.connect(db_path)
        statuses = [s for (s,) in db.execute("select status from crawl_runs order by id")]
        assert set(statuses[:-1]) == {"recovered"} and statuses[-1] == "completed", statuses


def test_killed_after_its_crawler_finished_the_crawl_resumes_and_completes(tmp_path):
    """The last moment of a crawl: Scrapy has finished and saved its state, and the command is killed before it
    clears that state. `--resume` then goes over the pages again from the resume cache and completes: it never fails
    (it did: it resumed the finished queue, fetched nothing, and called that a failure, every time)."""
    with ReplicaServer(Settings(seed=5, articles=20)) as server:
        archive, log = tmp_path / "archive", tmp_path / "crawl.log"
        with reaped([spawn(server, archive, log=log)]) as (proc,):
            deadline = time.monotonic() + 60
            while not crawler_processes(proc.pid):
                assert proc.poll() is None and time.monotonic() < deadline, log.read_text()[-3000:]
                time.sleep(0.01)
            os.kill(proc.pid, signal.SIGSTOP)  # the command waits, frozen, while its crawler finishes the crawl
            while crawler_processes(proc.pid):
                assert time.monotonic() < deadline + 60, log.read_text()[-3000:]
                time.sleep(0.05)
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(30)
        state = archive / "state" / "crawl"
        assert (state / "jobdir" / "requests.queue" / "active.json").exists()  # the state of a finished crawl
        result = crawl(server, archive, "--resume")
        assert result.returncode == 0, result.stderr[-3000:]
        assert "The crawl had completed, and was killed before it cleared its state" in result.stderr
        assert not state.exists()
        archive_sound(archive)
        truth = json.loads(urlopen_text(f"{server.url}/_replica/truth"))
        problems = score(archive, truth)["problems"]
        assert not problems, "\n".join(problems[:20])
        db = sqlite3.connect(archive / "archive.db")
        assert [s for (s,) in db.execute("select status from crawl_runs order by id")] == ["completed", "completed"]


# -- readers during a crawl ----------------------------------------------------------------------------------------




def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace")


@pytest.mark.slow
def test_readers_querying_while_a_crawl_writes_never_see_a_lock_and_no_write_is_lost(tmp_path):
    """The web UI, the search command and a search on a connection of its own, all querying without a pause while a
    crawl writes the archive: every answer is a good one, and the crawl loses nothing."""
    archive = tmp_path / "archive"
    db_path = archive / "archive.db"
    with ReplicaServer(Settings(seed=41, articles=120)) as server:
        log = tmp_path / "crawl.log"
        proc = spawn(server, archive, *PACE, log=log)  # paced: a few seconds of writing, however fast the machine
        deadline = time.monotonic() + 60
        while records_written(db_path) < 1:  # the crawl has created the archive and written to it
            assert proc.poll() is None and time.monotonic() < deadline, log.read_text()[-3000:]
            time.sleep(0.02)
        crawling = threading.Event()
        crawling.set()
        problems: list[str] = []
        served: Counter = Counter()
        seen_articles: list[int] = []

        def latest(sql: str):
            db = sqlite3.connect(db_path, timeout=60)
            try:
                return db.execute(sql).fetchone()
            finally:
                db.close()

        def web(url: str, rng: random.Random) -> None:
            words = ["dang bo", "Thọ Xuân", "kinh te", '"le hoi"', "nong thon moi", "xa"]
            while crawling.is_set():
                last = latest("select max(id) from articles")[0] or 0
                record = latest("select r.record_id from warc_records r join fetches f on f.warc_record_id = "
                                "r.record_id where r.warc_type = 'response' and f.status = 200 order by r.rowid desc "
                                "limit 1")  # replayed with its own status: a 200, likely in the file being written
                paths = ["/", f"/search?q={urllib.parse.quote(rng.choice(words))}", "/changed", "/removed",
                         "/feed.atom", "/archive/articles?_size=5", "/archive/fetches.json?_size=5&_sort_desc=id"]
                if last:
                    paths.append(f"/articles/{rng.randint(1, last)}")
                if record:
                    uuid = record[0].removeprefix("<urn:uuid:").removesuffix(">")
                    paths += [f"/captures/{uuid}", f"/-/replay/record/{uuid}"]
                for path in paths:
                    status, body = get(url + path)
                    served[path.split("?")[0].split("/")[1] or "/"] += 1
                    if status != 200 or "database is locked" in body:
                        problems.append(f"GET {path}: {status} {body[:300]!r}")

        def command() -> None:
            env = {k: v for k, v in os.environ.items() if k.lower() not in ("http_proxy", "https_proxy")}
            while crawling.is_set():
                result = subprocess.run([sys.executable, "-m", "cli", "search", "--archive", str(archive),
                                         "dang bo", "--json"], capture_output=True, text=True, timeout=120, env=env,
                                        check=False)
                served["search command"] += 1
                if result.returncode or "locked" in result.stdout + result.stderr:
                    problems.append(f"portal-archive search: {result.returncode} {result.stderr[-500:]}")
                else:
                    json.loads(result.stdout)

        def in_process() -> None:
            with Archive(archive) as own:
                while crawling.is_set():
                    try:
                        search(own, "huyen Tho Xuan", limit=20)
                        seen_articles.append(own.db.execute("select count(*) from articles").fetchone()[0])
                        served["search()"] += 1
                    except sqlite3.Error as e:
                        problems.append(f"archive.db.search.search: {e}")
                    time.sleep(0.01)

        threads = [threading.Thread(target=command), threading.Thread(target=in_process)]
        try:
            for thread in threads:
                thread.start()
            with browsing(archive) as (url, browse):
                for n in (1, 2):
                    threads.append(threading.Thread(target=web, args=(url, random.Random(n))))
                    threads[-1].start()
                returncode = proc.wait(300)
                crawling.clear()
                for thread in threads:
                    thread.join(120)
                browse.terminate()
                output = browse.communicate(timeout=30)[0]
        finally:
            crawling.clear()
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
        assert not problems, "\n".join(problems[:10])
        assert "locked" not in output, output[-3000:]
        crawl_log = log.read_text()
        assert returncode == 0, crawl_log[-3000:]
        assert "database is locked" not in crawl_log and "could not store" not in crawl_log
        # They read while the crawl wrote: many answers, and the archive grew under them, never shrank.
        assert served["search command"] >= 2 and served["search()"] >= 20 and served["articles"] >= 5, served
        assert seen_articles[0] < seen_articles[-1] and seen_articles == sorted(seen_articles)

        # No write lost: every article, image and file, every record written and every fetch of the crawl.
        truth = json.loads(urlopen_text(f"{server.url}/_replica/truth"))
    problems = score(archive, truth)["problems"]
    assert not problems, "\n".join(problems[:20])
    archive_sound(archive)
    db = sqlite3.connect(db_path)
    status, errors, stats = db.execute("select status, errors, stats from crawl_runs").fetchone()
    assert status == "completed" and errors == 0 and not json.loads(stats).get("portal/store_errors")
    stored = {same_resource(normalise(url)) for (url,) in db.execute("select url from media_urls")}
    wanted = {same_resource(normalise(i["url"])) for p in truth["pages"] for i in p["images"] if not i["broken"]}
    wanted |= {same_resource(normalise(a["url"])) for p in truth["pages"] for a in p["attachments"]}
    assert wanted <= stored, sorted(wanted - stored)[:5]
    on_disk = warc_records_on_disk(archive)
    indexed = {rid for (rid,) in db.execute("select record_id from warc_records")}
    assert not {rid for rid, (kind, _) in on_disk.items() if kind != "warcinfo"} - indexed
    logged = {rid for (rid,) in db.execute("select warc_record_id from fetches")}
    unlogged = [rid for rid, (kind, status) in on_disk.items()
                if kind in ("response", "revisit") and not 300 <= status < 400 and rid not in logged]
    assert not unlogged, f"{len(unlogged)} captures without their fetch"


def warc_records_on_disk(archive: Path) -> dict[str, tuple[str, int | None]]:
    """Every record of the archive's closed WARC files: its type, and its HTTP status for responses and revisits."""
    found = {}
    for path in sorted((archive / "warcs").glob("*.warc.gz")):
        with path.open("rb") as fh:
            for record in ArchiveIterator(fh):
                status = record.http_headers.get_statuscode() if record.rec_type in ("response", "revisit") else None
                found[record.rec_headers.get_header("WARC-Record-ID")] = (record.rec_type, int(status or 0) or None)
    return found


# -- every fault at once -------------------------------------------------------------------------------------------

# What the first request of each target of a transient fault leaves in `fetches`: its status, or an error.
FIRST_ATTEMPT = {"transient-500": 500, "retry-after-503": 503, "reset": None, "truncated": None}


def test_all_faults_on_the_crawl_completes_records_each_and_loses_no_article(tmp_path):
    with ReplicaServer(Settings(seed=11, articles=80, faults=frozenset(FAULTS), slow_seconds=0.5)) as server:
        archive = tmp_path / "archive"
        result = crawl(server, archive)
        assert result.returncode == 0, result.stderr[-3000:]
        truth = json.loads(urlopen_text(f"{server.url}/_replica/truth"))
    scores = score(archive, truth)
    assert not scores["problems"], "\n".join(scores["problems"][:20])
    db = sqlite3.connect(archive / "archive.db")
    statuses = Counter(s for (s,) in db.execute("select status from fetches"))
    assert statuses[500] >= 3 and statuses[503] >= 2
    errors = [e for (e,) in db.execute("select error from fetches where status is null")]
    assert len(errors) >= 4, errors  # resets and truncated bodies, each recorded
    assert "failed fetches: " in result.stdout and "500 ×" in result.stdout and "503 ×" in result.stdout

    attempts: dict[str, list[tuple]] = {}
    for row in db.execute("select url, status, error, warc_record_id from fetches order by id"):
        attempts.setdefault(same_resource(row[0]), []).append(row)
    warcs = archive / "warcs"
    for name in FAULTS:
        targets = truth["faults"][name]["urls"]
        assert targets, f"{name} hits nothing"
        for url in targets:
            tried = attempts.get(same_resource(url), [])
            good = [row for row in tried if row[1] == 200]
            assert good, f"{name}: {url} was never archived: {tried}"
            if name in FIRST_ATTEMPT:  # the failure is recorded once, and the retry succeeded
                code = FIRST_ATTEMPT[name]
                failed = [row for row in tried if row[1] != 200]
                assert len(failed) == 1 and failed[0][1] == code, f"{name}: {url}: {tried}"
                if code:  # an error answer is archived whole, like any other
                    assert capture(db, failed[0][3]).status == code
                else:
                    assert failed[0][2], f"{name}: {url}: an error without its reason"
            else:
                assert len(good) == len(tried), f"{name}: {url}: {tried}"
        # A page served with a content fault is archived as it was served.
        if name in ("malformed-html", "wrong-charset", "xss"):
            for url in targets:
                record = attempts[same_resource(url)][0][3]
                served = read_response(warcs, db, capture(db, record))
                html = served.body.decode("utf-8")
                if name == "malformed-html":
                    assert "</html>" not in html.lower()
                elif name == "wrong-charset":
                    assert "iso-8859-1" in served.header("Content-Type").lower()
                else:
                    assert "<script" in html and "javascript:" in html
            # ...and read right: its text is the text the reader saw
            for url in targets:
                f1 = scores["f1"][next(p["canonical_url"] for p in truth["pages"] if url in p["urls"])]
                assert f1 >= 0.99, f"{name}: {url}: body F1 {f1:.3f}"
    archive_sound(archive)


# -- a full disk ---------------------------------------------------------------------------------------------------

@contextlib.contextmanager
def small_disk(directory: Path, size: str):
    """A tmpfs of `size` mounted on `directory` (root only), unmounted whatever happens."""
    if os.geteuid() != 0:
        pytest.fail("the full-disk test mounts a small tmpfs, which needs root: run the tests as root (CI does)")
    directory.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(directory)], check=True)
    try:
        yield directory
    finally:
        for _ in range(50):
            if subprocess.run(["umount", str(directory)], capture_output=True, check=False).returncode == 0:
                break
            time.sleep(0.1)
        else:
            subprocess.run(["umount", "-l", str(directory)], check=False)


@pytest.mark.slow
def test_a_full_disk_stops_the_crawl_clearly_the_archive_stays_valid_and_a_resume_completes_it(tmp_path):
    reserve = ("-s", "PORTAL_DISK_RESERVE=1000000")  # the space set aside for closing up; 8 MB by default
    with ReplicaServer(Settings(seed=31, articles=50)) as server, small_disk(tmp_path / "disk", "6m") as disk:
        archive = disk / "archive"
        result = crawl(server, archive, *reserve)
        assert result.returncode == 1, result.stderr[-3000:]
        # One clear message, from the crawler and from the command; no traceback per write that failed.
        assert f"The disk holding the archive {archive} is full" in result.stderr, result.stderr[-3000:]
        assert f"the disk holding {archive} is full" in result.stderr.splitlines()[-1], result.stderr[-3000:]
        assert "No space left on device" in result.stderr or "database or disk is full" in result.stderr
        assert "Traceback" not in result.stderr, result.stderr[-3000:]
        assert "interrupted" in result.stdout
        # The archive is valid as it is: every file closed, checked and indexed; no half record, no half file.
        archive_sound(archive)
        assert not [p for p in (archive / "media").rglob("*") if p.name.endswith(".tmp")]
        db = sqlite3.connect(archive / "archive.db")
        assert db.execute("select status from crawl_runs").fetchall() == [("interrupted",)]
        assert json.loads(db.execute("select stats from crawl_runs").fetchone()[0])["finish_reason"] == "disk_full"
        db.close()
        # Space freed (the disk made bigger), the resume completes the archive.
        subprocess.run(["mount", "-o", "remount,size=64m", str(disk)], check=True)
        result = crawl(server, archive, "--resume", *reserve)
        assert result.returncode == 0, result.stderr[-3000:]
        assert "The crawl was stopped by a full disk: discovering its pages again" in result.stderr
        truth = json.loads(urlopen_text(f"{server.url}/_replica/truth"))
        problems = score(archive, truth)["problems"]
        assert not problems, "\n".join(problems[:20])
        archive_sound(archive)
        db = sqlite3.connect(archive / "archive.db")
        stored = {same_resource(normalise(url)) for (url,) in db.execute("select url from media_urls")}
        wanted = {same_resource(normalise(i["url"])) for p in truth["pages"] for i in p["images"] if not i["broken"]}
        wanted |= {same_resource(normalise(a["url"])) for p in truth["pages"] for a in p["attachments"]}
        assert wanted <= stored, sorted(wanted - stored)[:5]
        assert [s for (s,) in db.execute("select status from crawl_runs order by id")] == ["recovered", "completed"]
        assert db.execute("select count(*) from article_versions where warc_record_id is null").fetchone()[0] == 0
        db.close()


def test_a_record_that_did_not_fit_leaves_the_warc_file_well_formed_for_the_next(tmp_path):
    """The WARC writer on a disk that fills up: the record that does not fit is cut back, and once space is freed
    the next record follows the last complete one (it used to land past a hole of zeros: an unreadable file)."""
    with small_disk(tmp_path / "disk", "1m") as disk:
        writer = WarcWriter(disk / "warcs")
        page = Exchange(url="https://thoxuan.thanhhoa.gov.vn/web/trang-chu", method="GET", request_headers=[],
                        status=200, reason="OK", response_headers=[("Content-Type", "application/octet-stream")],
                        body=b"", started_at=datetime.now(timezone.utc))
        written = 0
        with pytest.raises(OSError) as failed:
            while True:  # incompressible bodies, until the disk is full
                writer.write_capture(replace(page, body=os.urandom(100_000)))
                written += 1
        assert is_disk_full(failed.value) and written >= 5
        subprocess.run(["mount", "-o", "remount,size=4m", str(disk)], check=True)
        writer.write_capture(replace(page, body=b"after the disk was full"))
        closed = writer.close()
        assert [c.problems for c in closed] == [[]] and closed[0].records == 1 + 2 * (written + 1)
        check = subprocess.run([str(Path(sys.executable).with_name("warcio")), "check",
                                str(disk / "warcs" / closed[0].filename)], capture_output=True, text=True, check=False)
        assert check.returncode == 0, check.stdout + check.stderr
