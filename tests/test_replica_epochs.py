"""Switching a running replica between epochs changes exactly what the ground truth says, and nothing else."""

from __future__ import annotations

import re
from urllib.parse import quote

from conftest import squash, strip_noise, visible_text

MAIN = "thoxuan.thanhhoa.gov.vn"


def all_listed(client, truth: dict) -> set[str]:
    """Every article href on every listing page of every host."""
    hrefs: set[str] = set()
    for listing in truth["listings"]:
        for n in range(1, listing["pages"] + 1):
            html = client.proxy(f"{listing['url']}?page={n}").text
            hrefs |= set(re.findall(r'class="item_title" href="([^"]+)"', html))
    return hrefs


def test_crawl_advance_crawl_again(make_replica):
    client = make_replica()
    one = client.truth()
    before = {p["id"]: client.proxy(p["canonical_url"]) for p in one["pages"]}
    images_before = {i["url"]: client.proxy(quote(i["url"], safe=":/")).body
                     for p in one["pages"] for i in p["images"] if not i["broken"]}

    assert client.control("/_replica/epoch?n=2")["epoch"] == 2
    two = client.truth()
    assert two["epoch"] == 2
    pages = {p["id"]: p for p in two["pages"]}
    old = {p["id"]: p for p in one["pages"]}

    for pid, page in pages.items():
        reply = client.proxy(page["canonical_url"])
        assert reply.status == 200
        if "new" in page["changes"]:
            assert pid not in old
            continue
        if set(page["changes"]) - {"image"}:  # new image bytes at the same URL leave the HTML as it was
            assert strip_noise(reply.body) != strip_noise(before[pid].body)
            assert reply.header("ETag") != before[pid].header("ETag")
            # A crawler holding the epoch-1 validators gets the new version, not a 304.
            assert client.proxy(page["canonical_url"], {"If-None-Match": before[pid].header("ETag")}).status == 200
            assert client.proxy(page["canonical_url"],
                                {"If-Modified-Since": before[pid].header("Last-Modified")}).status == 200
        if "body" in page["changes"]:
            new_paragraphs = set(page["body"]) - set(old[pid]["body"])
            assert len(new_paragraphs) == 1 and squash(new_paragraphs.pop()) in visible_text(reply.text)
        if "title" in page["changes"]:
            assert page["title"] != old[pid]["title"] and page["canonical_url"] == old[pid]["canonical_url"]
            assert page["title"] in visible_text(reply.text)
        if "caption" in page["changes"]:
            assert page["images"][0]["caption"] in visible_text(reply.text)
        if "image" in page["changes"]:
            url = page["images"][0]["url"]
            assert client.proxy(quote(url, safe=":/")).body != images_before[url]

    # Every image that was not replaced keeps its bytes.
    replaced = {p["images"][0]["url"] for p in pages.values() if "image" in p["changes"]}
    for url, body in images_before.items():
        if url not in replaced and any(url == i["url"] for p in pages.values() for i in p["images"]):
            assert client.proxy(quote(url, safe=":/")).body == body

    removed = {r["how"]: r for r in two["removed"]}
    assert client.proxy(removed["404"]["canonical_url"]).status == 404
    assert client.proxy(removed["410"]["canonical_url"]).status == 410
    assert client.proxy(removed["unlisted"]["canonical_url"]).status == 200
    listed = all_listed(client, two)
    for gone in two["removed"]:
        for url in gone["urls"]:
            assert url.split("gov.vn", 1)[-1].split("thoxuan.vn", 1)[-1] not in listed
    new_ids = [p for p in pages.values() if "new" in p["changes"]]
    assert new_ids and all(p["canonical_url"].split(MAIN, 1)[1] in listed for p in new_ids if p["hosts"][0] == MAIN)


def test_epoch_three_serves_epoch_two_again(make_replica):
    client = make_replica(epoch=2)
    two = client.truth()
    replies = {p["canonical_url"]: client.proxy(p["canonical_url"]) for p in two["pages"]}
    client.control("/_replica/epoch?n=3")
    three = client.truth()
    assert [dict(p, changes=[]) for p in three["pages"]] == [dict(p, changes=[]) for p in two["pages"]]
    for url, earlier in replies.items():
        reply = client.proxy(url, {"If-None-Match": earlier.header("ETag")})
        assert reply.status == 304, url
        assert strip_noise(client.proxy(url).body) == strip_noise(earlier.body)
    for listing in three["listings"][:4]:
        assert strip_noise(client.proxy(listing["url"]).body) == strip_noise(client.proxy(listing["url"]).body)


def test_unknown_epoch_is_refused(make_replica):
    client = make_replica()
    reply = client.direct("/_replica/epoch?n=7", method="POST")
    assert reply.status == 400 and b"epoch must be one of" in reply.body
    assert client.truth()["epoch"] == 1
