"""The portal spider: discovers every page through menus, listings (with `?page=N`) and in-page links.

Listings are followed up to `?page=PORTAL_MAX_LISTING_PAGES`; a page or file cut at its size limit is archived
in the WARC files only, neither read nor stored.

Scope: pages of the two portal hosts; images, styles, scripts and attachments from those and PORTAL_REQUISITE_HOSTS
only (a page names any address it likes, the crawling machine's own included); never pages of other sites.
Parsing and extraction are `archive.page.extract`; this module only decides what to fetch next.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response, TextResponse

from archive.page.extract import extract
from archive.db.history import History, due_for_recheck, recheck_policy
from archive.page.menus import category_labels, wants_labels
from archive.site import SITE
from archive.text import disposition_filename
from archive.page.records import ARTICLE_KINDS
from archive.urls import (PORTAL_HOSTS, START_URLS, category_of, folder_of, host_folder, host_key, host_of,
                          identity_key, is_article_url, is_file_url, is_portal, normalise, on_hosts, page_number)
from crawler import profiles
from crawler.items import GoneItem, MediaItem, NotModifiedItem, PageItem
from crawler.extensions.session import ArchiveSession



class PortalSpider(scrapy.Spider):
    name = "portal"
    handle_httpstatus_list = [304, 404, 410]  # unchanged, and gone: both are news for the archive
    # Covers both portal hosts and the province portal, whose images pages hot-link. Which pages are followed is
    # decided below (portal hosts only); this only stops redirects and robots.txt requests from leaving.
    allowed_domains = [*SITE.requisite_hosts, *SITE.hosts]

    def __init__(self, start_urls: str | list[str] | None = None, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.rechecking = True
        if isinstance(start_urls, str):
            start_urls = [u for u in start_urls.split(",") if u]
        self.start_urls = list(start_urls or START_URLS)

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.spider_idle, signal=signals.spider_idle)
        allowed = (*PORTAL_HOSTS, *crawler.settings.getlist("PORTAL_REQUISITE_HOSTS"))
        spider.requisite_hosts = {host.strip().lower().strip(".") for host in allowed if host.strip()}
        spider.refused_hosts = set()
        return spider

    def spider_idle(self) -> None:
        """Discovery is done: archived articles it did not reach are fetched once more, to tell gone from unlisted."""
        if not self.rechecking or not hasattr(self, "requested"):
            return
        self.rechecking = False
        reached = {normalise(url) for url in self.requested}
        aliases = self.history.addresses_of_live_articles()
        missed = [max(urls)[1] for urls in aliases.values() if not any(url in reached for _, url in urls)]
        for url in missed:
            self.crawler.engine.crawl(scrapy.Request(url, callback=self.parse_page, meta={"unlinked": True}))
        if missed:
            self.logger.info("%d archived articles were not linked from any page: fetching them again", len(missed))
            raise DontCloseSpider

    @classmethod
    def update_settings(cls, settings) -> None:
        super().update_settings(settings)
        profiles.apply(settings)

    @property
    def labels(self) -> dict[str, str]:
        """Category path → label, read off the menus (kept in the crawl state, so a resumed crawl has them)."""
        if getattr(self, "state", None) is None:
            self.state = {}  # Scrapy's SpiderState replaces it with the saved state when JOBDIR is set
        return self.state.setdefault("labels", {})

    async def start(self):
        self.history = History(ArchiveSession.of(self.crawler).archive.db)  # the extensions are made by now
        self.requested: set[str] = set()
        self.archived_media: set[str] = set()
        self.known_articles: set[str] = set()
        self.covers = self.settings.get("PORTAL_COVERS") or "full"
        self.resume = self.settings.getbool("PORTAL_RESUME")
        self.listing_cap = self.settings.getint("PORTAL_MAX_LISTING_PAGES")
        self.capped_listings: set[str] = set()
        if self.resume or self.covers == "discover":
            # Images and files already archived are not fetched again (a resumed or an incremental run).
            self.archived_media = self.history.archived_media()
        if self.covers == "recheck":  # archived articles due under the policy, and nothing else
            self.rechecking = False
            policy = recheck_policy(self.settings.get("PORTAL_RECHECK"))
            for url in due_for_recheck(self.history.db, policy):
                yield scrapy.Request(url, callback=self.parse_page, meta={"recheck": True}, dont_filter=True)
            return
        if self.covers == "discover":  # menus and listings, and the articles not archived yet
            self.known_articles = self.history.identity_keys()
        for url in self.start_urls:
            yield scrapy.Request(url, callback=self.parse_page)

    def truncated(self, response: Response) -> bool:
        """A body cut at its size limit is in the WARC files and `fetches`, and nowhere else: not read, not stored."""
        note = response.meta.get("portal_truncated")
        if note:
            self.logger.info("%s was cut at its size limit: archived in the WARC files only (%s)",
                             response.url, note)
        return bool(note)

    def listing_page_wanted(self, url: str) -> bool:
        """False for ?page=N past PORTAL_MAX_LISTING_PAGES: a listing that never ends stops there (logged, counted)."""
        cap = self.listing_cap
        if not cap or "page=" not in url or page_number(url) <= cap:
            return True
        base = url.split("?", 1)[0]
        if base not in self.capped_listings:
            self.capped_listings.add(base)
            self.crawler.stats.inc_value("portal/listing_page_limit")
            self.logger.warning("%s goes on past page %d (PORTAL_MAX_LISTING_PAGES): its later pages are not fetched",
                                base, cap)
        return False

    def parse_page(self, response: Response):
        if self.truncated(response):
            return
        if response.status in (304, 404, 410):
            yield from self.parse_status(response)
            return
        content_type = header(response, b"Content-Type")
        if not isinstance(response, TextResponse) or "html" not in (content_type or "html"):
            yield from self.parse_media(response)
            return
        page = extract(response.url, response.body, content_type)
        self.learn_labels(response)
        category = category_of(response.url)
        home_of_page = folder_of(response.url) if page.kind in ARTICLE_KINDS else category
        yield PageItem(page, response.status, datetime.now(timezone.utc), self.labels.get(home_of_page, ""),
                       response.meta.get("warc_record_id", ""),
                       self.labels.get(host_key(host_of(response.url), host_folder(response.url)), ""))
        if response.meta.get("unlinked") and not self.resume:
            # Still answering, but no listing or page of this complete discovery links it: gone from the portal.
            yield GoneItem(response.url, response.status, datetime.now(timezone.utc),
                           response.meta.get("warc_record_id", ""))
            return
        # Read off the document as the extractor decoded it: a lying charset never makes a mojibake address.
        for url in page.requisites:
            if self.first_time(url) and self.media_wanted(url):
                yield scrapy.Request(url, callback=self.parse_media, meta={"allow_offsite": True})
        if response.meta.get("recheck"):  # a recheck follows no page link: only the page's own images and files
            for url in page.links:
                if is_file_url(url) and self.first_time(url) and self.media_wanted(url):
                    yield scrapy.Request(url, callback=self.parse_media, meta={"allow_offsite": True})
            return
        items = []
        for url in page.links:
            if is_file_url(url):
                if self.first_time(url) and self.media_wanted(url):
                    yield scrapy.Request(url, callback=self.parse_media, meta={"allow_offsite": True})
            elif is_portal(url):
                if category and is_article_url(url) and category_of(url).startswith(category):
                    items.append(url)
                if not self.listing_page_wanted(url):
                    continue
                if self.first_time(url) and not (self.known_articles and identity_key(url) in self.known_articles):
                    yield scrapy.Request(url, callback=self.parse_page)
        yield from self.next_listing_page(response, category, items)

    def first_time(self, url: str) -> bool:
        """Menus repeat on every page: drop the repeats here, before each costs Scrapy a trip to its dupefilter."""
        if url in self.requested:
            return False
        self.requested.add(url)
        return True

    def media_wanted(self, url: str) -> bool:
        return self.host_allowed(url) and (not self.archived_media or normalise(url) not in self.archived_media)

    def host_allowed(self, url: str) -> bool:
        """Images, styles, scripts and files come from the portal's hosts and PORTAL_REQUISITE_HOSTS only."""
        host = host_of(url)
        if on_hosts(host, self.requisite_hosts):
            return True
        self.crawler.stats.inc_value("portal/refused/offsite_requisite")
        if host not in self.refused_hosts:  # a tracker on every page would fill the log
            self.refused_hosts.add(host)
            self.logger.info("not fetched: %s and anything else on %s, which is not in PORTAL_REQUISITE_HOSTS",
                             url, host or "no host")
        return False

    def next_listing_page(self, response: Response, category: str, items: list[str]):
        """Listings go on at ?page=N+1 until a page lists nothing new (the portal answers 200 with an empty list)."""
        if not category or is_article_url(response.url) or not items:
            return
        signature = hashlib.sha1("\n".join(sorted(set(items))).encode()).hexdigest()
        if response.meta.get("listing_items") == signature:
            return  # a page that ignores ?page= repeats itself: not a listing
        n = page_number(response.url)
        base = response.url.split("?", 1)[0]
        if self.listing_page_wanted(f"{base}?page={n + 1}"):
            yield scrapy.Request(f"{base}?page={n + 1}", callback=self.parse_page, meta={"listing_items": signature})

    def learn_labels(self, response: Response) -> None:
        """Menus and section pages name the categories: the text of every link to a category page."""
        if wants_labels(response.url):
            for path, label in category_labels(response.url, response.body, header(response, b"Content-Type")).items():
                self.labels.setdefault(path, label)

    def parse_status(self, response: Response):
        """304: unchanged since archived; 404 or 410 from a portal page: it may be an archived article gone."""
        now = datetime.now(timezone.utc)
        if response.status == 304:
            yield NotModifiedItem(response.url, now)
            if response.meta.get("recheck"):  # the page is unchanged; its images may not be (same URL, new bytes)
                for url in self.history.images_of(response.url):
                    if self.first_time(url) and self.host_allowed(url):
                        yield scrapy.Request(url, callback=self.parse_media, meta={"allow_offsite": True})
            if response.meta.get("unlinked") and not self.resume:
                yield GoneItem(response.url, response.status, now, response.meta.get("warc_record_id", ""))
        elif is_portal(response.url):
            yield GoneItem(response.url, response.status, now, response.meta.get("warc_record_id", ""))

    def parse_media(self, response: Response):
        if self.truncated(response):
            return
        if response.status in (304, 404, 410):
            yield from self.parse_status(response)
            return
        mime = header(response, b"Content-Type").split(";")[0].strip()
        filename = disposition_filename(header(response, b"Content-Disposition"))
        yield MediaItem(response.url, response.body, mime, response.status, datetime.now(timezone.utc), filename,
                        response.meta.get("warc_record_id", ""))


def header(response: Response, name: bytes) -> str:
    return (response.headers.get(name) or b"").decode("latin-1")
