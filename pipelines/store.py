"""Stores what the spider extracted into the archive: pages as articles and versions, media by content digest."""

from __future__ import annotations

import logging

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector

from archive.db.history import History
from archive.db.record_index import WarcIndex
from archive.page.records import ARTICLE_KINDS
from archive.urls import folder_of
from crawler.extensions.session import ArchiveSession
from crawler.items import GoneItem, MediaItem, NotModifiedItem, PageItem

log = logging.getLogger(__name__)
# Scrapy's finish reason → the run's status. A full disk stops the crawl as Ctrl-C does (crawler/extensions/diskfull.py).
RUN_STATUS = {"finished": "completed", "shutdown": "interrupted", "disk_full": "interrupted"}


# The settings a run records in crawl_runs.settings.
RECORDED_SETTINGS = ("PORTAL_PROFILE", "USER_AGENT", "PORTAL_ARCHIVE_DIR", "JOBDIR")


class ArchivePipeline:
    def __init__(self, session: ArchiveSession, stats: StatsCollector, job: str, resume: bool,
                 recorded: dict[str, str | None]):
        self.session = session
        self.history = History(session.archive.db)
        self.stats = stats
        self.job = job
        self.resume = resume
        self.recorded = recorded

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchivePipeline:
        settings = crawler.settings
        pipeline = cls(ArchiveSession.of(crawler), crawler.stats, settings.get("PORTAL_JOB") or "crawl",
                       settings.getbool("PORTAL_RESUME"), {k: settings.get(k) for k in RECORDED_SETTINGS})
        # The run is finished on spider_closed, the first moment the crawl's finish reason is known.
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def open_spider(self) -> None:
        self.session.archive.interrupt_stale_runs(self.job)
        self.session.run_id = self.session.archive.start_run(job=self.job, settings=self.recorded)

    def spider_closed(self, reason: str) -> None:
        stats = {k: v for k, v in self.stats.get_stats().items() if isinstance(v, (int, float, str))}
        stats.update(pages=stats.get("response_received_count", 0), bytes=stats.get("downloader/response_bytes", 0),
                     articles_new=stats.get("portal/articles_new", 0),
                     articles_changed=stats.get("portal/articles_changed", 0),
                     articles_removed=stats.get("portal/articles_removed", 0),
                     not_modified=stats.get("portal/not_modified", 0),
                     errors=stats.get("portal/fetch_errors", 0) + stats.get("portal/store_errors", 0))
        stats["finish_reason"] = reason
        status = RUN_STATUS.get(reason, "failed")
        if not stats["pages"] and not (self.resume and reason == "finished" and not stats["errors"]):
            # Nothing fetched: failed; unless this resumed a crawl that had nothing left to do (one killed after it
            # completed, before its state was cleared): its queue was empty and nothing went wrong.
            status = "failed"
        self.session.archive.finish_run(self.session.run_id, status, stats)
        if status == "completed" and self.resume:
            # The runs this one resumed are complete now: their records may be the originals of revisits.
            WarcIndex(self.session.archive.db).recover_runs(self.job, self.session.run_id)

    def process_item(self, item):
        archive, run_id = self.session.archive, self.session.run_id
        try:
            if isinstance(item, PageItem):
                if item.page.kind in ARTICLE_KINDS:
                    archive.save_page(run_id, item.page, item.fetched_at, item.category_label, item.warc_record_id,
                                      host_label=item.host_label)
                    self.stats.inc_value("portal/articles")
                    if archive.last_change in ("new", "changed"):
                        self.stats.inc_value(f"portal/articles_{archive.last_change}")
                    self.stats.inc_value(f"portal/section/{folder_of(item.page.url).split('/')[0]}")
                for problem in item.page.problems:
                    log.info("%s: %s", item.page.url, problem)
                    self.stats.inc_value("portal/page_problems")
            elif isinstance(item, NotModifiedItem):
                if self.history.not_modified(item.url, item.fetched_at):
                    self.stats.inc_value("portal/not_modified")
            elif isinstance(item, GoneItem):
                if self.history.gone(run_id, item.url, item.status, item.fetched_at, item.warc_record_id):
                    self.stats.inc_value("portal/articles_removed")
                    log.info("%s answers %d: marked removed", item.url, item.status)
            elif isinstance(item, MediaItem) and 200 <= item.status < 300:
                archive.save_media(run_id, item.url, item.data, item.mime, item.filename, item.fetched_at,
                                   item.warc_record_id)
                self.stats.inc_value("portal/media")
                if archive.last_image_versions:
                    self.stats.inc_value("portal/articles_changed", archive.last_image_versions)
        except Exception:  # a bad page never stops the crawl: log it with its URL, count it, go on
            url = item.page.url if isinstance(item, PageItem) else getattr(item, "url", "?")
            log.exception("could not store %s", url)
            self.stats.inc_value("portal/store_errors")
        return item
