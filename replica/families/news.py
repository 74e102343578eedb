"""Two news-CMS families: a WordPress-like theme and a Joomla article page."""

from __future__ import annotations

from html import escape

from replica import vocabulary as V
from replica.families import parts as P
from replica.families.base import Ctx, FamilyRenderer
from replica.markup import BANNER


class WpNews(FamilyRenderer):
    """HTML5 sectioning: the headline is the page's <h1>; the author is a byline; no lead element."""

    name = "wp-news"
    lead_set_apart = False  # the lead is a plain first <p>
    summary = ("WordPress-like: <article> with the headline in <h1 class=entry-title> (the site's name in a <p>), "
               "`13-12-2022 08:15` (a time even on new pages), a `Tác giả:` byline and `Lượt xem` in the entry meta, "
               "no lead element, <figure>/<figcaption> with lazy srcset images linked to the file, then tags, a share "
               "list, `Tin liên quan` and a comment form inside the article; files inside the content")
    classes = frozenset({1, 2, 3, 4, 5, 7, 8, 9})
    title_form = "after-pipe"
    list_style = "media"
    list_lazy = "srcset"
    list_dates = "dash"

    def setup(self, rng) -> None:
        self.order = rng.choice([("tags", "share", "related", "comment"), ("share", "tags", "related", "comment"),
                                 ("tags", "related", "share", "comment")])
        self.byline_form = rng.choice(["tac-gia", "tac-gia", "bai-anh"])
        self.views_in_meta = rng.random() < 0.7

    def heading(self, title: str) -> str:
        return f'<header class="page-header"><h1 class="page-title">{escape(title)}</h1></header>'

    def compose(self, ctx: Ctx) -> str:
        page = ctx.page
        para = lambda inner, n: f"<p>{inner}</p>"  # noqa: E731

        def figure(img) -> str:
            return (f'<figure class="wp-caption aligncenter" style="width: {img.size[0]}px">'
                    f'{self.img(ctx, img, "srcset", link=True, cls="size-large lazyload")}'
                    f'<figcaption class="wp-caption-text">{self.caption(ctx, img)}</figcaption></figure>')

        lead = f"<p>{ctx.t(page.lead)}</p>" if page.lead else ""
        body = lead + "".join(self.blocks(ctx, para, figure, indent=""))
        files = P.attachments(page, "File đính kèm", "list", "wp-attachments")
        date = escape(P.date_text(page.published, "dashes", ctx.old))
        views = f'<span class="post-views">{P.views()}</span>' if self.views_in_meta else ""
        byline = (f'<span class="byline">{P.byline_label(page, self.byline_form)} '
                  f'<span class="author vcard">{ctx.t(page.author)}</span></span>')
        meta = f'<div class="entry-meta"><span class="posted-on">{date}</span> {byline} {views}</div>'
        pieces = {
            "tags": P.tags(page, "tags-links"),
            "share": P.share(ctx.url, page.title, ("facebook", "zalo", "twitter", "email"), "share-list", "ul"),
            "related": P.related(ctx.others[:3], ctx.host, "Tin liên quan", lambda o: self.other_href(o, ctx.host, "https"),
                                 "dash", "jp-relatedposts", title_tag="h3"),
            "comment": P.comment_form("comment-respond"),
        }
        if page.kind == "chapter":
            pieces["related"] = P.book_nav(self.pages, page, ctx.host, "toc", "book-toc")
        footer = "".join(pieces[k] for k in self.order if pieces[k])
        tail = "" if self.views_in_meta else f'<div class="post-views">{P.views()}</div>'
        return (f'<article class="post type-post status-publish hentry"><header class="entry-header">'
                f'<h1 class="entry-title">{ctx.t(page.title)}</h1>{meta}</header>'
                f'<div class="entry-content">{body}{files}</div><footer class="entry-footer">{footer}</footer>{tail}</article>'
                + P.related(ctx.others[3:], ctx.host, "Các tin khác", lambda o: self.other_href(o, ctx.host, "root"),
                            "none", "more-posts", title_tag="h2"))

    def document(self, title, host, region, *, old=False, year=2025, category="", fault="") -> str:
        head = self.head(title, fault=fault)
        widgets = "".join(f'<li><a href="{escape(h)}">{escape(label)}</a></li>' for h, label in self.sidebar_links(host))
        extra = (f'<section class="widget widget_poll">{P.poll("wp-polls")}</section>'
                 f'<section class="widget widget_counter">{P.counter("wp-counter")}</section>') if old else ""
        return (f'{head}<body class="single"><div id="page" class="site"><header id="masthead" class="site-header">'
                f'<div class="site-branding"><a href="/"><img src="{escape(BANNER)}" alt="Thọ Xuân"></a>'
                f'<p class="site-title">{escape(V.SITE_TITLE)}</p></div>'
                f'<nav id="site-navigation" class="main-navigation">{self.nav(host, "ul", "menu")}</nav></header>'
                f'<div id="content" class="site-content"><div id="primary" class="content-area"><main id="main" class="site-main">'
                f'{region}</main></div><aside id="secondary" class="widget-area"><section class="widget"><ul>{widgets}</ul>'
                f'</section>{extra}</aside></div><footer id="colophon" class="site-footer">UBND huyện Thọ Xuân</footer>'
                f"</div></body></html>")


class JoomlaItem(FamilyRenderer):
    """A Joomla article: the article-info list carries byline, category, date and hits; print and e-mail icons
    before the text; some captions come before their image."""

    name = "joomla-item"
    summary = ("Joomla item page: headline <h2 itemprop=headline> (site name in <h1>), a <dl class=article-info> "
               "with a `Bài, ảnh:` byline, the category, `Ngày đăng: 13.12.2022` and `Lượt xem`, print / e-mail "
               "icons before a bold lead, lazy images (blank.gif, data-original) with a plain caption paragraph "
               "that sometimes comes before the image, tags after, files outside the article as `Tệp đính kèm`")
    classes = frozenset({1, 2, 3, 4, 5, 6, 7, 8, 9})
    title_form = "plain"
    list_style = "ul"
    list_dates = "label"

    def setup(self, rng) -> None:
        self.before = rng.choice([0, 1])  # images whose index has this parity get their caption before them
        self.info_order = rng.choice([("createdby", "category", "published", "hits"),
                                      ("published", "createdby", "hits", "category")])

    def heading(self, title: str) -> str:
        return f'<div class="page-header"><h2>{escape(title)}</h2></div>'

    def compose(self, ctx: Ctx) -> str:
        page = ctx.page
        para = lambda inner, n: f"<p>{inner}</p>"  # noqa: E731
        count = iter(range(len(page.images)))

        def figure(img) -> str:
            cap = f'<p style="text-align: center;">{self.caption(ctx, img)}</p>'
            pic = f'<p style="text-align: center;">{self.img(ctx, img, "data-original", cls="lazy")}</p>'
            return cap + pic if next(count) % 2 == self.before else pic + cap

        lead = f"<p><b>{ctx.t(page.lead)}</b></p>" if page.lead else ""
        body = lead + "".join(self.blocks(ctx, para, figure, spacer="<p>&nbsp;</p>"))
        info = {
            "createdby": f'<dd class="createdby">{P.byline_label(page, "bai-anh")} <span itemprop="author">'
                         f"{ctx.t(page.author)}</span></dd>",
            "category": f'<dd class="category-name">Danh mục: <a href="#">{escape(self.crumbs(page.category, ctx.host)[-1][1])}</a></dd>',
            "published": f'<dd class="published">{P.date_text(page.published, "ngay-dang", ctx.old)}</dd>',
            "hits": f'<dd class="hits">{P.views()}</dd>',
        }
        dl = '<dl class="article-info"><dt class="article-info-term">Chi tiết</dt>' + "".join(info[k] for k in self.info_order) + "</dl>"
        icons = f'<div class="icons">{P.share(ctx.url, page.title, ("print", "email"), "actions", "ul")}</div>'
        nav = P.book_nav(self.pages, page, ctx.host, "prevnext", "pager pagenav") if page.kind == "chapter" else ""
        others = P.related(ctx.others, ctx.host, "Các tin khác", lambda o: self.other_href(o, ctx.host, "root"),
                           "dash", "relateditems")
        files = P.attachments(page, "Tệp đính kèm", "table", "attachmentsList")
        return (f'<div class="item-page" itemscope><div class="page-header"><h2 itemprop="headline">{ctx.t(page.title)}</h2>'
                f'</div>{dl}{icons}<div itemprop="articleBody">{body}</div>{P.tags(page, "tags")}{nav}</div>'
                f'<div class="attachmentsContainer">{files}</div>{others}')

    def document(self, title, host, region, *, old=False, year=2025, category="", fault="") -> str:
        head = self.head(title, fault=fault)
        modules = "".join(f'<li><a href="{escape(h)}">{escape(label)}</a></li>' for h, label in self.sidebar_links(host))
        left = f'<div class="moduletable"><ul>{modules}</ul></div>'
        if old:
            left += f'<div class="moduletable">{P.poll("poll")}</div><div class="moduletable">{P.counter("vcnt")}</div>'
        return (f'{head}<body class="site com_content view-article"><div class="body"><div class="container">'
                f'<header class="header"><a class="brand" href="/"><img src="{escape(BANNER)}" alt="Thọ Xuân"></a>'
                f'<h1 class="site-title">{escape(V.SITE_TITLE)}</h1></header>'
                f'<nav class="navigation">{self.nav(host, "ul", "nav menu")}</nav><div class="row-fluid">'
                f'<main id="content" class="span9">{region}</main><div id="aside" class="span3">{left}</div></div>'
                f'<footer class="footer">UBND huyện Thọ Xuân</footer></div></div></body></html>')
