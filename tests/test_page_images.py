"""Lazy-loaded images: the real file from data-src, data-original, data-lazy-src or srcset; placeholders are none."""

from __future__ import annotations

import pytest

from archive.page.images import image_source, is_placeholder
from lxml import html as lxml_html

from page_snippets import HEADLINE, P1, P2, P3, page, read

REAL = "/documents/20182/0/hoi-nghi.jpg"


def img(markup: str):
    return lxml_html.fragment_fromstring(markup)


@pytest.mark.parametrize("markup", [
    f'<img src="/images/blank.gif" data-src="{REAL}">',
    f'<img src="data:image/gif;base64,R0lGOD" data-original="{REAL}">',
    f'<img src="/themes/x/loading.svg" data-lazy-src="{REAL}">',
    f'<img src="data:image/png;base64,AAA" srcset="/small.jpg 300w, {REAL} 1200w, /mid.jpg 800w">',
    f'<img src="{REAL}">',
])
def test_the_real_file_of_an_image(markup):
    assert image_source(img(markup)) == REAL


@pytest.mark.parametrize("src", ["/images/blank.gif", "data:image/gif;base64,R0l", "/img/spacer.png", ""])
def test_placeholders(src):
    assert is_placeholder(src)


def test_a_placeholder_alone_is_no_image_and_a_link_gives_the_full_size_file():
    figures = (f'<p><img src="/images/blank.gif"></p><p><a href="{REAL}"><img src="data:image/gif;base64,R0l"></a></p>'
               "<p><em>Quang cảnh hội nghị</em></p>")
    got = read(page(f"<article><h2>{HEADLINE}</h2><div>Đăng lúc: 13/12/2022</div><p>{P1}</p>{figures}<p>{P2}</p>"
                    f"<p>{P3}</p></article>"))
    assert [(i.url, i.caption) for i in got.images] == [
        (f"https://thoxuan.thanhhoa.gov.vn{REAL}", "Quang cảnh hội nghị")]
    assert got.body_html.count("<img ") == 1


def test_a_lazy_image_and_its_noscript_copy_are_one_image():
    gif = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"
    figure = (f'<p style="text-align:center"><img src="{gif}" data-lazy-src="{REAL}" width="640" height="400">'
              f'<noscript><img src="{REAL}"></noscript></p><p><em>Quang cảnh hội nghị</em></p>')
    got = read(page(f"<article><h2>{HEADLINE}</h2><div>Đăng lúc: 13/12/2022</div><p>{P1}</p>{figure}<p>{P2}</p>"
                    f"<p>{P3}</p></article>"))
    assert [(i.url, i.caption) for i in got.images] == [
        (f"https://thoxuan.thanhhoa.gov.vn{REAL}", "Quang cảnh hội nghị")]
    assert got.body_html.count("<img ") == 1


AMP = "https://thoxuan.thanhhoa.gov.vn"


def amp_page(content: str, after: str = "") -> str:
    return page(f"<article><h1>{HEADLINE}</h1><div><time datetime='2022-12-13'>13/12/2022</time></div>"
                f"<div>{content}</div>{after}</article>")


def test_an_amp_image_and_its_noscript_copy_are_one_image_with_its_figcaption():
    figure = (f'<figure><amp-img src="{REAL}" width="800" height="533" layout="responsive" alt="a">'
              f'<noscript><img src="{REAL}" alt="a"></noscript></amp-img>'
              "<figcaption>Quang cảnh hội nghị</figcaption></figure>")
    got = read(amp_page(f"<p>{P1}</p>{figure}<p>{P2}</p><p>{P3}</p>"))
    assert [(i.url, i.caption) for i in got.images] == [(AMP + REAL, "Quang cảnh hội nghị")]
    assert got.body == [P1, P2, P3]
    assert got.body_html.count("<img ") == 1


def test_amp_srcset_lazy_attributes_and_animations_read_as_img_does():
    figures = ('<p><amp-img src="data:image/gif;base64,R0l" srcset="/small.jpg 300w, /big.jpg 1200w" width="800" '
               'height="600"></amp-img></p><p><em>Ảnh lớn</em></p>'
               '<p><amp-anim src="/documents/20182/0/dong.gif" width="480" height="270"></amp-anim></p>'
               '<p><em>Ảnh động</em></p><p><amp-img src="/icons/print.png" width="16" height="16"></amp-img></p>')
    got = read(amp_page(f"<p>{P1}</p>{figures}<p>{P2}</p><p>{P3}</p>"))
    assert [(i.url, i.caption) for i in got.images] == [
        (AMP + "/big.jpg", "Ảnh lớn"), (AMP + "/documents/20182/0/dong.gif", "Ảnh động")]
    assert got.body == [P1, P2, P3]


def test_the_captions_of_an_amp_carousel_after_the_text_are_captions_not_body():
    slides = "".join(f'<figure><amp-img src="/documents/20182/0/{n}.jpg" width="800" height="533" layout="responsive">'
                     f'<noscript><img src="/documents/20182/0/{n}.jpg"></noscript></amp-img>'
                     f"<figcaption>{caption}</figcaption></figure>"
                     for n, caption in ((1, "Quang cảnh hội nghị"), (2, "Đại biểu phát biểu tại hội nghị")))
    carousel = f'<amp-carousel type="slides" layout="responsive" width="800" height="593">{slides}</amp-carousel>'
    got = read(amp_page(f"<p>{P1}</p><p>{P2}</p><p>{P3}</p>{carousel}", "<address>Lê Minh</address>"))
    assert [(i.url, i.caption) for i in got.images] == [
        (AMP + "/documents/20182/0/1.jpg", "Quang cảnh hội nghị"),
        (AMP + "/documents/20182/0/2.jpg", "Đại biểu phát biểu tại hội nghị")]
    assert got.body == [P1, P2, P3]
    assert got.author == "Lê Minh"
    assert got.body_html.count("<img ") == 2
