"""archive.operations.rebuild: the database made again from the WARC files alone equals the crawl's."""

from __future__ import annotations

import sqlite3

import pytest
from warcio.archiveiterator import ArchiveIterator

from replica.server import ReplicaServer, Settings
from test_crawl import crawl
from test_warc_capture import cli


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """A replica crawled twice into one archive: gzip with faults (500s, resets, cut bodies), then br.

    Pages differ on every fetch (a visit counter), so the second crawl stores them again, br-encoded; images and
    files come again unchanged, as revisits of the first crawl's records.
    """
    archive = tmp_path_factory.mktemp("rebuild") / "archive"
    faults = frozenset({"transient-500", "reset", "truncated"})
    with ReplicaServer(Settings(seed=17, articles=60, faults=faults)) as server:
        first = crawl(server, archive)
        assert first.returncode == 0, first.stderr[-3000:]
        server.call(server.replica.faults.switch, frozenset())
        server.call(setattr, server.replica.settings, "encodings", ("br", "gzip"))
        second = crawl(server, archive)
        assert second.returncode == 0, second.stderr[-3000:]
    codings = set()
    for path in (archive / "warcs").glob("*.warc.gz"):
        with path.open("rb") as f:
            codings |= {record.http_headers.get_header("Content-Encoding") for record in ArchiveIterator(f)
                        if record.rec_type == "response" and record.http_headers}
    assert {"gzip", "br"} <= codings
    return archive


def test_database_rebuilt_from_the_warc_files_alone_matches(crawled, tmp_path):
    archive = crawled
    dest = tmp_path / "rebuilt"
    result = cli("rebuild", str(dest), archive=archive)
    assert result.returncode == 0, result.stderr
    queries = {
        "articles": "select identity_key, canonical_url, kind, category_path, title, published, author, lead, body, "
                    "captions from articles order by identity_key",
        "labels": "select category_path, category_label from articles_latest order by category_path, id",
        "versions": "select a.identity_key, v.content_hash, v.warc_record_id from article_versions v "
                    "join articles a on a.id = v.article_id order by 1, 2",
        "aliases": "select url from url_aliases order by url",
        "images": "select digest, size, width, height, mime, path from images order by digest",
        "files": "select digest, size, mime, path from files order by digest",
        "media_urls": "select url, digest from media_urls order by url, digest",
        "article_images": "select a.identity_key, i.position, i.url, i.caption from article_images i "
                          "join article_versions v on v.id = i.version_id join articles a on a.id = v.article_id "
                          "order by 1, 2",
        "attachments": "select a.identity_key, t.position, t.url, t.filename, t.link_text from attachments t "
                       "join article_versions v on v.id = t.version_id join articles a on a.id = v.article_id "
                       "order by 1, 2",
        "warc_records": "select record_id, filename, offset, length, warc_type, payload_digest, refers_to "
                        "from warc_records where warc_type in ('response', 'revisit') order by record_id",
    }
    original, rebuilt = sqlite3.connect(archive / "archive.db"), sqlite3.connect(dest / "archive.db")
    for name, sql in queries.items():
        want, got = original.execute(sql).fetchall(), rebuilt.execute(sql).fetchall()
        assert want and got == want, name
    assert cli("verify", archive=dest).returncode == 0
    assert cli("rebuild", str(dest), archive=archive).returncode == 1  # never over an existing archive
