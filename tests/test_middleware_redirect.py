"""crawler.middlewares.redirect: redirect loops and over-long chains stopped, counted and recorded in `fetches`."""

from __future__ import annotations

import pytest
from scrapy import Request, Spider
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response

from crawler.extensions.session import ArchiveSession
from crawler.middlewares.redirect import BoundedRedirectMiddleware
from test_crawler_session import crawler_for

A, B, C = (f"https://thoxuan.thanhhoa.gov.vn/web/{name}" for name in ("a", "b", "c"))


@pytest.fixture
def crawler(tmp_path):
    crawler = crawler_for(tmp_path, REDIRECT_MAX_TIMES=2)
    crawler.spider = Spider.from_crawler(crawler, name="portal")
    session = ArchiveSession.of(crawler)
    session.run_id = session.archive.start_run(job="crawl")
    return crawler


@pytest.fixture
def mw(crawler):
    return BoundedRedirectMiddleware.from_crawler(crawler)


def redirect(request: Request, to: str) -> Response:
    return Response(request.url, status=302, headers={"Location": to, "Content-Type": "text/html"}, request=request)


def fetches(crawler) -> list[tuple]:
    return ArchiveSession.of(crawler).archive.db.execute("select url, status, error from fetches").fetchall()


def test_a_redirect_is_followed(mw, crawler):
    request = Request(A)
    followed = mw.process_response(request, redirect(request, B))
    assert isinstance(followed, Request) and followed.url == B
    assert fetches(crawler) == []


def test_a_loop_is_given_up_at_the_redirect_that_closes_it(mw, crawler):
    request = Request(A)
    second = mw.process_response(request, redirect(request, B))
    with pytest.raises(IgnoreRequest, match="redirect loop"):
        mw.process_response(second, redirect(second, A + "#top"))  # another spelling of the same address
    assert fetches(crawler) == [(B, 302, f"redirect loop: {A} → {B} → {A}#top")]
    assert crawler.stats.get_value("portal/redirect_loops") == 1


def test_a_chain_past_the_limit_is_given_up(mw, crawler):
    request = Request(A)
    for to in (B, C):
        request = mw.process_response(request, redirect(request, to))
    with pytest.raises(IgnoreRequest):
        mw.process_response(request, redirect(request, A + "?again"))
    ((url, status, error),) = fetches(crawler)
    assert (url, status) == (C, 302)
    assert error == f"redirect limit: more than REDIRECT_MAX_TIMES (2) redirects: {A} → {B} → {C} → {A}?again"
    assert crawler.stats.get_value("portal/redirect_limit") == 1
