"""The archive a crawl writes into and the run it records, shared by the crawler's components."""

from __future__ import annotations

from dataclasses import dataclass
from weakref import WeakKeyDictionary

from scrapy import signals
from scrapy.crawler import Crawler

from archive.db.store import Archive


@dataclass
class Session:
    archive: Archive
    run_id: int | None = None


_sessions: WeakKeyDictionary[Crawler, Session] = WeakKeyDictionary()


def session_for(crawler: Crawler) -> Session:
    """One Archive per crawler, opened on first use in the crawl's ARCHIVE_DIR."""
    session = _sessions.get(crawler)
    if session is None:
        session = _sessions[crawler] = Session(Archive(crawler.settings["ARCHIVE_DIR"]))
        # Closed last, once every component has written its part on spider_closed.
        crawler.signals.connect(session.archive.close, signal=signals.engine_stopped, weak=False)
    return session
