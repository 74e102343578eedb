"""The lead: the first paragraph only where the page sets it apart (bold or italic throughout, a heading-styled
summary, a summary block of its own, a sapo/summary/lead class). A plain first paragraph is body, not lead,
whatever its length or the page's kind."""

from __future__ import annotations

import re

from archive.page.content import Layout
from archive.page.markup import HEADINGS, Block

_SUMMARY_CLASS = re.compile(r"(^|[\s_-])(sapo|summary|lead|lede|tom-?tat|tomtat|trich-?yeu|intro|excerpt|abstract|"
                            r"description|desc|quote|chapeau|teaser)([\s_-]|$)", re.IGNORECASE)
LEAD_MIN = 40


def find(blocks: list[Block], layout: Layout) -> tuple[Block | None, str, float]:
    """(the lead block, evidence, confidence) among the article's text blocks in order, or (None, "none", 0).

    Never a first paragraph by its position alone: a plain first paragraph looks like every other one to a
    reader, so it is body (a short first sentence is as often an article's opening as a summary)."""
    if len(blocks) < 2:
        return None, "none", 0.0
    first = blocks[0]
    text = first.text
    if len(text) < LEAD_MIN or text.isupper():  # a chapter's section title, not a summary
        return None, "none", 0.0
    if first.bold:
        return first, "bold", 0.9
    if first.tag in HEADINGS and len(text) >= 60:
        return first, "heading", 0.8
    if _summary_class(first, layout):
        return first, "class", 0.8
    if first.italic:
        return first, "italic", 0.7
    if _apart(first, blocks[1:], layout):
        return first, "own-block", 0.6
    return None, "none", 0.0


def _summary_class(block: Block, layout: Layout) -> bool:
    for element in [block.element, *layout.ancestors[id(block)][:3]]:
        if element is layout.container:
            return False
        if _SUMMARY_CLASS.search(f'{element.get("class") or ""} {element.get("id") or ""}'):
            return True
    return False


def _apart(first: Block, rest: list[Block], layout: Layout) -> bool:
    """A summary block of its own: the paragraphs after it share an element that does not hold it."""
    following = rest[:3]
    if len(following) < 2:
        return False
    box = following[0].element.getparent()
    if box is None or not all(any(a is box for a in layout.ancestors[id(b)]) for b in following):
        return False
    return not any(a is box for a in layout.ancestors[id(first)]) and first.element is not box
