"""Size limits: a body is cut at the configured size and kept, marked truncated, never dropped and never let grow.

Scrapy's own limit (DOWNLOAD_MAXSIZE) cancels a download that passes it, and its decompression refuses a body
that inflates past it: the archive would keep nothing of either. Here instead:

- `BodyLimitMiddleware` (at 860, so that its `process_response` runs before the WARC capture at 850) stops a
  download once it has received more than the limit (`StopDownload(fail=False)` from the `bytes_received` signal,
  which gives Scrapy's partial response) and cuts the body to exactly the limit. A content-encoded body (a gzip
  bomb) is cut where what is kept decodes to no more than the limit, found by decoding it a chunk at a time into
  nothing (`archive.warc.content_encoding.encoded_cut`). Either way the response is marked: `portal_truncated` in its meta (a sentence for `fetches.error`),
  the flag `truncated`, and the WARC record gets `WARC-Truncated: length`.
- `crawler.middlewares.decompression.BoundedDecompressionMiddleware` replaces Scrapy's HttpCompressionMiddleware
  (at 590): it decodes to at most the limit, keeping what fits, where Scrapy's raises IgnoreRequest.

The limit is `PORTAL_MAX_PAGE_SIZE` for HTML and other text (what the spider reads) and `PORTAL_MAX_FILE_SIZE`
for everything else (images, attachments). Memory stays bounded: the most held for one response is about twice
its limit.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import StopDownload
from scrapy.http import Headers, Response
from scrapy.settings import BaseSettings
from scrapy.statscollectors import StatsCollector

from archive.warc.content_encoding import codings, encoded_cut

log = logging.getLogger(__name__)
META_LIMIT = "portal_body_limit"
META_RECEIVED = "portal_body_received"
META_TRUNCATED = "portal_truncated"
TEXT_TYPES = ("text/", "application/xhtml", "application/xml", "application/javascript", "application/json",
              "application/rss", "application/atom")


@dataclass(frozen=True)
class Limits:
    """The two size limits, and which one a response falls under."""

    page: int
    file: int

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> Limits:
        return cls(settings.getint("PORTAL_MAX_PAGE_SIZE"), settings.getint("PORTAL_MAX_FILE_SIZE"))

    def of(self, headers: Headers) -> tuple[int, str]:
        """(limit in bytes, setting it comes from) for a response with these headers: pages or files."""
        content_type = (headers.get(b"Content-Type") or b"").decode("latin-1").strip().lower()
        if not content_type or content_type.startswith(TEXT_TYPES):
            return self.page, "PORTAL_MAX_PAGE_SIZE"
        return self.file, "PORTAL_MAX_FILE_SIZE"


def content_codings(headers: Headers) -> tuple[list[str], list[str]]:
    """(codings to undo, first to last; codings that stay) of a response's Content-Encoding."""
    return codings(value.decode("latin-1") for value in headers.getlist(b"Content-Encoding"))


class BodyLimitMiddleware:
    def __init__(self, limits: Limits, stats: StatsCollector):
        self.limits = limits
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BodyLimitMiddleware:
        middleware = cls(Limits.from_settings(crawler.settings), crawler.stats)
        crawler.signals.connect(middleware.headers_received, signal=signals.headers_received)
        crawler.signals.connect(middleware.bytes_received, signal=signals.bytes_received)
        return middleware

    def process_request(self, request: Request) -> None:
        # A retried or redirected request is a copy of one whose answer may have been cut: start afresh.
        for key in (META_LIMIT, META_RECEIVED, META_TRUNCATED):
            request.meta.pop(key, None)

    def headers_received(self, headers: Headers, request: Request) -> None:
        request.meta[META_LIMIT] = self.limits.of(headers)[0]

    def bytes_received(self, data: bytes, request: Request) -> None:
        received = request.meta.get(META_RECEIVED, 0) + len(data)
        request.meta[META_RECEIVED] = received
        limit = request.meta.get(META_LIMIT)
        if limit and received > limit:
            raise StopDownload(fail=False)  # the response goes on with what was received

    def process_response(self, request: Request, response: Response) -> Response:
        if request.method == "HEAD" or not response.body:
            return response
        limit, setting = self.limits.of(response.headers)
        if not limit:
            return response
        body, note = response.body, ""
        if len(body) > limit:  # stopped once past the limit (or a resume-cache copy of such a body)
            body = body[:limit]
            note = f"truncated: more than {setting} ({limit} bytes) received; the first {limit} bytes are kept"
        undo, _ = content_codings(response.headers)
        if undo:
            cut = encoded_cut(body, undo, limit)
            if cut is not None:
                note = (f"truncated: the {', '.join(undo)} body decodes to more than {setting} ({limit} bytes); the "
                        f"first {cut} of the {len(body)} bytes received are kept, which decode to at most {limit}")
                body = body[:cut]
        if not note:
            return response
        request.meta[META_TRUNCATED] = note
        self.stats.inc_value("portal/truncated")
        log.warning("%s: %s", response.url, note)
        return response.replace(body=body, flags=[*response.flags, "truncated"])
