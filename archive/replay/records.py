"""One WARC record read back from where the index says it is, and the HTTP response it holds.

The index (`warc_records`) gives each record's file, the offset of its gzip member and the member's length: the
member is read alone (`archive.warc.files.record_at`) and checked to be the record asked for; its body is decoded by
`archive.warc.content_encoding`.
"""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING

from warcio.bufferedreaders import ChunkedDataReader
from warcio.recordloader import ArcWarcRecord

from archive.warc.content_encoding import decoded
from archive.warc.files import record_at

if TYPE_CHECKING:
    from archive.replay.captures import Capture

# Headers that describe the transfer, not the resource: they no longer apply once the body is decoded.
HOP_BY_HOP = frozenset({"connection", "keep-alive", "proxy-connection", "proxy-authenticate", "proxy-authorization",
                        "te", "trailer", "trailers", "transfer-encoding", "upgrade", "content-encoding",
                        "content-length"})


class CaptureError(Exception):
    """A capture cannot be read back: its WARC file, its record, or the original a revisit refers to is missing."""


@dataclass
class HttpResponse:
    status: int
    reason: str
    headers: list[tuple[str, str]]  # as archived, minus hop-by-hop and encoding headers that no longer apply
    body: bytes  # transfer- and content-encoding undone
    capture: Capture  # the capture asked for
    payload_from: Capture | None  # for a revisit: the original response whose payload (and for a 304, status) is shown

    def header(self, name: str, default: str = "") -> str:
        """The first value of a header, case-insensitively."""
        name = name.lower()
        return next((v for k, v in self.headers if k.lower() == name), default)

    @property
    def content_type(self) -> str:
        return self.header("Content-Type")


def read_record(warc_dir: Path, filename: str, offset: int, length: int) -> ArcWarcRecord:
    """The record whose gzip member is at `offset` of `filename` (`archive.warc.files.record_at`, a file still being
    written included); CaptureError names what is wrong."""
    if not filename or Path(filename).name != filename or filename in (".", ".."):
        raise CaptureError(f"WARC file name {filename!r} is not a bare file name")
    try:
        return record_at(Path(warc_dir) / filename, offset, length)
    except FileNotFoundError:
        raise CaptureError(f"WARC file {filename} is missing from {warc_dir}") from None
    except OSError as exc:
        raise CaptureError(f"WARC file {filename} cannot be read: {exc}") from None
    except ValueError as exc:
        raise CaptureError(f"WARC file {filename}: {exc}") from None


def http_status(record: ArcWarcRecord) -> int | None:
    """The HTTP status of a record's response; None without one."""
    if record.http_headers is None:
        return None
    try:
        return int(record.http_headers.get_statuscode())
    except (TypeError, ValueError):
        return None


def record_status(warc_dir: Path, filename: str, offset: int, length: int) -> tuple[int | None, str]:
    """(HTTP status, media type) read from a record's HTTP headers; (None, "") when it cannot be read."""
    try:
        record = read_record(warc_dir, filename, offset, length)
    except CaptureError:
        return None, ""
    if record.http_headers is None:
        return None, ""
    return http_status(record), (record.http_headers.get_header("Content-Type") or "").split(";")[0].strip().lower()


def read_capture(warc_dir: Path, cap: Capture) -> tuple[ArcWarcRecord, bytes]:
    """The record of a capture and its payload bytes as stored (still content-encoded)."""
    where = f"{cap.filename}:{cap.offset}"
    record = read_record(warc_dir, cap.filename, cap.offset, cap.length)
    found = record.rec_headers.get_header("WARC-Record-ID", "")
    if found != cap.record_id:
        raise CaptureError(f"{where} holds {found or 'no record id'}, not {cap.record_id}: the index is out of date")
    if record.http_headers is None:
        raise CaptureError(f"{cap.record_id} ({where}) carries no HTTP response")
    return record, record.raw_stream.read()


def decoded_body(record: ArcWarcRecord, raw: bytes) -> tuple[bytes, bool]:
    """(body with transfer- and content-encoding undone, whether the content-encoding could be undone)."""
    http = record.http_headers
    if (http.get_header("Transfer-Encoding") or "").strip().lower() == "chunked":  # a WARC file of another tool
        raw = ChunkedDataReader(BytesIO(raw)).read()  # a body that is not chunked after all is read as it is
    body, left = decoded(raw, http.get_header("Content-Encoding"))
    return body, not left


def archived_headers(record: ArcWarcRecord) -> list[tuple[str, str]]:
    """A record's HTTP headers without those of the transfer."""
    return [(k, v) for k, v in record.http_headers.headers if k.lower() not in HOP_BY_HOP]
