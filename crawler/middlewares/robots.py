"""Scrapy's robots.txt middleware, fixed for requests that arrive while a host's robots.txt is being fetched.

In Scrapy 2.13+ every such request awaits the same Deferred through `Deferred.asFuture`, which consumes its
result: the first waiter gets the parser, every other one gets None and is let through unchecked
(scrapy/scrapy#6802 moved to this code). Each waiter here gets a Deferred of its own.
"""

from __future__ import annotations

from twisted.internet.defer import Deferred

from scrapy import Request
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware as ScrapyRobotsTxtMiddleware
from scrapy.robotstxt import RobotParser
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached


class RobotsTxtMiddleware(ScrapyRobotsTxtMiddleware):
    async def robot_parser(self, request: Request) -> RobotParser | None:
        pending = self._parsers.get(urlparse_cached(request).netloc)
        if isinstance(pending, Deferred):
            mine: Deferred = Deferred()

            def relay(result):
                mine.callback(result)
                return result  # leave the result for the next waiter

            pending.addBoth(relay)
            return await maybe_deferred_to_future(mine)
        return await super().robot_parser(request)
