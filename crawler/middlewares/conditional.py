"""Conditional requests: the ETag and Last-Modified archived for a URL go back as If-None-Match / If-Modified-Since.

The portal then answers 304 for what has not changed, which the WARC writer keeps as a server-not-modified
revisit and the archive as "seen again, unchanged". Validators are recorded by the fetch log from 200 answers.
"""

from __future__ import annotations

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from archive.db.history import History
from archive.urls import normalise
from crawler.extensions.session import ArchiveSession


class ConditionalRequestMiddleware:
    def __init__(self, history: History):
        self.history = history
        self.validators: dict[str, tuple[str | None, str | None]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ConditionalRequestMiddleware:
        if not crawler.settings.getbool("PORTAL_CONDITIONAL_REQUESTS"):
            raise NotConfigured
        middleware = cls(History(ArchiveSession.of(crawler).archive.db))
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        return middleware

    def spider_opened(self) -> None:
        self.validators = self.history.validators()

    def process_request(self, request: Request) -> None:
        if not self.validators or request.method != "GET" or b"If-None-Match" in request.headers:
            return None
        etag, modified = self.validators.get(normalise(request.url), (None, None))
        if etag:
            request.headers[b"If-None-Match"] = etag
        if modified:
            request.headers[b"If-Modified-Since"] = modified
        return None
