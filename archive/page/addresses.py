"""URLs as a page writes them made absolute and percent-encoded, and which of them body_html may show."""

from __future__ import annotations

from html import escape
from urllib.parse import urljoin, urlsplit

from lxml import html as lxml_html
from w3lib.url import safe_url_string

from archive.page.images import image_source
from archive.page.markup import IMAGE_TAGS, squash
from archive.site import SITE
from archive.urls import PORTAL_HOSTS, on_hosts



class Addresses:
    """Absolute, percent-encoded URLs against the page's base, and the <img> markup body_html keeps."""

    def __init__(self, base: str):
        self.base = base
        self.cache: dict[str, str] = {}

    def absolute(self, href: str) -> str:
        """The URL a client requests for `href`, or "" when it cannot be one."""
        found = self.cache.get(href)
        if found is None:
            try:
                found = safe_url_string(urljoin(self.base, href.strip()))
            except ValueError:  # e.g. a broken IPv6 host
                found = ""
            self.cache[href] = found
        return found

    def image_html(self, img: lxml_html.HtmlElement) -> str:
        """An <img> with its absolute archive URL; "" for images a browser must not fetch from elsewhere."""
        src = image_source(img)
        if not src:
            return ""
        url = self.absolute(src)
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        if parts.scheme not in ("http", "https") or not (
                host in PORTAL_HOSTS or on_hosts(host, SITE.requisite_hosts)):
            return ""
        return f'<img src="{escape(url)}" alt="{escape(squash(img.get("alt", "")))}">'

    def requisites(self, root: lxml_html.HtmlElement) -> list[str]:
        """What a browser loads to show the page: every image's file (a lazy image's too) and its `src` as
        written, stylesheets and scripts; absolute, http(s) only, once each, in order."""
        found: list[str] = []
        for element in root.iter():
            tag = element.tag if isinstance(element.tag, str) else ""
            if tag in IMAGE_TAGS:
                found += [image_source(element), (element.get("src") or "").strip()]
            elif tag == "link" and "stylesheet" in (element.get("rel") or "").lower().split():
                found.append((element.get("href") or "").strip())
            elif tag == "script":
                found.append((element.get("src") or "").strip())
        urls = (self.absolute(href) for href in found if href and not href.lower().startswith(("data:", "javascript:")))
        return list(dict.fromkeys(u for u in urls if u.startswith(("http://", "https://"))))

    def links(self, root: lxml_html.HtmlElement) -> list[str]:
        """Every <a href> of the page, absolute, once each, in order; no javascript:, mailto: or in-page links."""
        out: list[str] = []
        seen: set[str] = set()
        for a in root.iter("a"):
            href = (a.get("href") or "").strip()
            if not href or href.startswith("#") or href.lower().startswith(("javascript:", "mailto:", "tel:", "data:")):
                continue
            url = self.absolute(href)
            if url.startswith(("http://", "https://")) and url not in seen:
                seen.add(url)
                out.append(url)
        return out


def base_url(root: lxml_html.HtmlElement, url: str) -> str:
    base = root.find(".//base[@href]")
    return urljoin(url, base.get("href").strip()) if base is not None else url
