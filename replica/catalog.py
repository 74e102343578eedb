"""Every URL the replica answers for one site and variant: what it returns, with which validators.

Pages are rendered once, on first request or by `warm()`, and kept split at their noise markers so the
server only has to fill in the clock or counter.
"""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from urllib.parse import parse_qs, quote, unquote

from replica import hostile, media
from replica.content import (CATEGORIES, CATEGORY, HOME, MAIN_HOST, PORTAL_HOSTS,
                             PROVINCE_HOST, Page, Site)
from replica.epochs import EPOCH_TIME
from replica.faults import fault_targets
from replica.families import make_renderer
from replica.markup import BANNER, THEME, Variant, category_href, province_page
from replica.vocabulary import STATIC_PAGES

HTML = "text/html;charset=UTF-8"
PAGE_SIZE = 10
# A 1×1 transparent GIF: the placeholder lazy-loading themes put in `src` (never an image of the article).
PLACEHOLDER_BYTES = (b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00"
                     b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")
PLACEHOLDERS = (f"{THEME}/images/blank.gif", f"{THEME}/images/loading.gif")
_NOISE = re.compile("\x00noise:(clock|counter|views)\x00")


@dataclass
class Resource:
    """One answer of the server. `parts` alternates bytes with noise kinds; `make` builds bytes lazily."""

    status: int = 200
    content_type: str = HTML
    parts: tuple = ()
    make: Callable[[], bytes] | None = None
    etag: str | None = None
    last_modified: datetime | None = None
    headers: tuple[tuple[str, str], ...] = ()
    chunked: bool = False
    key: str = ""  # the decoded path (with ?page=N for later listing pages) that faults are aimed at
    stream: Callable[[], Iterator[bytes]] | None = None  # a body made as it is sent (Content-Length: `length`)
    length: int = 0
    identity: bool = False  # sent exactly as made, never gzipped by the server (its body may be encoded already)
    raw_head: bool = False  # headers h11 refuses to send (a NUL byte): written by hand, then the connection closes

    @property
    def is_html(self) -> bool:
        return self.content_type.startswith("text/html")

    def static_body(self) -> bytes | None:
        """The body when it does not change per request (images, files, noise-free pages)."""
        if self.make is not None:  # made again each time: cheap, and thousands of images need no memory
            return self.make()
        if len(self.parts) == 1:
            return self.parts[0]
        return None


def html_resource(html: str, key: str, modified: datetime | None = None, validators: bool = True,
                  chunked: bool = False, status: int = 200, content_type: str = HTML) -> Resource:
    pieces = _NOISE.split(html)
    parts = tuple(p if i % 2 else p.encode("utf-8") for i, p in enumerate(pieces))
    etag = None
    if validators:
        # Weak: the bytes differ on every request (clock, counter); the page itself does not.
        etag = 'W/"' + hashlib.sha1(b"".join(p for p in parts if isinstance(p, bytes))).hexdigest()[:20] + '"'
    return Resource(status, content_type, parts, etag=etag, last_modified=modified if validators else None,
                    chunked=chunked, key=key)


class Catalog:
    """The routes of one epoch of the site, rendered in one markup variant (classic) or template family."""

    def __init__(self, site: Site, variant: Variant, family: str = "classic", markup_seed: int = 0):
        self.site = site
        self.family = family
        self.render = make_renderer(family, markup_seed, site.by_id(), variant.number)
        self.targets = fault_targets(site)
        self._cache: dict[tuple, Resource] = {}

    # --- indexes, built once per catalog --------------------------------------------------------

    @cached_property
    def pages_at(self) -> dict[tuple[str, str], tuple[Page, str]]:
        """(host, decoded path) of every page URL → (page, category the URL is under)."""
        out = {}
        for page in self.site.pages + [p for p in self.site.removed if p.removed != "unlisted"]:
            for host in page.hosts:
                out[(host, page.path_in(page.category, host))] = (page, page.category)
            for extra in page.also_in:
                out[(MAIN_HOST, page.path_in(extra, MAIN_HOST))] = (page, extra)
        for page in self.site.removed:
            if page.removed == "unlisted":  # still answers, linked from nowhere
                for host in page.hosts:
                    out[(host, page.path_in(page.category, host))] = (page, page.category)
        return out

    @cached_property
    def listed(self) -> dict[tuple[str, str], list[tuple[str, Page]]]:
        return listings_of(self.site)

    @cached_property
    def routes(self) -> dict[tuple[str, str], Callable[[], Resource]]:
        """(host, decoded path) → builder of the resource, for everything but pages and listings."""
        r: dict[tuple[str, str], Callable[[], Resource]] = {}
        for host in PORTAL_HOSTS:
            r[(host, "/")] = lambda: Resource(302, HTML, (b"",), headers=(("Location", HOME),), key="/")
            r[(host, "/robots.txt")] = lambda: Resource(200, "text/plain", (media.ROBOTS,), key="/robots.txt")
            r[(host, f"{THEME}/css/main.css")] = lambda: Resource(200, "text/css", (media.STYLESHEET,),
                                                                etag=media.strong_etag(media.STYLESHEET))
            r[(host, f"{THEME}/js/main.js")] = lambda: Resource(200, "application/javascript", (media.SCRIPT,),
                                                              etag=media.strong_etag(media.SCRIPT))
            r[(host, BANNER)] = lambda: Resource(200, "image/jpeg", make=media.banner_bytes, etag='"banner-1"')
            for gif in PLACEHOLDERS:  # what lazy-loading families put in `src` until a script swaps the image in
                r[(host, gif)] = lambda: Resource(200, "image/gif", (PLACEHOLDER_BYTES,), etag='"blank-1"')
        for page in self.site.pages + self.site.removed:
            for img in page.images:
                if img.broken:
                    continue
                hosts = (PROVINCE_HOST,) if img.host == PROVINCE_HOST else PORTAL_HOSTS
                for host in hosts:
                    r[(host, img.path)] = (lambda img=img, page=page: Resource(
                        200, "image/png" if img.fmt == "png" else "image/jpeg",
                        make=lambda: media.image_bytes(img), key=img.path,
                        etag=media.strong_etag(f"{img.path}#{img.version}#{img.size}"),
                        last_modified=EPOCH_TIME[2] if img.version > 1 else page.published))
            for att in page.attachments:
                for host in PORTAL_HOSTS:
                    r[(host, att.path)] = lambda att=att, page=page: self._attachment(att, page)
        r[(PROVINCE_HOST, "/")] = lambda: Resource(302, HTML, (b"",), headers=(("Location", "/portal/Pages/default.aspx"),))
        r[(PROVINCE_HOST, "/robots.txt")] = lambda: Resource(200, "text/plain", (b"User-agent: *\nDisallow:\n",))
        r[(PROVINCE_HOST, "/portal/Pages/default.aspx")] = self._province_home
        for path, title, when in self.site.offsite:
            r[(PROVINCE_HOST, path)] = lambda path=path, title=title, when=when: html_resource(
                province_page(title, when, [f"{title}."], [("/portal/Pages/default.aspx", "Trang chủ")]), path, when)
        return r

    # --- lookup --------------------------------------------------------------------------------

    def lookup(self, host: str, raw_path: str, query: str = "", content_fault: Callable[[str], str] | None = None) -> Resource:
        """The resource for a request; `raw_path` as sent (percent-encoded or not)."""
        path = unquote(raw_path, errors="replace")
        if path.endswith("/") and path != "/":
            path = path.rstrip("/")
        with_query = f"{path}?{query}" if query else path
        if (host, with_query) in self.routes:  # the download servlet names its file in the query
            return self._cached(("route", host, with_query), self.routes[(host, with_query)])
        if (host, path) in self.routes:
            return self._cached(("route", host, path), self.routes[(host, path)])
        if host in PORTAL_HOSTS:
            found = self._portal_page(host, path, query, content_fault)
            if found is not None:
                return found
        return self._cached(("404", host), lambda: self._error(404, host))

    def _portal_page(self, host: str, path: str, query: str, content_fault) -> Resource | None:
        if path == HOME:
            return self._cached(("home", host), lambda: self._home(host))
        hit = self.pages_at.get((host, path))
        if hit is not None:
            page, category = hit
            if page.removed in ("404", "410"):
                return self._cached((page.removed, host), lambda: self._error(int(page.removed), host))
            fault = content_fault(path) if content_fault else ""
            return self._cached(("page", host, path, fault), lambda: self._article(page, category, host, path, fault))
        category = self._category_at(host, path)
        if category is None:
            return None
        cat = CATEGORY[category]
        if cat.kind == "listing":
            page_no = _page_number(query)
            key = path if page_no == 1 else f"{path}?page={page_no}"
            return self._cached(("listing", host, category, page_no), lambda: self._listing(host, category, page_no, key))
        return self._cached(("section", host, category), lambda: self._section(host, category))

    def _category_at(self, host: str, path: str) -> str | None:
        for cat in CATEGORIES:
            if (host == MAIN_HOST or cat.alias_path) and category_href(cat.path, host) == path:
                return cat.path
        return None

    def _cached(self, key: tuple, build: Callable[[], Resource]) -> Resource:
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = build()
        return found

    def warm(self) -> int:
        """Render every page and listing now, so that no request waits for rendering; returns how many."""
        for host, path in self.pages_at:
            self.lookup(host, path)
        for (host, category), items in self.listed.items():
            path = category_href(category, host)
            for n in range(1, math.ceil(len(items) / PAGE_SIZE) + 1):
                self.lookup(host, path, f"page={n}" if n > 1 else "")
        for host in PORTAL_HOSTS:
            self.lookup(host, HOME)
        return len(self._cache)

    # --- hostile input (replica/hostile.py), served while its fault is on ---------------------------

    def hostile(self, enabled: frozenset[str], host: str, raw_path: str, query: str) -> Resource | None:
        """The resource of a hostile fault that is on, for this request; None for everything else."""
        if host != MAIN_HOST or not enabled & hostile.HOSTILE_FAULTS.keys():
            return None
        path = unquote(raw_path, errors="replace").rstrip("/") or "/"
        if "huge" in enabled:
            if path == hostile.HUGE_PAGE:
                return Resource(200, HTML, stream=hostile.huge_chunks, length=hostile.HUGE_SIZE, identity=True,
                                key=path)
            if path == hostile.BOMB_PAGE:
                return self._bomb("html", HTML, path)
            if path == hostile.BOMB_IMAGE:
                return self._bomb("png", "image/png", path)
        if "redirects" in enabled:
            hops = {hostile.LOOP[0]: hostile.LOOP[1], hostile.LOOP[1]: hostile.LOOP[0]}
            hops.update(zip(hostile.CHAIN, (*hostile.CHAIN[1:], HOME), strict=True))
            if path in hops:
                return Resource(302, HTML, (b"",), headers=(("Location", quote(hops[path])),), key=path)
        if "endless-listing" in enabled and path == hostile.ENDLESS:
            return self._endless(_page_number(query))
        if "hostile-names" in enabled and path == hostile.GET_FILE:
            uuid = parse_qs(query).get("uuid", [""])[0].removeprefix("hostile-")
            for name, disposition, _, raw in hostile.NAMES:
                if name == uuid:
                    data = hostile.attachment_bytes(name)
                    return Resource(200, "application/octet-stream", make=lambda data=data: data,
                                    headers=(("Content-Disposition", disposition),), raw_head=raw, key=path)
        if "xss-variants" in enabled and path == hostile.SVG:
            return Resource(200, "image/svg+xml", (hostile.SVG_BYTES,), etag=media.strong_etag(hostile.SVG_BYTES),
                            key=path)
        return None

    @staticmethod
    def _bomb(kind: str, content_type: str, path: str) -> Resource:
        body = hostile.gzip_bomb(kind)
        return Resource(200, content_type, (body,), headers=(("Content-Encoding", "gzip"),), identity=True, key=path)

    def _endless(self, page_no: int) -> Resource:
        base = hostile.ENDLESS
        v = self.render.v
        content = (f'<{v.headline_tag} {self.render.c("headline")}>Văn bản liên quan</{v.headline_tag}>'
                   f'<div {self.render.c("listing")}><div {self.render.c("item")}>'
                   f'<a {self.render.c("item-title")} href="{base}/bai-so-{page_no}.html">Văn bản số {page_no}</a>'
                   f'<span {self.render.c("item-date")}>(01/06/2025)</span></div></div>'
                   f'<div {self.render.c("pager")}><span>{page_no}</span> '
                   f'<a href="{base}?page={page_no + 1}">Sau</a></div>')
        html = self.render.new_chrome("Văn bản liên quan", MAIN_HOST, 2025, content)
        key = base if page_no == 1 else f"{base}?page={page_no}"
        return html_resource(html, key, validators=False, chunked=True)

    # --- builders -------------------------------------------------------------------------------

    def _others(self, page: Page, host: str) -> list[Page]:
        """"Các tin khác": the five next older articles of the category (or the newest, for the oldest)."""
        items = [p for _, p in self.listed.get((host, page.category), []) if p.id != page.id]
        older = [p for p in items if (p.published, p.id) < (page.published, page.id)]
        return (older[:5] or items[:5]) if page.kind in ("article", "document") else []

    def _article(self, page: Page, category: str, host: str, path: str, fault: str) -> Resource:
        html = self.render.article(page, host, path, self._others(page, host), fault)
        res = html_resource(html, path, page.last_modified, content_type=self.render.content_type("article"))
        if fault == "wrong-charset":
            res.content_type = "text/html; charset=ISO-8859-1"
        return res

    def _listing(self, host: str, category: str, page_no: int, key: str) -> Resource:
        items = self.listed.get((host, category), [])
        pages = max(1, math.ceil(len(items) / PAGE_SIZE))
        chunk = items[(page_no - 1) * PAGE_SIZE: page_no * PAGE_SIZE]
        path = category_href(category, host)
        html = self.render.listing(CATEGORY[category].label, host, path, chunk, page_no, pages)
        return html_resource(html, key, validators=False, chunked=True, content_type=self.render.content_type("listing"))

    def _section(self, host: str, category: str) -> Resource:
        base = category_href(category, host)
        children = [(category_href(c.path, host), c.label) for c in CATEGORIES if c.parent == category]
        if category == "tong-quan":
            children = [(f"{base}/{slug}", label) for slug, label in STATIC_PAGES] + children
        if CATEGORY[category].kind == "book":
            chapters = [p for p in self.site.pages if p.category == category]
            children = [(p.path_in(category, host), p.title) for p in chapters]
        html = self.render.section(CATEGORY[category].label, host, children)
        return html_resource(html, base, validators=False, chunked=True, content_type=self.render.content_type("section"))

    def _home(self, host: str) -> Resource:
        news = self.listed.get((host, "tin-tuc-su-kien"), [])[:10]
        blocks = [("Tin mới nhất", category_href("tin-tuc-su-kien", host), news)]
        for cat in CATEGORIES:
            if cat.kind == "listing" and cat.path != "tin-tuc-su-kien" and (host == MAIN_HOST or cat.alias_path):
                blocks.append((cat.label, category_href(cat.path, host), self.listed.get((host, cat.path), [])[:5]))
        return html_resource(self.render.home(host, blocks), HOME, validators=False, chunked=True,
                             content_type=self.render.content_type("home"))

    def _attachment(self, att, page: Page) -> Resource:
        headers: tuple[tuple[str, str], ...] = ()
        ctype = att.content_type
        if att.disposition:
            headers = (("Content-Disposition", disposition_header(att)),)
        data = media.attachment_bytes(att, page.title)
        return Resource(200, ctype, make=lambda: data, etag=media.strong_etag(data), last_modified=page.published,
                        headers=headers, key=att.path)

    def _province_home(self) -> Resource:
        links = [(path, title) for path, title, _ in self.site.offsite]
        html = province_page("Cổng thông tin điện tử tỉnh Thanh Hóa", EPOCH_TIME[1], [], links)
        return html_resource(html, "/portal/Pages/default.aspx", validators=False)

    def _error(self, status: int, host: str) -> Resource:
        text = {404: "Không tìm thấy trang yêu cầu.", 410: "Bài viết này đã bị gỡ bỏ."}[status]
        html = (f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{status}</title></head>'
                f"<body><h1>{status}</h1><p>{text}</p><p><a href=\"{HOME}\">Trang chủ</a></p></body></html>")
        return Resource(status, HTML, (html.encode(),), key=str(status))


def disposition_header(att) -> str:
    """Content-Disposition of a download servlet, in the attachment's form. A str whose code points are the bytes
    sent (latin-1): raw UTF-8 names come out as their bytes (replica.server sends such values as bytes)."""
    name = unicodedata.normalize("NFD", att.filename) if att.name_nfd else att.filename
    if att.disposition_form == "raw-utf8":
        return f'attachment; filename="{name.encode().decode("latin-1")}"'
    if att.disposition_form == "percent-quoted":
        return f'attachment; filename="{quote(name)}"'
    if att.disposition_form == "ext-only":
        return f"attachment; filename*=UTF-8''{quote(name)}"
    if "/get_file" in att.path:  # the document library's servlet, as it always answered: "_" for non-ASCII
        ascii_name = att.filename.encode("ascii", "replace").decode().replace("?", "_")
    else:  # folded to ASCII, as Java's Normalizer-based fallbacks do
        folded = unicodedata.normalize("NFKD", att.filename.replace("đ", "d").replace("Đ", "D"))
        ascii_name = folded.encode("ascii", "ignore").decode().replace('"', "")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"


def listings_of(site: Site) -> dict[tuple[str, str], list[tuple[str, Page]]]:
    """(host, category) → (href, page) newest first, as the category's listing shows them."""
    out: dict[tuple[str, str], list[tuple[str, Page]]] = {}
    for page in site.pages:
        if page.kind not in ("article", "document"):
            continue
        for host in page.hosts:
            for cat in (page.category, *(page.also_in if host == MAIN_HOST else ())):
                href = page.path_in(cat, host)
                out.setdefault((host, cat), []).append((href, page))
                parent = CATEGORY[cat].parent
                if parent and cat == page.category:
                    out.setdefault((host, parent), []).append((href, page))
    for items in out.values():
        items.sort(key=lambda item: (item[1].published, item[1].id), reverse=True)
    return out


def _page_number(query: str) -> int:
    try:
        return max(1, int(parse_qs(query).get("page", ["1"])[0]))
    except ValueError:
        return 1
