"""Attached files: links to documents or to a download servlet, in the article or in a block labelled
"File đính kèm", "Tệp đính kèm", "Tải về" wherever the page puts it.

Extraction only proposes candidates by their URL and place; whether a servlet answers with a file is the
spider's to learn from the response.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import unquote, urlsplit

from archive.page.markup import Block
from archive.page.records import AttachmentRef
from archive.urls import file_name, is_file_url

LABEL = re.compile(r"(file|tệp|tập tin|tài liệu|văn bản)\s+(đính kèm|kèm theo)|đính kèm|tải về|tải xuống|"
                   r"download|tải tệp|tải file", re.IGNORECASE)
# Servlets that hand out a file by number or name: /tai-ve?id=N, /download?..., /c/document_library/get_file?...
_SERVLET = re.compile(r"(^|/)(tai-?ve|tai-?xuong|download(s|file)?|get_?file|getfile|dinh-?kem|attachments?|"
                      r"file-?dinh-?kem|downloadfile|filedownload)(\.(ashx|aspx|php|jsp|do))?$", re.IGNORECASE)
_SERVLET_QUERY = re.compile(r"(^|&)(download|file|fileid|attachment|tai-?ve)(=|&|$)", re.IGNORECASE)


def is_label(text: str) -> bool:
    """A label of an attachment block: `File đính kèm:`, `Tải về`, `Tệp đính kèm (2)`."""
    stripped = text.strip(" :.-–»>|()0123456789")
    return len(text) <= 40 and bool(LABEL.fullmatch(stripped))


def is_attachment_url(url: str) -> bool:
    """A URL that looks like a file (by its extension) or a download servlet."""
    if is_file_url(url):
        return True
    parts = urlsplit(url)
    path = unquote(parts.path).rstrip("/")
    if path.endswith((".html", ".htm")):
        return False
    segments = path.split("/")
    if _SERVLET.search(path):
        return True
    # `/tai-ve/123`, `/download/abc.ashx`: the servlet's name followed by an identifier.
    if len(segments) >= 2 and _SERVLET.search("/" + segments[-2]):
        return True
    return bool(parts.query and _SERVLET_QUERY.search(parts.query))


def attachment(url: str, link_text: str) -> AttachmentRef:
    return AttachmentRef(url, unicodedata.normalize("NFC", file_name(url)) if is_file_url(url) else "", link_text)


def labelled_blocks(blocks: list[Block], ancestors: dict[int, list]) -> list[Block]:
    """Blocks of the page's attachment sections: a label and what follows it in the element it opens (or, when
    the label stands among other blocks, the following blocks of links)."""
    found: list[Block] = []
    for index, block in enumerate(blocks):
        if block.links and _led_by_label(block):
            found.append(block)  # `Tải về: a.pdf; b.doc` on one line
            continue
        if not is_label(block.text) or block.links:
            continue
        found.append(block)
        box = _opened(blocks, index, ancestors)
        if box is None:
            box = _headed_table(block, ancestors)
        if box is not None:
            found += [b for b in blocks if b is not block and (b.element is box or any(a is box for a in ancestors[id(b)]))]
            continue
        for follower in blocks[index + 1:]:
            if not follower.text and not follower.links:
                continue
            if not follower.links or sum(len(t) for _, t in follower.links) < 0.5 * len(follower.text):
                break
            found.append(follower)
    return found


def _led_by_label(block: Block) -> bool:
    """A line that opens with an attachment label and is otherwise its links: `Tệp đính kèm: a.pdf; b.doc`."""
    label = LABEL.match(block.text)
    if label is None or not block.text[label.end():].lstrip().startswith(":"):
        return False
    linked = sum(len(text) for _, text in block.links)
    return linked >= 0.6 * (len(block.text) - label.end())


def _headed_table(label: Block, ancestors: dict[int, list]):
    """The table whose header row holds the label (`STT | Tên tệp | Tải về`): its rows are the files."""
    if label.tag not in ("th", "td"):
        return None
    row = label.element.getparent()
    table = next((a for a in ancestors[id(label)] if a.tag == "table"), None)
    if row is None or table is None:
        return None
    first = next((r for r in table.iter("tr")), None)
    return table if first is row else None


def _opened(blocks: list[Block], index: int, ancestors: dict[int, list]):
    """The widest element whose first block is the label and that holds no prose beyond a few links."""
    label = blocks[index]
    box = None
    for element in [label.element, *ancestors[id(label)]]:
        members = [b for b in blocks if b.element is element or any(a is element for a in ancestors[id(b)])]
        first = next((b for b in members if b.text or b.images), None)
        if first is not label:
            break
        plain = sum(len(b.text) - sum(len(t) for _, t in b.links) for b in members if b is not label)
        if plain > 200:
            break
        box = element
    return box if box is not None and box is not label.element else None
