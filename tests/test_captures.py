"""Captures of real crawls of the replica read back from the WARC files, chosen by date, and replayed contained.

Two crawls: epoch 1, then epoch 2 with the `xss` fault on (its page then carries scripts, handlers, a javascript:
link and remote trackers), so there are several captures of each page, 304 revisits, identical-payload revisits,
redirects and 404/410 answers.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
import unicodedata
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote

import pytest
from lxml import html as lxml_html
from test_crawl import crawl

from archive.replay.captures import (CaptureError, article_captures, capture, capture_on_or_before, find_capture,
                                     read_response)
from archive.page.markup import decode_html
from archive.replay.headers import REPLAY_CSP
from archive.replay.rewrite import render
from archive.replay.urls import REPLAY_PREFIX, parse_replay_path, replay_url
from archive.urls import ALIAS_HOST, MAIN_HOST
from replica.server import ReplicaServer, Settings

URL_ATTRIBUTES = ("src", "href", "srcset", "poster", "background", "action", "formaction", "data", "xlink:href")


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    archive = tmp_path_factory.mktemp("captures") / "archive"
    with ReplicaServer(Settings(seed=23, articles=40)) as server:
        for epoch in (1, 2):
            server.call(server.replica.set_epoch, epoch)
            if epoch == 2:
                server.call(server.replica.faults.switch, frozenset({"xss"}))
            result = crawl(server, archive)
            assert result.returncode == 0, result.stderr[-3000:]
        xss_path = server.call(lambda: server.replica.catalog.targets["xss"][0])
    db = sqlite3.connect(archive / "archive.db")
    yield archive, db, xss_path
    db.close()


def run_bounds(db) -> list[tuple[str, str]]:
    return list(db.execute("select started_at, finished_at from crawl_runs order by id"))


def article_with(db, path: str) -> int:
    return db.execute("select id from articles where identity_key = ?", [path.removeprefix("/web/trang-chu/")]
                      ).fetchone()[0]


def text_of(body: bytes, content_type: str) -> str:
    text, _, _ = decode_html(body, content_type)
    return unicodedata.normalize("NFC", " ".join(lxml_html.document_fromstring(text).text_content().split()))


def test_article_captures_are_every_fetch_of_its_addresses_oldest_first(crawled):
    archive, db, _ = crawled
    counts = dict(db.execute("select article_id, count(*) from url_aliases group by article_id"))
    statuses: set[int] = set()
    for article_id in counts:
        caps = article_captures(db, article_id)
        aliases = {u for (u,) in db.execute("select url from url_aliases where article_id = ?", [article_id])}
        expected = db.execute("select count(*) from fetches where warc_record_id is not null and url in "
                              "(select url from url_aliases where article_id = ?)", [article_id]).fetchone()[0]
        assert len(caps) == expected and expected > 0
        assert [c.moment for c in caps] == sorted(c.moment for c in caps)
        assert {c.url for c in caps} <= aliases
        for c in caps:
            assert len(c.timestamp) == 14 and c.timestamp == c.moment.strftime("%Y%m%d%H%M%S")
            assert c.warc_type in ("response", "revisit") and (archive / "warcs" / c.filename).is_file()
            assert capture(db, c.record_id) == c
        statuses |= {c.status for c in caps}
    assert {200, 304, 404} <= statuses  # pages, 304 revisits, and evidence of removals
    assert capture(db, "<urn:uuid:00000000-0000-0000-0000-000000000000>") is None


def test_every_article_capture_reads_back_with_its_title(crawled):
    archive, db, _ = crawled
    revisits = 0
    for (article_id,) in db.execute("select id from articles order by id").fetchall():
        # the title as it was: an article edited in epoch 2 has two
        titles = {t for (t,) in db.execute("select title from article_versions where article_id = ?", [article_id])}
        for cap in article_captures(db, article_id):
            resp = read_response(archive / "warcs", db, cap)
            assert resp.capture == cap
            if cap.status in (404, 410):
                assert resp.status == cap.status and resp.payload_from is None
                continue
            assert resp.status == 200, (cap, resp.status)
            if cap.status == 304:
                assert resp.payload_from is not None and resp.payload_from.status == 200
                assert resp.payload_from.moment < cap.moment
                revisits += 1
            text = text_of(resp.body, resp.content_type)
            assert any(title in text for title in titles), (article_id, cap.target_uri)
            names = {k.lower() for k, _ in resp.headers}
            assert not names & {"content-encoding", "content-length", "transfer-encoding"}
    assert revisits >= 10


def test_identical_payload_revisits_read_as_their_original(crawled):
    archive, db, _ = crawled
    rows = db.execute("select record_id, refers_to from warc_records where warc_type = 'revisit' and refers_to != ''"
                      ).fetchall()
    checked = 0
    for record_id, refers_to in rows:
        cap = capture(db, record_id)
        if cap.status != 200:
            continue  # the 304s are read in test_every_article_capture_reads_back_with_its_title
        resp = read_response(archive / "warcs", db, cap)
        original = read_response(archive / "warcs", db, capture(db, refers_to))
        assert resp.payload_from == capture(db, refers_to) and original.payload_from is None
        assert resp.body == original.body and resp.status == 200
        checked += 1
    assert checked >= 10


def test_images_read_back_are_the_stored_media(crawled):
    archive, db, _ = crawled
    rows = db.execute("select m.url, m.digest, g.path, m.warc_record_id from media_urls m "
                      "join images g on g.digest = m.digest order by m.url, m.last_seen").fetchall()
    assert len(rows) >= 20
    latest: dict[str, str] = {}
    for url, digest, path, record_id in rows:
        stored = (archive / path).read_bytes()
        assert "sha256:" + hashlib.sha256(stored).hexdigest() == digest
        # The capture that first stored these bytes (a response or an identical-payload revisit) reads back as them.
        first = capture(db, record_id)
        resp = read_response(archive / "warcs", db, first)
        assert resp.status == 200 and resp.body == stored, (url, first)
        assert resp.content_type.startswith("image/")
        latest[url] = digest  # rows come oldest first
    # The latest capture of each image, often a 304 of epoch 2, shows the bytes it last had.
    not_modified = 0
    for url, digest in latest.items():
        cap = find_capture(db, url, "99999999999999")
        body = read_response(archive / "warcs", db, cap).body
        assert "sha256:" + hashlib.sha256(body).hexdigest() == digest, (url, cap)
        not_modified += cap.status == 304
    assert not_modified >= 5


def test_capture_on_or_before_a_date(crawled):
    _, db, xss_path = crawled
    (_, run1_end), (run2_start, _) = run_bounds(db)
    article_id = article_with(db, xss_path)
    caps = article_captures(db, article_id)
    first = caps[0]
    assert capture_on_or_before(db, article_id, first.moment - timedelta(seconds=1)) is None
    assert capture_on_or_before(db, article_id, "2001-01-01") is None
    assert capture_on_or_before(db, article_id, first.moment) == first
    assert capture_on_or_before(db, article_id, first.date) == first  # ISO text with Z
    between = capture_on_or_before(db, article_id, run2_start)  # Vietnam time, as the archive writes dates
    assert between is not None and between.moment <= datetime.fromisoformat(run1_end) + timedelta(seconds=1)
    latest = capture_on_or_before(db, article_id, datetime.now(timezone.utc) + timedelta(days=1))
    assert latest == [c for c in caps if c.status in (200, 304)][-1] and latest.moment > between.moment
    assert capture_on_or_before(db, article_id, latest.timestamp) == latest  # 14 digits: the whole second
    with pytest.raises(ValueError):
        capture_on_or_before(db, article_id, datetime(2030, 1, 1))  # naive: no time zone
    # Never a 404: an article removed in epoch 2 shows its last page.
    removed = db.execute("select article_id, at from article_events where event = 'removed' "
                         "and status in (404, 410)").fetchone()
    assert removed is not None
    shown = capture_on_or_before(db, removed[0], datetime.now(timezone.utc))
    assert shown is not None and shown.status in (200, 304)
    assert any(c.status in (404, 410) for c in article_captures(db, removed[0]))


def test_find_capture_matches_every_spelling(crawled):
    archive, db, _ = crawled
    url, = db.execute("select m.url from media_urls m where m.url like 'https://" + MAIN_HOST + "/documents/%' "
                      "and m.url like '%\\%20%' escape '\\' limit 1").fetchone()
    want = find_capture(db, url, "99999999999999")
    assert want is not None and want.status in (200, 304)
    path = url.split(MAIN_HOST, 1)[1]
    spelled = [f"http://{MAIN_HOST}{path}", f"https://{ALIAS_HOST}{path}", f"http://{ALIAS_HOST}{path}",
               f"https://{MAIN_HOST}{path.replace('%20', ' ')}", f"https:/{MAIN_HOST}{path}", f"//{MAIN_HOST}{path}",
               f"{MAIN_HOST}{path}"]
    body = read_response(archive / "warcs", db, want).body
    for spelling in spelled:
        found = find_capture(db, spelling, "99999999999999")
        assert found is not None, spelling
        assert read_response(archive / "warcs", db, found).body == body, spelling
    # Before every capture: the earliest one after; never captured: None.
    earliest = find_capture(db, url, "2000")
    assert earliest is not None and all(earliest.moment <= c.moment for c in
                                        [find_capture(db, s, "99999999999999") for s in spelled])
    assert find_capture(db, "https://evil.example/pixel.gif", "99999999999999") is None
    assert find_capture(db, f"https://{MAIN_HOST}/documents/never/captured.jpg", "2030") is None
    # A renamed category on thoxuan.vn finds the page archived under the main host's name, and vice versa.
    listing = find_capture(db, f"https://{ALIAS_HOST}/web/trang-chu/tin-tuc-su-kien-trong-huyen", "99999999999999")
    assert listing is not None and listing.status in (200, 304)
    # A redirect the crawler followed (not a fetch of its own) is found, its status read from the record, and
    # rendered as a redirect inside the replay.
    home = find_capture(db, f"https://{ALIAS_HOST}/", "99999999999999")
    assert home is not None and home.status == 302
    status, headers, _ = render(read_response(archive / "warcs", db, home))
    assert status == 302 and dict(headers)["Location"].startswith(f"{REPLAY_PREFIX}/{home.timestamp}/http")


def test_rendered_article_points_only_at_the_archive(crawled):
    archive, db, _ = crawled
    article_id, = db.execute("select a.id from articles a join article_versions v on v.id = a.current_version_id "
                             "where exists (select 1 from article_images i where i.version_id = v.id) "
                             "and a.kind = 'article' order by a.id limit 1").fetchone()
    cap = capture_on_or_before(db, article_id, datetime.now(timezone.utc))
    status, headers, body = render(read_response(archive / "warcs", db, cap))
    assert status == 200 and ("Content-Security-Policy", REPLAY_CSP) in headers
    root = lxml_html.document_fromstring(body.decode("utf-8"))
    images = 0
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        for name in URL_ATTRIBUTES:
            value = element.get(name)
            if value is None or value.startswith("#"):
                continue
            for url in ([c.split()[0] for c in value.split(", ")] if name == "srcset" else [value]):
                parsed = parse_replay_path(url)
                assert parsed is not None, f"<{element.tag} {name}={url!r}> is not a replay URL"
                assert parsed[0] == cap.timestamp
                if element.tag in ("img", "link"):
                    assert find_capture(db, parsed[1], parsed[0]) is not None, url  # archived with the page
                    images += element.tag == "img"
    assert images >= 2


def test_xss_capture_is_replayed_without_any_of_it(crawled):
    archive, db, xss_path = crawled
    article_id = article_with(db, xss_path)
    (_, run1_end), _ = run_bounds(db)
    clean = capture_on_or_before(db, article_id, run1_end)
    hostile = capture_on_or_before(db, article_id, datetime.now(timezone.utc))
    assert clean is not None and hostile is not None and hostile.moment > clean.moment
    raw = read_response(archive / "warcs", db, hostile)
    archived = raw.body.decode("utf-8")
    # The archive keeps the page exactly as served: the fault is there...
    for evil in ("<script>alert(", "onerror=", "javascript:alert", "https://evil.example/pixel.gif", "onclick="):
        assert evil in archived, evil
    assert "evil.example" not in read_response(archive / "warcs", db, clean).body.decode("utf-8")
    # ...and none of it reaches the browser.
    status, headers, body = render(raw)
    assert status == 200 and ("Content-Security-Policy", REPLAY_CSP) in headers
    out = body.decode("utf-8")
    for evil in ("<script", "onerror", "onclick", "javascript:", "alert("):
        assert evil not in out.lower(), evil
    root = lxml_html.document_fromstring(out)
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        assert not [a for a in element.attrib if a.lower().startswith("on")]
        for name in URL_ATTRIBUTES:
            value = element.get(name)
            if value is not None:
                assert value.startswith((REPLAY_PREFIX + "/", "#")), (element.tag, name, value)
    assert "evil.example" not in out.replace(f"{REPLAY_PREFIX}/{hostile.timestamp}/https://evil.example/", "")
    title, = db.execute("select title from articles where id = ?", [article_id]).fetchone()
    assert title in text_of(body, "text/html; charset=utf-8")


def test_read_response_names_what_is_missing(crawled, tmp_path):
    archive, db, _ = crawled
    cap = article_captures(db, 1)[0]
    with pytest.raises(CaptureError, match="missing"):
        read_response(tmp_path, db, cap)
    # A revisit whose original is gone from the index.
    copy = sqlite3.connect(":memory:")
    db.backup(copy)
    record_id, refers_to = copy.execute("select record_id, refers_to from warc_records where warc_type = 'revisit' "
                                        "and refers_to != '' limit 1").fetchone()
    copy.execute("delete from warc_records where record_id = ?", [refers_to])
    revisit = capture(copy, record_id, archive / "warcs")
    with pytest.raises(CaptureError, match=refers_to[1:-1]):
        read_response(archive / "warcs", copy, revisit)
    # A record that is not where the index says.
    moved = capture(db, cap.record_id)
    wrong = type(moved)(**{**moved.__dict__, "offset": 0, "length": moved.length})
    with pytest.raises(CaptureError):
        read_response(archive / "warcs", db, wrong)
    with pytest.raises(CaptureError, match="bare file name"):
        read_response(archive / "warcs", db, type(moved)(**{**moved.__dict__, "filename": "../archive.db"}))


# In a browser: what the UI will do, with a stand-in server mounting the same functions.


class _Replay(BaseHTTPRequestHandler):
    archive: Path
    raw = False  # serve the archived markup unrewritten: the headers alone must contain it

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        if self.path.startswith("/ui?"):
            src = self.path.split("?", 1)[1]
            body = f'<!doctype html><title>UI</title><iframe src="{src}" width="900" height="700"></iframe>'.encode()
            return self.reply(200, [("Content-Type", "text/html")], body)
        parsed = parse_replay_path(self.path)
        db = sqlite3.connect(self.archive / "archive.db")
        try:
            cap = find_capture(db, parsed[1], parsed[0]) if parsed else None
            if cap is None:
                return self.reply(404, [("Content-Type", "text/plain")], b"not archived")
            resp = read_response(self.archive / "warcs", db, cap)
        finally:
            db.close()
        status, headers, body = render(resp)
        if self.raw and resp.content_type.startswith("text/html"):
            body = resp.body
        self.reply(status, headers, body)

    def reply(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.mark.parametrize("raw", [False, True], ids=["rewritten", "headers-only"])
def test_browser_replays_the_xss_capture_without_leaving_the_archive(crawled, raw):
    """Rewritten: the page does not even try an outside URL. Headers only (the archived markup unrewritten): the
    sandbox and the CSP alone keep every script from running and every outside load from reaching the network."""
    import playwright.sync_api as sync_api

    from test_browser import chromium_path

    chromium = chromium_path()
    archive, db, xss_path = crawled
    hostile = capture_on_or_before(db, article_with(db, xss_path), datetime.now(timezone.utc))
    handler = type("Handler", (_Replay,), {"archive": archive, "raw": raw})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    attempted, networked, failed, dialogs, loaded = [], [], [], [], []

    def route(request_route) -> None:
        # Only what passes the page's CSP gets here: the network. Nothing leaves this machine either way.
        url = request_route.request.url
        networked.append(url)
        request_route.continue_() if url.startswith(origin) else request_route.abort()

    try:
        with sync_api.sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium)
            page = browser.new_page()
            page.route("**/*", route)
            page.on("request", lambda r: attempted.append(r.url))
            page.on("requestfailed", lambda r: failed.append((r.url, r.failure)))
            page.on("response", lambda r: loaded.append((r.url, r.status, r.headers.get("content-type", ""))))
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.goto(f"{origin}/ui?{quote(replay_url(hostile.timestamp, hostile.target_uri), safe='/:')}")
            page.wait_for_load_state("networkidle")
            frame = page.frames[1]
            title = frame.title()
            widths = frame.evaluate("Array.from(document.images).filter(i => i.src.includes('/documents/'))"
                                    ".map(i => i.naturalWidth)")
            origin_seen = frame.evaluate("window.origin")
            browser.close()
    finally:
        server.shutdown()
    assert not dialogs, dialogs  # no archived script ran
    assert not [u for u in networked if not u.startswith(origin)]  # nothing went outside
    assert title and origin_seen == "null"  # the page was shown, sandboxed: an opaque origin, no access to the UI
    outside = [u for u in attempted if not u.startswith(origin)]
    if raw:
        # The archived markup asks for the tracker and the remote images; the CSP refuses each one.
        assert "https://evil.example/pixel.gif" in outside
        blocked = {u for u, why in failed if why == "csp"}
        assert set(outside) <= blocked, (outside, failed)
    else:
        assert not outside, outside
        # Its images came from the archive, through the CSP ('self' holds inside the sandbox).
        assert widths and all(w > 0 for w in widths), widths
        assert any(ctype.startswith("image/") and status == 200 for _, status, ctype in loaded)
