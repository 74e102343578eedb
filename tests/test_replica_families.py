"""Template families: the same content in structurally different markup, and the scorer that measures an archive.

Every family must read the same to a person (title, lead, body, captions, author, files, date), differ from the
others in structure (not only in class names), leave the ground truth alone, and serve the quirks it stands for:
download servlets, lazy images behind placeholders, a view counter that changes on every request, lying charsets.
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from datetime import datetime, timezone
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner

from conftest import squash, visible_text

from archive.urls import normalise
try:
    from archive.db.schema import connect
except ImportError:  # the archive package before its modules moved into subpackages
    from archive.schema import connect
from replica.catalog import PLACEHOLDERS, Catalog
from replica.cli import replica as replica_cli
from replica.epochs import build_site
from replica.families import FAMILIES, FRESH, HOLDOUT, TRAINING, choose_family, resolve
from replica.markup import fill_noise, make_variant
from replica.score import FIELDS, format_table, score, tokens_f1
from replica.truth import ground_truth

SEED, ARTICLES, MARKUP_SEED = 7, 30, 5
NAMES = tuple(FAMILIES)


@pytest.fixture(scope="module")
def site():
    return build_site(SEED, ARTICLES)


@pytest.fixture(scope="module")
def truth(site):
    return ground_truth(site)


@pytest.fixture(scope="module")
def catalogs(site):
    return {name: Catalog(site, make_variant(0), name, MARKUP_SEED) for name in NAMES}


def served(catalog: Catalog, url: str, hits: int = 1) -> str:
    parts = urlsplit(url)
    res = catalog.lookup(parts.hostname, parts.path)
    assert res.status == 200, url
    now = datetime(2025, 6, 24, tzinfo=timezone.utc)
    return b"".join(p if isinstance(p, bytes) else fill_noise(p, hits, now).encode() for p in res.parts).decode()


def test_registry_holdout_and_choice():
    assert len(FAMILIES) >= 11 and FAMILIES["classic"].held_out is False
    assert len(HOLDOUT) == 7 and all(FAMILIES[n].held_out for n in HOLDOUT)
    assert len(FRESH) == 2 and set(FRESH) <= set(HOLDOUT) and resolve("fresh", 4)[0] in FRESH
    assert set(TRAINING) == set(FAMILIES) - {"classic", *HOLDOUT}
    for cls in range(1, 11):  # every class of CMS patterns is exercised by several families, held out or not
        assert sum(cls in FAMILIES[n].classes for n in TRAINING) >= 2, cls
    assert {choose_family(s) for s in range(40)} == set(TRAINING)
    assert resolve() == ("classic", 0) and resolve(markup_seed=3)[0] in TRAINING
    assert resolve("holdout", 4)[0] in HOLDOUT and resolve("wp-news", 9) == ("wp-news", 9)
    with pytest.raises(ValueError):
        resolve("nope")


@pytest.mark.parametrize("name", NAMES)
def test_every_family_reads_as_the_content(name, catalogs, truth):
    catalog = catalogs[name]
    for page in truth["pages"]:
        html = served(catalog, page["canonical_url"])
        text = visible_text(html)
        where = text.find(squash(page["title"]))
        assert where >= 0, (name, page["canonical_url"], "title")
        if page["lead"]:
            assert squash(page["lead"]) in text, (name, page["canonical_url"], "lead")
        for paragraph in page["body"]:  # in order, after the headline
            where = text.find(squash(paragraph), where)
            assert where >= 0, (name, page["canonical_url"], paragraph[:40])
        assert squash(page["author"]) in text, (name, page["canonical_url"], "author")
        for image in page["images"]:
            assert image["caption"] in text, (name, page["canonical_url"], image["caption"])
        for attachment in page["attachments"]:
            assert attachment["link_text"] in text
        day = datetime.fromisoformat(page["published"])
        assert re.search(rf"{day:%d}[/.-]{day:%m}[/.-]{day:%Y}|\b{day.day} tháng {day.month}, {day:%Y}", text), (
            name, page["canonical_url"], "date")
        if page["published_precision"] == "second":
            assert f"{day:%H:%M:%S}" in text, (name, page["canonical_url"], "time")
        raw = html
        assert (unicodedata.normalize("NFC", raw) != raw) == page["nfd"], (name, page["canonical_url"])


def test_pages_without_a_lead_render_no_lead_element(site, catalogs, truth):
    leadless = [p for p in truth["pages"] if p["kind"] in ("chapter", "document")]
    assert leadless and all(p["lead"] == "" for p in leadless)
    assert all(p["lead"] for p in truth["pages"] if p["kind"] in ("article", "static"))
    chapter = next(p for p in leadless if p["kind"] == "chapter")
    assert len(chapter["body"]) == 9  # what was drawn as its lead is its first paragraph
    for name in NAMES:  # the first paragraph is a paragraph like the others: not bold, not a summary
        soup = BeautifulSoup(served(catalogs[name], chapter["canonical_url"]), "html.parser")
        first = soup.body.find(string=lambda s: squash(chapter["body"][0])[:60] in squash(s))
        assert first.parent.name not in ("strong", "b", "em", "i", "h2"), name
        classes = " ".join(c for tag in [first.parent, *first.parent.parents][:2] for c in tag.get("class", []))
        assert not re.search("sapo|summary|lead", classes), name


def region_tags(html: str, page: dict) -> list[str]:
    """Tag names of the smallest element holding both the headline and the last body paragraph."""
    soup = BeautifulSoup(html, "html.parser")
    body = soup.body
    title = body.find(string=lambda s: squash(page["title"]) in squash(s))
    last = body.find(string=lambda s: squash(page["body"][-1])[-40:] in squash(s))
    ancestors = [title.parent, *title.parent.parents]
    region = next(a for a in [last.parent, *last.parent.parents] if a in ancestors)
    return [tag.name for tag in region.find_all(True)]


@pytest.mark.parametrize("template", ["new", "old"])
def test_families_differ_in_structure_not_only_in_class_names(template, catalogs, truth):
    page = next(p for p in truth["pages"] if p["template"] == template and p["kind"] == "article" and p["images"]
                and not p["nfd"])
    shapes = {name: region_tags(served(catalogs[name], page["canonical_url"]), page) for name in NAMES}
    for a in NAMES:
        for b in NAMES:
            if a < b:
                assert shapes[a] != shapes[b], (a, b)
    texts = {visible_text(served(catalogs[name], page["canonical_url"])) for name in NAMES}
    assert len(texts) == len(NAMES)  # the chrome differs, the content (checked above) does not


def test_markup_seed_moves_parts_of_a_family(site, truth):
    page = next(p for p in truth["pages"] if p["template"] == "new" and p["kind"] == "article" and len(p["images"]) >= 2)
    renders = {seed: served(Catalog(site, make_variant(0), "joomla-item", seed), page["canonical_url"])
               for seed in range(6)}
    assert len(set(renders.values())) > 1
    again = served(Catalog(site, make_variant(0), "joomla-item", 3), page["canonical_url"])
    assert again == renders[3]


def test_truth_is_the_same_whatever_the_family(make_replica):
    base = make_replica(articles=ARTICLES).truth()
    assert make_replica(articles=ARTICLES, family="vnpt-egov", markup_seed=2).truth() == base
    held = make_replica(articles=ARTICLES, family="holdout", markup_seed=1)
    assert held.truth() == base
    status = held.control("/_replica/")
    assert status["family"] in HOLDOUT and status["markup_seed"] == 1


def disposition_name(value: str) -> tuple[str, str]:
    """(form, decoded name) of a Content-Disposition as http.client gives it (bytes as latin-1)."""
    star = re.search(r"filename\*=UTF-8''([^;]+)", value)
    if star:
        return ("rfc6266" if "filename=" in value.replace("filename*=", "") else "ext-only"), unquote(star.group(1))
    plain = re.search(r'filename="([^"]*)"', value).group(1)
    if "%" in plain:
        return "percent-quoted", unquote(plain)
    return "raw-utf8", plain.encode("latin-1").decode("utf-8")


def test_download_servlets_name_files_only_in_content_disposition(make_replica):
    client = make_replica(articles=ARTICLES, family="dnn-module")
    truth = client.truth()
    files = [(page, a) for page in truth["pages"] for a in page["attachments"] if a["content_disposition"]]
    forms, decomposed = set(), False
    for page, att in files:
        url = urlsplit(att["url"])
        assert "." not in url.path.rsplit("/", 1)[1] and url.query  # nothing in the link says it is a file
        reply = client.proxy(att["url"])
        assert reply.status == 200 and not reply.header("Content-Type").startswith("text/html")
        value = reply.header("Content-Disposition")
        assert value.startswith("attachment;")
        form, name = disposition_name(value)
        forms.add(form)
        assert form == att["disposition_form"]
        decomposed |= unicodedata.normalize("NFC", name) != name
        assert unicodedata.normalize("NFC", name) == att["filename"] and (name != att["filename"]) == att["disposition_nfd"]
        html = client.proxy(page["canonical_url"]).text  # the page links it, the link text is the truth's
        assert f'href="{url.path}?{url.query}"'.replace("&", "&amp;") in html and att["link_text"] in visible_text(html)
    assert forms == {"rfc6266", "ext-only", "raw-utf8", "percent-quoted"} and decomposed
    assert {urlsplit(a["url"]).path for _, a in files} >= {"/web/trang-chu/tai-ve", "/c/document_library/download"}


LAZY = {"vnpt-egov": "data-src", "wp-news": "srcset", "joomla-item": "data-original", "bootstrap-portal": "data-src",
        "magazine": "data-src", "schema-dl": "data-lazy-src"}


@pytest.mark.parametrize("name", sorted(LAZY))
def test_lazy_images_behind_placeholders(name, catalogs, truth):
    pages = [p for p in truth["pages"] if p["images"]]
    wanted, seen = set(), set()
    for page in pages:
        soup = BeautifulSoup(served(catalogs[name], page["canonical_url"]), "html.parser")
        for img in soup.find_all("img", attrs={LAZY[name]: True}):
            assert img["src"].startswith("data:") or urlsplit(img["src"]).path in PLACEHOLDERS
            value = img[LAZY[name]].split()[0] if LAZY[name] == "srcset" else img[LAZY[name]]
            real = unquote(urljoin(page["canonical_url"], value))
            seen.add(real)
            if img.parent.name == "a":  # linked to the full-size file, never to the placeholder
                assert unquote(urljoin(page["canonical_url"], img.parent["href"])) == real
        wanted |= {i["url"] for i in page["images"]}
    assert wanted <= seen
    placeholders = {i["url"] for p in truth["pages"] for i in p["images"]}
    assert not any(urlsplit(u).path in PLACEHOLDERS or u.startswith("data:") for u in placeholders)


def test_placeholders_are_served_and_images_are_linked_to_their_file(catalogs, truth):
    for gif in PLACEHOLDERS:
        res = catalogs["joomla-item"].lookup("thoxuan.thanhhoa.gov.vn", gif)
        assert res.status == 200 and res.content_type == "image/gif" and res.static_body().startswith(b"GIF89a")
    page = next(p for p in truth["pages"] if p["images"] and not p["images"][0]["broken"])
    for name in ("liferay-asset", "wp-news", "dnn-module", "bootstrap-portal"):
        soup = BeautifulSoup(served(catalogs[name], page["canonical_url"]), "html.parser")
        links = {unquote(urljoin(page["canonical_url"], a["href"])) for a in soup.find_all("a", href=True) if a.img}
        assert {i["url"] for i in page["images"]} <= links, name


@pytest.mark.parametrize("name", ["liferay-asset", "table-asp", "magazine", "ckeditor-print"])
def test_view_counter_changes_on_every_request(name, make_replica):
    client = make_replica(articles=20, family=name)
    page = next(p for p in client.truth()["pages"] if p["kind"] == "article")
    first, second = client.proxy(page["canonical_url"]), client.proxy(page["canonical_url"])
    counts = [re.search(r"Lượt xem: (\d+)", reply.body.decode()).group(1) for reply in (first, second)]
    assert counts[0] != counts[1] and first.body != second.body
    assert first.header("ETag") == second.header("ETag")


def test_charsets_that_lie_only_where_the_text_stays_readable(catalogs, truth):
    page = next(p for p in truth["pages"] if p["kind"] == "article")
    for name, meta, header in [("vnpt-egov", "windows-1258", "text/html;charset=UTF-8"),
                               ("dnn-module", "iso-8859-1", "text/html;charset=UTF-8"),
                               ("table-asp", "utf-8", "text/html"), ("magazine", "utf-8", "text/html"),
                               ("ckeditor-print", "windows-1258", "text/html;charset=UTF-8"),
                               ("schema-dl", "utf-8", "text/html"),
                               ("wp-news", "utf-8", "text/html;charset=UTF-8")]:
        parts = urlsplit(page["canonical_url"])
        res = catalogs[name].lookup(parts.hostname, parts.path)
        assert res.content_type == header, name
        head = served(catalogs[name], page["canonical_url"])[:400].lower()
        assert f"charset={meta}" in head.replace('"', ""), name


def test_serve_command_takes_a_family_and_a_markup_seed():
    result = CliRunner().invoke(replica_cli, ["serve", "--help"])
    assert "--family" in result.output and "--markup-seed" in result.output
    result = CliRunner().invoke(replica_cli, ["serve", "--family", "nope", "--port", "0"])
    assert result.exit_code != 0 and "unknown family" in result.output


# -- replica/score.py on a hand-made archive -------------------------------------------------------------------------

TRUTH = {"pages": [
    {"id": "a1", "kind": "article", "canonical_url": "https://thoxuan.thanhhoa.gov.vn/web/trang-chu/thong-bao/a.html",
     "urls": ["https://thoxuan.thanhhoa.gov.vn/web/trang-chu/thong-bao/a.html",
              "http://thoxuan.vn/web/trang-chu/thong-bao/a.html"],
     "title": "Hội nghị  Ban Chấp hành", "published": "2022-12-13T00:00:00+07:00", "published_precision": "day",
     "category_path": "thong-bao", "category_label": "Thông báo", "categories": ["thong-bao"],
     "lead": "Sáng 13/12, hội nghị.", "body": ["Đoạn một có năm từ.", "Đoạn hai."], "author": "Lê Thị Hạnh",
     "images": [{"url": "https://thoxuan.thanhhoa.gov.vn/documents/1/0/anh 1.jpg", "caption": "Quang cảnh",
                 "broken": False},
                {"url": "https://thoxuan.thanhhoa.gov.vn/documents/1/0/hong.jpg", "caption": "x", "broken": True}],
     "attachments": [{"url": "https://thoxuan.thanhhoa.gov.vn/web/trang-chu/tai-ve?id=7", "filename": "Quyết định.pdf"}],
     "template": "new"},
    {"id": "a2", "kind": "document", "canonical_url": "https://thoxuan.thanhhoa.gov.vn/web/trang-chu/van-ban/b.html",
     "urls": ["https://thoxuan.thanhhoa.gov.vn/web/trang-chu/van-ban/b.html"], "title": "Kế hoạch số 1",
     "published": "2019-05-02T08:15:33+07:00", "published_precision": "second", "category_path": "van-ban",
     "category_label": "Văn bản", "categories": ["van-ban"], "lead": "", "body": ["Nội dung."], "author": "X",
     "images": [], "attachments": [], "template": "old"},
]}


def make_archive(path, author: str = "Lê Thị Hạnh", placeholder: bool = False):
    db = connect(path)
    db["categories"].insert_all([{"path": "thong-bao", "label": "Thông báo"}, {"path": "van-ban", "label": "Văn bản"}])
    rows = [
        (1, "thong-bao/a.html", TRUTH["pages"][0]["urls"][0], "thong-bao", "Hội nghị Ban Chấp hành",
         "2022-12-13T08:15:00+07:00", "day", author, "Sáng 13/12, hội nghị.", "Đoạn một có năm từ.\n\nĐoạn hai."),
        (2, "van-ban/b.html", TRUTH["pages"][1]["urls"][0], "van-ban", "Kế hoạch số 1", "2019-05-02T08:15:33+07:00",
         "second", "X", "", unicodedata.normalize("NFD", "Nội dung.")),
    ]
    for n, key, url, cat, title, published, precision, who, lead, body in rows:
        db["articles"].insert({"id": n, "identity_key": key, "canonical_url": url, "kind": "article",
                               "category_path": cat, "category_label": "", "title": title, "published": published,
                               "published_precision": precision, "author": who, "lead": lead, "body": body,
                               "current_version_id": 10 + n, "first_seen": "t", "last_seen": "t"})
        db["article_versions"].insert({"id": 10 + n, "article_id": n, "content_hash": key, "first_seen": "t",
                                       "last_seen": "t"})
        db["url_aliases"].insert({"url": normalise(url), "identity_key": key, "article_id": n,
                                  "first_seen": "t", "last_seen": "t"})
    db["url_aliases"].insert({"url": normalise("http://thoxuan.vn/web/trang-chu/thong-bao/a.html"),
                              "identity_key": "thong-bao/a.html", "article_id": 1, "first_seen": "t", "last_seen": "t"})
    images = [(0, "http://thoxuan.vn/documents/1/0/anh%201.jpg", "Quang cảnh"),
              (1, "https://thoxuan.thanhhoa.gov.vn/documents/1/0/hong.jpg", "x")]
    if placeholder:
        images.append((2, "https://thoxuan.thanhhoa.gov.vn/html/themes/thoxuan-theme/images/blank.gif", ""))
    for position, url, caption in images:
        db["article_images"].insert({"version_id": 11, "position": position, "url": normalise(url), "caption": caption})
    servlet = normalise("https://thoxuan.vn/web/trang-chu/tai-ve?id=7")
    db["attachments"].insert({"version_id": 11, "position": 0, "url": servlet, "filename": "", "link_text": "Tải về"})
    db["media_urls"].insert({"url": servlet, "digest": "sha256:0", "filename": unicodedata.normalize("NFD", "Quyết định.pdf"),
                             "first_seen": "t", "last_seen": "t"})
    db.conn.close()
    return path


def test_score_of_a_perfect_archive_is_one(tmp_path):
    report = score(TRUTH, make_archive(tmp_path / "archive.db"), "hand-made")
    assert report.accuracy() == dict.fromkeys(FIELDS, 1.0) and report.perfect, [p.problems for p in report.pages]
    assert report.mean_body_f1 == 1.0
    table = format_table({"hand-made": report})
    assert table.splitlines()[0].split()[:3] == ["family", "pages", "found"] and "100.0" in table


def test_score_fails_the_fields_that_are_wrong(tmp_path):
    report = score(TRUTH, make_archive(tmp_path / "archive.db", author="Lê Thị Hạnh, PV", placeholder=True))
    accuracy = report.accuracy()
    assert accuracy["author"] == 0.5 and accuracy["images"] == 0.5 and not report.perfect
    assert all(accuracy[f] == 1.0 for f in FIELDS if f not in ("author", "images"))
    assert any("author" in problem for problem in report.pages[0].problems)
    missing = score({"pages": [*TRUTH["pages"], {**TRUTH["pages"][1], "id": "a3", "urls": ["https://x.example/"]}]},
                    tmp_path / "archive.db")
    assert missing.accuracy()["found"] == pytest.approx(2 / 3) and not missing.pages[2].fields["title"]
    assert tokens_f1("a b c d", "a b c") == pytest.approx(2 * 0.75 / 1.75)
    db = sqlite3.connect(tmp_path / "archive.db")
    db.execute("update articles set published = '2019-05-02T08:15:00+07:00' where id = 2")
    db.commit()
    db.close()
    assert score(TRUTH, tmp_path / "archive.db").accuracy()["published"] == 0.5  # the second counts when shown
