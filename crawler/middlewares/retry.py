"""Scrapy's retries, with exponential backoff and `Retry-After` honoured (Scrapy retries at once)."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Response
from scrapy.settings import BaseSettings


class BackoffRetryMiddleware(RetryMiddleware):
    def __init__(self, settings: BaseSettings, base: float, cap: float):
        super().__init__(settings)  # Scrapy's RETRY_* settings
        self.base = base
        self.cap = cap

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BackoffRetryMiddleware:
        settings = crawler.settings
        middleware = cls(settings, settings.getfloat("PORTAL_RETRY_BACKOFF_BASE"),
                         settings.getfloat("PORTAL_RETRY_BACKOFF_MAX"))
        middleware.crawler = crawler
        return middleware

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        result = super().process_response(request, response)
        if isinstance(result, Request):
            await asyncio.sleep(self.delay(result, response.headers.get(b"Retry-After")))
        return result

    async def process_exception(self, request: Request, exception: Exception) -> Request | Response | None:
        result = super().process_exception(request, exception)
        if isinstance(result, Request):
            await asyncio.sleep(self.delay(result, None))
        return result

    def delay(self, retry: Request, retry_after: bytes | None) -> float:
        """Seconds to wait before `retry`: the server's Retry-After if it gave one, else BASE * 2**(attempt-1)."""
        wanted = retry_after_seconds(retry_after) if retry_after else None
        if wanted is None:
            wanted = self.base * 2 ** (retry.meta.get("retry_times", 1) - 1)
        return max(0.0, min(wanted, self.cap))


def retry_after_seconds(value: bytes) -> float | None:
    """RFC 9110 10.2.3: delay-seconds or an HTTP-date."""
    text = value.decode("latin-1").strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return (when - datetime.now(timezone.utc)).total_seconds()
