"""crawler.extensions.progress: a progress line a person can follow."""

from __future__ import annotations

import pytest
from scrapy.exceptions import NotConfigured

from crawler.extensions.progress import Progress, progress_line
from test_crawler_session import crawler_for


def test_the_line_counts_pages_queue_articles_media_errors_and_sections():
    stats = {"response_received_count": 120, "scheduler/enqueued": 200, "scheduler/dequeued": 150,
             "portal/articles": 40, "portal/media": 55, "portal/fetch_errors": 2, "portal/fetch_status/404": 1,
             "portal/fetch_status/500": 3, "portal/section/tin-tuc": 30, "portal/section/": 1,
             "portal/section/van-ban": 9}
    assert progress_line(stats) == ("120 pages done, 50 queued, 40 articles, 55 images and files, 6 errors"
                                    " | home 1, tin-tuc 30, van-ban 9")
    assert progress_line({}) == "0 pages done, 0 queued, 0 articles, 0 images and files, 0 errors"


def test_every_interval_of_the_profile(tmp_path):
    assert Progress.from_crawler(crawler_for(tmp_path)).interval == 10.0
    assert Progress.from_crawler(crawler_for(tmp_path, PORTAL_PROGRESS_INTERVAL=2)).interval == 2.0


def test_off_with_an_interval_of_zero(tmp_path):
    with pytest.raises(NotConfigured):
        Progress.from_crawler(crawler_for(tmp_path, PORTAL_PROGRESS_INTERVAL=0))
