"""crawler.middlewares.decompression: Scrapy's decompression, to at most a response's size limit."""

from __future__ import annotations

import gzip
import logging

import brotli
import pytest
from scrapy import Request
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse, Response

from archive.warc.content_encoding import DECODE_ERRORS, zstd
from crawler.middlewares.decompression import BoundedDecompressionMiddleware
from crawler.middlewares.limits import META_TRUNCATED
from test_crawler_session import crawler_for

URL = "https://thoxuan.thanhhoa.gov.vn/web/trang-chu"
PAGE = "<html><head><title>Thọ Xuân</title></head><body>trang chủ</body></html>".encode() * 10
LIMIT = 10_000


@pytest.fixture
def crawler(tmp_path):
    return crawler_for(tmp_path, PORTAL_MAX_PAGE_SIZE=LIMIT, PORTAL_MAX_FILE_SIZE=LIMIT)


@pytest.fixture
def mw(crawler):
    return BoundedDecompressionMiddleware.from_crawler(crawler)


def received(body: bytes, coding: str | None, content_type: str = "text/html; charset=utf-8") -> Response:
    """A response as the downloader gives it: a plain Response, whatever its type."""
    headers = {"Content-Type": content_type, **({"Content-Encoding": coding} if coding else {})}
    return Response(URL, body=body, headers=headers, request=Request(URL))


def test_asks_for_every_coding_it_can_undo(mw):
    request = Request(URL)
    mw.process_request(request)
    assert request.headers[b"Accept-Encoding"] == b"gzip, deflate, br, zstd"
    told = Request(URL, headers={"Accept-Encoding": "identity"})
    mw.process_request(told)
    assert told.headers[b"Accept-Encoding"] == b"identity"


@pytest.mark.parametrize("coding,encode", [
    ("gzip", lambda b: gzip.compress(b, mtime=0)), ("br", brotli.compress), ("zstd", zstd.compress),
    ("gzip, br", lambda b: brotli.compress(gzip.compress(b, mtime=0))),
])
def test_decoded_into_the_response_a_spider_reads(mw, crawler, coding, encode):
    response = received(encode(PAGE), coding)
    decoded = mw.process_response(response.request, response)
    assert isinstance(decoded, HtmlResponse) and decoded.body == PAGE
    assert b"Content-Encoding" not in decoded.headers and "Thọ Xuân" in decoded.text
    assert crawler.stats.get_value("httpcompression/response_count") == 1
    assert crawler.stats.get_value("httpcompression/response_bytes") == len(PAGE)


def test_a_bomb_is_decoded_to_its_limit_and_marked(mw, crawler):
    response = received(gzip.compress(bytes(10 * LIMIT), mtime=0), "gzip")
    decoded = mw.process_response(response.request, response)
    assert decoded.body == bytes(LIMIT)
    assert response.request.meta[META_TRUNCATED] == f"truncated: decodes to more than {LIMIT} bytes"
    assert crawler.stats.get_value("portal/truncated") == 1


def test_an_unknown_coding_is_kept_and_logged(mw, caplog):
    body = gzip.compress(PAGE, mtime=0)
    response = received(body, "gzip, compress")
    with caplog.at_level(logging.WARNING):
        kept = mw.process_response(response.request, response)
    assert kept.body == body and kept.headers.getlist(b"Content-Encoding") == [b"gzip", b"compress"]
    assert "unsupported encoding(s) 'gzip,compress'" in caplog.text


def test_a_body_that_is_not_what_it_claims_fails(mw):
    response = received(b"<html>not gzip</html>", "gzip")
    with pytest.raises(DECODE_ERRORS):
        mw.process_response(response.request, response)


def test_head_and_plain_answers_pass(mw):
    head = received(b"", "gzip")
    head = head.replace(request=Request(URL, method="HEAD"))
    assert mw.process_response(head.request, head) is head
    plain = received(PAGE, None)
    assert mw.process_response(plain.request, plain) is plain


def test_off_with_compression_enabled_false(tmp_path):
    with pytest.raises(NotConfigured):
        BoundedDecompressionMiddleware.from_crawler(crawler_for(tmp_path, COMPRESSION_ENABLED=False))
