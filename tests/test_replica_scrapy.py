"""Scrapy, configured only by http_proxy / https_proxy, reaches the replica under the live portal's names."""

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

urls, out = json.loads(sys.argv[1]), sys.argv[2]

class Fetch(scrapy.Spider):
    name = "fetch"
    start_urls = urls

    def parse(self, response):
        yield {"url": response.url, "status": response.status, "proxied": "proxy" in response.meta,
               "title": response.css("title::text").get()}

    def closed(self, reason):
        stats = self.crawler.stats.get_stats()
        json.dump({k: v for k, v in stats.items() if isinstance(v, (int, str))}, open(out + ".stats", "w"))

process = CrawlerProcess({"ROBOTSTXT_OBEY": True, "LOG_LEVEL": "WARNING", "FEEDS": {out: {"format": "json"}},
                          "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor"})
process.crawl(Fetch)
process.start()
'''


def test_scrapy_crawls_the_replica_through_the_proxy(replica, truth, tmp_path: Path):
    collision = next(p["canonical_url"] for p in truth["pages"] if p["canonical_url"].endswith("(1).html"))
    alias_only = next(p["canonical_url"] for p in truth["pages"] if p["hosts"] == ["thoxuan.vn"])
    urls = ["https://thoxuan.thanhhoa.gov.vn/web/trang-chu", "http://thoxuan.vn/web/trang-chu", collision, alias_only,
            "https://thoxuan.thanhhoa.gov.vn/web/trang-chu/tin-tuc-su-kien/tin-van-hoa-amp;-the-thao?page=2"]
    items, stats = scrapy_fetch(replica, urls, tmp_path / "items.json")
    for url in urls:
        item = items[url]
        assert item["status"] == 200 and item["proxied"], url
        assert "Cổng thông tin điện tử huyện Thọ Xuân - Thanh Hóa" in item["title"]
    assert stats["httpcompression/response_count"] >= 5  # Scrapy asked for gzip and decoded it
    assert stats["robotstxt/response_status_count/200"] == 2  # robots.txt of both hosts, through the proxy


def test_scrapy_obeys_the_replicas_robots_txt(replica, tmp_path: Path):
    # One request per host: Scrapy 2.19 lets through all but the first request of a host that arrive
    # while its robots.txt is still being fetched (Deferred.asFuture consumes the parser); see docs/replica.md.
    items, stats = scrapy_fetch(replica, ["https://thoxuan.thanhhoa.gov.vn/c/portal/login"], tmp_path / "items.json")
    assert not items and stats["robotstxt/forbidden"] == 1


def scrapy_fetch(replica, urls: list[str], out: Path) -> tuple[dict, dict]:
    env = {k: v for k, v in os.environ.items() if k.lower() not in ("no_proxy", "http_proxy", "https_proxy")}
    env.update(http_proxy=replica.server.url, https_proxy=replica.server.url)
    subprocess.run([sys.executable, "-c", FETCH, json.dumps(urls), str(out)], env=env, check=True, timeout=120)
    items = {item["url"]: item for item in json.loads(out.read_text())} if out.exists() else {}
    return items, json.loads(Path(f"{out}.stats").read_text())
