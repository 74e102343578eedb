"""Extraction reads replica pages, in any markup variant and with content faults, as the ground truth says."""

from __future__ import annotations

import statistics
import unicodedata
from collections import Counter
from functools import cache
from urllib.parse import unquote, urlsplit

import pytest

from archive.page.extract import decode_html, extract
from archive.page.records import Page
from archive.urls import identity_key
from replica.catalog import Catalog
from replica.content import ALIAS_HOST, CATEGORIES, HOME, MAIN_HOST
from replica.epochs import build_site
from replica.markup import category_href, make_variant
from replica.truth import ground_truth

SEED = 7
ARTICLES = 80
VARIANTS = (0, 1, 2, 3, 5)
EPOCHS = (1, 2)
CONTENT_FAULTS = ("malformed-html", "wrong-charset", "xss")


@cache
def site_and_truth(epoch: int):
    site = build_site(SEED, ARTICLES, epoch)
    return site, ground_truth(site)


@cache
def catalog(epoch: int, variant: int) -> Catalog:
    return Catalog(site_and_truth(epoch)[0], make_variant(variant))


def fetch(cat: Catalog, url: str, fault: str = "") -> tuple[bytes, str]:
    """The bytes and Content-Type the replica serves for `url` (noise filled with "0"), with `fault` on that page."""
    parts = urlsplit(url)
    path = unquote(parts.path)
    res = cat.lookup(parts.hostname, path, parts.query, content_fault=lambda key: fault if key == path else "")
    return b"".join(p if isinstance(p, bytes) else b"0" for p in res.parts), res.content_type


def read(cat: Catalog, url: str, fault: str = "") -> Page:
    return extract(url, *fetch(cat, url, fault))


def squash(text: str) -> str:
    return " ".join(text.split())


def token_f1(got: list[str], want: list[str]) -> float:
    got_tokens, want_tokens = " ".join(got).split(), " ".join(want).split()
    if not got_tokens and not want_tokens:
        return 1.0
    common = sum((Counter(got_tokens) & Counter(want_tokens)).values())
    if not common:
        return 0.0
    precision, recall = common / len(got_tokens), common / len(want_tokens)
    return 2 * precision * recall / (precision + recall)


def differences(page: Page, truth: dict) -> list[str]:
    """Every field of `page` that differs from the ground truth (the body is scored apart)."""
    got = {
        "title": page.title, "kind": page.kind, "author": page.author, "lead": page.lead, "method": page.method,
        "published": (page.published.isoformat() if page.published else None, page.published_precision),
        "images": [(unquote(i.url), i.caption) for i in page.images],
        "attachments": [(a.filename, a.link_text) for a in page.attachments],
    }
    want = {
        "title": truth["title"], "kind": truth["kind"], "author": truth["author"], "lead": truth["lead"],
        "method": "anchors", "published": (truth["published"], truth["published_precision"]),
        # squash: the truth keeps the trailing space of a caption cut from the lead (`lead[:60]`).
        "images": [(unquote(i["url"]), squash(i["caption"])) for i in truth["images"]],
        # A servlet's URL names no file (the name is in Content-Disposition, which the spider reads).
        "attachments": [("" if a["content_disposition"] or "/get_file" in a["url"] else a["filename"], a["link_text"])
                        for a in truth["attachments"]],
    }
    found = [f"{truth['canonical_url']}: {name}: got {got[name]!r}, want {want[name]!r}"
             for name in got if got[name] != want[name]]
    linked = {identity_key(link) for link in page.links}
    found += [f"{truth['canonical_url']}: link to {link} missing" for link in truth["links"]
              if identity_key(link) not in linked]
    return found


@pytest.mark.parametrize("epoch", EPOCHS)
@pytest.mark.parametrize("variant", VARIANTS)
def test_every_page_reads_as_the_ground_truth(variant, epoch):
    cat = catalog(epoch, variant)
    truth = site_and_truth(epoch)[1]
    problems, scores, exact = [], [], 0
    for expected in truth["pages"]:
        page = read(cat, expected["canonical_url"])
        problems += differences(page, expected)
        scores.append((token_f1(page.body, expected["body"]), expected["canonical_url"]))
        exact += page.body == [squash(p) for p in expected["body"]]
    assert not problems, f"{len(problems)} differences, first ones:\n" + "\n".join(problems[:10])
    worst, worst_url = min(scores)
    summary = f"body token F1: mean {statistics.mean(s for s, _ in scores):.4f}, worst {worst:.4f} ({worst_url})"
    assert worst >= 0.99, summary
    assert exact == len(truth["pages"]), f"{len(truth['pages']) - exact} bodies not paragraph-exact; {summary}"


def test_the_date_traps_are_on_the_pages():
    """Leads starting "Ngày dd/mm/yyyy, ..." under old-template date lines, and dated "Các tin khác" lists."""
    truth = site_and_truth(1)[1]
    assert any(p["template"] == "old" and p["lead"].startswith("Ngày ") for p in truth["pages"])
    assert any(p["template"] == "new" and p["lead"].startswith("Ngày ") for p in truth["pages"])
    body, _ = fetch(catalog(1, 0), next(p for p in truth["pages"] if p["kind"] == "article")["canonical_url"])
    assert b"C\xc3\xa1c tin kh\xc3\xa1c" in body


@pytest.mark.parametrize("variant", VARIANTS)
def test_listings_sections_and_home_are_told_apart(variant):
    cat = catalog(1, variant)
    truth = site_and_truth(1)[1]
    wrong = []
    for listing in truth["listings"]:
        pages = [listing["url"], f"{listing['url']}?page={listing['pages'] + 1}"]  # the last, past the end
        if listing["pages"] > 1:
            pages.append(f"{listing['url']}?page=2")
        wrong += [(url, kind) for url in pages if (kind := read(cat, url).kind) != "listing"]
    for host in (MAIN_HOST, ALIAS_HOST):
        for category in CATEGORIES:
            if category.kind in ("section", "book") and (host == MAIN_HOST or category.alias_path):
                url = f"https://{host}{category_href(category.path, host)}"
                wrong += [(url, kind) for kind in [read(cat, url).kind] if kind != "section"]
        home = read(cat, f"https://{host}{HOME}")
        wrong += [(home.url, home.kind)] if home.kind != "home" else []
    assert not wrong


@pytest.mark.parametrize("fault", CONTENT_FAULTS)
@pytest.mark.parametrize("variant", VARIANTS)
def test_content_faults_change_nothing_read(variant, fault):
    cat = catalog(1, variant)
    truth = site_and_truth(1)[1]
    by_url = {p["canonical_url"]: p for p in truth["pages"]}
    targets = truth["faults"][fault]["urls"]
    assert targets
    for url in targets:
        page = read(cat, url, fault)
        assert differences(page, by_url[url]) == []
        assert page.body == by_url[url]["body"]


def test_a_wrong_charset_header_is_overruled_by_utf8_bytes():
    truth = site_and_truth(1)[1]
    url = truth["faults"]["wrong-charset"]["urls"][0]
    body, content_type = fetch(catalog(1, 0), url, "wrong-charset")
    assert "ISO-8859-1" in content_type
    text, charset, problems = decode_html(body, content_type)
    assert charset == "utf-8" and "Đăng lúc" in text
    assert problems == ["charset header says iso-8859-1, bytes are utf-8"]
    page = extract(url, body, content_type)
    assert page.charset == "utf-8" and page.problems == problems


def test_decode_html_falls_back_to_the_declared_charsets():
    cp1258 = "<p>Ngày 04/08/2020</p>".encode("cp1258")
    assert decode_html(cp1258, "text/html; charset=windows-1258")[:2] == ("<p>Ngày 04/08/2020</p>", "cp1258")
    meta = b'<meta charset="windows-1258">' + cp1258
    assert decode_html(meta, "text/html")[1] == "cp1258"
    text, charset, problems = decode_html(cp1258, "text/html; charset=utf-8")
    assert (text, charset) == ("<p>Ngày 04/08/2020</p>", "cp1258") and problems
    assert decode_html(b"<p>plain</p>", "text/html; charset=no-such-charset")[:2] == ("<p>plain</p>", "utf-8")
    assert decode_html(b"\xef\xbb\xbf<p>Th\xe1\xbb\x8d</p>", None)[0] == "<p>Thọ</p>"


@pytest.mark.parametrize("variant", VARIANTS)
def test_hostile_markup_never_reaches_body_html(variant):
    truth = site_and_truth(1)[1]
    url = truth["faults"]["xss"]["urls"][0]
    page = read(catalog(1, variant), url, "xss")
    html = page.body_html.lower()
    for bad in ("<script", "onerror", "onclick", "javascript:", "evil.example", "<iframe", "style="):
        assert bad not in html, bad
    assert html.count("<img ") == len(page.images) >= 1
    for image in page.images:
        assert f'src="{image.url.lower()}"' in html  # the absolute archive URL, for the web UI to rewrite
    assert not any(link.startswith(("javascript:", "mailto:")) or "#" == link for link in page.links)
    assert page.lead in page.body_html and page.author not in page.body_html


@pytest.mark.parametrize("body", [b"", b"   \n", b"\x00\xff binary", b"\x89PNG\r\n\x1a\n\x00\x00", b"<<<>>>",
                                  b"plain text, no markup at all"])
def test_garbage_is_other_and_never_raises(body):
    page = extract("https://thoxuan.thanhhoa.gov.vn/web/trang-chu/van-ban/x.html", body, "text/html")
    assert page.kind == "other" and page.problems


def test_an_attachment_is_other():
    truth = site_and_truth(1)[1]
    document = next(p for p in truth["pages"] if p["kind"] == "document")
    pdf = next(a for a in document["attachments"] if a["filename"].endswith(".pdf"))
    res = catalog(1, 0).lookup(MAIN_HOST, unquote(urlsplit(pdf["url"]).path))
    data = res.static_body()
    assert data.startswith(b"%PDF-")
    for content_type in ("application/pdf", None, "text/html"):
        page = extract(pdf["url"], data, content_type)
        assert page.kind == "other" and page.problems


def test_markup_the_replica_never_writes():
    """Anchors, not markup: a div headline confirmed by <title>, a date line with more on it, NFD text,
    a parenthesised caption under a centred image, list items, a .docx link and a right-aligned signature."""
    html = """<html><head><title>Tiêu đề bài - Cổng thông tin điện tử huyện Thọ Xuân - Thanh Hóa</title></head>
    <body><div><span>Trang chủ</span> &gt; <span>Tin tức</span></div><div><div>Tiêu đề bài</div>
    <p><i>Đăng lúc: 01/02/2023 (GMT+7)</i> | Lượt xem: 12</p>
    <p><b>Sáng ngày 01/02/2023, tại xã Xuân Lập, hội nghị đã diễn ra.</b></p>
    <p>Đoạn một có <a href="../x.html">liên kết</a>, và dấu chấm.</p>
    <center><img src="//thoxuan.vn/documents/a b.jpg" alt="a b.jpg"></center><p>(Ảnh: Quang cảnh hội nghị)</p>
    <p>Đoạn hai.<br>Dòng&nbsp;hai.</p><ul><li>Mục một của danh sách.</li><li>Mục hai.</li></ul>
    <p><a href="/documents/1/2/T%E1%BB%9D%20tr%C3%ACnh.docx">Tải về</a></p><p align=right><b>Lê Văn A</b></p>
    <h3>Các tin khác</h3><ul><li><a href="/a.html">Tin A</a> (01/01/2023)</li></ul></div>
    <div>Chân trang: UBND huyện Thọ Xuân, thị trấn Thọ Xuân, tỉnh Thanh Hóa.</div></body></html>"""
    url = "https://thoxuan.vn/web/trang-chu/tin-tuc-su-kien-trong-huyen/kinh-te-xa-hoi/tieu-de-bai.html"
    page = extract(url, unicodedata.normalize("NFD", html).encode(), "text/html")
    assert (page.kind, page.title, page.method) == ("document", "Tiêu đề bài", "anchors")
    assert page.published.isoformat() == "2023-02-01T00:00:00+07:00" and page.published_precision == "day"
    assert page.lead == "Sáng ngày 01/02/2023, tại xã Xuân Lập, hội nghị đã diễn ra."
    assert page.body == ["Đoạn một có liên kết, và dấu chấm.", "Đoạn hai. Dòng hai.", "Mục một của danh sách.",
                         "Mục hai."]
    assert page.author == "Lê Văn A"
    assert [(i.url, i.caption, i.src) for i in page.images] == [
        ("https://thoxuan.vn/documents/a%20b.jpg", "Ảnh: Quang cảnh hội nghị", "//thoxuan.vn/documents/a b.jpg")]
    assert [(a.filename, a.link_text) for a in page.attachments] == [("Tờ trình.docx", "Tải về")]
    assert "https://thoxuan.vn/web/trang-chu/tin-tuc-su-kien-trong-huyen/x.html" in page.links
