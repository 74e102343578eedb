"""What the spider hands to the pipelines: plain dataclasses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from archive.page.records import Page


@dataclass
class PageItem:
    page: Page
    status: int
    fetched_at: datetime
    category_label: str = ""
    warc_record_id: str = ""  # the response (or revisit) record of this capture
    host_label: str = ""  # the label this page's own host gives its folder (thoxuan.vn renamed some)


@dataclass
class MediaItem:
    url: str
    data: bytes
    mime: str
    status: int
    fetched_at: datetime
    filename: str = ""  # from Content-Disposition, unsanitised: the store never uses it as a path
    warc_record_id: str = ""


@dataclass
class NotModifiedItem:
    """A 304: the page or file is as last archived."""

    url: str
    fetched_at: datetime


@dataclass
class GoneItem:
    """A portal page that answered 404 or 410."""

    url: str
    status: int
    fetched_at: datetime
    warc_record_id: str = ""
