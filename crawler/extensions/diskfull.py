"""Stops the crawl cleanly when the archive's disk is full, instead of failing request after request.

Everything a crawl writes goes to the archive's disk: WARC records, the database, media files, the resume cache and
Scrapy's queue. The first write that meets "No space left on device" (or SQLite's "database or disk is full"),
wherever it happens, is seen here through the log it leaves. This extension then frees the space it set aside when
the crawl started (`PORTAL_DISK_RESERVE` bytes, the file `PORTAL_ARCHIVE_DIR/state/JOB/disk-reserve`), logs one
clear error, and closes the spider with the reason `disk_full`. The freed space lets the crawl close up as on
Ctrl-C: the WARC file is closed, checked and indexed, the run is recorded as interrupted. The writes that failed
left nothing half done (the WARC writer cuts a record it could not finish, SQLite rolls back), and
`portal-archive crawl --resume`, once space is freed, discovers the site again from the resume cache and fetches
what is missing.
"""

from __future__ import annotations

import errno
import logging
import os
import sqlite3
from pathlib import Path

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.utils.defer import deferred_from_coro

log = logging.getLogger("portal-archive")
REASON = "disk_full"
DISK_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT}


def is_disk_full(error: BaseException | None) -> bool:
    """Whether an exception, or one it was raised from or during, is a write that found no space."""
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, OSError) and error.errno in DISK_FULL_ERRNOS:
            return True
        if isinstance(error, sqlite3.Error) and (getattr(error, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL
                                                 or "database or disk is full" in str(error)):
            return True
        error = error.__cause__ or error.__context__
    return False


class DiskFull(logging.Filter):
    """A filter on the log's handlers: it sees every error logged, whoever logs it."""

    def __init__(self, crawler: Crawler, directory: Path, reserve: Path, size: int):
        super().__init__()
        self.crawler = crawler
        self.directory = directory  # the archive's, named in the message
        self.reserve = reserve
        self.size = size
        self.full = False
        self.more = 0  # failed writes after the first, left out of the log
        self.handlers: list[logging.Handler] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DiskFull:
        settings = crawler.settings
        directory = Path(settings["PORTAL_ARCHIVE_DIR"]).absolute()
        state = directory / "state" / (settings.get("PORTAL_JOB") or "crawl")
        extension = cls(crawler, directory, state / "disk-reserve", settings.getint("PORTAL_DISK_RESERVE"))
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(extension.engine_stopped, signal=signals.engine_stopped)
        return extension

    def spider_opened(self) -> None:
        # Now, not in from_crawler: Scrapy replaces its log handler after the extensions are made.
        root = logging.getLogger()
        if not root.handlers:  # logging off: still watch what would have been logged
            root.addHandler(logging.NullHandler())
        for handler in root.handlers:
            handler.addFilter(self)
            self.handlers.append(handler)
        if self.size <= 0:
            return
        try:
            self.reserve.parent.mkdir(parents=True, exist_ok=True)
            with self.reserve.open("wb") as fh:
                try:
                    os.posix_fallocate(fh.fileno(), 0, self.size)
                except (AttributeError, OSError) as exc:
                    if is_disk_full(exc):
                        raise
                    fh.write(bytes(self.size))  # a file system without fallocate
                    fh.flush()
                    os.fsync(fh.fileno())
        except OSError as exc:
            if not is_disk_full(exc):
                raise
            self.reserve.unlink(missing_ok=True)
            self.stop(f"{self.size} bytes could not be set aside for closing up")

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if not is_disk_full(error):
            return True
        if self.full:
            if getattr(record, "portal_disk_full", False) is False:  # counted once, however many handlers
                record.portal_disk_full = True
                self.more += 1
            return False
        self.stop(f"{type(error).__name__}: {error}", record)
        return True

    def stop(self, what: str, record: logging.LogRecord | None = None) -> None:
        """Close the spider; the log record that told (if any) becomes the clear message.

        The reserve is freed when the spider closes, not now: the responses still under way would take it.
        """
        self.full = True
        message = (f"The disk holding the archive {self.directory} is full ({what}). The crawl stops here; free some space, "
                   "then `portal-archive crawl --resume` goes on where it stopped.")
        self.crawler.stats.set_value("portal/disk_full", what)
        if record is not None:
            record.msg, record.args, record.exc_info, record.exc_text = message, (), None, None
            record.levelno, record.levelname = logging.ERROR, "ERROR"
        else:
            log.error(message)
        if self.crawler.crawling and self.crawler.engine.spider is not None:  # the engine is set while crawling
            from twisted.internet import reactor

            # From whichever thread logged: the engine is closed from the reactor's.
            reactor.callFromThread(lambda: deferred_from_coro(self.crawler.engine.close_spider_async(reason=REASON)))

    def spider_closed(self) -> None:
        # Connected before the other components' handlers, so that this runs first: the WARC file is closed and
        # indexed, and the run recorded, in the space set aside.
        self.reserve.unlink(missing_ok=True)
        if self.more:
            log.error("%d more writes failed for lack of space after the first", self.more)

    def engine_stopped(self) -> None:
        for handler in self.handlers:
            handler.removeFilter(self)
