"""crawler.middlewares.limits: a body past its size limit is stopped, cut and marked, never dropped."""

from __future__ import annotations

import gzip

import pytest
from scrapy import Request
from scrapy.exceptions import StopDownload
from scrapy.http import Headers, HtmlResponse, Response

from archive.warc.content_encoding import decode
from crawler.middlewares.limits import META_LIMIT, META_RECEIVED, META_TRUNCATED, BodyLimitMiddleware
from test_crawler_session import crawler_for

PAGE_LIMIT, FILE_LIMIT = 1000, 5000
URL = "https://thoxuan.thanhhoa.gov.vn/web/trang-chu"


@pytest.fixture
def crawler(tmp_path):
    return crawler_for(tmp_path, PORTAL_MAX_PAGE_SIZE=PAGE_LIMIT, PORTAL_MAX_FILE_SIZE=FILE_LIMIT)


@pytest.fixture
def mw(crawler):
    return BodyLimitMiddleware.from_crawler(crawler)


def html(body: bytes, **headers) -> HtmlResponse:
    return HtmlResponse(URL, body=body, headers={"Content-Type": "text/html; charset=utf-8", **headers},
                        request=Request(URL))


@pytest.mark.parametrize("content_type,limit", [
    ("text/html; charset=utf-8", PAGE_LIMIT), ("application/json", PAGE_LIMIT), ("", PAGE_LIMIT),
    ("image/jpeg", FILE_LIMIT), ("application/pdf", FILE_LIMIT),
])
def test_pages_and_files_have_their_own_limit(mw, content_type, limit):
    request = Request(URL)
    mw.headers_received(Headers({"Content-Type": content_type} if content_type else {}), request)
    assert request.meta[META_LIMIT] == limit


def test_a_download_is_stopped_once_past_its_limit(mw):
    request = Request(URL)
    mw.headers_received(Headers({"Content-Type": "text/html"}), request)
    mw.bytes_received(b"x" * 600, request)
    with pytest.raises(StopDownload) as stopped:
        mw.bytes_received(b"x" * 600, request)
    assert not stopped.value.fail  # the response goes on with what was received
    assert request.meta[META_RECEIVED] == 1200


def test_a_retried_request_starts_afresh(mw):
    request = Request(URL, meta={META_LIMIT: 1, META_RECEIVED: 99, META_TRUNCATED: "truncated: ..."})
    mw.process_request(request)
    assert not {META_LIMIT, META_RECEIVED, META_TRUNCATED} & set(request.meta)


def test_a_body_past_its_limit_is_cut_to_it_and_marked(mw, crawler):
    response = html(b"x" * 1500)
    cut = mw.process_response(response.request, response)
    assert cut.body == b"x" * PAGE_LIMIT and "truncated" in cut.flags
    assert "more than PORTAL_MAX_PAGE_SIZE (1000 bytes) received" in response.request.meta[META_TRUNCATED]
    assert crawler.stats.get_value("portal/truncated") == 1


def test_a_body_that_fits_is_left_alone(mw):
    response = html(b"x" * PAGE_LIMIT)
    assert mw.process_response(response.request, response) is response
    assert META_TRUNCATED not in response.request.meta


def test_a_gzip_bomb_is_cut_where_what_is_kept_decodes_to_the_limit(mw):
    bomb = gzip.compress(b"<p>" + bytes(200_000), mtime=0)  # a few hundred bytes that inflate to 200 KB
    assert len(bomb) < PAGE_LIMIT
    response = html(bomb, **{"Content-Encoding": "gzip"})
    cut = mw.process_response(response.request, response)
    assert "truncated" in cut.flags and len(cut.body) < len(bomb)
    assert len(decode(cut.body, ["gzip"])[0]) <= PAGE_LIMIT
    assert "the gzip body decodes to more than PORTAL_MAX_PAGE_SIZE" in response.request.meta[META_TRUNCATED]


def test_head_and_empty_answers_pass(mw):
    head = Response(URL, body=b"", request=Request(URL, method="HEAD"))
    assert mw.process_response(head.request, head) is head
    empty = html(b"")
    assert mw.process_response(empty.request, empty) is empty
