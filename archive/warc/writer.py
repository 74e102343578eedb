"""Writes HTTP captures and revisits as WARC 1.1 records, one gzip member each, into size-capped rotating files."""

from __future__ import annotations

import os
import re
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import cached_property
from http import HTTPStatus
from importlib import metadata
from io import BytesIO
from pathlib import Path
from typing import Self
from urllib.parse import SplitResult, quote, urlsplit

from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders, StatusAndHeadersParser
from warcio.timeutils import datetime_to_iso_date
from warcio.utils import Digester
from warcio.warcwriter import WARCWriter

from archive.warc.files import (OPEN_SUFFIX, PROFILES, WARC_VERSION, ClosedFile, RecordRef, fsync_directory,
                                record_ref, seal)

__all__ = ["ClosedFile", "Exchange", "RecordRef", "WarcWriter", "payload_digest", "target_uri"]
# Twisted consumed these: the stored body is de-chunked and its length is synthesised.
FRAMING_HEADERS = {"transfer-encoding", "content-length", "connection"}
PROXY_HEADERS = {"proxy-authorization", "proxy-connection"}
DEFAULT_PORTS = {"http": "80", "https": "443"}
H2 = {"http/2", "http/2.0", "h2"}
# Characters a URI may carry as they are; the rest (spaces, non-ASCII, quotes) is percent-encoded.
URI_SAFE = "!#$%&'()*+,-./:;=?@[]_~"


@dataclass(frozen=True)
class Exchange:
    """One HTTP capture as plain values (the crawler fills it from Scrapy objects).

    Header names and values are str; characters up to U+00FF are written back as single bytes, so header bytes
    decoded as latin-1 are stored exactly as they were on the wire.
    """

    url: str  # absolute URL requested
    method: str  # "GET", "HEAD", ...
    request_headers: list[tuple[str, str]]  # as sent, repeated headers kept; Host may be missing: it is added
    status: int
    reason: str  # real reason phrase ("" → the http.HTTPStatus phrase)
    response_headers: list[tuple[str, str]]  # as received, repeated Set-Cookie kept, framing headers already gone
    body: bytes  # the raw entity body, still content-encoded
    started_at: datetime  # aware; when the capture began; the WARC-Date of both records
    http_version: str = "HTTP/1.1"  # "HTTP/1.0", "HTTP/1.1", or "HTTP/2" (also "h2")
    ip_address: str | None = None
    truncated: str | None = None  # None, "length" (size cap) or "disconnect" (data loss)
    request_body: bytes = b""

    @cached_property
    def payload_digest(self) -> str:
        """The body's `sha1:BASE32`, computed once: deduplication looks it up, the response record carries it."""
        return payload_digest(self.body)


def payload_digest(body: bytes) -> str:
    """`sha1:BASE32` of a body, exactly as the records carry it."""
    digester = Digester("sha1")
    digester.update(body)
    return str(digester)


class _WireHeaders(StatusAndHeaders):
    """HTTP headers serialised byte for byte: warcio would percent-encode any value that is not ASCII."""

    def compute_headers_buffer(self, header_filter=None) -> None:
        lines = self.to_str(header_filter).split("\r\n")
        self.headers_buff = b"\r\n".join(_latin1_or_utf8(line) for line in lines) + b"\r\n"


def _latin1_or_utf8(text: str) -> bytes:
    try:
        return text.encode("latin-1")
    except UnicodeEncodeError:
        return text.encode("utf-8")


def _clean(text: str) -> str:
    """A header name or value on one line: a stray CR or LF would end the header block early."""
    return re.sub(r"[\r\n]+", " ", text)


class WarcWriter:
    """Appends records to `PREFIX-YYYYMMDDhhmmss-SERIAL-HOST.warc.gz.open`, renamed to `….warc.gz` when closed."""

    def __init__(self, directory: str | Path, prefix: str = "portal", host: str = "", max_size: int = 10**9,
                 warcinfo: dict[str, str] | None = None) -> None:
        if not prefix or not re.fullmatch(r"[A-Za-z0-9._-]+", prefix):
            raise ValueError(f"WARC file prefix {prefix!r}: use letters, digits, '.', '_' or '-'")
        if max_size <= 0:
            raise ValueError(f"WARC file size limit {max_size!r}: must be a positive number of bytes")
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.prefix = prefix
        self.host = re.sub(r"[^A-Za-z0-9.-]+", "_", host or socket.gethostname()) or "localhost"
        self.max_size = max_size
        self.warcinfo = dict(warcinfo or {})
        self._fd: int | None = None
        self._path: Path | None = None
        self._size = 0
        self._warcinfo_id = ""
        self._warcinfo_end = 0
        self._serial = -1
        self._closed: list[ClosedFile] = []

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def filename(self) -> str | None:
        """The final name of the file being written, None when no file is open."""
        return self._path.name.removesuffix(OPEN_SUFFIX) if self._path else None

    def write_capture(self, exchange: Exchange) -> tuple[RecordRef, RecordRef]:
        """A response record and its request record; both on disk (fsync'ed) when this returns."""
        def build(warcinfo_id: str) -> list[ArcWarcRecord]:
            # The payload digest given, warcio does not compute it again.
            extra = [("WARC-Payload-Digest", exchange.payload_digest), *_truncated(exchange.truncated)]
            response = self._record("response", exchange, warcinfo_id, _response_headers(exchange),
                                    payload=exchange.body, extra=extra)
            return [response, self._request(exchange, warcinfo_id, response)]

        response, request = self._write(build)
        return response, request

    def write_revisit(self, exchange: Exchange, original: RecordRef, profile: str = "identical-payload-digest"
                      ) -> tuple[RecordRef, RecordRef]:
        """A revisit of `original` (a response record) and the request record; on disk when this returns."""
        if profile not in PROFILES:
            raise ValueError(f"unknown revisit profile {profile!r}: one of {', '.join(PROFILES)}")
        if original.warc_type != "response":
            raise ValueError(f"a revisit refers to an original response, not to a {original.warc_type} record")
        refers = [("WARC-Profile", PROFILES[profile]), ("WARC-Refers-To", original.record_id),
                  ("WARC-Refers-To-Target-URI", original.target_uri), ("WARC-Refers-To-Date", original.date)]
        if profile == "identical-payload-digest":
            if exchange.payload_digest != original.payload_digest:
                raise ValueError(f"{exchange.url}: its payload is not the payload of {original.record_id}")
            # The block stops after the HTTP headers: the payload is the original's.
            refers += [("WARC-Payload-Digest", original.payload_digest), ("WARC-Truncated", "length")]
        else:
            if exchange.status != HTTPStatus.NOT_MODIFIED:
                raise ValueError(f"{exchange.url}: a server-not-modified revisit records a 304, not a "
                                 f"{exchange.status}")
            # pywb finds the original by URI, date and this digest.
            if original.payload_digest:
                refers.append(("WARC-Payload-Digest", original.payload_digest))

        def build(warcinfo_id: str) -> list[ArcWarcRecord]:
            revisit = self._record("revisit", exchange, warcinfo_id, _response_headers(exchange), extra=refers)
            return [revisit, self._request(exchange, warcinfo_id, revisit)]

        revisit, request = self._write(build)
        return revisit, request

    def close(self) -> list[ClosedFile]:
        """Close the open file, if any; every file closed since the last call (rotation closes files too)."""
        self._close_file()
        closed, self._closed = self._closed, []
        return closed

    # Records

    def _request(self, exchange: Exchange, warcinfo_id: str, concurrent: ArcWarcRecord) -> ArcWarcRecord:
        extra = [("WARC-Concurrent-To", concurrent.rec_headers.get_header("WARC-Record-ID"))]
        return self._record("request", exchange, warcinfo_id, _request_headers(exchange),
                            payload=exchange.request_body, extra=extra)

    def _record(self, warc_type: str, exchange: Exchange, warcinfo_id: str, http: StatusAndHeaders,
                payload: bytes | None = None, extra: Sequence[tuple[str, str]] = ()) -> ArcWarcRecord:
        headers = [("WARC-Type", warc_type), ("WARC-Record-ID", StatusAndHeadersParser.make_warc_id()),
                   ("WARC-Date", _warc_date(exchange.started_at)), ("WARC-Target-URI", target_uri(exchange.url)),
                   ("WARC-Warcinfo-ID", warcinfo_id)]
        if exchange.ip_address:
            headers.append(("WARC-IP-Address", exchange.ip_address))
        if _is_h2(exchange.http_version):
            headers.append(("WARC-Protocol", "h2"))
        headers += list(extra)
        content_type = f"application/http;msgtype={'request' if warc_type == 'request' else 'response'}"
        headers.append(("Content-Type", content_type))
        builder = WARCWriter(None, gzip=True, warc_version=WARC_VERSION)
        return builder.create_warc_record(
            "", warc_type, payload=BytesIO(payload) if payload is not None else None,
            length=len(payload) if payload is not None else None, warc_content_type=content_type,
            warc_headers=StatusAndHeaders("", headers, protocol=WARC_VERSION), http_headers=http)

    def _warcinfo(self, filename: str) -> ArcWarcRecord:
        fields = {"software": f"portal-archive/{_version()}", "format": "WARC File Format 1.1",
                  "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/"}
        fields.update(self.warcinfo)
        fields = {_clean(k).replace(":", ""): _clean(str(v)) for k, v in fields.items()}
        return WARCWriter(None, gzip=True, warc_version=WARC_VERSION).create_warcinfo_record(filename, fields)

    # Files

    def _write(self, build: Callable[[str], list[ArcWarcRecord]]) -> list[RecordRef]:
        if self._fd is None:
            self._open_file()
        members = [_serialise(record) for record in build(self._warcinfo_id)]
        # Rotate before the file would pass its limit, unless the pair is alone in a fresh file anyway.
        if self._size + sum(len(data) for data, _ in members) > self.max_size and self._size > self._warcinfo_end:
            self._close_file()
            self._open_file()
            members = [_serialise(record) for record in build(self._warcinfo_id)]
        offset, refs = self._size, []
        for data, record in members:
            refs.append(record_ref(self.filename or "", offset, len(data), record.rec_headers))
            offset += len(data)
        self._append(b"".join(data for data, _ in members))
        return refs

    def _append(self, data: bytes) -> None:
        """Append whole members and make them durable; on failure cut the file back so it stays well-formed."""
        assert self._fd is not None
        start = self._size
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(self._fd, view):]
            os.fsync(self._fd)
        except OSError:
            try:
                os.ftruncate(self._fd, start)
                os.lseek(self._fd, start, os.SEEK_SET)  # else the next record lands past a hole of zeros
            except OSError:
                pass  # the torn tail is cut at the next start-up (warcfiles.recover)
            raise
        self._size = start + len(data)

    def _open_file(self) -> None:
        self._serial = max(self._serial, self._highest_serial()) + 1
        stamp = datetime.now(timezone.utc).strftime("%Y%m%d%H%M%S")
        name = f"{self.prefix}-{stamp}-{self._serial:05d}-{self.host}.warc.gz"
        path = self.directory / (name + OPEN_SUFFIX)
        self._fd, self._path, self._size = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644), path, 0
        warcinfo = self._warcinfo(name)
        try:
            fsync_directory(self.directory)
            self._append(_serialise(warcinfo)[0])
        except BaseException:
            # A file without its warcinfo must not receive records: give it up.
            os.close(self._fd)
            self._fd, self._path = None, None
            path.unlink(missing_ok=True)
            raise
        self._warcinfo_id = warcinfo.rec_headers.get_header("WARC-Record-ID")
        self._warcinfo_end = self._size

    def _close_file(self) -> None:
        if self._fd is None or self._path is None:
            return
        os.fsync(self._fd)
        os.close(self._fd)
        self._fd = None
        path, self._path = self._path, None
        self._closed.append(seal(path))

    def _highest_serial(self) -> int:
        pattern = re.compile(rf"{re.escape(self.prefix)}-\d{{14}}-(\d{{5,}})-.*\.warc\.gz(?:{re.escape(OPEN_SUFFIX)})?")
        serials = [int(m.group(1)) for p in self.directory.iterdir() if (m := pattern.fullmatch(p.name))]
        return max(serials, default=-1)


def _serialise(record: ArcWarcRecord) -> tuple[bytes, ArcWarcRecord]:
    """One record as one gzip member; warcio adds the digests and Content-Length to the record's headers."""
    out = BytesIO()
    WARCWriter(out, gzip=True, warc_version=WARC_VERSION).write_record(record)
    return out.getvalue(), record


def _response_headers(exchange: Exchange) -> StatusAndHeaders:
    """The response as an honest HTTP/1.x message: framing headers dropped, Content-Length of the stored body."""
    reason = exchange.reason
    if not reason:
        try:
            reason = HTTPStatus(exchange.status).phrase
        except ValueError:
            reason = ""
    headers = [(_clean(k), _clean(v)) for k, v in exchange.response_headers if k.lower() not in FRAMING_HEADERS]
    headers.append(("Content-Length", str(len(exchange.body))))
    return _WireHeaders(f"{exchange.status} {_clean(reason)}", headers, protocol=_http_version(exchange))


def _request_headers(exchange: Exchange) -> StatusAndHeaders:
    """The request as sent: method, path with query, Host, the crawler's headers; no proxy credentials."""
    parts = urlsplit(exchange.url)
    target = quote(parts.path or "/", safe=URI_SAFE) + ("?" + quote(parts.query, safe=URI_SAFE) if parts.query else "")
    headers = [(_clean(k), _clean(v)) for k, v in exchange.request_headers
               if k.lower() not in PROXY_HEADERS | {"content-length", "transfer-encoding"}]
    if not any(k.lower() == "host" for k, _ in headers):
        headers.insert(0, ("Host", _host(parts)))
    if exchange.request_body:
        headers.append(("Content-Length", str(len(exchange.request_body))))
    return _WireHeaders(f"{target} {_http_version(exchange)}", headers, protocol=exchange.method.upper())


def _host(parts: SplitResult) -> str:
    """The Host header a client sends for the URL: no credentials, no default port, IDNA-encoded."""
    host = parts.hostname or ""
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        host = quote(host, safe=URI_SAFE)
    if ":" in host:
        host = f"[{host}]"
    if parts.port is not None and str(parts.port) != DEFAULT_PORTS.get(parts.scheme):
        host += f":{parts.port}"
    return host


def _http_version(exchange: Exchange) -> str:
    """HTTP/1.0 stays; HTTP/2 is written as an HTTP/1.1 message (the record says WARC-Protocol: h2)."""
    return "HTTP/1.0" if exchange.http_version.upper() == "HTTP/1.0" else "HTTP/1.1"


def _is_h2(version: str) -> bool:
    return version.lower() in H2


def _truncated(reason: str | None) -> list[tuple[str, str]]:
    return [("WARC-Truncated", reason)] if reason else []


def _warc_date(moment: datetime) -> str:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"capture time {moment!r} has no time zone: give an aware UTC datetime")
    return datetime_to_iso_date(moment.astimezone(timezone.utc).replace(tzinfo=None), use_micros=True)


def target_uri(url: str) -> str:
    """The URL as a URI: white space and non-ASCII percent-encoded (warcio would rewrite spaces when reading)."""
    return quote(url.strip(), safe=URI_SAFE)


def _version() -> str:
    try:
        return metadata.version("portal-archive")
    except metadata.PackageNotFoundError:
        return "unknown"
