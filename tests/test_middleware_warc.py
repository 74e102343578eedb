"""crawler.middlewares.warc: Scrapy's request and response as an Exchange, handed to the recorder in one call."""

from __future__ import annotations

import gzip
import ipaddress

import pytest
from scrapy import Request
from scrapy.http import Response
from warcio.archiveiterator import ArchiveIterator

from crawler.extensions.session import ArchiveSession
from crawler.middlewares.warc import WarcCaptureMiddleware, exchange, http_version
from test_crawler_session import crawler_for

URL = "https://thoxuan.thanhhoa.gov.vn/web/trang-chu?page=2"
PAGE = gzip.compress("<html><body>Thọ Xuân</body></html>".encode(), mtime=0)


def answer(request: Request, body: bytes = PAGE, status: int = 200, flags=None, **headers) -> Response:
    headers = {"Content-Type": "text/html", "Content-Encoding": "gzip", **headers}
    return Response(request.url, status=status, body=body, headers=headers, request=request, flags=flags,
                    ip_address=ipaddress.ip_address("203.0.113.7"), protocol="HTTP/1.1")


def test_the_exchange_is_the_request_as_sent_and_the_response_as_received():
    request = Request(URL, headers={"User-Agent": "portal-archive/test", "Proxy-Authorization": "Basic c2VjcmV0",
                                    "Accept-Encoding": "gzip, deflate, br, zstd"},
                      meta={"download_latency": 0.5})
    response = answer(request, **{"Set-Cookie": ["a=1", "b=2"]})
    got = exchange(request, response)
    assert got.url == URL and got.method == "GET" and got.body == PAGE and got.status == 200 and got.reason == "OK"
    assert ("Host", "thoxuan.thanhhoa.gov.vn") == got.request_headers[0]
    assert not any(k.lower() == "proxy-authorization" for k, _ in got.request_headers)  # credentials dropped
    assert [v for k, v in got.response_headers if k == "Set-Cookie"] == ["a=1", "b=2"]  # repeated headers kept
    assert ("Content-Encoding", "gzip") in got.response_headers  # as the server sent it, body still encoded
    assert got.ip_address == "203.0.113.7" and got.http_version == "HTTP/1.1" and got.truncated is None
    assert got.started_at.tzinfo is not None


@pytest.mark.parametrize("flags,truncated", [(["truncated"], "length"), (["dataloss"], "disconnect"), ([], None)])
def test_a_cut_body_is_marked(flags, truncated):
    request = Request(URL)
    assert exchange(request, answer(request, flags=flags)).truncated == truncated


def test_an_unknown_status_has_no_reason_phrase():
    request = Request(URL)
    assert exchange(request, answer(request, status=599)).reason == ""


@pytest.mark.parametrize("protocol,version", [("HTTP/1.0", "HTTP/1.0"), ("HTTP/1.1", "HTTP/1.1"), ("h2", "HTTP/2"),
                                              (None, "HTTP/1.1")])
def test_http_version(protocol, version):
    assert http_version(protocol) == version


@pytest.fixture
def crawler(tmp_path):
    crawler = crawler_for(tmp_path, PORTAL_WARC_PREFIX="test")
    session = ArchiveSession.of(crawler)
    session.run_id = session.archive.start_run(job="crawl")
    return crawler


def test_every_response_is_recorded_and_its_record_named_in_the_request(crawler, tmp_path):
    mw = WarcCaptureMiddleware.from_crawler(crawler)
    mw.spider_opened()
    first, again = Request(URL), Request(URL + "&copy")
    assert mw.process_response(first, answer(first)).body == PAGE
    mw.process_response(again, answer(again))
    cached = Request(URL)
    mw.process_response(cached, answer(cached, flags=["cached"]))  # the resume cache: recorded already
    assert cached.meta["warc_record_id"] == first.meta["warc_record_id"] != again.meta["warc_record_id"]
    assert crawler.stats.get_value("portal/warc_responses") == 1
    assert crawler.stats.get_value("portal/warc_revisits") == 1
    mw.spider_closed()
    (path,) = (tmp_path / "warcs").glob("test-*.warc.gz")
    with path.open("rb") as fh:
        kinds = [record.rec_type for record in ArchiveIterator(fh)]
    assert kinds == ["warcinfo", "response", "request", "revisit", "request"]
    db = ArchiveSession.of(crawler).archive.db
    assert db.execute("select filename, run_id from warc_files").fetchall() == [(path.name, 1)]
    assert crawler.stats.get_value("portal/warc_invalid_files") is None


def test_nothing_is_recorded_before_the_spider_opens(crawler, tmp_path):
    mw = WarcCaptureMiddleware.from_crawler(crawler)
    request = Request(URL)
    mw.process_response(request, answer(request))
    assert "warc_record_id" not in request.meta and not list((tmp_path / "warcs").iterdir())


def test_a_bad_prefix_stops_the_crawl_before_it_starts(tmp_path):
    with pytest.raises(ValueError, match="prefix"):
        WarcCaptureMiddleware.from_crawler(crawler_for(tmp_path, PORTAL_WARC_PREFIX="a b"))
