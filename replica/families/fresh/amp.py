"""Fresh held out (see replica/families/fresh/__init__.py): the portal's AMP pages for mobile readers."""

from __future__ import annotations

from html import escape
from urllib.parse import quote

from replica import vocabulary as V
from replica.content import HOME
from replica.families import parts as P
from replica.families.base import SHORT_SITE, Ctx, FamilyRenderer
from replica.markup import BANNER, THEME, category_href, image_src

AMP_JS = "https://cdn.ampproject.org/v0.js"
BOILERPLATE = ("body{-webkit-animation:-amp-start 8s steps(1,end) 0s 1 normal both;animation:-amp-start 8s "
               "steps(1,end) 0s 1 normal both}@keyframes -amp-start{from{visibility:hidden}to{visibility:visible}}")
CUSTOM = (".amp-wp-title{font-size:1.5em;line-height:1.3}.amp-wp-excerpt{font-weight:600;color:#333}"
          ".amp-wp-meta{color:#777;font-size:.8em}address{font-style:normal;text-align:right;font-weight:bold}")


class AmpMobile(FamilyRenderer):
    name = "x-amp-mobile"
    summary = ("AMP pages for mobile: `<html ⚡>`, the AMP runtime and boilerplate, a canonical link, the menu in an "
               "<amp-sidebar>; a category kicker, headline <h1 class=amp-wp-title> (the site's name a <span>), "
               "`<time datetime>` with the day shown as 13/12/2022 (and the time to the second on old pages) next to "
               "`Lượt đọc`, a lead set apart by class and style, images as <amp-img src> (a <noscript><img> copy on "
               "some seeds) in <figure>/<figcaption>, or gathered in an <amp-carousel> album after the text; the "
               "author in <address> (a `PV:` byline under the headline, or the last line), icon-only "
               "<amp-social-share>, tags, `Tệp đính kèm` inside or after the article, `Tin liên quan` after it")
    lead_set_apart = True  # its own class, bold by style
    classes = frozenset({1, 2, 3, 4, 5, 6, 7, 8, 9})
    list_style = "ul"
    list_dates = "dash"

    def setup(self, rng) -> None:
        self.noscript = rng.random() < 0.7  # a plain <img> copy inside each <amp-img>
        self.byline = rng.random() < 0.5  # the author under the headline with a label, or the last line plain
        self.album = rng.random() < 0.5  # articles with two images or more show them in a carousel after the text
        self.files_inside = rng.random() < 0.6  # the files in the article's footer, or after `Tin liên quan`
        self.views_first = rng.random() < 0.3

    def page_title(self, title: str) -> str:
        return f"{title} | {SHORT_SITE}"

    def heading(self, title: str) -> str:
        return f'<header class="amp-archive-header"><h2 class="amp-archive-title">{escape(title)}</h2></header>'

    def head(self, title: str, charset: str = "", fault: str = "", canonical: str = "") -> str:
        link = f'<link rel="canonical" href="{escape(canonical)}">' if canonical else ""
        extensions = "".join(f'<script async custom-element="amp-{n}" src="https://cdn.ampproject.org/v0/amp-{n}-0.1.js">'
                             "</script>" for n in ("carousel", "sidebar", "social-share"))
        return (f'<!doctype html>\n<html \u26a1 lang="vi"><head><meta charset="utf-8">'
                f"<title>{escape(self.page_title(title))}</title>{link}"
                '<meta name="viewport" content="width=device-width,minimum-scale=1,initial-scale=1">'
                f'<script async src="{AMP_JS}"></script>{extensions}'
                f"<style amp-boilerplate>{BOILERPLATE}</style><noscript><style amp-boilerplate>body{{-webkit-animation:"
                f"none;animation:none}}</style></noscript><style amp-custom>{CUSTOM}</style>"
                f'<link rel="stylesheet" href="{THEME}/css/main.css"><script src="{THEME}/js/main.js"></script></head>')

    def amp_img(self, ctx: Ctx, img, layout: str = "responsive") -> str:
        src = escape(image_src(img, ctx.host, ctx.path))
        alt = escape(img.path.rsplit("/", 1)[-1])
        extra = ' onerror="alert(\'xss\')"' if ctx.fault == "xss" else ""
        copy = f'<noscript><img src="{src}" alt="{alt}"{extra}></noscript>' if self.noscript else ""
        return (f'<amp-img src="{src}" width="{img.size[0]}" height="{img.size[1]}" layout="{layout}" alt="{alt}">'
                f"{copy}</amp-img>")

    def slide(self, ctx: Ctx, img, cls: str) -> str:
        return (f'<figure class="{cls}">{self.amp_img(ctx, img)}'
                f'<figcaption class="wp-caption-text">{self.caption(ctx, img)}</figcaption></figure>')

    def article(self, page, host, path, others, fault="") -> str:
        ctx = Ctx(page, host, path, others, fault)
        html = self.document(page.title, host, self.compose(ctx), old=ctx.old, year=page.published.year,
                             category=page.category, fault=fault, canonical=ctx.url)
        return self.with_faults(html, fault)

    def compose(self, ctx: Ctx) -> str:
        page = ctx.page
        para = lambda inner, n: f"<p>{inner}</p>"  # noqa: E731
        album = self.album and len(page.images) >= 2

        def figure(img) -> str:
            return "" if album else self.slide(ctx, img, "wp-caption amp-wp-inline")

        body = "".join(self.blocks(ctx, para, figure, indent=""))
        if album:
            first = page.images[0]
            slides = "".join(self.slide(ctx, img, "amp-slide") for img in page.images)
            body += (f'<amp-carousel class="amp-album" type="slides" layout="responsive" width="{first.size[0]}" '
                     f'height="{first.size[1] + 60}" controls>{slides}</amp-carousel>')
        kicker_href, kicker = self.crumbs(page.category, ctx.host)[-1]
        when = page.published
        shown = f"{when:%d/%m/%Y %H:%M:%S}" if ctx.old else f"{when:%d/%m/%Y}"
        posted = f'<time datetime="{when.isoformat()}">{shown}</time>'
        views = f'<span class="amp-views">{P.views("Lượt đọc:")}</span>'
        meta = f"{views} · {posted}" if self.views_first else f"{posted} · {views}"
        who = ctx.t(page.author)
        byline = (f'<address class="amp-wp-meta amp-wp-byline">{P.byline_label(page, "pv")} {who}</address>'
                  if self.byline else "")
        signature = "" if self.byline else f'<address class="amp-wp-author">{who}</address>'
        lead = f'<p class="amp-wp-excerpt">{ctx.t(page.lead)}</p>' if page.lead else ""
        if page.kind == "document":
            rows = "".join(f"<tr><th>{k}</th><td>{escape(v)}</td></tr>" for k, v in P.document_facts(page))
            lead = f'<table class="amp-doc-facts">{rows}</table>'
        u = quote(ctx.url, safe="")
        share = ('<div class="amp-wp-share"><span>Chia sẻ:</span>'
                 + "".join(f'<amp-social-share type="{t}" width="32" height="32" data-param-url="{u}"></amp-social-share>'
                           for t in ("facebook", "twitter", "email"))
                 + f'<amp-social-share type="system" width="32" height="32" data-param-url="{u}"></amp-social-share></div>')
        files = ""
        if page.attachments:
            items = "".join(f'<li><a href="{escape(P.attachment_href(a))}">{escape(a.link_text)}</a></li>'
                            for a in page.attachments)
            files = f'<section class="amp-wp-files"><h3>Tệp đính kèm</h3><ol>{items}</ol></section>'
        nav = P.book_nav(self.pages, page, ctx.host, "prevnext", "amp-pagination") if page.kind == "chapter" else ""
        article = (f'<article class="amp-wp-article"><header class="amp-wp-article-header">'
                   f'<div class="amp-wp-meta amp-wp-tax-category"><a href="{escape(kicker_href)}">{escape(kicker)}</a>'
                   f'</div><h1 class="amp-wp-title">{ctx.t(page.title)}</h1>{byline}'
                   f'<div class="amp-wp-meta amp-wp-posted-on">{meta}</div></header>{lead}'
                   f'<div class="amp-wp-article-content">{body}</div>'
                   f'<footer class="amp-wp-article-footer">{signature}{files if self.files_inside else ""}{nav}'
                   f'{P.tags(page, "amp-wp-tax-tag", "Từ khóa:")}{share}</footer></article>')
        related = ""
        if ctx.others:
            items = "".join(f'<li><a href="{escape(self.other_href(o, ctx.host, "https"))}">{escape(o.title)}</a>'
                            f'<div class="amp-wp-meta">{o.published:%d/%m/%Y}</div></li>' for o in ctx.others)
            related = f'<section class="amp-related"><h2>Tin liên quan</h2><ul>{items}</ul></section>'
        return article + related + ("" if self.files_inside else files)

    def document(self, title, host, region, *, old=False, year=2025, category="", fault="", canonical="") -> str:
        head = self.head(title, fault=fault, canonical=canonical)
        links = "".join(f'<li><a href="{escape(h)}">{escape(label)}</a></li>' for h, label in self.sidebar_links(host))
        widgets = (f'<div class="amp-widgets">{P.poll("amp-poll")}{P.counter("amp-counter")}</div>' if old else "")
        back = category_href(category, host) if category else HOME
        return (f'{head}<body><a id="top"></a><header class="amp-wp-header"><div>'
                f'<button class="amp-menu-toggle" on="tap:amp-menu.toggle" aria-label="Menu">&#9776;</button>'
                f'<a href="{HOME}"><amp-img src="{escape(BANNER)}" width="48" height="48" class="amp-wp-site-icon" '
                f'alt="Thọ Xuân"></amp-img><span class="amp-site-title">{escape(V.SITE_TITLE)}</span></a></div>'
                f'</header><amp-sidebar id="amp-menu" layout="nodisplay" side="left">'
                f'{self.nav(host, "ul", "amp-menu")}<ul class="amp-links">{links}</ul></amp-sidebar>'
                f'<main id="amp-main" role="main">{region}</main><footer class="amp-wp-footer">{widgets}'
                f'<p><a href="{escape(back)}">« Quay lại</a> · <a href="#top">Lên đầu trang</a></p>'
                f"<p>© UBND huyện Thọ Xuân</p></footer></body></html>")
