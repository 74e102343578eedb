"""Versions read again by a newer extractor: a version's fields rewritten in place, repeats merged into one.

A version stands for what a capture of the page said. When the extractor improves, the same capture may say
something else (an author found, a lead no longer invented): that is a better reading of the same version, not
a new one. And two versions that read the same once re-read were one all along: the later is merged into the
earlier, which then spans both.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database

from archive.db import schema
from archive.db.content import Content
from archive.db.versions import PARTS, VERSION_FIELDS, insert_parts
from archive.page.records import Page


@dataclass(frozen=True)
class StoredVersion:
    id: int
    article_id: int
    content_hash: str
    warc_record_id: str | None
    first_seen: str
    last_seen: str


def versions_of(db: Database, article_id: int) -> list[StoredVersion]:
    return [StoredVersion(*row) for row in db.execute(
        "select id, article_id, content_hash, warc_record_id, first_seen, last_seen from article_versions "
        "where article_id = ? order by id", [article_id])]


def article_ids(db: Database) -> list[int]:
    return [row[0] for row in db.execute("select id from articles order by id")]


def page_record(db: Database, record_id: str | None) -> bool:
    """Whether a version's record is a capture of a page (an image's new bytes make versions too)."""
    if not record_id:
        return False
    row = db.execute("select mime from fetches where warc_record_id = ? limit 1", [record_id]).fetchone()
    return bool(row) and ("html" in (row[0] or "") or not row[0])


def image_digests(db: Database, version_id: int) -> dict[str, str | None]:
    return {key: digest for key, digest in db.execute(
        "select image_key, digest from article_images where version_id = ?", [version_id])}


def rewrite(db: Database, version_id: int, page: Page, content: Content) -> None:
    """The version's fields, images, attachments and links as `page` reads them; the images keep their bytes."""
    digests = image_digests(db, version_id)
    with schema.transaction(db):
        db.table("article_versions").update(version_id, content.version_fields(page))
        for table in PARTS:
            db.execute(f"delete from {table} where version_id = ?", [version_id])
        insert_parts(db, version_id, content, page.body_links, digests.get)


def copy_text(db: Database, source_id: int, version_id: int) -> None:
    """An image's version takes the text its page's version now reads as; its images keep their own bytes."""
    digests = image_digests(db, version_id)
    fields = [f for f in VERSION_FIELDS if f not in ("article_id", "url")]  # the reading, not where it was read
    with schema.transaction(db):
        sets = ", ".join(f"{f} = (select {f} from article_versions where id = ?)" for f in fields)
        db.execute(f"update article_versions set {sets} where id = ?", [source_id] * len(fields) + [version_id])
        for table, columns in PARTS.items():
            names = ", ".join(columns)
            db.execute(f"delete from {table} where version_id = ?", [version_id])
            db.execute(f"insert into {table} (version_id, {names}) select ?, {names} from {table} "
                       "where version_id = ?", [version_id, source_id])
        for key, digest in digests.items():
            db.execute("update article_images set digest = ? where version_id = ? and image_key = ?",
                       [digest, version_id, key])


def merge(db: Database, earlier: StoredVersion, later: StoredVersion) -> None:
    """`later` reads as `earlier` does: one version, spanning both."""
    with schema.transaction(db):
        db.execute("update article_versions set first_seen = min(first_seen, ?), last_seen = max(last_seen, ?) "
                   "where id = ?", [later.first_seen, later.last_seen, earlier.id])
        for table in PARTS:
            db.execute(f"delete from {table} where version_id = ?", [later.id])
        db.execute("update articles set current_version_id = ? where current_version_id = ?", [earlier.id, later.id])
        db.execute("delete from article_versions where id = ?", [later.id])


def refresh_article(db: Database, article_id: int) -> None:
    """The article's current fields and search columns from its current version."""
    row = db.execute("select v.id, v.title, v.published, v.published_precision, v.lead, v.body, v.author, v.method "
                     "from article_versions v where v.article_id = ? order by v.id desc limit 1",
                     [article_id]).fetchone()
    if row is None:
        return
    version_id, title, published, precision, lead, body, author, method = row
    captions = "\n".join(c for (c,) in db.execute(
        "select caption from article_images where version_id = ? and caption != '' order by position", [version_id]))
    fields = Content.fields_of(title or "", published, precision, author or "", lead or "", body or "", captions)
    with schema.transaction(db):
        db.table("articles").update(article_id, {**fields, "method": method, "current_version_id": version_id})
