"""Hostile input: a crawl of the replica with every hostile fault on (replica/hostile.py), through its proxy.

File names that are paths never become paths; a 50 MiB page and gzip bombs are cut at their configured size,
marked truncated in the WARC files and in `fetches`, with the crawl's memory bounded; a redirect loop, an over-long
redirect chain and a listing that never ends stop at documented limits, recorded in `fetches` and the run's stats;
and the rest of the site is archived as if nothing had happened. The web UI's side is test_browser_hostile.py.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
import subprocess
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from archive.replay import captures
from archive.text import disposition_filename, safe_filename
from archive.urls import normalise
from crawler import settings as defaults
from replica.faults import parse_faults
from replica.server import ReplicaServer, Settings
from test_crawl import same_resource, score, urlopen_text

LISTING_CAP = 30  # PORTAL_MAX_LISTING_PAGES for this crawl: the default (1000) would make it 2,000 requests longer
PEAK_RSS_LIMIT = 400 * 1024 * 1024
PAGE_LIMIT = defaults.PORTAL_MAX_PAGE_SIZE
FILE_LIMIT = defaults.PORTAL_MAX_FILE_SIZE
# Run by the test in place of `python`: runs the crawl and reports the peak RSS of its processes (the crawl command
# and the Scrapy process it starts), which only they contribute to.
MEASURED = ("import resource, subprocess, sys; code = subprocess.call(sys.argv[1:]); "
            "print('peak RSS KiB', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); "
            "sys.exit(code)")
# Files outside the archive that a file name taken for a path would have written (tests run as root in CI).
WATCHED = [Path("/etc/passwd"), Path("/etc/shadow"), Path("/etc/cron.d/x"), Path("/home/user/.bashrc"),
           Path.home() / ".bashrc"]


@dataclass
class Crawled:
    result: subprocess.CompletedProcess
    archive: Path
    truth: dict
    root: Path  # the test's folder: the crawl's working directory and the archive are inside it
    tree_before: dict
    watched_before: dict
    peak_rss: int

    @property
    def targets(self) -> dict:
        return {name: fault["targets"] for name, fault in self.truth["faults"].items() if "targets" in fault}

    def db(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.archive / "archive.db")
        conn.row_factory = sqlite3.Row
        return conn

    def stats(self) -> dict:
        return json.loads(self.db().execute("select stats from crawl_runs").fetchone()[0])


def tree(root: Path) -> dict[str, tuple[int, int]]:
    return {p.relative_to(root).as_posix(): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in root.rglob("*") if p.is_file() or p.is_symlink()}


def fingerprint(path: Path):
    try:
        return path.stat().st_mtime_ns, hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:
        return type(exc).__name__


def measured_crawl(server: ReplicaServer, archive: Path, cwd: Path, *args: str
                   ) -> tuple[subprocess.CompletedProcess, int]:
    """test_crawl.crawl(), run from `cwd` and measured: (result, peak RSS in bytes of the crawl's processes)."""
    env = dict(os.environ, http_proxy=server.url, https_proxy=server.url)
    env.pop("no_proxy", None)
    result = subprocess.run([sys.executable, "-c", MEASURED, sys.executable, "-m", "cli", "crawl", "--archive",
                             str(archive), "--profile", "fast", "-s", "LOG_LEVEL=INFO", *args],
                            env=env, cwd=cwd, capture_output=True, text=True, timeout=300)
    peak = re.search(r"peak RSS KiB (\d+)", result.stderr)
    return result, int(peak.group(1)) * 1024 if peak else 0


@pytest.fixture(scope="module")
def crawled(tmp_path_factory) -> Crawled:
    root = tmp_path_factory.mktemp("hostile")
    cwd = root / "work" / "deep" / "down"  # where a relative ../../etc/passwd would land, were it a path
    cwd.mkdir(parents=True)
    archive = root / "archive"
    tree_before = tree(root)
    watched_before = {path: fingerprint(path) for path in WATCHED}
    with ReplicaServer(Settings(seed=17, articles=40, faults=parse_faults("hostile"))) as server:
        result, peak = measured_crawl(server, archive, cwd, "-s", f"PORTAL_MAX_LISTING_PAGES={LISTING_CAP}")
        truth = json.loads(urlopen_text(f"{server.url}/_replica/truth"))
    return Crawled(result, archive, truth, root, tree_before, watched_before, peak)


def carriers(crawled: Crawled) -> set[str]:
    return {url for name in crawled.targets for url in crawled.truth["faults"][name]["urls"]}


def responses(archive: Path) -> dict[str, list]:
    """Target URI (normalised) → its response records' (headers, payload as stored), from every WARC file."""
    found: dict[str, list] = {}
    for path in sorted((archive / "warcs").glob("*.warc.gz")):
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type == "response":
                    uri = normalise(record.rec_headers.get_header("WARC-Target-URI"))
                    found.setdefault(uri, []).append((record.rec_headers, record.raw_stream.read()))
    return found


def inflated_size(body: bytes) -> int:
    """What a (possibly cut) gzip body inflates to, counted a chunk at a time."""
    decoder, total, data = zlib.decompressobj(31), 0, body
    while data:
        total += len(decoder.decompress(data, 1 << 20))
        data = decoder.unconsumed_tail
        if decoder.eof and decoder.unused_data:
            data, decoder = decoder.unused_data, zlib.decompressobj(31)
    return total


def test_the_crawl_completes_and_the_rest_of_the_site_is_archived(crawled):
    assert crawled.result.returncode == 0, crawled.result.stderr[-3000:]
    db = crawled.db()
    assert db.execute("select status from crawl_runs").fetchone()[0] == "completed"
    hostile = carriers(crawled)
    problems = [p for p in score(crawled.archive, crawled.truth)["problems"] if not p.startswith(tuple(hostile))]
    assert not problems, "\n".join(problems[:20])
    # The carriers are archived (a <meta http-equiv=refresh> does not replace a page by where it points)...
    articles = {url for (url,) in db.execute("select canonical_url from articles")}
    assert hostile <= articles
    # ... and nothing the hostile faults served became an article (a cut page is in the WARC files only).
    assert not [url for url in articles if "/kiem-thu/" in url]
    stored = {same_resource(normalise(url)) for (url,) in db.execute("select url from media_urls")}
    wanted = {same_resource(normalise(i["url"])) for p in crawled.truth["pages"] if p["canonical_url"] not in hostile
              for i in p["images"] if not i["broken"]}
    wanted |= {same_resource(normalise(a["url"])) for p in crawled.truth["pages"]
               if p["canonical_url"] not in hostile for a in p["attachments"]}
    assert wanted <= stored, sorted(wanted - stored)[:5]


def test_nothing_is_written_outside_the_archive(crawled):
    after = tree(crawled.root)
    changed = sorted(path for path, stat in after.items() if crawled.tree_before.get(path) != stat)
    assert changed and all(path.startswith("archive/") for path in changed), [
        p for p in changed if not p.startswith("archive/")]
    assert {path: fingerprint(path) for path in WATCHED} == crawled.watched_before
    # Inside the archive, only its own layout: media are named by their digest, never by what a server said.
    layout = re.compile(r"archive/(archive\.db(-wal|-shm)?|\.lock|indexes/index\.cdxj"
                        r"|warcs/portal-\d{14}-\d{5}-[\w.-]+\.warc\.gz|media/([0-9a-f]{2})/\3[0-9a-f]{62}\.[a-z0-9]+)")
    assert [path for path in changed if not layout.fullmatch(path)] == []
    db = crawled.db()
    for digest, path in db.execute("select digest, path from images union all select digest, path from files"):
        assert path == f"media/{digest[7:9]}/{digest[7:]}{Path(path).suffix}"
        assert hashlib.sha256((crawled.archive / path).read_bytes()).hexdigest() == digest[7:]


def test_server_file_names_are_stored_as_text_never_as_paths(crawled):
    db = crawled.db()
    expected = {"etc-passwd": "passwd", "cron": "x", "bashrc": "bashrc", "windows": "win.ini", "shadow": "shadow",
                "nul-encoded": "hop-dong.pdf.exe", "nul-raw": "bien-ban.pdf"}
    for attachment in crawled.targets["hostile-names"]["attachments"]:
        url = normalise(attachment["url"])
        rows = db.execute("select m.filename, f.filename, f.path from media_urls m join files f on f.digest = m.digest"
                          " where m.url = ?", [url]).fetchall()
        assert rows, f"{url} was not archived"
        (name, file_name, path), = rows
        uuid = attachment["url"].split("uuid=hostile-")[1].split("&")[0]
        assert name == file_name == safe_filename(disposition_filename(attachment["content_disposition"]))
        if uuid in expected:
            assert name == expected[uuid], (uuid, name)
        else:  # the 1,000-character names
            assert len(name) == 255 and attachment["filename"].startswith(name)
        assert Path(path).name.startswith(path.split("/")[1])  # stored by digest
    for (name,) in db.execute("select filename from media_urls union select filename from files"):
        name = name or ""
        assert name == safe_filename(name) and len(name) <= 255
        assert not re.search(r"[/\\\x00-\x1f\x7f]", name) and not name.startswith("."), repr(name)


def test_huge_page_and_gzip_bombs_are_cut_marked_truncated_and_memory_stays_bounded(crawled):
    assert crawled.result.returncode == 0, crawled.result.stderr[-3000:]
    huge = crawled.targets["huge"]
    assert 0 < crawled.peak_rss < PEAK_RSS_LIMIT, f"peak RSS {crawled.peak_rss / 2**20:.0f} MiB"
    db = crawled.db()
    records = responses(crawled.archive)
    cases = [(huge["page"], PAGE_LIMIT, False), (huge["bomb_page"], PAGE_LIMIT, True),
             (huge["bomb_image"], FILE_LIMIT, True)]
    for url, limit, bomb in cases:
        fetches = db.execute("select status, size, error, warc_record_id from fetches where url = ?",
                             [normalise(url)]).fetchall()
        assert fetches, f"{url} was not fetched"
        for status, size, error, record_id in fetches:
            assert status == 200 and error.startswith("truncated: ") and str(limit) in error, error
            # what the crawl read: cut at the limit (a bomb: within a few KiB below it, where a gzip block ends)
            assert (limit - 64 * 1024 < size <= limit) if bomb else size == limit, (url, size)
            assert record_id
        stored = records[normalise(url)]
        for headers, payload in stored:
            assert headers.get_header("WARC-Truncated") == "length"
            if bomb:  # the gzip body as served, cut where what is kept inflates to no more than the limit
                assert payload[:2] == b"\x1f\x8b" and len(payload) < 200_000
                assert limit - 64 * 1024 < inflated_size(payload) <= limit
            else:
                assert len(payload) == limit and payload.startswith(b"<!DOCTYPE html>")
        # The web UI reads the capture back within the limit as well.
        capture = captures.find_capture(db, url, "2100")
        assert len(captures.read_response(crawled.archive / "warcs", db, capture).body) <= limit
    assert crawled.stats()["portal/truncated"] >= len(cases)
    for path in (crawled.archive / "warcs").glob("*.warc.gz"):
        check = subprocess.run([sys.executable, "-c", "from warcio.cli import main; main()", "check", str(path)],
                               capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr
    verify = subprocess.run([sys.executable, "-m", "cli", "verify", "--archive", str(crawled.archive)],
                            capture_output=True, text=True)
    assert verify.returncode == 0, verify.stdout + verify.stderr


def test_redirect_loop_and_long_chain_stop_at_their_limits(crawled):
    targets = crawled.targets["redirects"]
    db = crawled.db()
    loop = db.execute("select status, error from fetches where error like 'redirect loop: %'").fetchall()
    assert loop and all(status == 302 for status, _ in loop)
    assert all(normalise(u) in {normalise(x) for x in targets["loop"]} for u in re.findall(r"\S+://\S+", loop[0][1]))
    limit = defaults.REDIRECT_MAX_TIMES
    chain = db.execute("select url, status, error from fetches where error like 'redirect limit: %'").fetchall()
    assert len(chain) == 1 and chain[0]["status"] == 302
    assert f"REDIRECT_MAX_TIMES ({limit})" in chain[0]["error"]
    assert normalise(chain[0]["url"]) == normalise(targets["chain"][limit])  # the hop that would have been one too many
    # The crawl asked for no more hops than the limit allows, and never for the end of the chain.
    asked = {uri for uri in responses(crawled.archive) if "/kiem-thu/chuyen-huong/" in uri}
    assert len(asked) == limit + 1, sorted(asked)
    stats = crawled.stats()
    assert stats["portal/redirect_loops"] == 1 and stats["portal/redirect_limit"] == 1


def test_endless_listing_stops_at_the_listing_page_limit(crawled):
    listing = crawled.targets["endless-listing"]["listing"]
    db = crawled.db()
    fetched = {url for (url,) in db.execute("select url from fetches where url like ?", [normalise(listing) + "%"])
               if ".html" not in url}
    pages = sorted(int(m.group(1)) if (m := re.search(r"page=(\d+)", url)) else 1 for url in fetched)
    assert pages == list(range(1, LISTING_CAP + 1))
    assert crawled.stats()["portal/listing_page_limit"] == 1
    assert "PORTAL_MAX_LISTING_PAGES" in crawled.result.stderr


def test_database_rebuilt_from_the_warc_files_leaves_cut_responses_out_as_the_crawl_did(crawled, tmp_path):
    dest = tmp_path / "rebuilt"
    result = subprocess.run([sys.executable, "-m", "cli", "rebuild", str(dest), "--archive", str(crawled.archive)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    rebuilt = sqlite3.connect(dest / "archive.db")
    query = "select canonical_url, title, body from articles order by canonical_url"
    assert rebuilt.execute(query).fetchall() == [tuple(row) for row in crawled.db().execute(query)]
    huge = crawled.targets["huge"]
    for url in (huge["page"], huge["bomb_page"], huge["bomb_image"]):
        errors = [e for (e,) in rebuilt.execute("select error from fetches where url = ?", [normalise(url)])]
        assert errors and all(e == "truncated: WARC-Truncated: length" for e in errors)
    assert not rebuilt.execute("select count(*) from media_urls where url = ?",
                               [normalise(huge["bomb_image"])]).fetchone()[0]
