"""crawler.cache: the resume cache, HTML pages only, on one SQLite table that a kill never tears."""

from __future__ import annotations

from scrapy import Request
from scrapy.http import Response

from crawler import cache
from crawler.cache import HtmlPolicy
from test_crawler_session import crawler_for

URL = "https://thoxuan.thanhhoa.gov.vn/web/trang-chu"


def test_html_pages_are_cached_and_nothing_else(tmp_path):
    policy = HtmlPolicy(crawler_for(tmp_path).settings)
    request = Request(URL)
    assert policy.should_cache_response(Response(URL, headers={"Content-Type": "text/html; charset=utf-8"}), request)
    assert not policy.should_cache_response(Response(URL, headers={"Content-Type": "image/jpeg"}), request)
    assert not policy.should_cache_response(Response(URL), request)
    # A transient error is fetched again on resume, not answered from the cache.
    assert not policy.should_cache_response(Response(URL, status=503, headers={"Content-Type": "text/html"}), request)


def test_the_dbm_scrapy_opens_is_a_mapping_that_outlives_its_process(tmp_path):
    path = str(tmp_path / "cache.db")
    db = cache.open(path, "c")
    db["a_data"] = b"<html>"
    db["a_time"] = "1700000000"
    db["b_data"] = b"gone"
    del db["b_data"]
    assert "a_data" in db and "b_data" not in db and len(db) == 2 and sorted(db) == ["a_data", "a_time"]
    db.close()
    again = cache.open(path, "c")
    assert again["a_data"] == b"<html>" and again.get("b_data") is None
    again.close()
