"""The headers a replayed response is sent with: a sandbox without scripts, loads from the UI's origin only, and of
the archived headers only those that describe the resource."""

from __future__ import annotations

import re
from email.utils import format_datetime
from urllib.parse import urlsplit

from archive.replay.records import HttpResponse
from archive.replay.urls import NAVIGATION, ReplayUrls

# Sent with every replayed response. `sandbox` without allow-scripts runs no script at all and gives the page an
# opaque origin (no cookies, no storage, no access to the UI), without allow-forms/allow-popups/allow-top-navigation
# it can neither submit forms, open windows nor navigate the UI away. Loads are allowed from the UI's origin only
# ('self': the replay URLs), plus data: images and fonts; frames only from the UI, which alone may frame it.
REPLAY_CSP = "; ".join([
    "sandbox",
    "default-src 'none'",
    "img-src 'self' data:",
    "style-src 'self' 'unsafe-inline'",
    "font-src 'self' data:",
    "media-src 'self'",
    "frame-src 'self'",
    "child-src 'self'",
    "script-src 'none'",
    "object-src 'none'",
    "connect-src 'none'",
    "worker-src 'none'",
    "manifest-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'self'",
])
SECURITY_HEADERS = (("Content-Security-Policy", REPLAY_CSP), ("X-Content-Type-Options", "nosniff"),
                    ("Referrer-Policy", "no-referrer"))
# Archived headers that are passed on; every other one (Set-Cookie, CSP, HSTS, Link, Refresh, caching, CORS…) is not.
KEPT_HEADERS = frozenset({"content-language", "content-disposition", "last-modified"})
FONT_TYPES = re.compile(r"^(font/|application/(x-)?font|application/vnd\.ms-fontobject)")
FONT_PATH = re.compile(r"\.(woff2?|ttf|otf|eot)$", re.IGNORECASE)


def replay_headers(resp: HttpResponse, content_type: str, urls: ReplayUrls) -> list[tuple[str, str]]:
    """The headers sent with `resp` as `content_type`: SECURITY_HEADERS, Memento-Datetime, the kept archived
    headers, a redirect's Location as a replay URL (none if it cannot be one), and CORS for fonts."""
    cap = resp.capture
    mime = resp.header("Content-Type").split(";")[0].strip().lower()
    headers = [("Content-Type", content_type or "application/octet-stream")]
    headers += [(k, v) for k, v in resp.headers if k.lower() in KEPT_HEADERS]
    if 300 <= resp.status < 400 and resp.header("Location"):
        location = urls.url(resp.header("Location"), NAVIGATION)
        if location is not None and location.startswith(urls.prefix + "/"):
            headers.append(("Location", location))
    if FONT_TYPES.match(mime) or FONT_PATH.search(urlsplit(cap.target_uri).path):
        # Fonts load in CORS mode, and a sandboxed page's origin is opaque: without this they would not show.
        headers.append(("Access-Control-Allow-Origin", "*"))
    headers.append(("Memento-Datetime", format_datetime(cap.moment, usegmt=True)))
    headers += SECURITY_HEADERS
    return headers
