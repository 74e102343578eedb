"""Chrome inside the article's container is none of author, lead, body or caption; the container is found by
its prose, not its class."""

from __future__ import annotations

import pytest

from archive.page.content import is_section_label, is_widget
from page_snippets import HEADLINE, OTHERS, P1, P2, P3, page, read

HEAD = f"<h2>{HEADLINE}</h2><div>Đăng lúc: 13/12/2022 (GMT+7)</div>"
LEAD = "Sáng ngày 12/12/2022, UBND huyện Thọ Xuân tổ chức hội nghị về phát triển sản phẩm OCOP năm 2023."
SIGNATURE = "<p style='text-align:right'><b>Lê Thị Hạnh</b></p>"
CHROME = {
    "share": ('<div>Chia sẻ: <a href="https://www.facebook.com/sharer.php?u=x">Facebook</a> '
              '<a href="https://zalo.me/share">Zalo</a></div>'),
    "print": '<div><a href="javascript:window.print()">In bài</a> | <a href="mailto:?subject=x">Gửi email</a></div>',
    "font": "<div>Cỡ chữ: <span>A-</span> <span>A+</span> <span>100%</span></div>",
    "views": "<div>Lượt xem: 1234</div>",
    "tags": '<div>Từ khóa: <a href="/tag/a">OCOP</a>, <a href="/tag/b">nông thôn mới</a></div>',
    "related": ('<div><div>Tin liên quan</div><ul><li><a href="/web/trang-chu/x/a.html">Hội nghị Ban Chấp hành '
                'Đảng bộ huyện lần thứ 12 tổng kết công tác năm 2022 và triển khai nhiệm vụ năm 2023</a></li></ul>'
                '</div>'),
    "others": OTHERS,
    "comments": ("<div><h4>Ý kiến bạn đọc</h4><form><div>Họ và tên</div><input name='n'><div>Email</div>"
                 "<textarea></textarea><button>Gửi ý kiến</button></form></div>"),
}


@pytest.mark.parametrize("text", ["Chia sẻ | In bài | Gửi email", "Cỡ chữ A- A+ 100%", "Lượt xem: 1234", "Facebook Zalo",
                                  "date", "Tất cả: 1017728"])
def test_widgets(text):
    assert is_widget(text)


@pytest.mark.parametrize("text", ["Các tin khác", "Tin liên quan:", "Ý kiến bạn đọc", "Tin cùng chuyên mục (5)"])
def test_section_labels(text):
    assert is_section_label(text)


@pytest.mark.parametrize("where", ["before", "after", "both"])
def test_chrome_before_or_after_the_body_is_no_field(where):
    chrome = "".join(CHROME.values())
    before = chrome if where in ("before", "both") else ""
    after = chrome if where in ("after", "both") else ""
    got = read(page(f"<div class='x'>{HEAD}{before}<p><b>{LEAD}</b></p><p>{P1}</p><p>{P2}</p><p>{P3}</p>"
                    f"{SIGNATURE}{after}</div>"))
    assert (got.title, got.lead, got.body, got.author) == (HEADLINE, LEAD, [P1, P2, P3], "Lê Thị Hạnh")
    assert got.published.isoformat() == "2022-12-13T00:00:00+07:00"


def test_an_article_split_over_a_header_box_and_a_body_box():
    article = (f"<div><div><h3>{HEADLINE}</h3><span>Ngày 04/08/2020 17:29:33</span></div>"
               f"<div><div><p>{P1}</p><p>{P2}</p></div><p>{P3}</p></div></div>")
    got = read(page(article))
    assert got.title == HEADLINE and got.body == [P1, P2, P3] and got.published_precision == "second"
    assert "Cơ quan chủ quản" not in " ".join(got.body) and got.author == ""
