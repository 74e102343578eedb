"""crawler.middlewares.retry: Scrapy's retries, backing off exponentially and honouring Retry-After."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import pytest
from scrapy import Request, Spider
from scrapy.http import Response

from crawler.middlewares.retry import BackoffRetryMiddleware, retry_after_seconds
from test_crawler_session import crawler_for

URL = "https://thoxuan.thanhhoa.gov.vn/web/trang-chu"


def middleware(tmp_path, **settings) -> BackoffRetryMiddleware:
    crawler = crawler_for(tmp_path, **settings)
    crawler.spider = Spider.from_crawler(crawler, name="portal")
    return BackoffRetryMiddleware.from_crawler(crawler)


def test_retry_after_as_seconds_or_http_date():
    assert retry_after_seconds(b"7") == 7.0
    later = format_datetime(datetime.now(timezone.utc) + timedelta(seconds=30), usegmt=True).encode()
    assert 25 <= retry_after_seconds(later) <= 30
    assert retry_after_seconds(b"soon") is None


@pytest.mark.parametrize("attempt,retry_after,expected", [
    (1, None, 2.0), (2, None, 4.0), (3, None, 8.0), (9, None, 120.0),  # exponential, capped
    (1, b"1", 1.0), (1, b"3600", 120.0),  # the server's wish, capped
])
def test_backoff_delay(tmp_path, attempt, retry_after, expected):
    retry = Request(URL, meta={"retry_times": attempt})
    assert middleware(tmp_path).delay(retry, retry_after) == expected


def test_the_fast_profile_backs_off_briefly(tmp_path):
    fast = middleware(tmp_path, PORTAL_RETRY_BACKOFF_BASE=0.05, PORTAL_RETRY_BACKOFF_MAX=2.0)
    assert fast.delay(Request(URL, meta={"retry_times": 2}), None) == pytest.approx(0.1)
    assert fast.delay(Request(URL, meta={"retry_times": 1}), b"3600") == 2.0


def test_a_retried_answer_waits_then_goes_again(tmp_path):
    mw = middleware(tmp_path, PORTAL_RETRY_BACKOFF_BASE=0.05)
    request = Request(URL)
    busy = Response(URL, status=503, headers={"Retry-After": "0"}, request=request)
    retry = asyncio.run(mw.process_response(request, busy))
    assert isinstance(retry, Request) and retry.meta["retry_times"] == 1
    ok = Response(URL, status=200, request=request)
    assert asyncio.run(mw.process_response(request, ok)) is ok
