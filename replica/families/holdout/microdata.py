"""Held out (see replica/families/holdout/__init__.py): a schema.org-annotated theme with definition-list metadata."""

from __future__ import annotations

from html import escape
from urllib.parse import quote

from replica import vocabulary as V
from replica.families import parts as P
from replica.families.base import DATA_GIF, HTML_NO_CHARSET, Ctx, FamilyRenderer
from replica.markup import BANNER, NOISE_VIEWS, image_src


def long_date(when, old: bool) -> str:
    """`13 tháng 12, 2022`; old pages add `lúc 17:29:33`."""
    day = f"{when.day} tháng {when.month}, {when.year}"
    return f"{day} lúc {when:%H:%M:%S}" if old else day


class SchemaDl(FamilyRenderer):
    name = "schema-dl"
    summary = ("schema.org microdata: <article itemscope NewsArticle> with <meta itemprop=datePublished> (the day "
               "on new pages) and the visible date `13 tháng 12, 2022` in a <dl> next to `Đã xem`, headline "
               "<h1 itemprop=headline> (the site's name only a logo's alt text), a BreadcrumbList, the lead a "
               "<strong> paragraph inside articleBody, lazy images (1×1 data: GIF, data-lazy-src, sometimes a "
               "<noscript> copy) with a <p class=image-caption> before or after, `File đính kèm` inside the body, "
               "share, tags, comment form, then `Nguồn: X` in the article's footer; header without charset")
    lead_set_apart = True  # a <strong> first paragraph
    classes = frozenset({1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
    title_form = "after"
    http_type = HTML_NO_CHARSET
    meta = "utf-8"
    list_style = "media"
    list_lazy = "data-src"
    list_dates = "paren"

    def setup(self, rng) -> None:
        self.before = rng.choice([0, 1])  # images whose index has this parity get their caption before them
        self.noscript = rng.random() < 0.5
        self.views_first = rng.random() < 0.3
        self.share_top = rng.random() < 0.4  # the share bar in the header, or after the tags
        self.author_prop = rng.random() < 0.5  # the source marked itemprop=author

    def heading(self, title: str) -> str:
        return f'<header class="archive-header"><h1 class="archive-title">{escape(title)}</h1></header>'

    def lazy(self, ctx: Ctx, img) -> str:
        src = escape(image_src(img, ctx.host, ctx.path))
        alt = escape(img.path.rsplit("/", 1)[-1])
        extra = ' onerror="alert(\'xss\')"' if ctx.fault == "xss" else ""
        tag = (f'<img class="lazy" src="{DATA_GIF}" data-lazy-src="{src}" alt="{alt}" width="{img.size[0]}" '
               f'height="{img.size[1]}"{extra}>')
        return tag + (f'<noscript><img src="{src}" alt="{alt}"></noscript>' if self.noscript else "")

    def compose(self, ctx: Ctx) -> str:
        page = ctx.page
        para = lambda inner, n: f"<p>{inner}</p>"  # noqa: E731
        count = iter(range(len(page.images)))

        def figure(img) -> str:
            cap = f'<p class="image-caption">{self.caption(ctx, img)}</p>'
            pic = f'<p class="image" style="text-align:center">{self.lazy(ctx, img)}</p>'
            return cap + pic if next(count) % 2 == self.before else pic + cap

        lead = f"<p><strong>{ctx.t(page.lead)}</strong></p>" if page.lead else ""
        files = ""
        if page.attachments:
            items = "".join(f'<li><a href="{escape(P.attachment_href(a))}">{escape(a.link_text)}</a></li>'
                            for a in page.attachments)
            files = f'<div class="post-files"><p><strong>File đính kèm:</strong></p><ul>{items}</ul></div>'
        body = lead + "".join(self.blocks(ctx, para, figure, indent="")) + files
        iso = page.published.isoformat() if ctx.old else f"{page.published:%Y-%m-%d}"
        date = f'<dt>Ngày đăng:</dt><dd class="post-date">{escape(long_date(page.published, ctx.old))}</dd>'
        seen = f'<dt>Đã xem:</dt><dd class="post-views">{NOISE_VIEWS}</dd>'
        meta = f'<dl class="post-meta">{seen + date if self.views_first else date + seen}</dl>'
        facts = ""
        if page.kind == "document":
            facts = ('<dl class="doc-facts">' + "".join(f"<dt>{k}</dt><dd>{escape(v)}</dd>"
                                                        for k, v in P.document_facts(page)) + "</dl>")
        u = quote(ctx.url, safe="")
        share = (f'<div class="post-share"><span>Chia sẻ:</span> '
                 f'<a href="https://www.facebook.com/sharer/sharer.php?u={u}" target="_blank">Facebook</a> '
                 f'<a href="https://zalo.me/share?url={u}" target="_blank">Zalo</a> '
                 f'<a href="javascript:window.print()">In bài</a></div>')
        nav = P.book_nav(self.pages, page, ctx.host, "toc", "post-toc") if page.kind == "chapter" else ""
        comment = P.comment_form("post-comments", "h3") if page.kind in ("article", "static") else ""
        label = P.byline_label(page, "nguon")
        who = (f'<span itemprop="author">{ctx.t(page.author)}</span>' if self.author_prop else ctx.t(page.author))
        footer = f'<footer class="post-footer"><div class="post-source">{label} {who}</div></footer>'
        article = (f'<article class="post" itemscope itemtype="http://schema.org/NewsArticle">'
                   f'<meta itemprop="datePublished" content="{iso}">'
                   f'<meta itemprop="mainEntityOfPage" content="{escape(ctx.url)}">'
                   f'<header class="post-header"><h1 class="post-title" itemprop="headline">{ctx.t(page.title)}</h1>'
                   f'{meta}{share if self.share_top else ""}</header>{facts}'
                   f'<div class="post-content" itemprop="articleBody">{body}</div>'
                   f'{P.tags(page, "post-tags")}{"" if self.share_top else share}{nav}{comment}{footer}</article>')
        others = P.related(ctx.others, ctx.host, "Bài viết cùng chuyên mục",
                           lambda o: self.other_href(o, ctx.host, "https"), "paren", "post-related", title_tag="h3")
        return article + others

    def breadcrumb(self, category: str, host: str) -> str:
        items = "".join(
            f'<li itemprop="itemListElement" itemscope itemtype="http://schema.org/ListItem"><a itemprop="item" '
            f'href="{escape(h)}"><span itemprop="name">{escape(label)}</span></a><meta itemprop="position" '
            f'content="{n}"></li>' for n, (h, label) in enumerate(self.crumbs(category, host), 1))
        return f'<ol class="breadcrumb" itemscope itemtype="http://schema.org/BreadcrumbList">{items}</ol>'

    def document(self, title, host, region, *, old=False, year=2025, category="", fault="") -> str:
        head = self.head(title, fault=fault)
        links = "".join(f'<li><a href="{escape(h)}">{escape(label)}</a></li>' for h, label in self.sidebar_links(host))
        extra = (f'<section class="widget">{P.poll("widget-poll")}</section>'
                 f'<section class="widget">{P.counter("widget-stats")}</section>') if old else ""
        crumbs = self.breadcrumb(category, host) if category else ""
        return (f'{head}<body class="single-post"><div class="site"><header class="site-header">'
                f'<a class="logo" href="/" title="{escape(V.SITE_TITLE)}"><img src="{escape(BANNER)}" '
                f'alt="{escape(V.SITE_TITLE)}"></a><nav class="primary-menu">{self.nav(host, "ul", "menu")}</nav>'
                f'</header><div class="site-body"><main class="site-main">{crumbs}{region}</main>'
                f'<aside class="sidebar"><section class="widget"><h3 class="widget-title">Liên kết</h3><ul>{links}</ul>'
                f'</section>{extra}</aside></div><footer class="site-footer"><p>© UBND huyện Thọ Xuân</p>'
                f'<p>Trưởng ban biên tập: Văn phòng HĐND và UBND huyện</p></footer></div></body></html>')
