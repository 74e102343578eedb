"""What a browser is sent to show a capture "as captured": its markup rewritten so that it loads nothing but replay
URLs of the archive, and headers that sandbox it.

`render` puts together the pieces: `archive.replay.html` and `archive.replay.css` rewrite markup and style sheets,
`archive.replay.urls` makes replay URLs, `archive.replay.headers` chooses the headers. The web UI answers a replay URL
with `archive.replay.captures.find_capture` and `read_response`, then `render`. See docs/replay.md.
"""

from __future__ import annotations

import re

from archive.page.markup import decode_html
from archive.replay import css
from archive.replay.css import rewrite_css
from archive.replay.headers import REPLAY_CSP, SECURITY_HEADERS, replay_headers
from archive.replay.html import rewrite_html
from archive.replay.records import HttpResponse
from archive.replay.urls import REPLAY_PREFIX, ReplayUrls, parse_replay_path, replay_url

# What callers import from here (the web UI, tests): the whole of the rewriting in one place.
__all__ = ["REPLAY_CSP", "REPLAY_PREFIX", "SECURITY_HEADERS", "parse_replay_path", "render", "replay_url",
           "rewrite_css", "rewrite_html"]

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})


def _is_html(mime: str, body: bytes) -> bool:
    if mime in HTML_TYPES:
        return True
    if mime:
        return False
    head = body[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<html" in head


def _decode_css(body: bytes, content_type: str) -> str:
    hint = content_type
    if "charset" not in content_type.lower():
        declared = re.match(rb'\s*@charset\s+"([\w.:-]+)"\s*;', body)
        if declared:
            hint = f"text/css; charset={declared.group(1).decode('ascii')}"
    text, _charset, _problems = decode_html(body, hint)
    return re.sub(r'^\s*@charset\s+"[^"]*"\s*;', '@charset "utf-8";', text, count=1)


def render(resp: HttpResponse, prefix: str = REPLAY_PREFIX) -> tuple[int, list[tuple[str, str]], bytes]:
    """(status, headers, body) for the browser: what the UI sends for a replay URL or a capture.

    HTML is decoded (`decode_html`), rewritten (`rewrite_html`) and sent as UTF-8; CSS is rewritten; anything else
    is sent as archived with its Content-Type. Always REPLAY_CSP, `X-Content-Type-Options: nosniff` and
    `Referrer-Policy: no-referrer`; of the archived headers only Content-Language, Content-Disposition and
    Last-Modified are kept (never Set-Cookie, CSP, HSTS, Link, Refresh…); a redirect's Location becomes a replay URL.
    No Content-Length: the server frames the body.
    """
    cap = resp.capture
    urls = ReplayUrls(cap.target_uri, cap.timestamp, prefix)
    content_type = resp.header("Content-Type").strip()
    mime = content_type.split(";")[0].strip().lower()
    body = resp.body
    if resp.status in (204, 304) or 100 <= resp.status < 200:
        body = b""
    elif _is_html(mime, body):
        text, _charset, _problems = decode_html(body, content_type)
        body = rewrite_html(text, cap.target_uri, cap.timestamp, prefix).encode("utf-8")
        content_type = "text/html; charset=utf-8"
    elif mime == "text/css":
        body = css.rewrite(_decode_css(body, content_type), urls).encode("utf-8")
        content_type = "text/css; charset=utf-8"
    return resp.status, replay_headers(resp, content_type, urls), body
