"""What a portal page says: its kind, headline, date, lead, body, author, images, attachments and links.

The live portal's markup is unknown (portal-spec.md), so every field is earned from structure and text anchors:
the container of most prose (content.py), the headline that <title> and the date line confirm (title.py,
dates.py), then the article's blocks sorted into attachments, byline and signature, figures and captions, lead and
body. Each field records how it was found and how sure that is (`Page.evidence`); thin evidence gives an empty
field with method "none" rather than a guess.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import nh3

from archive.page import attachments as files
from archive.page import author as authors
from archive.page import lead as leads
from archive.page.addresses import Addresses, base_url
from archive.page.captions import assign, caption_style, pictures
from archive.page.content import Layout, is_core, is_section_label, lay_out, link_density
from archive.page.dates import VN_TIME, DateLine, date_label, date_line, metadata_date
from archive.page.images import image_source, is_image_url
from archive.page.kinds import article_kind, is_listing, not_html
from archive.page.markup import HEADINGS, Block, Reader, decode_html, parse, squash
from archive.page.records import AttachmentRef, ImageRef, Page
from archive.page.title import fuller, headline_candidate, is_fixed_label, is_site_name, score, title_hints
from archive.urls import portal_path

__all__ = ["VN_TIME", "decode_html", "extract"]

_CLEANER = nh3.Cleaner(
    tags={"p", "br", "strong", "b", "em", "i", "sub", "sup", "a", "img", "ul", "ol", "li", "table", "tr", "td", "th"},
    clean_content_tags={"script", "style", "iframe", "object", "embed", "template", "noscript"},
    attributes={"a": {"href"}, "img": {"src", "alt"}}, url_schemes={"http", "https"})
NONE = ("none", 0.0)


def extract(url: str, body: bytes, content_type: str | None = None) -> Page:
    """Read one fetched page. Never raises: bad input gives a Page of kind "other" with the problem noted."""
    try:
        return _extract(url, body, content_type)
    except Exception as exc:  # noqa: BLE001 - the contract: a bad page is recorded, it never stops a crawl
        return Page(url, "other", problems=[f"extraction failed: {type(exc).__name__}: {exc}"])


@dataclass
class _Reading:
    """One page under way: its blocks, layout and what the head says."""

    page: Page
    blocks: list[Block]
    layout: Layout
    hints: list[str]
    addresses: Addresses
    ordinal: dict[int, int] = field(default_factory=dict)  # id(block) → position among blocks that are not chrome


def _extract(url: str, body: bytes, content_type: str | None) -> Page:
    if not body.strip():
        return Page(url, "other", problems=["empty body"])
    text, charset, problems = decode_html(body, content_type)
    page = Page(url, "other", charset=charset, problems=problems)
    reason = not_html(body, text, content_type)
    if reason:
        page.problems.append(reason)
        return page
    root = parse(text)
    addresses = Addresses(base_url(root, url))
    blocks = Reader(addresses.absolute, addresses.image_html).read(root)
    page.links = addresses.links(root)
    page.requisites = addresses.requisites(root)
    layout = lay_out(blocks)
    for block in blocks:
        if block.text and (is_site_name(block.text) or is_fixed_label(block.text)):
            layout.chrome.add(id(block))
    reading = _Reading(page, blocks, layout, title_hints(root), addresses)
    n = 0
    for block in blocks:
        if (block.text or block.images) and id(block) not in layout.chrome:
            reading.ordinal[id(block)] = n
            n += 1
    path = portal_path(url)
    if path == "":
        return _titled(reading, "home")
    if path is not None and not path.endswith(".html") and is_listing(url, page.links, blocks, layout.chrome):
        return _titled(reading, "listing")  # a list of dated articles, whatever date sits beside its heading
    headline, title_evidence = _headline(reading)
    dated, date_evidence = _date(reading, headline)
    if dated is None and (path is None or not path.endswith(".html")):
        kind = "other" if path is None else "section"
        return _titled(reading, kind)
    if dated is not None:
        _, line = dated
        page.published, page.published_precision = line.when, line.precision
    else:
        page.problems.append("no date line")
        stated = metadata_date(root)
        if stated is not None:  # no date shown beside the headline: what the page's metadata says, if anything
            page.published, page.published_precision = stated.when, stated.precision
            date_evidence = ("microdata", 0.6)
    if headline is not None:
        page.title = fuller(headline.text, reading.hints)
    elif reading.hints:
        page.title, title_evidence = reading.hints[0], ("title-tag", 0.5)
        page.problems.append("no headline block: title from <title>")
    page.method = "anchors" if headline is not None and dated is not None else "fallback"
    page.evidence.update(title=title_evidence, published=date_evidence)
    region = _region(reading, headline, dated[0] if dated else None)
    _fields(reading, region, headline)
    if not (page.lead or page.body or page.images or page.attachments):
        page.problems.append("no article text found")
        return page
    page.kind = article_kind(url, path, bool(page.attachments), dated is not None)
    return page


def _titled(reading: _Reading, kind: str) -> Page:
    page = reading.page
    page.kind = kind
    page.title = next(iter(reading.hints), "") or next(
        (b.text for b in reading.blocks if b.tag in HEADINGS and id(b) not in reading.layout.chrome), "")
    return page


# --- headline and date ------------------------------------------------------------------------------------------


def _date_lines(reading: _Reading) -> list[tuple[Block, DateLine]]:
    out = []
    label = ""
    for block in reading.blocks:
        if not block.text:
            continue
        # A label alone before the date (`<dt>Ngày đăng:</dt><dd>13/12/2022</dd>`) labels it as on one line.
        previous, label = label, date_label(block.text)
        if id(block) in reading.layout.chrome:
            continue
        if link_density(block) < 0.5:
            line = date_line(block.text)
            if line is not None:
                if previous in ("published", "updated") and not line.label:
                    line = replace(line, label=previous)
                out.append((block, line))
    return out


def _first_core(reading: _Reading, skip: int = 0) -> int | None:
    """The ordinal of the article's first paragraph of prose (`skip` more to look past a long headline)."""
    layout = reading.layout
    prose = [b for b in layout.inside if is_core(b) and b.tag not in HEADINGS and id(b) in reading.ordinal
             and layout.under(b, layout.densest)]
    if not prose:
        return None
    return reading.ordinal[id(prose[min(skip, len(prose) - 1)])]


def _headline(reading: _Reading) -> tuple[Block | None, tuple[str, float]]:
    """The best-scored headline candidate before the article's first paragraph, or None."""
    dates = [reading.ordinal[id(b)] for b, _ in _date_lines(reading) if id(b) in reading.ordinal]
    first, limit = _first_core(reading), _first_core(reading, 1)
    best, best_score, best_signals = None, 0.0, []
    for block in reading.blocks:
        position = reading.ordinal.get(id(block))
        if position is None or not block.text or (limit is not None and position >= limit):
            continue
        if date_line(block.text) is not None or not headline_candidate(block, link_density(block)):
            continue
        near = max([1.0 for d in dates if 0 < d - position <= 3] + [0.8 for d in dates if 0 < position - d <= 2]
                   + [0.0])
        before_body = first is not None and 0 <= first - position <= 6
        total, signals = score(block, reading.hints, near, before_body)
        if total > best_score:
            best, best_score, best_signals = block, total, signals
    if best is None or best_score < 0.45:
        return None, NONE
    return best, ("+".join(best_signals), round(min(1.0, best_score), 2))


def _date(reading: _Reading, headline: Block | None) -> tuple[tuple[Block, DateLine] | None, tuple[str, float]]:
    """The date line nearest the headline (a "published" label beats an "updated" one), else the first labelled
    date of the article's container; never a date of a list of other articles."""
    lines = _date_lines(reading)
    if not lines:
        return None, NONE
    ordinal = reading.ordinal
    if headline is not None:
        at = ordinal[id(headline)]
        near = []
        for block, line in lines:
            position = ordinal.get(id(block))
            if position is None:
                position = _chrome_position(reading, block)
            distance = position - at
            if -3 <= distance <= 6 and distance != 0:
                rank = abs(distance) + (0 if distance > 0 else 1) + (0 if line.label == "published" else
                                                                     1 if line.label == "" else 3)
                near.append((rank, block, line))
        if near:
            _, block, line = min(near, key=lambda item: item[0])
            return (block, line), ("near-headline" + (f":{line.label}" if line.label else ""),
                                   0.95 if line.label == "published" else 0.85)
    first = _first_core(reading)
    for block, line in lines:
        position = ordinal.get(id(block), _chrome_position(reading, block))
        in_box = reading.layout.container is not None and reading.layout.under(block, reading.layout.container)
        if (first is not None and position < first and in_box) or (line.label == "published" and in_box):
            return (block, line), ("in-container" + (f":{line.label}" if line.label else ""), 0.6)
    return None, NONE


def _chrome_position(reading: _Reading, block: Block) -> int:
    """The ordinal a chrome block would have: that of the next non-chrome block."""
    index = reading.blocks.index(block)
    return next((reading.ordinal[id(b)] for b in reading.blocks[index:] if id(b) in reading.ordinal), len(reading.ordinal))


# --- the article's blocks ------------------------------------------------------------------------------------


def _region(reading: _Reading, headline: Block | None, date: Block | None) -> list[Block]:
    """The article's blocks: those of the container after the headline, chrome and date lines left out."""
    layout = reading.layout
    blocks = layout.inside
    if headline is not None and any(b is headline for b in blocks):
        blocks = blocks[next(i for i, b in enumerate(blocks) if b is headline) + 1:]
    elif not blocks:
        anchor = date or headline
        if anchor is None:
            return []
        blocks = _after_anchor(reading, anchor)
    blocks = _cut_at_sections(blocks)
    return [b for b in blocks if id(b) not in layout.chrome and b is not date
            and (b.images or (b.text and date_line(b.text) is None))]


def _cut_at_sections(blocks: list[Block]) -> list[Block]:
    """The blocks up to the "Các tin khác" (or like) label that ends the article: one with more prose before it
    than after. Broken markup can nest the sidebar and footer in the article; a related list before the body
    has the body after it, and is only left out."""
    prose = [len(b.text) if is_core(b) else 0 for b in blocks]
    total = sum(prose)
    before = 0
    for index, block in enumerate(blocks):
        if block.text and is_section_label(block.text) and before and before >= total - before:
            return blocks[:index]
        before += prose[index]
    return blocks


def _after_anchor(reading: _Reading, anchor: Block) -> list[Block]:
    """Without prose enough for a container: the blocks after the anchor in the nearest element that holds
    the anchor and something after it."""
    blocks = reading.blocks
    index = blocks.index(anchor)
    after = [b for b in blocks[index + 1:] if (b.text or b.images) and id(b) not in reading.layout.chrome]
    if not after:
        return []
    for element in reading.layout.ancestors[id(anchor)]:
        if reading.layout.under(after[0], element):
            return [b for b in blocks[index + 1:] if reading.layout.under(b, element)]
    return after


def _fields(reading: _Reading, region: list[Block], headline: Block | None) -> None:
    page, layout, absolute = reading.page, reading.layout, reading.addresses.absolute
    role: dict[int, str] = {}
    # Attachments: file and servlet links of the article, and everything in a labelled attachment block.
    labelled = files.labelled_blocks(reading.blocks, layout.ancestors)
    seen: dict[str, int] = {}  # url → its place in page.attachments
    for block in [*region, *(b for b in labelled if all(b is not r for r in region))]:
        in_section = any(b is block for b in labelled)
        found = []
        for href, text in block.links:
            url = absolute(href)
            if url and files.is_attachment_url(url) and not is_image_url(url):
                found.append(text)
                if url not in seen:
                    seen[url] = len(page.attachments)
                    page.attachments.append(files.attachment(url, text))
                elif text and not page.attachments[seen[url]].link_text:  # an icon link first, then its name
                    page.attachments[seen[url]] = files.attachment(url, text)
        rest = block.text
        for text in found:
            rest = rest.replace(text, "", 1)
        if in_section or files.is_label(block.text) or (found and not _words(files.LABEL.sub("", rest))):
            role[id(block)] = "file"
    page.evidence["attachments"] = (("links", 0.8) if page.attachments else NONE)
    for block in region:
        if id(block) not in role and _link_run(block):
            role[id(block)] = "nav"  # "« Bài trước | Bài sau »" with titles, a book's table of contents
    texts = [b for b in region if b.text and id(b) not in role]
    # Author: a labelled byline between the headline and the first paragraph, else the signature line.
    first_core = next((i for i, b in enumerate(texts) if is_core(b) and not authors.byline(b.text)), len(texts))
    for block in texts[:first_core]:
        name = authors.byline(block.text)
        if name:
            page.author, role[id(block)] = name, "author"
            page.evidence["author"] = ("byline", 0.9)
            break
    header_dates = [b for b, _ in _date_lines(reading)]
    if not page.author:
        for block in header_dates:  # `Tác giả: X | Đăng lúc: ...` on the date line itself
            name = authors.byline(block.text)
            if name:
                page.author, page.evidence["author"] = name, ("byline:date-line", 0.85)
                break
    if not page.author and len(texts) >= 2:
        last = texts[-1]
        sequence = [b for b in region if (b.text or pictures(b)) and id(b) not in role]
        at = sequence.index(last)
        previous = sequence[at - 1] if at > 0 else None
        # A name right after an image may be its caption; not when the image's own block already holds one.
        uncaptioned = previous is not None and pictures(previous) and not caption_style(previous)[0]
        # A line right before an image, the article's last, is a caption printed above it, not a signature.
        above = at + 1 < len(sequence) and bool(pictures(sequence[at + 1]))
        confidence = authors.signature(last, bool(uncaptioned) or above)
        if confidence >= 0.6:
            page.author, role[id(last)] = authors.signature_text(last.text), "author"
            page.evidence["author"] = ("signature", confidence)
    if not page.author and region:
        # `Nguồn: X` in the article's footer, after a share bar, tags or a comment form: the first block after
        # the text that is not chrome, when it is a labelled byline.
        layout, end = reading.layout, region[-1]
        after = layout.inside[next(i for i, b in enumerate(layout.inside) if b is end) + 1:] if any(
            b is end for b in layout.inside) else []
        footer = next((b for b in after if b.text and id(b) not in layout.chrome and id(b) not in role), None)
        name = authors.labelled_byline(footer.text) if footer is not None and not footer.links else ""
        if name:
            page.author, role[id(footer)] = name, "author"
            page.evidence["author"] = ("byline:footer", 0.8)
    page.evidence.setdefault("author", NONE)
    # Figures and captions; the article's first line is its lead's place, never a caption before an image.
    sequence = [b for b in region if id(b) not in role and (b.text or pictures(b))]
    taken = {id(b) for b in region if id(b) in role}
    first_text = next((b for b in sequence if b.text and not pictures(b)), None)
    if first_text is not None:
        taken.add(id(first_text))
    figures = assign(sequence, taken)
    if first_text is not None and not any(f.caption is first_text for f in figures):
        taken.discard(id(first_text))
    for figure in figures:
        if figure.caption is not None:
            role[id(figure.caption)] = "caption"
        for n, img in enumerate(figure.pictures):
            caption = figure.caption_text if n == len(figure.pictures) - 1 else ""
            src = image_source(img)
            page.images.append(ImageRef(absolute(src), caption, squash(img.get("alt", "")), src))
        if not figure.block.text:
            role[id(figure.block)] = "image"
    captioned = [f for f in figures if f.caption is not None]
    page.evidence["images"] = ("blocks", 0.9) if figures else NONE
    page.evidence["captions"] = (
        "+".join(sorted({f.method.split(":")[-1] for f in captioned})),
        round(min(f.confidence for f in captioned), 2)) if captioned else NONE
    # Lead and body.
    rest = [b for b in region if b.text and id(b) not in role]
    lead, how, confidence = leads.find(rest, layout)
    if lead is not None:
        page.lead, role[id(lead)] = lead.text, "lead"
    page.evidence["lead"] = (how, confidence) if lead is not None else NONE
    page.body = [b.text for b in rest if id(b) not in role]
    page.evidence["body"] = ("container", layout.confidence) if page.body else NONE
    for block in region:
        if role.get(id(block)) in (None, "lead", "caption"):
            page.body_links += [url for url in (absolute(h) for h, _ in block.links)
                                if url.startswith("http") and url not in page.body_links and not is_image_url(url)
                                and not files.is_attachment_url(url)]
    html = "".join(f"<p>{b.html}</p>" for b in region if b.html and role.get(id(b)) != "author")
    page.body_html = _CLEANER.clean(html) if html else ""


def _link_run(block: Block) -> bool:
    """A block that is only links, two or more: navigation to other pages, never a paragraph of the article."""
    return len(block.links) >= 2 and link_density(block) >= 0.9 and not block.images


def _words(text: str) -> bool:
    return any(ch.isalnum() for ch in text)
