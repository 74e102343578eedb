"""Downloader middlewares of the portal crawler."""
