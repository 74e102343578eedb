"""The spellings under which the archive may hold one URL: both portal hosts, http and https, renamed categories, and
the shapes a path takes on its way through a replay URL."""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

from w3lib.url import safe_url_string

from archive.urls import CATEGORY_RENAMES, HOME_PATH, MAIN_HOST, PORTAL_HOSTS, identity_key, normalise


def _absolute(url: str) -> str:
    """A URL from a replay path made absolute: `//host/…`, `host/…` and `https:/host/…` (a collapsed `//`)."""
    url = url.strip()
    if url.startswith("//"):
        return "https:" + url
    match = re.match(r"(?i)(https?):/*", url)
    if match:
        return f"{match.group(1).lower()}://{url[match.end():]}"
    if "://" not in url:
        return "http://" + url
    return url


def _portal_paths(path_key: str) -> set[str]:
    """Paths under /web/trang-chu that share an identity key: the main host's names and the renamed ones."""
    paths = {path_key}
    for old, new in CATEGORY_RENAMES:
        if path_key == new or path_key.startswith(new + "/"):
            paths.add(old + path_key[len(new):])
    return {HOME_PATH + (f"/{p}" if p else "") for p in paths}


def spellings(url: str) -> tuple[set[str], set[str]]:
    """(normalised spellings, raw spellings) under which the archive may hold `url`.

    Normalised ones match `fetches.url` and `url_aliases.url`; raw ones match `warc_records.target_uri` as written.
    Portal URLs are spelled on both hosts, over http and https, with the renamed categories of thoxuan.vn.
    """
    absolute = _absolute(url)
    raw = {url, absolute, safe_url_string(absolute)}
    parts = urlsplit(safe_url_string(absolute))
    host = (parts.hostname or "").lower()
    if host in PORTAL_HOSTS or host in {f"www.{h}" for h in PORTAL_HOSTS}:
        paths = {parts.path or "/"}
        key = identity_key(urlunsplit(("https", MAIN_HOST, parts.path, "", "")))
        if key is not None:
            paths |= {safe_url_string(p) for p in _portal_paths(key)}
        for scheme in ("http", "https"):
            for portal_host in PORTAL_HOSTS:
                for path in paths:
                    raw.add(urlunsplit((scheme, portal_host, path, parts.query, "")))
    raw = {r for r in raw if r}
    normalised = set()
    for r in raw:
        try:
            normalised.add(normalise(r))
        except ValueError:
            continue
    return normalised, raw | normalised
