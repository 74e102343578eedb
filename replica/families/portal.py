"""Two portal-product families: a Liferay 6.2 asset publisher theme and a VNPT-style e-government portal."""

from __future__ import annotations

from html import escape

from replica import vocabulary as V
from replica.families import parts as P
from replica.families.base import Ctx, FamilyRenderer
from replica.markup import BANNER, NOISE_CLOCK, slogan


class LiferayAsset(FamilyRenderer):
    """Liferay 6.2, asset publisher: portlets in a fluid grid; the site's name is the page's only <h1>."""

    name = "liferay-asset"
    summary = ("Liferay portlets: site name in <h1>, headline <h3>, `Đăng lúc:` and `Lượt xem:` under it, a lead "
               "in a summary <div>, linked images with the caption in <em> after, the author signed bold on the "
               "right then a share bar and tags inside the article's container; files inside it")
    classes = frozenset({1, 2, 3, 4, 5, 7, 8, 9})
    title_form = "after"
    list_style = "media"

    def setup(self, rng) -> None:
        self.share_items = tuple(rng.sample(["facebook", "zalo", "twitter", "print", "email"], k=4))
        self.tags_first = rng.random() < 0.5
        self.caption_tag = rng.choice(["em", "i"])
        self.date_above = rng.random() < 0.3

    def heading(self, title: str) -> str:
        return f'<div class="portlet-topper"><span class="portlet-title-text">{escape(title)}</span></div>'

    def compose(self, ctx: Ctx) -> str:
        page = ctx.page
        para = lambda inner, n: f'<p style="text-align: justify;">{inner}</p>'  # noqa: E731

        def figure(img) -> str:
            cap = f"<{self.caption_tag}>{self.caption(ctx, img)}</{self.caption_tag}>"
            return (f'<p style="text-align: center;">{self.img(ctx, img, link=True)}</p>'
                    f'<p style="text-align: center;">{cap}</p>')

        body = "".join(self.blocks(ctx, para, figure, spacer="<p>&nbsp;</p>"))
        title = f'<h3 class="header-title"><span>{ctx.t(page.title)}</span></h3>'
        meta = (f'<div class="asset-metadata"><span class="metadata-entry metadata-publish-date">'
                f'{P.date_text(page.published, "dang-luc", ctx.old)}</span> '
                f'<span class="metadata-entry metadata-view-count">{P.views()}</span></div>')
        lead = f'<div class="asset-summary"><strong>{ctx.t(page.lead)}</strong></div>' if page.lead else ""
        sign = P.signature(ctx.t(page.author), "right-strong")
        files = P.attachments(page, "File đính kèm", "list", "lfr-asset-attachments")
        chrome = [P.share(ctx.url, page.title, self.share_items, "taglib-social-bookmarks"),
                  P.tags(page, "taglib-asset-tags-summary")]
        if self.tags_first:
            chrome.reverse()
        label = "" if ctx.old else f'<div class="asset-category">{escape(V.FIXED_LABEL)}</div>'
        if page.kind == "chapter":
            chrome.append(P.book_nav(self.pages, page, ctx.host, "prevnext", "book-pager"))
        top = (meta + title) if self.date_above else (title + meta)
        article = (f'<div class="asset-full-content">{label}{top}{lead}<div class="journal-content-article">{body}'
                   f"{files}{sign}</div>{''.join(chrome)}</div>")
        others = P.related(ctx.others, ctx.host, "Các tin khác", lambda o: self.other_href(o, ctx.host, "http"),
                           "paren", "asset-publisher-others")
        return f'<section class="portlet"><div class="portlet-content">{article}</div></section>{others}'

    def document(self, title, host, region, *, old=False, year=2025, category="", fault="") -> str:
        head = self.head(title, fault=fault)
        side = "".join(f'<li><a href="{escape(h)}">{escape(label)}</a></li>' for h, label in self.sidebar_links(host))
        banner = (f'<header id="banner"><a href="/"><img src="{escape(BANNER)}" alt="Thọ Xuân"></a>'
                  f'<h1 class="site-title">{escape(V.SITE_TITLE)}</h1><div class="slogan">{escape(slogan(year))}</div>'
                  f"</header>")
        if old:  # the old theme: a table, with the poll and the visit counter in the left column
            return (f'{head}<body class="old-theme"><table width="100%" class="layout"><tr><td colspan="2">{banner}</td></tr>'
                    f'<tr><td width="220" valign="top">{self.nav(host, "ul", "navigation")}{P.poll()}{P.counter()}</td>'
                    f'<td valign="top"><div id="column-1">{region}</div></td></tr></table></body></html>')
        return (f'{head}<body class="liferay"><div id="wrapper">{banner}'
                f'<div class="datebar"><span id="clock">date</span><script>{NOISE_CLOCK}</script></div>'
                f'<nav id="navigation">{self.nav(host, "ul", "nav")}</nav>'
                f'<div id="content"><div class="portlet-layout row-fluid"><div class="span8 portlet-column">{region}</div>'
                f'<div class="span4 portlet-column"><ul class="links">{side}</ul></div></div></div>'
                f'<footer id="footer">Cơ quan chủ quản: UBND huyện Thọ Xuân.</footer></div></body></html>')


class VnptEgov(FamilyRenderer):
    """A VNPT-style e-government portal: left column first, headline in a <div>, the `<h2 class=sapo>` lead."""

    name = "vnpt-egov"
    summary = ("e-government portal: sidebar before content, headline in a <div> (site name in <h1>), `Thứ Ba, "
               "13/12/2022 | Lượt xem` above it, font-size/print/e-mail bar before an <h2 class=sapo> lead, lazy "
               "images (data: GIF, data-src) in a table with the caption in the cell below, author in italics, "
               "files outside the article as `Tệp đính kèm`; <meta> says windows-1258 while the header says UTF-8")
    classes = frozenset({1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
    title_form = "before-pipe"
    meta = "windows-1258"
    list_style = "table"
    list_dates = "dash"

    def setup(self, rng) -> None:
        self.align = rng.choice(["center", "left", "justify"])
        self.related_first = rng.random() < 0.5

    def heading(self, title: str) -> str:
        return f'<div class="title-category">{escape(title)}</div>'

    def breadcrumb(self, category: str, host: str) -> str:
        links = " » ".join(f'<a href="{escape(h)}">{escape(label)}</a>' for h, label in self.crumbs(category, host))
        return f'<div class="breadcrumb">{links}</div>'

    def compose(self, ctx: Ctx) -> str:
        page = ctx.page
        para = lambda inner, n: f"<p>{inner}</p>"  # noqa: E731

        def figure(img) -> str:
            return (f'<table class="image center" align="center"><tbody><tr><td>{self.img(ctx, img, "data-src")}</td></tr>'
                    f'<tr><td class="image_desc" style="text-align:{self.align}">{self.caption(ctx, img)}</td></tr>'
                    f"</tbody></table>")

        body = "".join(self.blocks(ctx, para, figure, indent=""))
        date = f'<div class="date-detail">{P.date_text(page.published, "weekday", ctx.old)} <span class="view">| {P.views()}</span></div>'
        title = f'<div class="title-detail">{ctx.t(page.title)}</div>'
        tools = f'<div class="tool-detail">{P.font_size("font")}{P.share(ctx.url, page.title, ("print", "email"), "print-mail", "span")}</div>'
        lead = f'<h2 class="sapo">{ctx.t(page.lead)}</h2>' if page.lead else ""
        if page.kind == "document":
            facts = "".join(f"<tr><td>{k}</td><td>{escape(v)}</td></tr>" for k, v in P.document_facts(page))
            lead = f'<table class="vb-info">{facts}</table>'
        sign = P.signature(ctx.t(page.author), "italic")
        nav = P.book_nav(self.pages, page, ctx.host, "toc", "muc-luc") if page.kind == "chapter" else ""
        article = (f'<div class="news-detail">{date}{title}{tools}{lead}<div class="content-detail">{body}{sign}</div>'
                   f'{P.tags(page, "keyword")}{nav}</div>')
        files = P.attachments(page, "Tệp đính kèm", "table", "file-attach")
        lists = [P.related(ctx.others[:2], ctx.host, "Tin liên quan", lambda o: self.other_href(o, ctx.host, "root"),
                           "none", "tin-lien-quan"),
                 P.related(ctx.others[2:], ctx.host, "Các tin khác", lambda o: self.other_href(o, ctx.host, "http"),
                           "dash", "tin-khac")]
        if self.related_first:
            lists.reverse()
        return article + files + "".join(lists)

    def document(self, title, host, region, *, old=False, year=2025, category="", fault="") -> str:
        head = self.head(title, fault=fault)
        side = "".join(f'<div class="link-item"><a href="{escape(h)}">{escape(label)}</a></div>'
                       for h, label in self.sidebar_links(host))
        extra = (P.poll("binh-chon") + P.counter("thong-ke")) if old else ""
        crumbs = self.breadcrumb(category, host) if category else ""
        return (f'{head}<body><div class="wrapper"><div class="header"><div class="logo"><a href="/">'
                f'<img src="{escape(BANNER)}" alt="Thọ Xuân"></a></div><h1 class="site-name">{escape(V.SITE_TITLE)}</h1>'
                f'</div><div class="menu-top">{self.nav(host, "div", "menu")}</div><div class="main">'
                f'<div class="left-col">{side}{extra}</div><div class="center-col">{crumbs}{region}</div></div>'
                f'<div class="footer">Bản quyền thuộc UBND huyện Thọ Xuân</div></div></body></html>')
