"""Scrapy settings of the portal crawler: polite defaults for the live portal.

Configuration flows one way: schedule.yaml / CLI options → these settings (`-s KEY=VALUE`) → components'
`from_crawler`. This module is the one place that reads environment variables. Every setting of our own is
documented in docs/settings.md.
"""

import os

from archive.site import SITE

BOT_NAME = "portal-archive"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# --- ours -------------------------------------------------------------------------------------------
# Where everything lives: archive.db, media/, warcs/ and the crawl state.
PORTAL_ARCHIVE_DIR = os.environ.get("PORTAL_ARCHIVE_DIR", "archive-data")
# Who to contact about the crawl; goes into the User-Agent. Set it before crawling the live portal.
PORTAL_ARCHIVE_CONTACT = os.environ.get("PORTAL_ARCHIVE_CONTACT", "")
# The run's name in crawl_runs; its resumable state is PORTAL_ARCHIVE_DIR/state/<job>.
PORTAL_JOB = "crawl"
# Set by `portal-archive crawl --resume`: images and files already archived are not fetched again.
PORTAL_RESUME = False
# Set by `portal-archive crawl`: the crawl ends if that process dies (crawler/extensions/lifeline.py).
PORTAL_PARENT_PID = 0
# What a run covers: full, discover or recheck (set by scheduled runs); the recheck policy as JSON.
PORTAL_COVERS = "full"
PORTAL_RECHECK = "[]"
# Send back archived validators (If-None-Match / If-Modified-Since): unchanged pages answer 304.
PORTAL_CONDITIONAL_REQUESTS = True
# WARC files: PORTAL_ARCHIVE_DIR/warcs/PREFIX-YYYYMMDDhhmmss-SERIAL-HOST.warc.gz, a new file before one would pass
# the size limit.
PORTAL_WARC_PREFIX = "portal"
PORTAL_WARC_MAX_SIZE = 1_000_000_000
# Bytes set aside on the archive's disk when a crawl starts, freed to close up when the disk fills (docs/operations.md).
PORTAL_DISK_RESERVE = 8 * 1024 * 1024
# How often the progress line is logged (seconds).
PORTAL_PROGRESS_INTERVAL = 10.0
# Backoff of retried requests: BASE * 2**attempt seconds, at most MAX; a Retry-After is honoured up to MAX.
PORTAL_RETRY_BACKOFF_BASE = 2.0
PORTAL_RETRY_BACKOFF_MAX = 120.0
# Bodies are cut at these sizes and kept, marked truncated (crawler/middlewares/limits.py): HTML and other text,
# and everything else (images, attachments). Counted as received and, for gzip and the like, as decoded.
PORTAL_MAX_PAGE_SIZE = 20 * 1024 * 1024
PORTAL_MAX_FILE_SIZE = 50 * 1024 * 1024
# A listing's ?page=N past this is not fetched (a listing that never ends); 0 for no limit.
PORTAL_MAX_LISTING_PAGES = 1000
# Images, styles, scripts and files are fetched from the portal's hosts and these (and their subdomains) only:
# the province portal, whose images the portal hot-links.
PORTAL_REQUISITE_HOSTS = list(SITE.requisite_hosts)  # from the site file: ["thanhhoa.gov.vn"]
# Loopback, private, link-local and other non-public addresses are never requested (crawler/middlewares/addresses.py)
# unless listed here, as networks (10.1.0.0/16) or host names; "*" lets every address through.
PORTAL_ALLOW_PRIVATE_ADDRESSES = []

# --- Scrapy's, set for a small government server ------------------------------------------------
USER_AGENT = None  # built from the version and PORTAL_ARCHIVE_CONTACT by crawler.profiles
PORTAL_PROFILE = "polite"  # or "fast" (crawler/profiles.py)
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 2.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 60
RETRY_TIMES = 4
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
# Scrapy's own size limit drops a body that passes it; PORTAL_MAX_PAGE_SIZE / PORTAL_MAX_FILE_SIZE cut it instead.
DOWNLOAD_MAXSIZE = 0
DOWNLOAD_WARNSIZE = 20 * 1024 * 1024
# A redirect chain longer than this is given up (a loop is given up at once: crawler/middlewares/redirect.py).
REDIRECT_MAX_TIMES = 5
# A <meta http-equiv=refresh> is part of the page: archive the page, never replace it by where the tag points.
METAREFRESH_ENABLED = False
COOKIES_ENABLED = False  # the portal's session cookies serve nothing we archive
TELNETCONSOLE_ENABLED = False
LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"

# The resume cache (crawler/cache.py), switched on with JOBDIR by `portal-archive crawl`.
HTTPCACHE_STORAGE = "scrapy.extensions.httpcache.DbmCacheStorage"
HTTPCACHE_DBM_MODULE = "crawler.cache"
HTTPCACHE_POLICY = "crawler.cache.HtmlPolicy"
HTTPCACHE_EXPIRATION_SECS = 0
HTTPCACHE_IGNORE_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]

DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawler.middlewares.robots.RobotsTxtMiddleware": 100,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.retry.BackoffRetryMiddleware": 550,
    "crawler.middlewares.conditional.ConditionalRequestMiddleware": 560,
    "crawler.middlewares.fetchlog.FetchLogMiddleware": 580,
    "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": None,
    "crawler.middlewares.decompression.BoundedDecompressionMiddleware": 590,
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    "crawler.middlewares.redirect.BoundedRedirectMiddleware": 600,
    "crawler.middlewares.warc.WarcCaptureMiddleware": 850,
    "crawler.middlewares.limits.BodyLimitMiddleware": 860,
    "crawler.middlewares.addresses.PrivateAddressMiddleware": 950,
}
ITEM_PIPELINES = {
    "pipelines.store.ArchivePipeline": 300,
}
EXTENSIONS = {
    "scrapy.extensions.logstats.LogStats": None,
    "crawler.extensions.session.ArchiveSession": 0,
    "crawler.extensions.progress.Progress": 500,
    "crawler.extensions.lifeline.Lifeline": 0,
    "crawler.extensions.diskfull.DiskFull": 10,
}
