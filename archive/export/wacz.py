"""WACZ export: the closed WARC files, a compressed CDXJ index, a page list with text, in one ZIP file.

WACZ 1.1.1 (https://specs.webrecorder.net/wacz/1.1.1/), as ReplayWeb.page opens it and `wacz validate` checks it:

    archive/*.warc.gz           every closed WARC file, stored as is (ZIP_STORED: a CDXJ offset is a file offset)
    indexes/index.cdx.gz        the sorted CDXJ index, in gzip members of BLOCK_LINES lines (ZIP_STORED)
    indexes/index.idx           the first key, offset, length and SHA-256 of each member: ReplayWeb.page reads this
                                alone when it opens the file, then fetches the members a lookup needs
    pages/pages.jsonl           one entry per article: the address and time of its latest 200 capture, title, text
    datapackage.json            the manifest: every file above with its size and SHA-256
    datapackage-digest.json     the SHA-256 of datapackage.json

The database is left out: it is derived from the WARC files (`portal-archive rebuild` makes it again from them), no
WACZ reader uses it, and its text is in pages.jsonl already.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import sqlite3
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Self

from cdxj_indexer.main import CompressedWriter

from archive.warc.cdxj import WARC_PATTERN, cdxj_index
from archive.urls import HOME_PATH, MAIN_HOST, normalise
from archive.warc.files import CHUNK, fsync_directory

WACZ_VERSION = "1.1.1"
BLOCK_LINES = 1024  # CDXJ lines per gzip member of index.cdx.gz, as py-wacz and ArchiveWeb.page write them
DEFAULT_TITLE = "Thọ Xuân district portal (thoxuan.thanhhoa.gov.vn, thoxuan.vn)"
HOME_URL = f"https://{MAIN_HOST}{HOME_PATH}"
INDEX_NAME = "index.cdx.gz"


class WaczError(Exception):
    """Why an export cannot be made; nothing is left at the destination."""


@dataclass(frozen=True)
class WaczSummary:
    path: Path
    warcs: int  # WARC files packed
    pages: int  # entries of pages/pages.jsonl (articles with a 200 capture)
    index_lines: int  # CDXJ lines in indexes/index.cdx.gz
    bytes: int  # size of the WACZ file
    uncaptured: int = 0  # articles left out of pages.jsonl: never captured with a 200 in a packed file


@dataclass(frozen=True)
class Page:
    id: str
    url: str  # the WARC-Target-URI of the capture: what replay looks up
    ts: str  # its WARC-Date
    title: str
    text: str

    def line(self) -> str:
        return json.dumps({"id": self.id, "url": self.url, "ts": self.ts, "title": self.title, "text": self.text},
                          ensure_ascii=False) + "\n"


def export_wacz(archive_dir: Path, dest: Path, title: str | None = None, *,
                block_lines: int = BLOCK_LINES) -> WaczSummary:
    """Write a WACZ of the archive in `archive_dir` to `dest` (replaced if it exists); returns what it holds.

    Only closed WARC files are packed (`….warc.gz.open` is being written), each checked against the SHA-256 recorded
    when it was closed. The file is built as `dest` + `.part` and renamed when complete, so `dest` is never a half
    file, and a failed export leaves what was at `dest` before. `block_lines` CDXJ lines go to each gzip member of
    the index.
    """
    db_path, warc_dir = archive_dir / "archive.db", archive_dir / "warcs"
    if not db_path.is_file():
        raise WaczError(f"no archive in {archive_dir}")
    if not dest.parent.is_dir():
        raise WaczError(f"no directory {dest.parent} to write {dest.name} in")
    if dest.suffix != ".wacz":
        raise WaczError(f"{dest.name}: a WACZ file's name must end in .wacz")
    warcs = sorted(p for p in warc_dir.glob(WARC_PATTERN) if p.is_file())
    if not warcs:
        raise WaczError(f"no closed WARC files in {warc_dir}: nothing to export")
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    db.row_factory = sqlite3.Row
    part = dest.with_suffix(dest.suffix + ".part")
    try:
        db.execute("begin")  # one snapshot of the database for the whole export, whatever a crawl writes meanwhile
        recorded = {row["filename"]: row["sha256"] for row in db.execute("select filename, sha256 from warc_files")}
        pages, uncaptured = article_pages(db, {p.name for p in warcs})
        with tempfile.TemporaryDirectory(prefix=f".{dest.name}.", dir=dest.parent) as tmp, \
                zipfile.ZipFile(part, "w", allowZip64=True) as wacz:
            package = _Package(wacz)
            for path in warcs:  # packed and checked before they are indexed: the indexer fails on a damaged file
                digest = package.add_file(path, f"archive/{path.name}")
                if path.name in recorded and digest != recorded[path.name]:
                    raise WaczError(f"{path.name} differs from the file closed with SHA-256 {recorded[path.name]}"
                                    f" (run `portal-archive verify`)")
            index = Path(tmp) / "index.cdxj"
            try:
                index_lines = cdxj_index(warcs, index)
            except Exception as exc:  # ArchiveLoadFailed, or whatever else a damaged file makes warcio raise
                raise WaczError(f"the WARC files could not be indexed: {str(exc)[:300]}") from exc
            package.add_index(index, block_lines)
            package.add_bytes("pages/pages.jsonl", _pages_jsonl(pages, title or DEFAULT_TITLE))
            main_page = _main_page(db, {p.name for p in warcs}, pages)
            manifest = _datapackage(package, title or DEFAULT_TITLE, main_page, warcs, len(pages))
            package.add_bytes("datapackage.json", manifest, listed=False)
            package.add_bytes("datapackage-digest.json", json.dumps(
                {"path": "datapackage.json", "hash": "sha256:" + hashlib.sha256(manifest).hexdigest()},
                indent=2).encode(), listed=False)
        with open(part, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(part, dest)
        fsync_directory(dest.parent)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    finally:
        db.close()
    return WaczSummary(path=dest, warcs=len(warcs), pages=len(pages), index_lines=index_lines,
                       bytes=dest.stat().st_size, uncaptured=uncaptured)


def article_pages(db: sqlite3.Connection, packed: set[str]) -> tuple[list[Page], int]:
    """One page per article at its latest 200 capture in a packed file, at its canonical address if captured there.

    Returns the pages in article order and how many articles have no such capture. A revisit counts only when its
    original is packed too, since replay needs both.
    """
    captures: dict[int, list[tuple[str, str, str]]] = {}
    for row in db.execute("""
        select u.article_id, f.url, w.target_uri, w.date, w.filename, o.filename as original
        from url_aliases u
        join fetches f on f.url = u.url and f.status = 200
        join warc_records w on w.record_id = f.warc_record_id and w.warc_type in ('response', 'revisit')
        left join warc_records o on o.record_id = w.refers_to
    """):
        if row["filename"] in packed and (not row["original"] or row["original"] in packed):
            captures.setdefault(row["article_id"], []).append((row["url"], row["target_uri"], row["date"]))
    pages, uncaptured = [], 0
    for article in db.execute("select id, canonical_url, title, lead, body from articles order by id"):
        found = captures.get(article["id"])
        if not found:
            uncaptured += 1
            continue
        canonical = normalise(article["canonical_url"])
        _, target_uri, date = max(found, key=lambda c: (c[0] == canonical, c[2]))
        text = "\n\n".join(part for part in (article["title"], article["lead"], article["body"]) if part)
        pages.append(Page(id=str(article["id"]), url=target_uri, ts=date, title=article["title"] or "", text=text))
    return pages, uncaptured


class _Package:
    """The ZIP being written, and the datapackage resource of each file put in it."""

    def __init__(self, wacz: zipfile.ZipFile):
        self.wacz = wacz
        self.resources: list[dict] = []
        self.created = datetime.now(UTC)

    def add_file(self, path: Path, name: str) -> str:
        """Stream a file in, stored uncompressed; returns its SHA-256 (hex)."""
        info = zipfile.ZipInfo.from_file(path, name)  # its size tells zipfile whether ZIP64 is needed
        info.compress_type = zipfile.ZIP_STORED
        with path.open("rb") as src, self._entry(info) as out:
            while chunk := src.read(CHUNK):
                out.write(chunk)
        return self.resources[-1]["hash"].removeprefix("sha256:")

    def add_index(self, cdxj: Path, block_lines: int) -> None:
        """index.cdx.gz from the sorted CDXJ lines, `block_lines` to a gzip member, and index.idx that finds them."""
        idx = io.StringIO()
        info = zipfile.ZipInfo(f"indexes/{INDEX_NAME}", self._date_time())
        info.compress_type = zipfile.ZIP_STORED  # gzip already: stored, so that a reader can fetch one member
        with self._entry(info) as out, cdxj.open("r", encoding="utf-8") as lines:
            blocks = CompressedWriter(idx, out, num_lines=block_lines, data_out_name=INDEX_NAME, digest_records=True)
            for line in lines:
                blocks.write(line)
            if blocks.block:
                blocks.flush()
        self.add_bytes("indexes/index.idx", idx.getvalue().encode("utf-8"))

    def add_bytes(self, name: str, data: bytes, listed: bool = True) -> None:
        info = zipfile.ZipInfo(name, self._date_time())
        info.compress_type = zipfile.ZIP_DEFLATED
        if listed:
            with self._entry(info) as out:
                out.write(data)
        else:  # the manifest and its digest are not resources of the package
            self.wacz.writestr(info, data)

    def _entry(self, info: zipfile.ZipInfo) -> _Counted:
        return _Counted(self.wacz.open(info, "w"), info.filename, self.resources)

    def _date_time(self) -> tuple[int, int, int, int, int, int]:
        return self.created.timetuple()[:6]


class _Counted:
    """A ZIP entry being written, hashed and counted; on close it adds itself to the resources."""

    def __init__(self, out, name: str, resources: list[dict]):
        self.out, self.name, self.resources = out, name, resources
        self.sha256, self.size = hashlib.sha256(), 0

    def write(self, data: bytes) -> int:
        self.sha256.update(data)
        self.size += len(data)
        return self.out.write(data)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self.out.close()
        if exc[0] is None:
            self.resources.append({"name": Path(self.name).name.lower(), "path": self.name,
                                   "hash": "sha256:" + self.sha256.hexdigest(), "bytes": self.size})


def _pages_jsonl(pages: list[Page], title: str) -> bytes:
    header = {"format": "json-pages-1.0", "id": "pages", "title": title, "hasText": True}
    return (json.dumps(header, ensure_ascii=False) + "\n" + "".join(p.line() for p in pages)).encode("utf-8")


def _main_page(db: sqlite3.Connection, packed: set[str], pages: list[Page]) -> tuple[str, str] | None:
    """The home page's latest 200 capture (address, date), for replay to open on; else the first article's."""
    for row in db.execute("""
        select w.target_uri, w.date, w.filename from fetches f
        join warc_records w on w.record_id = f.warc_record_id and w.warc_type = 'response'
        where f.url = ? and f.status = 200 order by w.date desc
    """, [normalise(HOME_URL)]):
        if row["filename"] in packed:
            return row["target_uri"], row["date"]
    return (pages[0].url, pages[0].ts) if pages else None


def _datapackage(package: _Package, title: str, main_page: tuple[str, str] | None, warcs: list[Path],
                 pages: int) -> bytes:
    try:
        software = f"portal-archive {version('portal-archive')}"
    except PackageNotFoundError:  # run from a source tree that was never installed
        software = "portal-archive"
    manifest = {
        "profile": "data-package",
        "wacz_version": WACZ_VERSION,
        "title": title,
        "description": f"Captures of the Thọ Xuân district portal by portal-archive: {len(warcs)} WARC file(s), "
                       f"{pages} articles listed in pages/pages.jsonl with their text.",
        "created": package.created.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "software": software,
        "resources": package.resources,
    }
    if main_page:
        manifest["mainPageUrl"], manifest["mainPageDate"] = main_page
    return json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8")
