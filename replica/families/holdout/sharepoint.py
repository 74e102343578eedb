"""Held out (see replica/families/holdout/__init__.py): a SharePoint-style provincial news page."""

from __future__ import annotations

from html import escape

from replica import vocabulary as V
from replica.families import parts as P
from replica.families.base import Ctx, FamilyRenderer
from replica.markup import BANNER


class SpNews(FamilyRenderer):
    name = "sharepoint-news"
    summary = ("SharePoint-style: two <h1> (the site's name first, then the headline), `Ngày 13/12/2022` and "
               "`Lượt xem` under it, a font-size bar, an italic summary <div>, captions in a right-aligned cell "
               "under the image with a closing full stop added, `Tác giả: X` as the last line on the right followed "
               "by a share bar, files inside as a `File đính kèm` table; <meta> lies (iso-8859-1)")
    classes = frozenset({1, 2, 3, 4, 5, 6, 8, 10})
    title_form = "after-pipe"
    meta = "iso-8859-1"
    list_style = "ul"
    list_dates = "dash"

    def setup(self, rng) -> None:
        self.caption_align = rng.choice(["right", "right", "center"])
        self.date_style = rng.choice(["ngay", "cap-nhat"])

    def heading(self, title: str) -> str:
        return f'<div class="ms-webpart-titleText"><span>{escape(title)}</span></div>'

    def compose(self, ctx: Ctx) -> str:
        page = ctx.page
        para = lambda inner, n: f'<div class="ms-rteElement-P">{inner}</div>'  # noqa: E731

        def figure(img) -> str:
            return (f'<table class="ms-rteTable-default" align="center"><tr><td>{self.img(ctx, img)}</td></tr>'
                    f'<tr><td align="{self.caption_align}">{self.caption(ctx, img, stop=True)}</td></tr></table>')

        body = "".join(self.blocks(ctx, para, figure, spacer='<div class="ms-rteElement-P">&nbsp;</div>'))
        summary = (f'<div class="summary" style="font-style:italic">{ctx.t(page.lead)}</div>' if page.lead else "")
        date = f'<div class="date">{P.date_text(page.published, self.date_style, ctx.old)} | {P.views()}</div>'
        author = f'<p style="text-align:right"><strong>Tác giả: {ctx.t(page.author)}</strong></p>'
        share = P.share(ctx.url, page.title, ("email", "print", "label", "facebook"), "ms-share")
        files = P.attachments(page, "File đính kèm", "table", "ms-attachments")
        nav = P.book_nav(self.pages, page, ctx.host, "prevnext", "ms-pager") if page.kind == "chapter" else ""
        others = P.related(ctx.others, ctx.host, "Tin cùng chuyên mục", lambda o: self.other_href(o, ctx.host, "https"),
                           style="table", cls="ms-related")
        return (f'<div class="ms-rtestate-field"><h1 class="title">{ctx.t(page.title)}</h1>{date}'
                f'{P.font_size("ms-font")}{summary}<div class="ms-rte-body">{body}</div>{files}{author}{share}{nav}</div>'
                f"{others}")

    def document(self, title, host, region, *, old=False, year=2025, category="", fault="") -> str:
        head = self.head(title, fault=fault)
        links = "".join(f'<li><a href="{escape(h)}">{escape(label)}</a></li>' for h, label in self.sidebar_links(host))
        extra = (P.poll("ms-poll") + P.counter("ms-counter")) if old else ""
        return (f'{head}<body><div id="s4-workspace"><div id="s4-titlerow"><img src="{escape(BANNER)}" alt="Thọ Xuân">'
                f'<h1 class="ms-core-pageTitle">{escape(V.SITE_TITLE)}</h1></div>'
                f'<div class="ms-core-listMenu-horizontalBox">{self.nav(host, "ul", "ms-core-listMenu")}</div>'
                f'<div id="contentBox"><table class="ms-webpartPage" width="100%"><tr><td valign="top">{region}</td>'
                f'<td valign="top" width="240"><ul class="ms-quicklinks">{links}</ul>{extra}</td></tr></table></div>'
                f'<div class="ms-footer">UBND huyện Thọ Xuân</div></div></body></html>')
