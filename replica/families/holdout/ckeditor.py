"""Held out (see replica/families/holdout/__init__.py): an ASP.NET portal whose article text is raw CKEditor output."""

from __future__ import annotations

from html import escape
from urllib.parse import quote

from replica import vocabulary as V
from replica.families import parts as P
from replica.families.base import Ctx, FamilyRenderer
from replica.markup import BANNER, image_src


def updated(when, old: bool) -> str:
    """`(Cập nhật lúc 08:15 ngày 13/12/2022)`: the time to the minute on new pages, to the second on old ones."""
    clock = f"{when:%H:%M:%S}" if old else f"{when:%H:%M}"
    return f"(Cập nhật lúc {clock} ngày {when:%d/%m/%Y})"


class CkPrint(FamilyRenderer):
    name = "ckeditor-print"
    summary = ("ASP.NET portal with a print view: a <header> holding the breadcrumb and the <h2> headline (the site's "
               "name a <div>), the lead bold by <strong> or by style, then `(Cập nhật lúc 08:15 ngày 13/12/2022)`, "
               "the text raw CKEditor output (every paragraph justified <p> with nested font-size / font-family "
               "<span>s), centred images with a centred <em> caption paragraph after, the author bold on the right "
               "as the last <p>, then `Tin cùng chuyên mục` and a `Bản in | Gửi bạn bè | Về đầu trang` bar with "
               "`Lượt xem`, files outside the text as an `STT | Tên tệp | Tải về` table; <meta> lies (windows-1258)")
    lead_set_apart = True  # bold, by <strong> or by style
    classes = frozenset({1, 2, 3, 4, 5, 6, 8, 9, 10})
    title_form = "plain"
    meta = "windows-1258"
    list_style = "ul"
    list_dates = "dash"

    def setup(self, rng) -> None:
        self.lead_form = rng.choice(["strong", "style"])  # <strong> around the lead, or font-weight in a style
        self.font = rng.choice(["Arial", "Times New Roman", "Tahoma"])
        self.size = rng.choice([14, 15, 16])
        self.tools_last = rng.random() < 0.6  # the print bar after `Tin cùng chuyên mục`, or before it
        self.files_first = rng.random() < 0.5  # the files table right after the text, or after the other lists
        self.spacer = rng.random() < 0.5

    def heading(self, title: str) -> str:
        return f'<div class="title-cate"><h3><span>{escape(title)}</span></h3></div>'

    def span(self, inner: str) -> str:
        """What CKEditor wraps every run of text in when an editor sets the font."""
        return f'<span style="font-size:{self.size}px;"><span style="font-family:{self.font}">{inner}</span></span>'

    def files(self, page) -> str:
        if not page.attachments:
            return ""
        rows = []
        for n, att in enumerate(page.attachments, 1):
            href = escape(P.attachment_href(att))
            rows.append(f'<tr><td align="center">{n}</td><td><a href="{href}">{escape(att.link_text)}</a></td>'
                        f'<td align="center"><a href="{href}" class="btn-download" title="Tải về">'
                        f'<i class="fa fa-download"></i></a></td></tr>')
        return ('<div class="file-dinh-kem"><table class="tbl-file" border="1" cellpadding="4" width="100%">'
                '<thead><tr><th width="50">STT</th><th>Tên tệp</th><th width="80">Tải về</th></tr></thead>'
                f'<tbody>{"".join(rows)}</tbody></table></div>')

    def compose(self, ctx: Ctx) -> str:
        page = ctx.page
        para = lambda inner, n: f'<p style="text-align: justify;">{self.span(inner)}</p>'  # noqa: E731

        def figure(img) -> str:
            src = escape(image_src(img, ctx.host, ctx.path))
            extra = ' onerror="alert(\'xss\')"' if ctx.fault == "xss" else ""
            pic = (f'<p style="text-align:center"><img alt="" src="{src}"{extra} '
                   f'style="width: {img.size[0]}px; height: {img.size[1]}px;"></p>')
            cap = (f'<p style="text-align:center"><span style="font-size:{self.size - 2}px;"><em>'
                   f"{self.caption(ctx, img)}</em></span></p>")
            return pic + cap

        body = "".join(self.blocks(ctx, para, figure, spacer="<p>&nbsp;</p>" if self.spacer else ""))
        author = (f'<p style="text-align: right;"><strong>{self.span(ctx.t(page.author))}</strong></p>'
                  if page.author else "")
        crumbs = "".join(f'<li><a href="{escape(h)}">{escape(label)}</a></li>'
                         for h, label in self.crumbs(page.category, ctx.host))
        header = (f'<header class="detail-header"><ul class="breadcrumbs">{crumbs}</ul>'
                  f'<h2 class="detail-title">{ctx.t(page.title)}</h2></header>')
        lead = ""
        if page.lead:
            if self.lead_form == "strong":
                lead = f'<p style="text-align: justify;"><strong>{self.span(ctx.t(page.lead))}</strong></p>'
            else:
                lead = f'<p style="text-align: justify; font-weight: bold;">{self.span(ctx.t(page.lead))}</p>'
        if page.kind == "document":
            rows = "".join(f"<tr><td><b>{k}:</b></td><td>{escape(v)}</td></tr>" for k, v in P.document_facts(page))
            lead = f'<table class="thuoc-tinh" cellpadding="3">{rows}</table>'
        date = f'<div class="date-update"><i>{updated(page.published, ctx.old)}</i></div>'
        u = quote(ctx.url, safe="")
        tools = ('<div class="tool-bar"><a href="javascript:window.print()">Bản in</a> | '
                 f'<a href="mailto:?subject={quote(page.title)}&amp;body={u}">Gửi bạn bè</a> | '
                 f'<a href="#top">Về đầu trang</a><span class="luot-xem">{P.views()}</span></div>')
        nav = P.book_nav(self.pages, page, ctx.host, "prevnext", "chuong-nav") if page.kind == "chapter" else ""
        others = ""
        if ctx.others:
            items = "".join(f'<li><a href="{escape(self.other_href(o, ctx.host, "root"))}">{escape(o.title)}</a>'
                            f' <span class="date">({o.published:%d/%m/%Y})</span></li>' for o in ctx.others)
            others = f'<div class="tin-cung-chuyen-muc"><h4>Tin cùng chuyên mục</h4><ul>{items}</ul></div>'
        files = self.files(page)
        after = [tools + nav, others] if not self.tools_last else [others, tools + nav]
        after.insert(0 if self.files_first else 2, files)
        return (f'<div class="news-detail">{header}{lead}{date}<div class="content-detail">{body}{author}</div>'
                f'{"".join(after)}</div>')

    def document(self, title, host, region, *, old=False, year=2025, category="", fault="") -> str:
        head = self.head(title, fault=fault)
        links = "".join(f'<li><a href="{escape(h)}">{escape(label)}</a></li>' for h, label in self.sidebar_links(host))
        extra = (f'<div class="box">{P.poll("box-poll")}</div><div class="box">{P.counter("box-counter")}</div>'
                 if old else "")
        return (f'{head}<body><a name="top" id="top"></a><form method="post" action="#" id="aspnetForm">'
                f'<div id="wrapper"><div id="banner"><img src="{escape(BANNER)}" alt="Thọ Xuân">'
                f'<div class="site-name">{escape(V.SITE_TITLE)}</div></div>'
                f'<div id="menu">{self.nav(host, "div", "mnu")}</div>'
                f'<div id="main"><div class="col-main">{region}</div>'
                f'<div class="col-right"><div class="box"><div class="box-title">Liên kết</div><ul>{links}</ul></div>'
                f'{extra}</div><div class="clear"></div></div>'
                f'<div id="footer">Cơ quan chủ quản: UBND huyện Thọ Xuân<br>Địa chỉ: thị trấn Thọ Xuân, tỉnh Thanh Hóa'
                f"</div></div></form></body></html>")
