"""The web UI over HTTP: `portal-archive browse` on an archive of two epochs of the replica, read as a client reads it.

The browser tests (what Chromium shows, runs and requests) are in test_browser.py.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import sqlite3
import subprocess
import sys
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from csv import DictReader
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urljoin

import yaml
from bs4 import BeautifulSoup

from archive.text import fold
from archive.urls import identity_key, normalise

OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # 127.0.0.1 directly, whatever the env says
ATOM = "{http://www.w3.org/2005/Atom}"


@dataclass
class Got:
    status: int
    headers: dict[str, str]
    body: bytes
    url: str

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    @property
    def soup(self) -> BeautifulSoup:
        return BeautifulSoup(self.body, "html.parser")


def get(base: str, path: str) -> Got:
    try:
        with OPENER.open(base + path, timeout=30) as r:
            return Got(r.status, {k.lower(): v for k, v in r.headers.items()}, r.read(), r.url)
    except urllib.error.HTTPError as e:
        return Got(e.code, {k.lower(): v for k, v in e.headers.items()}, e.read(), base + path)


def db(browsed) -> sqlite3.Connection:
    conn = sqlite3.connect(browsed.archive / "archive.db")
    conn.row_factory = sqlite3.Row
    return conn


def archived_pages(browsed) -> list[dict]:
    """Every page the archive holds, with its latest content: epoch 2's pages, and epoch 1's of those it removed."""
    gone = {p["canonical_url"] for p in browsed.truths[2]["removed"]}
    return browsed.truths[2]["pages"] + [p for p in browsed.truths[1]["pages"] if p["canonical_url"] in gone]


def words_of(page: dict) -> set[str]:
    captions = " ".join(img.get("caption", "") for img in page.get("images", []))
    return set(re.findall(r"\w+", fold(" ".join([page["title"], page["lead"], *page["body"], captions]))))


def expected_for(browsed, *words: str) -> set[str]:
    """The identity keys of the archived pages whose text has every one of `words` (folded)."""
    return {identity_key(p["canonical_url"]) for p in archived_pages(browsed) if set(words) <= words_of(p)}


def result_keys(browsed, hrefs: list[str]) -> list[str]:
    conn = db(browsed)
    return [conn.execute("select identity_key from articles where id = ?", [int(href.rsplit("/", 1)[1])]).fetchone()[0]
            for href in hrefs]


def result_urls(browsed, got: Got) -> set[str]:
    return set(result_keys(browsed, [a["href"] for a in got.soup.select("li.result a.title")]))


def all_results(browsed, query: str) -> tuple[int, set[str]]:
    got = get(browsed.url, "/search?q=" + quote(query))
    assert got.status == 200
    total = int(re.search(r"(\d+) kết quả", got.text).group(1))
    found = set()
    while True:
        found |= result_urls(browsed, got)
        nxt = got.soup.find("a", string=re.compile("Trang sau"))
        if not nxt:
            return total, found
        got = get(browsed.url, nxt["href"])


def edited_page(browsed, change: str) -> dict:
    return next(p for p in browsed.truths[2]["pages"] if change in p["changes"] and "new" not in p["changes"])


def article_id(browsed, page: dict) -> int:
    conn = db(browsed)
    ids = {conn.execute("select article_id from url_aliases where url = ?", [normalise(u)]).fetchone()
           for u in page["urls"]} - {None}
    assert len(ids) == 1, page["canonical_url"]
    return ids.pop()[0]


# -- home, search ---------------------------------------------------------------------------------------------------

def test_home_says_what_the_archive_holds(browsed):
    got = get(browsed.url, "/")
    assert got.status == 200 and got.headers["content-type"].startswith("text/html")
    conn = db(browsed)
    figures = got.soup.select_one("ul.figures").get_text(" ")
    for table, label in (("articles", "bài viết"), ("images", "ảnh"), ("files", "tệp đính kèm")):
        count = conn.execute(f"select count(*) from {table}").fetchone()[0]
        assert re.search(rf"\b{count}\s+{label}", figures), (table, count, figures)
    last = conn.execute("select id from crawl_runs order by id desc limit 1").fetchone()[0]
    assert f"số {last}" in got.soup.select_one(".last-run").text and "hoàn tất" in got.text
    latest = [a.text for a in got.soup.select("section.latest a")]
    newest = conn.execute("select title from articles order by published desc, id desc limit 3").fetchall()
    assert latest[:3] == [t for (t,) in newest]
    categories = {a.text: int(a.find_next_sibling("span").text) for a in got.soup.select("section.categories a")}
    assert sum(categories.values()) == conn.execute("select count(*) from articles").fetchone()[0]
    assert categories["Xây dựng Đảng"] == conn.execute(
        "select count(*) from articles where category_path = 'tin-tuc-su-kien/xay-dung-dang'").fetchone()[0]


def test_search_finds_what_the_replica_says_with_or_without_diacritics(browsed):
    expected = expected_for(browsed, "dang", "bo")
    assert len(expected) > 20  # a multi-page result
    total, found = all_results(browsed, "dang bo")
    assert total == len(expected) and found == expected
    total_vi, found_vi = all_results(browsed, "Đảng bộ")
    assert (total_vi, found_vi) == (total, found)


def test_search_highlights_matches_and_ranks_with_facets(browsed):
    got = get(browsed.url, "/search?q=" + quote("dang bo"))
    marks = [m.text for m in got.soup.select("li.result .snippet mark")]
    assert marks and {fold(m) for m in marks} <= {"dang", "bo", "dang bo"}
    facets = {a.text: int(a.find_next_sibling("span").text) for a in got.soup.select("aside.facets li a")}
    total = int(re.search(r"(\d+) kết quả", got.text).group(1))
    years = {k: v for k, v in facets.items() if re.fullmatch(r"\d{4}", k)}
    assert years and sum(years.values()) <= total
    year, count = max(years.items(), key=lambda kv: kv[1])
    narrowed = get(browsed.url, f"/search?q=dang+bo&year={year}")
    assert f"{count} kết quả" in narrowed.text
    days = [re.search(r"\d\d/\d\d/(\d{4})", m.text) for m in narrowed.soup.select("li.result .meta")]
    assert days and all(day and day.group(1) == year for day in days)


def test_search_by_category_and_date_range(browsed):
    conn = db(browsed)
    path = "tin-tuc-su-kien/xay-dung-dang"
    got = get(browsed.url, "/search?category=" + quote(path))
    count = conn.execute("select count(*) from articles where category_path = ?", [path]).fetchone()[0]
    assert f"{count} kết quả" in got.text
    parent = get(browsed.url, "/search?category=tin-tuc-su-kien")
    assert int(re.search(r"(\d+) kết quả", parent.text).group(1)) == conn.execute(
        "select count(*) from articles where category_path like 'tin-tuc-su-kien%'").fetchone()[0]
    ranged = get(browsed.url, "/search?from=2023-01-01&to=2023-12-31")
    assert int(re.search(r"(\d+) kết quả", ranged.text).group(1)) == conn.execute(
        "select count(*) from articles where published >= '2023-01-01' and published < '2024'").fetchone()[0]
    bad = get(browsed.url, "/search?from=2023-13-45x")
    assert bad.status == 400 and "YYYY-MM-DD" in bad.text


def test_search_survives_hostile_queries(browsed):
    for query in ['"', "* OR ( NEAR", "<script>alert(1)</script>", "đ" * 500, "\x00"]:
        got = get(browsed.url, "/search?q=" + quote(query))
        assert got.status == 200, query
        assert "<script>alert(1)" not in got.text


# -- article, versions, captures ------------------------------------------------------------------------------------

def test_article_page_shows_fields_images_and_captions_from_the_archive(browsed):
    page = next(p for p in browsed.truths[2]["pages"] if len(p["images"]) >= 2 and not p["changes"])
    got = get(browsed.url, f"/articles/{article_id(browsed, page)}")
    assert got.status == 200
    soup = got.soup
    assert soup.h1.text == page["title"]
    day = page["published"][:10].split("-")
    assert "/".join(reversed(day)) in soup.select_one("p.meta").text
    assert " ".join(page["lead"].split()) in " ".join(soup.select_one("article").get_text(" ").split())
    assert all(paragraph[:40] in soup.select_one("div.body").text for paragraph in page["body"])
    captions = [f.text for f in soup.select("section.images figcaption")]
    assert captions == [img["caption"] or img.get("alt", "") for img in page["images"]]
    conn = db(browsed)
    for img in soup.select("img"):
        src = img["src"]
        assert src.startswith("/media/"), src  # never hot-linked
        served = get(browsed.url, src)
        assert served.status == 200 and served.headers["content-type"].startswith("image/")
        path, = conn.execute("select path from images where digest = ?", ["sha256:" + src.rsplit("/", 1)[1]]).fetchone()
        assert served.body == (browsed.archive / path).read_bytes()
        assert hashlib.sha256(served.body).hexdigest() == src.rsplit("/", 1)[1]
    aliases = [li.contents[0].strip() for li in soup.select("section.aliases li")]
    assert sorted(aliases) == [u for (u,) in conn.execute(
        "select url from url_aliases where article_id = ? order by url", [article_id(browsed, page)])]
    assert len(aliases) >= 2


def test_article_page_offers_attachments_from_the_archive(browsed):
    page = next(p for p in browsed.truths[2]["pages"] if p["attachments"])
    got = get(browsed.url, f"/articles/{article_id(browsed, page)}")
    links = got.soup.select("section.attachments a")
    assert len(links) == len(page["attachments"])
    served = get(browsed.url, links[0]["href"])
    assert served.status == 200 and served.headers["content-disposition"].startswith("attachment;")
    assert served.headers["x-content-type-options"] == "nosniff"


def test_diff_shows_the_edited_paragraph(browsed):
    page = edited_page(browsed, "body")
    before = next(p for p in browsed.truths[1]["pages"] if p["canonical_url"] == page["canonical_url"])
    changed_new = [p for p in page["body"] if p not in before["body"]]
    assert changed_new
    got = get(browsed.url, f"/articles/{article_id(browsed, page)}/diff")
    assert got.status == 200
    rows = got.soup.select("table.diff tbody tr")
    assert rows and any(r.select("ins") for r in rows)
    new_text = " ".join(r.select_one("td.new").get_text(" ") for r in rows)
    assert all(w in new_text for w in changed_new[0].split()[:5])
    article = get(browsed.url, f"/articles/{article_id(browsed, page)}")
    assert len(article.soup.select("section.versions tbody tr")) == 2


def test_changed_and_removed_views(browsed):
    changed = get(browsed.url, "/changed")
    edited = {p["title"] for p in browsed.truths[2]["pages"]
              if set(p["changes"]) & {"title", "body", "caption", "image"} and "new" not in p["changes"]}
    listed = {a.text for a in changed.soup.select("table.list td:first-child a")}
    assert edited and edited == listed
    removed = get(browsed.url, "/removed")
    gone = {p["title"] for p in browsed.truths[2]["removed"]}
    assert gone and gone == {a.text for a in removed.soup.select("table.list td:first-child a")}
    assert any("HTTP 4" in td.text for td in removed.soup.select("table.list td:last-child"))


def test_atom_feed_of_new_and_changed_articles(browsed):
    got = get(browsed.url, "/feed.atom")
    assert got.headers["content-type"].startswith("application/atom+xml")
    feed = ET.fromstring(got.body)
    entries = feed.findall(f"{ATOM}entry")
    assert 0 < len(entries) <= 50
    for entry in entries:
        assert entry.find(f"{ATOM}id").text and entry.find(f"{ATOM}updated").text
        # relative, as the feed reader resolves it: never built from the request's Host header
        assert urljoin(got.url, entry.find(f"{ATOM}link").get("href")).startswith(browsed.url + "/articles/")
    titles = [e.find(f"{ATOM}title").text for e in entries]
    assert any(t.startswith("[Thay đổi] ") for t in titles)  # epoch 2's edits are the newest versions


def test_captures_and_as_captured_replay_stay_inside_the_ui(browsed):
    page = edited_page(browsed, "body")
    number = article_id(browsed, page)
    got = get(browsed.url, f"/articles/{number}")
    captures = got.soup.select("section.captures tbody tr a")
    assert len(captures) >= 2  # one per epoch at least
    shown = get(browsed.url, captures[-1]["href"])  # the oldest
    frame = shown.soup.select_one("iframe.replay")
    assert frame.has_attr("sandbox") and not frame["sandbox"] and frame["src"].startswith("/-/replay/record/")
    replayed = get(browsed.url, frame["src"])
    assert replayed.status == 200 and "sandbox" in replayed.headers["content-security-policy"]
    assert "script-src 'none'" in replayed.headers["content-security-policy"]
    soup = replayed.soup
    assert before_title(browsed, page) in soup.get_text()
    assert not soup.find_all("script")
    for tag in soup.find_all(src=True) + soup.find_all("link", href=True):
        url = tag.get("src") or tag.get("href")
        assert url.startswith("/-/replay/") or url.startswith("data:"), url
    images = [t["src"] for t in soup.find_all("img", src=True)]
    assert images and all(get(browsed.url, src).status == 200 for src in images)


def before_title(browsed, page: dict) -> str:
    return next(p["title"] for p in browsed.truths[1]["pages"] if p["canonical_url"] == page["canonical_url"])


def test_as_of_picks_the_latest_capture_on_or_before_the_day(browsed):
    page = edited_page(browsed, "body")
    number = article_id(browsed, page)
    none = get(browsed.url, f"/articles/{number}/as-of?date=2000-01-01")
    assert none.status == 404 and "Không có bản lưu" in none.text
    today = get(browsed.url, f"/articles/{number}/as-of?date=2099-12-31")
    assert today.status == 200 and "/captures/" in today.url
    conn = db(browsed)
    latest = conn.execute(
        """select r.record_id from fetches f join warc_records r on r.record_id = f.warc_record_id
           where f.url in (select url from url_aliases where article_id = ?) and f.status in (200, 304)
           order by r.date desc limit 1""", [number]).fetchone()[0]
    assert latest.removeprefix("<urn:uuid:").removesuffix(">") in today.url
    bad = get(browsed.url, f"/articles/{number}/as-of?date=yesterday")
    assert bad.status == 400


def test_xss_article_is_harmless_in_the_article_page_and_as_captured(browsed):
    url = browsed.truths[2]["faults"]["xss"]["urls"][0]
    page = next(p for p in archived_pages(browsed) if p["canonical_url"] == url)
    number = article_id(browsed, page)
    got = get(browsed.url, f"/articles/{number}")
    # datasette's base.html brings one inline script of its own (closing menus), which the CSP refuses too
    scripts = [s.get_text() for s in got.soup.find_all("script")]
    assert all("alert" not in s and "fetch" not in s for s in scripts) and len(scripts) <= 1
    assert "onerror" not in got.text.lower() and "onclick" not in got.text.lower()
    assert "javascript:" not in got.text.lower() and "evil.example" not in got.text
    csp = got.headers["content-security-policy"]
    assert "script-src 'none'" in csp and "img-src 'self' data:" in csp
    first = got.soup.select("section.captures tbody tr a")[-1]["href"]
    frame = get(browsed.url, first).soup.select_one("iframe.replay")["src"]
    replayed = get(browsed.url, frame).text.lower()
    assert "<script" not in replayed and "onerror" not in replayed and "javascript:" not in replayed
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", replayed)


def test_unknown_things_are_404_and_media_cannot_leave_the_archive(browsed):
    assert get(browsed.url, "/articles/999999").status == 404
    assert get(browsed.url, "/media/" + "0" * 64).status == 404
    assert get(browsed.url, "/media/../archive.db").status == 404
    assert get(browsed.url, "/captures/00000000-0000-0000-0000-000000000000").status == 404
    assert get(browsed.url, "/-/replay/20990101000000/https://evil.example/x.js").status == 404


# -- datasette: tables, SQL, JSON, CSV, metadata --------------------------------------------------------------------

def test_metadata_describes_every_table_and_column():
    metadata = yaml.safe_load((Path(__file__).parents[1] / "browse" / "metadata.yml").read_text(encoding="utf-8"))
    tables = metadata["databases"]["archive"]["tables"]
    from archive.db.schema import connect

    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        conn = connect(Path(tmp) / "archive.db")
        names = [n for (n,) in conn.execute("select name from sqlite_master where type in ('table', 'view')")]
        for name in names:
            assert name in tables, name
            if tables[name].get("hidden"):
                continue
            assert tables[name]["description"], name
            for column in conn[name].columns_dict:
                assert tables[name]["columns"].get(column), f"{name}.{column} is not described in metadata.yml"


def test_datasette_tables_sql_json_and_canned_queries(browsed):
    conn = db(browsed)
    total = conn.execute("select count(*) from articles").fetchone()[0]
    table = get(browsed.url, "/archive/articles_latest.json?_shape=array&_size=max")
    assert table.status == 200 and len(json.loads(table.body)) == total
    faceted = json.loads(get(browsed.url, "/archive/articles_latest.json").body)["facet_results"]
    labels = {f["value"]: f["count"] for f in faceted["category_label"]["results"]}
    assert labels["Xây dựng Đảng"] == conn.execute(
        "select count(*) from articles_latest where category_label = 'Xây dựng Đảng'").fetchone()[0]
    csv = get(browsed.url, "/archive/articles_latest.csv?_stream=on")
    assert csv.status == 200 and len({row["id"] for row in DictReader(io.StringIO(csv.text))}) == total
    # datasette's own full-text search finds what /search finds (docs/browse.md says so)
    searched = json.loads(get(browsed.url, "/archive/articles.json?_search=dang+bo&_size=max&_shape=array&_col=id")
                          .body)
    assert set(result_keys(browsed, [f"/articles/{r['id']}" for r in searched])) == all_results(browsed, "dang bo")[1]
    sql = get(browsed.url, "/archive.json?_shape=array&sql=" + quote("select count(*) as n from articles"))
    assert json.loads(sql.body) == [{"n": total}]
    latest = json.loads(get(browsed.url, "/archive/latest_news.json?_shape=array&category=").body)
    assert len(latest) == min(50, total)
    some = latest[0]["id"]
    images = json.loads(get(browsed.url, f"/archive/images_of_article.json?_shape=array&article={some}").body)
    assert len(images) == conn.execute("select count(*) from article_image_captions where article_id = ?",
                                       [some]).fetchone()[0]
    for name in ("articles_changed", "articles_removed", "attachments_of_article", "crawl_history"):
        got = get(browsed.url, f"/archive/{name}.json?_shape=array&article={some}")
        assert got.status == 200, name
    removed = json.loads(get(browsed.url, "/archive/articles_removed.json?_shape=array").body)
    assert len({r["id"] for r in removed}) == len(browsed.truths[2]["removed"])
    write = get(browsed.url, "/archive.json?sql=" + quote("delete from articles"))
    assert write.status == 400 and conn.execute("select count(*) from articles").fetchone()[0] == total


def test_browse_needs_an_archive(tmp_path):
    result = subprocess.run([sys.executable, "-m", "cli", "browse", "--archive", str(tmp_path / "none")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and "no archive" in result.stderr


def test_links_between_archived_articles_stay_in_the_archive(browsed):
    conn = db(browsed)
    row = conn.execute(
        """select v.article_id, l.identity_key from article_links l
           join article_versions v on v.id = l.version_id
           join url_aliases u on u.identity_key = l.identity_key
           limit 1""").fetchone()
    assert row is not None, "the replica's articles should link other archived articles"
    got = get(browsed.url, f"/articles/{row[0]}")
    hrefs = [a["href"] for a in got.soup.select("div.body a[href]")]
    target = conn.execute("select article_id from url_aliases where identity_key = ?", [row[1]]).fetchone()[0]
    assert f"/articles/{target}" in hrefs
