"""The author: the signature line even with chrome after it, or a byline near the headline; never body text."""

from __future__ import annotations

import pytest

from page_snippets import HEADLINE, OTHERS, P1, P2, P3, page, read

HEAD = f"<h2>{HEADLINE}</h2><div>Đăng lúc: 13/12/2022 (GMT+7)</div>"
SHARE = ('<div><span>Chia sẻ:</span> <a href="https://facebook.com/sharer">Facebook</a> <a href="https://zalo.me/s">'
         'Zalo</a> | <a href="javascript:print()">In bài</a> | <a href="mailto:?x">Gửi email</a></div>')
TAGS = '<div>Từ khóa: <a href="/tag/ocop">OCOP</a>, <a href="/tag/nong-thon-moi">nông thôn mới</a></div>'
COMMENTS = ("<div><h4>Ý kiến bạn đọc</h4><form><label>Họ và tên</label><input name='n'><label>Email</label>"
            "<textarea></textarea><button>Gửi</button></form></div>")


@pytest.mark.parametrize("signature, author", [
    ("<p style='text-align:right'><b>Đỗ Duy Nhã, Trung tâm VHTT, TT và DL huyện Thọ Xuân</b></p>",
     "Đỗ Duy Nhã, Trung tâm VHTT, TT và DL huyện Thọ Xuân"),
    ("<p>Lê Thị Hạnh</p>", "Lê Thị Hạnh"),
    ("<p align='right'>Phạm Mai Anh - Phòng Văn hóa và Thông tin huyện</p>",
     "Phạm Mai Anh - Phòng Văn hóa và Thông tin huyện"),
    ("<p><strong>Thái Xuân Cường (Văn phòng HĐND - UBND huyện)</strong></p>",
     "Thái Xuân Cường (Văn phòng HĐND - UBND huyện)"),
    ("<p>Nguồn: Báo Thanh Hóa</p>", "Báo Thanh Hóa"),
])
@pytest.mark.parametrize("chrome_after", [True, False])
def test_the_last_signature_line_even_with_chrome_after(signature, author, chrome_after):
    after = SHARE + TAGS + COMMENTS + OTHERS if chrome_after else ""
    got = read(page(f"<article>{HEAD}<p>{P1}</p><p>{P2}</p>{signature}{after}</article>"))
    assert got.author == author
    assert got.body == [P1, P2] and got.lead == ""  # a plain first paragraph is body, never a lead
    assert author not in " ".join(got.body)


@pytest.mark.parametrize("byline", [
    "<div>Tác giả: Lê Thị Hạnh</div>", "<div>PV: Lê Thị Hạnh</div>",
    "<div>Đăng lúc: 13/12/2022 | Tác giả: Lê Thị Hạnh | Lượt xem: 12</div>",
])
def test_a_byline_near_the_headline(byline):
    got = read(page(f"<article><h2>{HEADLINE}</h2><div>Đăng lúc: 13/12/2022</div>{byline}<p>{P1}</p><p>{P2}</p>"
                    f"<p>{P3}</p></article>"))
    assert got.author == "Lê Thị Hạnh" and got.evidence["author"][0].startswith("byline")
    assert not any("Tác giả" in p or "PV:" in p for p in got.body)


def test_a_last_sentence_is_no_author():
    got = read(page(f"<article>{HEAD}<p>{P1}</p><p>{P2}</p><p>{P3}</p></article>"))
    assert got.author == "" and got.evidence["author"] == ("none", 0.0)
    assert got.body[-1] == P3


@pytest.mark.parametrize("figure, author", [
    # The image's own block holds its caption: the name after it is the signature, not a second caption.
    ("<div align='center'>{img}<br><i>Quang cảnh hội nghị</i></div>", "Lê Thị Hạnh"),
    # An image with nothing in its block: the short line after it is its caption, never the author.
    ("<div align='center'>{img}</div>", ""),
])
def test_a_name_after_the_last_image(figure, author):
    img = '<img src="/documents/20182/0/hoi-nghi.jpg" width="600">'
    got = read(page(f"<article>{HEAD}<p>{P1}</p><p>{P2}</p>{figure.format(img=img)}"
                    f"<p align='right'><b>Lê Thị Hạnh</b></p></article>"))
    assert got.author == author and got.body == [P1, P2]


@pytest.mark.parametrize("name", ["Lê Thị Hạnh", '<span itemprop="author">Lê Thị Hạnh</span>'])
def test_a_source_in_the_articles_footer_below_the_comment_form(name):
    footer = f"<footer><div>Nguồn: {name}</div></footer>"
    got = read(page(f"<article>{HEAD}<div><p>{P1}</p><p>{P2}</p><p>{P3}</p></div>{TAGS}{SHARE}{COMMENTS}{footer}"
                    f"</article>{OTHERS}"))
    assert got.author == "Lê Thị Hạnh" and got.body == [P1, P2, P3]


def test_a_caption_above_the_last_image_is_no_signature():
    img = '<img src="/documents/20182/0/hoi-nghi.jpg" width="600">'
    caption = "Đồng chí Lê Đình Hải, Bí thư Huyện ủy phát biểu tại hội nghị"
    got = read(page(f"<article>{HEAD}<p>{P1}</p><p>{P2}</p><p>{caption}</p><p>{img}</p></article>"))
    assert got.author == "" and [i.caption for i in got.images] == [caption] and got.body == [P1, P2]
