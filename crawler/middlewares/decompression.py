"""Scrapy's decompression (HttpCompressionMiddleware, replaced at 590), bounded: a body is decoded to at most its
size limit (`PORTAL_MAX_PAGE_SIZE` / `PORTAL_MAX_FILE_SIZE`), keeping what fits, where Scrapy's would refuse the
whole response with IgnoreRequest. Decoding is `archive.warc.content_encoding`'s (gzip, deflate, br, zstd).
"""

from __future__ import annotations

import logging

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response, TextResponse
from scrapy.responsetypes import responsetypes
from scrapy.statscollectors import StatsCollector

from archive.warc.content_encoding import ACCEPT_ENCODING, decode
from crawler.middlewares.limits import META_TRUNCATED, Limits, content_codings

log = logging.getLogger(__name__)


class BoundedDecompressionMiddleware:
    """Scrapy's HttpCompressionMiddleware, decoding to at most the response's limit instead of refusing the body.

    It asks for the same codings (gzip, deflate, br, zstd), keeps the codings it cannot undo in Content-Encoding
    and logs them, counts `httpcompression/*` and warns past DOWNLOAD_WARNSIZE as Scrapy's does.
    """

    def __init__(self, limits: Limits, warn_size: int, stats: StatsCollector):
        self.limits = limits
        self.warn_size = warn_size
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BoundedDecompressionMiddleware:
        if not crawler.settings.getbool("COMPRESSION_ENABLED"):
            raise NotConfigured
        return cls(Limits.from_settings(crawler.settings), crawler.settings.getint("DOWNLOAD_WARNSIZE"),
                   crawler.stats)

    def process_request(self, request: Request) -> None:
        request.headers.setdefault("Accept-Encoding", ACCEPT_ENCODING)

    def process_response(self, request: Request, response: Response) -> Response:
        if request.method == "HEAD" or not response.headers.getlist(b"Content-Encoding"):
            return response
        undo, left = content_codings(response.headers)
        limit = self.limits.of(response.headers)[0]
        body, more = decode(response.body, undo, limit) if undo else (response.body, False)
        if more and not request.meta.get(META_TRUNCATED):  # a bomb that BodyLimitMiddleware did not see
            request.meta[META_TRUNCATED] = f"truncated: decodes to more than {limit} bytes"
            self.stats.inc_value("portal/truncated")
        warn = request.meta.get("download_warnsize", self.warn_size)
        if len(response.body) < warn <= len(body):
            log.warning("%s body size after decompression (%d B) is larger than the download warning size (%d B).",
                        response, len(body), warn)
        if left:
            log.warning("%s cannot decode the response for %s from unsupported encoding(s) '%s'.",
                        type(self).__name__, response.url, ",".join(left))
        self.stats.inc_value("httpcompression/response_bytes", len(body))
        self.stats.inc_value("httpcompression/response_count")
        response.headers[b"Content-Encoding"] = [c.encode("latin-1") for c in left]
        respcls = responsetypes.from_args(headers=response.headers, url=response.url, body=body)
        # A text response recomputes its encoding from the decoded body, as Scrapy's does.
        extra = {"encoding": None} if issubclass(respcls, TextResponse) else {}
        response = response.replace(cls=respcls, body=body, **extra)
        if not left:
            del response.headers[b"Content-Encoding"]
        return response
