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
                                  "date", "Tất cả: 1017728", "| Gửi bạn bè | Về đầu trangLượt xem: 0", "Đã xem: 12"])
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


def test_links_to_the_previous_and_next_pages_are_no_body():
    # Worded ("Phần trước", "Bài sau") or titled: a block of links only is navigation, and the signature before
    # it is still the article's last line.
    for nav in ('<div><a href="/a.html">« Phần trước</a> | <a href="/b.html">Phần sau »</a></div>',
                '<div><a href="/a.html">« Lễ hội Lê Hoàn năm 2022</a> | <a href="/b.html">Hội nghị Ban Chấp hành »</a></div>',
                '<div><div>Mục lục</div><ol><li><a href="/a.html">Phần mở đầu</a></li><li><a href="/b.html">Chương I'
                '</a></li></ol></div>'):
        got = read(page(f"<article><h2>{HEADLINE}</h2><div>Đăng lúc: 13/12/2022</div><p>{P1}</p><p>{P2}</p>"
                        f"<p align='right'><b>Ban Thường vụ Huyện ủy Thọ Xuân</b></p>{nav}</article>"))
        assert got.body == [P1, P2], nav
        assert got.author == "Ban Thường vụ Huyện ủy Thọ Xuân"


def test_a_poll_beside_the_article_is_no_part_of_it():
    poll = ("<aside><div>Ý kiến thăm dò</div><div>Bạn đánh giá thế nào về giao diện mới của Cổng thông tin?</div>"
            "<div><input type='radio' name='p'> Rất đẹp</div><div><input type='radio' name='p'> Bình thường</div>"
            "<input type='button' value='Biểu quyết'></aside>")
    got = read(page(f"<div><article><h2>{HEADLINE}</h2><div>Đăng lúc: 13/12/2022</div><p>{P1}</p><p>{P2}</p>"
                    f"<p>{P3}</p></article>{poll}</div>"))
    assert got.body == [P1, P2, P3]


@pytest.mark.parametrize("facts", [
    "<table><tr><td>Số ký hiệu</td><td>413/KH-UBND</td></tr><tr><td>Loại văn bản</td><td>Kế hoạch</td></tr>"
    "<tr><td>Cơ quan ban hành</td><td>UBND huyện Thọ Xuân</td></tr><tr><td>Ngày ban hành</td><td>11/06/2025</td></tr>"
    "</table>",
    "<div>Số ký hiệu: 413/KH-UBND | Loại văn bản: Kế hoạch</div>",
    "<dl><dt>Số ký hiệu</dt><dd>413/KH-UBND</dd><dt>Người ký</dt><dd>Lê Đình Hải</dd></dl>",
])
def test_a_documents_register_facts_are_no_body_and_no_lead(facts):
    got = read(page(f"<article><h2>{HEADLINE}</h2><div>Đăng lúc: 13/12/2022</div>{facts}<div><p>{P1}</p><p>{P2}</p>"
                    f"<p>{P3}</p></div></article>"))
    assert got.body == [P1, P2, P3] and got.lead == ""


def test_a_line_of_other_articles_led_by_its_label_is_chrome():
    # A label and its links on one line (single <br>s between them): the related list, not the article's last line.
    others = ('<div><b>Các tin khác:</b><br>» <a href="/web/trang-chu/x/a.html">Lễ hội Lê Hoàn năm 2022 tại xã Xuân '
              'Lập</a> (01/03/2022)<br>» <a href="/web/trang-chu/x/b.html">Hội nghị Ban Chấp hành Đảng bộ huyện lần '
              'thứ 12</a> (02/02/2022)</div>')
    got = read(page(f"<div>{HEAD}<p>{P1}</p><p>{P2}</p>{SIGNATURE}{others}</div>"))
    assert got.body == [P1, P2] and got.author == "Lê Thị Hạnh"


def test_ckeditor_spans_change_no_paragraph_lead_or_author():
    # CKEditor wraps every run in font-size and font-family <span>s; the paragraphs, the bold lead (by <strong> or
    # by style) and the bold right-aligned signature read as without them, the print bar after them is chrome.
    def span(text: str) -> str:
        return f'<span style="font-size:14px;"><span style="font-family:Times New Roman">{text}</span></span>'
    tools = ('<div><a href="javascript:window.print()">Bản in</a> | <a href="mailto:?subject=x">Gửi bạn bè</a> | '
             '<a href="#top">Về đầu trang</a><span>Lượt xem: 12</span></div>')
    for lead in (f'<p style="text-align: justify;"><strong>{span(LEAD)}</strong></p>',
                 f'<p style="text-align: justify; font-weight: bold;">{span(LEAD)}</p>'):
        body = "".join(f'<p style="text-align: justify;">{span(p)}</p>' for p in (P1, P2, P3))
        signature = f'<p style="text-align: right;"><strong>{span("Lê Thị Hạnh")}</strong></p>'
        got = read(page(f"<div><header><h2>{HEADLINE}</h2></header>{lead}<div><i>(Cập nhật lúc 08:15 ngày 13/12/2022)"
                        f"</i></div><div>{body}{signature}</div>{tools}{OTHERS}</div>"))
        assert (got.lead, got.body, got.author) == (LEAD, [P1, P2, P3], "Lê Thị Hạnh")
        assert got.published.isoformat() == "2022-12-13T08:15:00+07:00"
