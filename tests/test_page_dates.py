"""Date lines in their forms, precision, Vietnam time; never a date of a related list or of the lead's sentence."""

from __future__ import annotations

import pytest

from archive.page.dates import date_line
from page_snippets import HEADLINE, OTHERS, P1, P2, P3, page, read


@pytest.mark.parametrize("text, iso, precision, label", [
    ("Đăng lúc: 13/12/2022 (GMT+7)", "2022-12-13T00:00:00+07:00", "day", "published"),
    ("Ngày 04/08/2020 17:29:33", "2020-08-04T17:29:33+07:00", "second", ""),
    ("Thứ Ba, 13/12/2022", "2022-12-13T00:00:00+07:00", "day", ""),
    ("Thứ Ba, 13/12/2022, 08:15 (GMT+7)", "2022-12-13T08:15:00+07:00", "second", ""),
    ("13-12-2022 08:15", "2022-12-13T08:15:00+07:00", "second", ""),
    ("13.12.2022", "2022-12-13T00:00:00+07:00", "day", ""),
    ("Ngày đăng: 13/12/2022 | Lượt xem: 1234", "2022-12-13T00:00:00+07:00", "day", "published"),
    ("Cập nhật: 08:15 13/12/2022", "2022-12-13T08:15:00+07:00", "second", "updated"),
    ("Đăng ngày 11 - 11 - 2023", "2023-11-11T00:00:00+07:00", "day", "published"),
    ("23-06-2025 16:30 Tác giả: Lê Thị Hạnh Lượt xem: 0", "2025-06-23T16:30:00+07:00", "second", ""),
    ("13 tháng 12, 2022", "2022-12-13T00:00:00+07:00", "day", ""),
    ("ngày 13 tháng 12 năm 2022", "2022-12-13T00:00:00+07:00", "day", ""),
    ("4 tháng 8, 2020 lúc 17:29:33", "2020-08-04T17:29:33+07:00", "second", ""),
    ("Ngày đăng: 13 tháng 12, 2022", "2022-12-13T00:00:00+07:00", "day", "published"),
    ("(Cập nhật lúc 08:15 ngày 13/12/2022)", "2022-12-13T08:15:00+07:00", "second", "updated"),
])
def test_date_line_forms(text, iso, precision, label):
    line = date_line(text)
    assert line is not None and (line.when.isoformat(), line.precision, line.label) == (iso, precision, label)


@pytest.mark.parametrize("text", [
    "Ngày 12/3/2023, tại xã Xuân Lập, UBND huyện đã tổ chức hội nghị tổng kết công tác năm.",
    "date", "100%", "Lượt xem: 1234", "31/02/2023",
    "Ngày 13 tháng 12 năm 2022, tại xã Xuân Lập, UBND huyện đã tổ chức hội nghị tổng kết công tác năm.",
])
def test_not_date_lines(text):
    assert date_line(text) is None


@pytest.mark.parametrize("where", ["above", "below"])
def test_the_date_next_to_the_headline_above_or_below(where):
    date = "<div>Thứ Ba, 13/12/2022 08:15 | Lượt xem: 5678</div>"
    headline = f"<h2>{HEADLINE}</h2>"
    lead = "<p><b>Ngày 12/3/2023, tại xã Xuân Lập, UBND huyện đã tổ chức hội nghị.</b></p>"
    parts = date + headline if where == "above" else headline + date
    got = read(page(f"<article>{parts}{lead}<p>{P1}</p><p>{P2}</p>{OTHERS}</article>"))
    assert got.published.isoformat() == "2022-12-13T08:15:00+07:00" and got.published_precision == "second"
    assert got.evidence["published"][0].startswith("near-headline")


def test_no_date_line_is_no_date_not_one_from_the_list_or_the_lead():
    lead = "<p><b>Ngày 12/3/2023, tại xã Xuân Lập, UBND huyện đã tổ chức hội nghị.</b></p>"
    got = read(page(f"<h2>{HEADLINE}</h2>{lead}<p>{P1}</p><p>{P2}</p><p>{P3}</p>{OTHERS}"))
    assert got.published is None and got.published_precision == "" and got.evidence["published"] == ("none", 0.0)
    assert got.title == HEADLINE and got.method == "fallback"


def test_published_beats_updated():
    meta = "<div>Cập nhật: 14/12/2022 09:00</div><div>Ngày đăng: 13/12/2022</div>"
    got = read(page(f"<h2>{HEADLINE}</h2>{meta}<p>{P1}</p><p>{P2}</p>"))
    assert got.published.isoformat() == "2022-12-13T00:00:00+07:00"


@pytest.mark.parametrize("order", ["date-first", "views-first"])
def test_a_label_and_its_date_in_cells_of_their_own(order):
    # `<dt>Ngày đăng:</dt><dd>13 tháng 12, 2022</dd>` reads as one labelled line; the labels and the counter's
    # value are no body and no lead.
    date = "<dt>Ngày đăng:</dt><dd>13 tháng 12, 2022</dd>"
    views = "<dt>Đã xem:</dt><dd>1234</dd>"
    meta = f"<dl>{date + views if order == 'date-first' else views + date}</dl>"
    lead = "<p><strong>Sáng ngày 12/12/2022, UBND huyện Thọ Xuân tổ chức hội nghị về sản phẩm OCOP.</strong></p>"
    got = read(page(f"<article><header><h1>{HEADLINE}</h1>{meta}</header><div>{lead}<p>{P1}</p><p>{P2}</p></div>"
                    f"</article>"))
    assert got.published.isoformat() == "2022-12-13T00:00:00+07:00" and got.published_precision == "day"
    assert got.evidence["published"] == ("near-headline:published", 0.95)
    assert got.lead.startswith("Sáng ngày 12/12/2022") and got.body == [P1, P2]


@pytest.mark.parametrize("stated, iso, precision", [
    ("2022-12-13", "2022-12-13T00:00:00+07:00", "day"),
    ("2020-08-04T17:29:33+07:00", "2020-08-04T17:29:33+07:00", "second"),
])
def test_without_a_date_line_the_date_the_metadata_states(stated, iso, precision):
    article = (f'<article itemscope itemtype="http://schema.org/NewsArticle"><meta itemprop="datePublished" '
               f'content="{stated}"><h1 itemprop="headline">{HEADLINE}</h1><p>{P1}</p><p>{P2}</p></article>')
    got = read(page(article))
    assert (got.published.isoformat(), got.published_precision) == (iso, precision)
    assert got.evidence["published"][0] == "microdata"
