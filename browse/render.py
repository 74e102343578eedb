"""Pure helpers of the web UI: Vietnamese dates, article bodies served from the archive, and diffs as HTML."""

from __future__ import annotations

import difflib
import re
from datetime import datetime, timedelta, timezone
from html import escape

import lxml.html
import nh3
from markupsafe import Markup

from archive.urls import identity_key, normalise

VIETNAM = timezone(timedelta(hours=7), "ICT")
WARC_DATE = re.compile(r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.\d+)?Z$")

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
    if not text:
        return None
    m = WARC_DATE.match(text)
    if m:
        return datetime(*map(int, m.groups()), tzinfo=timezone.utc)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=VIETNAM)


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
    a, b = old.split(), new.split()
    left: list[str] = []
    right: list[str] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            left.append(escape(" ".join(a[i1:i2])))
            right.append(escape(" ".join(b[j1:j2])))
            continue
        if i2 > i1:
            left.append("<del>" + escape(" ".join(a[i1:i2])) + "</del>")
        if j2 > j1:
            right.append("<ins>" + escape(" ".join(b[j1:j2])) + "</ins>")
    return Markup(" ".join(left)), Markup(" ".join(right))


def diff_rows(changes) -> list[dict]:
    """archive.diff.Change list as side-by-side rows: each paragraph removed beside the one that replaced it."""
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
