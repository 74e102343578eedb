"""WARC files at rest: reading records back, validating them, fixity, and closing the files a crash left open."""

from __future__ import annotations

import hashlib
import logging
import os
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders, StatusAndHeadersParser

log = logging.getLogger(__name__)

OPEN_SUFFIX = ".open"
WARC_VERSION = "WARC/1.1"
CHUNK = 1 << 20
FEED = 1 << 14
WARC_TYPES = ("warcinfo", "response", "resource", "request", "metadata", "revisit", "conversion", "continuation")
HTTP_CONTENT_TYPES = {"response": "application/http;msgtype=response", "revisit": "application/http;msgtype=response",
                      "request": "application/http;msgtype=request"}
TRUNCATED_REASONS = ("length", "time", "disconnect", "unspecified")
PROFILES = {  # the revisit profiles of WARC 1.1, by the short name the writer takes
    "identical-payload-digest": "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest",
    "server-not-modified": "http://netpreserve.org/warc/1.1/revisit/server-not-modified",
}
RECORD_ID = re.compile(r"<urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}>", re.IGNORECASE)
UTC_DATE = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z")


@dataclass(frozen=True)
class RecordRef:
    """Where one record landed, for the database."""

    filename: str  # the final file name (…warc.gz, not .open), relative to the WARC directory
    offset: int  # byte offset of the record's gzip member
    length: int  # compressed length of the member
    record_id: str  # "<urn:uuid:…>"
    warc_type: str  # "response", "request", "revisit", "warcinfo"
    target_uri: str
    date: str  # the WARC-Date as written
    payload_digest: str  # "sha1:BASE32" of the stored entity body ("" for request/warcinfo)


@dataclass(frozen=True)
class ClosedFile:
    """A WARC file as it was closed: its fixity and what validation found."""

    filename: str
    size: int
    sha256: str
    records: int
    problems: list[str] = field(default_factory=list)  # empty when valid


@dataclass
class _Member:
    """One gzip member of a file and the WARC record it holds; `problem` set when either is incomplete."""

    offset: int
    length: int
    headers: StatusAndHeaders | None = None
    block: bytes = b""
    problem: str = ""


def final_name(path: str | Path) -> str:
    """The name a file has once closed: `….warc.gz` for `….warc.gz.open`."""
    return Path(path).name.removesuffix(OPEN_SUFFIX)


def sha256_file(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def fsync_directory(directory: str | Path) -> None:
    """Make a created, renamed or removed directory entry durable."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _members(path: str | Path) -> Iterator[_Member]:
    """Every gzip member of the file in order; the first torn or non-WARC member ends the walk, flagged."""
    with open(path, "rb") as fh:
        buf, pos, offset = b"", 0, 0
        while True:
            if pos == len(buf):
                buf, pos = fh.read(CHUNK), 0
                if not buf:
                    return
            inflater, parts, length = zlib.decompressobj(zlib.MAX_WBITS | 16), [], 0
            try:
                while not inflater.eof:
                    if pos == len(buf):
                        buf, pos = fh.read(CHUNK), 0
                        if not buf:
                            yield _Member(offset, length, problem="gzip member cut short")
                            return
                    # Small feeds: what zlib leaves unused past a member's end is copied, so keep it small.
                    piece = memoryview(buf)[pos:pos + FEED]
                    parts.append(inflater.decompress(piece))
                    used = len(piece) - len(inflater.unused_data)
                    pos, length = pos + used, length + used
            except zlib.error as exc:
                yield _Member(offset, length, problem=f"not a gzip member ({exc})")
                return
            member = _record(offset, length, b"".join(parts))
            yield member
            if member.problem:
                return
            offset += length


def _record(offset: int, length: int, data: bytes) -> _Member:
    """Parse the one WARC record a member must hold, entirely: headers, a block of Content-Length, CRLF CRLF."""
    member = _Member(offset, length)
    stream = BytesIO(data)
    try:
        member.headers = StatusAndHeadersParser([], verify=False).parse(stream)
        declared = int(member.headers.get_header("Content-Length", ""))
    except (EOFError, ValueError) as exc:
        member.problem = f"no readable WARC record header ({type(exc).__name__})"
        return member
    if not member.headers.protocol.startswith("WARC/"):
        member.problem = f"not a WARC record: {member.headers.protocol!r}"
        return member
    if declared < 0:
        member.problem = f"negative Content-Length {declared}"
        return member
    start = stream.tell()
    member.block = data[start:start + declared]
    if len(data) < start + declared + 4:
        member.problem = f"record cut short: {len(data) - start} of {declared} + 4 bytes"
    elif data[start + declared:] != b"\r\n\r\n":
        member.problem = "the gzip member holds more than one record, or the block is not followed by CRLF CRLF"
    return member


def complete_length(path: str | Path) -> int:
    """Bytes from the start of the file to the end of its last complete member (all before it complete too)."""
    end = 0
    for member in _members(path):
        if member.problem:
            break
        end = member.offset + member.length
    return end


class _Prefix:
    """The first `limit` bytes of a file, for warcio to read without seeing a torn tail."""

    def __init__(self, fh: BinaryIO, limit: int):
        self.fh, self.limit, self.offset = fh, limit, 0

    def read(self, size: int = -1) -> bytes:
        left = self.limit - self.offset
        data = self.fh.read(left if size is None or size < 0 else min(size, left))
        self.offset += len(data)
        return data

    def tell(self) -> int:
        return self.offset


def record_ref(filename: str, offset: int, length: int, headers: StatusAndHeaders) -> RecordRef:
    """The reference to a record from its WARC headers and where its gzip member is."""
    get = headers.get_header
    warc_type = get("WARC-Type", "")
    return RecordRef(filename=final_name(filename), offset=offset, length=length, record_id=get("WARC-Record-ID", ""),
                     warc_type=warc_type, target_uri=get("WARC-Target-URI", ""), date=get("WARC-Date", ""),
                     payload_digest=get("WARC-Payload-Digest", "") if warc_type in ("response", "revisit") else "")


def iter_records(path: str | Path) -> Iterator[RecordRef]:
    """Every complete record of a `.warc.gz` or `.warc.gz.open` file, where warcio finds it."""
    name, end = final_name(path), complete_length(path)
    with open(path, "rb") as fh:
        records = ArchiveIterator(_Prefix(fh, end), no_record_parse=True)
        for record in records:
            yield record_ref(name, records.get_record_offset(), records.get_record_length(), record.rec_headers)


def record_at(source: str | Path | BinaryIO, offset: int, length: int) -> ArcWarcRecord:
    """The record whose gzip member is `length` bytes at `offset` of a file (a path, or a file open for reading).

    A path names the file by its final name: a file still being written is found under `….open`, its records
    indexed so far complete (the closed name is tried again last, in case it was renamed between the two tries).
    The member is read into memory, so the record's streams can be read after the file is closed. Raises
    ValueError when the file ends before the member or the bytes hold no WARC record; FileNotFoundError or another
    OSError when the file cannot be read.
    """
    if isinstance(source, (str, Path)):
        path = Path(source)
        for candidate in (path, path.with_name(path.name + OPEN_SUFFIX)):
            try:
                with open(candidate, "rb") as fh:
                    return record_at(fh, offset, length)
            except FileNotFoundError:
                continue
        with open(path, "rb") as fh:
            return record_at(fh, offset, length)
    source.seek(offset)
    data = source.read(length)
    if len(data) != length:
        raise ValueError(f"the file ends before the record at offset {offset} ({len(data)} of {length} bytes)")
    try:
        return next(iter(ArchiveIterator(BytesIO(data), ensure_http_headers=False)))
    except StopIteration:
        raise ValueError(f"no WARC record at offset {offset}") from None
    except Exception as exc:  # noqa: BLE001 -- warcio raises ArchiveLoadFailed and others on damaged data
        raise ValueError(f"unreadable WARC record at offset {offset}: {exc}") from None


def validate(path: str | Path) -> list[str]:
    """What is wrong with a file (gzip members, mandatory fields, lengths, digests); [] when it is valid."""
    return _check(path)[0]


def _check(path: str | Path) -> tuple[list[str], int]:
    problems: list[str] = []
    warcinfo_id, seen, count = "", set(), 0
    for member in _members(path):
        where = f"offset {member.offset}"
        if member.problem:
            problems.append(f"{where}: {member.problem}")
            break
        assert member.headers is not None
        count += 1
        record_id = member.headers.get_header("WARC-Record-ID", "")
        if count == 1 and member.headers.get_header("WARC-Type") == "warcinfo":
            warcinfo_id = record_id
        problems += [f"{where} {record_id}: {p}" for p in _record_problems(member, count == 1, warcinfo_id, path)]
        if record_id in seen:
            problems.append(f"{where}: WARC-Record-ID {record_id} used twice")
        seen.add(record_id)
    if not count and not problems:
        problems.append("no records")
    if not problems:
        problems += _digest_problems(path)
    return problems, count


def _record_problems(member: _Member, first: bool, warcinfo_id: str, path: str | Path) -> list[str]:
    """Warc-rules 1-3 and the honest-block rules, for one record."""
    headers = member.headers
    assert headers is not None
    get = headers.get_header
    found: list[str] = []
    if headers.protocol != WARC_VERSION:
        found.append(f"{headers.protocol}, not {WARC_VERSION}")
    for name in ("WARC-Record-ID", "WARC-Date", "WARC-Type", "Content-Length"):
        if not get(name):
            found.append(f"no {name}")
    if get("WARC-Record-ID") and not RECORD_ID.fullmatch(get("WARC-Record-ID")):
        found.append(f"WARC-Record-ID {get('WARC-Record-ID')!r} is not <urn:uuid:…>")
    if get("WARC-Date") and not UTC_DATE.fullmatch(get("WARC-Date")):
        found.append(f"WARC-Date {get('WARC-Date')!r} is not an ISO 8601 UTC date")
    warc_type = get("WARC-Type", "")
    if warc_type and warc_type not in WARC_TYPES:
        found.append(f"unknown WARC-Type {warc_type!r}")
    if warc_type in HTTP_CONTENT_TYPES and re.sub(r"\s", "", get("Content-Type", "")).lower() != \
            HTTP_CONTENT_TYPES[warc_type]:
        found.append(f"Content-Type {get('Content-Type')!r} for a {warc_type} record")
    if first:
        if warc_type != "warcinfo":
            found.append("the file does not start with a warcinfo record")
        elif get("WARC-Filename") != final_name(path):
            found.append(f"WARC-Filename {get('WARC-Filename')!r} is not the file's name {final_name(path)!r}")
        if re.sub(r"\s", "", get("Content-Type", "")).lower() != "application/warc-fields":
            found.append("the warcinfo is not application/warc-fields")
    else:
        if get("WARC-Filename"):
            found.append("WARC-Filename outside the warcinfo record")
        if not warcinfo_id or get("WARC-Warcinfo-ID") != warcinfo_id:
            found.append(f"WARC-Warcinfo-ID {get('WARC-Warcinfo-ID')!r} is not the file's warcinfo {warcinfo_id!r}")
        uri = get("WARC-Target-URI", "")
        if not uri or uri.startswith("<") or re.search(r"\s", uri):
            found.append(f"WARC-Target-URI {uri!r} is missing, in angle brackets or has white space")
    if get("WARC-Truncated") and get("WARC-Truncated") not in TRUNCATED_REASONS:
        found.append(f"WARC-Truncated {get('WARC-Truncated')!r} is not one of {', '.join(TRUNCATED_REASONS)}")
    if warc_type == "revisit":
        found += _revisit_problems(headers)
    if warc_type == "response":
        found += _response_block_problems(member.block)
    return found


def _revisit_problems(headers: StatusAndHeaders) -> list[str]:
    profile = headers.get_header("WARC-Profile", "")
    if profile not in PROFILES.values():
        return [f"revisit profile {profile!r} is not a WARC 1.1 profile"]
    needed = ["WARC-Refers-To", "WARC-Refers-To-Date"]
    if profile == PROFILES["identical-payload-digest"]:
        needed += ["WARC-Refers-To-Target-URI", "WARC-Payload-Digest"]
    return [f"revisit without {name}" for name in needed if not headers.get_header(name)]


def _response_block_problems(block: bytes) -> list[str]:
    """An honest HTTP response: no Transfer-Encoding, and Content-Length, if given, the stored body's length."""
    stream = BytesIO(block)
    try:
        http = StatusAndHeadersParser([], verify=False).parse(stream)
    except EOFError:
        http = None
    if http is None or not http.protocol.startswith("HTTP/"):
        return ["the response block does not start with an HTTP status line"]
    found = []
    if http.get_header("Transfer-Encoding"):
        found.append(f"Transfer-Encoding {http.get_header('Transfer-Encoding')!r} in a de-chunked block")
    stored = len(block) - stream.tell()
    declared = http.get_header("Content-Length")
    if declared is not None and declared.strip() != str(stored):
        found.append(f"HTTP Content-Length {declared} but {stored} bytes stored")
    return found


def _digest_problems(path: str | Path) -> list[str]:
    """What `warcio check` would report: every block and payload digest recomputed."""
    found = []
    try:
        with open(path, "rb") as fh:
            records = ArchiveIterator(fh, check_digests=True)
            for record in records:
                while record.raw_stream.read(CHUNK):
                    pass
                found += [f"offset {records.get_record_offset()}: {problem}"
                          for problem in record.digest_checker.problems]
    except Exception as exc:  # noqa: BLE001 -- ArchiveLoadFailed, or whatever else a damaged file makes warcio raise
        found.append(f"warcio could not read the file: {exc}")
    return found


def closed_file(path: str | Path) -> ClosedFile:
    """A complete file as it is closed: its name once closed, size, SHA-256, records, and what validation found."""
    path = Path(path)
    problems, count = _check(path)
    return ClosedFile(filename=final_name(path), size=path.stat().st_size, sha256=sha256_file(path), records=count,
                      problems=problems)


def seal(path: str | Path) -> ClosedFile:
    """Close a flushed `.warc.gz.open` file: validate it, hash it, rename it to `.warc.gz`, make that durable."""
    path = Path(path)
    if not path.name.endswith(OPEN_SUFFIX):
        raise ValueError(f"{path} is not an open WARC file")
    final = path.with_name(final_name(path))
    if final.exists():
        raise FileExistsError(f"{final} already exists: not overwriting it with {path.name}")
    closed = closed_file(path)
    os.rename(path, final)
    fsync_directory(path.parent)
    return closed


def recover(directory: str | Path) -> list[tuple[ClosedFile, list[RecordRef]]]:
    """Close every `.warc.gz.open` file a crash left, cut back to its last complete record.

    Returns each closed file with its records, for the caller to index those it had not recorded. A file without one
    complete record holds nothing worth keeping and is removed.
    """
    directory = Path(directory)
    recovered = []
    for path in sorted(directory.glob(f"*.warc.gz{OPEN_SUFFIX}")):
        size, end = path.stat().st_size, complete_length(path)
        if end < size:
            log.warning("%s: dropping %d bytes of a torn record at offset %d", path.name, size - end, end)
            with open(path, "r+b") as fh:
                fh.truncate(end)
                os.fsync(fh.fileno())
        if end == 0:
            path.unlink()
            fsync_directory(directory)
            continue
        closed = seal(path)
        recovered.append((closed, list(iter_records(directory / closed.filename))))
    return recovered
