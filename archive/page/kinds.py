"""What kind of page a fetched body is: not HTML at all, home, listing, section, or one of the article kinds."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from archive.page.markup import HEADINGS, Block

_LISTED_DATE = re.compile(r"\(\d{1,2}/\d{1,2}/\d{4}\)")
_PAGED = re.compile(r"(^|&)page=\d+")
_HTML = re.compile(r"<\s*(!doctype\s+html|html|head|body|title|meta|div|p|br|h[1-6]|span|center)[\s>/]",
                   re.IGNORECASE)
_STRONG_HTML = re.compile(r"<\s*(!doctype\s+html|html)[\s>]", re.IGNORECASE)
BOOKS = ("lich-su-dang-bo-huyen-tho-xuan", "lich-su-van-hoa")


def not_html(body: bytes, text: str, content_type: str | None) -> str:
    """Why the body is not an HTML page, or "" when it is one."""
    mime = (content_type or "").split(";", 1)[0].strip().lower()
    if "\x00" in text[:2048]:  # decoded: UTF-16 pages hold NUL bytes, binary files NUL characters
        return "binary body, not HTML"
    if body.lstrip()[:5] == b"%PDF-":
        return "a PDF, not HTML"
    head = text[:4096]
    if mime in ("", "text/html", "application/xhtml+xml", "text/plain") and _HTML.search(head):
        return ""
    if _STRONG_HTML.search(head):
        return ""
    return f"not HTML ({mime or 'no content type'})"


def is_listing(url: str, links: list[str], blocks: list[Block]) -> bool:
    """A category listing: items dated "(dd/mm/yyyy)" or a ?page=N pager; or, past the last page, nothing at all
    next to the headline of a ?page=N URL (a section lists its sub-pages there, whatever the query)."""
    if any(_LISTED_DATE.search(b.text) for b in blocks) or any(_PAGED.search(urlsplit(u).query) for u in links):
        return True
    if not _PAGED.search(urlsplit(url).query):
        return False
    heading = next((i for i, b in enumerate(blocks) if b.tag in HEADINGS), None)
    if heading is None:
        return True
    box = blocks[heading].element.getparent()
    return not any(box in b.element.iterancestors() for b in blocks[heading + 1:])


def article_kind(url: str, path: str | None, has_attachments: bool, anchored: bool) -> str:
    if path is None or not path.endswith(".html"):
        return "static" if path is not None and anchored else "article"
    if any(f"/{book}/" in f"/{p}" for book in BOOKS for p in (path, unquote(urlsplit(url).path))):
        return "chapter"
    return "document" if has_attachments else "article"
