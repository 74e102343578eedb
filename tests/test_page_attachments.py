"""Attachments: file links and download servlets, in the body or in a labelled block outside the article."""

from __future__ import annotations

import pytest

from archive.page.attachments import is_attachment_url
from page_snippets import HEADLINE, P1, P2, P3, page, read

HEAD = f"<h2>{HEADLINE}</h2><div>Đăng lúc: 13/12/2022 (GMT+7)</div>"
BODY = f"<p>{P1}</p><p>{P2}</p><p>{P3}</p>"
HOST = "https://thoxuan.thanhhoa.gov.vn"


@pytest.mark.parametrize("url, wanted", [
    (f"{HOST}/documents/20182/0/Quyết định 2889.pdf", True),
    (f"{HOST}/web/trang-chu/tai-ve?id=40627", True),
    (f"{HOST}/c/document_library/get_file?uuid=6d83&groupId=20182", True),
    (f"{HOST}/c/document_library/download?fileEntryId=40844&groupId=20182", True),
    (f"{HOST}/download/123", True),
    (f"{HOST}/DownloadFile.ashx?id=3", True),
    (f"{HOST}/web/trang-chu/van-ban/huong-dan-tai-ve-mau-don.html", False),
    (f"{HOST}/web/trang-chu/tin-tuc-su-kien", False),
    (f"{HOST}/documents/20182/0/anh.jpg", False),
])
def test_attachment_urls(url, wanted):
    assert is_attachment_url(url) is wanted


@pytest.mark.parametrize("label", ["File đính kèm:", "Tệp đính kèm", "Tải về"])
def test_a_labelled_block_outside_the_article(label):
    files = (f"<div><div>{label}</div><ul><li><a href='/web/trang-chu/tai-ve?id=7'>Phụ lục số liệu.xls</a></li>"
             "<li><a href='/documents/1/2/T%E1%BB%9D%20tr%C3%ACnh.docx'>Tờ trình</a></li></ul></div>")
    got = read(page(f"<article>{HEAD}{BODY}</article>", around=files))
    assert [(a.url, a.filename, a.link_text) for a in got.attachments] == [
        (f"{HOST}/web/trang-chu/tai-ve?id=7", "", "Phụ lục số liệu.xls"),
        (f"{HOST}/documents/1/2/T%E1%BB%9D%20tr%C3%ACnh.docx", "Tờ trình.docx", "Tờ trình")]
    assert got.kind == "document"
    assert not any(label.rstrip(":") in p for p in got.body) and got.body == [P1, P2, P3]


def test_servlet_links_in_the_body_and_the_label_never_in_the_body():
    files = ("<p>Tải về: <a href='/c/document_library/get_file?uuid=1&groupId=2'>Danh sách (tải về)</a></p>"
             "<p><a href='/web/trang-chu/tai-ve?id=9'>Tải về</a></p>")
    got = read(page(f"<article>{HEAD}{BODY}{files}</article>"))
    assert [(a.filename, a.link_text) for a in got.attachments] == [("", "Danh sách (tải về)"), ("", "Tải về")]
    assert got.body == [P1, P2, P3]
    assert not any("tai-ve" in link or "get_file" in link for link in got.body_links)


def test_a_label_and_its_links_on_one_line_outside_the_article():
    files = ('<p><b>Tải về:</b> <a href="/web/trang-chu/tai-ve?id=40307">Kế hoạch (tải về)</a>; '
             '<a href="/c/document_library/download?fileEntryId=40262&amp;groupId=20182">Phụ lục</a></p>')
    got = read(page(f"<table><tr><td>{HEADLINE}</td></tr><tr><td>Đăng lúc: 13/12/2022</td></tr><tr><td>{BODY}</td>"
                    f"</tr></table>{files}"))
    assert [a.link_text for a in got.attachments] == ["Kế hoạch (tải về)", "Phụ lục"]
    assert got.body == [P1, P2, P3]


@pytest.mark.parametrize("icon_first", [False, True])
def test_a_table_of_files_with_a_text_link_and_an_icon_link_per_row(icon_first):
    def row(n: int, href: str, name: str) -> str:
        cells = [f'<td><a href="{href}">{name}</a></td>', f'<td><a href="{href}" title="Tải về"><i></i></a></td>']
        return f"<tr><td>{n}</td>{''.join(reversed(cells) if icon_first else cells)}</tr>"
    table = ("<table><thead><tr><th>STT</th><th>Tên tệp</th><th>Tải về</th></tr></thead><tbody>"
             f"{row(1, '/c/document_library/download?fileEntryId=7&amp;groupId=2', 'Kế hoạch 963-KH-UBND.pdf')}"
             f"{row(2, '/web/trang-chu/tai-ve?id=9', 'Phụ lục kèm theo')}</tbody></table>")
    got = read(page(f"<article>{HEAD}{BODY}</article>", around=f"<div>{table}</div>"))
    assert [(a.url, a.link_text) for a in got.attachments] == [
        (f"{HOST}/c/document_library/download?fileEntryId=7&groupId=2", "Kế hoạch 963-KH-UBND.pdf"),
        (f"{HOST}/web/trang-chu/tai-ve?id=9", "Phụ lục kèm theo")]
    assert got.body == [P1, P2, P3]
