"""The site over time: epoch 1 crawl, epoch 2 (edits, additions, removals), epoch 3 (nothing changed)."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from archive.urls import normalise
from replica.server import ReplicaServer, Settings
from test_crawl import crawl, urlopen_text


@pytest.fixture(scope="module")
def epochs(tmp_path_factory):
    archive = tmp_path_factory.mktemp("epochs") / "archive"
    truths = {}
    with ReplicaServer(Settings(seed=23, articles=80)) as server:
        for epoch in (1, 2, 3):
            server.call(server.replica.set_epoch, epoch)
            result = crawl(server, archive)
            assert result.returncode == 0, result.stderr[-3000:]
            truths[epoch] = json.loads(urlopen_text(f"{server.url}/_replica/truth"))
    yield archive, truths


def article_of(db: sqlite3.Connection, page: dict) -> int:
    ids = {db.execute("select article_id from url_aliases where url = ?", [normalise(u)]).fetchone() for u in page["urls"]}
    ids.discard(None)
    assert len(ids) == 1, page["canonical_url"]
    return ids.pop()[0]


def test_edits_make_exactly_one_new_version_and_nothing_else_does(epochs):
    archive, truths = epochs
    db = sqlite3.connect(archive / "archive.db")
    counts = dict(db.execute("select article_id, count(*) from article_versions group by article_id"))
    for page in truths[2]["pages"]:
        article = article_of(db, page)
        edited = set(page["changes"]) & {"title", "body", "caption", "image"}
        if "new" in page["changes"]:
            assert counts[article] == 1, page["canonical_url"]
        elif edited:
            assert counts[article] == 2, (page["canonical_url"], page["changes"])
        else:
            assert counts[article] == 1, (page["canonical_url"], counts[article])


def test_new_articles_found_and_removed_ones_marked_with_evidence(epochs):
    archive, truths = epochs
    db = sqlite3.connect(archive / "archive.db")
    new = [p for p in truths[2]["pages"] if "new" in p["changes"]]
    assert new and all(article_of(db, p) for p in new)
    for gone in truths[2]["removed"]:
        article = article_of(db, gone)
        removed_at, = db.execute("select removed_at from articles where id = ?", [article]).fetchone()
        events = db.execute("select event, status, evidence from article_events where article_id = ?",
                            [article]).fetchall()
        assert removed_at and events[0][0] == "removed", gone
        if gone["how"] in ("404", "410"):
            assert events[0][1] == int(gone["how"]) and events[0][2].startswith("HTTP")
        else:  # still answering, but gone from every listing and link
            assert events[0][1] in (200, 304) and "linked from no listing" in events[0][2]
    # Nothing is deleted: the removed articles keep every version.
    assert db.execute("select count(*) from articles").fetchone()[0] == len(truths[2]["pages"]) + len(
        truths[2]["removed"])


def test_replaced_image_has_a_new_version_at_the_same_url(epochs):
    archive, truths = epochs
    db = sqlite3.connect(archive / "archive.db")
    replaced = [p for p in truths[2]["pages"] if "image" in p["changes"]]
    assert replaced
    for page in replaced:
        url = page["images"][0]["url"]
        digests = {d for u, d in db.execute("select url, digest from media_urls") if same_path(u, url)}
        assert len(digests) == 2
        # The article's two versions show the two contents of that image, the text unchanged.
        shown = db.execute("select v.content_hash, i.digest from article_versions v join article_images i "
                           "on i.version_id = v.id and i.position = 0 where v.article_id = ? order by v.id",
                           [article_of(db, page)]).fetchall()
        assert len(shown) == 2 and shown[0][0] == shown[1][0] and {d for _, d in shown} == digests


def same_path(a: str, b: str) -> bool:
    from urllib.parse import unquote, urlsplit
    return unquote(urlsplit(a).path) == unquote(urlsplit(b).path)


def test_unchanged_recrawl_is_304s_and_revisits_and_no_version(epochs):
    archive, _ = epochs
    db = sqlite3.connect(archive / "archive.db")
    last = db.execute("select max(id) from crawl_runs").fetchone()[0]
    assert db.execute("select count(*) from article_versions where run_id = ?", [last]).fetchone()[0] == 0
    fetches = db.execute(
        "select f.status, r.warc_type from fetches f join url_aliases a on a.url = f.url "
        "left join warc_records r on r.record_id = f.warc_record_id where f.run_id = ?", [last]).fetchall()
    unchanged = sum(1 for status, kind in fetches if status == 304 or kind == "revisit")
    print(f"\nepoch 3: {unchanged} of {len(fetches)} article fetches were 304 or revisits")
    assert fetches and unchanged / len(fetches) >= 0.95
    assert db.execute("select not_modified, articles_new, articles_changed from crawl_runs where id = ?",
                      [last]).fetchone()[1:] == (0, 0)


def test_diff_shows_the_edited_paragraph(epochs):
    archive, truths = epochs
    page = next(p for p in truths[2]["pages"] if "body" in p["changes"] and p["kind"] != "static")
    before = next(p for p in truths[1]["pages"] if p["id"] == page["id"])
    old, new = next((a, b) for a, b in zip(before["body"], page["body"], strict=True) if a != b)
    result = subprocess.run([sys.executable, "-m", "cli", "diff", page["canonical_url"], "--archive", str(archive)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    added = new[len(old):].strip()
    assert f"~ body: {old.split()[0]}" in result.stdout and "{+" + added.split()[0] in result.stdout
    assert "title" not in result.stdout.split("\n", 1)[1]
    unchanged = next(p for p in truths[2]["pages"] if not p["changes"])
    result = subprocess.run([sys.executable, "-m", "cli", "diff", unchanged["canonical_url"], "--archive",
                             str(archive)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and "1 version(s): nothing to compare" in result.stderr


def test_overview_page_changed_in_place_has_its_history(epochs):
    archive, truths = epochs
    db = sqlite3.connect(archive / "archive.db")
    page = next(p for p in truths[2]["pages"] if p["id"] == "s01")
    assert "body" in page["changes"]
    assert db.execute("select count(*) from article_versions where article_id = ?",
                      [article_of(db, page)]).fetchone()[0] == 2


def test_removed_article_that_comes_back_is_recorded(tmp_path: Path):
    from datetime import datetime, timezone

    from archive.db.history import History
    from archive.page.records import Page
    from archive.db.store import Archive

    url = "https://thoxuan.thanhhoa.gov.vn/web/trang-chu/thong-bao/thong-bao-mot.html"
    with Archive(tmp_path) as archive:
        run = archive.start_run("crawl")
        page = Page(url=url, kind="article", title="Thông báo một", lead="Dẫn", body=["Đoạn một."])
        article = archive.save_page(run, page, datetime.now(timezone.utc))
        assert History(archive.db).gone(run, url, 404, datetime.now(timezone.utc))
        assert not History(archive.db).gone(run, url, 404, datetime.now(timezone.utc))  # once
        archive.save_page(run, page, datetime.now(timezone.utc))
        events = [e for (e,) in archive.db.execute("select event from article_events where article_id = ? order by id",
                                                    [article])]
        assert events == ["removed", "returned"]
        assert archive.db.execute("select removed_at from articles where id = ?", [article]).fetchone()[0] is None
