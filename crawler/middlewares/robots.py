"""Scrapy's robots.txt middleware, fixed for requests that arrive while a host's robots.txt is being fetched.

In Scrapy 2.13+ every such request awaits the same Deferred through `Deferred.asFuture`, which consumes its
result: the first waiter gets the parser, every other one gets None and is let through unchecked
(scrapy/scrapy#6802 moved to this code). Here the first request for a host asks Scrapy's middleware, and every
request for that host awaits the same asyncio future, which any number of waiters can await.
"""

from __future__ import annotations

import asyncio

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware as ScrapyRobotsTxtMiddleware
from scrapy.robotstxt import RobotParser
from scrapy.utils.httpobj import urlparse_cached


class RobotsTxtMiddleware(ScrapyRobotsTxtMiddleware):
    def __init__(self, crawler: Crawler):
        super().__init__(crawler)
        self.parsers: dict[str, asyncio.Future[RobotParser | None]] = {}

    async def robot_parser(self, request: Request) -> RobotParser | None:
        netloc = urlparse_cached(request).netloc
        if netloc not in self.parsers:
            self.parsers[netloc] = asyncio.ensure_future(super().robot_parser(request))
        # Shielded: a request cancelled while it waits must not cancel the fetch the others wait for.
        return await asyncio.shield(self.parsers[netloc])
