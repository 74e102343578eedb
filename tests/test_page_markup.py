"""Blocks: two or more <br> in a row end a paragraph, as on old FrontPage and ASP portals that write a whole article
as one element of <br><br>-separated runs; one <br> is a line break inside the paragraph."""

from __future__ import annotations

import pytest

from archive.page.markup import Reader, parse
from page_snippets import HEADLINE, P1, P2, P3, page, read

HEAD = f"<h2>{HEADLINE}</h2><div>Đăng lúc: 13/12/2022 (GMT+7)</div>"
LEAD = "Sáng ngày 12/12/2022, UBND huyện Thọ Xuân tổ chức hội nghị về phát triển sản phẩm OCOP năm 2023."
IMG = '<img src="/documents/20182/0/hoi nghi.jpg" alt="hoi nghi.jpg" width="600">'
CAPTION = "Quang cảnh Hội nghị phát triển sản phẩm OCOP"
AUTHOR = "Trịnh Văn Bình, Trung tâm VHTT huyện"


def blocks(html: str) -> list[tuple[str, bool]]:
    return [(b.text, b.bold) for b in Reader(lambda h: h, lambda img: "<img>").read(parse(html))]


@pytest.mark.parametrize("gap", ["<br><br>", "<br>\n<br>", "<br>&nbsp;<br>", "<br/> &nbsp; <br/><br>", "<BR><BR>"])
def test_two_breaks_in_a_row_end_a_paragraph(gap):
    assert blocks(f"<div>Đoạn một.{gap}Đoạn hai.{gap}Đoạn ba.</div>") == [
        ("Đoạn một.", False), ("Đoạn hai.", False), ("Đoạn ba.", False)]


def test_one_break_is_a_line_inside_the_paragraph():
    assert blocks("<div>Dòng một,<br>dòng hai.<br><br>Đoạn hai.</div>") == [
        ("Dòng một, dòng hai.", False), ("Đoạn hai.", False)]


def test_a_bold_run_that_is_a_whole_paragraph_is_a_bold_block():
    assert blocks("<td><font><strong>Tóm tắt.</strong><br>&nbsp;<br>Đoạn <b>một</b>.</font></td>") == [
        ("Tóm tắt.", True), ("Đoạn một.", False)]


def test_breaks_inside_an_inline_element_end_its_paragraph_too():
    got = Reader(lambda h: h, lambda img: "<img>").read(parse("<div><b>Tóm tắt.<br><br>Đoạn một.</b> Hết.</div>"))
    assert [(b.text, b.bold) for b in got] == [("Tóm tắt.", True), ("Đoạn một. Hết.", False)]
    assert got[0].html == "<b>Tóm tắt.</b>" and "<br>" not in got[1].html


def test_a_br_separated_article_reads_as_paragraphs():
    # One cell of old markup: a bold lead, paragraphs, a picture with its caption after one <br>, the signature.
    text = (f"<font face='Arial'><strong>{LEAD}</strong><br><br>{P1}<br><br>&nbsp;&nbsp;{P2}<br>&nbsp;<br>"
            f"{IMG}<br><em>{CAPTION}</em><br><br>{P3}<br><br><br><b>{AUTHOR}</b></font>")
    got = read(page(f"<article>{HEAD}<table><tr><td>{text}</td></tr></table></article>"))
    assert got.lead == LEAD and got.evidence["lead"][0] == "bold"
    assert got.body == [P1, P2, P3]
    assert got.author == AUTHOR and got.evidence["author"][0] == "signature"
    assert [i.caption for i in got.images] == [CAPTION]
    assert got.body_html.count("<p>") == 5  # lead, three paragraphs, the figure; the author is never in it


def test_a_caption_after_two_breaks_is_the_next_block():
    text = f"{P1}<br><br>{IMG}<br><br><i>{CAPTION}</i><br><br>{P2}<br><br>{P3}"
    got = read(page(f"<article>{HEAD}<div>{text}</div></article>"))
    assert [i.caption for i in got.images] == [CAPTION] and got.evidence["captions"][0] == "italic"
    assert got.body == [P1, P2, P3] and got.lead == ""


def test_a_plain_first_run_is_body_not_lead():
    got = read(page(f"<article>{HEAD}<div>{LEAD}<br><br>{P1}<br><br>{P2}</div></article>"))
    assert got.lead == "" and got.body == [LEAD, P1, P2]
