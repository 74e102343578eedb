"""Captions: figcaption, a cell under the image, the paragraph after (italic or plain, with or without a full
stop, in parentheses; stored without either), or an italic/centred line before an image that has none after."""

from __future__ import annotations

import pytest

from page_snippets import HEADLINE, P1, P2, P3, page, read

HEAD = f"<h2>{HEADLINE}</h2><div>Đăng lúc: 13/12/2022 (GMT+7)</div><p><b>{P1}</b></p>"
IMG = '<img src="/documents/20182/0/hoi nghi.jpg" alt="hoi nghi.jpg" width="600">'
CAPTION = "Quang cảnh Hội nghị phát triển sản phẩm OCOP"


@pytest.mark.parametrize("figure, caption", [
    (f"<figure>{IMG}<figcaption>{CAPTION}</figcaption></figure>", CAPTION),
    (f"<table align='center'><tr><td>{IMG}</td></tr><tr><td>{CAPTION}</td></tr></table>", CAPTION),
    (f"<table><tr><td>{IMG}</td></tr><tr><td style='text-align:left'>{CAPTION}.</td></tr></table>", CAPTION),
    (f"<p style='text-align:center'>{IMG}</p><p><em>{CAPTION}</em></p>", CAPTION),
    (f"<p>{IMG}</p><p>{CAPTION}</p>", CAPTION),
    (f"<p>{IMG}</p><p>({CAPTION})</p>", CAPTION),
    (f"<p>{IMG}</p><p>{CAPTION}.</p>", CAPTION),
    (f"<p>{IMG}<br><i>{CAPTION}</i></p>", CAPTION),
    (f"<p>{IMG}</p><p><i>Ảnh: {CAPTION}</i></p>", f"Ảnh: {CAPTION}"),
])
def test_caption_forms(figure, caption):
    got = read(page(f"<article>{HEAD}<p>{P2}</p>{figure}<p>{P3}</p></article>"))
    assert [(i.url, i.caption) for i in got.images] == [
        ("https://thoxuan.thanhhoa.gov.vn/documents/20182/0/hoi%20nghi.jpg", caption)]
    assert got.body == [P2, P3]
    assert got.evidence["captions"][1] > 0


def test_an_italic_line_before_an_image_with_none_after():
    got = read(page(f"<article>{HEAD}<p>{P2}</p><p style='text-align:center'><em>{CAPTION}</em></p>"
                    f"<p>{IMG}</p><p>{P3}</p></article>"))
    assert [i.caption for i in got.images] == [CAPTION]
    assert got.body == [P2, P3] and got.evidence["captions"][0] == "italic"


def test_an_image_without_caption_keeps_the_next_paragraph_as_body():
    got = read(page(f"<article>{HEAD}<p>{IMG}</p><p>{P2}</p><p>{P3}</p></article>"))
    assert [i.caption for i in got.images] == [""] and got.body == [P2, P3]


def test_a_plain_short_line_before_an_image_with_none_after():
    # Themes that print the caption above the picture: a plain short line, the paragraph after is long prose.
    got = read(page(f"<article>{HEAD}<p>{P3}</p><p>{CAPTION}</p><p>{IMG}</p><p>{P2}</p></article>"))
    assert [i.caption for i in got.images] == [CAPTION]
    assert got.body == [P3, P2] and got.evidence["captions"][0] == "short-line"


def test_a_caption_after_an_image_is_not_taken_from_before_the_next_one():
    second = IMG.replace("hoi nghi", "toan canh")
    got = read(page(f"<article>{HEAD}<p>{P3}</p><p>{IMG}</p><p>{CAPTION}</p><p>Toàn cảnh hội nghị</p>"
                    f"<p>{second}</p><p>{P2}</p></article>"))
    assert [i.caption for i in got.images] == [CAPTION, "Toàn cảnh hội nghị"]
