"""The archive database: its tables, views and full-text index, created and changed only through migrations.

Every change to the schema is a new function registered on `MIGRATIONS`; a released migration is never edited.
docs/schema.md describes every table, column and view (tests/test_schema_docs.py keeps it honest).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlite_utils import Database, Migrations

BUSY_TIMEOUT_MS = 30_000
# unicode61 folds case and, with remove_diacritics 2, every diacritic; the `folded` column also turns đ into d,
# which no SQLite tokenizer does (đ is a letter of its own, not d with a mark).
TOKENIZE = "unicode61 remove_diacritics 2"
FTS_COLUMNS = ("title", "lead", "body", "captions", "folded")

MIGRATIONS = Migrations("portal-archive")


def connect(path: str | Path) -> Database:
    """Open (creating if need be) an archive database: WAL, foreign keys, a patient lock wait, schema up to date."""
    db = Database(path)
    # Set first: turning WAL on, and migrating, may wait for another process that holds the lock.
    db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    _enable_wal(db)
    # In WAL mode NORMAL never corrupts the database and loses no commit when the process is killed; only a power
    # cut may lose the last commits. FULL would fsync every commit, which costs a crawl a third of its time.
    db.execute("PRAGMA synchronous = NORMAL")
    db.execute("PRAGMA foreign_keys = ON")
    migrate(db)
    return db


def _enable_wal(db: Database) -> None:
    # Changing the journal mode needs every other connection gone for an instant, and SQLite answers "locked"
    # at once rather than calling the busy handler: two processes opening a new archive together meet this.
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            db.enable_wal()
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def migrate(db: Database) -> None:
    """Apply pending migrations; a reader opening an up-to-date archive never takes the write lock."""
    if not MIGRATIONS.pending(db):
        return
    # Two processes opening a new archive at once: the second waits here, then finds nothing pending.
    with transaction(db):
        MIGRATIONS.apply(db)


@contextmanager
def transaction(db: Database) -> Iterator[Database]:
    """One write transaction that takes the write lock up front, so that it waits rather than fails when busy.

    A deferred transaction that reads and then writes cannot wait for a concurrent writer in WAL mode
    (SQLITE_BUSY_SNAPSHOT); BEGIN IMMEDIATE can. Nested use becomes a savepoint.
    """
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.rollback()
        raise
    db.commit()


@MIGRATIONS()
def m001_initial(db: Database) -> None:
    db.table("crawl_runs").create(
        {"id": int, "job": str, "status": str, "started_at": str, "finished_at": str, "pages": int,
         "articles_new": int, "articles_changed": int, "articles_removed": int, "not_modified": int, "errors": int,
         "bytes": int, "settings": str, "stats": str},
        pk="id", not_null={"job", "status", "started_at"},
    )
    db.table("fetches").create(
        {"id": int, "run_id": int, "url": str, "status": int, "mime": str, "size": int, "digest": str,
         "error": str, "fetched_at": str, "warc_record_id": str},
        pk="id", foreign_keys=[("run_id", "crawl_runs", "id")], not_null={"run_id", "url", "fetched_at"},
    )
    db.table("fetches").create_index(["run_id"])
    db.table("fetches").create_index(["url"])

    db.table("categories").create({"path": str, "label": str}, pk="path", not_null={"label"}, defaults={"label": ""})
    db.table("articles").create(
        {"id": int, "identity_key": str, "canonical_url": str, "kind": str, "category_path": str,
         "category_label": str, "title": str, "published": str, "published_precision": str, "author": str,
         "lead": str, "body": str, "captions": str, "folded": str, "method": str, "current_version_id": int,
         "first_seen": str, "last_seen": str, "removed_at": str},
        pk="id", foreign_keys=[("category_path", "categories", "path")],
        not_null={"identity_key", "canonical_url", "kind", "category_path", "first_seen", "last_seen"},
    )
    db.table("articles").create_index(["identity_key"], unique=True)
    db.table("articles").create_index(["title", "published"])
    db.table("articles").create_index(["category_path"])
    db.table("articles").create_index(["published"])

    db.table("article_versions").create(
        {"id": int, "article_id": int, "content_hash": str, "url": str, "title": str, "published": str,
         "published_precision": str, "lead": str, "body": str, "body_html": str, "author": str, "method": str,
         "first_seen": str, "last_seen": str, "run_id": int, "warc_record_id": str},
        pk="id", foreign_keys=[("article_id", "articles", "id"), ("run_id", "crawl_runs", "id")],
        not_null={"article_id", "content_hash", "first_seen", "last_seen"},
    )
    db.table("article_versions").create_index(["article_id"])
    db.table("article_categories").create(
        {"article_id": int, "category_path": str}, pk=("article_id", "category_path"),
        foreign_keys=[("article_id", "articles", "id"), ("category_path", "categories", "path")],
    )
    db.table("article_categories").create_index(["category_path"])
    db.table("url_aliases").create(
        {"url": str, "identity_key": str, "article_id": int, "first_seen": str, "last_seen": str},
        pk="url", foreign_keys=[("article_id", "articles", "id")],
        not_null={"identity_key", "article_id", "first_seen", "last_seen"},
    )
    db.table("url_aliases").create_index(["identity_key"])
    db.table("url_aliases").create_index(["article_id"])

    db.table("images").create(
        {"digest": str, "size": int, "width": int, "height": int, "mime": str, "path": str, "error": str},
        pk="digest", not_null={"size", "path"},
    )
    db.table("files").create(
        {"digest": str, "size": int, "mime": str, "filename": str, "path": str},
        pk="digest", not_null={"size", "path"},
    )
    db.table("media_urls").create(
        {"url": str, "digest": str, "filename": str, "first_seen": str, "last_seen": str, "run_id": int,
         "warc_record_id": str, "image_key": str},
        pk=("url", "digest"), foreign_keys=[("run_id", "crawl_runs", "id")],
        not_null={"first_seen", "last_seen"},
    )
    db.table("media_urls").create_index(["digest"])
    db.table("media_urls").create_index(["image_key"])
    db.table("article_images").create(
        {"version_id": int, "position": int, "url": str, "caption": str, "alt": str, "src": str, "image_key": str,
         "digest": str},
        pk=("version_id", "position"), foreign_keys=[("version_id", "article_versions", "id")],
    )
    db.table("article_images").create_index(["url"])
    db.table("article_images").create_index(["image_key"])
    db.table("attachments").create(
        {"version_id": int, "position": int, "url": str, "filename": str, "link_text": str},
        pk=("version_id", "position"), foreign_keys=[("version_id", "article_versions", "id")],
    )
    db.table("attachments").create_index(["url"])
    db.table("article_links").create(
        {"version_id": int, "position": int, "url": str, "identity_key": str},
        pk=("version_id", "position"), foreign_keys=[("version_id", "article_versions", "id")],
    )
    db.table("article_links").create_index(["identity_key"])

    db.table("warc_files").create(
        {"filename": str, "run_id": int, "size": int, "sha256": str, "records": int, "problems": str,
         "closed_at": str}, pk="filename", foreign_keys=[("run_id", "crawl_runs", "id")],
    )
    db.table("warc_records").create(
        {"record_id": str, "filename": str, "offset": int, "length": int, "warc_type": str, "target_uri": str,
         "date": str, "payload_digest": str, "refers_to": str, "run_id": int},
        pk="record_id", foreign_keys=[("run_id", "crawl_runs", "id")],
        not_null={"filename", "offset", "length", "warc_type"},
    )
    db.table("warc_records").create_index(["payload_digest"])
    db.table("warc_records").create_index(["target_uri"])
    db.table("warc_records").create_index(["filename"])

    db.table("validators").create(
        {"url": str, "etag": str, "last_modified": str, "seen": str}, pk="url",
    )
    db.table("article_events").create(
        {"id": int, "article_id": int, "event": str, "at": str, "url": str, "status": int, "evidence": str,
         "warc_record_id": str, "run_id": int},
        pk="id", foreign_keys=[("article_id", "articles", "id"), ("run_id", "crawl_runs", "id")],
        not_null={"article_id", "event", "at"},
    )
    db.table("article_events").create_index(["article_id"])

    db.table("articles").enable_fts(FTS_COLUMNS, create_triggers=True, tokenize=TOKENIZE)
    _reindex_only_on_text_change(db)
    db.create_view("articles_latest", ARTICLES_LATEST)
    db.create_view("article_image_captions", ARTICLE_IMAGE_CAPTIONS)


@MIGRATIONS()
def m002_captures_by_record(db: Database) -> None:
    """The web UI finds the fetch (status, address) behind each WARC record it shows."""
    db.table("fetches").create_index(["warc_record_id"], if_not_exists=True)


@MIGRATIONS()
def m003_canonical_from_answers(db: Database) -> None:
    """Canonical addresses are re-derived from the addresses that answered 200 with each article.

    Archives made before this held a canonical address built by a rule (the main host, https, the main host's
    category names), which for an article only ever seen on thoxuan.vn never existed."""
    from archive.urls import preferred

    by_article: dict[int, list[str]] = {}
    for article_id, url in db.execute("select article_id, url from url_aliases"):
        by_article.setdefault(article_id, []).append(url)
    for article_id, addresses in by_article.items():
        db.execute("update articles set canonical_url = ? where id = ?", [preferred(*addresses), article_id])


@MIGRATIONS()
def m004_extraction_evidence(db: Database) -> None:
    """How extraction found each field of a version and how sure it was (archive.page's `Page.evidence`)."""
    if "extraction" not in db.table("article_versions").columns_dict:
        db.table("article_versions").add_column("extraction", str)


@MIGRATIONS()
def m005_categories_as_each_host_says(db: Database) -> None:
    """Each address keeps the category its own host files the article under, and that host's label for it: an
    article on both hosts may sit under `tin-tuc-su-kien` on one and `tin-tuc-su-kien-trong-huyen` on the other.
    Labels of addresses archived before are learnt again by `rebuild` (from the menus in the WARC files)."""
    from archive.urls import host_folder

    db.table("url_aliases").add_column("category_path", str)
    db.table("url_aliases").add_column("category_label", str)
    for (url,) in db.execute("select url from url_aliases").fetchall():
        db.execute("update url_aliases set category_path = ? where url = ?", [host_folder(url), url])


def _reindex_only_on_text_change(db: Database) -> None:
    """sqlite-utils' update trigger re-indexes an article on any update; every crawl updates `last_seen` only.

    The same trigger, fired by updates of the indexed columns alone, spares an unchanged recrawl an FTS rewrite
    of every article it sees.
    """
    sql = db.execute("select sql from sqlite_master where type = 'trigger' and name = 'articles_au'").fetchone()[0]
    columns = ", ".join(f'"{c}"' for c in FTS_COLUMNS)
    if 'AFTER UPDATE ON "articles"' not in sql:  # another sqlite-utils wording: fail here, not silently slow
        raise RuntimeError(f"unexpected FTS trigger from sqlite-utils: {sql[:80]}")
    db.execute('DROP TRIGGER "articles_au"')
    db.execute(sql.replace('AFTER UPDATE ON "articles"', f'AFTER UPDATE OF {columns} ON "articles"', 1))


ARTICLES_LATEST = """
select
  a.id, a.canonical_url, a.kind, a.category_path,
  coalesce(nullif(c.label, ''), a.category_label, '') as category_label,
  a.title, a.published, a.published_precision, a.author, a.lead, a.body,
  a.current_version_id as version_id,
  (select count(*) from article_versions v where v.article_id = a.id) as versions,
  (select count(*) from url_aliases u where u.article_id = a.id) as aliases,
  a.first_seen, a.last_seen
from articles a
left join categories c on c.path = a.category_path
"""

# The content an image URL served most recently: a URL may serve new bytes over time (a replaced image).
ARTICLE_IMAGE_CAPTIONS = """
select
  a.id as article_id, a.title, i.version_id, i.position, i.url as image_url,
  m.digest, i.caption, i.alt, g.width, g.height, g.path
from articles a
join article_images i on i.version_id = a.current_version_id
left join media_urls m on m.rowid = (
  select m2.rowid from media_urls m2 where m2.url = i.url order by m2.last_seen desc, m2.rowid desc limit 1
)
left join images g on g.digest = m.digest
"""
