"""The ceiling of our stack: a bare Scrapy spider that follows the portal spider's links and writes nothing.

Same start URLs, same scope and link following as `crawler/spiders/portal.py` (menus, listings with `?page=N`
until a page lists nothing new, in-page links on both portal hosts, requisites and attachments wherever they are
hosted), the same robots.txt handling (our RobotsTxtMiddleware), retries, timeouts and the concurrency of
`--profile fast`; but no extraction, no item pipeline, no WARC capture, no fetch log, no resume cache and no
JOBDIR. Links are read with Scrapy's own selectors (one parse per page).

    http_proxy=... https_proxy=... python bench/bare_spider.py --fetched fetched.json

`--fetched` names a file (outside the measured output) that receives the URLs answered 200, for the benchmark's
completeness check; nothing else is written.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import scrapy  # noqa: E402
from scrapy.crawler import CrawlerProcess  # noqa: E402
from scrapy.http import TextResponse  # noqa: E402

from archive.urls import START_URLS, category_of, is_article_url, is_file_url, is_portal, page_number  # noqa: E402
from crawler import profiles  # noqa: E402
from crawler import settings as project  # noqa: E402

REQUISITES = "//img/@src | //link[@rel='stylesheet']/@href | //script/@src"
LINKS = "//a/@href"
SKIPPED = ("#", "javascript:", "mailto:", "tel:", "data:")


class BareSpider(scrapy.Spider):
    name = "bare"
    handle_httpstatus_list = [304, 404, 410]
    allowed_domains = ["thanhhoa.gov.vn", "thoxuan.vn"]
    start_urls = list(START_URLS)

    def __init__(self, fetched: list[str], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fetched = fetched
        self.requested: set[str] = set()

    def first_time(self, url: str) -> bool:
        if url in self.requested:
            return False
        self.requested.add(url)
        return True

    def parse(self, response):
        if response.status == 200:
            self.fetched.append(response.url)
        if response.status != 200:
            return
        content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
        if not isinstance(response, TextResponse) or "html" not in (content_type or "html"):
            return  # an image or a file: nothing to follow
        for url in response.xpath(REQUISITES).getall():
            url = response.urljoin(url.strip())
            if url.startswith(("http://", "https://")) and self.first_time(url):
                yield scrapy.Request(url, callback=self.parse, meta={"allow_offsite": True})
        category = category_of(response.url)
        items = []
        for href in response.xpath(LINKS).getall():
            href = href.strip()
            if not href or href.lower().startswith(SKIPPED):
                continue
            url = response.urljoin(href)
            if not url.startswith(("http://", "https://")):
                continue
            if is_file_url(url):
                if self.first_time(url):
                    yield scrapy.Request(url, callback=self.parse, meta={"allow_offsite": True})
            elif is_portal(url):
                if category and is_article_url(url) and category_of(url).startswith(category):
                    items.append(url)
                if self.first_time(url):
                    yield scrapy.Request(url, callback=self.parse)
        # Listings go on at ?page=N+1 until a page lists nothing new, as the portal spider does.
        if not category or is_article_url(response.url) or not items:
            return
        signature = hashlib.sha1("\n".join(sorted(set(items))).encode()).hexdigest()
        if response.meta.get("listing_items") == signature:
            return
        base = response.url.split("?", 1)[0]
        yield scrapy.Request(f"{base}?page={page_number(response.url) + 1}", callback=self.parse,
                             meta={"listing_items": signature})


def settings() -> dict:
    """The project's Scrapy settings that shape fetching, with `--profile fast` applied; none that write."""
    chosen = {key: getattr(project, key) for key in (
        "ROBOTSTXT_OBEY", "DOWNLOAD_TIMEOUT", "RETRY_TIMES", "RETRY_HTTP_CODES", "DOWNLOAD_MAXSIZE",
        "DOWNLOAD_WARNSIZE", "COOKIES_ENABLED", "TELNETCONSOLE_ENABLED", "PORTAL_RETRY_BACKOFF_BASE", "PORTAL_RETRY_BACKOFF_MAX",
        "DOWNLOAD_DELAY", "CONCURRENT_REQUESTS", "CONCURRENT_REQUESTS_PER_DOMAIN", "AUTOTHROTTLE_ENABLED")}
    chosen.update(profiles.PROFILES["fast"])
    chosen.pop("PORTAL_PROGRESS_INTERVAL", None)
    chosen.update({
        "USER_AGENT": profiles.user_agent(""),
        "LOG_LEVEL": "WARNING",
        "DOWNLOADER_MIDDLEWARES": {
            "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
            "crawler.middlewares.robots.RobotsTxtMiddleware": 100,
            "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
            "crawler.middlewares.retry.BackoffRetryMiddleware": 550,
        },
        "EXTENSIONS": {"scrapy.extensions.logstats.LogStats": None},
    })
    return chosen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fetched", type=Path, help="write the URLs answered 200 here (JSON list)")
    args = parser.parse_args()
    fetched: list[str] = []
    process = CrawlerProcess(settings())
    crawler = process.create_crawler(BareSpider)
    process.crawl(crawler, fetched=fetched)
    process.start()
    if args.fetched:
        args.fetched.write_text(json.dumps({"fetched": fetched,
                                            "responses": crawler.stats.get_value("response_received_count", 0)}))


if __name__ == "__main__":
    main()
