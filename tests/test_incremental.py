"""Scheduled incremental runs on the site over time: `discover` finds what is new, `recheck` what changed or went."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from archive.db.history import due_for_recheck
from archive.db.store import Archive
from replica.server import ReplicaServer, Settings
from test_crawl import crawl, urlopen_text
from test_versions import article_of, same_path


SCHEDULE = """\
timezone: Asia/Ho_Chi_Minh
archive: {archive}
recheck:
  - {{age: any, every: 1s}}
jobs:
  discover:
    trigger: {{cron: "15 7,12,17 * * *"}}
    covers: discover
    settings: {{PORTAL_PROFILE: fast}}
  recheck:
    trigger: {{cron: "0 2 * * *"}}
    covers: recheck
    settings: {{PORTAL_PROFILE: fast}}
"""


def run_job(schedule: Path, job: str, server: ReplicaServer) -> None:
    """What `portal-archive schedule` does when the job comes due, as cron would: `portal-archive run JOB`."""
    env = dict(os.environ, http_proxy=server.url, https_proxy=server.url)
    result = subprocess.run([sys.executable, "-m", "cli", "run", job, "--schedule", str(schedule)], env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]


@pytest.fixture(scope="module")
def incremental(tmp_path_factory):
    folder = tmp_path_factory.mktemp("incremental")
    archive = folder / "archive"
    schedule = folder / "schedule.yaml"
    schedule.write_text(SCHEDULE.format(archive=archive))
    with ReplicaServer(Settings(seed=29, articles=60)) as server:
        assert crawl(server, archive).returncode == 0  # epoch 1: the first, full crawl
        before = json.loads(urlopen_text(f"{server.url}/_replica/truth"))
        server.call(server.replica.set_epoch, 2)
        run_job(schedule, "discover", server)
        time.sleep(1.1)  # the policy rechecks what was not seen for a second
        run_job(schedule, "recheck", server)
        after = json.loads(urlopen_text(f"{server.url}/_replica/truth"))
        server.call(server.replica.set_epoch, 3)
        time.sleep(1.1)
        run_job(schedule, "recheck", server)
    yield archive, before, after


def runs(db: sqlite3.Connection) -> list[tuple]:
    return db.execute("select id, articles_new, articles_changed, articles_removed, not_modified from crawl_runs "
                      "order by id").fetchall()


def test_discover_finds_new_articles_without_fetching_known_ones(incremental):
    archive, before, after = incremental
    db = sqlite3.connect(archive / "archive.db")
    discover = runs(db)[1]
    new = [p for p in after["pages"] if "new" in p["changes"]]
    assert discover[1] == len(new) and discover[2] == 0
    gone = {u for g in after["removed"] for u in g["urls"]}  # fetched once more on purpose: see below
    known = {u for p in before["pages"] for u in p["urls"]} - gone
    fetched = {u for (u,) in db.execute("select url from fetches where run_id = ? and status in (200, 304)",
                                        [discover[0]])}
    refetched = sorted(fetched & known)
    assert not refetched, refetched[:3]
    # Removed articles are noticed too: nothing links them any more, so they are fetched once more.
    removed = {article_of(db, g) for g in after["removed"]}
    marked = {a for (a,) in db.execute("select article_id from article_events where run_id = ? and event = 'removed'",
                                       [discover[0]])}
    assert marked == removed


def test_recheck_finds_every_edit_and_nothing_else(incremental):
    archive, _, after = incremental
    db = sqlite3.connect(archive / "archive.db")
    recheck = runs(db)[2]
    counts = dict(db.execute("select article_id, count(*) from article_versions group by article_id"))
    for page in after["pages"]:
        edited = set(page["changes"]) & {"title", "body", "caption", "image"}
        assert counts[article_of(db, page)] == (2 if edited else 1), (page["canonical_url"], page["changes"])
    edits = sum(1 for p in after["pages"] if set(p["changes"]) & {"title", "body", "caption", "image"})
    assert recheck[2] == edits and recheck[1] == 0
    assert recheck[4] > 0.8 * len(after["pages"])  # the rest answered 304
    replaced = next(p for p in after["pages"] if "image" in p["changes"])
    digests = {d for u, d in db.execute("select url, digest from media_urls") if same_path(u, replaced["images"][0]["url"])}
    assert len(digests) == 2


def test_recheck_policy_checks_recent_articles_more_often(tmp_path):
    from archive.page.records import Page

    now = datetime(2025, 7, 1, tzinfo=timezone.utc)
    with Archive(tmp_path) as archive:
        run = archive.start_run("crawl")
        day = timedelta(days=1)
        # (published, first archived, last seen): the age runs from the later of publication and last change.
        for n, (published, first, last) in enumerate([(now - 2 * day, now - 2 * day, now - timedelta(hours=7)),
                                                      (now - 2 * day, now - 2 * day, now - timedelta(hours=1)),
                                                      (now - 400 * day, now - 300 * day, now - 3 * day),
                                                      (now - 400 * day, now - 400 * day, now - 40 * day)]):
            page = Page(url=f"https://thoxuan.vn/web/trang-chu/thong-bao/bai-{n}.html", kind="article",
                        title=f"Bài {n}", lead="Dẫn", body=["Đoạn."], published=published, published_precision="day")
            archive.save_page(run, page, first)
            archive.save_page(run, page, last)  # unchanged: seen again
        policy = [(7 * 86400, 6 * 3600), (365 * 86400, 7 * 86400), (None, 30 * 86400)]
        due = due_for_recheck(archive.db, policy, now)
    assert sorted(u.rsplit("/", 1)[1] for u in due) == ["bai-0.html", "bai-3.html"]


def test_a_recheck_of_the_unchanged_site_makes_no_version_and_is_mostly_304s(incremental):
    archive, _, _ = incremental
    db = sqlite3.connect(archive / "archive.db")
    last = runs(db)[3]
    assert db.execute("select count(*) from article_versions where run_id = ?", [last[0]]).fetchone()[0] == 0
    fetches = db.execute(
        "select f.status, r.warc_type from fetches f join url_aliases a on a.url = f.url "
        "left join warc_records r on r.record_id = f.warc_record_id where f.run_id = ?", [last[0]]).fetchall()
    unchanged = sum(1 for status, kind in fetches if status == 304 or kind == "revisit")
    assert fetches and unchanged / len(fetches) >= 0.95, (unchanged, len(fetches))
    jobs = [job for (job,) in db.execute("select job from crawl_runs order by id")]
    assert jobs == ["crawl", "discover", "recheck", "recheck"]


def test_every_304_is_archived_as_a_revisit_of_a_response(incremental):
    """Even for an address whose last capture was itself a revisit (the same image behind both portal hosts)."""
    archive, _, _ = incremental
    db = sqlite3.connect(archive / "archive.db")
    answers = db.execute(
        "select r.warc_type, o.warc_type from fetches f join warc_records r on r.record_id = f.warc_record_id "
        "left join warc_records o on o.record_id = r.refers_to where f.status = 304").fetchall()
    assert answers and all(kinds == ("revisit", "response") for kinds in answers), set(answers)
    # the hard case happened: a 304 at an address whose earlier capture was a revisit of another address
    crossed = db.execute(
        "select count(*) from fetches f join warc_records r on r.record_id = f.warc_record_id "
        "join warc_records o on o.record_id = r.refers_to where f.status = 304 and o.target_uri != r.target_uri"
    ).fetchone()[0]
    assert crossed > 0
