"""The archive on disk: one SQLite database of runs, fetches, articles and their versions, and a folder of media."""

from __future__ import annotations

import hashlib
import io
import json
import mimetypes
import os
import re
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any, Self

from PIL import Image
from sqlite_utils import Database

from archive.page import records

from archive.db import schema

from archive import urls

from archive.db import versions
from archive.db.content import Content, iso, media_key, normalise, now
from archive.text import nfc, safe_filename

RUN_STATUSES = ("completed", "failed", "interrupted", "recovered")
RUN_COUNTS = ("pages", "articles_new", "articles_changed", "articles_removed", "not_modified", "errors", "bytes")
# sqlite-utils update() conversions that widen a first_seen..last_seen span to include the new time.
WIDEN = {"first_seen": "min(first_seen, ?)", "last_seen": "max(last_seen, ?)"}
# mimetypes knows these, but its answers vary between platforms (.jpe, .jfif); a stored path must not.
EXTENSIONS = {
    "image/jpeg": ".jpg", "image/png": ".png", "image/gif": ".gif", "image/webp": ".webp", "image/bmp": ".bmp",
    "image/svg+xml": ".svg", "image/tiff": ".tif", "image/x-icon": ".ico", "image/vnd.microsoft.icon": ".ico",
    "application/pdf": ".pdf", "application/msword": ".doc", "application/vnd.ms-excel": ".xls",
    "application/zip": ".zip", "text/plain": ".txt",
}


def extension(mime: str) -> str:
    ext = EXTENSIONS.get(mime) or mimetypes.guess_extension(mime) or ""
    return ext if ext[1:].isalnum() and ext.isascii() else ".bin"


class Archive:
    """An archive directory: archive.db and media/. Open it from as many processes as needed; one writes at a time."""

    def __init__(self, directory: str | Path):
        self.directory = Path(directory)
        self.media_dir = self.directory / "media"
        self.media_dir.mkdir(parents=True, exist_ok=True)
        self.db: Database = schema.connect(self.directory / "archive.db")
        # What the last save_page did: "new", "changed", "unchanged", or None for a page that is not an article.
        self.last_change: str | None = None
        # How many article versions the last save_media made (an image's bytes changed at the same URL).
        self.last_image_versions = 0

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    # Runs and fetches

    def start_run(self, job: str = "", settings: dict | None = None) -> int:
        with schema.transaction(self.db):
            return self._insert("crawl_runs", {
                "job": nfc(job), "status": "running", "started_at": now(),
                "settings": json.dumps(settings or {}, ensure_ascii=False, default=str, sort_keys=True),
            })

    def interrupt_stale_runs(self, job: str) -> int:
        """Runs of `job` still marked running were killed: mark them interrupted. Returns how many."""
        with schema.transaction(self.db):
            cursor = self.db.execute("update crawl_runs set status = 'interrupted' where job = ? and status = 'running'",
                                     [job])
        return cursor.rowcount

    def finish_run(self, run_id: int, status: str, stats: dict) -> None:
        if status not in RUN_STATUSES:
            raise ValueError(f"run status must be one of {', '.join(RUN_STATUSES)}, not {status!r}")
        counts = {key: int(stats[key]) for key in RUN_COUNTS if stats.get(key) is not None}
        with schema.transaction(self.db):
            self.db.table("crawl_runs").update(run_id, {
                "status": status, "finished_at": now(), **counts,
                "stats": json.dumps(stats, ensure_ascii=False, default=str, sort_keys=True),
            })

    def record_fetch(self, run_id: int, url: str, status: int | None, mime: str = "", size: int = 0,
                     digest: str = "", error: str = "", fetched_at: datetime | None = None,
                     warc_record_id: str = "") -> None:
        with schema.transaction(self.db):
            self.db.table("fetches").insert({
                "run_id": run_id, "url": normalise(url), "status": status, "mime": mime, "size": size,
                "digest": digest, "error": nfc(error), "fetched_at": iso(fetched_at) if fetched_at else now(),
                "warc_record_id": warc_record_id or None,
            })

    # Articles

    def save_page(self, run_id: int, page: records.Page, fetched_at: datetime,
                  category_label: str = "", warc_record_id: str = "", host_label: str = "") -> int | None:
        """Record an article-like page: its identity, every URL it is seen at, and a version when its content changed.

        A page whose identity key is new but whose title, date and lead match an archived article is that
        article listed under one more category (the portal files one article at several paths).
        """
        self.last_change = None
        if page.kind not in records.ARTICLE_KINDS:
            return None
        seen = iso(fetched_at)
        url = normalise(page.url)
        key = urls.identity_key(page.url) or url
        category = urls.folder_of(page.url)
        label = nfc(category_label)
        content = Content.of(page)
        with schema.transaction(self.db):
            self._categorise(category, label)
            article_id = self._find(key, content)
            if article_id is None:
                article_id = self._create(page, key, category, label, seen)
                self.last_change = "new"
            self._returned(run_id, article_id, url, seen, warc_record_id)
            self._alias(article_id, url, key, seen, nfc(host_label))
            self._canonical(article_id, url)
            self.db.table("article_categories").insert({"article_id": article_id, "category_path": category},
                                                       ignore=True)
            self._version(run_id, article_id, url, page, content, seen, warc_record_id)
            if label:
                self.db.execute("update articles set category_label = ? where id = ? and category_path = ?"
                                " and category_label is not ?", [label, article_id, category, label])
        return article_id

    def _find(self, key: str, content: Content) -> int | None:
        row = self.db.execute("select article_id from url_aliases where identity_key = ? limit 1", [key]).fetchone()
        if row:
            return row[0]
        # Without a title and a lead there is too little to tell two pages apart: better two articles than one
        # wrong. Pages that set no lead apart are matched on their date and whole body instead.
        if not (content.title and (content.lead or (content.published and content.body))):
            return None
        row = self.db.execute(
            "select id from articles where title = ? and lead = ? and published is ? and (? != '' or body = ?) "
            "order by id limit 1",
            [content.title, content.lead, content.published, content.lead, content.body],
        ).fetchone()
        return row[0] if row else None

    def _returned(self, run_id: int, article_id: int, url: str, seen: str, warc_record_id: str) -> None:
        """A removed article answers again: it came back, and that is recorded too."""
        removed = self.db.execute("select removed_at from articles where id = ?", [article_id]).fetchone()
        if removed and removed[0]:
            self.db.execute("update articles set removed_at = null where id = ?", [article_id])
            self.db.table("article_events").insert({
                "article_id": article_id, "event": "returned", "at": seen, "url": url, "status": 200,
                "evidence": f"HTTP 200 at {url}", "warc_record_id": warc_record_id or None, "run_id": run_id})

    def _canonical(self, article_id: int, url: str) -> None:
        """The article's canonical address: the best of the addresses that answered 200 with it, never a made one."""
        (current,) = self.db.execute("select canonical_url from articles where id = ?", [article_id]).fetchone()
        best = urls.preferred(current, url)
        if best != current:
            self.db.execute("update articles set canonical_url = ? where id = ?", [best, article_id])

    def _create(self, page: records.Page, key: str, category: str, label: str, seen: str) -> int:
        return self._insert("articles", {
            "identity_key": key, "canonical_url": normalise(page.url), "kind": page.kind,
            "category_path": category, "category_label": label, "method": page.method,
            "first_seen": seen, "last_seen": seen,
        })

    def _insert(self, table: str, row: dict[str, Any]) -> int:
        """Insert a row into a table whose key is an integer id, and return that id."""
        pk = self.db.table(table).insert(row).last_pk
        assert isinstance(pk, int), pk
        return pk

    def _categorise(self, path: str, label: str) -> None:
        self.db.table("categories").insert({"path": path, "label": label}, ignore=True)
        if label:
            self.db.execute("update categories set label = ? where path = ? and label != ?", [label, path, label])

    def _alias(self, article_id: int, url: str, key: str, seen: str, host_label: str = "") -> None:
        """One more address of the article, with the category its host files it under, in that host's words."""
        row = {"url": url, "identity_key": key, "article_id": article_id, "first_seen": seen, "last_seen": seen,
               "category_path": urls.host_folder(url), "category_label": host_label}
        self.db.table("url_aliases").insert(row, ignore=True)
        self._seen("url_aliases", url, seen)
        if host_label:
            self.db.execute("update url_aliases set category_label = ? where url = ? and category_label is not ?",
                            [host_label, url, host_label])

    def _seen(self, table: str, pk: Any, seen: str) -> None:
        """Widen a row's first_seen..last_seen span to include `seen` (crawls may be replayed out of order)."""
        self.db.table(table).update(pk, {"first_seen": seen, "last_seen": seen}, conversions=WIDEN)

    def _version(self, run_id: int, article_id: int, url: str, page: records.Page, content: Content,
                 seen: str, warc_record_id: str = "") -> None:
        digest = content.digest
        latest = self.db.execute(
            "select id, content_hash from article_versions where article_id = ? order by id desc limit 1",
            [article_id],
        ).fetchone()
        if latest and latest[1] == digest:
            self._seen("article_versions", latest[0], seen)
            self._seen("articles", article_id, seen)
            self.last_change = self.last_change or "unchanged"
            return
        version_id = self._insert("article_versions", {
            "article_id": article_id, "url": url, **content.version_fields(page), "first_seen": seen,
            "last_seen": seen, "run_id": run_id, "warc_record_id": warc_record_id or None,
        })
        versions.insert_parts(self.db, version_id, content, page.body_links,
                              lambda key: versions.current_digest(self.db, key))
        self.db.table("articles").update(
            article_id,
            {**content.current_fields(), "kind": page.kind, "method": page.method,
             "current_version_id": version_id, "last_seen": seen},
            conversions=WIDEN,
        )
        self.last_change = self.last_change or "changed"

    # Media

    def save_media(self, run_id: int, url: str, data: bytes, mime: str, filename: str = "",
                   fetched_at: datetime | None = None, warc_record_id: str = "") -> str:
        """Store bytes once, by content, and note which URL served them; returns "sha256:<hex>".

        `filename` (from Content-Disposition) is kept as text only: files are named by their digest.
        """
        hexdigest = hashlib.sha256(data).hexdigest()
        digest = f"sha256:{hexdigest}"
        mime = mime.split(";", 1)[0].strip().lower()
        seen = iso(fetched_at) if fetched_at else now()
        name = safe_filename(filename) or safe_filename(urls.file_name(url))
        table = "images" if mime.startswith("image/") else "files"
        path = self._media_path(digest) or Path("media", hexdigest[:2], hexdigest + extension(mime)).as_posix()
        self._write_once(self.directory / path, data)  # also puts back a file lost from media/
        with schema.transaction(self.db):
            if not self.db.table(table).count_where("digest = ?", [digest]):
                row: dict[str, Any] = {"digest": digest, "size": len(data), "mime": mime, "path": path}
                if table == "images":
                    row.update(dimensions(data))
                else:
                    row["filename"] = name
                self.db.table(table).insert(row, ignore=True)
            url = normalise(url)
            key = media_key(url)
            self.db.table("media_urls").insert({"url": url, "digest": digest, "filename": name, "first_seen": seen,
                                                "last_seen": seen, "run_id": run_id,
                                                "warc_record_id": warc_record_id or None, "image_key": key},
                                               ignore=True)
            self._seen("media_urls", (url, digest), seen)
            if table == "images":
                self.last_image_versions = versions.image_changed(self.db, key, digest, seen, run_id, warc_record_id)
        return digest

    def _media_path(self, digest: str) -> str | None:
        """Where these bytes were first stored, whatever the table and extension (one content, one file)."""
        row = self.db.execute("select path from images where digest = ? union all "
                              "select path from files where digest = ? limit 1", [digest, digest]).fetchone()
        return row[0] if row else None

    @staticmethod
    def _write_once(path: Path, data: bytes) -> None:
        if path.is_file() and path.stat().st_size == len(data):
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written aside then renamed: a reader or a second writer never sees half a file.
        temporary = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex}.tmp")
        try:
            temporary.write_bytes(data)
            os.replace(temporary, path)
        except BaseException:
            temporary.unlink(missing_ok=True)  # a disk that filled up keeps no half file
            raise


def dimensions(data: bytes) -> dict[str, Any]:
    """width and height as Pillow reads them, or the reason it could not (the bytes are stored regardless)."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
    except Exception as exc:  # noqa: BLE001 - Pillow raises many kinds of errors on hostile or truncated images
        # Pillow names the stream in its message (`<_io.BytesIO object at 0x...>`): meaningless once stored.
        message = re.sub(r"<_io\.BytesIO object at 0x[0-9a-f]+>", "the data", str(exc))
        return {"width": None, "height": None, "error": f"{type(exc).__name__}: {message}"}
    return {"width": width, "height": height, "error": None}
