"""Where the article is on a page: chrome recognised by its words and its links, then the block of most prose.

Nothing here reads a class name or an id. Chrome is what a reader recognises as such: share, print and font-size
bars, view counters, tag lines, "Tin liên quan" / "Các tin khác" lists, comment forms, menus (blocks made of
links). The article's container is the element under which paragraphs of prose gather (scored as readability
does, paragraph text to the parent and half to the grandparent), widened while what it gains is little and not links.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from lxml import html as lxml_html

from archive.page.dates import date_label, date_line
from archive.page.markup import Block

# Words of page widgets. A block made only of these (and separators) is chrome.
_WIDGET = re.compile(
    r"chia sẻ( bài viết| lên)?|in bài( viết| này)?|in trang|bản in|gửi (email|e-mail|mail|bài viết|cho bạn bè)|"
    r"e-?mail|gửi (cho )?bạn bè|facebook|zalo|twitter|tweet|linkedin|google\+?|messenger|thích|like|share|print|"
    r"cỡ chữ|kích thước chữ|phóng to|thu nhỏ|mặc định|font|[aA]\s*[-+−]|\b[aA]\b|\d{1,3}\s*%|"
    r"((số )?lượt|đã) (xem|đọc|truy cập|thích)\s*:?\s*[\d.,]*|views?\s*:?\s*[\d.,]*|"
    r"quay (lại|về)|trở (lại|về)|(về|lên) đầu trang|đầu trang|top|xem thêm|xem tiếp|chi tiết|"
    r"lưu bài|lưu|nghe( bài| đọc)?|đọc bài|theo dõi|date|truy cập|ý kiến thăm dò|biểu quyết|xem kết quả|"
    r"liên kết( website)?|(hôm nay|hôm qua|tuần này|tuần trước|tháng này|tháng trước|năm nay|tất cả|tổng( cộng)?|"
    r"đang truy cập|đang trực tuyến|trực tuyến|online|khách|thành viên)\s*:?\s*[\d.,]*|"
    r"trang chủ|gmt\s*\+\s*7|(phần|bài|tin|trang|chương|mục)\s+(trước|sau|tiếp|tiếp theo|kế tiếp)",
    re.IGNORECASE)
_SEPARATORS = re.compile(r"[\s|:/\\>»«›‹·•,;()\[\]{}\-–—+*_=~^.]+")
# Labels that open a section of chrome: the lists and forms that follow them belong to it.
SECTION = re.compile(
    r"((các|những)\s+)?(tin|bài|bài viết|tin tức|tin bài|văn bản)\s+(khác|liên quan|cùng chuyên mục|cùng loại|"
    r"cùng danh mục|đã đưa|mới( nhất)?|mới đăng|đọc nhiều( nhất)?|xem nhiều( nhất)?|nổi bật|tiêu điểm)|"
    r"ý kiến bạn đọc|ý kiến của bạn|bình luận|gửi (ý kiến|bình luận)( của bạn)?|viết bình luận|"
    r"chuyên mục khác|xem thêm tin|tin cùng chủ đề|mục lục|"
    r"ý kiến thăm dò|thăm dò ý kiến|bình chọn|khảo sát( ý kiến)?|thống kê truy cập", re.IGNORECASE)
# A tag or category line: a label and the tags (or the category), all of it chrome.
_TAG_LINE = re.compile(r"(từ khóa|từ khoá|tags?|thẻ|chủ đề|danh mục|chuyên mục|lĩnh vực)\s*:", re.IGNORECASE)
# A document's register entry as its page lists it above the text ("Số ký hiệu: 12/QĐ-UBND | Loại văn bản: Quyết
# định", or a table of label and value cells): metadata about the document, not its text.
_FACT = re.compile(r"(số ký hiệu|ký hiệu|số hiệu|số văn bản|loại văn bản|cơ quan ban hành|nơi ban hành|ngày ban hành|"
                   r"ngày (có )?hiệu lực|người ký|trích yếu|cấp ban hành|tình trạng( hiệu lực)?)\s*:?", re.IGNORECASE)
CORE_MIN = 50  # a paragraph of prose: at least this many characters, few of them in links


def link_density(block: Block) -> float:
    if not block.text:
        return 0.0
    linked = sum(len(text) for _, text in block.links)
    return min(1.0, linked / len(block.text))


@lru_cache(maxsize=16384)  # menus, share bars and footers repeat on every page of a site
def is_widget(text: str) -> bool:
    """Text made only of widget words: `Chia sẻ | In bài | Gửi email`, `Cỡ chữ A- A+ 100%`, `Lượt xem: 1234`."""
    if len(text) > 160 or text.count(" ") > 16:  # widget bars are a few words
        return False
    return not any(ch.isalnum() for ch in _SEPARATORS.sub("", _WIDGET.sub(" ", text)))


@lru_cache(maxsize=16384)
def is_section_label(text: str) -> bool:
    return len(text) <= 60 and bool(SECTION.fullmatch(text.strip(" :.-–»>|").strip()) or
                                    re.fullmatch(rf"({SECTION.pattern})\s*\(\d+\)", text.strip(" :"), re.IGNORECASE))


def is_core(block: Block) -> bool:
    return (len(block.text) >= CORE_MIN and link_density(block) < 0.3 and not is_widget(block.text)
            and date_line(block.text) is None)


def _prose(block: Block) -> bool:
    """A line of prose worth scoring a container by (shorter than a paragraph, still no widget or link)."""
    return (len(block.text) >= 25 and link_density(block) < 0.3 and not is_widget(block.text)
            and date_line(block.text) is None)


@dataclass
class Layout:
    """The page's blocks with what content finding learnt: chrome, the container, its blocks in order."""

    blocks: list[Block]
    chrome: set[int] = field(default_factory=set)  # ids of blocks that are page furniture
    container: lxml_html.HtmlElement | None = None
    densest: lxml_html.HtmlElement | None = None  # the element of most prose, before widening to the container
    inside: list[Block] = field(default_factory=list)  # blocks under the container, in document order
    ancestors: dict[int, list[lxml_html.HtmlElement]] = field(default_factory=dict)
    confidence: float = 0.0
    # id(block) → ids of its element and every ancestor: "is this block under that element" is asked for every
    # block at every step of widening, so it must be one set lookup, not a walk up the tree
    lineage: dict[int, frozenset[int]] = field(default_factory=dict)

    def under(self, block: Block, element: lxml_html.HtmlElement) -> bool:
        return id(element) in self.lineage[id(block)]

    def index(self, block: Block) -> int:
        return next(i for i, b in enumerate(self.blocks) if b is block)


def lay_out(blocks: list[Block]) -> Layout:
    """Mark chrome, then find the container of the article's prose."""
    layout = Layout(blocks)
    for block in blocks:
        chain = list(block.element.iterancestors())
        layout.ancestors[id(block)] = chain
        layout.lineage[id(block)] = frozenset(map(id, [block.element, *chain]))
    _mark_chrome(layout)
    _find_container(layout)
    return layout


def _mark_chrome(layout: Layout) -> None:
    blocks = layout.blocks
    core_total = sum(len(b.text) for b in blocks if is_core(b)) or 1
    for index, block in enumerate(blocks):
        text = block.text
        if not text:
            continue
        if is_section_label(text):  # before widgets: "Ý kiến thăm dò" is a widget word that opens a section
            layout.chrome.add(id(block))
            for member in _section(layout, index, core_total):
                layout.chrome.add(id(member))
        elif (is_widget(text) or (_TAG_LINE.match(text) and len(text) <= 300) or _led_by_section_label(block)
              or (block.controls and len(text) <= 100) or date_label(text)):  # a poll's answer, a form's field
            layout.chrome.add(id(block))
            if text.endswith(":"):  # a label in a cell or <dt> of its own: `Đã xem:` | `1234`
                value = next((b for b in blocks[index + 1:] if b.text), None)
                if value is not None and len(value.text) <= 20 and not any(ch.isalpha() for ch in value.text):
                    layout.chrome.add(id(value))
    _mark_facts(layout)


def _led_by_section_label(block: Block) -> bool:
    """A line opening with a section label and otherwise its links: `Các tin khác: » Tin A (01/03/2022) » Tin B`."""
    label = SECTION.match(block.text)
    if label is None or not block.links or not block.text[label.end():].lstrip().startswith(":"):
        return False
    linked = sum(len(text) for _, text in block.links)
    return linked >= 0.6 * (len(block.text) - label.end())


def _mark_facts(layout: Layout) -> None:
    """A document's facts: lines opening with a register label, and the value beside a label standing alone (the
    next cell of its row). Two labels at least, so that one sentence opening "Trích yếu:" stays text."""
    blocks = layout.blocks
    found = [i for i, b in enumerate(blocks) if b.text and len(b.text) <= 300 and _FACT.match(b.text)]
    if len(found) < 2 and not (found and len(_FACT.findall(blocks[found[0]].text)) >= 2):
        return
    for index in found:
        block = blocks[index]
        layout.chrome.add(id(block))
        if _FACT.fullmatch(block.text) and index + 1 < len(blocks):
            value = blocks[index + 1]
            if len(value.text) <= 200 and value.element.getparent() is block.element.getparent():
                layout.chrome.add(id(value))


def _section(layout: Layout, index: int, core_total: int) -> list[Block]:
    """The blocks a section label introduces: the widest element it opens (it is that element's first block),
    or, when it stands among other blocks, the run of links and list items after it."""
    blocks, label = layout.blocks, layout.blocks[index]
    box = None
    for element in [label.element, *layout.ancestors[id(label)]]:
        members = [b for b in blocks if layout.under(b, element)]
        first = next((b for b in members if b.text or b.images), None)
        if first is not label:
            break
        if sum(len(b.text) for b in members if is_core(b)) > 0.3 * core_total:
            break
        box = element
    if box is not None and box is not label.element:
        return [b for b in blocks if layout.under(b, box)]
    run = []
    for block in blocks[index + 1:]:
        if block.text and (link_density(block) >= 0.5 or block.tag == "li" or is_widget(block.text)
                           or len(block.text) < 25):
            run.append(block)
        elif block.text:
            break
    return run


def _find_container(layout: Layout) -> None:
    scores: dict[int, float] = {}
    elements: dict[int, lxml_html.HtmlElement] = {}
    for block in layout.blocks:
        if id(block) in layout.chrome or not _prose(block):
            continue
        for weight, element in zip((1.0, 0.5), layout.ancestors[id(block)][:2]):
            if element.tag in ("body", "html"):
                break  # the page itself holds the footer too: an article is always in some element of its own
            scores[id(element)] = scores.get(id(element), 0.0) + weight * len(block.text)
            elements[id(element)] = element
    if not scores:
        return
    best = elements[max(scores, key=scores.__getitem__)]
    layout.densest = container = best
    while True:
        parent = container.getparent()
        if parent is None or parent.tag in ("body", "html"):
            break
        inside = [b for b in layout.blocks if layout.under(b, container) and id(b) not in layout.chrome]
        gained = [b for b in layout.blocks if layout.under(b, parent) and not layout.under(b, container)
                  and id(b) not in layout.chrome and b.text]
        kept = sum(len(b.text) * (1 - link_density(b)) for b in inside)
        plain = sum(len(b.text) * (1 - link_density(b)) for b in gained)
        linked = sum(len(b.text) * link_density(b) for b in gained)
        # Widen for a lead, a byline, a signature or a figure kept beside the prose; stop at menus and sidebars.
        if linked > 0.5 * (plain + linked) + 20 or plain > max(400.0, 0.6 * kept):
            break
        container = parent
    layout.container = container
    layout.inside = [b for b in layout.blocks if layout.under(b, container)]
    core = sum(len(b.text) for b in layout.inside if is_core(b))
    layout.confidence = round(min(1.0, core / 600), 2)
