"""The replica over real HTTP on 127.0.0.1: directly, through the HTTP proxy and through CONNECT with TLS."""

from __future__ import annotations

import gzip
import http.client
import io
import re
import time
from urllib.parse import quote, urlsplit

import pytest
from PIL import Image as PILImage

from conftest import strip_noise

MAIN = "thoxuan.thanhhoa.gov.vn"
ALIAS = "thoxuan.vn"


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def find(truth: dict, test) -> dict:
    return next(p for p in truth["pages"] if test(p))


def test_root_redirects_and_robots_and_no_feeds(replica):
    reply = replica.direct("/")
    assert reply.status == 302 and reply.header("Location") == "/web/trang-chu"
    robots = replica.proxy(f"https://{MAIN}/robots.txt")
    assert robots.status == 200 and b"Disallow: /c/portal/login" in robots.body
    for path in ("/rss", "/sitemap.xml"):
        assert replica.proxy(f"https://{MAIN}{path}").status == 404
        assert replica.proxy(f"http://{ALIAS}{path}").status == 404


def test_home_over_every_way_in(replica):
    for reply in (replica.direct("/web/trang-chu"), replica.proxy(f"http://{MAIN}/web/trang-chu"),
                  replica.proxy(f"https://{MAIN}/web/trang-chu"), replica.proxy(f"https://{ALIAS}/web/trang-chu"),
                  replica.direct("/web/trang-chu", host=ALIAS)):
        assert reply.status == 200
        assert reply.header("Content-Type") == "text/html;charset=UTF-8"
        assert "Cổng thông tin điện tử huyện Thọ Xuân - Thanh Hóa" in reply.text
    assert "tin-tuc-su-kien-trong-huyen" in replica.proxy(f"https://{ALIAS}/web/trang-chu").text


def test_other_hosts_are_refused_at_once(replica):
    started = time.monotonic()
    assert replica.proxy("http://example.com/").status == 403
    assert replica.direct("/", host="example.com").status == 403
    with pytest.raises(OSError, match="403"):
        replica.proxy("https://example.com/")
    with pytest.raises(OSError, match="403"):
        replica.proxy(f"https://{ALIAS}:8443/")  # a portal host, but not its HTTPS port
    assert time.monotonic() - started < 5


def test_https_certificate_covers_all_three_hosts(replica):
    for host in (MAIN, ALIAS, "thanhhoa.gov.vn"):
        reply = replica.proxy(f"https://{host}/robots.txt")
        assert reply.status == 200


def test_gzip_only_when_accepted(replica, truth):
    url = truth["pages"][0]["canonical_url"]
    plain = replica.proxy(url)
    zipped = replica.proxy(url, {"Accept-Encoding": "gzip, deflate"})
    assert plain.header("Content-Encoding") is None
    assert zipped.header("Content-Encoding") == "gzip" and "Accept-Encoding" in zipped.header("Vary")
    assert strip_noise(gzip.decompress(zipped.body)) == strip_noise(plain.body)
    image = next(i for p in truth["pages"] for i in p["images"] if not i["broken"])
    assert replica.proxy(quote(image["url"], safe=":/"), {"Accept-Encoding": "gzip"}).header("Content-Encoding") is None


def test_listings_are_chunked_articles_have_a_length(replica, truth):
    listing = replica.proxy(f"https://{MAIN}/web/trang-chu/tin-tuc-su-kien")
    assert listing.header("Transfer-Encoding") == "chunked" and listing.header("Content-Length") is None
    article = replica.proxy(truth["pages"][0]["canonical_url"])
    assert int(article.header("Content-Length")) == len(article.body)


def test_repeated_set_cookie_headers(replica):
    reply = replica.proxy(f"https://{MAIN}/web/trang-chu")
    cookies = reply.headers.get_all("Set-Cookie")
    assert len(cookies) == 3 and cookies[0].startswith("JSESSIONID=")


def listing_items(html: str) -> list[str]:
    return re.findall(r'<a class="item_title" href="([^"]+)"', html)


def test_pagination_ten_a_page_then_an_empty_page(replica, truth):
    listing = next(x for x in truth["listings"] if x["host"] == MAIN and x["category_path"] == "tin-tuc-su-kien")
    assert listing["pages"] >= 3
    seen = []
    for n in range(1, listing["pages"] + 2):
        reply = replica.proxy(f"{listing['url']}?page={n}")
        assert reply.status == 200
        items = listing_items(reply.text)
        if n < listing["pages"]:
            assert len(items) == 10
            assert f"?page={n + 1}" in reply.text
        seen += items
    assert not items  # the page past the end: 200 with an empty list
    assert len(seen) == len(set(seen)) == listing["items"]
    news = {p["canonical_url"] for p in truth["pages"] if p["category_path"].startswith("tin-tuc-su-kien/")
            and p["hosts"][0] == MAIN}
    assert news <= {f"https://{MAIN}{h}" for h in seen}


def test_article_listed_under_two_categories_answers_at_both(replica, truth):
    page = find(truth, lambda p: len(p["categories"]) == 2)
    second = f"https://{MAIN}/web/trang-chu/{page['categories'][1]}/{page['canonical_url'].rsplit('/', 1)[1]}"
    assert second in page["urls"]
    listing = replica.proxy(f"https://{MAIN}/web/trang-chu/{page['categories'][1]}").text
    pages_text = listing
    for n in range(2, 12):
        if path_of(second) in pages_text:
            break
        pages_text = replica.proxy(f"https://{MAIN}/web/trang-chu/{page['categories'][1]}?page={n}").text
    assert path_of(second) in pages_text
    assert strip_noise(replica.proxy(second).body) == strip_noise(replica.proxy(page["canonical_url"]).body)


def test_every_url_of_a_page_serves_it(replica, truth):
    for page in truth["pages"]:
        if "(1)" in page["canonical_url"] or "amp;" in page["canonical_url"] or len(page["hosts"]) == 2:
            bodies = {strip_noise(replica.proxy(url).body).replace(b"thoxuan.vn", b"HOST").replace(MAIN.encode(), b"HOST")
                      for url in page["urls"] if url.startswith("https://" + page["hosts"][0])}
            assert len(bodies) == 1, page["canonical_url"]
            for url in page["urls"]:
                assert replica.proxy(url).status == 200, url


def test_conditional_requests(replica, truth):
    url = truth["pages"][3]["canonical_url"]
    first = replica.proxy(url)
    etag, modified = first.header("ETag"), first.header("Last-Modified")
    assert etag.startswith('W/"') and modified
    assert replica.proxy(url, {"If-None-Match": etag}).status == 304
    not_modified = replica.proxy(url, {"If-None-Match": etag})
    assert not_modified.body == b"" and not_modified.header("ETag") == etag
    assert replica.proxy(url, {"If-None-Match": '"something-else"'}).status == 200
    assert replica.proxy(url, {"If-Modified-Since": modified}).status == 304
    assert replica.proxy(url, {"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"}).status == 200
    # If-None-Match wins over If-Modified-Since (RFC 9110).
    assert replica.proxy(url, {"If-None-Match": '"other"', "If-Modified-Since": modified}).status == 200
    image = next(i for p in truth["pages"] for i in p["images"] if not i["broken"])
    image_url = quote(image["url"], safe=":/")
    tag = replica.proxy(image_url).header("ETag")
    assert not tag.startswith("W/") and replica.proxy(image_url, {"If-None-Match": tag}).status == 304
    # Listings carry no validators, as dynamic portal pages do not.
    assert replica.proxy(f"https://{MAIN}/web/trang-chu/van-ban").header("ETag") is None


def test_noise_changes_on_every_request_and_nothing_else(replica, truth):
    for template in ("old", "new"):
        url = find(truth, lambda p, template=template: p["template"] == template)["canonical_url"]
        a, b = replica.proxy(url).body, replica.proxy(url).body
        assert a != b
        assert strip_noise(a) == strip_noise(b)
        assert strip_noise(a).count(b"NOISE") == 1


def test_same_seed_same_bytes_noise_aside(make_replica, truth):
    one, two = make_replica(), make_replica()
    two.proxy(f"https://{MAIN}/web/trang-chu")  # put the second server's counters ahead
    urls = [f"https://{MAIN}/web/trang-chu", f"https://{ALIAS}/web/trang-chu/tin-tuc-su-kien-trong-huyen?page=2"]
    urls += [p["canonical_url"] for p in truth["pages"][:30]]
    for url in urls:
        a, b = one.proxy(url).body, two.proxy(url).body
        assert a != b or b"NOISE" not in strip_noise(a)
        assert strip_noise(a) == strip_noise(b), url


def test_images_are_valid_and_awkward(replica, truth):
    images = [i for p in truth["pages"] for i in p["images"]]
    for image in images:
        reply = replica.proxy(quote(image["url"], safe=":/"))
        if image["broken"]:
            assert reply.status == 404
            continue
        assert reply.status == 200
        picture = PILImage.open(io.BytesIO(reply.body))
        picture.verify()
        assert reply.header("Content-Type") == f"image/{picture.format.lower()}"
        if image["large"]:
            assert len(reply.body) > 2_000_000
    assert any(i["url"].startswith("https://thanhhoa.gov.vn/portal/Photos/") for i in images)
    banner = quote(urlsplit(truth["banner"]).path)
    assert replica.proxy(f"https://{MAIN}{banner}").status == 200
    assert replica.proxy(f"http://{ALIAS}{banner}").status == 200


def test_attachments_raw_encoded_and_by_content_disposition(replica, truth):
    attachments = [a for p in truth["pages"] for a in p["attachments"]]
    magic = {"pdf": b"%PDF-1.4", "doc": b"{\\rtf1", "xls": b"<?xml"}
    for att in attachments:
        path = urlsplit(att["url"]).path + (f"?{urlsplit(att['url']).query}" if urlsplit(att["url"]).query else "")
        encoded = quote(path, safe="/?=&")
        reply = replica.proxy(f"https://{MAIN}{encoded}")
        assert reply.status == 200, att["url"]
        assert reply.body.startswith(magic[att["filename"].rsplit(".", 1)[1]])
        assert reply.header("Content-Type") == att["content_type"]
        if att["content_disposition"] and "/get_file?" in att["url"]:
            assert att["content_type"] == "application/octet-stream" and "/get_file?" in att["url"]
            assert f"filename*=UTF-8''{quote(att['filename'])}" in reply.header("Content-Disposition")
    # Pages write Vietnamese file names raw (UTF-8 in the href) or percent-encoded; clients send them encoded.
    hrefs = []
    for page in truth["pages"]:
        if page["attachments"]:
            hrefs += re.findall(r'href="(/documents/[^"]+)"', replica.proxy(page["canonical_url"]).text)
    assert any(not h.isascii() for h in hrefs) and any("%E1%BA" in h for h in hrefs)


def test_province_pages_and_images(replica, truth):
    for url in truth["offsite_pages"]:
        reply = replica.proxy(url)
        assert reply.status == 200 and re.search(r"Đăng ngày \d\d - \d\d - \d{4}", reply.text)
    assert replica.proxy("https://thanhhoa.gov.vn/").status == 302


def test_control_endpoints_are_loopback_only(replica):
    assert replica.proxy(f"https://{MAIN}/_replica/truth").status == 404
    assert replica.direct("/_replica/").status == 200
    assert replica.direct("/_replica/ca.pem").body.startswith(b"-----BEGIN CERTIFICATE-----")


def test_head_answers_headers_only(replica, truth):
    url = truth["pages"][0]["canonical_url"]
    head = replica.proxy(url, method="HEAD")
    get = replica.proxy(url)
    assert head.status == 200 and head.body == b""
    assert head.header("ETag") == get.header("ETag")
    assert abs(int(head.header("Content-Length")) - len(get.body)) < 64  # the noise may differ by a few digits


def test_keep_alive_serves_many_requests_on_one_connection(replica, truth):
    conn = http.client.HTTPConnection("127.0.0.1", replica.server.port, timeout=30)
    try:
        for page in truth["pages"][:5]:
            conn.request("GET", page["canonical_url"].replace("https://", "http://"), headers={"Accept-Encoding": "gzip"})
            response = conn.getresponse()
            assert response.status == 200 and gzip.decompress(response.read())
        conn.request("GET", "http://thoxuan.thanhhoa.gov.vn/web/trang-chu/van-ban")  # chunked, then on again
        assert conn.getresponse().read().endswith(b"</html>")
        conn.request("GET", "http://thoxuan.vn/robots.txt")
        assert conn.getresponse().read().startswith(b"User-agent")
    finally:
        conn.close()
