"""Ends the crawl when the `portal-archive crawl` process that started it dies (Linux), instead of crawling on unseen.

The crawl runs in a process group of its own (so that a Ctrl-C reaches it once, forwarded by its parent); a
SIGKILL of the parent would otherwise leave it orphaned and still writing to the archive.
"""

from __future__ import annotations

import ctypes
import os
import signal

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

PR_SET_PDEATHSIG = 1


class Lifeline:
    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Lifeline:
        parent = crawler.settings.getint("PORTAL_PARENT_PID")
        if not parent:
            raise NotConfigured
        try:
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):
            raise NotConfigured from None  # not Linux
        if os.getppid() != parent:  # the parent died before we asked to be told
            os._exit(1)
        return cls()
