"""Article versions made by an image: new bytes behind an image URL are a new version of every article showing it."""

from __future__ import annotations

from collections.abc import Callable

from sqlite_utils import Database

from archive.db.content import Content, media_key
from archive.urls import identity_key

# A version's rows that belong to it, copied when an image makes a new version.
PARTS = {"article_images": ("position", "url", "caption", "alt", "src", "image_key", "digest"),
         "attachments": ("position", "url", "filename", "link_text"),
         "article_links": ("position", "url", "identity_key")}
VERSION_FIELDS = ("article_id", "content_hash", "url", "title", "published", "published_precision", "lead", "body",
                  "body_html", "author", "method", "extraction")


def insert_parts(db: Database, version_id: int, content: Content, body_links: list[str],
                 digest_of: Callable[[str], str | None]) -> None:
    """A version's images (with the bytes `digest_of(image_key)` says they show), attachments and links."""
    db.table("article_images").insert_all(
        {"version_id": version_id, "position": n, "url": i.url, "caption": i.caption, "alt": i.alt, "src": i.src,
         "image_key": media_key(i.url), "digest": digest_of(media_key(i.url))}
        for n, i in enumerate(content.images))
    db.table("attachments").insert_all(
        {"version_id": version_id, "position": n, "url": a.url, "filename": a.filename, "link_text": a.link_text}
        for n, a in enumerate(content.attachments))
    db.table("article_links").insert_all(
        {"version_id": version_id, "position": n, "url": url, "identity_key": identity_key(url)}
        for n, url in enumerate(body_links))


def current_digest(db: Database, image_key: str) -> str | None:
    """The bytes an image URL (on either portal host, either scheme) served last, if it was fetched."""
    row = db.execute("select digest from media_urls where image_key = ? order by last_seen desc, rowid desc limit 1",
                     [image_key]).fetchone()
    return row[0] if row else None


def image_changed(db: Database, image_key: str, digest: str, seen: str, run_id: int | None,
                  warc_record_id: str) -> int:
    """`image_key` now serves `digest`: current versions showing other bytes there get a new version; returns how many.

    A version made before its image was first fetched just learns the digest: that is no change.
    """
    made = 0
    rows = db.execute(
        "select v.id, i.digest from article_images i join article_versions v on v.id = i.version_id "
        "join articles a on a.id = v.article_id and a.current_version_id = v.id "  # by key: no scan of articles
        "where i.image_key = ? and (i.digest is null or i.digest != ?)",
        [image_key, digest]).fetchall()
    for version_id, old_digest in rows:
        if old_digest is None:
            db.execute("update article_images set digest = ? where version_id = ? and image_key = ?",
                       [digest, version_id, image_key])
            continue
        new_id = copy_version(db, version_id, seen, run_id, warc_record_id)
        db.execute("update article_images set digest = ? where version_id = ? and image_key = ?",
                   [digest, new_id, image_key])
        made += 1
    return made


def copy_version(db: Database, version_id: int, seen: str, run_id: int | None, warc_record_id: str) -> int:
    """A new current version with the same text as `version_id` (its content hash too: the page did not change)."""
    fields = ", ".join(VERSION_FIELDS)
    new_id = db.execute(
        f"insert into article_versions ({fields}, first_seen, last_seen, run_id, warc_record_id) "
        f"select {fields}, ?, ?, ?, ? from article_versions where id = ?",
        [seen, seen, run_id, warc_record_id or None, version_id]).lastrowid
    for table, columns in PARTS.items():
        names = ", ".join(columns)
        db.execute(f"insert into {table} (version_id, {names}) select ?, {names} from {table} where version_id = ?",
                   [new_id, version_id])
    db.execute("update articles set current_version_id = ?, last_seen = max(last_seen, ?) "
               "where id = (select article_id from article_versions where id = ?)", [new_id, seen, new_id])
    return new_id
