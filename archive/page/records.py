"""Plain records passed between extraction, the crawler and the database: no Scrapy, no SQL."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

# What a fetched HTML page is. Article-like kinds are normalised the same way (title, body, images, attachments).
ARTICLE_KINDS = ("article", "document", "static", "chapter")
PAGE_KINDS = ARTICLE_KINDS + ("listing", "section", "home", "other")


@dataclass(frozen=True)
class ImageRef:
    url: str  # absolute, resolved against the page URL, percent-encoded as a client requests it
    caption: str  # NFC, the caption paragraph that follows the image, without wrapping parentheses; "" if none
    alt: str = ""
    src: str = ""  # as written in the page


@dataclass(frozen=True)
class AttachmentRef:
    url: str  # absolute, percent-encoded
    filename: str  # decoded file name from the URL path ("" when the URL carries none, e.g. a download servlet)
    link_text: str


@dataclass
class Page:
    """What extraction read off one HTML page."""

    url: str
    kind: str  # one of PAGE_KINDS
    title: str = ""
    published: datetime | None = None  # aware, Asia/Ho_Chi_Minh
    published_precision: str = ""  # "second", "day" or "" when no date was found
    lead: str = ""
    body: list[str] = field(default_factory=list)  # paragraphs, NFC, whitespace normalised, no captions/author
    body_html: str = ""  # sanitised: no script, no event handler, no remote resource
    author: str = ""
    images: list[ImageRef] = field(default_factory=list)
    attachments: list[AttachmentRef] = field(default_factory=list)
    links: list[str] = field(default_factory=list)  # absolute URLs of every <a href> in the page, in order
    # What a browser loads to show the page: images (the file a lazy image stands for and its placeholder),
    # stylesheets, scripts; absolute, read from the correctly decoded document, once each, in order.
    requisites: list[str] = field(default_factory=list)
    body_links: list[str] = field(default_factory=list)  # the article's own outgoing links (body, not files), in order
    method: str = ""  # which extractor produced the article fields: "anchors" or "fallback"
    charset: str = "utf-8"  # the charset the bytes were decoded with
    problems: list[str] = field(default_factory=list)  # what looked wrong (charset mismatch, no date, ...)
    # field name → (how it was found, confidence 0..1); ("none", 0.0) where the evidence was too thin to guess
    evidence: dict[str, tuple[str, float]] = field(default_factory=dict)
