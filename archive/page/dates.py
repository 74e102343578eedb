"""Date lines: `Đăng lúc: 13/12/2022 (GMT+7)`, `Ngày 04/08/2020 17:29:33`, `Thứ Ba, 13/12/2022`, `13-12-2022 08:15`,
`Ngày đăng: 13.12.2022`, the province's `Đăng ngày 11 - 11 - 2023`, the month in words (`13 tháng 12, 2022`,
`ngày 13 tháng 12 năm 2022`, `4 tháng 8, 2020 lúc 17:29:33`).

A date line is a short block that is mostly a date: its label, weekday, time, time zone and view counter aside,
little text is left. A lead opening "Ngày 12/3/2023, tại xã ..." is a sentence, not a date line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from archive.site import TIMEZONE as VN_TIME  # the portal's dates are local time

_DATE = re.compile(r"(?<![\d/.:-])(\d{1,2})\s*([/.-])\s*(\d{1,2})\s*\2\s*((?:19|20)\d{2})(?![\d/])")
# The month written as a word, as Vietnamese prose and themes print it: `13 tháng 12, 2022`, `13 tháng 12 năm 2022`.
_WORDED = re.compile(r"(?<![\d/.:-])(\d{1,2})\s+(tháng)\s+(\d{1,2})\s*(?:,|\bnăm\b)\s*((?:19|20)\d{2})(?![\d/])",
                     re.IGNORECASE)
_TIME = re.compile(r"(?<![\d/.])([01]?\d|2[0-3])\s*[:hH]\s*([0-5]\d)(?:\s*:\s*([0-5]\d))?(?![\d/])")
# Labels that say "published" outright, and the weaker ones that only say "a date" or "updated".
_PUBLISHED = re.compile(r"đăng lúc|ngày đăng|đăng ngày|ngày xuất bản|xuất bản|thời gian đăng|ngày đưa tin|"
                        r"ngày ban hành|posted|published", re.IGNORECASE)
_UPDATED = re.compile(r"(ngày\s+)?cập nhật(\s+lúc)?|update[d]?", re.IGNORECASE)
_WEEKDAY = re.compile(r"(thứ\s+(hai|ba|tư|năm|sáu|bảy|2|3|4|5|6|7)|chủ\s+nhật)", re.IGNORECASE)
# What may sit on a date line beside the date: labels, zone, view counter, separators.
_FURNITURE = re.compile(r"đăng lúc|ngày đăng|đăng ngày|ngày xuất bản|xuất bản|thời gian đăng|ngày đưa tin|"
                        r"ngày ban hành|(ngày\s+)?cập nhật(\s+lúc)?|ngày|lúc|vào|giờ|"
                        r"\(?\s*gmt\s*[+-]\s*\d+\s*\)?|(lượt|số lượt)\s+(xem|đọc|truy cập)\s*:?\s*[\d.,]*|"
                        r"views?\s*:?\s*[\d.,]*|thứ\s+(hai|ba|tư|năm|sáu|bảy|[2-7])|chủ\s+nhật|\b(sa|ch|am|pm)\b", re.IGNORECASE)

# A byline sharing the date line (`13/12/2022 | Tác giả: Lê Văn A | Lượt xem: 12`): not text of its own.
_BYLINE = re.compile(r"(tác giả|người viết|phóng viên|\bpv|\bctv|nguồn|bài và ảnh|bài, ảnh)\s*:.*?"
                     r"(?=\||lượt|views?\b|đăng|cập nhật|ngày|$)", re.IGNORECASE)


@dataclass(frozen=True)
class DateLine:
    when: datetime  # aware, Vietnam time
    precision: str  # "second" or "day"
    label: str  # "published", "updated" or "" (a bare date, a weekday)


@lru_cache(maxsize=16384)  # asked of every block several times (chrome, container, headline, date)
def date_line(text: str) -> DateLine | None:
    """The date a block states when the block is a date line, else None."""
    if not text or len(text) > 200:
        return None
    found = _DATE.search(text) or _WORDED.search(text)
    if found is None:
        return None
    before = text[max(0, found.start() - 30):found.start()]
    label = "published" if _PUBLISHED.search(before) else "updated" if _UPDATED.search(before) else ""
    leftover = _TIME.sub(" ", text[:found.start()] + " " + text[found.end():], count=1)
    leftover = _FURNITURE.sub(" ", _BYLINE.sub(" ", leftover))
    letters = sum(ch.isalpha() for ch in leftover)
    # A labelled date may share its line with a byline or a counter; a bare one must stand almost alone.
    if letters > (60 if label else 12) or (not label and len(text) > 160):
        return None
    day, _, month, year = found.groups()
    clock = _clock(text, found)
    try:
        when = datetime(int(year), int(month), int(day), *(clock or (0, 0, 0)), tzinfo=VN_TIME)
    except ValueError:
        return None
    return DateLine(when, "second" if clock else "day", label)


def _clock(text: str, date: re.Match) -> tuple[int, int, int] | None:
    """The time of day written next to the date (before or after it), if any."""
    for match in _TIME.finditer(text):
        if match.start() >= date.end():
            gap = text[date.end():match.start()]
        elif match.end() <= date.start():
            gap = text[match.end():date.start()]
        else:
            continue
        if len(gap) <= 12 and not any(ch.isdigit() for ch in gap):
            hour, minute, second = match.groups()
            return int(hour), int(minute), int(second or 0)
    return None


def date_label(text: str) -> str:
    """The label a block holds alone, its date in the next block (`<dt>Ngày đăng:</dt><dd>13/12/2022</dd>`):
    "published", "updated", "date" (`Ngày:`), or "" when the block is more than a label."""
    stripped = text.strip(" :")
    if len(text) > 40 or not text.rstrip().endswith(":"):
        return ""
    if _PUBLISHED.fullmatch(stripped):
        return "published"
    if _UPDATED.fullmatch(stripped):
        return "updated"
    return "date" if stripped.lower() in ("ngày", "thời gian") else ""


def metadata_date(root) -> DateLine | None:
    """The publication date the page's metadata states (schema.org `itemprop="datePublished"`, its content or
    datetime, or `<meta property="article:published_time">`): `2022-12-13` is a day, `2022-12-13T08:15:00+07:00`
    a moment to the second."""
    for element in root.xpath('//*[@itemprop="datePublished"] | //meta[@property="article:published_time"]'):
        value = (element.get("content") or element.get("datetime") or "").strip()
        try:
            when = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            continue
        if when.tzinfo is None:
            when = when.replace(tzinfo=VN_TIME)
        return DateLine(when.astimezone(VN_TIME), "second" if len(value) > 10 else "day", "published")
    return None


def has_weekday(text: str) -> bool:
    return bool(_WEEKDAY.search(text))
