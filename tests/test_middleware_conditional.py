"""crawler.middlewares.conditional: the validators archived for a URL go back as If-None-Match / If-Modified-Since."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from scrapy import Request
from scrapy.exceptions import NotConfigured

from archive.db.history import History
from archive.page.records import Page
from crawler.extensions.session import ArchiveSession
from crawler.middlewares.conditional import ConditionalRequestMiddleware
from test_crawler_session import crawler_for

ARTICLE = "https://thoxuan.thanhhoa.gov.vn/web/trang-chu/tin-tuc/bai-viet.html"
IMAGE = "https://thoxuan.thanhhoa.gov.vn/documents/anh.jpg"
WHEN = datetime(2024, 5, 17, tzinfo=timezone.utc)
MODIFIED = "Fri, 17 May 2024 00:00:00 GMT"


@pytest.fixture
def crawler(tmp_path):
    crawler = crawler_for(tmp_path)
    archive = ArchiveSession.of(crawler).archive
    run = archive.start_run(job="crawl")
    archive.save_page(run, Page(url=ARTICLE, kind="article", title="Bài viết", body=["Nội dung"]), WHEN)
    archive.save_media(run, IMAGE, b"\xff\xd8\xff\xe0jpeg", "image/jpeg", "", WHEN)
    history = History(archive.db)
    history.remember_validators(ARTICLE, '"v1"', MODIFIED, WHEN)
    history.remember_validators(IMAGE, "", MODIFIED, WHEN)
    # Validators of a page the crawl never got to store: a 304 would leave it unarchived for good.
    history.remember_validators(ARTICLE + "?killed", '"v2"', "", WHEN)
    return crawler


@pytest.fixture
def mw(crawler):
    middleware = ConditionalRequestMiddleware.from_crawler(crawler)
    middleware.spider_opened()
    return middleware


def test_archived_addresses_are_asked_conditionally(mw):
    article, image = Request(ARTICLE), Request(IMAGE)
    mw.process_request(article)
    mw.process_request(image)
    assert article.headers[b"If-None-Match"] == b'"v1"' and article.headers[b"If-Modified-Since"] == MODIFIED.encode()
    assert b"If-None-Match" not in image.headers and image.headers[b"If-Modified-Since"] == MODIFIED.encode()


def test_what_the_archive_does_not_hold_is_asked_plainly(mw):
    for request in (Request(ARTICLE + "?killed"), Request(ARTICLE + "?new"), Request(ARTICLE, method="HEAD")):
        mw.process_request(request)
        assert b"If-None-Match" not in request.headers and b"If-Modified-Since" not in request.headers


def test_a_request_that_asks_its_own_way_is_left_alone(mw):
    request = Request(ARTICLE, headers={"If-None-Match": '"mine"'})
    mw.process_request(request)
    assert request.headers[b"If-None-Match"] == b'"mine"' and b"If-Modified-Since" not in request.headers


def test_off_with_portal_conditional_requests_false(tmp_path):
    with pytest.raises(NotConfigured):
        ConditionalRequestMiddleware.from_crawler(crawler_for(tmp_path, PORTAL_CONDITIONAL_REQUESTS=False))
