"""Writes every HTTP exchange to the WARC files, as it came off the wire, deduplicated by payload digest.

Placed at 850, between the size limits (860) and decompression (590): the body is still content-encoded (and
already cut to its size limit, if it passed it: the record then says `WARC-Truncated: length`), the
request carries every header the middlewares before it added, and responses answered by the resume cache
(flagged "cached") are skipped, since an earlier run wrote them. The format is `archive.warc.writer`'s business.
"""

from __future__ import annotations

import logging
import socket
from datetime import datetime, timedelta, timezone
from http import HTTPStatus
from pathlib import Path

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.utils.httpobj import urlparse_cached

from archive.warc.files import ClosedFile, iter_records, recover, sha256_file, validate
from archive.db.record_index import WarcIndex
from archive.warc.writer import Exchange, WarcWriter
from crawler.session import Session, session_for

log = logging.getLogger(__name__)
DROPPED_REQUEST_HEADERS = (b"proxy-authorization", b"proxy-connection")


class WarcCaptureMiddleware:
    def __init__(self, crawler: Crawler, session: Session, directory: Path, max_size: int):
        self.crawler = crawler
        self.session = session
        self.index = WarcIndex(session.archive.db)
        self.directory = directory
        self.max_size = max_size
        self.writer: WarcWriter | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcCaptureMiddleware:
        settings = crawler.settings
        middleware = cls(crawler, session_for(crawler), Path(settings["ARCHIVE_DIR"]) / "warcs",
                         settings.getint("WARC_MAX_SIZE"))
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def spider_opened(self) -> None:
        self.recover()
        settings = self.crawler.settings
        self.writer = WarcWriter(self.directory, prefix=settings.get("WARC_PREFIX"), max_size=self.max_size,
                                 warcinfo={
                                     "operator": settings.get("ARCHIVE_CONTACT") or "not set",
                                     "robots": "obey" if settings.getbool("ROBOTSTXT_OBEY") else "ignore",
                                     "http-header-user-agent": settings.get("USER_AGENT") or "",
                                     "hostname": socket.gethostname(),
                                     "description": "Web archive of the Thọ Xuân district portal (portal-archive)",
                                     "run-id": str(self.session.run_id or ""),
                                     "job": settings.get("PORTAL_JOB", ""),
                                 })

    def recover(self) -> None:
        """Close the files a crash left open, and index the complete records the database had not recorded.

        A file closed by a crawl killed before it could note it (rotation, or the last instant of a run) is
        indexed the same way.
        """
        recovered = recover(self.directory)
        recorded = {name for (name,) in self.index.db.execute("select filename from warc_files")}
        for path in sorted(self.directory.glob("*.warc.gz")):
            if path.name not in recorded and path.name not in {closed.filename for closed, _ in recovered}:
                refs = list(iter_records(path))
                recovered.append((ClosedFile(path.name, path.stat().st_size, sha256_file(path), len(refs),
                                             validate(path)), refs))
        for closed, refs in recovered:
            known = self.index.known([r.record_id for r in refs])
            self.index.add_records(None, [r for r in refs if r.record_id not in known])
            self.index.add_file(None, closed)
            log.warning("recovered %s after a crash: %d complete records, %d newly indexed",
                        closed.filename, len(refs), len(refs) - len(known))

    def spider_closed(self) -> None:
        if self.writer is not None:
            self.record_closed(self.writer.close())

    def record_closed(self, files) -> None:
        for closed in files:
            self.index.add_file(self.session.run_id, closed)
            if closed.problems:
                log.error("WARC file %s failed validation: %s", closed.filename, "; ".join(closed.problems))
                self.crawler.stats.inc_value("portal/warc_invalid_files")

    def process_response(self, request: Request, response: Response) -> Response:
        if self.writer is None:
            return response
        if "cached" in response.flags:
            # Answered by the resume cache: the killed run that fetched it wrote its record (written below only if
            # it was killed before it could); what is stored from it points at that record.
            found = self.index.captured(request.url, WarcWriter.payload_digest(response.body))
            if found:
                request.meta["warc_record_id"] = found
                return response
        exchange = self.exchange(request, response)
        run_id = self.session.run_id
        original = None
        if response.status == 304:
            original = self.index.last_response(response.url, run_id)
            refs = self.writer.write_revisit(exchange, original, "server-not-modified") if original else None
        elif response.body and 200 <= response.status < 300 and "truncated" not in response.flags:
            # Only successful answers are deduplicated: error pages are small, and replay tools resolve a revisit
            # of a 500 or 404 poorly (pywb fails on a revisit whose original is an error at another URL). A body
            # cut at the size limit is written whole, never as a revisit, so that its record says it was cut.
            original = self.index.original(WarcWriter.payload_digest(response.body), run_id)
            refs = self.writer.write_revisit(exchange, original) if original else None
        else:
            refs = None
        if refs is None:
            refs = self.writer.write_capture(exchange)
        self.index.add_records(run_id, refs, original.record_id if original else "")
        request.meta["warc_record_id"] = refs[0].record_id
        self.crawler.stats.inc_value("portal/warc_revisits" if original else "portal/warc_responses")
        return response

    @staticmethod
    def exchange(request: Request, response: Response) -> Exchange:
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
