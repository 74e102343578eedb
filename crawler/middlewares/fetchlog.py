"""Records every fetch attempt, retried or not, failed or not, in the archive's `fetches` table."""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime, timezone

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.statscollectors import StatsCollector

from archive.db.history import History
from crawler.extensions.session import ArchiveSession

log = logging.getLogger(__name__)


def record_fetch(session: ArchiveSession, request: Request, response: Response, error: str = "",
                 fetched_at: datetime | None = None) -> None:
    """The `fetches` row of a response: status, media type, size and SHA-256 of the body, its WARC record."""
    mime = (response.headers.get(b"Content-Type") or b"").decode("latin-1").split(";")[0].strip()
    session.archive.record_fetch(session.run_id, response.url, response.status, mime, len(response.body),
                                 "sha256:" + hashlib.sha256(response.body).hexdigest(), error=error,
                                 fetched_at=fetched_at, warc_record_id=request.meta.get("warc_record_id", ""))


class FetchLogMiddleware:
    def __init__(self, session: ArchiveSession, stats: StatsCollector):
        self.session = session
        self.history = History(session.archive.db)
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FetchLogMiddleware:
        return cls(ArchiveSession.of(crawler), crawler.stats)

    def process_response(self, request: Request, response: Response) -> Response:
        if "cached" in response.flags:  # answered by the resume cache: fetched by an earlier, killed run
            self.stats.inc_value("portal/from_resume_cache")
            return response
        now = datetime.now(timezone.utc)
        # A body cut at its size limit says so (crawler/middlewares/limits.py).
        record_fetch(self.session, request, response, request.meta.get("portal_truncated", ""), now)
        if response.status >= 400:
            self.stats.inc_value(f"portal/fetch_status/{response.status}")
        elif response.status == 200:
            etag, modified = response.headers.get(b"ETag"), response.headers.get(b"Last-Modified")
            if etag or modified:
                self.history.remember_validators(response.url, (etag or b"").decode("latin-1"),
                                                 (modified or b"").decode("latin-1"), now)
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        if isinstance(exception, IgnoreRequest):  # robots.txt or offsite: nothing was fetched
            return None
        error = f"{type(exception).__name__}: {exception}"[:500]
        log.warning("fetch failed: %s: %s", request.url, error)
        self.session.archive.record_fetch(self.session.run_id, request.url, None, error=error)
        self.stats.inc_value("portal/fetch_errors")
        return None
