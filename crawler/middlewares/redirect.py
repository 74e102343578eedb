"""Scrapy's redirects, with loops and over-long chains stopped, logged, counted and recorded in `fetches`.

Scrapy gives up after REDIRECT_MAX_TIMES hops with an IgnoreRequest that only its debug log mentions, and a loop
(a → b → a) ends only because its dupefilter drops the second request for a, silently. Here both end at the
redirect that would continue them: the fetch of that redirect is recorded with its status and an error saying
why, the stats count it (`portal/redirect_loops`, `portal/redirect_limit`), and a warning names the chain.
"""

from __future__ import annotations

import logging

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.redirect import RedirectMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response

from archive.urls import normalise
from crawler.extensions.session import ArchiveSession
from crawler.middlewares.fetchlog import record_fetch

log = logging.getLogger(__name__)


class BoundedRedirectMiddleware(RedirectMiddleware):
    session: ArchiveSession

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BoundedRedirectMiddleware:
        middleware = super().from_crawler(crawler)  # Scrapy's REDIRECT_* settings
        middleware.session = ArchiveSession.of(crawler)
        return middleware

    def process_response(self, request: Request, response: Response) -> Request | Response:
        chain = [*request.meta.get("redirect_urls", []), request.url]
        try:
            result = super().process_response(request, response)
        except IgnoreRequest:
            self.stop(request, response, "portal/redirect_limit",
                      f"redirect limit: more than REDIRECT_MAX_TIMES ({self.max_redirect_times}) redirects: "
                      + " → ".join(chain) + f" → {response.headers.get(b'Location', b'').decode('latin-1')}")
            raise
        if isinstance(result, Request) and normalise(result.url) in {normalise(url) for url in chain}:
            self.stop(request, response, "portal/redirect_loops",
                      "redirect loop: " + " → ".join([*chain, result.url]))
            raise IgnoreRequest("redirect loop")
        return result

    def stop(self, request: Request, response: Response, stat: str, error: str) -> None:
        log.warning("%s", error)
        self.crawler.stats.inc_value(stat)
        record_fetch(self.session, request, response, error[:2000])
