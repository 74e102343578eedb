"""The web UI in headless Chromium on hostile archived input (replica/hostile.py): nothing of it runs, nothing of it
calls out, and server-given file names come back as safe download names.

An archive of a replica with the `xss-variants` and `hostile-names` faults on: an article with <script>, onerror and
onload handlers, javascript: links in disguise, inline SVG with <script>, iframe srcdoc, and <meta http-equiv=refresh>
and <base href> to evil.example in its head and body; an SVG image file carrying a script, an onload handler, a
javascript: link and a remote tracker; attachments named ../../etc/passwd and the like. Each is opened the ways a
reader can: the article page, its capture "as captured" (framed, and opened directly), and the SVG through
/media/ and /-/replay/. As in test_browser.py, every request the browser makes goes through a route that lets only
the UI's server through and records the rest.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import Message
from pathlib import Path

import pytest

from archive.replay.captures import warc_timestamp
from archive.replay.rewrite import replay_url
from archive.text import disposition_filename, safe_filename
from archive.urls import normalise
from replica.faults import parse_faults
from replica.server import ReplicaServer, Settings
from test_browse import get
from conftest import browsing
from test_browser import Watch, browser, watched_page  # noqa: F401 - `browser` is the Chromium fixture of test_browser.py
from test_crawl import crawl, urlopen_text

SETTLE_MS = 1500  # longer than the payload's meta refreshes (0 s and 1 s) take to fire


@dataclass
class HostileUI:
    archive: Path
    truth: dict
    url: str  # the web UI

    def db(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.archive / "archive.db")
        conn.row_factory = sqlite3.Row
        return conn

    def targets(self, fault: str) -> dict:
        return self.truth["faults"][fault]["targets"]

    def carrier_id(self) -> int:
        url = self.truth["faults"]["xss-variants"]["urls"][0]
        return self.db().execute("select article_id from url_aliases where url = ?", [normalise(url)]).fetchone()[0]

    def svg(self) -> sqlite3.Row:
        """The SVG file's capture and stored copy."""
        url = normalise(self.targets("xss-variants")["svg"])
        return self.db().execute(
            "select m.digest, r.record_id, r.date, r.target_uri from media_urls m join warc_records r "
            "on r.record_id = m.warc_record_id where m.url = ?", [url]).fetchone()


@contextmanager
def browse(archive: Path):
    """`portal-archive browse` on the archive, on a free port, for as long as the block runs."""
    with browsing(archive) as (url, _):
        yield url


@pytest.fixture(scope="module")
def ui(tmp_path_factory):
    archive = tmp_path_factory.mktemp("browse-hostile") / "archive"
    with ReplicaServer(Settings(seed=29, articles=30, faults=parse_faults("xss-variants,hostile-names"))) as server:
        result = crawl(server, archive)
        assert result.returncode == 0, result.stderr[-3000:]
        truth = json.loads(urlopen_text(f"{server.url}/_replica/truth"))
    with browse(archive) as url:
        yield HostileUI(archive, truth, url)


@pytest.fixture
def page(browser, ui):  # noqa: F811 - the fixture imported above
    yield from watched_page(browser, ui.url, accept_downloads=True)


def settle(page, ms: int = SETTLE_MS) -> None:
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(ms)


def assert_inert(page) -> None:
    assert page.watch.dialogs == [], page.watch.dialogs
    assert page.watch.outside == [], page.watch.outside


def test_article_page_of_the_xss_variants_runs_nothing_and_stays_put(page, ui):
    carrier = ui.truth["faults"]["xss-variants"]["urls"][0]
    title = next(p["title"] for p in ui.truth["pages"] if p["canonical_url"] == carrier)
    address = f"{ui.url}/articles/{ui.carrier_id()}"
    page.goto(address)
    settle(page)
    assert page.url == address  # no meta refresh was followed
    assert page.locator("h1").inner_text() == title
    found = page.evaluate("""() => ({
        scripts: document.querySelectorAll('main script, div.body script').length,
        bases: document.querySelectorAll('base').length,
        refresh: document.querySelectorAll('meta[http-equiv]').length,
        svg: document.querySelectorAll('div.body svg, div.body iframe').length,
        handlers: [...document.querySelectorAll('*')].flatMap(e => [...e.attributes].map(a => a.name))
                  .filter(n => n.startsWith('on')),
        hrefs: [...document.querySelectorAll('a[href]')].map(a => a.href).filter(h => !h.startsWith('http')),
        baseURI: document.baseURI})""")
    assert found == {"scripts": 0, "bases": 0, "refresh": 0, "svg": 0, "handlers": [], "hrefs": [],
                     "baseURI": address}
    assert "Chi tiết:" in page.locator("div.body").inner_text()  # the payload's paragraph is there, defused
    # Clicking what is left of the javascript: links (a link to another site is the reader's to follow: not clicked).
    clicked = page.locator("div.body a").evaluate_all(
        "links => links.filter(a => !/^https?:/.test(a.getAttribute('href') || '')).map(a => (a.click(), a.outerHTML))")
    assert clicked
    settle(page)
    assert page.url == address
    assert_inert(page)


def test_as_captured_view_of_the_xss_variants_runs_nothing_and_stays_put(page, ui):
    page.goto(f"{ui.url}/articles/{ui.carrier_id()}")
    capture = ui.url + page.locator("section.captures tbody tr a").last.get_attribute("href")
    page.goto(capture)
    settle(page)
    frame_element = page.locator("iframe.replay")
    replayed = ui.url + frame_element.get_attribute("src")
    frame = page.frame_locator("iframe.replay")
    assert "tài liệu" in frame.locator("body").inner_text()
    # Neither the page nor its frame went anywhere: the <meta http-equiv=refresh> tags were taken out (the payload's
    # iframe, its srcdoc gone, is an empty about:blank).
    assert page.url == capture
    assert sorted(f.url for f in page.frames if f != page.main_frame) == ["about:blank", replayed]
    inside = frame.locator("html").evaluate("""() => ({
        scripts: document.querySelectorAll('main script, div.body script').length,
        bases: document.querySelectorAll('base').length,
        refresh: document.querySelectorAll('meta[http-equiv=refresh i]').length,
        svgImages: [...document.querySelectorAll('img')].map(i => i.getAttribute('src'))
                   .filter(s => s.endsWith('.svg')),
        baseURI: document.baseURI})""")
    assert inside["scripts"] == inside["bases"] == inside["refresh"] == 0
    assert inside["baseURI"] == replayed and inside["svgImages"] and all(
        src.startswith("/-/replay/") for src in inside["svgImages"])
    # Clicking the archived links (the disguised javascript: ones, now inert, among them), each on a fresh load.
    hrefs = frame.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href') || '')")
    chosen = [n for n, href in enumerate(hrefs) if not href.startswith("/-/replay/")] + list(range(3))
    for n in chosen:
        page.goto(capture)
        frame.locator("a").nth(n).click(no_wait_after=True, timeout=5000, force=True)
        page.wait_for_timeout(100)
    # The replayed document opened directly, outside the UI's frame.
    page.goto(replayed)
    settle(page)
    assert page.url == replayed and "tài liệu" in page.locator("body").inner_text()
    assert_inert(page)


def test_svg_with_a_script_runs_nothing_through_media_or_replay(page, ui):
    svg = ui.svg()
    assert svg is not None, "the SVG file was not archived"
    # Through /media/: never shown inline, a download with a harmless name.
    with page.expect_download() as download:
        try:
            page.goto(f"{ui.url}/media/{svg['digest'][7:]}")
        except Exception as exc:  # noqa: BLE001 - Playwright reports a navigation that became a download
            assert "Download is starting" in str(exc)
    name = download.value.suggested_filename
    assert name and "/" not in name and "\\" not in name and not name.startswith(".")
    # Through the replay, as captured: rendered as the SVG document it is, every script and outside load refused.
    for address in (replay_url(warc_timestamp(svg["date"]), svg["target_uri"]),
                    f"/-/replay/record/{svg['record_id'].removeprefix('<urn:uuid:').removesuffix('>')}"):
        page.goto(ui.url + address)
        settle(page, 300)
        assert page.evaluate("() => document.documentElement.localName") == "svg"
        assert "Biểu đồ dân số" in page.evaluate("() => document.documentElement.textContent")
        page.locator("svg text").click(force=True)  # its javascript: link
        settle(page, 300)
    # And "as captured", framed by the UI.
    page.goto(f"{ui.url}/captures/{svg['record_id'].removeprefix('<urn:uuid:').removesuffix('>')}")
    settle(page, 300)
    assert_inert(page)


def test_server_file_names_come_back_as_safe_download_names(page, ui):
    db = ui.db()
    attachments = ui.targets("hostile-names")["attachments"]
    for attachment in attachments:
        digest = db.execute("select digest from media_urls where url = ?", [normalise(attachment["url"])]).fetchone()
        assert digest, f"{attachment['url']} was not archived"
        got = get(ui.url, f"/media/{digest[0][7:]}")
        assert got.status == 200 and got.headers["content-type"] == "application/octet-stream"
        value = got.headers["content-disposition"]
        assert value.startswith("attachment; ") and not any(c in value for c in "\r\n\x00")
        message = Message()
        message["Content-Disposition"] = value
        for name in (message.get_param("filename", header="content-disposition"), disposition_filename(value)):
            assert name == safe_filename(name) and name and "/" not in name and "\\" not in name, (value, name)
        assert disposition_filename(value) == safe_filename(disposition_filename(attachment["content_disposition"]))
    # In the browser, the download of ../../etc/passwd is named passwd.
    passwd = next(a for a in attachments if a["filename"] == "../../etc/passwd")
    digest = db.execute("select digest from media_urls where url = ?", [normalise(passwd["url"])]).fetchone()[0]
    with page.expect_download() as download:
        try:
            page.goto(f"{ui.url}/media/{digest[7:]}")
        except Exception as exc:  # noqa: BLE001 - Playwright reports a navigation that became a download
            assert "Download is starting" in str(exc)
    assert download.value.suggested_filename == "passwd"
    assert_inert(page)


def test_the_payloads_do_run_when_served_unprotected(browser):  # noqa: F811 - the fixture imported above
    """The control: the same markup and SVG straight from the replica, without the UI, do run and do call out (so
    that "nothing ran" above means the UI stopped them)."""
    with ReplicaServer(Settings(seed=29, articles=30, faults=parse_faults("xss-variants"))) as server:
        truth = json.loads(urlopen_text(f"{server.url}/_replica/truth"))
        context = browser.new_context()
        watch = Watch()
        context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(server.url + "/")
                      else (watch.outside.append(r.request.url), r.abort()))
        page = context.new_page()
        page.on("dialog", lambda d: (watch.dialogs.append(d.message), d.dismiss()))
        for url in (truth["faults"]["xss-variants"]["urls"][0], truth["faults"]["xss-variants"]["targets"]["svg"]):
            try:  # the page's <meta http-equiv=refresh> leaves for evil.example at once, and is refused there
                page.goto(server.url + url.split("thoxuan.thanhhoa.gov.vn", 1)[1])
                page.wait_for_timeout(300)
            except Exception:  # noqa: BLE001, S110 - an aborted navigation: what is looked at is what ran
                pass
        context.close()
    assert {"script", "onerror", "svg-script", "svg-file-script"} <= set(watch.dialogs), watch.dialogs
    assert any(url.startswith("https://evil.example/") for url in watch.outside), watch.outside
