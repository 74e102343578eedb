"""Every HTTP exchange to the WARC files, as it came off the wire: Scrapy's request and response as an `Exchange`,
handed to the capture recorder (`archive.warc.recorder`), which decides response or revisit, writes and indexes.

Placed at 850, between the size limits (860) and decompression (590): the body is still content-encoded (and
already cut to its size limit, if it passed it: the record then says `WARC-Truncated: length`), and the request
carries every header the middlewares before it added. Answers of the resume cache (flagged "cached") were
written by the run that fetched them; the recorder finds their record.
"""

from __future__ import annotations

import socket
from datetime import datetime, timedelta, timezone
from http import HTTPStatus
from pathlib import Path

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.statscollectors import StatsCollector
from scrapy.utils.httpobj import urlparse_cached

from archive.db.record_index import WarcIndex
from archive.warc.recorder import Recorder
from archive.warc.writer import Exchange
from crawler.extensions.session import ArchiveSession

DROPPED_REQUEST_HEADERS = (b"proxy-authorization", b"proxy-connection")
DESCRIPTION = "Web archive of the Thọ Xuân district portal (portal-archive)"


class WarcCaptureMiddleware:
    def __init__(self, session: ArchiveSession, recorder: Recorder, stats: StatsCollector):
        self.session = session
        self.recorder = recorder
        self.stats = stats
        self.recording = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcCaptureMiddleware:
        settings = crawler.settings
        session = ArchiveSession.of(crawler)
        recorder = Recorder(Path(settings["PORTAL_ARCHIVE_DIR"]) / "warcs", WarcIndex(session.archive.db),
                            prefix=settings.get("PORTAL_WARC_PREFIX"), max_size=settings.getint("PORTAL_WARC_MAX_SIZE"),
                            warcinfo={
                                "operator": settings.get("PORTAL_ARCHIVE_CONTACT") or "not set",
                                "robots": "obey" if settings.getbool("ROBOTSTXT_OBEY") else "ignore",
                                "http-header-user-agent": settings.get("USER_AGENT") or "",
                                "hostname": socket.gethostname(),
                                "description": DESCRIPTION,
                                "job": settings.get("PORTAL_JOB", ""),
                            })
        middleware = cls(session, recorder, crawler.stats)
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def spider_opened(self) -> None:
        # The pipeline has started the run by now (Scrapy opens the pipelines before it sends spider_opened).
        self.recorder.open(self.session.run_id)
        self.recording = True

    def spider_closed(self) -> None:
        if self.recording:
            self.recording = False
            for closed in self.recorder.close():
                if closed.problems:
                    self.stats.inc_value("portal/warc_invalid_files")

    def process_response(self, request: Request, response: Response) -> Response:
        if not self.recording:
            return response
        recorded = self.recorder.record(exchange(request, response), cached="cached" in response.flags)
        request.meta["warc_record_id"] = recorded.record.record_id
        if recorded.written:
            self.stats.inc_value("portal/warc_revisits" if recorded.revisit else "portal/warc_responses")
        return response


def exchange(request: Request, response: Response) -> Exchange:
    """A Scrapy request and its response, as received, in plain values."""
    latency = request.meta.get("download_latency") or 0.0
    headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, values in request.headers.items()
               if k.lower() not in DROPPED_REQUEST_HEADERS for v in values]
    if not any(k.lower() == "host" for k, _ in headers):
        headers.insert(0, ("Host", urlparse_cached(request).netloc))
    try:
        reason = HTTPStatus(response.status).phrase
    except ValueError:
        reason = ""
    flags = response.flags
    return Exchange(
        url=request.url, method=request.method, request_headers=headers, request_body=request.body or b"",
        status=response.status, reason=reason,
        response_headers=[(k.decode("latin-1"), v.decode("latin-1")) for k, values in response.headers.items()
                          for v in values],
        body=response.body,
        started_at=datetime.now(timezone.utc) - timedelta(seconds=latency),
        http_version=http_version(response.protocol),
        ip_address=str(response.ip_address) if response.ip_address else None,
        # "truncated": cut at PORTAL_MAX_PAGE_SIZE / PORTAL_MAX_FILE_SIZE (crawler/middlewares/limits.py).
        truncated="length" if "truncated" in flags else "disconnect" if "dataloss" in flags else None,
    )


def http_version(protocol: str | None) -> str:
    """Scrapy's `response.protocol` ("HTTP/1.0", "HTTP/1.1", "h2") as the writer wants it."""
    if (protocol or "").lower() in ("h2", "http/2", "http/2.0"):
        return "HTTP/2"
    return protocol if protocol in ("HTTP/1.0", "HTTP/1.1") else "HTTP/1.1"
