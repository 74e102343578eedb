"""Captures of the archive as they were served: which WARC record shows a page at a date, and its HTTP response.

A capture is a `response` or `revisit` record of the WARC files (`warc_records`), with what the crawl noted about
it (`fetches`: status, media type). Revisits are resolved to the original response whose payload they repeat, so a
capture always reads back as a complete HTTP response: status, headers and the decoded body.

Pure Python on the archive database and the files in `ARCHIVE/warcs/`; nothing here serves HTTP (see
`archive.replay.rewrite` for what is sent to a browser, and docs/replay.md).

`db` is anything with the DB-API `execute(sql, params)` of SQLite: a `sqlite3.Connection` (as datasette's
`execute_fn` passes), a `sqlite_utils.Database`, or an `archive.db.store.Archive` (its `.db` is used).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urljoin

from warcio.recordloader import ArcWarcRecord

from archive.site import TIMEZONE as VIETNAM  # the portal's time zone: naive dates of the archive are in it
from archive.replay.records import (CaptureError, HttpResponse, archived_headers, decoded_body, http_status,
                                    read_capture, read_record, record_status)
from archive.replay.spellings import spellings
from archive.urls import identity_key, normalise
from archive.warc.files import PROFILES

# What the web UI and tests import from here, the records' error and response types included.
__all__ = ["VIETNAM", "Capture", "CaptureError", "HttpResponse", "article_captures", "as_moment", "capture",
           "capture_on_or_before", "find_capture", "full_timestamp", "parse_warc_date", "read_response", "spellings",
           "warc_timestamp"]

GOOD_STATUSES = (200, 304)  # what capture_on_or_before shows: a page, or a 304 that repeats one
_DIGITS = re.compile(r"\d{1,14}")
_MAX_REVISIT_HOPS = 4


@dataclass(frozen=True)
class Capture:
    record_id: str  # "<urn:uuid:…>"
    warc_type: str  # "response" or "revisit"
    target_uri: str  # WARC-Target-URI as written
    url: str  # normalised url (archive.urls.normalise)
    date: str  # WARC-Date as written (UTC, ISO)
    timestamp: str  # 14 digits YYYYMMDDhhmmss UTC (wayback style)
    status: int | None  # HTTP status (from fetches.status, else read from the record; None if unknown)
    mime: str  # media type (fetches.mime, else the record's Content-Type without parameters)
    filename: str  # WARC file, in ARCHIVE/warcs/
    offset: int  # byte offset of the record's gzip member
    length: int  # length of that member

    @property
    def moment(self) -> datetime:
        """WARC-Date as an aware UTC datetime."""
        return parse_warc_date(self.date)


# Dates


def parse_warc_date(value: str) -> datetime:
    """A WARC-Date (`2025-03-14T08:30:00.123456Z`) as an aware UTC datetime."""
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(timezone.utc)


def warc_timestamp(value: str) -> str:
    """The 14-digit UTC timestamp (YYYYMMDDhhmmss) of a WARC-Date."""
    return parse_warc_date(value).strftime("%Y%m%d%H%M%S")


def as_moment(moment: datetime | str) -> datetime:
    """An aware datetime from a datetime or text.

    Text: ISO 8601 with an offset (`2025-03-14T15:30:00+07:00`, `…Z`) as written; a 14-digit wayback timestamp
    (UTC); ISO without an offset, or a bare date, is Vietnam time like every date of the archive (a bare date
    means its first instant). A naive datetime is refused: its zone is unknown.
    """
    if isinstance(moment, datetime):
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError(f"{moment!r} has no time zone: give an aware datetime")
        return moment
    text = str(moment).strip()
    if len(text) == 14 and text.isdigit():
        return datetime.strptime(text, "%Y%m%d%H%M%S").replace(tzinfo=timezone.utc)
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
    except ValueError:
        raise ValueError(f"{moment!r} is not an ISO 8601 date or a 14-digit timestamp") from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=VIETNAM)


def full_timestamp(timestamp: str) -> str:
    """A wayback timestamp of 1 to 14 digits as 14 digits; a shorter one means the end of its period."""
    if not isinstance(timestamp, str) or not _DIGITS.fullmatch(timestamp):
        raise ValueError(f"timestamp {timestamp!r}: 1 to 14 digits (YYYYMMDDhhmmss)")
    return timestamp + "99991231235959"[len(timestamp):]


# Queries

_RECORD_COLUMNS = "r.record_id, r.warc_type, r.target_uri, r.date, r.filename, r.offset, r.length"


def _connection(db):
    return getattr(db, "db", db)  # an archive.db.store.Archive holds its Database in .db


def _rows(db, sql: str, params: list | tuple = ()) -> list[tuple]:
    return [tuple(row) for row in _connection(db).execute(sql, list(params)).fetchall()]


def _warc_dir(db) -> Path | None:
    """ARCHIVE/warcs for the database file `db` is open on (None for an in-memory database)."""
    try:
        for _seq, name, path in _rows(db, "PRAGMA database_list"):
            if name == "main" and path:
                return Path(path).parent / "warcs"
    except Exception:  # noqa: BLE001 -- a connection that does not answer PRAGMAs: no directory
        return None
    return None


def _build(row: tuple, fetch: tuple | None, warc_dir: Path | None) -> Capture:
    record_id, warc_type, target_uri, date, filename, offset, length = row[:7]
    url, status, mime = fetch if fetch else ("", None, "")
    if fetch is None or status is None:
        # A capture the crawl did not log as a fetch (a redirect the redirect middleware consumed, a record indexed
        # by crash recovery): its status and type are in the record.
        read_status, read_mime = record_status(warc_dir, filename, offset, length) if warc_dir else (None, "")
        status = status if status is not None else read_status
        mime = mime or read_mime
    return Capture(record_id=record_id, warc_type=warc_type, target_uri=target_uri,
                   url=url or normalise(target_uri), date=date, timestamp=warc_timestamp(date), status=status,
                   mime=mime or "", filename=filename, offset=offset, length=length)


def _fetch_for(db, record_id: str, target_uri: str) -> tuple | None:
    """(url, status, mime) of the fetch that wrote a record, found through the indexed fetches.url."""
    rows = _rows(db, "select url, status, mime from fetches where url = ? and warc_record_id = ? order by id limit 1",
                 [normalise(target_uri), record_id])
    return rows[0] if rows else None


def capture(db, record_id: str, warc_dir: Path | None = None) -> Capture | None:
    """The capture of a `response` or `revisit` record; None for an unknown id or another record type."""
    rows = _rows(db, f"select {_RECORD_COLUMNS} from warc_records r where r.record_id = ? "
                     "and r.warc_type in ('response', 'revisit')", [record_id])
    if not rows:
        return None
    row = rows[0]
    return _build(row, _fetch_for(db, row[0], row[2]), warc_dir or _warc_dir(db))


def _captures_of_fetches(db, urls: list[str], warc_dir: Path | None) -> dict[str, Capture]:
    """Every capture logged as a fetch of one of `urls` (normalised), by record id."""
    found: dict[str, Capture] = {}
    for start in range(0, len(urls), 400):
        chunk = urls[start:start + 400]
        marks = ",".join("?" * len(chunk))
        rows = _rows(db, f"select {_RECORD_COLUMNS}, f.url, f.status, f.mime from fetches f "
                         f"join warc_records r on r.record_id = f.warc_record_id "
                         f"where f.url in ({marks}) and r.warc_type in ('response', 'revisit') order by f.id", chunk)
        for row in rows:
            if row[0] not in found:
                found[row[0]] = _build(row[:7], row[7:], warc_dir)
    return found


def _sorted(captures) -> list[Capture]:
    return sorted(captures, key=lambda c: (c.moment, c.record_id))


def article_captures(db, article_id: int, warc_dir: Path | None = None) -> list[Capture]:
    """Every capture of any of the article's addresses (`url_aliases`), oldest first: pages, 304 revisits, and the
    404/410 answers that showed it gone."""
    urls = [url for (url,) in _rows(db, "select url from url_aliases where article_id = ?", [article_id])]
    return _sorted(_captures_of_fetches(db, urls, warc_dir or _warc_dir(db)).values())


def capture_on_or_before(db, article_id: int, moment: datetime | str,
                         warc_dir: Path | None = None) -> Capture | None:
    """The article as it was at `moment`: its latest capture answered 200 or 304 at or before it; None if none.

    `moment`: an aware datetime, ISO text, or a 14-digit wayback timestamp (which, like a capture's `timestamp`,
    counts to the second: every capture made within that second is at or before it).
    """
    text = moment.strip() if isinstance(moment, str) else ""
    if len(text) == 14 and text.isdigit():
        def before(c: Capture) -> bool:
            return c.timestamp <= text
    else:
        when = as_moment(moment)

        def before(c: Capture) -> bool:
            return c.moment <= when
    good = [c for c in article_captures(db, article_id, warc_dir) if c.status in GOOD_STATUSES and before(c)]
    return good[-1] if good else None


# Finding a URL under every spelling


def _rank(cap: Capture) -> int:
    if cap.status is not None and (200 <= cap.status < 300 or cap.status == 304):
        return 0
    if cap.status is not None and 300 <= cap.status < 400:
        return 1
    return 2


def _gather(db, normalised: set[str], raw: set[str], warc_dir: Path | None) -> dict[str, Capture]:
    """Captures logged as fetches of `normalised` URLs, and records whose target_uri is one of `raw`."""
    found = _captures_of_fetches(db, sorted(normalised), warc_dir)
    raw_list = sorted(raw)
    for start in range(0, len(raw_list), 400):
        chunk = raw_list[start:start + 400]
        marks = ",".join("?" * len(chunk))
        for row in _rows(db, f"select {_RECORD_COLUMNS} from warc_records r where r.target_uri in ({marks}) "
                             "and r.warc_type in ('response', 'revisit')", chunk):
            if row[0] not in found:
                found[row[0]] = _build(row, _fetch_for(db, row[0], row[2]), warc_dir)
    return found


def find_capture(db, url: str, timestamp: str, warc_dir: Path | None = None) -> Capture | None:
    """The capture to show for `url` in a page captured at `timestamp` (wayback style, 1 to 14 digits).

    `url` is matched under every spelling the archive may hold it (see `spellings`) and, for portal pages, every
    address of the same identity. Preferred: the latest 2xx/304 capture at or before the timestamp, else the earliest
    one after it; then redirects, then anything else (errors), by the same rule. None if never captured.
    """
    when = full_timestamp(timestamp)
    warc_dir = warc_dir or _warc_dir(db)
    normalised, raw = spellings(url)
    keys = set()
    for n in normalised:
        key = identity_key(n)
        if key is not None and key.endswith(".html"):
            keys.add(key)
    if keys:
        marks = ",".join("?" * len(keys))
        normalised |= {u for (u,) in _rows(db, f"select url from url_aliases where identity_key in ({marks})",
                                            sorted(keys))}
    found = _gather(db, normalised, raw, warc_dir)
    if not found:
        return None

    def preference(cap: Capture) -> tuple:
        before = cap.timestamp <= when
        # at or before: latest first; after: earliest first
        order = -cap.moment.timestamp() if before else cap.moment.timestamp()
        return _rank(cap), 0 if before else 1, order, cap.record_id

    for cap in sorted(found.values(), key=preference):
        # A redirect to another spelling of the same URL (http → https, one host to the other) would send the
        # replay round in a loop: it is skipped when anything else was captured.
        if _rank(cap) == 1 and warc_dir is not None and _redirects_to(warc_dir, cap) & normalised:
            continue
        return cap
    return min(found.values(), key=preference)


def _redirects_to(warc_dir: Path, cap: Capture) -> set[str]:
    """The normalised spellings of a redirect's Location (empty when there is none or it cannot be read)."""
    try:
        record = read_record(warc_dir, cap.filename, cap.offset, cap.length)
    except CaptureError:
        return set()
    location = record.http_headers.get_header("Location") if record.http_headers else None
    if not location:
        return set()
    try:
        return spellings(urljoin(cap.target_uri, location.strip()))[0]
    except ValueError:
        return set()


# Reading a capture back: revisits resolved


def _original_id(db, cap: Capture, record: ArcWarcRecord) -> str:
    rows = _rows(db, "select refers_to from warc_records where record_id = ?", [cap.record_id])
    if rows and rows[0][0]:
        return rows[0][0]
    header = record.rec_headers.get_header("WARC-Refers-To", "")
    if header:
        return header
    digest = record.rec_headers.get_header("WARC-Payload-Digest", "")
    if digest:
        rows = _rows(db, "select record_id from warc_records where payload_digest = ? and warc_type = 'response' "
                         "order by rowid limit 1", [digest])
        if rows:
            return rows[0][0]
    target = record.rec_headers.get_header("WARC-Refers-To-Target-URI", "") or cap.target_uri
    rows = _rows(db, "select record_id from warc_records where target_uri = ? and warc_type = 'response' "
                     "and date <= ? order by date desc, rowid desc limit 1",
                 [target, record.rec_headers.get_header("WARC-Refers-To-Date", "") or cap.date])
    return rows[0][0] if rows else ""


def _earlier_payload(db, cap: Capture, warc_dir: Path) -> str:
    """For a 304 stored as a plain response: the latest 2xx capture of the same URL before it (its record id)."""
    found = _gather(db, {cap.url}, {cap.target_uri}, warc_dir)
    earlier = [c for c in found.values() if c.status is not None and 200 <= c.status < 300
               and c.moment <= cap.moment and c.record_id != cap.record_id]
    return _sorted(earlier)[-1].record_id if earlier else ""


def read_response(warc_dir: Path, db, cap: Capture) -> HttpResponse:
    """The HTTP response a capture shows, read from its gzip member alone (and its original's, for a revisit).

    A revisit shows the payload of the original response it refers to (`warc_records.refers_to`, else its
    WARC-Refers-To, else the first response with its payload digest). A 304 (a server-not-modified revisit, or a
    304 the crawler had to store whole) shows the 200 it repeats: status, headers and body of that response; a 304
    stored whole with no earlier 200 of its URL is shown as the bare 304 it is. Raises CaptureError when a file, a
    record or the original of a revisit is missing.
    """
    warc_dir = Path(warc_dir)
    record, raw = read_capture(warc_dir, cap)
    profile = record.rec_headers.get_header("WARC-Profile", "")
    not_modified = http_status(record) == 304 or profile == PROFILES["server-not-modified"]
    original_cap: Capture | None = None
    current_cap, current, current_raw = cap, record, raw
    seen = {cap.record_id}
    for _ in range(_MAX_REVISIT_HOPS):
        if current.rec_type == "revisit":
            original_id = _original_id(db, current_cap, current)
            if not original_id:
                raise CaptureError(f"revisit {current_cap.record_id} of {current_cap.target_uri}: no original "
                                   "response found")
        elif http_status(current) == 304:
            original_id = _earlier_payload(db, current_cap, warc_dir)
            if not original_id:
                break
        else:
            break
        if original_id in seen:
            raise CaptureError(f"revisit {cap.record_id}: its originals refer to each other")
        seen.add(original_id)
        original_cap = capture(db, original_id, warc_dir)
        if original_cap is None:
            raise CaptureError(f"{current_cap.record_id} of {current_cap.target_uri}: its original {original_id} "
                               "is not in the index")
        current_cap = original_cap
        current, current_raw = read_capture(warc_dir, original_cap)
    else:
        raise CaptureError(f"{cap.record_id}: no response after {_MAX_REVISIT_HOPS} revisits")
    body, decoded = decoded_body(current, current_raw) if current.rec_type == "response" else (b"", True)
    shown = current if (original_cap is not None and not_modified) else record
    headers = archived_headers(shown)
    if not decoded:  # the bytes keep their encoding: say so
        encoding = current.http_headers.get_header("Content-Encoding")
        if encoding:
            headers.append(("Content-Encoding", encoding))
    status = http_status(shown)
    if status is None:
        raise CaptureError(f"{cap.record_id}: no HTTP status line")
    reason = (shown.http_headers.statusline or "").partition(" ")[2].strip()
    return HttpResponse(status=status, reason=reason, headers=headers, body=body, capture=cap,
                        payload_from=original_cap)
