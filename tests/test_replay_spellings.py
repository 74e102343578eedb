"""spellings: a URL under every name the archive may hold it by."""

from __future__ import annotations

from archive.replay.spellings import spellings
from archive.urls import ALIAS_HOST, MAIN_HOST, normalise


def test_portal_urls_are_spelled_on_both_hosts_both_schemes_and_renamed_categories():
    normalised, raw = spellings(f"https:/{ALIAS_HOST}/web/trang-chu/tin-tuc-su-kien/bai viet.html?page=2")
    for host in (MAIN_HOST, ALIAS_HOST):
        for scheme in ("http", "https"):
            for folder in ("tin-tuc-su-kien", "tin-tuc-su-kien-trong-huyen"):
                url = f"{scheme}://{host}/web/trang-chu/{folder}/bai%20viet.html?page=2"
                assert url in raw and normalise(url) in normalised, url
    assert normalised <= raw


def test_other_hosts_are_spelled_as_given_only():
    normalised, raw = spellings("//evil.example/a b.png")
    assert {"//evil.example/a b.png", "https://evil.example/a b.png", "https://evil.example/a%20b.png"} <= raw
    assert normalise("https://evil.example/a%20b.png") in normalised
    assert not [u for u in raw if MAIN_HOST in u or ALIAS_HOST in u or u.startswith("http://")]
