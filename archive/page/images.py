"""Which picture an <img> shows: lazy-loading attributes, srcset, placeholders, and the link to the full-size file."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from lxml import html as lxml_html

# Lazy loaders keep the real address in one of these and a placeholder in `src`.
_LAZY = ("data-src", "data-original", "data-lazy-src", "data-lazy", "data-url", "data-echo", "data-full-src")
_SRCSETS = ("data-srcset", "srcset", "data-lazy-srcset")
# Spacers, loaders and blank pixels that stand in for the picture until a script swaps it.
_PLACEHOLDER = re.compile(r"(^|[/_.-])(blank|spacer|placeholder|loading|loader|lazy|pixel|transparent|grey|gray|"
                          r"empty|clear|1x1|dot)([_.-][^/]*)?\.(gif|png|svg|webp)$", re.IGNORECASE)
_IMAGE_PATH = re.compile(r"\.(jpe?g|png|gif|webp|bmp|tiff?)$", re.IGNORECASE)


def is_placeholder(src: str) -> bool:
    """A `src` that is no picture of the article: empty, a data: URI or a spacer/loader file."""
    src = src.strip()
    if not src or src.lower().startswith(("data:", "about:", "javascript:")):
        return True
    return bool(_PLACEHOLDER.search(unquote(urlsplit(src).path)))


def image_source(img: lxml_html.HtmlElement) -> str:
    """The address of the picture as written in the page, or "" when the <img> shows none (placeholder, pixel)."""
    if all((img.get(side) or "").strip() in ("0", "1") for side in ("width", "height")):
        return ""  # a tracking pixel
    for name in _LAZY:
        value = (img.get(name) or "").strip()
        if value and not is_placeholder(value):
            return value
    best = _largest(" ".join(img.get(name) or "" for name in _SRCSETS))
    src = (img.get("src") or "").strip()
    if not is_placeholder(src):
        return best if best and img.get("src") is None else src
    if best:
        return best
    link = wrapping_link(img)
    return link if link and _IMAGE_PATH.search(unquote(urlsplit(link).path)) else ""


def wrapping_link(img: lxml_html.HtmlElement) -> str:
    """The href of an <a> around the image (often the full-size file), or ""."""
    element = img.getparent()
    for _ in range(3):
        if element is None:
            return ""
        if element.tag == "a":
            return (element.get("href") or "").strip()
        element = element.getparent()
    return ""


def is_image_url(url: str) -> bool:
    return bool(_IMAGE_PATH.search(unquote(urlsplit(url).path)))


def _largest(srcset: str) -> str:
    """The candidate of a srcset with the largest width (or density) descriptor."""
    best, best_size = "", -1.0
    for candidate in srcset.split(","):
        parts = candidate.split()
        if not parts or is_placeholder(parts[0]):
            continue
        size = 1.0
        if len(parts) > 1:
            try:
                size = float(parts[1][:-1])
            except ValueError:
                size = 1.0
        if size > best_size:
            best, best_size = parts[0], size
    return best
