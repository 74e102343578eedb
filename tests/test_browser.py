"""The web UI in a real headless Chromium (Debian's `chromium`, driven by Playwright): what a researcher sees, and what
the browser runs and requests while showing hostile archived pages.

Every request the browser makes goes through a route that lets only the UI's own server through and records the rest,
so "no outside request" is checked on the network, not on the markup. Screenshots of the main pages are taken on the
way; with $PORTAL_ARCHIVE_SCREENSHOTS set (`make screenshots`) they are also written there (docs/screenshots).
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from test_browse import archived_pages, article_id, edited_page, expected_for, result_keys

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
                 "--disable-background-networking", "--disable-component-update", "--disable-dev-shm-usage"]


def chromium_path() -> str:
    found = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        pytest.fail("Chromium is not installed: `.ci/run` installs Debian's chromium package")
    return found


@dataclass
class Watch:
    """What the browser tried to do besides showing our pages."""

    outside: list[str] = field(default_factory=list)  # requests to anything but the UI's server (all refused)
    dialogs: list[str] = field(default_factory=list)  # alert/confirm/prompt: a script ran
    requests: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def watched_page(browser, base: str, **options):
    """A page in a fresh context whose requests outside `base` are refused and recorded (`page.watch`), as are its
    dialogs (a script ran)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN",
                                  timezone_id="Asia/Ho_Chi_Minh", **options)
    watch = Watch()

    def route(r):
        url = r.request.url
        watch.requests.append(url)
        if url.startswith(base + "/") or url.startswith(("data:", "about:")):
            r.continue_()
        else:
            watch.outside.append(url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()

    def dialog(d):
        watch.dialogs.append(d.message)
        d.dismiss()

    page.on("dialog", dialog)
    page.watch = watch
    yield page
    context.close()


@pytest.fixture
def page(browser, browsed):
    yield from watched_page(browser, browsed.url)


def screenshot(page, name: str, tmp_path: Path) -> None:
    path = tmp_path / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    target = os.environ.get("PORTAL_ARCHIVE_SCREENSHOTS")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(target) / path.name)


def test_home_page(page, browsed, tmp_path):
    page.goto(browsed.url + "/")
    assert page.locator("h1").first.inner_text() == "Lưu trữ có gì"
    assert page.locator("section.latest li").count() > 0
    screenshot(page, "home", tmp_path)
    assert page.watch.outside == [] and page.watch.dialogs == []


def test_search_for_dang_bo_finds_the_expected_articles(page, browsed, tmp_path):
    expected = expected_for(browsed, "dang", "bo")
    page.goto(browsed.url + "/")
    page.fill("header input[name=q]", "dang bo")
    page.press("header input[name=q]", "Enter")
    page.wait_for_url(re.compile(r"/search\?q=dang\+bo"))
    total = int(re.search(r"(\d+) kết quả", page.locator("p.total").inner_text()).group(1))
    assert total == len(expected)
    hrefs = page.locator("li.result a.title").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert len(hrefs) == min(20, total)
    assert set(result_keys(browsed, hrefs)) <= expected
    assert page.locator("li.result .snippet mark").count() >= len(hrefs)
    screenshot(page, "search", tmp_path)
    assert page.watch.outside == [] and page.watch.dialogs == []


def test_article_page_shows_its_images_and_captions_from_the_archive(page, browsed, tmp_path):
    truth = next(p for p in browsed.truths[2]["pages"] if len(p["images"]) >= 2 and not p["changes"])
    page.goto(f"{browsed.url}/articles/{article_id(browsed, truth)}")
    page.wait_for_load_state("networkidle")
    figures = page.locator("section.images figure")
    assert figures.count() == len(truth["images"])
    widths = page.locator("section.images img").evaluate_all("imgs => imgs.map(i => i.complete ? i.naturalWidth : 0)")
    assert widths and all(w > 0 for w in widths)  # every image really loaded, from the archive
    captions = page.locator("section.images figcaption").all_inner_texts()
    assert captions == [img["caption"] or img.get("alt", "") for img in truth["images"]]
    body_images = page.locator("div.body img").evaluate_all(
        "imgs => imgs.map(i => [i.getAttribute('src'), i.naturalWidth])")
    assert body_images and all(src.startswith("/media/") and w > 0 for src, w in body_images)
    page.locator("h1").scroll_into_view_if_needed()
    screenshot(page, "article", tmp_path)
    assert page.watch.outside == [] and page.watch.dialogs == []
    assert any("/media/" in url for url in page.watch.requests)


def test_script_and_onerror_payload_article_runs_nothing_and_requests_nothing_outside(page, browsed):
    url = browsed.truths[2]["faults"]["xss"]["urls"][0]
    truth = next(p for p in archived_pages(browsed) if p["canonical_url"] == url)
    page.on("console", lambda m: None)
    page.goto(f"{browsed.url}/articles/{article_id(browsed, truth)}")
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == truth["title"]
    page.locator("div.body a").evaluate_all("links => links.forEach(a => a.click())")  # a javascript: link, if any
    capture = browsed.url + page.locator("section.captures tbody tr a").last.get_attribute("href")
    page.goto(capture)
    page.wait_for_load_state("networkidle")
    frame = page.frame_locator("iframe.replay")
    assert truth["title"][:30] in frame.locator("body").inner_text()
    hrefs = frame.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href') || '')")
    # Clicking archived links runs nothing and leaves nothing: the body's links (the payload's javascript: link among
    # them, now inert) and a few of the page's, each on a fresh load since a click navigates the frame.
    chosen = [n for n, href in enumerate(hrefs) if not href.startswith("/-/replay/")] + list(range(3))
    assert len(hrefs) > 3
    for n in chosen:
        page.goto(capture)
        frame.locator("a").nth(n).click(no_wait_after=True, timeout=5000, force=True)
        page.wait_for_timeout(100)
    page.wait_for_load_state("networkidle")
    assert page.watch.dialogs == [], page.watch.dialogs
    assert page.watch.outside == [], page.watch.outside


def test_as_captured_view_loads_the_page_with_its_images_from_the_archive_only(page, browsed, tmp_path):
    truth = edited_page(browsed, "body")
    page.goto(f"{browsed.url}/articles/{article_id(browsed, truth)}")
    page.goto(browsed.url + page.locator("section.captures tbody tr a").last.get_attribute("href"))
    page.wait_for_load_state("networkidle")
    assert "Trang như đã chụp lúc" in page.locator(".capture-bar").inner_text()
    frame = page.frame_locator("iframe.replay")
    before = next(p for p in browsed.truths[1]["pages"] if p["canonical_url"] == truth["canonical_url"])
    assert before["title"][:30] in frame.locator("body").inner_text()
    replayed = [u for u in page.watch.requests if "/-/replay/" in u]
    assert any(re.search(r"\.(jpe?g|png|gif)$", u, re.I) for u in replayed)  # its images came from the archive
    assert any(u.endswith(".css") for u in replayed)  # and its styles
    screenshot(page, "capture", tmp_path)
    assert page.watch.outside == [], page.watch.outside
    assert page.watch.dialogs == []


def test_diff_view_shows_the_edited_paragraph_after_epoch_2(page, browsed, tmp_path):
    truth = edited_page(browsed, "body")
    before = next(p for p in browsed.truths[1]["pages"] if p["canonical_url"] == truth["canonical_url"])
    new_paragraph = next(p for p in truth["body"] if p not in before["body"])
    page.goto(f"{browsed.url}/articles/{article_id(browsed, truth)}")
    page.click("text=so với bản 1")
    page.wait_for_url(re.compile(r"/diff\?from=1&to=2"))
    inserted = " ".join(page.locator("table.diff td.new").all_inner_texts())
    assert page.locator("table.diff ins").count() > 0
    assert " ".join(new_paragraph.split()[:6]) in " ".join(inserted.split())
    screenshot(page, "diff", tmp_path)
    assert page.watch.outside == [] and page.watch.dialogs == []
