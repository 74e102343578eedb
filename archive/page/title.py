"""The headline: whichever element holds it, told from the site's name by <title>, og:title and the date line.

`<title>` reads "headline - site name", "site name | headline" or the site name alone; what is left once the site's
names are cut from either end is evidence for a candidate, never the answer on its own while a block says it.
"""

from __future__ import annotations

import re
from functools import lru_cache

from lxml import html as lxml_html

from archive.page.markup import HEADINGS, Block, squash
from archive.text import fold

SITE_NAMES = ("Cổng thông tin điện tử huyện Thọ Xuân - Thanh Hóa", "Cổng thông tin điện tử huyện Thọ Xuân",
              "Cổng TTĐT huyện Thọ Xuân", "Cổng thông tin điện tử Thọ Xuân", "UBND huyện Thọ Xuân",
              "Huyện Thọ Xuân", "Thọ Xuân", "Thanh Hóa", "Trang chủ")
FIXED_LABEL = "Chiến lược - Định Hướng - Quy hoạch"  # printed above every headline, whatever the category
_FOLDED_NAMES = frozenset(fold(name) for name in SITE_NAMES)
_FOLDED_LABEL = fold(FIXED_LABEL)
_PORTAL_PREFIX = re.compile(r"(cong thong tin( dien tu)?|cong ttdt|trang thong tin dien tu)\b")
_NAME_WORDS = re.compile(r"\b(ubnd|uy ban nhan dan|huyen|tinh|tho|xuan|thanh|hoa)\b|[-|:,.]")
_SEPARATOR = re.compile(r"(\s+[-–—|:»›·]\s+|\s*[|»›]\s*|\s*::\s*)")
_SENTENCE_END = (".", "!", "?", ";", "…")


@lru_cache(maxsize=16384)  # asked of every block and of every cut of <title>
def is_site_name(text: str) -> bool:
    if len(text) > 90:
        return False
    folded = fold(squash(text))
    if folded in _FOLDED_NAMES:
        return True
    # "Cổng thông tin điện tử [UBND] huyện Thọ Xuân[ - tỉnh Thanh Hóa]": a portal's name is its kind and its place,
    # nothing more; "Cổng ... Thọ Xuân | Lịch sử Đảng bộ huyện Thọ Xuân" holds a headline after the name.
    prefix = _PORTAL_PREFIX.match(folded)
    return prefix is not None and "tho xuan" in folded and not _NAME_WORDS.sub("", folded[prefix.end():]).strip()


def is_fixed_label(text: str) -> bool:
    return len(text) == len(FIXED_LABEL) and fold(text) == _FOLDED_LABEL


def title_core(text: str) -> str:
    """<title> without the site's names at either end: "Tin A - Cổng TTĐT huyện Thọ Xuân" → "Tin A"."""
    parts = _SEPARATOR.split(squash(text))  # text, separator, text, ...
    changed = True
    while changed and parts:
        changed = False
        for k in range(len(parts), 0, -2):  # the longest site name first: names hold separators themselves
            if k < len(parts) and is_site_name("".join(parts[:k])):
                parts, changed = parts[k + 1:], True
                break
            if k < len(parts) and is_site_name("".join(parts[-k:])):
                parts, changed = parts[:-k - 1], True
                break
    core = "".join(parts).strip()
    return "" if is_site_name(core) else core


def title_hints(root: lxml_html.HtmlElement) -> list[str]:
    """What the page's head says the headline is: <title> and og:title, site names cut."""
    hints = []
    element = root.find(".//title")
    if element is not None:
        hints.append(title_core(element.text_content()))
    for meta in root.iter("meta"):
        if (meta.get("property") or meta.get("name") or "").lower() in ("og:title", "twitter:title", "title"):
            hints.append(title_core(meta.get("content") or ""))
    return [h for h in dict.fromkeys(hints) if h]


def similarity(text: str, hints: list[str]) -> float:
    """How well a candidate matches the head's headline: 1 equal, 0.85 one cut short of the other, else overlap."""
    best = 0.0
    a = fold(text)
    for hint in hints:
        b = fold(hint)
        if a == b:
            return 1.0
        if min(len(a), len(b)) >= 15 and (a.startswith(b) or b.startswith(a) or a.endswith(b)):
            best = max(best, 0.85)
            continue
        if _tail_of(a, b):
            best = max(best, 0.85)
            continue
        ta, tb = set(a.split()), set(b.split())
        if ta and tb:
            overlap = len(ta & tb) / len(ta | tb)
            best = max(best, overlap if overlap >= 0.6 else 0.0)
    return best


def _tail_of(shown: str, hint: str) -> bool:
    """Whether the shown heading (folded) is the last part of the head's headline: "Phần kết" of "Lịch sử Đảng bộ
    huyện Thọ Xuân - Tập 1 - Phần kết"."""
    return len(hint) > len(shown) + 3 and hint.endswith(shown) and bool(
        _SEPARATOR.fullmatch(hint[-len(shown) - 3:-len(shown)]) or hint[-len(shown) - 2:-len(shown)] == ": ")


def fuller(text: str, hints: list[str]) -> str:
    """The headline to store: the head's when the page shows only its last part (a book's chapter heading under
    the book's name), else the shown one. The head's names the page fully; the shown part alone is ambiguous."""
    shown = fold(text)
    return next((hint for hint in hints if _tail_of(shown, fold(hint))), text)


def headline_candidate(block: Block, density: float) -> bool:
    """Could this block be a headline at all: a short line, no sentence run, not the site's name, not a link list."""
    text = block.text
    if not (4 <= len(text) <= 400) or block.images:
        return False
    if is_site_name(text) or is_fixed_label(text):
        return False
    if density > 0.5 and block.tag not in HEADINGS:
        return False
    return text.count(". ") < 2


def score(block: Block, hints: list[str], near_date: float, before_body: bool) -> tuple[float, list[str]]:
    """A candidate's score and the evidence it rests on."""
    signals = []
    total = 0.0
    match = similarity(block.text, hints) if hints else 0.0
    if match:
        total += 0.6 * match
        signals.append("title-tag")
    if block.tag in HEADINGS:
        total += 0.25
        signals.append(block.tag)
    elif block.bold:
        total += 0.1
        signals.append("bold")
    if near_date:
        total += 0.25 * near_date
        signals.append("date-line")
    if before_body:
        total += 0.15
        signals.append("before-body")
    if block.text.endswith(_SENTENCE_END) and block.tag not in HEADINGS:
        total -= 0.2
    return total, signals
