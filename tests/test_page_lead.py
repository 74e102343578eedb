"""The lead only where the page sets one apart; chapters and documents without one have an empty lead."""

from __future__ import annotations

import pytest

from page_snippets import CHAPTER_URL, HEADLINE, P1, P2, P3, page, read

HEAD = f"<h2>{HEADLINE}</h2><div>Đăng lúc: 13/12/2022 (GMT+7)</div>"
LEAD = "Sáng ngày 12/12/2022, UBND huyện Thọ Xuân tổ chức hội nghị về phát triển sản phẩm OCOP năm 2023."


@pytest.mark.parametrize("lead, how", [
    (f"<p><strong>{LEAD}</strong></p>", "bold"),
    (f"<p style='font-weight:bold'>{LEAD}</p>", "bold"),
    (f"<p><em>{LEAD}</em></p>", "italic"),
    (f"<h3>{LEAD}</h3>", "heading"),
    (f"<div class='sapo'>{LEAD}</div>", "class"),
    (f"<div>{LEAD}</div>", "own-block"),
])
def test_a_lead_set_apart(lead, how):
    got = read(page(f"<article>{HEAD}{lead}<div><p>{P1}</p><p>{P2}</p><p>{P3}</p></div></article>"))
    assert got.lead == LEAD and got.evidence["lead"][0] == how
    assert got.body == [P1, P2, P3]


def test_a_chapter_without_a_lead_has_none():
    chapter = "Phần kết"
    got = read(page(f"<article><h2>{chapter}</h2><div>Đăng lúc: 13/09/2021</div><p>{P1}</p><p>{P2}</p>"
                    f"<p>{P3}</p></article>", title=chapter), url=CHAPTER_URL)
    assert got.kind == "chapter" and got.lead == "" and got.evidence["lead"] == ("none", 0.0)
    assert got.body == [P1, P2, P3]


def test_a_chapter_section_title_in_bold_is_no_lead():
    got = read(page(f"<article><h2>Phần kết</h2><div>Đăng lúc: 13/09/2021</div><p><b>I. BỐI CẢNH LỊCH SỬ</b></p>"
                    f"<p>{P1}</p><p>{P2}</p></article>", title="Phần kết"), url=CHAPTER_URL)
    assert got.lead == "" and got.body[0] == "I. BỐI CẢNH LỊCH SỬ"


def test_a_plain_first_sentence_is_body_not_lead():
    # A one-sentence opening paragraph looks like any other to a reader: never a lead by its position alone.
    got = read(page(f"<article>{HEAD}<p>{LEAD}</p><p>{P1}</p><p>{P2}</p><p>{P3}</p></article>"))
    assert got.lead == "" and got.evidence["lead"] == ("none", 0.0)
    assert got.body == [LEAD, P1, P2, P3]
