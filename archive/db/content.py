"""What makes a version of an article: the fields of a page that count as its content, in the archive's normal
form (NFC text, normalised addresses, times in the portal's time zone), and their digest."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from archive import urls
from archive.page import records
from archive.site import TIMEZONE as VIETNAM
from archive.text import fold, nfc


def iso(moment: datetime) -> str:
    """ISO 8601 in Vietnam time with its offset (+07:00); a naive datetime is taken to be Vietnam time already."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=VIETNAM)
    return moment.astimezone(VIETNAM).isoformat(timespec="seconds")


def now() -> str:
    return iso(datetime.now(VIETNAM))


def media_key(url: str) -> str:
    """An image or attachment URL with the portal's hosts and schemes made one, so they do not count as edits."""
    url = normalise(url)
    parts = urlsplit(url)
    if (parts.hostname or "") in urls.PORTAL_HOSTS:
        return urlunsplit(("https", urls.MAIN_HOST, parts.path, parts.query, ""))
    return url


def normalise(url: str) -> str:
    try:
        return urls.normalise(url)
    except ValueError:  # a URL too broken to canonicalise is still worth its row
        return url



@dataclass(frozen=True)
class Content:
    """The fields of a page that make a version: anything else changing (noise, markup, URL) is not an edit."""

    title: str
    published: str | None
    published_precision: str
    lead: str
    paragraphs: tuple[str, ...]
    author: str
    images: tuple[records.ImageRef, ...]
    attachments: tuple[records.AttachmentRef, ...]

    @classmethod
    def of(cls, page: records.Page) -> Content:
        return cls(
            title=nfc(page.title), published=iso(page.published) if page.published else None,
            published_precision=page.published_precision, lead=nfc(page.lead),
            paragraphs=tuple(nfc(p) for p in page.body), author=nfc(page.author),
            images=tuple(records.ImageRef(normalise(i.url), nfc(i.caption), nfc(i.alt), nfc(i.src))
                         for i in page.images),
            attachments=tuple(records.AttachmentRef(normalise(a.url), nfc(a.filename), nfc(a.link_text))
                              for a in page.attachments),
        )

    @property
    def body(self) -> str:
        return "\n\n".join(self.paragraphs)

    @property
    def captions(self) -> str:
        return "\n".join(i.caption for i in self.images if i.caption)

    @property
    def digest(self) -> str:
        canonical = [self.title, self.published, self.lead, list(self.paragraphs), self.author,
                     [[media_key(i.url), i.caption] for i in self.images],
                     [[media_key(a.url), a.filename, a.link_text] for a in self.attachments]]
        return hashlib.sha256(json.dumps(canonical, ensure_ascii=False).encode()).hexdigest()

    def current_fields(self) -> dict[str, Any]:
        """The columns of `articles` that follow the latest version, search columns included."""
        return self.fields_of(self.title, self.published, self.published_precision, self.author, self.lead,
                              self.body, self.captions)

    def version_fields(self, page: records.Page) -> dict[str, Any]:
        """The columns of `article_versions` this reading of `page` gives (not its times, run or record)."""
        return {
            "content_hash": self.digest, "title": self.title, "published": self.published,
            "published_precision": self.published_precision, "lead": self.lead, "body": self.body,
            "body_html": nfc(page.body_html), "author": self.author, "method": page.method,
            "extraction": json.dumps(page.evidence, ensure_ascii=False) if page.evidence else None,
        }

    @staticmethod
    def fields_of(title: str, published: str | None, precision: str | None, author: str, lead: str, body: str,
                  captions: str) -> dict[str, Any]:
        return {
            "title": title, "published": published, "published_precision": precision, "author": author,
            "lead": lead, "body": body, "captions": captions, "folded": fold(f"{title}\n{lead}\n{body}\n{captions}"),
        }
