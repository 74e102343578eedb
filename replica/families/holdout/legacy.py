"""Held out (see replica/families/holdout/__init__.py): a legacy CMS writing the text as <br>-separated runs."""

from __future__ import annotations

from html import escape

from replica import vocabulary as V
from replica.families import parts as P
from replica.families.base import Ctx, FamilyRenderer
from replica.markup import BANNER


class LegacyBr(FamilyRenderer):
    name = "legacy-br"
    summary = ("legacy CMS: headline in <font><b> inside a <td>, a time-first date line, the text one run of "
               "<br><br>-separated paragraphs with a bold lead, images centred with an <i> caption after a <br>, "
               "author bold on the right before print links, files outside under `Tải về`; <meta> lies (windows-1258)")
    classes = frozenset({1, 2, 3, 4, 5, 6, 8, 10})
    title_form = "before-pipe"
    meta = "windows-1258"
    list_style = "table"
    list_dates = "paren"

    def setup(self, rng) -> None:
        self.views_first = rng.random() < 0.5
        self.font_bar = rng.random() < 0.5

    def heading(self, title: str) -> str:
        return f'<font size="3" color="#990000"><b>{escape(title).upper()}</b></font><hr size="1">'

    def compose(self, ctx: Ctx) -> str:
        page = ctx.page
        para = lambda inner, n: f"{inner}<br><br>"  # noqa: E731

        def figure(img) -> str:
            return f"<center>{self.img(ctx, img)}<br><i>{self.caption(ctx, img)}</i></center><br>"

        lead = f"<b>{ctx.t(page.lead)}</b><br><br>" if page.lead else ""
        body = lead + "".join(self.blocks(ctx, para, figure, spacer="&nbsp;<br><br>"))
        date, views = P.date_text(page.published, "time-first", ctx.old), P.views()
        line = f"{views} - {date}" if self.views_first else f"{date} - {views}"
        tools = P.share(ctx.url, page.title, ("email", "print"), "tienich", "span")
        if self.font_bar:
            tools = P.font_size("cochu", with_label=False) + tools
        nav = P.book_nav(self.pages, page, ctx.host, "prevnext", "chuyentrang") if page.kind == "chapter" else ""
        article = (f'<table width="100%" cellpadding="3"><tr><td><font size="4" color="#003399"><b>{ctx.t(page.title)}'
                   f'</b></font></td></tr><tr><td><font size="1" color="#666666">{line}</font></td></tr>'
                   f'<tr><td><div class="content">{body}<div align="right"><b>{ctx.t(page.author)}</b></div></div>'
                   f"</td></tr><tr><td>{tools}{nav}</td></tr></table>")
        files = P.attachments(page, "Tải về", "list", "download")
        others = ""
        if ctx.others:
            others = ('<br><font color="#990000"><b>Các tin khác:</b></font><br>' + "".join(
                f'&#187; <a href="{escape(self.other_href(o, ctx.host, "http"))}">{escape(o.title)}</a> '
                f'<font color="#999999">({o.published:%d/%m/%Y})</font><br>' for o in ctx.others))
        return article + files + others

    def document(self, title, host, region, *, old=False, year=2025, category="", fault="") -> str:
        head = self.head(title, fault=fault)
        links = " | ".join(f'<a href="{escape(h)}">{escape(label)}</a>' for h, label in self.sidebar_links(host))
        bottom = (f'<table width="100%"><tr><td>{P.poll("poll", table=True)}</td><td>{P.counter("counter")}</td></tr></table>'
                  if old else "")
        return (f'{head}<body bgcolor="#ffffff"><center><table width="980" border="0" cellspacing="0">'
                f'<tr><td><img src="{escape(BANNER)}" alt="Thọ Xuân"></td></tr>'
                f'<tr><td bgcolor="#990000"><font color="#ffffff">{escape(V.SITE_TITLE)}</font></td></tr>'
                f'<tr><td>{self.nav(host, "table", "topmenu")}</td></tr><tr><td valign="top">{region}</td></tr>'
                f'<tr><td>{bottom}</td></tr><tr><td align="center"><font size="1">{links}<br>UBND huyện Thọ Xuân'
                f"</font></td></tr></table></center></body></html>")
