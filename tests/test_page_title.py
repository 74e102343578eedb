"""The headline: any element, the site's name as <h1> or in <title> before or after, <title> as evidence."""

from __future__ import annotations

import pytest

from archive.page.title import title_core
from page_snippets import HEADLINE, P1, P2, P3, SITE, page, read

BODY = f"<p>{P1}</p><p>{P2}</p><p>{P3}</p>"


@pytest.mark.parametrize("title, core", [
    (f"{HEADLINE} - {SITE}", HEADLINE),
    (f"{SITE} | {HEADLINE}", HEADLINE),
    (f"{HEADLINE} - Cổng thông tin điện tử huyện Thọ Xuân - Thanh Hóa", HEADLINE),
    (f"Cổng TTĐT huyện Thọ Xuân :: {HEADLINE}", HEADLINE),
    (f"{HEADLINE} - Thọ Xuân", HEADLINE),
    ("Kinh tế - Xã hội - Cổng TTĐT huyện Thọ Xuân", "Kinh tế - Xã hội"),
    (SITE, ""),
    # a headline naming the district is no site name, even after one
    ("Cổng thông tin điện tử huyện Thọ Xuân - Thanh Hóa | Lịch sử Đảng bộ huyện Thọ Xuân - Tập 1 - Phần mở đầu",
     "Lịch sử Đảng bộ huyện Thọ Xuân - Tập 1 - Phần mở đầu"),
])
def test_the_site_name_is_cut_from_either_end_of_title(title, core):
    assert title_core(title) == core


@pytest.mark.parametrize("element", ["h2", "h3", "h4", "div", "span", "td", "strong"])
def test_the_headline_is_in_whatever_element_holds_it(element):
    holder = f"<{element}>{HEADLINE}</{element}>"
    if element == "td":
        holder = f"<table><tr>{holder}</tr></table>"
    elif element in ("span", "strong"):
        holder = f"<div>{holder}</div>"
    got = read(page(f"{holder}<div>Đăng lúc: 13/12/2022 (GMT+7)</div>{BODY}"))
    assert got.title == HEADLINE and got.method == "anchors"
    assert got.evidence["title"][1] >= 0.8


@pytest.mark.parametrize("title", [f"{SITE} - {HEADLINE}", f"{HEADLINE} | {SITE}", HEADLINE])
def test_the_only_h1_is_the_site_name_and_title_names_it_first_or_last(title):
    got = read(page(f"<h2>{HEADLINE}</h2><p>Thứ Ba, 13/12/2022</p>{BODY}", title=title))
    assert got.title == HEADLINE


def test_the_title_tag_picks_the_headline_among_headings():
    article = (f"<h2>Tin tức - Sự kiện</h2><h3>{HEADLINE}</h3><p>Ngày đăng: 13/12/2022</p>"
               f"<h4>Kinh tế - Xã hội</h4>{BODY}")
    assert read(page(article)).title == HEADLINE


def test_without_a_title_tag_the_heading_before_the_date_wins():
    got = read(page(f"<h2>{HEADLINE}</h2><div>13-12-2022 08:15</div>{BODY}", title=""))
    assert got.title == HEADLINE and "title-tag" not in got.evidence["title"][0]


def test_no_headline_block_is_title_tag_with_low_confidence():
    got = read(page(f"<p>Đăng lúc: 13/12/2022</p>{BODY}"))
    assert got.title == HEADLINE and got.evidence["title"] == ("title-tag", 0.5)
    assert got.method == "fallback"


def test_a_heading_that_shows_only_the_last_part_of_the_title_gets_the_full_title():
    # A book's chapter page shows "Phần kết" under the book's name; <title> names the page fully.
    full = "Lịch sử Đảng bộ huyện Thọ Xuân - Tập 1 - Phần kết"
    got = read(page(f"<h2>Phần kết</h2><div>Đăng lúc: 13/09/2021</div>{BODY}", title=f"{full} - {SITE}"))
    assert got.title == full and got.evidence["title"][0].startswith("title-tag")
