"""Scrapy settings of the portal crawler: polite defaults for the live portal.

Configuration flows one way: schedule.yaml / CLI options → these settings (`-s KEY=VALUE`) → components.
The spiders, middlewares and pipelines that use them arrive with the crawl issue.
"""

BOT_NAME = "portal-archive"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# The live portal is a small government server: identify ourselves, obey robots.txt, go slowly.
USER_AGENT = "portal-archive/0.1 (+https://github.com/portal-archive/portal-archive; archiving the Tho Xuan district portal)"
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS_PER_DOMAIN = 2
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]

REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
