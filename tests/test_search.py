"""archive.db.search and archive.text: Vietnamese search with or without diacritics, over a real archive."""

from __future__ import annotations

import unicodedata
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from archive.page.records import ImageRef, Page
from archive.db.search import SearchResult, fts_query, phrases, search
from archive.db.store import Archive
from archive.text import fold, fold_with_map, safe_filename

VN = ZoneInfo("Asia/Ho_Chi_Minh")
HOST = "https://thoxuan.thanhhoa.gov.vn"
MAIN = f"{HOST}/web/trang-chu"
FETCHED = datetime(2025, 6, 24, 9, 30, tzinfo=VN)

ARTICLES: dict[str, dict[str, Any]] = {
    "dang-bo": {
        "title": "Hội nghị Ban Chấp hành Đảng bộ huyện Thọ Xuân lần thứ 12",
        "lead": "Sáng 13/12, Ban Chấp hành Đảng bộ huyện tổ chức hội nghị.",
        "body": ["Người dân được hưởng lợi từ chương trình nông thôn mới nâng cao."],
    },
    "le-hoan": {  # stored as the portal may send it: decomposed (NFD)
        "title": "Lễ hội Lê Hoàn tại xã Xuân Lập",
        "lead": "Hàng nghìn người về dự lễ hội.",
        "body": ["Đền thờ Lê Hoàn là di tích quốc gia đặc biệt."],
    },
    "hoa-cu": {  # old tone placement
        "title": "Xã Xuân Hoá hoàn thành công trình thuỷ lợi",
        "lead": "Công trình thuỷ lợi phục vụ 200 ha lúa.",
        "body": ["Thị trấn Thọ Xuân hỗ trợ kinh phí."],
    },
    "hoa-moi": {  # new tone placement
        "title": "Xuân Hóa đón bằng công nhận",
        "lead": "Trạm bơm Thủy Lợi mới đi vào hoạt động.",
        "body": ["Bà Lê Thị Hạnh trao bằng."],
    },
    "ocop": {
        "title": "Sản phẩm OCOP của xã Thọ Hải",
        "lead": "Huyện có thêm 5 sản phẩm đạt 4 sao.",
        "body": ["Các hộ dân tham gia sản xuất."],
        "images": [ImageRef(f"{HOST}/documents/banh-gai.jpg", "Bánh gai Tứ Trụ được người tiêu dùng ưa chuộng")],
    },
    "dang-vien": {  # every word of "Đảng bộ huyện", never as the phrase
        "title": "Kết nạp đảng viên mới",
        "lead": "Chi bộ thôn 3 kết nạp 2 đảng viên.",
        "body": ["Ban Thường vụ huyện ủy chỉ đạo."],
    },
}


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    with Archive(tmp_path_factory.mktemp("search")) as opened:
        run = opened.start_run("main")
        for slug, fields in ARTICLES.items():
            fields = dict(fields)
            if slug == "le-hoan":
                fields = {k: unicodedata.normalize("NFD", v) if isinstance(v, str) else
                          [unicodedata.normalize("NFD", p) for p in v] for k, v in fields.items()}
            page = Page(url=f"{MAIN}/tin-tuc-su-kien/{slug}.html", kind="article", published_precision="day",
                        published=datetime(2024, 1, 1 + len(slug), tzinfo=VN), **fields)
            opened.save_page(run, page, FETCHED, "Tin tức - Sự kiện")
        yield opened


def slugs(archive: Archive, query: str, **kwargs) -> set[str]:
    return {r.canonical_url.rsplit("/", 1)[-1].removesuffix(".html") for r in search(archive, query, **kwargs)}


@pytest.mark.parametrize("query,expected", [
    ("tho xuan", {"dang-bo", "le-hoan", "hoa-cu"}),  # le-hoan: "Đền thờ", "Xuân Lập"
    ("Thọ Xuân", {"dang-bo", "le-hoan", "hoa-cu"}),
    ("THỌ XUÂN", {"dang-bo", "le-hoan", "hoa-cu"}),
    (unicodedata.normalize("NFD", "Thọ Xuân"), {"dang-bo", "le-hoan", "hoa-cu"}),
    ('"thọ xuân"', {"dang-bo", "hoa-cu"}),
    ('"THO XUAN"', {"dang-bo", "hoa-cu"}),
    ("dang bo", {"dang-bo", "dang-vien"}),
    ("Đảng bộ", {"dang-bo", "dang-vien"}),
    ("ĐẢNG BỘ", {"dang-bo", "dang-vien"}),
    ('"Đảng bộ huyện"', {"dang-bo"}),
    ('"dang bo huyen"', {"dang-bo"}),
    ("Đảng bộ huyện", {"dang-bo", "dang-vien"}),
    ("duoc", {"dang-bo", "ocop"}),
    ("được", {"dang-bo", "ocop"}),
    ("nguoi", {"dang-bo", "le-hoan", "ocop"}),
    ("người", {"dang-bo", "le-hoan", "ocop"}),
    ("le hoan", {"le-hoan"}),  # stored NFD, found by plain letters
    ("Lê Hoàn", {"le-hoan"}),
    ("đền thờ", {"le-hoan"}),
    ("Hoá", {"hoa-cu", "hoa-moi"}),
    ("Hóa", {"hoa-cu", "hoa-moi"}),
    ("xuan hoa", {"hoa-cu", "hoa-moi"}),
    ("Thuỷ", {"hoa-cu", "hoa-moi"}),
    ("Thủy", {"hoa-cu", "hoa-moi"}),
    ('"thuỷ lợi"', {"hoa-cu", "hoa-moi"}),
    ("banh gai", {"ocop"}),  # only in a caption
    ("tứ trụ", {"ocop"}),
    ("ocop 4 sao", {"ocop"}),
    ("Hà Nội", set()),
])
def test_vietnamese_with_or_without_diacritics(archive, query, expected):
    assert slugs(archive, query) == expected


HOSTILE = ['"unbalanced', "a*", "-x", "OR", "NEAR(", "(", ")", ":", "title:", "folded:x", '"', '""', "*", "^tho",
           "AND", "NOT", "tho OR", "OR xuan", "NEAR(tho xuan, 2)", "{folded}: x", "'", "\\", "tho -xuan", "xuan*",
           '"tho xuan', 'tho" xuan"', "rank", "+", "\x00", "đ", "", "   ", "🙂", "col:(a OR b)"]


@pytest.mark.parametrize("query", HOSTILE)
def test_fts_syntax_in_queries_never_raises(archive, query):
    results = search(archive, query)
    assert isinstance(results, list) and all(isinstance(r, SearchResult) for r in results)


def test_operators_are_words_not_syntax(archive):
    assert slugs(archive, "tho OR hanh") == set()  # OR is just one more word to find
    assert slugs(archive, "NEAR(tho xuan)") == set()
    assert slugs(archive, '"tho xuan') == {"dang-bo", "le-hoan", "hoa-cu"}  # an unbalanced quote is dropped
    assert slugs(archive, "thọ* -xuân") == {"dang-bo", "le-hoan", "hoa-cu"}
    assert search(archive, "") == search(archive, '"" * - :') == []


def test_results_carry_the_article_and_a_highlighted_snippet(archive):
    [result] = search(archive, '"dang bo huyen"')
    row = archive.db["articles"].get(result.article_id)
    assert (result.title, result.published, result.category_path, result.canonical_url) == (
        row["title"], "2024-01-08T00:00:00+07:00", "tin-tuc-su-kien", f"{MAIN}/tin-tuc-su-kien/dang-bo.html")
    assert result.snippet == "Sáng 13/12, Ban Chấp hành [Đảng bộ huyện] tổ chức hội nghị."
    assert isinstance(result.rank, float)
    [caption] = search(archive, "banh gai")
    assert caption.snippet == "[Bánh] [gai] Tứ Trụ được người tiêu dùng ưa chuộng"
    [nfd] = search(archive, "le hoan")
    assert "[Lê] [Hoàn]" in nfd.snippet and unicodedata.is_normalized("NFC", nfd.snippet)


def test_limit_and_offset_page_through_results_best_first(archive):
    everything = search(archive, "nguoi", limit=10)
    assert [r.rank for r in everything] == sorted(r.rank for r in everything)
    pages = search(archive, "nguoi", limit=2) + search(archive, "nguoi", limit=2, offset=2)
    assert [r.article_id for r in pages] == [r.article_id for r in everything]
    assert search(archive, "nguoi", limit=0) == []


def test_search_accepts_the_database_too(archive):
    assert search(archive.db, "Thọ Xuân") == search(archive, "Thọ Xuân")


def test_the_index_follows_the_latest_version(tmp_path):
    with Archive(tmp_path) as archive:
        run = archive.start_run()
        url = f"{MAIN}/tin-tuc-su-kien/ocop.html"
        archive.save_page(run, Page(url=url, kind="article", title="Sản phẩm OCOP", lead="Bánh gai Tứ Trụ."), FETCHED)
        assert len(search(archive, "banh gai")) == 1
        archive.save_page(run, Page(url=url, kind="article", title="Sản phẩm OCOP", lead="Nem chua Thọ Xuân."),
                          FETCHED)
        assert search(archive, "banh gai") == [] and len(search(archive, "nem chua")) == 1
        assert archive.db["article_versions"].count == 2


@pytest.mark.parametrize("text,folded", [
    ("Thọ Xuân", "tho xuan"), ("THỌ XUÂN", "tho xuan"), ("Đảng bộ", "dang bo"), ("ĐƯỢC", "duoc"),
    ("người", "nguoi"), ("Hoá", "hoa"), ("Hóa", "hoa"), ("Thuỷ", "thuy"), ("Thủy", "thuy"),
    (unicodedata.normalize("NFD", "Đảng bộ huyện Thọ Xuân"), "dang bo huyen tho xuan"),
    ("Ðà Nẵng", "da nang"),  # the eth that old encodings left in place of Đ
    ("İ", "i"),
])
def test_fold(text, folded):
    assert fold(text) == folded


def test_fold_with_map_points_back_into_the_text():
    text = unicodedata.normalize("NFD", "Đảng bộ")
    folded, origins = fold_with_map(text)
    assert folded == "dang bo" and len(origins) == len(folded)
    assert text[origins[0]] == "Đ" and text[origins[-1]] == "o"


def test_queries_are_folded_words_and_phrases():
    assert phrases('Thọ "Đảng bộ huyện" x*') == [("tho",), ("dang", "bo", "huyen"), ("x",)]
    assert fts_query('Thọ "Đảng bộ huyện"') == 'folded : ("tho" "dang bo huyen")'
    assert fts_query('" - * ( : ') == ""


@pytest.mark.parametrize("name,safe", [
    ("../../etc/passwd", "passwd"), ("..\\..\\boot.ini", "boot.ini"), ("bao\x00cao.pdf", "baocao.pdf"),
    ("..", ""), (".htaccess", "htaccess"), (unicodedata.normalize("NFD", "Quyết định.pdf"), "Quyết định.pdf"),
])
def test_safe_filename(name, safe):
    assert safe_filename(name) == safe
