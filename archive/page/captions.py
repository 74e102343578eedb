"""Which text is an image's caption: a <figcaption>, a cell of the image's table, the image's own paragraph, the
paragraph after it (italic, centred, in parentheses, or a short line), or, failing those, an italic or centred
short line just before it."""

from __future__ import annotations

from dataclasses import dataclass

from lxml import html as lxml_html

from archive.page.images import image_source
from archive.page.markup import HEADINGS, Block

_SENTENCE_END = (".", "!", "?", ":", ";", "…")
_STRONG = ("italic", "centred", "figcaption", "parentheses", "photo-credit")
_PHOTO_WORDS = ("ảnh:", "ảnh minh họa", "ảnh minh hoạ", "ảnh tư liệu", "hình:", "hình ảnh:")


@dataclass
class Figure:
    block: Block
    pictures: list[lxml_html.HtmlElement]
    caption: Block | None = None
    caption_text: str = ""
    method: str = "none"
    confidence: float = 0.0


def pictures(block: Block) -> list[lxml_html.HtmlElement]:
    """The block's images that show a picture: no placeholder, no pixel, no icon."""
    out = []
    for img in block.images:
        if not image_source(img):
            continue
        sizes = [(img.get(side) or "").strip().rstrip("px") for side in ("width", "height")]
        if all(s.isdigit() and int(s) <= 40 for s in sizes):
            continue  # an icon (print, share, file type)
        out.append(img)
    return out


def unwrap(text: str) -> str:
    """A caption without the parentheses that wrap it whole: "(Quang cảnh hội nghị)" → "Quang cảnh hội nghị"."""
    if not (text.startswith("(") and text.endswith(")")):
        return text
    depth = 0
    for position, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0 and position < len(text) - 1:
            return text  # "(a) b (c)": the first parenthesis closes early
    return text[1:-1].strip()


def caption_style(block: Block) -> tuple[str, float]:
    """(evidence, confidence) that a text block reads as a caption by itself, or ("", 0)."""
    text = block.text
    if not text or len(text) > 300 or block.links and len(block.links[0][1]) > 0.5 * len(text):
        return "", 0.0
    if block.element.tag == "figcaption" or any(a.tag == "figcaption" for a in block.element.iterancestors()):
        return "figcaption", 0.95
    if unwrap(text) != text:
        return "parentheses", 0.85
    if block.italic:
        return "italic", 0.85
    if text.lower().startswith(_PHOTO_WORDS) or text.lower().endswith(")") and "(ảnh" in text.lower():
        return "photo-credit", 0.8
    if block.aligned("center") and len(text) <= 250:
        return "centred", 0.75
    if len(text) <= 200 and not text.endswith(_SENTENCE_END):
        return "short-line", 0.65
    if len(text) <= 120 and text.endswith(".") and text[:-1].count(". ") == 0:
        return "short-sentence", 0.45
    return "", 0.0


def _shared_box(a: Block, b: Block, tags: tuple[str, ...]) -> bool:
    """Whether two blocks sit in the same figure or table."""
    boxes = [e for e in a.element.iterancestors() if e.tag in tags][:1]
    if a.element.tag in tags:
        boxes.insert(0, a.element)
    return any(box is b.element or any(x is box for x in b.element.iterancestors()) for box in boxes)


def assign(sequence: list[Block], taken: set[int]) -> list[Figure]:
    """Figures of the article's blocks (in order), each with its caption; `taken` receives captions' ids."""
    figures = []
    for position, block in enumerate(sequence):
        found = pictures(block)
        if not found:
            continue
        figure = Figure(block, found)
        figures.append(figure)
        if block.text:
            how, confidence = caption_style(block)
            if how:
                figure.caption, figure.method, figure.confidence = block, "same-block:" + how, confidence
                continue
        after = before = None
        following = next((b for b in sequence[position + 1:] if b.text or b.images), None)
        if following is not None and following.text and not pictures(following) and id(following) not in taken:
            how, confidence = caption_style(following)
            if _shared_box(block, following, ("figure", "table")):
                how, confidence = how or "same-table", max(confidence, 0.9)
            if how:
                after = (following, "after:" + how, confidence)
        previous = next((b for b in reversed(sequence[:position]) if b.text or b.images), None)
        if previous is not None and previous.text and not previous.images and id(previous) not in taken:
            how, confidence = caption_style(previous)
            if how in _STRONG and len(previous.text) <= 200:
                before = (previous, "before:" + how, confidence * 0.7)
            elif how == "short-line" and after is None and not (previous.bold or previous.tag in HEADINGS):
                # Nothing after the image reads as a caption; a plain short line right before it, not set
                # apart as a sub-heading, is its caption (themes that print the caption above the picture).
                before = (previous, "before:" + how, confidence * 0.7)
        # A styled line after the image first; a styled line before it beats a merely short one after it.
        chosen = after if after and (after[2] >= 0.75 or before is None) else before
        if chosen:
            figure.caption, figure.method, figure.confidence = chosen
            taken.add(id(chosen[0]))
    for figure in figures:
        if figure.caption is not None:
            figure.caption_text = _without_full_stop(unwrap(figure.caption.text))
            taken.add(id(figure.caption))
    return figures


def _without_full_stop(text: str) -> str:
    """A caption is a label, stored without the full stop some editors close it with (an ellipsis stays)."""
    return text[:-1].rstrip() if text.endswith(".") and not text.endswith("..") else text
