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
