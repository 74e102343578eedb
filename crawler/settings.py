"""Scrapy settings of the portal crawler.

Configuration flows one way: schedule.yaml / CLI options → these settings (`-s KEY=VALUE`) → components'
`from_crawler`. The spider, middlewares, pipelines and the polite defaults for the live portal (User-Agent with a
contact, AutoThrottle, retries) arrive with the crawl issue.
"""

BOT_NAME = "portal-archive"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

ROBOTSTXT_OBEY = True
FEED_EXPORT_ENCODING = "utf-8"
