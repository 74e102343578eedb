"""Rebuild an archive's database from its WARC files alone: the WARC files are the archive of record.

Every response and revisit record is read in the order it was written, decoded as a browser would, and stored
the way the crawl stored it: HTML through extraction into articles and versions, images and files by content.
The WARC index (files, records) is rebuilt with it, so the new database points at the same records.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from archive.page.extract import extract
from archive.page.menus import category_labels, wants_labels
from archive.page.records import ARTICLE_KINDS
from archive.db.store import Archive
from archive.text import disposition_filename
from archive.urls import folder_of, host_folder, host_key, host_of
from archive.warc.content_encoding import decoded
from archive.warc.files import RecordRef, closed_file, record_at, record_ref
from archive.db.record_index import WarcIndex
from archive.operations.lock import archive_lock


@dataclass
class Rebuilt:
    files: int = 0
    records: int = 0
    pages: int = 0
    media: int = 0
    skipped: int = 0


def rebuild(warc_dir: Path, dest: Path) -> Rebuilt:
    """Read every closed WARC file of `warc_dir` into a new archive database in `dest` (which must not have one)."""
    if (dest / "archive.db").exists():
        raise FileExistsError(f"{dest / 'archive.db'} exists: rebuild into a new directory")
    report = Rebuilt()
    with Archive(dest) as archive:
        index = WarcIndex(archive.db)
        reader = _Reader(archive, index, report)
        for path in sorted(warc_dir.glob("*.warc.gz")):
            reader.read_file(path)
            report.files += 1
        for run_id in reader.runs.values():
            archive.finish_run(run_id, "completed", {"pages": report.pages, "rebuilt": True})
    return report


class RebuildError(Exception):
    """A rebuild that cannot start: no WARC files to read, or a destination that holds an archive already."""


def rebuild_archive(source: Path, dest: Path) -> Rebuilt:
    """Rebuild the archive in `source` into the new archive `dest`, holding dest's lock (Locked if it is held).

    The closed WARC files are hard-linked (or copied) into DEST/warcs/, then read by rebuild().
    """
    warcs = sorted((source / "warcs").glob("*.warc.gz"))
    if not warcs:
        raise RebuildError(f"no WARC files in {source / 'warcs'}")
    dest.mkdir(parents=True, exist_ok=True)
    with archive_lock(dest):
        if (dest / "archive.db").exists():
            raise RebuildError(f"{dest} already holds an archive: rebuild into a new directory")
        (dest / "warcs").mkdir(exist_ok=True)
        for path in warcs:
            target = dest / "warcs" / path.name
            if not target.exists():
                try:
                    os.link(path, target)  # the same bytes, not a copy
                except OSError:
                    shutil.copy2(path, target)
        return rebuild(dest / "warcs", dest)


class _Reader:
    def __init__(self, archive: Archive, index: WarcIndex, report: Rebuilt):
        self.archive, self.index, self.report = archive, index, report
        self.runs: dict[str, int] = {}  # the run id a warcinfo names → the new run
        self.labels: dict[str, str] = {}
        self.payloads: dict[str, tuple[Path, int, int]] = {}  # response record id → where it can be read again
        self.run_id: int | None = None

    def read_file(self, path: Path) -> None:
        with path.open("rb") as f:
            records = ArchiveIterator(f)
            for record in records:
                headers = record.rec_headers
                if record.rec_type == "warcinfo":
                    self.start_run(record.content_stream().read().decode("utf-8", "replace"))
                    body = b""
                else:
                    body = record.raw_stream.read() if record.http_headers else b""
                ref = record_ref(path.name, records.get_record_offset(), records.get_record_length(), headers)
                if record.rec_type in ("response", "revisit"):
                    self.index.add_records(self.run_id, [ref], headers.get_header("WARC-Refers-To") or "")
                    if record.rec_type == "response":
                        self.payloads[ref.record_id] = (path, ref.offset, ref.length)
                    else:
                        body = self.original_payload(headers.get_header("WARC-Refers-To"), body)
                    # A response cut at its size limit is in the WARC files only, as the crawl left it.
                    truncated = headers.get_header("WARC-Truncated") if record.rec_type == "response" else None
                    self.store(ref, record.http_headers, body, truncated)
                else:
                    self.index.add_records(self.run_id, [ref])
                self.report.records += 1
        self.index.add_file(self.run_id, closed_file(path))

    def start_run(self, fields: str) -> None:
        info = dict(line.split(":", 1) for line in fields.splitlines() if ":" in line)
        key = info.get("run-id", "").strip() or "unknown"
        if key not in self.runs:
            self.runs[key] = self.archive.start_run(job=info.get("job", "").strip() or "rebuild",
                                                    settings={"rebuilt_from_run": key})
        self.run_id = self.runs[key]

    def original_payload(self, record_id: str | None, fallback: bytes) -> bytes:
        """A revisit's payload is its original's (a 304 revisit has none)."""
        where = self.payloads.get(record_id or "")
        if where is None:
            return fallback
        try:
            return record_at(*where).raw_stream.read()
        except ValueError:
            return fallback

    def store(self, ref: RecordRef, http, raw: bytes, truncated: str | None = None) -> None:
        status = int(http.get_statuscode() or 0)
        content_type = http.get_header("Content-Type") or ""
        mime = content_type.split(";")[0].strip().lower()
        # Decoded as the crawl decoded it (a body that does not decode is kept as it is).
        body = decoded(raw, http.get_header("Content-Encoding"))[0] if not truncated else raw
        when = datetime.fromisoformat(ref.date.replace("Z", "+00:00"))
        error = f"truncated: WARC-Truncated: {truncated}" if truncated else ""
        self.archive.record_fetch(self.run_id, ref.target_uri, status, mime, len(body), "", error, when, ref.record_id)
        if truncated or not 200 <= status < 300 or ref.target_uri.endswith("/robots.txt"):
            self.report.skipped += 1
            return
        if "html" in mime or not mime:
            if wants_labels(ref.target_uri):
                for path, label in category_labels(ref.target_uri, body, content_type).items():
                    self.labels.setdefault(path, label)
            page = extract(ref.target_uri, body, content_type)
            if page.kind in ARTICLE_KINDS:
                host_label = self.labels.get(host_key(host_of(ref.target_uri), host_folder(ref.target_uri)), "")
                self.archive.save_page(self.run_id, page, when, self.labels.get(folder_of(ref.target_uri), ""),
                                       ref.record_id, host_label=host_label)
                self.report.pages += 1
        else:
            filename = disposition_filename(http.get_header("Content-Disposition"))
            self.archive.save_media(self.run_id, ref.target_uri, body, mime, filename, when, ref.record_id)
            self.report.media += 1
