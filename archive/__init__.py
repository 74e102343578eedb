"""The archive proper: formats, storage, search and the command line. Never imports Scrapy."""
