"""The crawl's resume cache: Scrapy's filesystem HTTP cache, tolerant of an entry torn by a killed crawl.

A crawl killed with SIGKILL loses Scrapy's JOBDIR queue (it is saved on a clean stop only), but every response
it had received is in this cache. `portal-archive crawl --resume` then discovers the site again from the start
pages, answered from the cache without touching the network, and fetches only what the killed crawl had not.
"""

from __future__ import annotations

import logging
import pickle

from scrapy import Request, Spider
from scrapy.extensions.httpcache import FilesystemCacheStorage
from scrapy.http import Response

log = logging.getLogger(__name__)


class ResumeCacheStorage(FilesystemCacheStorage):
    def retrieve_response(self, spider: Spider, request: Request) -> Response | None:
        try:
            return super().retrieve_response(spider, request)
        except (OSError, EOFError, ValueError, SyntaxError, pickle.UnpicklingError) as exc:
            log.info("cache entry of %s is incomplete (%s): fetching it again", request.url, exc)
            return None
