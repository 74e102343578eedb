"""Replay URLs: `{prefix}/{timestamp}/{absolute url}`, and every URL a captured page names resolved into one.

A URL is resolved as a browser resolves it (tabs and newlines gone, backslashes read as slashes, dot segments
removed, an archived `<base>` never followed) against the capture's own address, so that nothing in the tail of a
replay URL can climb out of the prefix.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit, urlunsplit

from w3lib.url import safe_url_string

REPLAY_PREFIX = "/-/replay"
# What a URL is used for, which decides what becomes of it when it cannot be replayed.
NAVIGATION = "navigation"  # followed (a link): an invalid one becomes "#"
IMAGE = "image"  # loaded as an image: data: URLs are kept
RESOURCE = "resource"  # loaded as something else: data: URLs are removed
KEPT_SCHEMES_LINKS = ("mailto:", "tel:")
SCRIPT_SCHEME = re.compile(r"^\s*(javascript|vbscript|livescript|jscript)\s*:", re.IGNORECASE)
_STRIPPED = re.compile(r"[\t\n\r]")
_C0_AND_SPACE = "".join(map(chr, range(0x21)))
_DOT_SEGMENTS = frozenset({".", "%2e"})
_DOUBLE_DOT = frozenset({"..", ".%2e", "%2e.", "%2e%2e"})
_TIMESTAMP = re.compile(r"\d{1,14}")


def check(timestamp: str, prefix: str) -> None:
    """Raise ValueError unless `timestamp` is 1 to 14 digits and `prefix` a path of this server."""
    if not isinstance(timestamp, str) or not _TIMESTAMP.fullmatch(timestamp):
        raise ValueError(f"timestamp {timestamp!r}: 1 to 14 digits (YYYYMMDDhhmmss)")
    if not prefix.startswith("/") or prefix.startswith("//") or "\\" in prefix or re.search(r"[\s?#]", prefix):
        raise ValueError(f"replay prefix {prefix!r}: a path of this server, starting with one '/'")


def _remove_dot_segments(path: str) -> str:
    """RFC 3986 5.2.4, with WHATWG's percent-encoded dots: a browser would apply them to the replay URL itself."""
    out: list[str] = []
    segments = path.split("/")
    for n, segment in enumerate(segments):
        last = n == len(segments) - 1
        low = segment.lower()
        if low in _DOT_SEGMENTS:
            if last:
                out.append("")
        elif low in _DOUBLE_DOT:
            if len(out) > 1:
                out.pop()
            if last:
                out.append("")
        else:
            out.append(segment)
    result = "/".join(out)
    return result if result.startswith("/") or not path.startswith("/") else "/" + result


def clean(value: str) -> str:
    """A URL attribute as a browser reads it: surrounding whitespace and controls stripped, tabs and newlines gone."""
    return _STRIPPED.sub("", value).strip(_C0_AND_SPACE)


def absolute_url(value: str, base_url: str) -> str | None:
    """`value` resolved against `base_url` as a browser would, with dot segments removed; None unless http(s)."""
    value = clean(value)
    if SCRIPT_SCHEME.match(value):
        return None
    # Special schemes read a backslash as a slash (before the query): `\\evil.example/x` is protocol-relative.
    cut = re.search(r"[?#]", value)
    end = cut.start() if cut else len(value)
    value = value[:end].replace("\\", "/") + value[end:]
    try:
        url = urljoin(base_url, value)
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https"):
        return None
    host = (parts.hostname or "").lower()
    if host.replace("%2e", ".") in (".", ".."):
        return None
    return urlunsplit((parts.scheme.lower(), parts.netloc, _remove_dot_segments(parts.path or "/"), parts.query,
                       parts.fragment))


def replay_url(timestamp: str, url: str, prefix: str = REPLAY_PREFIX) -> str:
    """`{prefix}/{timestamp}/{url}`; the URL percent-encoded where it must be, its query and fragment kept, so that
    the web server sees `{url}`'s query as its own query string."""
    check(timestamp, prefix)
    safe = safe_url_string(clean(url)).replace("\\", "%5C")
    # Nothing in the tail may climb out of the prefix: a browser resolves dot segments (`..`, `%2e%2e`) in the whole
    # replay URL, so there are none left, and a backslash, which it reads as a slash, is encoded.
    try:
        parts = urlsplit(safe)
    except ValueError:
        parts = None
    if parts is not None and parts.scheme and parts.netloc:  # the URL's own dot segments, as its server would
        safe = urlunsplit((parts.scheme, parts.netloc, _remove_dot_segments(parts.path), parts.query, parts.fragment))
    cut = re.search(r"[?#]", safe)
    end = cut.start() if cut else len(safe)
    safe = _remove_dot_segments(safe[:end]) + safe[end:]  # and any left (a host of "..")
    return f"{prefix}/{timestamp}/{safe}"


def parse_replay_path(path: str, prefix: str = REPLAY_PREFIX) -> tuple[str, str] | None:
    """(timestamp, url) of a replay path (`/-/replay/20250314083000/https://…`, query included); None if not one."""
    if not path.startswith(prefix + "/"):
        return None
    timestamp, sep, url = path[len(prefix) + 1:].partition("/")
    if not sep or not _TIMESTAMP.fullmatch(timestamp):
        return None
    return timestamp, url


class ReplayUrls:
    """The replay URLs of what one capture names: its URLs resolved against its address, at its timestamp."""

    def __init__(self, base_url: str, timestamp: str, prefix: str = REPLAY_PREFIX):
        check(timestamp, prefix)
        self.base_url = base_url
        self.timestamp = timestamp
        self.prefix = prefix

    def url(self, value: str, kind: str) -> str | None:
        """The replay URL for `value`; the value itself for fragments (and data: images, mailto: links); None when
        it must go (a `javascript:` URL, another scheme, data: outside images)."""
        cleaned = clean(value)
        if not cleaned or cleaned.startswith("#"):
            return value  # "" loads nothing (src) or is this very page (href): both already replay it
        low = cleaned.lower()
        if low.startswith("data:"):
            return cleaned if kind == IMAGE else None
        if kind == NAVIGATION and low.startswith(KEPT_SCHEMES_LINKS):
            return cleaned
        absolute = absolute_url(cleaned, self.base_url)
        if absolute is None:
            return None
        return replay_url(self.timestamp, absolute, self.prefix)

    def srcset(self, value: str) -> str:
        """A `srcset`: each candidate's URL replayed (or dropped), its descriptors kept."""
        out = []
        for url, descriptors in srcset_candidates(value):
            new = self.url(url, IMAGE)
            if new is not None:
                out.append(f"{new} {descriptors}".strip())
        return ", ".join(out)


def srcset_candidates(value: str) -> list[tuple[str, str]]:
    """(url, descriptors) of each image candidate, parsed as HTML's srcset algorithm does (URLs may hold commas)."""
    out, i, n = [], 0, len(value)
    while i < n:
        while i < n and (value[i].isspace() or value[i] == ","):
            i += 1
        if i >= n:
            break
        start = i
        while i < n and not value[i].isspace():
            i += 1
        url = value[start:i]
        descriptors = ""
        if url.endswith(","):
            url = url.rstrip(",")
        else:
            start, depth = i, 0
            while i < n:
                ch = value[i]
                if ch == "(":
                    depth += 1
                elif ch == ")":
                    depth = max(0, depth - 1)
                elif ch == "," and depth == 0:
                    break
                i += 1
            descriptors = " ".join(value[start:i].split())
            i += 1
        if url:
            out.append((url, descriptors))
    return out
