"""A meta charset that lies: valid UTF-8 bytes win over windows-1258 or iso-8859-1, and every URL is read from the
correctly decoded page."""

from __future__ import annotations

import pytest

from archive.page.decoding import decode_html
from page_snippets import HEADLINE, P1, P2, P3, URL, read


@pytest.mark.parametrize("meta", ["windows-1258", "iso-8859-1"])
@pytest.mark.parametrize("header", ["text/html", f"text/html; charset=iso-8859-1", None])
def test_utf8_bytes_under_a_lying_meta(meta, header):
    html = (f"<html><head><meta http-equiv='Content-Type' content='text/html; charset={meta}'>"
            f"<title>{HEADLINE}</title></head><body><h2>{HEADLINE}</h2><div>Đăng lúc: 13/12/2022</div>"
            f"<p>{P1}</p><p>{P2}</p><p>{P3} <a href='/web/trang-chu/tin-tuc-su-kien/lễ-hội.html'>Lễ hội</a></p>"
            f"<p><img src='/documents/1/0/Lễ hội.jpg'></p></body></html>")
    got = read(html, URL, header)
    assert got.charset == "utf-8" and got.title == HEADLINE
    assert any(problem.startswith("charset meta charset says") for problem in got.problems)
    assert "https://thoxuan.thanhhoa.gov.vn/web/trang-chu/tin-tuc-su-kien/l%E1%BB%85-h%E1%BB%99i.html" in got.links
    assert got.images[0].url == "https://thoxuan.thanhhoa.gov.vn/documents/1/0/L%E1%BB%85%20h%E1%BB%99i.jpg"


def test_a_bom_wins_and_a_real_windows_1258_page_still_reads():
    assert decode_html("\ufeff<p>Thọ</p>".encode("utf-8"), "text/html; charset=iso-8859-1")[:2] == ("<p>Thọ</p>", "utf-8")
    data = "<meta charset='windows-1258'><p>Xuân</p>".encode("cp1258")
    assert decode_html(data, None)[1] == "cp1258"


def test_requisites_come_from_the_correctly_decoded_document():
    """A header that lies about the charset must not make a request for a mojibake address."""
    from urllib.parse import unquote

    from archive.page.extract import extract

    html = ('<html><head><meta charset="utf-8"><link rel="stylesheet" href="/css/giao diện.css"></head><body>'
            '<h1>Tiêu đề</h1><img src="/images/blank.gif" data-src="/documents/Lễ hội Lê Hoàn.jpg" width="600">'
            '<script src="//thoxuan.vn/js/trang.js"></script></body></html>').encode()
    page = extract("https://thoxuan.thanhhoa.gov.vn/web/trang-chu/a.html", html, "text/html; charset=ISO-8859-1")
    assert [unquote(u) for u in page.requisites] == [
        "https://thoxuan.thanhhoa.gov.vn/css/giao diện.css",
        "https://thoxuan.thanhhoa.gov.vn/documents/Lễ hội Lê Hoàn.jpg",  # the file a lazy image stands for
        "https://thoxuan.thanhhoa.gov.vn/images/blank.gif",  # and its placeholder, which a browser loads too
        "https://thoxuan.vn/js/trang.js",
    ]
