"""crawler.middlewares.fetchlog: every fetch attempt in `fetches`, and the validators of 200 answers remembered."""

from __future__ import annotations

import hashlib

import pytest
from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Response
from twisted.internet.error import ConnectionRefusedError

from crawler.extensions.session import ArchiveSession
from crawler.middlewares.fetchlog import FetchLogMiddleware
from test_crawler_session import crawler_for

URL = "https://thoxuan.thanhhoa.gov.vn/web/trang-chu"
PAGE = "<html><body>Thọ Xuân</body></html>".encode()


@pytest.fixture
def crawler(tmp_path):
    crawler = crawler_for(tmp_path)
    session = ArchiveSession.of(crawler)
    session.run_id = session.archive.start_run(job="crawl")
    return crawler


@pytest.fixture
def mw(crawler):
    return FetchLogMiddleware.from_crawler(crawler)


def rows(crawler, columns: str = "url, status, mime, size, digest, error, warc_record_id") -> list[tuple]:
    return ArchiveSession.of(crawler).archive.db.execute(f"select {columns} from fetches order by id").fetchall()


def test_a_response_is_recorded_with_its_digest_and_record(mw, crawler):
    request = Request(URL, meta={"warc_record_id": "<urn:uuid:1>"})
    response = HtmlResponse(URL, body=PAGE, headers={"Content-Type": "text/html; charset=utf-8"}, request=request)
    assert mw.process_response(request, response) is response
    assert rows(crawler) == [(URL, 200, "text/html", len(PAGE), "sha256:" + hashlib.sha256(PAGE).hexdigest(), "",
                              "<urn:uuid:1>")]
    assert rows(crawler, "run_id") == [(ArchiveSession.of(crawler).run_id,)]


def test_a_body_cut_at_its_limit_says_so(mw, crawler):
    request = Request(URL, meta={"portal_truncated": "truncated: more than PORTAL_MAX_PAGE_SIZE"})
    mw.process_response(request, HtmlResponse(URL, body=PAGE, request=request))
    assert rows(crawler, "error") == [("truncated: more than PORTAL_MAX_PAGE_SIZE",)]


def test_errors_are_counted_by_status(mw, crawler):
    request = Request(URL)
    mw.process_response(request, Response(URL, status=503, request=request))
    assert crawler.stats.get_value("portal/fetch_status/503") == 1


def test_validators_of_a_200_are_remembered(mw, crawler):
    request = Request(URL)
    mw.process_response(request, Response(URL, headers={"ETag": '"v1"', "Last-Modified": "Fri, 17 May 2024 00:00:00 GMT"},
                                          request=request))
    mw.process_response(request, Response(URL + "?404", status=404, headers={"ETag": '"no"'}, request=request))
    db = ArchiveSession.of(crawler).archive.db
    assert db.execute("select url, etag, last_modified from validators").fetchall() == [
        (URL, '"v1"', "Fri, 17 May 2024 00:00:00 GMT")]


def test_an_answer_of_the_resume_cache_was_recorded_by_the_run_that_fetched_it(mw, crawler):
    request = Request(URL)
    mw.process_response(request, Response(URL, body=PAGE, flags=["cached"], request=request))
    assert rows(crawler) == [] and crawler.stats.get_value("portal/from_resume_cache") == 1


def test_a_failed_fetch_is_recorded_and_an_ignored_one_is_not(mw, crawler):
    mw.process_exception(Request(URL), ConnectionRefusedError("refused"))
    mw.process_exception(Request(URL + "?robots"), IgnoreRequest("Forbidden by robots.txt"))
    ((url, status, error),) = rows(crawler, "url, status, error")
    assert (url, status) == (URL, None) and error.startswith("ConnectionRefusedError: ")
    assert crawler.stats.get_value("portal/fetch_errors") == 1
