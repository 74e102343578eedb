"""What kind of page a fetched body is: not HTML at all, home, listing, section, or one of the article kinds."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from archive.page.content import is_core as is_prose
from archive.page.markup import HEADINGS, Block

_LISTED_DATE = re.compile(r"\(\d{1,2}/\d{1,2}/\d{4}\)")
_ANY_DATE = re.compile(r"(?<!\d)\d{1,2}\s*([/.-])\s*\d{1,2}\s*\1\s*(19|20)\d{2}(?!\d)")
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


def listed_items(blocks: list[Block], chrome: set[int]) -> tuple[int, int]:
    """(items, prose): how many items of a list of articles the page shows outside its chrome, and how many
    paragraphs of prose it has apart from them. An item is a link whose text reads as a headline (four words or
    more, most of its block) with a date in its block or one of the two blocks on either side (lists put the date
    after the title, before it in a cell of its own, or under it, with a summary)."""
    shown = [b for b in blocks if b.text and id(b) not in chrome]
    dated = [len(b.text) <= 300 and bool(_ANY_DATE.search(b.text)) for b in shown]
    items, near = 0, set()
    for n, block in enumerate(shown):
        titles = [text for _, text in block.links if len(text.split()) >= 4]
        if not titles or sum(map(len, titles)) < 0.5 * len(block.text):
            continue
        if dated[n] or any(dated[k] and _same_item(block, shown[k]) for k in range(max(0, n - 2), min(len(shown), n + 3))):
            items += 1
            near.update(range(n - 2, n + 3))
    prose = sum(1 for n, b in enumerate(shown) if n not in near and is_prose(b))
    return items, prose


def _same_item(title: Block, date: Block) -> bool:
    """Whether a date belongs to the title's item: both under the title's parent or grandparent (a table row, a
    media box), not merely next to it in another list."""
    box = title.element.getparent()
    for _ in range(2):
        if box is None or box.tag in ("body", "html"):
            return False
        if date.element is box or any(a is box for a in date.element.iterancestors()):
            return True
        box = box.getparent()
    return False


def is_listing(url: str, links: list[str], blocks: list[Block], chrome: set[int] = frozenset()) -> bool:
    """A category listing: three dated article links or more outside the chrome, or fewer with no prose of its own
    (two paragraphs or more) or with a ?page=N pager; items dated "(dd/mm/yyyy)"; or, past the last page, nothing at all next to the
    headline of a ?page=N URL (a section lists its sub-pages there, whatever the query)."""
    items, prose = listed_items(blocks, chrome)
    paged = any(_PAGED.search(urlsplit(u).query) for u in links)
    listed = any(_LISTED_DATE.search(b.text) for b in blocks if id(b) not in chrome)
    # One paragraph apart from the items is a footer's address as often as a page's text: prose is two or more.
    if items >= 3 or (items and prose < 2) or listed or paged:
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
