"""pywb replays what export_pywb sets up: pages, images, same-URL and cross-URL revisits, across WARC files."""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from PIL import Image
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.warcwriter import WARCWriter

from archive.export import pywb
from archive.export.pywb import export_pywb
from archive.warc.cdxj import cdxj_index

SITE = "https://thoxuan.thanhhoa.gov.vn"
PAGE_URL = SITE + "/web/trang-chu/tin-tuc-su-kien/xay-dung-dang/bai-viet.html"
IMG_SRC = "/documents/1/0/anh (1).JPG"  # as written in the page
IMG_URL = SITE + "/documents/1/0/anh%20(1).JPG"  # as a browser (and the crawler) requests it
COPY_URL = SITE + "/documents/1/0/anh-ban-sao.jpg"  # another URL, the same bytes
PROFILE = "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"

FIRST = datetime(2025, 3, 14, 8, 30, 0, tzinfo=UTC)
LATER = FIRST + timedelta(days=1)
COPY_AT = LATER + timedelta(seconds=5)

HTML = f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><title>Xây dựng Đảng</title></head>
<body><h1>Hội nghị Ban Chấp hành Đảng bộ huyện Thọ Xuân</h1>
<p>Sáng ngày 14/3, Ban Thường vụ Huyện ủy tổ chức hội nghị.</p>
<img src="{IMG_SRC}" alt="Quang cảnh hội nghị">
</body></html>
""".encode()


def ts(when: datetime) -> str:
    return when.strftime("%Y%m%d%H%M%S")


def iso(when: datetime) -> str:
    return datetime_to_iso_date(when.replace(tzinfo=None))


def sha1_digest(data: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode()


def jpeg_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (16, 12), (200, 30, 40)).save(out, "JPEG", quality=90)
    return out.getvalue()


class Warc:
    """One WARC file written with warcio itself (the project's own writer is not under test here)."""

    def __init__(self, path: Path):
        self.path = path
        self.file = path.open("wb")
        self.writer = WARCWriter(self.file, gzip=True, warc_version="1.1")
        info = self.writer.create_warcinfo_record(path.name.removesuffix(".open"), {
            "software": "test_replay", "format": "WARC File Format 1.1", "isPartOf": "portal-archive"})
        self.info_id = info.rec_headers.get_header("WARC-Record-ID")
        self.writer.write_record(info)

    def capture(self, url: str, when: datetime, headers: list[tuple[str, str]], body: bytes) -> str:
        """A response and its request, same date, linked; returns the response's record id."""
        http = StatusAndHeaders("200 OK", headers + [("Content-Length", str(len(body)))], protocol="HTTP/1.1")
        resp = self.writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http,
                                              warc_headers_dict=self._common(when))
        rid = resp.rec_headers.get_header("WARC-Record-ID")
        self.writer.write_record(resp)
        self.writer.write_record(self.writer.create_warc_record(
            url, "request", http_headers=self._request(url),
            warc_headers_dict=self._common(when) | {"WARC-Concurrent-To": rid}))
        return rid

    def revisit(self, url: str, when: datetime, headers: list[tuple[str, str]], body: bytes,
                original: Original) -> None:
        """An identical-payload-digest revisit (HTTP headers only) and its request."""
        http = StatusAndHeaders("200 OK", headers + [("Content-Length", str(len(body)))], protocol="HTTP/1.1")
        rec = self.writer.create_warc_record(url, "revisit", http_headers=http, warc_headers_dict=self._common(when) | {
            "WARC-Profile": PROFILE,
            "WARC-Payload-Digest": sha1_digest(body),
            "WARC-Truncated": "length",
            "WARC-Refers-To": original.record_id,
            "WARC-Refers-To-Target-URI": original.url,
            "WARC-Refers-To-Date": iso(original.date),
        })
        rid = rec.rec_headers.get_header("WARC-Record-ID")
        self.writer.write_record(rec)
        self.writer.write_record(self.writer.create_warc_record(
            url, "request", http_headers=self._request(url),
            warc_headers_dict=self._common(when) | {"WARC-Concurrent-To": rid}))

    def close(self) -> Path:
        self.file.close()
        return self.path

    def _common(self, when: datetime) -> dict[str, str]:
        return {"WARC-Date": iso(when), "WARC-Warcinfo-ID": self.info_id, "WARC-IP-Address": "203.0.113.7"}

    @staticmethod
    def _request(url: str) -> StatusAndHeaders:
        path = url.removeprefix(SITE)
        return StatusAndHeaders(f"GET {path} HTTP/1.1", [
            ("Host", "thoxuan.thanhhoa.gov.vn"), ("User-Agent", "portal-archive (test)"),
            ("Accept-Encoding", "gzip, deflate, br, zstd")], is_http_request=True)


@dataclass(frozen=True)
class Original:
    record_id: str
    url: str
    date: datetime


@dataclass
class Archive:
    warc_dir: Path
    image: bytes
    records: int  # response + revisit records in the closed files


def write_archive(warc_dir: Path) -> Archive:
    """Two crawls a day apart, in two files, and a third file still being written."""
    warc_dir.mkdir(parents=True, exist_ok=True)
    image = jpeg_bytes()
    jpeg = [("Content-Type", "image/jpeg"), ("Last-Modified", "Thu, 13 Mar 2025 10:00:00 GMT")]

    first = Warc(warc_dir / "portal-20250314083000-00000-test.warc.gz")
    first.capture(PAGE_URL, FIRST, [("Content-Type", "text/html;charset=UTF-8"), ("Content-Encoding", "gzip"),
                                    ("Vary", "Accept-Encoding")], gzip.compress(HTML))
    img = Original(first.capture(IMG_URL, FIRST + timedelta(seconds=1), jpeg, image), IMG_URL,
                   FIRST + timedelta(seconds=1))
    first.close()

    later = Warc(warc_dir / "portal-20250315083000-00000-test.warc.gz")
    later.revisit(IMG_URL, LATER, jpeg, image, img)
    later.revisit(COPY_URL, COPY_AT, jpeg, image, img)
    later.close()

    unfinished = Warc(warc_dir / "portal-20250316083000-00000-test.warc.gz.open")
    unfinished.capture(SITE + "/web/trang-chu/dang-viet.html", LATER + timedelta(days=1),
                       [("Content-Type", "text/html;charset=UTF-8")], b"<html>not yet</html>")
    unfinished.close()
    return Archive(warc_dir, image, records=4)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wayback_command() -> list[str]:
    """pywb's `wayback`: from $PYWB_WAYBACK (make test installs pywb in a venv of its own, since its brotlipy
    breaks Scrapy's brotli decoding), else beside this Python, else on PATH."""
    exe = Path(sys.executable).with_name("wayback")
    found = os.environ.get("PYWB_WAYBACK") or (str(exe) if exe.exists() else shutil.which("wayback"))
    if not found:
        pytest.fail("pywb's `wayback` command is not installed: `make test` installs it in .venv-pywb")
    return [found]


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def decoded(self) -> bytes:
        """The body as a browser hands it to the page: Content-Encoding undone."""
        if self.headers.get("content-encoding") == "gzip":
            return gzip.decompress(self.body)
        return self.body


class Wayback:
    def __init__(self, base: str):
        self.base = base

    def get(self, path: str) -> Reply:
        # urllib does not undo Content-Encoding, so the test sees what pywb sent
        req = urllib.request.Request(self.base + path, headers={"Accept-Encoding": "gzip"})
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return Reply(r.status, {k.lower(): v for k, v in r.headers.items()}, r.read())
        except urllib.error.HTTPError as e:
            return Reply(e.code, {k.lower(): v for k, v in e.headers.items()}, e.read())


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Archive, Path]:
    root = tmp_path_factory.mktemp("replay")
    archive = write_archive(root / "warcs")
    export_pywb(archive.warc_dir, root / "pywb")
    return archive, root / "pywb"


@pytest.fixture(scope="module")
def wayback(exported: tuple[Archive, Path]) -> Iterator[Wayback]:
    dest = exported[1]
    port = free_port()
    log = (dest / "wayback.log").open("wb")
    proc = subprocess.Popen(wayback_command() + ["-b", "127.0.0.1", "-p", str(port)], cwd=dest,
                            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        client = Wayback(f"http://127.0.0.1:{port}")
        deadline = time.monotonic() + 20
        while True:
            assert proc.poll() is None, "wayback exited: " + (dest / "wayback.log").read_text(errors="replace")
            try:
                if client.get("/").status == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "wayback did not answer within 20 s"
            time.sleep(0.2)
        yield client
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def test_page_replays_decoded_as_captured(wayback: Wayback) -> None:
    r = wayback.get(f"/portal/{ts(FIRST)}id_/{PAGE_URL}")
    assert r.status == 200
    # id_ is the capture as the server sent it: still gzip-encoded, and the browser decodes it
    assert r.headers["content-encoding"] == "gzip"
    assert r.headers["content-type"] == "text/html;charset=UTF-8"
    assert r.decoded == HTML
    assert "Xây dựng Đảng" in r.decoded.decode("utf-8")


def test_image_replays_byte_identical(wayback: Wayback, exported: tuple[Archive, Path]) -> None:
    r = wayback.get(f"/portal/{ts(FIRST)}id_/{IMG_URL}")
    assert r.status == 200
    assert r.headers["content-type"] == "image/jpeg"
    assert r.body == exported[0].image


def test_rewritten_page_links_its_image_in_the_archive(wayback: Wayback, exported: tuple[Archive, Path]) -> None:
    """What a browser does: load the replayed page, follow its <img src> back into the archive."""
    page = wayback.get(f"/portal/{ts(FIRST)}mp_/{PAGE_URL}")
    assert page.status == 200
    src = BeautifulSoup(page.decoded, "html.parser").find("img")["src"]
    assert src.startswith("/portal/") and "documents/1/0/anh" in src
    img = wayback.get(src.replace(" ", "%20"))
    assert img.status == 200
    assert img.body == exported[0].image


def test_revisit_a_day_later_replays_the_original_bytes(wayback: Wayback, exported: tuple[Archive, Path]) -> None:
    r = wayback.get(f"/portal/{ts(LATER)}id_/{IMG_URL}")
    assert r.status == 200
    # The revisit itself was replayed: when pywb cannot resolve a revisit it silently serves the next-closest
    # capture of the URL instead (here the original), so the status and bytes alone prove nothing.
    assert r.headers["memento-datetime"] == LATER.strftime("%a, %d %b %Y %H:%M:%S GMT")
    assert r.body == exported[0].image


def test_cross_url_revisit_replays_the_first_image(wayback: Wayback, exported: tuple[Archive, Path]) -> None:
    r = wayback.get(f"/portal/{ts(COPY_AT)}id_/{COPY_URL}")
    assert r.status == 200
    assert r.headers["memento-datetime"] == COPY_AT.strftime("%a, %d %b %Y %H:%M:%S GMT")
    assert r.headers["content-type"] == "image/jpeg"
    assert r.body == exported[0].image


def test_unfinished_file_is_not_replayed(wayback: Wayback) -> None:
    assert wayback.get(f"/portal/{ts(LATER + timedelta(days=1))}id_/{SITE}/web/trang-chu/dang-viet.html").status == 404


def test_index_has_a_line_per_response_and_revisit(exported: tuple[Archive, Path]) -> None:
    archive, dest = exported
    lines = (dest / "collections/portal/indexes/index.cdxj").read_text().splitlines()
    assert lines == sorted(lines)
    entries = [(line.split(" ", 2)[1], json.loads(line.split(" ", 2)[2])) for line in lines]
    assert len(entries) == archive.records
    assert {e["filename"] for _, e in entries} == {
        "portal-20250314083000-00000-test.warc.gz", "portal-20250315083000-00000-test.warc.gz"}
    by_url = {(e["url"], stamp): e for stamp, e in entries}
    assert by_url[(IMG_URL, ts(LATER))]["mime"] == "warc/revisit"
    assert by_url[(COPY_URL, ts(COPY_AT))]["mime"] == "warc/revisit"
    assert by_url[(COPY_URL, ts(COPY_AT))]["digest"] == by_url[(IMG_URL, ts(FIRST + timedelta(seconds=1)))]["digest"]


def test_cdxj_index_counts_what_it_wrote(tmp_path: Path) -> None:
    archive = write_archive(tmp_path / "warcs")
    out = tmp_path / "out" / "all.cdxj"
    closed = sorted(archive.warc_dir.glob("*.warc.gz"))
    assert cdxj_index(closed, out) == archive.records == len(out.read_text().splitlines())
    assert cdxj_index([], out) == 0
    assert not list(out.parent.glob("*.tmp"))


def test_export_skips_open_files_and_refreshes(tmp_path: Path) -> None:
    warc_dir = tmp_path / "warcs"
    write_archive(warc_dir)
    dest = tmp_path / "pywb"
    coll = export_pywb(warc_dir, dest)
    assert coll == dest / "collections" / "portal"
    names = sorted(p.name for p in (coll / "archive").iterdir())
    assert names == ["portal-20250314083000-00000-test.warc.gz", "portal-20250315083000-00000-test.warc.gz"]
    assert os.path.samefile(coll / "archive" / names[0], warc_dir / names[0])  # same file system: a hard link
    index = coll / "indexes" / "index.cdxj"
    assert len(index.read_text().splitlines()) == 4
    config = (dest / "config.yaml").read_text()
    assert "collections_root: collections" in config

    # the crawl closes its file; a second export adds it, keeps the rest, and leaves config edits alone
    (dest / "config.yaml").write_text(config + "# edited\n")
    opened = warc_dir / "portal-20250316083000-00000-test.warc.gz.open"
    opened.rename(opened.with_suffix(""))
    assert export_pywb(warc_dir, dest) == coll
    assert len(list((coll / "archive").iterdir())) == 3
    assert len(index.read_text().splitlines()) == 5
    assert (dest / "config.yaml").read_text().endswith("# edited\n")
    assert sorted(p.name for p in (coll / "indexes").iterdir()) == ["index.cdxj"]


def test_export_copies_across_file_systems(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    warc_dir = tmp_path / "warcs"
    write_archive(warc_dir)

    def no_link(src: object, dst: object) -> None:
        raise OSError(18, "Invalid cross-device link")

    monkeypatch.setattr(pywb.os, "link", no_link)
    coll = export_pywb(warc_dir, tmp_path / "pywb")
    name = "portal-20250314083000-00000-test.warc.gz"
    copy = coll / "archive" / name
    assert not os.path.samefile(copy, warc_dir / name)
    assert copy.read_bytes() == (warc_dir / name).read_bytes()
    assert export_pywb(warc_dir, tmp_path / "pywb") == coll  # an unchanged copy is left as it is
    assert copy.stat().st_ino == (coll / "archive" / name).stat().st_ino
    with copy.open("rb") as f:
        assert sum(1 for r in ArchiveIterator(f) if r.rec_type in ("response", "revisit")) == 2
