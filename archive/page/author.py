"""The author: a byline near the headline ("Tác giả:", "PV:", "Nguồn:") or the signature line that ends the
article, even when chrome follows it. A name, optionally with an organisation after a comma, a dash or in
parentheses; never a sentence of the body."""

from __future__ import annotations

import re

from archive.page.markup import Block

BYLINE = re.compile(r"(tác giả|người viết|bài viết|bài và ảnh|bài, ảnh|bài/ảnh|bài|phóng viên|pv|ctv|btv|"
                    r"nguồn|theo)\s*[:：]\s*", re.IGNORECASE)
# What may follow the byline's name on the same line: a date, a counter, another label.
_BYLINE_END = re.compile(r"\s*(\||•|·|đăng lúc|ngày đăng|cập nhật|lượt (xem|đọc)|views?\b|"
                         r"\d{1,2}[/.-]\d{1,2}[/.-]\d{4}|\d{1,2}:\d{2}).*$", re.IGNORECASE)
_NAME_END = re.compile(r"\s*(,|\s-\s|–|—|\()")
_SENTENCE_END = (".", "!", "?", ":", ";", "…")
_LOWER_OK = frozenset({"và", "thị", "văn", "huyện", "xã", "thị trấn", "của", "ủy", "vụ"})


def byline(text: str) -> str:
    """The name a labelled byline gives (`Tác giả: Lê Văn A | Đăng lúc ...` → `Lê Văn A`), or ""."""
    if len(text) > 200:
        return ""
    match = BYLINE.match(text) or _inner_byline(text)
    if match is None:
        return ""
    name = _BYLINE_END.sub("", text[match.end():]).strip(" .,;|-–—")
    return name if name and len(name) <= 120 and name_like(name) else ""


def labelled_byline(text: str) -> str:
    """The name of a line that is a byline and nothing else (`Nguồn: Báo Thanh Hóa`), or ""."""
    match = BYLINE.match(text)
    return byline(text) if match is not None and len(text) <= 160 else ""


_STRONG = re.compile(r"(?<![^\W\d_])(tác giả|người viết|phóng viên|pv|nguồn|bài và ảnh|bài, ảnh)\s*[:：]\s*",
                     re.IGNORECASE)


def _inner_byline(text: str) -> re.Match | None:
    """A byline inside a line, e.g. on the date line: `13/12/2022 16:30 Tác giả: Lê Văn A Lượt xem: 12`."""
    return _STRONG.search(text)


def name_like(text: str) -> bool:
    """A person or organisation: a few words, most of them capitalised (Vietnamese names capitalise every
    syllable), before any comma, dash or parenthesis that opens an organisation."""
    name = _NAME_END.split(text, maxsplit=1)[0].strip()
    words = [w for w in re.split(r"[\s/]+", name) if w and any(ch.isalpha() for ch in w)]
    if not (1 <= len(words) <= 10):
        return False
    upper = sum(w[0].isupper() for w in words)
    return upper >= max(1, 0.6 * len(words)) and words[0][0].isupper()


def signature(block: Block, after_image: bool) -> float:
    """How much the last text block of an article looks like its signature: 0 (a sentence) to 1."""
    text = block.text
    match = BYLINE.match(text)
    if match and name_like(text[match.end():]):
        return 0.95
    if len(text) > 120 or after_image or block.links or (block.italic and not block.aligned("right")
                                                          and block.aligned("center")):
        return 0.0
    if not name_like(text) or text.endswith(_SENTENCE_END[1:]):
        return 0.0
    if text.endswith("."):  # "Lê Văn A." closes a paragraph as often as a name
        return 0.7 if (block.bold or block.aligned("right")) and len(text) <= 80 else 0.0
    if block.bold or block.aligned("right"):
        return 0.9
    return 0.6 if not block.aligned("center") else 0.4


def signature_text(text: str) -> str:
    """The author as stored: a signature's label cut (`Nguồn: Báo Thanh Hóa` → `Báo Thanh Hóa`)."""
    match = BYLINE.match(text)
    return text[match.end():].strip() if match else text
