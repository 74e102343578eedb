"""A Bootstrap-based provincial portal theme of the 2020s."""

from __future__ import annotations

from html import escape

from replica import vocabulary as V
from replica.families import parts as P
from replica.families.base import Ctx, FamilyRenderer
from replica.markup import BANNER


class BootstrapPortal(FamilyRenderer):
    """Grid columns with the sidebar first, a breadcrumb, the headline in <h4>, share buttons above the text."""

    name = "bootstrap-portal"
    summary = ("Bootstrap grid, sidebar column first: breadcrumb, headline <h4 class=news-title> (site name is the "
               "navbar's <h1>), `Thứ Ba, 13/12/2022 - 08:15` with icons and `Lượt xem`, share buttons before the "
               "text, an italic summary, <figure> with lazy data-src images (data: GIF) linked to the file, the "
               "author a classed <p> on the right, a comment form, files outside the article as `File đính kèm`")
    classes = frozenset({1, 2, 3, 4, 5, 6, 7, 8, 9})
    title_form = "after"
    list_style = "media"
    list_lazy = "data-src"
    list_dates = "paren"

    def setup(self, rng) -> None:
        self.share_top = rng.random() < 0.7
        self.comment_before_others = rng.random() < 0.5
        self.fixed_label = rng.random() < 0.5

    def heading(self, title: str) -> str:
        return f'<div class="box-title"><h4>{escape(title)}</h4></div>'

    def compose(self, ctx: Ctx) -> str:
        page = ctx.page
        para = lambda inner, n: f'<p style="text-align:justify">{inner}</p>'  # noqa: E731

        def figure(img) -> str:
            return (f'<figure class="image">{self.img(ctx, img, "data-src", link=True, cls="lazyload img-fluid")}'
                    f"<figcaption>{self.caption(ctx, img)}</figcaption></figure>")

        body = "".join(self.blocks(ctx, para, figure))
        lead = f'<div class="sapo"><i>{ctx.t(page.lead)}</i></div>' if page.lead else ""
        date = escape(P.date_text(page.published, "weekday-time", ctx.old))
        meta = (f'<div class="news-meta"><i class="fa fa-calendar"></i> {date} '
                f'<i class="fa fa-eye"></i> {P.views()}</div>')
        share = P.share(ctx.url, page.title, ("label", "facebook", "zalo", "print"), "news-share", "div")
        label = f'<div class="news-cat">{escape(V.FIXED_LABEL)}</div>' if self.fixed_label and not ctx.old else ""
        author = f'<p class="author" style="text-align:right">{ctx.t(page.author)}</p>'
        nav = P.book_nav(self.pages, page, ctx.host, "toc", "book-toc") if page.kind == "chapter" else ""
        if page.kind == "document":
            rows = "".join(f"<tr><th>{k}</th><td>{escape(v)}</td></tr>" for k, v in P.document_facts(page))
            lead = f'<table class="table table-bordered doc-info">{rows}</table>'
        article = (f'<div class="news-detail">{label}<h4 class="news-title">{ctx.t(page.title)}</h4>{meta}'
                   f'{share if self.share_top else ""}{lead}<div class="news-content">{body}{author}</div>'
                   f'{"" if self.share_top else share}{nav}</div>')
        files = P.attachments(page, "File đính kèm", "list", "box-file")
        others = P.related(ctx.others, ctx.host, "Các tin khác", lambda o: self.other_href(o, ctx.host, "https"),
                           "paren", "news-other", title_tag="h5")
        comment = P.comment_form("box-comment", "h5") if page.kind == "article" else ""
        tail = comment + others if self.comment_before_others else others + comment
        return article + files + tail

    def document(self, title, host, region, *, old=False, year=2025, category="", fault="") -> str:
        head = self.head(title, fault=fault)
        crumbs = ""
        if category:
            crumbs = ('<ol class="breadcrumb">' + "".join(f'<li class="breadcrumb-item"><a href="{escape(h)}">'
                      f"{escape(label)}</a></li>" for h, label in self.crumbs(category, host)) + "</ol>")
        links = "".join(f'<a class="list-group-item" href="{escape(h)}">{escape(label)}</a>'
                        for h, label in self.sidebar_links(host))
        extra = (P.poll("card poll") + P.counter("card counter")) if old else ""
        return (f'{head}<body><nav class="navbar"><a class="navbar-brand" href="/"><img src="{escape(BANNER)}" alt="Thọ Xuân">'
                f'</a><h1 class="brand-name">{escape(V.SITE_TITLE)}</h1>{self.nav(host, "ul", "navbar-nav")}</nav>'
                f'<div class="container"><div class="row"><div class="col-md-3 sidebar"><div class="list-group">{links}</div>'
                f'{extra}</div><div class="col-md-9">{crumbs}{region}</div></div></div>'
                f'<footer class="footer"><div class="container">© UBND huyện Thọ Xuân</div></footer></body></html>')
