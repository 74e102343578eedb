"""The Scrapy project: settings, spiders, downloader middlewares and extensions (thin glue over `archive`)."""
