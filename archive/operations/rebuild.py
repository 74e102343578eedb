"""Rebuild an archive's database from its WARC files alone: the WARC files are the archive of record.

Every response and revisit record is read in the order it was written, decoded as a browser would, and stored
the way the crawl stored it: HTML through extraction into articles and versions, images and files by content.
The WARC index (files, records) is rebuilt with it, so the new database points at the same records.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from archive.page.extract import extract
from archive.page.menus import category_labels, wants_labels
from archive.page.records import ARTICLE_KINDS
from archive.db.store import Archive
from archive.text import disposition_filename
from archive.urls import folder_of
from archive.warc.files import ClosedFile, RecordRef, sha256_file, validate
from archive.db.record_index import WarcIndex


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


class _Reader:
    def __init__(self, archive: Archive, index: WarcIndex, report: Rebuilt):
        self.archive, self.index, self.report = archive, index, report
        self.runs: dict[str, int] = {}  # the run id a warcinfo names → the new run
        self.labels: dict[str, str] = {}
        self.payloads: dict[str, tuple[Path, int]] = {}  # response record id → where its payload can be read again
        self.run_id: int | None = None

    def read_file(self, path: Path) -> None:
        refs = []
        with path.open("rb") as f:
            records = ArchiveIterator(f)
            for record in records:
                headers = record.rec_headers
                if record.rec_type == "warcinfo":
                    self.start_run(record.content_stream().read().decode("utf-8", "replace"))
                    body = b""
                else:
                    body = record.raw_stream.read() if record.http_headers else b""
                offset, length = records.get_record_offset(), records.get_record_length()
                ref = RecordRef(filename=path.name, offset=offset, length=length,
                                record_id=headers.get_header("WARC-Record-ID"), warc_type=record.rec_type,
                                target_uri=headers.get_header("WARC-Target-URI") or "",
                                date=headers.get_header("WARC-Date") or "",
                                payload_digest=headers.get_header("WARC-Payload-Digest") or "")
                refs.append(ref)
                if record.rec_type in ("response", "revisit"):
                    self.index.add_records(self.run_id, [ref], headers.get_header("WARC-Refers-To") or "")
                    if record.rec_type == "response":
                        self.payloads[ref.record_id] = (path, offset)
                    else:
                        body = self.original_payload(headers.get_header("WARC-Refers-To"), body)
                    # A response cut at its size limit is in the WARC files only, as the crawl left it.
                    truncated = headers.get_header("WARC-Truncated") if record.rec_type == "response" else None
                    self.store(ref, record.http_headers, body, truncated)
                else:
                    self.index.add_records(self.run_id, [ref])
                self.report.records += 1
        self.index.add_file(self.run_id, ClosedFile(path.name, path.stat().st_size, sha256_file(path), len(refs),
                                                    validate(path)))

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
        path, offset = where
        with path.open("rb") as f:
            f.seek(offset)
            for record in ArchiveIterator(f):
                return record.raw_stream.read()
        return fallback

    def store(self, ref: RecordRef, http, raw: bytes, truncated: str | None = None) -> None:
        status = int(http.get_statuscode() or 0)
        content_type = http.get_header("Content-Type") or ""
        mime = content_type.split(";")[0].strip().lower()
        body = decode(raw, http.get_header("Content-Encoding")) if not truncated else raw
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
                self.archive.save_page(self.run_id, page, when, self.labels.get(folder_of(ref.target_uri), ""),
                                       ref.record_id)
                self.report.pages += 1
        else:
            filename = disposition_filename(http.get_header("Content-Disposition"))
            self.archive.save_media(self.run_id, ref.target_uri, body, mime, filename, when, ref.record_id)
            self.report.media += 1


def decode(raw: bytes, encoding: str | None) -> bytes:
    """The body as a browser sees it: gzip and deflate undone (a body that does not decode is kept as it is)."""
    encoding = (encoding or "").strip().lower()
    try:
        if encoding in ("gzip", "x-gzip"):
            return zlib.decompress(raw, 16 + zlib.MAX_WBITS)
        if encoding == "deflate":
            try:
                return zlib.decompress(raw)
            except zlib.error:
                return zlib.decompress(raw, -zlib.MAX_WBITS)
    except zlib.error:
        return raw
    return raw
