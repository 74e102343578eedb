"""The archive a crawl writes into and the run it records: one per crawl, found by the other components.

Every component that reads or writes the archive (the middlewares, the pipeline, the spider) finds this extension
through the crawler (`ArchiveSession.of(crawler)`, which is `crawler.get_extension`): one SQLite connection per
crawl, closed when the engine has stopped, after every component has written its part on spider_closed.
"""

from __future__ import annotations

from scrapy import signals
from scrapy.crawler import Crawler

from archive.db.store import Archive


class ArchiveSession:
    def __init__(self, archive: Archive):
        self.archive = archive
        self.run_id: int | None = None  # set by the pipeline when it starts the run (pipelines/store.py)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchiveSession:
        extension = cls(Archive(crawler.settings["PORTAL_ARCHIVE_DIR"]))
        crawler.signals.connect(extension.engine_stopped, signal=signals.engine_stopped)
        return extension

    @classmethod
    def of(cls, crawler: Crawler) -> ArchiveSession:
        """The crawl's session; a crawl configured without it cannot archive anything, so that is an error."""
        session = crawler.get_extension(cls)
        if session is None:
            raise RuntimeError("the crawl has no archive: enable crawler.extensions.session.ArchiveSession in the "
                               "EXTENSIONS setting (crawler/settings.py does)")
        return session

    def engine_stopped(self) -> None:
        self.archive.close()
