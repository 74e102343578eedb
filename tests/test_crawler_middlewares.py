"""The crawler's own downloader middlewares: retries that back off, robots.txt obeyed under concurrency."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from email.utils import format_datetime
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.settings import Settings

import crawler.settings
from crawler.middlewares.retry import BackoffRetryMiddleware, retry_after_seconds


def test_retry_after_as_seconds_or_http_date():
    assert retry_after_seconds(b"7") == 7.0
    later = format_datetime(datetime.now(timezone.utc) + timedelta(seconds=30), usegmt=True).encode()
    assert 25 <= retry_after_seconds(later) <= 30
    assert retry_after_seconds(b"soon") is None


@pytest.mark.parametrize("attempt,retry_after,expected", [
    (1, None, 2.0), (2, None, 4.0), (3, None, 8.0), (9, None, 120.0),  # exponential, capped
    (1, b"1", 1.0), (1, b"3600", 120.0),  # the server's wish, capped
])
def test_backoff_delay(attempt, retry_after, expected):
    settings = Settings()
    settings.setmodule(crawler.settings)
    middleware = BackoffRetryMiddleware(settings)
    retry = Request("https://thoxuan.vn/web/trang-chu", meta={"retry_times": attempt})
    assert middleware.delay(retry, retry_after) == expected


FETCH = r'''
import json, sys
import scrapy
from scrapy.crawler import CrawlerProcess

urls, out, middlewares = json.loads(sys.argv[1]), sys.argv[2], json.loads(sys.argv[3])

class Fetch(scrapy.Spider):
    name = "fetch"
    start_urls = urls
    def parse(self, response):
        yield {"url": response.url}

process = CrawlerProcess({"ROBOTSTXT_OBEY": True, "LOG_LEVEL": "WARNING", "FEEDS": {out: {"format": "json"}},
                          "HTTPERROR_ALLOW_ALL": True, "DOWNLOADER_MIDDLEWARES": middlewares})
process.crawl(Fetch)
process.start()
'''


def test_robots_txt_is_obeyed_by_requests_that_wait_for_it(replica, tmp_path: Path):
    # Three requests for one host arrive together, before its robots.txt is known; the last is disallowed.
    urls = ["https://thoxuan.thanhhoa.gov.vn/web/trang-chu", "https://thoxuan.thanhhoa.gov.vn/robots.txt?x",
            "https://thoxuan.thanhhoa.gov.vn/c/portal/login"]
    ours = {"scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
            "crawler.middlewares.robots.RobotsTxtMiddleware": 100}
    env = {k: v for k, v in os.environ.items() if k.lower() not in ("no_proxy", "http_proxy", "https_proxy")}
    env.update(http_proxy=replica.server.url, https_proxy=replica.server.url)
    out = tmp_path / "items.json"
    subprocess.run([sys.executable, "-c", FETCH, json.dumps(urls), str(out), json.dumps(ours)], env=env, check=True,
                   timeout=120)
    fetched = {item["url"] for item in json.loads(out.read_text())}
    assert fetched == set(urls[:2])
