"""Markup variants: different pages for a parser, the same content for a reader, and the ground truth read off them."""

from __future__ import annotations

import re
import unicodedata

import pytest
from bs4 import BeautifulSoup

from conftest import squash, visible_text

from replica.epochs import build_site
from replica.markup import Renderer, make_variant

VARIANTS = (0, 1, 2, 5)


def structure(html: str) -> tuple[set[str], list[str]]:
    soup = BeautifulSoup(html, "html.parser")
    classes = {c for tag in soup.find_all(class_=True) for c in tag["class"]}
    return classes, [tag.name for tag in soup.find_all(True)]


def test_variants_differ_in_class_names_and_nesting():
    site = build_site(7, 80)
    page = next(p for p in site.pages if p.template == "new" and p.images and p.kind == "article")
    renders = {}
    for number in VARIANTS:
        renderer = Renderer(make_variant(number), site.by_id())
        renders[number] = renderer.article(page, page.hosts[0], page.path_in(page.category, page.hosts[0]), [])
    shapes = {n: structure(html) for n, html in renders.items()}
    for a in VARIANTS:
        for b in VARIANTS:
            if a < b:
                classes_a, tags_a = shapes[a]
                classes_b, tags_b = shapes[b]
                assert len(classes_a & classes_b) <= len(classes_a) // 3, (a, b)
                assert tags_a != tags_b, (a, b)
    assert len({visible_text(html) for html in renders.values()}) == 1


@pytest.mark.parametrize("variant", [0, 1])
def test_served_pages_read_as_the_ground_truth_says(make_replica, variant):
    client = make_replica(variant=variant)
    truth = client.truth()
    for page in truth["pages"]:
        reply = client.proxy(page["canonical_url"])
        assert reply.status == 200
        text = visible_text(reply.text)
        position = 0
        for piece in [page["title"], page["lead"], *page["body"], page["author"]]:  # all there, in this order
            position = text.find(squash(piece), position)
            assert position >= 0, (page["canonical_url"], piece)
        for image in page["images"]:
            assert f"({image['caption']})" in text or image["caption"] in text
        for attachment in page["attachments"]:
            assert attachment["link_text"] in text
        day = page["date"].split("-")[::-1]
        if page["template"] == "new":
            assert f"Đăng lúc: {'/'.join(day)} (GMT+7)" in text
            assert "Chiến lược - Định Hướng - Quy hoạch" in text and " 100% " in f" {text} "
            assert re.search(r"<span[^>]*>date</span>", reply.text)
        else:
            assert re.search(rf"Ngày {'/'.join(day)} \d\d:\d\d:\d\d", text)
            assert "Ý kiến thăm dò" in text and "Tất cả:" in text and "Hôm nay:" in text
        if page["kind"] in ("article", "document"):
            assert "Các tin khác" in text[position:]
        raw = reply.body.decode()
        assert (unicodedata.normalize("NFC", raw) != raw) == page["nfd"], page["canonical_url"]


def test_ground_truth_is_the_same_whatever_the_variant(make_replica):
    assert make_replica(variant=0).truth() == make_replica(variant=3).truth()


def test_new_template_paragraph_quirks(replica, truth):
    page = next(p for p in truth["pages"] if p["template"] == "new" and p["kind"] == "article" and len(p["body"]) >= 3
                and not p["nfd"])
    html = replica.proxy(page["canonical_url"]).text
    assert re.search(r">(&nbsp;){4}\S", html)  # indented with runs of &nbsp;
    assert re.search(r"<(p|div)>&nbsp;</\1>", html)  # paragraphs holding only &nbsp;
    assert re.search(r"<(strong|b)>" + re.escape(page["lead"][:20]), html)  # bold lead
    # The "Các tin khác" list carries dates of other articles: a trap for generic date extractors.
    others = html[html.index("Các tin khác"):]
    assert len(re.findall(r"\(\d\d/\d\d/\d{4}\)", others)) >= 1
