"""Two table-built families: an ASP-era table CMS and a DotNetNuke module skin."""

from __future__ import annotations

from html import escape

from replica import vocabulary as V
from replica.families import parts as P
from replica.families.base import HTML_NO_CHARSET, Ctx, FamilyRenderer
from replica.markup import BANNER


class TableAsp(FamilyRenderer):
    """Everything in nested tables; the headline is a <td>; nothing sets the lead apart; the author is a plain
    last paragraph followed by a print / e-mail row."""

    name = "table-asp"
    lead_set_apart = False  # the lead is the first plain paragraph
    summary = ("nested tables: headline in <td class=tieude>, `Ngày đăng: 13.12.2022 | Lượt xem` in the next row, "
               "no lead element (the lead is the first plain paragraph), captions in <i> after the image with a "
               "closing full stop added, the author a plain last paragraph before `In bài | Gửi email`, files "
               "outside the article's table under `Tải về`; HTTP header without charset, <meta http-equiv> UTF-8")
    classes = frozenset({1, 2, 3, 4, 5, 6, 8, 10})
    title_form = "before-colons"
    http_type = HTML_NO_CHARSET
    meta = "http-equiv"
    list_style = "table"

    def setup(self, rng) -> None:
        self.author_style = rng.choice(["plain", "plain", "right-b"])
        self.spacer = rng.random() < 0.6

    def heading(self, title: str) -> str:
        return f'<table width="100%"><tr><td class="tieude-muc">{escape(title)}</td></tr></table>'

    def compose(self, ctx: Ctx) -> str:
        page = ctx.page
        para = lambda inner, n: f'<p align="justify">{inner}</p>'  # noqa: E731

        def figure(img) -> str:
            return (f'<p align="center">{self.img(ctx, img)}</p>'
                    f'<p align="center"><i>{self.caption(ctx, img, stop=True)}</i></p>')

        lead = f'<p align="justify">{ctx.t(page.lead)}</p>' if page.lead else ""
        body = lead + "".join(self.blocks(ctx, para, figure, spacer="<p>&nbsp;</p>" if self.spacer else "", indent=""))
        sign = P.signature(ctx.t(page.author), self.author_style)
        tools = (f'<tr><td class="congcu" align="right">{P.share(ctx.url, page.title, ("print", "email"), "cc", "span")}'
                 f' | <a href="#top">Về đầu trang</a></td></tr>')
        nav = (f"<tr><td>{P.book_nav(self.pages, page, ctx.host, 'prevnext', 'chuong')}</td></tr>"
               if page.kind == "chapter" else "")
        date = f"{P.date_text(page.published, 'ngay-dang', ctx.old)} | {P.views()}"
        rows = (f'<tr><td class="tieude">{ctx.t(page.title)}</td></tr><tr><td class="ngay">{date}</td></tr>'
                f'<tr><td class="noidung">{body}{sign}</td></tr>{tools}{nav}')
        article = f'<table class="chitiet" width="100%" cellpadding="4">{rows}</table>'
        files = P.attachments(page, "Tải về", "inline", "taive")
        others = ""
        if ctx.others:
            items = "".join(f'<tr><td>&#8226; <a href="{escape(self.other_href(o, ctx.host, "http"))}">{escape(o.title)}</a>'
                            f' ({o.published:%d/%m/%Y})</td></tr>' for o in ctx.others)
            others = f'<table class="tinkhac"><tr><td class="tieude-muc">Các tin khác</td></tr>{items}</table>'
        return article + files + others

    def document(self, title, host, region, *, old=False, year=2025, category="", fault="") -> str:
        head = self.head(title, fault=fault)
        links = "".join(f'<tr><td><a href="{escape(h)}">{escape(label)}</a></td></tr>' for h, label in self.sidebar_links(host))
        left = self.nav(host, "ul", "menutrai") + (P.poll("binhchon", table=True) + P.counter("truycap") if old else "")
        return (f'{head}<body topmargin="0" leftmargin="0"><a name="top"></a><table width="990" align="center" border="0">'
                f'<tr><td colspan="3"><img src="{escape(BANNER)}" alt="Thọ Xuân" width="990"></td></tr>'
                f'<tr><td colspan="3" class="tenweb">{escape(V.SITE_TITLE)}</td></tr>'
                f'<tr><td width="200" valign="top">{left}</td><td valign="top">{region}</td>'
                f'<td width="180" valign="top"><table>{links}</table></td></tr>'
                f'<tr><td colspan="3" align="center">Cơ quan chủ quản: UBND huyện Thọ Xuân</td></tr></table></body></html>')


class DnnModule(FamilyRenderer):
    """A DotNetNuke skin: panes and module containers; the headline is a <span>, paragraphs are <div>s."""

    name = "dnn-module"
    summary = ("DotNetNuke containers: no <h1> at all, the module title is the category and the headline a "
               "<span class=NewsTitle>, `Cập nhật:` with `(Lượt xem: N)`, a bold summary <div>, <div> paragraphs "
               "indented by style, linked images in a table with a left-aligned caption cell, the author bold on "
               "the right then `Chia sẻ` and print links, files inside as `Tải về:`; <meta> says iso-8859-1 while "
               "the header says UTF-8")
    classes = frozenset({1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
    title_form = "after-pipe"
    meta = "iso-8859-1"
    list_style = "ul"
    list_dates = "paren"

    def setup(self, rng) -> None:
        self.caption_align = rng.choice(["left", "center", "right"])
        self.files_before_author = rng.random() < 0.5

    def heading(self, title: str) -> str:
        return f'<div class="c_head"><span class="TitleHead">{escape(title)}</span></div>'

    def compose(self, ctx: Ctx) -> str:
        page = ctx.page
        para = lambda inner, n: f'<div class="Normal" style="text-indent:{20 if n % 2 else 0}px">{inner}</div>'  # noqa: E731

        def figure(img) -> str:
            return (f'<table align="center" class="Image"><tr><td>{self.img(ctx, img, link=True)}</td></tr>'
                    f'<tr><td style="text-align: {self.caption_align}">{self.caption(ctx, img)}</td></tr></table>')

        body = "".join(self.blocks(ctx, para, figure, spacer="<div>&nbsp;</div>", indent=""))
        summary = (f'<div class="NewsSummary" style="font-weight:bold">{ctx.t(page.lead)}</div>' if page.lead else "")
        date = f'<span class="NewsDate">{P.date_text(page.published, "cap-nhat", ctx.old)}</span> <span class="NewsView">({P.views()})</span>'
        sign = P.signature(ctx.t(page.author), "right-b")
        files = P.attachments(page, "Tải về", "inline", "NewsFiles")
        end = (files + sign) if self.files_before_author else (sign + files)
        if page.kind == "document":
            facts = " | ".join(f"{k}: {escape(v)}" for k, v in P.document_facts(page)[:2])
            summary = f'<div class="DocInfo">{facts}</div>'
        share = P.share(ctx.url, page.title, ("label", "facebook", "zalo"), "NewsShare")
        tools = P.share(ctx.url, page.title, ("print", "email"), "NewsTools")
        nav = P.book_nav(self.pages, page, ctx.host, "prevnext", "BookNav") if page.kind == "chapter" else ""
        others = P.related(ctx.others, ctx.host, "Các tin khác", lambda o: self.other_href(o, ctx.host, "https"),
                           style="table", cls="NewsOther")
        return (f'<div class="c_content"><div><span class="NewsTitle">{ctx.t(page.title)}</span></div>'
                f'<div class="NewsInfo">{date}</div>{summary}<div class="NewsContent">{body}</div>{end}{share}{tools}{nav}'
                f"</div>{others}")

    def document(self, title, host, region, *, old=False, year=2025, category="", fault="") -> str:
        head = self.head(title, fault=fault)
        label = escape(next((label for h, label in self.crumbs(category, host)[-1:]), "")) if category else ""
        container = (f'<div class="DnnModule"><div class="c_container">'
                     + (f'<div class="c_head"><h2 class="c_title"><span class="TitleHead">{label}</span></h2></div>'
                        if label else "") + f"{region}</div></div>")
        side = "".join(f'<div><a href="{escape(h)}">{escape(label)}</a></div>' for h, label in self.sidebar_links(host))
        footer = P.counter("Counter") if old else ""
        return (f'{head}<body><form id="Form" method="post" action="#"><div id="dnn_wrapper">'
                f'<div id="dnn_BannerPane"><img src="{escape(BANNER)}" alt="Thọ Xuân">'
                f'<span class="SkinTitle">{escape(V.SITE_TITLE)}</span></div>'
                f'<div id="dnn_MenuPane">{self.nav(host, "table", "Menu")}</div>'
                f'<table class="SkinLayout"><tr><td id="dnn_ContentPane" valign="top">{container}</td>'
                f'<td id="dnn_RightPane" valign="top">{side}</td></tr></table>'
                f'<div id="dnn_FooterPane">{footer}Cơ quan chủ quản: UBND huyện Thọ Xuân</div></div></form></body></html>')
