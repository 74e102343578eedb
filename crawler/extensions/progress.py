"""A progress line a person can follow, at a steady interval: pages, queue, articles, errors, per section."""

from __future__ import annotations

import logging

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.statscollectors import StatsCollector
from scrapy.utils.asyncio import create_looping_call

log = logging.getLogger("portal-archive")


def progress_line(stats: dict) -> str:
    pages = stats.get("response_received_count", 0)
    queued = stats.get("scheduler/enqueued", 0) - stats.get("scheduler/dequeued", 0)
    errors = stats.get("portal/fetch_errors", 0) + sum(v for k, v in stats.items() if k.startswith("portal/fetch_status/"))
    sections = sorted((k.rsplit("/", 1)[1], v) for k, v in stats.items() if k.startswith("portal/section/"))
    per_section = ", ".join(f"{name or 'home'} {count}" for name, count in sections)
    return (f"{pages} pages done, {queued} queued, {stats.get('portal/articles', 0)} articles, "
            f"{stats.get('portal/media', 0)} images and files, {errors} errors"
            + (f" | {per_section}" if per_section else ""))


class Progress:
    def __init__(self, stats: StatsCollector, interval: float):
        self.stats = stats
        self.interval = interval
        self.task = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Progress:
        interval = crawler.settings.getfloat("PORTAL_PROGRESS_INTERVAL")
        if not interval:
            raise NotConfigured
        extension = cls(crawler.stats, interval)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self) -> None:
        self.task = create_looping_call(self.log)
        self.task.start(self.interval, now=False)

    def log(self) -> None:
        log.info("progress: %s", progress_line(self.stats.get_stats()))

    def spider_closed(self, reason: str) -> None:
        if self.task and self.task.running:
            self.task.stop()
        log.info("finished (%s): %s", reason, progress_line(self.stats.get_stats()))
