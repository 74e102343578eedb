"""crawler.extensions.session: one archive per crawl, found by every component through the crawler."""

from __future__ import annotations

from pathlib import Path

import pytest
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.utils.test import get_crawler

import crawler.settings
from crawler.extensions.session import ArchiveSession


def crawler_for(archive: Path, **settings) -> Crawler:
    """A crawler with the project's settings (crawler/settings.py), the archive in `archive`, and `settings` on top.

    Of our extensions only the session is on: a test of another component makes that one itself.
    """
    project = {name: getattr(crawler.settings, name) for name in dir(crawler.settings) if name.isupper()}
    return get_crawler(settings_dict={**project, "PORTAL_ARCHIVE_DIR": str(archive),
                                      "EXTENSIONS": {"crawler.extensions.session.ArchiveSession": 0}, **settings})


def test_one_archive_per_crawl_in_the_archive_directory(tmp_path):
    crawler = crawler_for(tmp_path / "archive")
    session = ArchiveSession.of(crawler)
    assert session is ArchiveSession.of(crawler) and session.run_id is None
    assert (tmp_path / "archive" / "archive.db").is_file()
    assert ArchiveSession.of(crawler_for(tmp_path / "other")) is not session


def test_closed_when_the_engine_has_stopped(tmp_path):
    crawler = crawler_for(tmp_path)
    session = ArchiveSession.of(crawler)
    session.archive.db.execute("select 1")
    crawler.signals.send_catch_log(signals.engine_stopped)
    with pytest.raises(Exception, match="closed"):
        session.archive.db.execute("select 1")


def test_a_crawl_without_it_stops_with_a_message(tmp_path):
    crawler = crawler_for(tmp_path, EXTENSIONS={"crawler.extensions.session.ArchiveSession": None})
    with pytest.raises(RuntimeError, match="enable crawler.extensions.session.ArchiveSession"):
        ArchiveSession.of(crawler)
