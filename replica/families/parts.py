"""Pieces of Vietnamese CMS pages that template families place in their own way: date lines, view counters,
share and font-size bars, tag lines, related lists, comment forms, attachment blocks, author lines, polls.

Each returns HTML; none decides where it goes. Text that is content (author, link texts of files) is written
exactly as the ground truth holds it.
"""

from __future__ import annotations

import re
from datetime import datetime
from html import escape
from urllib.parse import quote

from replica import vocabulary as V
from replica.content import CATEGORY
from replica.markup import NOISE_COUNTER, NOISE_VIEWS, encoded

WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")

# How each style writes a date. Old-template pages always show the time to the second (the ground truth's
# precision); new-template pages show the day, and the styles marked * also a time to the minute, which the
# ground truth does not hold (its `published` stays midnight, precision "day").
DATE_STYLES = {
    "dang-luc": "Đăng lúc: 13/12/2022 (GMT+7)",
    "weekday": "Thứ Ba, 13/12/2022",
    "weekday-time": "Thứ Ba, 13/12/2022 - 08:15 *",
    "dashes": "13-12-2022 08:15 *",
    "ngay-dang": "Ngày đăng: 13.12.2022",
    "cap-nhat": "Cập nhật: 13/12/2022",
    "time-first": "08:15 | 13/12/2022 *",
    "ngay": "Ngày 13/12/2022",
}


def date_text(when: datetime, style: str, old: bool) -> str:
    day = f"{when:%d/%m/%Y}"
    clock = f"{when:%H:%M:%S}" if old else f"{when:%H:%M}"
    if style == "dang-luc":
        return f"Đăng lúc: {day} {clock} (GMT+7)" if old else f"Đăng lúc: {day} (GMT+7)"
    if style == "weekday":
        return f"{WEEKDAYS[when.weekday()]}, {day}" + (f" {clock}" if old else "")
    if style == "weekday-time":
        return f"{WEEKDAYS[when.weekday()]}, {day} - {clock}"
    if style == "dashes":
        return f"{when:%d-%m-%Y} {clock}"
    if style == "ngay-dang":
        return f"Ngày đăng: {when:%d.%m.%Y}" + (f" {clock}" if old else "")
    if style == "cap-nhat":
        return f"Cập nhật: {day}" + (f" {clock}" if old else "")
    if style == "time-first":
        return f"{clock} | {day}"
    if style == "ngay":
        return f"Ngày {day}" + (f" {clock}" if old else "")
    raise ValueError(style)


def views(label: str = "Lượt xem:") -> str:
    """The page's view count, different on every request (filled in by the server)."""
    return f"{label} {NOISE_VIEWS}"


def counter(cls: str = "counter") -> str:
    """The old template's visit counter (Truy cập, Hôm nay, ... Tất cả), different on every request."""
    return f'<div class="{cls}">{NOISE_COUNTER}</div>'


def poll(cls: str = "poll", table: bool = False) -> str:
    answers = [f'<input type="radio" name="poll" value="{i}"> {escape(a)}' for i, a in enumerate(V.POLL_ANSWERS)]
    if table:
        rows = "".join(f"<tr><td>{a}</td></tr>" for a in answers)
        return (f'<table class="{cls}"><tr><th>Ý kiến thăm dò</th></tr><tr><td>{escape(V.POLL_QUESTION)}</td></tr>'
                f'{rows}<tr><td><input type="button" value="Biểu quyết"></td></tr></table>')
    return (f'<div class="{cls}"><div>Ý kiến thăm dò</div><div>{escape(V.POLL_QUESTION)}</div>'
            + "".join(f"<div>{a}</div>" for a in answers) + '<input type="button" value="Biểu quyết"></div>')


def share(url: str, title: str, items: tuple[str, ...], cls: str = "share", tag: str = "div") -> str:
    """A share / print / e-mail bar: items among "label", "facebook", "zalo", "twitter", "print", "email"."""
    u = quote(url, safe="")
    pieces = {
        "label": "<span>Chia sẻ:</span>",
        "facebook": f'<a href="https://www.facebook.com/sharer/sharer.php?u={u}" target="_blank">Facebook</a>',
        "zalo": f'<a href="https://zalo.me/share?url={u}" target="_blank">Zalo</a>',
        "twitter": f'<a href="https://twitter.com/intent/tweet?url={u}" target="_blank">Twitter</a>',
        "print": '<a href="javascript:window.print()" class="print">In bài</a>',
        "email": f'<a href="mailto:?subject={quote(title)}&amp;body={u}" class="email">Gửi email</a>',
    }
    if tag == "ul":
        return f'<ul class="{cls}">' + "".join(f"<li>{pieces[i]}</li>" for i in items) + "</ul>"
    return f'<{tag} class="{cls}">' + " ".join(pieces[i] for i in items) + f"</{tag}>"


def font_size(cls: str = "font-size", with_label: bool = True) -> str:
    label = "<span>Cỡ chữ:</span> " if with_label else ""
    return (f'<div class="{cls}">{label}<button type="button" class="smaller">A-</button>'
            f'<button type="button" class="normal">A</button><button type="button" class="bigger">A+</button></div>')


def tags(page, cls: str = "tags", label: str = "Từ khóa:") -> str:
    """A tag line: the category's name, the district and the places named in the title."""
    words = [CATEGORY[page.category].label, "Thọ Xuân"]
    words += [p for p in sorted({*V.PLACES}) if p in page.title][:2]
    links = ", ".join(f'<a href="#" rel="tag">{escape(w)}</a>' for w in dict.fromkeys(words))
    return f'<div class="{cls}"><span>{label}</span> {links}</div>'


def related(others, host: str, title: str, href, dates: str = "paren", cls: str = "related",
            style: str = "ul", title_tag: str = "div") -> str:
    """A list of other articles ("Tin liên quan", "Các tin khác"); `href(page)` writes each link."""
    if not others:
        return ""
    def date(p) -> str:
        return {"paren": f" <span>({p.published:%d/%m/%Y})</span>", "dash": f" <i>- {p.published:%d/%m/%Y}</i>",
                "none": ""}[dates]
    if style == "table":
        rows = "".join(f'<tr><td><a href="{escape(href(o))}">{escape(o.title)}</a></td>'
                       f'<td class="date">{o.published:%d/%m/%Y}</td></tr>' for o in others)
        return f'<table class="{cls}"><tr><th colspan="2">{escape(title)}</th></tr>{rows}</table>'
    items = "".join(f'<li><a href="{escape(href(o))}">{escape(o.title)}</a>{date(o)}</li>' for o in others)
    return f'<div class="{cls}"><{title_tag} class="{cls}-title">{escape(title)}</{title_tag}><ul>{items}</ul></div>'


def comment_form(cls: str = "comment", heading: str = "h3") -> str:
    return (f'<div class="{cls}"><{heading}>Ý kiến bạn đọc</{heading}>'
            '<form action="/c/portal/comment" method="post">'
            '<input type="text" name="name" placeholder="Họ và tên"> <input type="email" name="email" placeholder="Email">'
            '<textarea name="content" rows="4" placeholder="Nội dung ý kiến"></textarea>'
            '<button type="submit">Gửi ý kiến</button></form></div>')


def attachment_href(att) -> str:
    return encoded(att.path) if att.href_form == "encoded" else att.path


def attachments(page, label: str, style: str = "list", cls: str = "attachments") -> str:
    """The files of a page, behind `label` ("File đính kèm", "Tệp đính kèm", "Tải về"), each link its own text."""
    if not page.attachments:
        return ""
    link = lambda a: f'<a href="{escape(attachment_href(a))}">{escape(a.link_text)}</a>'  # noqa: E731
    if style == "table":
        rows = "".join(f'<tr><td class="stt">{n}</td><td>{link(a)}</td><td><span class="icon-download"></span></td></tr>'
                       for n, a in enumerate(page.attachments, 1))
        return f'<table class="{cls}"><caption>{escape(label)}</caption>{rows}</table>'
    if style == "inline":
        return f'<p class="{cls}"><b>{escape(label)}:</b> ' + "; ".join(link(a) for a in page.attachments) + "</p>"
    items = "".join(f"<li>{link(a)}</li>" for a in page.attachments)
    return f'<div class="{cls}"><div class="{cls}-title">{escape(label)}</div><ul>{items}</ul></div>'


BYLINE_LABELS = {"tac-gia": "Tác giả:", "bai-anh": "Bài, ảnh:", "pv": "PV:", "nguon": "Nguồn:"}


def byline_label(page, form: str) -> str:
    """What precedes the author near the title; pages that are not news name their source."""
    return BYLINE_LABELS[form] if page.kind == "article" else "Nguồn:"


def signature(text: str, style: str) -> str:
    """The author as the article's last line; `text` is already escaped."""
    return {
        "right-strong": f'<p style="text-align: right;"><strong>{text}</strong></p>',
        "right-b": f'<div align="right"><b>{text}</b></div>',
        "italic": f'<p style="text-align:right"><em>{text}</em></p>',
        "plain": f"<p>{text}</p>",
        "class": f'<div class="author">{text}</div>',
    }[style]


def document_facts(page) -> list[tuple[str, str]]:
    """The facts a document page lists above its text, read off its title (number, kind, issuer, day)."""
    number = re.search(r" số (\S+)", page.title)
    kind = page.title.split(" số ", 1)[0]
    return [("Số ký hiệu", number.group(1) if number else ""), ("Loại văn bản", kind),
            ("Cơ quan ban hành", "UBND huyện Thọ Xuân"), ("Ngày ban hành", f"{page.published:%d/%m/%Y}")]


def chapters_of(pages_by_id: dict, page) -> list:
    return sorted((p for p in pages_by_id.values() if p.kind == "chapter" and p.category == page.category
                   and not p.removed), key=lambda p: p.id)


def book_nav(pages_by_id: dict, page, host: str, style: str = "prevnext", cls: str = "book-nav") -> str:
    """Links to the previous and next chapters, or the volume's table of contents."""
    chapters = chapters_of(pages_by_id, page)
    if page not in chapters:
        return ""
    n = chapters.index(page)
    title = lambda p: p.title.rsplit(" - ", 1)[-1]  # noqa: E731
    if style == "toc":
        items = "".join(f'<li><a href="{escape(encoded(p.path_in(p.category, host)))}">{escape(title(p))}</a></li>'
                        for p in chapters if p is not page)
        return f'<div class="{cls}"><div>Mục lục</div><ol>{items}</ol></div>'
    links = []
    if n > 0:
        links.append(f'<a href="{escape(chapters[n - 1].path_in(page.category, host))}">« Phần trước</a>')
    if n + 1 < len(chapters):
        links.append(f'<a href="{escape(chapters[n + 1].path_in(page.category, host))}">Phần sau »</a>')
    return f'<div class="{cls}">{" | ".join(links)}</div>'
