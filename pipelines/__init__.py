"""Scrapy item pipelines: normalise extracted items and store them into the archive."""
