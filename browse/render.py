"""Pure helpers of the web UI: Vietnamese dates, article bodies served from the archive, and diffs as HTML."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from html import escape

import lxml.html
import nh3
from markupsafe import Markup

from archive.replay.captures import VIETNAM, as_moment
from archive.db.diff import word_runs
from archive.urls import identity_key, normalise

# What an archived body may hold when shown: the extractor's allowance again (defence in depth), links and images only
# to what the rewriting below leaves (the archive's own pages and media, or an outside page the reader may open).
_BODY_CLEANER = nh3.Cleaner(
    tags={"p", "br", "strong", "b", "em", "i", "sub", "sup", "a", "img", "ul", "ol", "li", "table", "tr", "td", "th",
          "tbody", "thead"},
    attributes={"a": {"href"}, "img": {"src", "alt"}}, url_schemes={"http", "https"}, link_rel=None)

FIELD_LABELS = {"title": "Tiêu đề", "published": "Ngày đăng", "author": "Tác giả", "lead": "Sapo",
                "body": "Nội dung", "captions": "Chú thích ảnh", "images": "Ảnh"}


def parse_time(text: str | None) -> datetime | None:
    """An archive time (ISO with offset) or a WARC-Date (UTC, `Z`) as an aware datetime; None if empty or unreadable."""
    try:
        return as_moment(text) if text else None
    except ValueError:
        return None


def vn_date(text: str | None) -> str:
    """DD/MM/YYYY in Vietnam time."""
    moment = parse_time(text)
    return moment.astimezone(VIETNAM).strftime("%d/%m/%Y") if moment else ""


def vn_datetime(text: str | None) -> str:
    """DD/MM/YYYY HH:MM:SS in Vietnam time."""
    moment = parse_time(text)
    return moment.astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M:%S") if moment else ""


def published(text: str | None, precision: str | None) -> str:
    """A publication date as the portal showed it: the day, or the day and time for the old template."""
    return vn_datetime(text) if precision == "second" else vn_date(text)


def utc_iso(text: str | None) -> str:
    moment = parse_time(text)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else ""


def media_url(digest: str) -> str:
    return "/media/" + digest.removeprefix("sha256:")


def body_html(html: str | None, images: dict[str, str], articles: dict[str, int]) -> Markup:
    """An archived body, safe to show: sanitised again, every image served from the archive (`images`: normalised
    image URL to digest; an image never archived is left out, never fetched from elsewhere), links to archived
    articles turned into links to their pages here (`articles`: identity key to article id)."""
    clean = _BODY_CLEANER.clean(html or "")
    if not clean.strip():
        return Markup("")
    root = lxml.html.fragment_fromstring(clean, create_parent="div")
    for img in list(root.iter("img")):
        digest = images.get(normalise(img.get("src") or ""))
        if digest:
            img.set("src", media_url(digest))
            img.set("loading", "lazy")
        else:
            img.drop_tree()
    for a in root.iter("a"):
        href = a.get("href") or ""
        key = identity_key(href) if href.startswith(("http://", "https://")) else None
        if key and key in articles:
            a.set("href", f"/articles/{articles[key]}")
        elif href.startswith(("http://", "https://")):
            a.set("rel", "noopener noreferrer nofollow")
            a.set("class", "ra-ngoai")  # leaves the archive for the live web
            a.set("title", "Liên kết ra ngoài lưu trữ: " + href)
        else:
            a.attrib.pop("href", None)
    inner = (root.text and escape(root.text) or "") + "".join(
        lxml.html.tostring(child, encoding="unicode") for child in root)
    return Markup(inner)


def links_in(html: str | None) -> list[str]:
    """The absolute http(s) links of a body, for looking up the articles they point at."""
    return re.findall(r'href="(https?://[^"]+)"', html or "")


def word_diff(old: str, new: str) -> tuple[Markup, Markup]:
    """One paragraph against its edit, word by word: (old with <del>, new with <ins>)."""
    left: list[str] = []
    right: list[str] = []
    for same, removed, added in word_runs(old, new):
        if same:
            left.append(escape(removed))
            right.append(escape(added))
            continue
        if removed:
            left.append("<del>" + escape(removed) + "</del>")
        if added:
            right.append("<ins>" + escape(added) + "</ins>")
    return Markup(" ".join(left)), Markup(" ".join(right))


def diff_rows(changes) -> list[dict]:
    """archive.db.diff.Change list as side-by-side rows: each paragraph removed beside the one that replaced it."""
    rows = []
    for change in changes:
        removed, added = list(change.removed), list(change.added)
        pairs = max(len(removed), len(added))
        for n in range(pairs):
            old = removed[n] if n < len(removed) else None
            new = added[n] if n < len(added) else None
            if old is not None and new is not None:
                left, right = word_diff(old, new)
                kind = "changed"
            elif old is not None:
                left, right, kind = Markup("<del>") + old + Markup("</del>"), Markup(""), "removed"
            else:
                left, right, kind = Markup(""), Markup("<ins>") + new + Markup("</ins>"), "added"
            rows.append({"field": FIELD_LABELS.get(change.kind, change.kind), "kind": kind, "old": left,
                         "new": right})
    return rows


def highlighted(snippet: str, marks: tuple[str, str]) -> Markup:
    """A search snippet with its matches between `marks`, as HTML with <mark>."""
    out = escape(snippet)
    return Markup(out.replace(escape(marks[0]), "<mark>").replace(escape(marks[1]), "</mark>"))
