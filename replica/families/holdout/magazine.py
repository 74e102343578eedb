"""Held out (see replica/families/holdout/__init__.py): a magazine-style HTML5 theme."""

from __future__ import annotations

from html import escape

from replica import vocabulary as V
from replica.families import parts as P
from replica.families.base import HTML_NO_CHARSET, Ctx, FamilyRenderer
from replica.markup import BANNER


class Magazine(FamilyRenderer):
    name = "magazine"
    summary = ("magazine HTML5: category kicker, headline <h3>, a `PV:` byline with the date and views, a share "
               "and font-size aside before the text, a lead set apart by class only, <figure> with the <figcaption> "
               "before a lazy image (loading.gif, data-src, <noscript> copy), tags, `Tin liên quan` and a comment "
               "form; files in an <aside> outside the article; header without charset, <meta charset=utf-8>")
    classes = frozenset({1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
    title_form = "after"
    http_type = HTML_NO_CHARSET
    list_style = "media"
    list_lazy = "noscript"
    list_dates = "dash"

    def setup(self, rng) -> None:
        self.byline_form = rng.choice(["pv", "tac-gia"])
        self.aside_after = rng.random() < 0.3

    def heading(self, title: str) -> str:
        return f'<h3 class="section__title">{escape(title)}</h3>'

    def compose(self, ctx: Ctx) -> str:
        page = ctx.page
        para = lambda inner, n: f"<p>{inner}</p>"  # noqa: E731

        def figure(img) -> str:
            return (f'<figure class="article__figure"><figcaption>{self.caption(ctx, img)}</figcaption>'
                    f'{self.img(ctx, img, "noscript")}</figure>')

        body = "".join(self.blocks(ctx, para, figure, indent=""))
        sapo = f'<div class="article__sapo">{ctx.t(page.lead)}</div>' if page.lead else ""
        kicker = escape(self.crumbs(page.category, ctx.host)[-1][1])
        byline = (f'<div class="article__byline">{P.byline_label(page, self.byline_form)} <strong>{ctx.t(page.author)}'
                  f'</strong> · <time>{escape(P.date_text(page.published, "weekday-time", ctx.old))}</time> · '
                  f"{P.views()}</div>")
        aside = (f'<aside class="article__tools">{P.font_size("article__font")}'
                 f'{P.share(ctx.url, page.title, ("label", "facebook", "zalo", "email"), "article__share", "ul")}</aside>')
        nav = P.book_nav(self.pages, page, ctx.host, "toc", "article__toc") if page.kind == "chapter" else ""
        related = P.related(ctx.others[:4], ctx.host, "Tin liên quan", lambda o: self.other_href(o, ctx.host, "root"),
                            "none", "article__related", title_tag="h4")
        comment = P.comment_form("article__comments", "h4") if page.kind in ("article", "document") else ""
        tools = ("", aside) if self.aside_after else (aside, "")
        article = (f'<article class="article"><p class="article__kicker">{kicker}</p>'
                   f'<h3 class="article__title">{ctx.t(page.title)}</h3>{byline}{tools[0]}{sapo}'
                   f'<div class="article__body">{body}</div>{tools[1]}{P.tags(page, "article__tags")}{nav}{related}'
                   f"{comment}</article>")
        files = ""
        if page.attachments:
            files = f'<aside class="files"><h4>Tệp đính kèm</h4>{P.attachments(page, "", "list", "files__list")}</aside>'
            files = files.replace('<div class="files__list-title"></div>', "")
        return article + files

    def document(self, title, host, region, *, old=False, year=2025, category="", fault="") -> str:
        head = self.head(title, fault=fault)
        links = "".join(f'<li><a href="{escape(h)}">{escape(label)}</a></li>' for h, label in self.sidebar_links(host))
        extra = (P.poll("widget-poll") + P.counter("widget-counter")) if old else ""
        return (f'{head}<body class="magazine"><header class="masthead"><a href="/" class="logo">'
                f'<img src="{escape(BANNER)}" alt="Thọ Xuân"></a><h1 class="masthead__name">{escape(V.SITE_TITLE)}</h1>'
                f'<nav>{self.nav(host, "ul", "masthead__nav")}</nav></header><div class="layout">'
                f'<main class="layout__main">{region}</main><aside class="layout__side"><ul>{links}</ul>{extra}</aside>'
                f'</div><footer class="site-footer">UBND huyện Thọ Xuân</footer></body></html>')
