"""Reading a portal page's markup: bytes decoded, HTML parsed leniently, the page cut into text blocks.

A block is the run of inline content between two block-level boundaries: a paragraph with its links, an image in
its own paragraph or table cell, a heading, a list item. Two or more `<br>` in a row (only whitespace or `&nbsp;`
between them) end a block too: old FrontPage and ASP portals write a whole article as one element of
`<br><br>`-separated paragraphs, and a reader sees paragraphs there. Extraction reasons about blocks in document
order and never about class names, so a page reads the same whichever markup variant wrote it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape

from lxml import html as lxml_html

from archive.page.decoding import decode_html  # noqa: F401 - read from here by replay and older callers

BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details", "dir", "div", "dl", "dt",
    "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "html",
    "li", "main", "menu", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead",
    "tr", "ul"})
# Never read: the document head, scripts, embedded frames and form controls (the zoom widget's buttons, the poll).
SKIP_TAGS = frozenset({
    "head", "script", "style", "noscript", "template", "iframe", "frame", "frameset", "object", "embed", "applet",
    "button", "select", "option", "textarea", "input", "svg", "math", "canvas", "audio", "video", "map"})
_CONTROLS = frozenset({"input", "select", "textarea"})  # buttons are not: a font-size bar is no form
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# Elements that show a picture: <img>, and AMP's <amp-img> / <amp-anim> (same src, srcset and lazy attributes). Their
# children are never read: an AMP image's <noscript><img> is a copy of it for browsers without scripts, not a second one.
IMAGE_TAGS = frozenset({"img", "amp-img", "amp-anim"})
_KEPT_INLINE = frozenset({"b", "strong", "em", "i", "sub", "sup"})
_BOLD = frozenset({"b", "strong"})
_ITALIC = frozenset({"em", "i"})
# C0 controls make lxml refuse a string; zero-width characters would split words invisibly.
_INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\u200b\ufeff]")


def squash(text: str) -> str:
    """NFC, every run of whitespace (including &nbsp;) as one space, stripped."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def parse(text: str) -> lxml_html.HtmlElement:
    """Parse a decoded page leniently; unclosed, stray and unquoted markup is repaired as a browser would."""
    data = _INVISIBLE.sub("", text).encode("utf-8", "replace")
    return lxml_html.document_fromstring(data, parser=_PARSER)


_PARSER = lxml_html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)


@dataclass(eq=False)
class Block:
    element: lxml_html.HtmlElement  # the block-level element this run of inline content sits in
    text: str  # NFC, whitespace collapsed
    html: str  # the run with only b/strong/em/i/sub/sup/a/br/img kept and URLs made absolute; not yet sanitised
    images: list[lxml_html.HtmlElement] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)  # (href as written, link text)
    bold: bool = False  # all of its text is bold
    italic: bool = False  # all of its text is italic
    controls: bool = False  # it holds form controls (a poll's radio buttons, a form's fields): a form, not prose

    @property
    def tag(self) -> str:
        return self.element.tag

    def aligned(self, where: str) -> bool:
        """Whether the block (or the cell or paragraph around it) is aligned `where` ("center", "right")."""
        element = self.element
        for _ in range(2):
            if element is None:
                return False
            if (element.get("align") or "").lower() == where or where in _alignment(element.get("style")):
                return True
            element = element.getparent()
        return False


def _alignment(style: str | None) -> str:
    if not style or "text-align" not in style.lower():
        return ""
    return style.lower().split("text-align", 1)[1].split(";", 1)[0]


class Reader:
    """Walks a parsed page once and cuts it into blocks; `href` and `image_html` give the URL policy."""

    def __init__(self, href: Callable[[str], str], image_html: Callable[[lxml_html.HtmlElement], str]):
        self.href = href
        self.image_html = image_html
        self.blocks: list[Block] = []
        self.owner: lxml_html.HtmlElement | None = None
        self.open: list[tuple[str, str]] = []  # inline tags open across a block boundary: (start tag, name)
        self._reset()

    def read(self, root: lxml_html.HtmlElement) -> list[Block]:
        self.owner = root
        self._visit(root, False, False)
        self._flush()
        return self.blocks

    def _reset(self) -> None:
        self.pieces: list[str] = []
        self.markup: list[str] = [start for start, _ in self.open]
        self.images: list[lxml_html.HtmlElement] = []
        self.links: list[tuple[str, str]] = []
        self.chars = self.bold_chars = self.italic_chars = 0
        self.controls = False
        self.breaks = 0  # <br>s since the last text or image: the second one ends a paragraph

    def _flush(self) -> None:
        text = squash("".join(self.pieces))
        if (text or self.images) and self.owner is not None:
            markup = "".join(self.markup) + "".join(f"</{name}>" for _, name in reversed(self.open))
            self.blocks.append(Block(self.owner, text, markup.strip(), self.images, self.links,
                                     bold=self.chars > 0 and self.bold_chars == self.chars,
                                     italic=self.chars > 0 and self.italic_chars == self.chars,
                                     controls=self.controls))
        self._reset()

    def _text(self, text: str, bold: bool, italic: bool) -> None:
        self.pieces.append(text)
        self.markup.append(escape(text, quote=False))
        count = len(text) - sum(map(text.count, (" ", "\n", "\t", "\r", "\xa0")))
        if count:
            self.breaks = 0
        self.chars += count
        self.bold_chars += count if bold else 0
        self.italic_chars += count if italic else 0

    def _visit(self, element: lxml_html.HtmlElement, bold: bool, italic: bool) -> None:
        if element.text:
            self._text(element.text, bold, italic)
        for child in element:
            tag = child.tag
            if tag in _CONTROLS:
                self.controls = True
            elif isinstance(tag, str) and tag not in SKIP_TAGS:
                if tag in BLOCK_TAGS:
                    self._flush()
                    outer, self.owner = self.owner, child
                    self._visit(child, bold or _styled(child, "bold"), italic or _styled(child, "italic"))
                    self._flush()
                    self.owner = outer
                elif tag == "br":
                    self._break()
                elif tag in IMAGE_TAGS:
                    self.breaks = 0
                    self.images.append(child)
                    self.markup.append(self.image_html(child))
                else:
                    self._inline(child, tag, bold, italic)
            if child.tail:
                self._text(child.tail, bold, italic)

    def _break(self) -> None:
        """A `<br>`: a line break inside the paragraph, or, the second in a row, the paragraph's end."""
        self.breaks += 1
        if not (self.chars or self.images):
            return  # breaks before any content: spacing, nothing to keep
        if self.breaks < 2:
            self.pieces.append(" ")
            self.markup.append("<br>")
            return
        while self.markup and (self.markup[-1] == "<br>" or not self.markup[-1].strip()):
            self.markup.pop()  # the first break and the spacing after it end the paragraph, not belong to it
        self._flush()

    def _inline(self, child: lxml_html.HtmlElement, tag: str, bold: bool, italic: bool) -> None:
        start = ""
        if tag == "a":
            href = (child.get("href") or "").strip()
            if href[:11].lower() == "javascript:":
                return  # a script widget ("xem thêm", print, share), not content: its text goes with it
            if href:
                self.links.append((href, squash(child.text_content())))
                start = f'<a href="{escape(self.href(href))}">'
        elif tag in _KEPT_INLINE:
            start = f"<{tag}>"
        if start:
            self.markup.append(start)
            self.open.append((start, tag))
        self._visit(child, bold or tag in _BOLD or _styled(child, "bold"),
                    italic or tag in _ITALIC or _styled(child, "italic"))
        if start:
            self.open.pop()
            self.markup.append(f"</{tag}>")


def _styled(element: lxml_html.HtmlElement, what: str) -> bool:
    style = element.get("style")
    if not style:
        return False
    style = style.lower()
    if what == "bold":
        return "font-weight" in style and ("bold" in style or "700" in style)
    return "font-style" in style and "italic" in style
