"""crawler.middlewares.robots: robots.txt obeyed by the requests that arrive while it is being fetched."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

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
