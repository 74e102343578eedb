"""Spiders of the portal."""
