"""Scrapy extensions of the portal crawler."""
