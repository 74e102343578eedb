"""Crawl profiles: `polite` (the live portal, the default) and `fast` (the local replica, benchmarks)."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from scrapy.settings import BaseSettings

PROFILES: dict[str, dict] = {
    "polite": {},  # crawler/settings.py is already polite
    "fast": {
        "CONCURRENT_REQUESTS": 32,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
        "DOWNLOAD_DELAY": 0,
        "AUTOTHROTTLE_ENABLED": False,
        "PORTAL_RETRY_BACKOFF_BASE": 0.05,
        "PORTAL_RETRY_BACKOFF_MAX": 2.0,
        "DOWNLOAD_TIMEOUT": 20,
        "PORTAL_PROGRESS_INTERVAL": 2.0,
    },
}


def user_agent(contact: str) -> str:
    try:
        release = version("portal-archive")
    except PackageNotFoundError:
        release = "dev"
    who = contact or "contact not set: PORTAL_ARCHIVE_CONTACT"
    return f"portal-archive/{release} (web archive of the Tho Xuan district portal; +{who})"


def apply(settings: BaseSettings) -> None:
    """Apply PORTAL_PROFILE under anything set explicitly (-s, CLI options), and build the User-Agent."""
    name = settings.get("PORTAL_PROFILE", "polite")
    if name not in PROFILES:
        raise ValueError(f"unknown crawl profile {name!r}; known: {', '.join(PROFILES)}")
    for key, value in PROFILES[name].items():
        settings.set(key, value, priority="spider")
    if not settings.get("USER_AGENT"):
        settings.set("USER_AGENT", user_agent(settings.get("PORTAL_ARCHIVE_CONTACT", "")), priority="spider")
