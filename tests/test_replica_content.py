"""The generated site: deterministic, faithful to the portal's confirmed facts, and changing by epoch as recorded."""

from __future__ import annotations

import unicodedata
from dataclasses import asdict, replace
from datetime import date

import pytest

from replica.content import ALIAS_HOST, MAIN_HOST, PROVINCE_HOST, slugify
from replica.epochs import build_site
from replica.truth import ground_truth

SEED, SIZE = 7, 80


@pytest.fixture(scope="module")
def epochs():
    return {n: build_site(SEED, SIZE, n) for n in (1, 2, 3)}


def test_slug_is_the_whole_title_folded_to_ascii():
    assert slugify("Lịch sử Đảng bộ huyện Thọ Xuân") == "lich-su-dang-bo-huyen-tho-xuan"
    assert slugify("Hội nghị: Ban Chấp hành (lần 3), ngày 13/12/2022!") == "hoi-nghi-ban-chap-hanh-lan-3-ngay-13122022"
    # Decomposed input folds the same way, and nothing is cut however long the title.
    long_title = "Đền thờ Lê Hoàn " * 20
    assert slugify(unicodedata.normalize("NFD", long_title)) == "-".join(["den-tho-le-hoan"] * 20)


def test_same_seed_same_site_other_seed_other_site():
    assert asdict(build_site(SEED, SIZE, 2)) == asdict(build_site(SEED, SIZE, 2))
    assert [p.title for p in build_site(SEED + 1, SIZE).pages] != [p.title for p in build_site(SEED, SIZE).pages]


def test_sizes_are_honoured(epochs):
    articles = [p for p in epochs[1].pages if p.kind in ("article", "document")]
    assert len(articles) == SIZE
    assert len([p for p in build_site(SEED, 500).pages if p.kind in ("article", "document")]) == 500


def test_dates_span_2015_to_the_last_article_seen(epochs):
    dates = [p.published.date() for p in epochs[1].pages if p.kind in ("article", "document")]
    assert max(dates) == date(2025, 6, 23)
    assert min(dates) >= date(2015, 1, 1)
    assert min(dates).year <= 2016
    assert all(p.published.utcoffset().total_seconds() == 7 * 3600 for p in epochs[1].pages)


def test_confirmed_quirks_are_planted(epochs):
    site = epochs[1]
    truth = ground_truth(site)
    urls = [u for page in truth["pages"] for u in page["urls"]]
    canonical = [page["canonical_url"] for page in truth["pages"]]
    # A colliding slug gets "(1)", never a numeric id; and the encoded form is a URL of the same article.
    assert any(u.endswith("(1).html") for u in canonical)
    assert any("%281%29.html" in u for u in urls)
    assert any(u.endswith("/tong-quan/lich-su-dang-bo-huyen-tho-xuan/tap-3/phan-mo-dau(1).html") for u in canonical)
    assert any(u.endswith("/tong-quan/lich-su-dang-bo-huyen-tho-xuan/tap-1/phan-ket.html") for u in canonical)
    # The badly escaped "&" in a category slug, raw and encoded.
    assert any("/tin-tuc-su-kien/tin-van-hoa-amp;-the-thao/" in u for u in canonical)
    assert any("/tin-van-hoa-amp%3B-the-thao/" in u for u in urls)
    # Static pages have no extension; articles have no numeric id and full-length slugs.
    assert f"https://{MAIN_HOST}/web/trang-chu/tong-quan/chuc-nang-nhiem-vu" in canonical
    assert max(len(u.rsplit("/", 1)[1]) for u in canonical) > 190
    # Renamed categories on the newer alias host, and articles on both hosts.
    assert any(u.startswith(f"https://{ALIAS_HOST}/web/trang-chu/tin-tuc-su-kien-trong-huyen/") for u in urls)
    assert any(u.startswith(f"https://{ALIAS_HOST}/web/trang-chu/gioi-thieu/lich-su-van-hoa/") for u in urls)
    both = [p for p in site.pages if p.hosts == (MAIN_HOST, ALIAS_HOST) and p.kind == "article"]
    assert both and all(p.published.year >= 2022 for p in both)
    assert any(p.hosts == (ALIAS_HOST,) for p in site.pages)
    # One article under two categories.
    assert [p for p in truth["pages"] if len(p["categories"]) == 2]


def test_templates_nfd_images_and_attachments(epochs):
    pages = epochs[1].pages
    assert {p.template for p in pages} == {"old", "new"}
    assert all(p.template == "old" for p in pages if p.published.year < 2021 and p.kind in ("article", "document"))
    assert any(p.nfd for p in pages)
    images = [i for p in pages for i in p.images]
    assert sum(i.broken for i in images) == 1 and sum(i.large for i in images) == 1
    assert {i.src_form for i in images} >= {"root", "absolute", "protocol", "relative"}
    assert any(i.host == PROVINCE_HOST and i.path.startswith("/portal/Photos/") for i in images)
    names = [i.path.rsplit("/", 1)[1] for i in images]
    assert any(" " in n for n in names) and any("(" in n for n in names) and any(n.endswith(".JPG") for n in names)
    attachments = [a for p in pages for a in p.attachments]
    assert {a.filename.rsplit(".", 1)[1] for a in attachments} == {"pdf", "doc", "xls"}
    assert any(a.disposition and a.content_type == "application/octet-stream" for a in attachments)
    assert {a.href_form for a in attachments} == {"raw", "encoded"}
    assert any(not a.filename.isascii() for a in attachments)


def test_epoch_two_changes_exactly_what_it_records(epochs):
    one = {p.id: p for p in epochs[1].pages}
    two = {p.id: p for p in epochs[2].pages}
    removed = {p.id: p for p in epochs[2].removed}
    assert removed and not set(removed) & set(two)
    assert {p.removed for p in removed.values()} == {"404", "410", "unlisted"}
    assert set(one) == set(two) - {i for i, p in two.items() if "new" in p.changes} | set(removed)
    seen = set()
    for pid, page in two.items():
        if "new" in page.changes:
            assert pid not in one and page.published.date() > date(2025, 6, 23)
            continue
        before = one[pid]
        differs = {f for f in ("title", "body") if getattr(before, f) != getattr(page, f)}
        if before.images != page.images:
            differs |= {"caption"} if [i.caption for i in before.images] != [i.caption for i in page.images] else {"image"}
        assert differs == set(page.changes), pid
        assert before.slug == page.slug  # an edited title keeps its URL
        seen |= differs
    assert seen == {"title", "body", "caption", "image"}
    assert "body" in two["s01"].changes  # an overview page changes in place


def test_epoch_three_is_epoch_two_unchanged(epochs):
    strip = lambda p: replace(p, changes=())  # noqa: E731
    assert [strip(p) for p in epochs[3].pages] == [strip(p) for p in epochs[2].pages]
    assert [strip(p) for p in epochs[3].removed] == [strip(p) for p in epochs[2].removed]
    assert not any(p.changes for p in epochs[3].pages)
