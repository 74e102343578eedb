"""Category labels, read off the portal's menus and section pages: the text of every link to a category page."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from archive.page.markup import decode_html, parse, squash
from archive.urls import host_key, host_of, host_path, is_article_url, is_portal, portal_path


def wants_labels(url: str) -> bool:
    """Home, categories and sections carry the menus worth reading; articles and later listing pages add nothing."""
    return is_portal(url) and not is_article_url(url) and not urlsplit(url).query


def category_labels(url: str, body: bytes, content_type: str | None = None) -> dict[str, str]:
    """Category path (main host naming) → the label its links show on this page; and `host_key` (the path as the
    link's own host spells it) → that label, so each host's name for a category is kept."""
    text, _, _ = decode_html(body, content_type)
    labels: dict[str, str] = {}
    try:
        root = parse(text)
    except Exception:  # an unparsable page teaches no labels
        return labels
    for link in root.iter("a"):
        href = link.get("href")
        if not href:
            continue
        target = urljoin(url, href.strip())
        path = portal_path(target)
        label = squash(link.text_content())
        if path and label and not is_article_url(target):
            labels.setdefault(path, label)
            labels.setdefault(host_key(host_of(target), host_path(target)), label)
    return labels
