"""`portal-archive export wacz`: two crawls of the replica packed into a WACZ that `wacz validate` passes and
ReplayWeb.page replays."""

from __future__ import annotations

import gzip
import hashlib
import http.server
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import threading
import zipfile
from dataclasses import dataclass
from functools import partial
from importlib.metadata import version
from pathlib import Path

import pytest

from archive.urls import normalise
from archive.export.wacz import export_wacz
from replica.server import ReplicaServer, Settings
from test_crawl import crawl

TITLE = "Thọ Xuân: test export"
OPEN_NAME = "portal-20991231000000-00009-test.warc.gz.open"  # a file a running crawl would be writing


def wacz_command() -> list[str]:
    """py-wacz's `wacz`: from $WACZ (make test installs it in .venv-pywb), else beside this Python, else on PATH."""
    exe = Path(sys.executable).with_name("wacz")
    found = os.environ.get("WACZ") or (str(exe) if exe.exists() else shutil.which("wacz"))
    if not found:
        pytest.fail("py-wacz's `wacz` command is not installed: `make test` installs it in .venv-pywb")
    return [found]


def export(archive: Path, dest: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cli", "export", "wacz", "--archive", str(archive), str(dest),
                           *args], capture_output=True, text=True, timeout=120, check=False)


@dataclass
class Exported:
    archive: Path
    wacz: Path
    output: str  # what the command printed

    def db(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.archive / "archive.db")
        db.row_factory = sqlite3.Row
        return db

    def read(self, name: str) -> bytes:
        with zipfile.ZipFile(self.wacz) as z:
            return z.read(name)

    def pages(self) -> tuple[dict, list[dict]]:
        header, *pages = [json.loads(line) for line in self.read("pages/pages.jsonl").decode("utf-8").splitlines()]
        return header, pages

    def index(self) -> list[str]:
        return gzip.decompress(self.read("indexes/index.cdx.gz")).decode("utf-8").splitlines()


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Exported:
    """Two crawls (the second writes a second WARC file, mostly revisits of the first), a file still open, exported."""
    archive = tmp_path_factory.mktemp("wacz") / "archive"
    with ReplicaServer(Settings(seed=23, articles=40)) as server:
        for _ in range(2):
            result = crawl(server, archive)
            assert result.returncode == 0, result.stderr[-3000:]
    closed = sorted((archive / "warcs").glob("*.warc.gz"))
    assert len(closed) == 2
    shutil.copyfile(closed[0], archive / "warcs" / OPEN_NAME)
    dest = archive.parent / "portal.wacz"
    result = export(archive, dest, "--title", TITLE)
    assert result.returncode == 0, result.stderr[-3000:]
    return Exported(archive, dest, result.stdout)


def test_wacz_validate_passes(exported):
    result = subprocess.run([*wacz_command(), "validate", "-f", str(exported.wacz)], capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.returncode == 0 and "Validation succeeded" in result.stdout, result.stdout + result.stderr


def test_every_closed_warc_file_is_packed_as_it_was_closed(exported):
    db = exported.db()
    recorded = dict(db.execute("select filename, sha256 from warc_files"))
    with zipfile.ZipFile(exported.wacz) as z:
        packed = {i.filename.removeprefix("archive/"): i for i in z.infolist() if i.filename.startswith("archive/")}
        assert sorted(packed) == sorted(p.name for p in (exported.archive / "warcs").glob("*.warc.gz"))
        assert sorted(packed) == sorted(recorded) and OPEN_NAME.removesuffix(".open") not in packed
        assert not any(name.endswith(".open") for name in z.namelist())
        for name, info in packed.items():
            assert info.compress_type == zipfile.ZIP_STORED, name  # a CDXJ offset must be an offset in the entry
            digest = hashlib.sha256()
            with z.open(info) as f:
                while chunk := f.read(1 << 20):
                    digest.update(chunk)
            assert digest.hexdigest() == recorded[name], f"{name} is not the file that was closed"
    assert re.search(r": 2 WARC files, ", exported.output), exported.output


def test_index_has_every_response_and_revisit_but_those_of_304s(exported):
    lines = exported.index()
    assert lines == sorted(lines) and len(lines) == int(re.search(r"(\d+) index lines", exported.output).group(1))
    entries = {(e["filename"], int(e["offset"])): e for e in (json.loads(line.split(" ", 2)[2]) for line in lines)}
    records = exported.db().execute(
        "select filename, offset, target_uri, warc_type, f.status from warc_records "
        "left join fetches f on f.warc_record_id = record_id where warc_type in ('response', 'revisit')"
    ).fetchall()
    assert {r["warc_type"] for r in records} == {"response", "revisit"}
    not_modified = [r for r in records if r["status"] == 304]
    assert not_modified and not any((r["filename"], r["offset"]) in entries for r in not_modified)  # replay.cdxj_index
    for record in records:
        if record["status"] == 304:
            continue
        entry = entries.get((record["filename"], record["offset"]))
        assert entry, f"no index line for the {record['warc_type']} of {record['target_uri']}"
        assert entry["url"] == record["target_uri"]
        assert (entry["mime"] == "warc/revisit") == (record["warc_type"] == "revisit")


def test_index_blocks_are_found_by_the_idx(exported, tmp_path):
    """index.idx points at each gzip member of index.cdx.gz: first key, offset, length, SHA-256 (many small blocks)."""
    small = export_wacz(exported.archive, tmp_path / "small.wacz", block_lines=25)
    with zipfile.ZipFile(small.path) as z:
        assert z.getinfo("indexes/index.cdx.gz").compress_type == zipfile.ZIP_STORED
        data, idx = z.read("indexes/index.cdx.gz"), z.read("indexes/index.idx").decode("utf-8").splitlines()
    assert json.loads(idx[0].split(" ", 2)[2]) == {"format": "cdxj-gzip-1.0", "filename": "index.cdx.gz"}
    lines, offset = [], 0
    for line in idx[1:]:
        key, block = line.rsplit(" {", 1)[0], json.loads("{" + line.rsplit(" {", 1)[1])
        member = data[block["offset"]:block["offset"] + block["length"]]
        assert block["offset"] == offset and block["digest"] == "sha256:" + hashlib.sha256(member).hexdigest()
        got = gzip.decompress(member).decode("utf-8").splitlines()
        assert 0 < len(got) <= 25 and got[0].startswith(key + " {")
        lines += got
        offset += block["length"]
    assert offset == len(data) and len(idx) - 1 == -(-small.index_lines // 25)
    assert lines == exported.index()


def expected_capture(db: sqlite3.Connection, article: sqlite3.Row) -> tuple[str, str] | None:
    """The latest 200 capture of the article, at its canonical address if it was captured there."""
    rows = db.execute("""
        select f.url, w.target_uri, w.date from url_aliases u
        join fetches f on f.url = u.url and f.status = 200
        join warc_records w on w.record_id = f.warc_record_id and w.warc_type in ('response', 'revisit')
        where u.article_id = ?""", [article["id"]]).fetchall()
    if not rows:
        return None
    best = max(rows, key=lambda r: (r["url"] == normalise(article["canonical_url"]), r["date"]))
    return best["target_uri"], best["date"]


def test_pages_list_every_captured_article_with_its_text(exported):
    header, pages = exported.pages()
    assert header == {"format": "json-pages-1.0", "id": "pages", "title": TITLE, "hasText": True}
    by_id = {}
    for page in pages:
        assert page["id"] not in by_id, f"article {page['id']} listed twice"
        by_id[page["id"]] = page
    db = exported.db()
    articles = db.execute("select * from articles").fetchall()
    index = {(e["url"], key.split(" ")[1]) for key, e in
             ((line.rsplit(" {", 1)[0], json.loads("{" + line.rsplit(" {", 1)[1])) for line in exported.index())}
    missing = 0
    for article in articles:
        capture, page = expected_capture(db, article), by_id.get(str(article["id"]))
        if capture is None:
            assert page is None
            missing += 1
            continue
        assert page, f"article {article['id']} ({article['canonical_url']}) is not in pages.jsonl"
        assert page["title"] == article["title"] and article["lead"] in page["text"]
        assert page["text"].startswith(article["title"]) and article["body"] in page["text"]
        assert (page["url"], page["ts"]) == capture
        # replay looks the page up by address and 14-digit time: the index must have that very capture
        assert (page["url"], re.sub(r"\D", "", page["ts"])[:14]) in index, page["url"]
    assert len(pages) == len(articles) - missing and len(articles) >= 40
    assert f"{len(pages)} pages ({missing} articles never captured with a 200 left out)" in exported.output


def test_datapackage_lists_every_file_with_its_hash(exported):
    package = json.loads(exported.read("datapackage.json"))
    assert package["profile"] == "data-package" and package["wacz_version"] == "1.1.1"
    assert package["title"] == TITLE and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", package["created"])
    assert package["software"] == f"portal-archive {version('portal-archive')}"
    with zipfile.ZipFile(exported.wacz) as z:
        names = [n for n in z.namelist() if n not in ("datapackage.json", "datapackage-digest.json")]
        assert sorted(r["path"] for r in package["resources"]) == sorted(names)
        assert {"pages/pages.jsonl", "indexes/index.cdx.gz", "indexes/index.idx"} <= set(names)
        for resource in package["resources"]:
            data = z.read(resource["path"])
            assert resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest(), resource["path"]
            assert resource["bytes"] == len(data) and resource["name"] == Path(resource["path"]).name.lower()
    digest = json.loads(exported.read("datapackage-digest.json"))
    assert digest == {"path": "datapackage.json",
                      "hash": "sha256:" + hashlib.sha256(exported.read("datapackage.json")).hexdigest()}
    assert package["mainPageUrl"] == "https://thoxuan.thanhhoa.gov.vn/web/trang-chu"


def test_an_article_never_captured_with_a_200_is_left_out_and_counted(exported, tmp_path):
    copy = tmp_path / "archive"
    shutil.copytree(exported.archive, copy)
    db = sqlite3.connect(copy / "archive.db")
    with db:  # as if every fetch of article 1 had failed
        db.execute("update fetches set status = 503 where url in (select url from url_aliases where article_id = 1)")
    db.close()
    result = export(copy, tmp_path / "out.wacz")
    assert result.returncode == 0, result.stderr
    assert "(1 articles never captured with a 200 left out)" in result.stdout
    with zipfile.ZipFile(tmp_path / "out.wacz") as z:
        ids = [json.loads(line)["id"] for line in z.read("pages/pages.jsonl").decode().splitlines()[1:]]
    assert "1" not in ids and len(ids) == len(exported.pages()[1]) - 1


def test_a_failed_export_leaves_nothing_behind(exported, tmp_path):
    result = export(exported.archive, tmp_path / "missing" / "out.wacz")
    assert result.returncode != 0 and "no directory" in result.stderr and not (tmp_path / "missing").exists()
    # A WARC file altered since it was closed: the export stops after packing the files before it.
    copy = tmp_path / "archive"
    shutil.copytree(exported.archive, copy)
    altered = max((copy / "warcs").glob("*.warc.gz"))
    data = bytearray(altered.read_bytes())
    data[len(data) // 2] ^= 0xFF
    altered.write_bytes(data)
    out = tmp_path / "out"
    out.mkdir()
    (out / "portal.wacz").write_bytes(b"the previous export")
    result = export(copy, out / "portal.wacz")
    assert result.returncode != 0 and altered.name in result.stderr and "verify" in result.stderr, result.stderr
    assert (out / "portal.wacz").read_bytes() == b"the previous export"
    assert os.listdir(out) == ["portal.wacz"]  # no .part, no temporary index


# ReplayWeb.page itself (the npm package's ui.js and service worker) in Chromium, on a WACZ with many index blocks.

class RangeHandler(http.server.SimpleHTTPRequestHandler):
    """A static server that answers Range requests, as ReplayWeb.page needs to read parts of a WACZ."""

    def send_head(self):
        wanted = re.fullmatch(r"bytes=(\d*)-(\d*)", self.headers.get("Range", ""))
        path = Path(self.translate_path(self.path))
        if not wanted or not path.is_file():
            return super().send_head()
        size = path.stat().st_size
        start, end = wanted.groups()
        first, last = (size - int(end), size - 1) if not start else (int(start), min(int(end or size - 1), size - 1))
        with path.open("rb") as f:
            f.seek(first)
            data = f.read(last - first + 1)
        self.send_response(206)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Range", f"bytes {first}-{last}/{size}")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        return io.BytesIO(data)

    def end_headers(self):
        self.send_header("Accept-Ranges", "bytes")
        super().end_headers()

    def log_message(self, *args):
        pass


def replaywebpage() -> Path:
    """ReplayWeb.page's ui.js and sw.js: $REPLAYWEBPAGE, the folder `make test` unpacks from the npm package."""
    folder = os.environ.get("REPLAYWEBPAGE")
    if not folder or not (Path(folder) / "sw.js").is_file():
        pytest.fail("ReplayWeb.page is not installed: `make test` fetches it from npm into .venv-pywb/replaywebpage "
                    "and sets $REPLAYWEBPAGE to its package folder")
    return Path(folder)


def body_text(frame) -> str:
    try:
        return frame.evaluate("document.body ? document.body.innerText : ''")
    except Exception:  # noqa: BLE001 -- the frame is navigating or gone: nothing to read yet
        return ""


def replayed_frame(page, url: str, text: str):
    """The frame in which ReplayWeb.page shows `url`, once it shows `text`."""
    for _ in range(120):
        for frame in page.frames:
            if "mp_/" in frame.url and frame.url.endswith(url) and text in body_text(frame):
                return frame
        page.wait_for_timeout(500)
    pytest.fail(f"ReplayWeb.page did not show {text!r} at {url} within 60 s; frames: {[f.url for f in page.frames]}")


def replayable(db: sqlite3.Connection, url: str) -> bool:
    """Whether the image at `url` was captured with a 200 (response or revisit): replay must show it, at any time,
    since the index leaves out the 304 revisits that replay tools would show as empty 304s."""
    return db.execute("select 1 from fetches f join warc_records w on w.record_id = f.warc_record_id "
                      "where f.url = ? and f.status = 200", [normalise(url)]).fetchone() is not None


def revisit(db: sqlite3.Connection, url: str) -> bool:
    return db.execute("select 1 from fetches f join warc_records w on w.record_id = f.warc_record_id "
                      "where f.url = ? and f.status = 200 and w.warc_type = 'revisit'", [normalise(url)]).fetchone() \
        is not None


def test_replaywebpage_replays_the_pages_and_their_images(exported, tmp_path):
    import playwright.sync_api as playwright
    chromium = shutil.which("chromium")
    if not chromium:
        pytest.fail("Debian's chromium is needed for the browser tests (.ci/run installs it)")
    package = replaywebpage()
    site = tmp_path / "site"
    (site / "replay").mkdir(parents=True)
    for target in (site / "ui.js", site / "replay" / "ui.js"):
        shutil.copyfile(package / "ui.js", target)
    shutil.copyfile(package / "sw.js", site / "replay" / "sw.js")
    small = export_wacz(exported.archive, site / "portal.wacz", block_lines=25)  # lookups through many idx blocks
    manifest = json.loads(zipfile.ZipFile(small.path).read("datapackage.json"))
    _, pages = exported.pages()
    db = exported.db()
    # An article whose images were captured as revisits of the same bytes at the other host: which host's copy
    # came first depends on the crawl's order, so the article is chosen by what was captured, not by position.
    article = next(p for p in pages if any(revisit(db, url) for (url,) in db.execute(
        "select i.url from article_images i join articles a on a.current_version_id = i.version_id "
        "where a.id = ?", [int(p["id"])])))
    home_title = "Cổng thông tin điện tử huyện Thọ Xuân"
    visits = [("home", manifest["mainPageUrl"], manifest["mainPageDate"], home_title),
              ("article", article["url"], article["ts"], article["title"])]
    for name, url, ts, _ in visits:
        (site / f"{name}.html").write_text(
            f'<!doctype html><meta charset="utf-8"><script src="ui.js"></script>'
            f'<replay-web-page source="portal.wacz" url="{url}" ts="{re.sub(r"[^0-9]", "", ts)[:14]}" '
            f'embed="replayonly" style="display:block;height:900px"></replay-web-page>', encoding="utf-8")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(RangeHandler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with playwright.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=[
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync"])
            try:
                for name, url, _, text in visits:
                    page = browser.new_page()
                    page.goto(f"http://127.0.0.1:{server.server_address[1]}/{name}.html")
                    frame = replayed_frame(page, url, text)
                    frame.wait_for_function("Array.from(document.images).every(i => i.complete)", timeout=30_000)
                    images = frame.evaluate("Array.from(document.images).map(i => [i.src, i.naturalWidth])")
                    shown = {src: width for src, width in images if replayable(db, src)}
                    assert all(shown.values()) and (shown or name == "home"), (name, images)
                    if name == "article":  # its images were captured as revisits of the same bytes at the other host
                        assert any(revisit(db, src) for src in shown), images
                    page.close()
            finally:
                browser.close()
    finally:
        server.shutdown()
