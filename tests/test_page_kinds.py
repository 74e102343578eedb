"""A page's kind from evidence: a listing shows dated links to articles and no prose of its own, whatever date
sits beside its heading; a page of prose at the same kind of address is a static page."""

from __future__ import annotations

import pytest

from page_snippets import P1, P2, P3, page, read

LISTING_URL = "https://thoxuan.thanhhoa.gov.vn/web/trang-chu/tin-tuc-su-kien/xay-dung-dang"
STATIC_URL = "https://thoxuan.thanhhoa.gov.vn/web/trang-chu/tong-quan/chuc-nang-nhiem-vu"
TITLES = ("Xã Xuân Lập: 3 kết quả nổi bật về kết nạp đảng viên mới", "Hội nghị sơ kết công tác xây dựng nông thôn mới",
          "Lễ dâng hương tại Đền thờ Lê Hoàn tại xã Xuân Lai")


def rows(style: str, n: int) -> str:
    out = []
    for k, title in enumerate(TITLES[:n]):
        link, date = f'<a href="/web/trang-chu/x/{k}.html">{title}</a>', f"- 1{k}/06/2025"
        out.append({"table": f"<tr><td>{date}</td><td>{link}</td></tr>",
                    "media": f"<div><h3>{link}</h3><span>{date}</span><div>{P1}</div></div>",
                    "list": f"<li>{link} <span>{date}</span></li>"}[style])
    return {"table": "<table>{}</table>", "media": "<div>{}</div>", "list": "<ul>{}</ul>"}[style].format("".join(out))


@pytest.mark.parametrize("style", ["table", "media", "list"])
@pytest.mark.parametrize("n", [1, 3])
def test_dated_article_links_without_prose_make_a_listing(style, n):
    got = read(page(f"<h2>Xây dựng Đảng</h2>{rows(style, n)}", title="Xây dựng Đảng"), url=LISTING_URL)
    assert got.kind == "listing"


def test_a_page_of_prose_with_a_date_is_static_even_beside_a_dated_link():
    got = read(page(f"<article><h2>Chức năng, nhiệm vụ</h2><div>Đăng lúc: 13/12/2022</div><p>{P1}</p><p>{P2}</p>"
                    f"<p>{P3}</p>{rows('list', 1)}</article>", title="Chức năng, nhiệm vụ"), url=STATIC_URL)
    assert got.kind == "static" and got.body[:3] == [P1, P2, P3]
