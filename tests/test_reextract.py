"""portal-archive reextract: an archive read by a worse extractor becomes what a fresh crawl makes, with no new versions."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys

import pytest

from archive.db import versions
from archive.operations.reextract import reextract
from replica.server import ReplicaServer, Settings
from test_crawl import crawl

FIELDS = "a.identity_key, a.canonical_url, a.title, a.published, a.author, a.lead, a.body, a.captions, a.folded"


def snapshot(path) -> dict:
    db = sqlite3.connect(path / "archive.db")
    try:
        return {
            "articles": db.execute(f"select {FIELDS} from articles a order by a.identity_key").fetchall(),
            "versions": db.execute("select a.identity_key, count(*) from article_versions v join articles a "
                                   "on a.id = v.article_id group by a.identity_key order by 1").fetchall(),
            "current": db.execute("select a.identity_key, v.title, v.lead, v.author, v.body, v.extraction from articles a join "
                                  "article_versions v on v.id = a.current_version_id order by 1").fetchall(),
            "images": db.execute("select a.identity_key, i.position, i.url, i.caption, i.digest from articles a join "
                                 "article_images i on i.version_id = a.current_version_id order by 1, 2").fetchall(),
            "fts": db.execute("select count(*) from articles_fts where articles_fts match 'thọ'").fetchone(),
        }
    finally:
        db.close()


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """A fresh crawl by today's extractor, over an edit epoch: the reference."""
    archive = tmp_path_factory.mktemp("reextract") / "archive"
    with ReplicaServer(Settings(seed=31, articles=30)) as server:
        for epoch in (1, 2):
            server.call(server.replica.set_epoch, epoch)
            result = crawl(server, archive)
            assert result.returncode == 0, result.stderr[-3000:]
    return archive


def read_by_a_worse_extractor(path) -> int:
    """What an older extractor left: authors lost, leads invented, a version made by noise. Returns versions added."""
    db = sqlite3.connect(path / "archive.db")
    db.execute("update article_versions set author = '', lead = substr(body, 1, 40), extraction = null, "
               "content_hash = 'old:' || content_hash")
    db.execute("update articles set author = '', lead = substr(body, 1, 40)")
    rows = db.execute("select v.id, v.warc_record_id from articles a join article_versions v "
                      "on v.id = a.current_version_id order by a.id limit 3").fetchall()
    db.commit()
    for version_id, record_id in rows:  # the noise of a page read as an edit: one more version per article
        new_id = versions.copy_version(db, version_id, "2026-01-01T00:00:00+07:00", None, record_id)
        db.execute("update article_versions set content_hash = 'old:noise' where id = ?", [new_id])
    db.commit()
    db.close()
    return len(rows)


def test_reextract_gives_a_fresh_crawls_fields_without_spurious_versions(crawled, tmp_path):
    reference = snapshot(crawled)
    assert any(n > 1 for _, n in reference["versions"]), "the epoch should have made some second versions"
    old = tmp_path / "old"
    shutil.copytree(crawled, old)
    added = read_by_a_worse_extractor(old)
    damaged = snapshot(old)
    assert damaged["articles"] != reference["articles"] and damaged["versions"] != reference["versions"]

    report = reextract(old)

    assert not report.errors
    assert report.merged == added
    assert report.rewritten >= len(reference["articles"])
    assert snapshot(old) == reference
    verify = subprocess.run([sys.executable, "-m", "cli", "verify", "--archive", str(old)],
                            capture_output=True, text=True)
    assert verify.returncode == 0, verify.stdout + verify.stderr


def test_reextract_of_an_archive_read_by_this_extractor_changes_nothing(crawled, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(crawled, copy)
    report = reextract(copy)
    assert (report.rewritten, report.merged, report.changed_articles, report.errors) == (0, 0, 0, [])
    assert report.versions >= report.articles > 0
    assert snapshot(copy) == snapshot(crawled)


def test_reextract_refuses_a_missing_archive(tmp_path):
    with pytest.raises(FileNotFoundError, match="no archive"):
        reextract(tmp_path / "nowhere")
    assert not (tmp_path / "nowhere").exists()


def test_the_command_reports_refuses_a_missing_archive_and_waits_for_no_crawl(crawled, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(crawled, copy)
    run = lambda archive: subprocess.run([sys.executable, "-m", "cli", "reextract", "--archive", str(archive)],  # noqa: E731
                                         capture_output=True, text=True)
    done = run(copy)
    assert done.returncode == 0, done.stderr
    assert "0 read differently now, 0 merged" in done.stdout
    missing = run(tmp_path / "typo")
    assert missing.returncode != 0 and "Traceback" not in missing.stderr and not (tmp_path / "typo").exists()
    from archive.operations.lock import archive_lock

    with archive_lock(copy).acquire():  # a crawl writing the archive
        busy = run(copy)
    assert busy.returncode == 75 and "Traceback" not in busy.stderr, busy.stderr
