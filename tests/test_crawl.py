"""`portal-archive crawl` of the replica through its proxy, scored against the replica's ground truth."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from archive.text import fold
from archive.urls import PORTAL_HOSTS, identity_key, normalise
from replica.score import tokens_f1
from replica.server import ReplicaServer, Settings

ARTICLES = 300


def crawl(server: ReplicaServer, archive: Path, *args: str, proxy: str | None = None,
          timeout: float = 300) -> subprocess.CompletedProcess:
    env = dict(os.environ, http_proxy=proxy or server.url, https_proxy=proxy or server.url)
    env.pop("no_proxy", None)
    return subprocess.run([sys.executable, "-m", "cli", "crawl", "--archive", str(archive), "--profile", "fast",
                           "-s", "LOG_LEVEL=INFO", *args], env=env, capture_output=True, text=True, timeout=timeout)


def same_resource(url: str) -> str:
    """Images are served by both portal hosts over both schemes: a page captured at thoxuan.vn names them there."""
    parts = urlsplit(unquote(url))
    where = parts.path + (f"?{parts.query}" if parts.query else "")
    return where if parts.hostname in PORTAL_HOSTS else f"{parts.hostname}{where}"


def score(archive: Path, truth: dict) -> dict:
    """Compare the archive's articles with the ground truth; returns the problems found and the body F1s."""
    db = sqlite3.connect(archive / "archive.db")
    db.row_factory = sqlite3.Row
    alias = {row["url"]: row["article_id"] for row in db.execute("select url, article_id from url_aliases")}
    articles = {row["id"]: row for row in db.execute("select * from articles")}
    labels = {row["id"]: row["category_label"] for row in db.execute("select id, category_label from articles_latest")}
    problems, f1s, matched = [], {}, {}
    for page in truth["pages"]:
        ids = {alias.get(normalise(url)) for url in page["urls"]} - {None}
        if len(ids) != 1:
            problems.append(f"{page['canonical_url']}: found as articles {sorted(ids)}")
            continue
        article = articles[ids.pop()]
        matched[article["id"]] = page
        for field in ("title", "published", "author", "lead"):
            if article[field] != page[field]:
                problems.append(f"{page['canonical_url']}: {field} {article[field]!r} != {page[field]!r}")
        if article["category_path"] not in page["categories"]:
            problems.append(f"{page['canonical_url']}: category {article['category_path']} not in {page['categories']}")
        elif article["category_path"] == page["category_path"] and labels.get(article["id"]) != page["category_label"]:
            problems.append(f"{page['canonical_url']}: label {labels.get(article['id'])!r} != {page['category_label']!r}")
        f1s[page["canonical_url"]] = tokens_f1(" ".join(page["body"]), article["body"] or "")
        version = article["current_version_id"]
        images = db.execute("select url, caption from article_images where version_id = ? order by position",
                            [version]).fetchall()
        if [i["caption"] for i in images] != [i["caption"] for i in page["images"]]:
            problems.append(f"{page['canonical_url']}: captions {[i['caption'] for i in images]}")
        if [same_resource(i["url"]) for i in images] != [same_resource(i["url"]) for i in page["images"]]:
            problems.append(f"{page['canonical_url']}: image URLs {[i['url'] for i in images]}")
        links = db.execute("select url, identity_key from article_links where version_id = ?", [version]).fetchall()
        got = {key or normalise(url) for url, key in links}
        want = {identity_key(url) or normalise(url) for url in page["links"]}
        if got != want:
            problems.append(f"{page['canonical_url']}: links {sorted(got)} != {sorted(want)}")
        files = db.execute("select filename, link_text from attachments where version_id = ? order by position",
                           [version]).fetchall()
        if [f["link_text"] for f in files] != [a["link_text"] for a in page["attachments"]]:
            problems.append(f"{page['canonical_url']}: attachments {[tuple(f) for f in files]}")
    extra = set(articles) - set(matched)
    problems += [f"article {articles[i]['canonical_url']} is not in the ground truth" for i in extra]
    db.close()
    return {"problems": problems, "f1": f1s}


@pytest.fixture(scope="module", params=[0, 3], ids=["variant0", "variant3"])
def crawled(request, tmp_path_factory):
    with ReplicaServer(Settings(seed=11, articles=ARTICLES, variant=request.param)) as server:
        archive = tmp_path_factory.mktemp("archive")
        result = crawl(server, archive)
        truth = json.loads(urlopen_text(f"{server.url}/_replica/truth"))
        yield result, archive, truth


def test_every_article_found_once_with_its_fields_exact(crawled):
    result, archive, truth = crawled
    assert result.returncode == 0, result.stderr[-3000:]
    scores = score(archive, truth)
    assert not scores["problems"], "\n".join(scores["problems"][:20])
    f1 = scores["f1"]
    mean, worst = sum(f1.values()) / len(f1), min(f1, key=f1.get)
    assert mean >= 0.99 and f1[worst] >= 0.99, f"mean body F1 {mean:.4f}, worst {f1[worst]:.4f} at {worst}"


def test_each_address_keeps_the_category_its_own_host_files_it_under(crawled):
    """thoxuan.vn renamed categories: its addresses keep its folder and its menu's label, the main host's keep theirs."""
    _, archive, truth = crawled
    db = sqlite3.connect(archive / "archive.db")
    rows = {url: (path, label) for url, path, label in
            db.execute("select url, category_path, category_label from url_aliases")}
    renamed = 0
    for page in truth["pages"]:
        if page["kind"] not in ("article", "document") or page["category_path"] != page["categories"][0]:
            continue
        for url in page["urls"]:
            if normalise(url) not in rows:
                continue
            path, label = rows[normalise(url)]
            folder = urlsplit(url).path.split("/web/trang-chu/", 1)[1].rsplit("/", 1)[0]
            assert path == unquote(folder), url
            if folder == page["category_path"]:
                assert label == page["category_label"], url
            else:
                renamed += 1
                assert label, f"{url}: no label from its host's menu for {path}"
    assert renamed, "some articles should have been seen under thoxuan.vn's renamed categories"


def test_images_and_attachments_are_in_the_archive(crawled):
    _, archive, truth = crawled
    db = sqlite3.connect(archive / "archive.db")
    stored = {same_resource(normalise(url)) for (url,) in db.execute("select url from media_urls")}
    wanted = {same_resource(normalise(i["url"])) for p in truth["pages"] for i in p["images"] if not i["broken"]}
    wanted |= {same_resource(normalise(a["url"])) for p in truth["pages"] for a in p["attachments"]}
    assert wanted <= stored, sorted(wanted - stored)[:5]
    for digest, path in db.execute("select digest, path from images union all select digest, path from files"):
        assert digest == "sha256:" + hashlib.sha256((archive / path).read_bytes()).hexdigest()  # named by content
    digests = db.execute("select count(*), count(distinct digest) from images").fetchone()
    assert digests[0] == digests[1]
    assert db.execute("select count(*) from fetches where status = 404").fetchone()[0] >= 1  # the broken image


def test_off_site_pages_never_fetched_and_summary_printed(crawled):
    result, archive, truth = crawled
    db = sqlite3.connect(archive / "archive.db")
    fetched = {url for (url,) in db.execute("select url from fetches")}
    assert not {normalise(u) for u in truth["offsite_pages"]} & fetched
    assert any(u.startswith("https://thanhhoa.gov.vn/portal/Photos/") for u in fetched)
    assert not any("/c/portal/login" in u for u in fetched)  # robots.txt
    assert "progress:" in result.stderr and "the archive holds" in result.stdout
    run = db.execute("select status, pages, articles_new, errors from crawl_runs").fetchall()
    assert run == [("completed", run[0][1], len(truth["pages"]), run[0][3])] and run[0][1] > len(truth["pages"])


def test_recrawl_of_unchanged_site_adds_no_rows(tmp_path):
    with ReplicaServer(Settings(seed=5, articles=40)) as server:
        archive = tmp_path / "archive"
        assert crawl(server, archive).returncode == 0
        tables = ["articles", "article_versions", "url_aliases", "images", "files", "article_images", "attachments"]
        db = sqlite3.connect(archive / "archive.db")
        before = {t: db.execute(f"select count(*) from {t}").fetchone()[0] for t in tables}
        db.close()
        assert crawl(server, archive).returncode == 0
        db = sqlite3.connect(archive / "archive.db")
        after = {t: db.execute(f"select count(*) from {t}").fetchone()[0] for t in tables}
        assert after == before
        assert db.execute("select articles_new, articles_changed from crawl_runs order by id desc").fetchone() == (0, 0)


@pytest.mark.parametrize("stop,after", [(signal.SIGKILL, 3), (signal.SIGKILL, 40), (signal.SIGINT, 20)],
                         ids=["killed-early", "killed-later", "ctrl-c"])
def test_stopped_crawl_resumes_where_it_stopped(tmp_path, stop, after):
    with ReplicaServer(Settings(seed=3, articles=120)) as server:
        archive = tmp_path / "archive"
        env = dict(os.environ, http_proxy=server.url, https_proxy=server.url)
        slow = ["-s", "CONCURRENT_REQUESTS=2", "-s", "DOWNLOAD_DELAY=0.01"]
        proc = subprocess.Popen([sys.executable, "-m", "cli", "crawl", "--archive", str(archive), "--profile",
                                 "fast", *slow], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)
        deadline = time.monotonic() + 60
        db_path = archive / "archive.db"
        while time.monotonic() < deadline:  # wait until it has archived something, then kill it
            time.sleep(0.5)
            if db_path.exists() and count(db_path, "articles") >= after:
                break
        os.killpg(proc.pid, stop)
        assert proc.wait(60) != 0
        deadline = time.monotonic() + 30
        while crawler_processes(proc.pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not crawler_processes(proc.pid)  # the Scrapy child did not crawl on, orphaned
        if stop == signal.SIGINT:  # a clean stop: Scrapy saved its queue
            assert (archive / "state" / "crawl" / "jobdir" / "requests.queue" / "active.json").exists()
        partial = count(db_path, "articles")
        assert after <= partial < 135
        left_open = list((archive / "warcs").glob("*.warc.gz.open"))
        assert bool(left_open) == (stop == signal.SIGKILL)  # a clean stop closes its WARC file
        result = crawl(server, archive, "--resume", *slow)
        assert result.returncode == 0, result.stderr[-3000:]
        truth = json.loads(urlopen_text(f"{server.url}/_replica/truth"))
        assert not score(archive, truth)["problems"]
        db = sqlite3.connect(db_path)
        assert [s for (s,) in db.execute("select status from crawl_runs order by id")] == ["recovered", "completed"]
        # The torn WARC file was trimmed and closed, every file is valid, every link to a record resolves.
        assert not list((archive / "warcs").glob("*.open"))
        for path in (archive / "warcs").glob("*.warc.gz"):
            check = subprocess.run([sys.executable, "-c", "from warcio.cli import main; main()", "check", str(path)],
                                   capture_output=True, text=True)
            assert check.returncode == 0, check.stdout
        verify = subprocess.run([sys.executable, "-m", "cli", "verify", "--archive", str(archive)],
                                capture_output=True, text=True)
        assert verify.returncode == 0, verify.stdout + verify.stderr
        # It went on where it stopped: what the killed run fetched is not fetched again (in-flight requests aside).
        first = {u for (u,) in db.execute("select url from fetches where run_id = 1 and status = 200")}
        second = {u for (u,) in db.execute("select url from fetches where run_id = 2 and status = 200")}
        assert len(first & second) <= 0.1 * len(first) + 10, len(first & second)


def test_crawl_that_reaches_nothing_fails(tmp_path):
    with ReplicaServer(Settings(seed=3, articles=20)) as server:
        result = crawl(server, tmp_path / "archive", "-s", "RETRY_TIMES=0", proxy="http://127.0.0.1:9")
        assert result.returncode != 0
        assert "did not complete (failed)" in result.stderr


def count(db_path: Path, table: str) -> int:
    db = sqlite3.connect(db_path, timeout=30)
    try:
        return db.execute(f"select count(*) from {table}").fetchone()[0]
    except sqlite3.OperationalError:
        return 0
    finally:
        db.close()


def crawler_processes(parent: int) -> list[int]:
    """Processes still running the crawl started by `parent` (by the PORTAL_PARENT_PID it was given)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and f"PORTAL_PARENT_PID={parent}".encode() in (entry / "cmdline").read_bytes():
                status = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
                if status != "Z":
                    found.append(int(entry.name))
        except OSError:
            continue
    return found


def urlopen_text(url: str) -> str:
    with urllib.request.urlopen(url, timeout=120) as response:
        return response.read().decode()


def test_search_command_finds_articles_with_and_without_diacritics(crawled):
    _, archive, truth = crawled
    run = lambda *args: subprocess.run([sys.executable, "-m", "cli", "search", "--archive", str(archive), *args],  # noqa: E731
                                       capture_output=True, text=True, timeout=60)
    page = next(p for p in truth["pages"] if p["kind"] == "article" and len(p["title"].split()) >= 6)
    words = " ".join(page["title"].split()[:6])
    plain = run(fold(words), "--json", "--limit", "50")
    accented = run(words, "--json", "--limit", "50")
    assert plain.returncode == 0 and accented.returncode == 0, plain.stderr
    assert json.loads(plain.stdout) == json.loads(accented.stdout)
    assert page["title"] in {r["title"] for r in json.loads(plain.stdout)}
    text = run("dang bo", "--limit", "3")
    assert text.returncode == 0 and text.stdout.startswith("1. ") and "[" in text.stdout
    assert run('"unbalanced OR * -', "--json").returncode == 0
    missing = run("x", "--archive", str(archive / "nowhere"))
    assert missing.returncode == 1 and "no archive in" in missing.stderr
