"""Fresh held out (see replica/families/fresh/__init__.py): a province-built e-government portal (Cổng TTĐT tỉnh
style) on a Bootstrap grid of <section>s and <aside>s, its article text pasted from Microsoft Word."""

from __future__ import annotations

from html import escape

from replica import vocabulary as V
from replica.families import parts as P
from replica.families.base import PLACEHOLDER_GIF, Ctx, FamilyRenderer
from replica.markup import BANNER, THEME, image_src

WEEKDAYS = ("Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy", "Chủ nhật")
WORD_SPAN = 'lang="VI" style="font-size:14.0pt;line-height:150%;font-family:&quot;Times New Roman&quot;,serif"'


def posted(when, old: bool) -> str:
    """`Thứ hai, 13/12/2022 | 08:15 GMT+7`; old pages show the time to the second."""
    clock = f"{when:%H:%M:%S}" if old else f"{when:%H:%M}"
    return f"{WEEKDAYS[when.weekday()]}, {when:%d/%m/%Y} | {clock} GMT+7"


class ProvinceGrid(FamilyRenderer):
    name = "x-province-grid"
    summary = ("province e-government portal: <section>/<aside> Bootstrap grid nested row > col-md-8 > row > col-12; "
               "the date line `Thứ hai, 13/12/2022 | 08:15 GMT+7` in the breadcrumb's row, outside the article; the "
               "headline a bold <p class=title> upper-cased by CSS only; `Lượt xem`, font-size and print tools; "
               "the lead an <em> block; text pasted from Word (<p class=MsoNormal> with <span lang=VI> and <o:p>); "
               "images in <table class=tplCaption> with the caption's <p class=Image> in the row under the image or, "
               "for some, above it, lazy behind blank.gif in data-echo on some seeds; `Tác giả:` or `PV:` in a "
               "<div class=author> after the text; files as `Văn bản đính kèm`; share, tags, comment form, `Các tin "
               "khác` under the article and `Tin cùng chuyên mục` in the <aside>; <meta> lies (windows-1252)")
    lead_set_apart = True  # an <em> block of its own
    classes = frozenset({1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
    list_style = "media"
    list_dates = "paren"

    def setup(self, rng) -> None:
        self.above = rng.choice([-1, 0, 1])  # images whose index has this parity get their caption row above (-1: none)
        self.echo = rng.random() < 0.6  # images lazy-loaded by echo.js: blank.gif in src, the file in data-echo
        self.byline_form = rng.choice(["tac-gia", "pv"])
        self.files_before_author = rng.random() < 0.4
        self.fixed_label = rng.random() < 0.5
        self.aside_count = rng.choice([2, 3])

    def page_title(self, title: str) -> str:
        return f"{title} - Cổng TTĐT huyện Thọ Xuân - Thanh Hóa"

    def head(self, title: str, charset: str = "", fault: str = "") -> str:
        meta = ('<meta charset="utf-8">' if fault == "wrong-charset" else  # a lie only where it stays readable
                '<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">')
        return (f'<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
                f'"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n'
                f'<html xmlns="http://www.w3.org/1999/xhtml" xmlns:o="urn:schemas-microsoft-com:office:office" '
                f'lang="vi"><head>{meta}<meta name="viewport" content="width=device-width, initial-scale=1">'
                f"<title>{escape(self.page_title(title))}</title>"
                f'<link rel="stylesheet" href="{THEME}/css/main.css"><script src="{THEME}/js/main.js"></script></head>')

    def heading(self, title: str) -> str:
        return f'<div class="box-header"><p class="box-title">{escape(title)}</p></div>'

    def word(self, inner: str, indent: bool = True, align: str = "justify") -> str:
        style = f"text-align:{align};" + ("text-indent:36.0pt;" if indent else "") + "line-height:150%"
        return f'<p class="MsoNormal" style="{style}"><span {WORD_SPAN}>{inner}<o:p></o:p></span></p>'

    def picture(self, ctx: Ctx, img) -> str:
        src = escape(image_src(img, ctx.host, ctx.path))
        alt = escape(img.path.rsplit("/", 1)[-1])
        extra = ' onerror="alert(\'xss\')"' if ctx.fault == "xss" else ""
        if self.echo:
            return (f'<img src="{PLACEHOLDER_GIF}" data-echo="{src}" alt="{alt}" width="{img.size[0]}" '
                    f'height="{img.size[1]}"{extra}>')
        return f'<img src="{src}" alt="{alt}" style="width:{img.size[0]}px"{extra}>'

    def article(self, page, host, path, others, fault="") -> str:
        ctx = Ctx(page, host, path, others, fault)
        n = self.aside_count
        aside = ""
        if others[:n]:
            items = "".join(f'<li><a href="{escape(self.other_href(o, host, "root"))}">{escape(o.title)}</a></li>'
                            for o in others[:n])
            aside = (f'<div class="box"><div class="box-header"><p class="box-title">Tin cùng chuyên mục</p></div>'
                     f"<ul>{items}</ul></div>")
        html = self.document(page.title, host, self.compose(ctx), old=ctx.old, year=page.published.year,
                             category=page.category, fault=fault, date=posted(page.published, ctx.old), aside=aside)
        return self.with_faults(html, fault)

    def compose(self, ctx: Ctx) -> str:
        page = ctx.page
        count = iter(range(len(page.images)))
        para = lambda inner, n: self.word(inner)  # noqa: E731

        def figure(img) -> str:
            pic = f"<tr><td>{self.picture(ctx, img)}</td></tr>"
            cap = f'<tr><td><p class="Image">{self.caption(ctx, img)}</p></td></tr>'
            rows = cap + pic if next(count) % 2 == self.above else pic + cap
            return (f'<table class="tplCaption" align="center" border="0" cellpadding="3" cellspacing="0" '
                    f'width="1"><tbody>{rows}</tbody></table>')

        spacer = f'<p class="MsoNormal"><span {WORD_SPAN}><o:p>&nbsp;</o:p></span></p>'
        body = "".join(self.blocks(ctx, para, figure, spacer=spacer, indent=""))
        label = (f'<div class="cate-label">{escape(V.FIXED_LABEL)}</div>'
                 if self.fixed_label and not ctx.old else "")
        title = (f'<p class="title" style="font-weight:bold;font-size:20px;text-transform:uppercase;color:#b30000">'
                 f"{ctx.t(page.title)}</p>")
        tools = (f'<div class="row tool-news"><div class="col-6 view-count">{P.views()}</div>'
                 f'<div class="col-6 text-right">{P.font_size("zoom-text", with_label=False)}'
                 f'<a href="javascript:window.print()" class="print">In bài</a></div></div>')
        lead = f'<em class="d-block intro" style="display:block;margin-bottom:12px">{ctx.t(page.lead)}</em>' if page.lead else ""
        if page.kind == "document":
            lead = '<div class="van-ban-info">' + "".join(
                f'<div class="row"><div class="col-4"><b>{k}</b></div><div class="col-8">{escape(v)}</div></div>'
                for k, v in P.document_facts(page)) + "</div>"
        author = (f'<div class="author" style="text-align:right">{P.byline_label(page, self.byline_form)} '
                  f"<strong>{ctx.t(page.author)}</strong></div>")
        files = ""
        if page.attachments:
            items = "".join(f'<li><i class="fa fa-paperclip"></i> <a href="{escape(P.attachment_href(a))}" '
                            f'target="_blank">{escape(a.link_text)}</a></li>' for a in page.attachments)
            files = f'<div class="file-attach"><p class="file-title"><b>Văn bản đính kèm:</b></p><ul>{items}</ul></div>'
        tail = files + author if self.files_before_author else author + files
        share = P.share(ctx.url, page.title, ("label", "facebook", "zalo", "email"), "social-share")
        nav = P.book_nav(self.pages, page, ctx.host, "toc", "muc-luc-sach") if page.kind == "chapter" else ""
        comment = P.comment_form("binh-luan", "p") if page.kind == "article" else ""
        article = (f'<div class="detail-news">{label}{title}{tools}{lead}<div class="detail-content">{body}</div>'
                   f'{tail}{share}{P.tags(page, "tag-news", "Tags:")}{nav}{comment}</div>')
        rest = ctx.others[self.aside_count:]
        others = ""
        if rest:
            items = "".join(f'<li><a href="{escape(self.other_href(o, ctx.host, "http"))}">{escape(o.title)}</a> '
                            f'<span class="text-muted">({o.published:%d/%m/%Y})</span></li>' for o in rest)
            others = f'<div class="other-news"><p class="box-title">Các tin khác</p><ul>{items}</ul></div>'
        return article + others

    def document(self, title, host, region, *, old=False, year=2025, category="", fault="", date="", aside="") -> str:
        head = self.head(title, fault=fault)
        crumbs = ""
        if category:
            links = "".join(f'<li class="breadcrumb-item"><a href="{escape(h)}">{escape(label)}</a></li>'
                            for h, label in self.crumbs(category, host))
            stamp = f'<div class="col-md-4 text-right"><span class="ngay-dang">{escape(date)}</span></div>' if date else ""
            crumbs = (f'<div class="row row-breadcrumb"><div class="col-md-8"><ol class="breadcrumb">{links}</ol></div>'
                      f"{stamp}</div>")
        links = "".join(f'<li><a href="{escape(h)}">{escape(label)}</a></li>' for h, label in self.sidebar_links(host))
        extra = (f'<div class="box">{P.poll("box-poll")}</div><div class="box">{P.counter("box-thong-ke")}</div>'
                 if old else "")
        return (f'{head}<body class="portal-tinh"><div id="top-bar"><div class="container"><span class="hotline">'
                f'Đường dây nóng: 0237.3834.101</span> <a href="/c/portal/login">Đăng nhập</a></div></div>'
                f'<header id="header"><div class="container"><div class="row"><div class="col-md-2"><a href="/">'
                f'<img src="{escape(BANNER)}" alt="Thọ Xuân"></a></div><div class="col-md-10">'
                f'<div class="ten-co-quan">UBND HUYỆN THỌ XUÂN</div><div class="ten-cong">{escape(V.SITE_TITLE)}</div>'
                f'</div></div></div></header><nav class="navbar-main"><div class="container">'
                f'{self.nav(host, "ul", "main-menu")}</div></nav><section class="section-content"><div class="container">'
                f'{crumbs}<div class="row"><section class="col-md-8 col-sm-12"><div class="row"><div class="col-12">'
                f'{region}</div></div></section><aside class="col-md-4 col-sm-12">{aside}'
                f'<div class="box"><div class="box-header"><p class="box-title">Liên kết</p></div><ul>{links}</ul></div>'
                f'{extra}</aside></div></div></section><footer id="footer"><div class="container">'
                f"<p>Cơ quan chủ quản: UBND huyện Thọ Xuân</p>"
                f"<p>Địa chỉ: thị trấn Thọ Xuân, tỉnh Thanh Hóa</p>"
                f"</div></footer></body></html>")
