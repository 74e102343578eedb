"""What a portal page says: its kind, headline, date, lead, body, author, images, attachments and links.

The live portal's class names and nesting are unknown (portal-spec.md), so nothing here reads a class or an id.
The date line anchors an article (`Đăng lúc: 13/12/2022 (GMT+7)`, `Ngày 04/08/2020 17:29:33`, the province's
`Đăng ngày 11 - 11 - 2023`); the heading just before it is the headline; the blocks after it, inside the container
it shares with them and up to `Các tin khác`, are the article. A page without an anchor falls back to its largest
run of paragraphs.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from html import escape
from urllib.parse import unquote, urljoin, urlsplit

import nh3
from lxml import html as lxml_html
from w3lib.url import safe_url_string

from archive.page.markup import HEADINGS, Block, Reader, decode_html, parse, squash
from archive.page.records import AttachmentRef, ImageRef, Page
from archive.urls import PORTAL_HOSTS, file_name, is_file_url, portal_path

__all__ = ["decode_html", "extract"]

VN_TIME = timezone(timedelta(hours=7), "Asia/Ho_Chi_Minh")
SITE_TITLE = "Cổng thông tin điện tử huyện Thọ Xuân - Thanh Hóa"
FIXED_LABEL = "Chiến lược - Định Hướng - Quy hoạch"  # printed above every headline, whatever the category
PROVINCE_HOST = "thanhhoa.gov.vn"  # its images are page requisites that body_html may show

_NEW_DATE = re.compile(r"Đăng lúc\s*:?\s*(\d{1,2})/(\d{1,2})/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?",
                       re.IGNORECASE)
# The old template's date line is a block of its own: a lead starting "Ngày 20/04/2025, tại ..." is no anchor.
_OLD_DATE = re.compile(r"Ngày\s+(\d{1,2})/(\d{1,2})/(\d{4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?")
_PROVINCE_DATE = re.compile(r"Đăng ngày\s*(\d{1,2})\s*-\s*(\d{1,2})\s*-\s*(\d{4})", re.IGNORECASE)
_OTHERS = re.compile(r"Các tin (khác|đã đưa)\s*:?", re.IGNORECASE)
_ATTACHMENT_LABEL = re.compile(r"(File|Tệp|Tập tin|Tài liệu) đính kèm\s*:?", re.IGNORECASE)
_CHROME = re.compile(r"date|\d{1,3}\s*%|Truy cập|Ý kiến thăm dò|Biểu quyết|Liên kết|(Hôm nay|Hôm qua|Tuần này|"
                     r"Tháng này|Tất cả|Đang truy cập|Trực tuyến)\s*:?\s*[\d.,]*", re.IGNORECASE)
_CHROME_TEXTS = frozenset({SITE_TITLE.casefold(), FIXED_LABEL.casefold()})
_LISTED_DATE = re.compile(r"\(\d{1,2}/\d{1,2}/\d{4}\)")
_HTML = re.compile(r"<\s*(!doctype\s+html|html|head|body|title|meta|div|p|br|h[1-6]|span|center)[\s>/]",
                   re.IGNORECASE)
_STRONG_HTML = re.compile(r"<\s*(!doctype\s+html|html)[\s>]", re.IGNORECASE)
_SENTENCE_END = (".", "!", "?", ":", ";", "…")
_CLEANER = nh3.Cleaner(
    tags={"p", "br", "strong", "b", "em", "i", "sub", "sup", "a", "img", "ul", "ol", "li", "table", "tr", "td", "th"},
    clean_content_tags={"script", "style", "iframe", "object", "embed", "template", "noscript"},
    attributes={"a": {"href"}, "img": {"src", "alt"}}, url_schemes={"http", "https"})


def extract(url: str, body: bytes, content_type: str | None = None) -> Page:
    """Read one fetched page. Never raises: bad input gives a Page of kind "other" with the problem noted."""
    try:
        return _extract(url, body, content_type)
    except Exception as exc:  # noqa: BLE001 - the contract: a bad page is recorded, it never stops a crawl
        return Page(url, "other", problems=[f"extraction failed: {type(exc).__name__}: {exc}"])


def _extract(url: str, body: bytes, content_type: str | None) -> Page:
    if not body.strip():
        return Page(url, "other", problems=["empty body"])
    text, charset, problems = decode_html(body, content_type)
    page = Page(url, "other", charset=charset, problems=problems)
    reason = _not_html(body, text, content_type)
    if reason:
        page.problems.append(reason)
        return page
    root = parse(text)
    urls = _Urls(_base_url(root, url))
    blocks = Reader(urls.absolute, urls.image_html).read(root)
    page.links = _links(root, urls)
    hint = _title_hint(root)
    end = next((i for i, b in enumerate(blocks) if _OTHERS.fullmatch(b.text)), len(blocks))
    anchor = _anchor(blocks[:end])
    path = portal_path(url)
    if path == "":
        return _titled(page, "home", blocks, hint)
    if anchor is None and (path is None or not path.endswith(".html")):
        kind = "other" if path is None else "listing" if _is_listing(url, page.links, blocks) else "section"
        return _titled(page, kind, blocks, hint)
    headline = _headline(blocks, anchor[0], hint) if anchor else None
    if anchor is None:
        region = _largest_run(blocks[:end])
        page.problems.append("no date anchor: article read from the largest run of paragraphs")
    else:
        index, page.published, page.published_precision = anchor
        region = _region(blocks, index, end)
        if headline is None:
            page.problems.append("no headline before the date anchor: title from <title>")
    page.method = "anchors" if anchor and headline else "fallback"
    page.title = headline or hint or next((b.text for b in blocks if b.tag in HEADINGS), "")
    fields = _fields(region, urls)
    page.lead, page.body, page.author = fields.lead, fields.body, fields.author
    page.images, page.attachments, page.body_html = fields.images, fields.attachments, fields.html
    page.body_links = fields.links
    if not (page.lead or page.body or page.images or page.attachments):
        page.problems.append("no article text found")
        return page
    page.kind = _article_kind(url, path, page, anchor is not None)
    return page


def _article_kind(url: str, path: str | None, page: Page, anchored: bool) -> str:
    if path is None or not path.endswith(".html"):
        return "static" if path is not None and anchored else "article"
    if any(f"/{book}/" in f"/{p}" for book in ("lich-su-dang-bo-huyen-tho-xuan", "lich-su-van-hoa")
           for p in (path, unquote(urlsplit(url).path))):
        return "chapter"
    return "document" if page.attachments else "article"


def _titled(page: Page, kind: str, blocks: list[Block], hint: str) -> Page:
    page.kind = kind
    page.title = hint or next((b.text for b in blocks if b.tag in HEADINGS), "")
    return page


def _not_html(body: bytes, text: str, content_type: str | None) -> str:
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


def _is_chrome(text: str) -> bool:
    return bool(_CHROME.fullmatch(text)) or text.casefold() in _CHROME_TEXTS


# --- anchors -------------------------------------------------------------------------------------------------


def _anchor(blocks: list[Block]) -> tuple[int, datetime, str] | None:
    """(block index, publication time, precision) of the first date line in document order."""
    for index, block in enumerate(blocks):
        text = block.text
        if len(text) > 120 or not text:
            continue
        found = _NEW_DATE.search(text) or _OLD_DATE.fullmatch(text) or _PROVINCE_DATE.search(text)
        if found is None:
            continue
        day, month, year, *clock = found.groups() + (None,) * (6 - len(found.groups()))
        try:
            when = datetime(int(year), int(month), int(day), *(int(n or 0) for n in clock), tzinfo=VN_TIME)
        except ValueError:
            continue
        return index, when, "second" if clock[0] is not None else "day"
    return None


def _headline(blocks: list[Block], index: int, hint: str) -> str | None:
    """The heading just before the date line, or a block whose text is the <title>'s headline."""
    for block in reversed(blocks[max(0, index - 8):index]):
        if not block.text or _is_chrome(block.text):
            continue
        titled = hint and (block.text == hint or (len(hint) >= 20 and block.text.startswith(hint)))
        if block.tag in HEADINGS or titled:
            return block.text
    return None


def _title_hint(root: lxml_html.HtmlElement) -> str:
    """The headline the <title> gives: "headline - Cổng thông tin điện tử huyện Thọ Xuân - Thanh Hóa"."""
    element = root.find(".//title")
    text = squash(element.text_content()) if element is not None else ""
    for separator in (" - ", " | ", " – "):
        if text.endswith(separator + SITE_TITLE):
            return text[: -len(separator + SITE_TITLE)]
    return "" if text == SITE_TITLE else text


def _region(blocks: list[Block], index: int, end: int) -> list[Block]:
    """The blocks after the date line that share its container, up to `Các tin khác`.

    The container is the nearest ancestor of the date line that also holds the first substantial block after it:
    what lies beyond it (sidebar, footer) is chrome, wherever the markup puts it.
    """
    levels: dict[lxml_html.HtmlElement, int] = {}
    element, level = blocks[index].element, 0
    while element is not None:
        levels[element] = level
        element, level = element.getparent(), level + 1

    def depth(block: Block) -> int:
        element = block.element
        while element not in levels:
            element = element.getparent()
        return levels[element]

    after = blocks[index + 1:end]
    first = next((b for b in after if b.images or (len(b.text) >= 20 and not _is_chrome(b.text))), None)
    if first is None:
        return []
    limit = depth(first)
    region = []
    for block in after:
        if depth(block) > limit:
            break
        region.append(block)
    return region


def _largest_run(blocks: list[Block]) -> list[Block]:
    """Without an anchor: the blocks under the element whose child paragraphs hold the most text."""
    score: dict[lxml_html.HtmlElement, int] = {}
    for block in blocks:
        if block.text and not _is_chrome(block.text) and block.tag not in HEADINGS:
            parent = block.element.getparent()
            parent = block.element if parent is None else parent
            score[parent] = score.get(parent, 0) + len(block.text)
    if not score:
        return []
    best = max(score, key=score.__getitem__)
    return [b for b in blocks if b.element is best or any(a is best for a in b.element.iterancestors())]


# --- the article's fields ------------------------------------------------------------------------------------


@dataclass
class _Fields:
    lead: str = ""
    body: list[str] = field(default_factory=list)
    author: str = ""
    images: list[ImageRef] = field(default_factory=list)
    attachments: list[AttachmentRef] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    html: str = ""


def _fields(region: list[Block], urls: _Urls) -> _Fields:
    """Lead, body, author, images with captions, attachments and body_html of the article's blocks."""
    out = _Fields()
    blocks = [b for b in region if b.images or (b.text and not _is_chrome(b.text))]
    role: dict[int, str] = {}  # id(block) → "file", "author", "caption" or "image"
    seen: set[str] = set()
    for block in blocks:
        files = [(url, text) for url, text in ((urls.absolute(h), t) for h, t in block.links) if is_file_url(url)]
        for url, text in files:
            if url not in seen:
                seen.add(url)
                out.attachments.append(AttachmentRef(url, unicodedata.normalize("NFC", file_name(url)), text))
        if _ATTACHMENT_LABEL.fullmatch(block.text) or (files and _only_links(block.text, [t for _, t in files])):
            role[id(block)] = "file"
    texts = [b for b in blocks if b.text and id(b) not in role]
    if len(texts) >= 2 and _author_like(texts[-1], blocks):
        role[id(texts[-1])] = "author"
        out.author = texts[-1].text
    sequence = [b for b in blocks if id(b) not in role]
    for position, block in enumerate(sequence):
        pictures = [img for img in block.images if _wanted_image(img)]
        if not pictures:
            continue
        following = sequence[position + 1] if position + 1 < len(sequence) else None
        caption = None
        if block.text and _caption_like(block):
            caption = block
        elif following is not None and following.text and not following.images and _caption_like(following):
            caption = following
        if caption is not None:
            role[id(caption)] = "caption"
        for n, img in enumerate(pictures):
            text = _unwrap(caption.text) if caption is not None and n == len(pictures) - 1 else ""
            out.images.append(ImageRef(urls.absolute(img.get("src", "")), text, squash(img.get("alt", "")),
                                       img.get("src", "")))
        if not block.text:
            role[id(block)] = "image"
    for block in sequence:
        if id(block) not in role:
            out.links += [url for url in (urls.absolute(h) for h, _ in block.links)
                          if url.startswith("http") and url not in out.links]
    rest = [b.text for b in sequence if b.text and id(b) not in role]
    out.lead, out.body = (rest[0], rest[1:]) if rest else ("", [])
    html = "".join(f"<p>{b.html}</p>" for b in blocks if b.html and role.get(id(b)) != "author")
    out.html = _CLEANER.clean(html) if html else ""
    return out


def _author_like(block: Block, blocks: list[Block]) -> bool:
    """The signature line: right-aligned or bold, or a short line that is no sentence (and no caption)."""
    text = block.text
    if block.italic or block.aligned("center") or squash(" ".join(t for _, t in block.links)) == text:
        return False
    if block.aligned("right") or block.bold:
        return True
    previous = blocks[blocks.index(block) - 1] if blocks.index(block) > 0 else None
    return len(text) <= 100 and not text.endswith(_SENTENCE_END) and not (previous and previous.images)


def _caption_like(block: Block) -> bool:
    """A caption under an image: italic, centred, in parentheses, or a short line that is no sentence."""
    text = block.text
    if block.bold and block.aligned("right"):
        return False
    return (block.italic or block.aligned("center") or _unwrap(text) != text
            or (len(text) <= 200 and not text.endswith(_SENTENCE_END)))


def _unwrap(text: str) -> str:
    """A caption without the parentheses that wrap it whole: "(Quang cảnh hội nghị)" → "Quang cảnh hội nghị"."""
    if not (text.startswith("(") and text.endswith(")")):
        return text
    depth = 0
    for position, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0 and position < len(text) - 1:
            return text  # "(a) b (c)": the first parenthesis closes early
    return text[1:-1].strip()


def _only_links(text: str, link_texts: list[str]) -> bool:
    for link_text in link_texts:
        text = text.replace(link_text, "", 1)
    return not any(char.isalnum() for char in text)


def _wanted_image(img: lxml_html.HtmlElement) -> bool:
    """Images worth a record: a src that is no data: URI, and no 1×1 tracking pixel."""
    src = (img.get("src") or "").strip()
    if not src or src.lower().startswith("data:"):
        return False
    return not all((img.get(side) or "").strip() in ("0", "1") for side in ("width", "height"))


def _is_listing(url: str, links: list[str], blocks: list[Block]) -> bool:
    """A category listing: items dated "(dd/mm/yyyy)" or a ?page=N pager; or, past the last page, nothing at all
    next to the headline of a ?page=N URL (a section lists its sub-pages there, whatever the query)."""
    paged = re.compile(r"(^|&)page=\d+")
    if any(_LISTED_DATE.search(b.text) for b in blocks) or any(paged.search(urlsplit(u).query) for u in links):
        return True
    if not paged.search(urlsplit(url).query):
        return False
    heading = next((i for i, b in enumerate(blocks) if b.tag in HEADINGS), None)
    if heading is None:
        return True
    box = blocks[heading].element.getparent()
    return not any(box in b.element.iterancestors() for b in blocks[heading + 1:])


# --- URLs ------------------------------------------------------------------------------------------------------


class _Urls:
    """Absolute, percent-encoded URLs against the page's base, and which images body_html may show."""

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
        if not _wanted_image(img):
            return ""
        url = self.absolute(img.get("src", ""))
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        if parts.scheme not in ("http", "https") or not (
                host in PORTAL_HOSTS or host == PROVINCE_HOST or host.endswith("." + PROVINCE_HOST)):
            return ""
        return f'<img src="{escape(url)}" alt="{escape(squash(img.get("alt", "")))}">'


def _base_url(root: lxml_html.HtmlElement, url: str) -> str:
    base = root.find(".//base[@href]")
    return urljoin(url, base.get("href").strip()) if base is not None else url


def _links(root: lxml_html.HtmlElement, urls: _Urls) -> list[str]:
    """Every <a href> of the page, absolute, once each, in order; no javascript:, mailto: or in-page links."""
    out: list[str] = []
    seen: set[str] = set()
    for a in root.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or href.startswith("#") or href.lower().startswith(("javascript:", "mailto:", "tel:", "data:")):
            continue
        url = urls.absolute(href)
        if url.startswith(("http://", "https://")) and url not in seen:
            seen.add(url)
            out.append(url)
    return out
