"""archive.db.store: identity, versions, media and runs, read back as rows of a real archive.db."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import textwrap
import time
import unicodedata
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PIL import Image

from archive.db import schema
from archive.page.records import AttachmentRef, ImageRef, Page
from archive.db.search import search
from archive.db.store import Archive
from archive.urls import normalise

VN = ZoneInfo("Asia/Ho_Chi_Minh")
HOST = "https://thoxuan.thanhhoa.gov.vn"
MAIN = f"{HOST}/web/trang-chu"
FETCHED = datetime(2025, 6, 24, 9, 30, tzinfo=VN)
LATER = FETCHED + timedelta(days=1)


def article(url: str, **fields) -> Page:
    page = Page(
        url=url,
        kind="article",
        title="Hội nghị Ban Chấp hành Đảng bộ huyện Thọ Xuân lần thứ 12",
        published=datetime(2022, 12, 13, tzinfo=VN),
        published_precision="day",
        lead="Sáng 13/12, Ban Chấp hành Đảng bộ huyện Thọ Xuân tổ chức hội nghị lần thứ 12.",
        body=["Đồng chí Lê Đình Hải, Bí thư Huyện ủy, chủ trì hội nghị.",
              "Hội nghị đánh giá kết quả xây dựng nông thôn mới nâng cao."],
        body_html="<p>Đồng chí Lê Đình Hải, Bí thư Huyện ủy, chủ trì hội nghị.</p>",
        author="Đỗ Duy Nhã, Trung tâm VHTT, TT và DL huyện Thọ Xuân",
        images=[ImageRef(f"{HOST}/documents/10180/bch.png", "Các đại biểu dự hội nghị",
                         alt="bch.png", src="/documents/10180/bch.png")],
        attachments=[AttachmentRef(f"{HOST}/documents/10180/nghi-quyet.pdf", "nghi-quyet.pdf", "Nghị quyết hội nghị")],
        method="anchors",
    )
    return replace(page, **fields)


def png(width: int, height: int, colour: str = "red") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, "PNG")
    return out.getvalue()


def counts(archive: Archive) -> dict[str, int]:
    """Rows in every table, FTS5's own segment tables aside (they grow with any update by design)."""
    return {name: archive.db[name].count for name in archive.db.table_names()
            if not name.startswith("articles_fts_")}


@pytest.fixture
def archive(tmp_path):
    with Archive(tmp_path / "archive") as opened:
        yield opened


@pytest.fixture
def run(archive) -> int:
    return archive.start_run("main", {"DEPTH_LIMIT": 0})


def test_opening_creates_the_layout_and_configures_sqlite(tmp_path):
    directory = tmp_path / "new" / "archive"
    archive = Archive(str(directory))
    assert (directory / "archive.db").is_file() and archive.media_dir == directory / "media"
    assert archive.media_dir.is_dir()
    assert archive.db.journal_mode == "wal"
    assert archive.db.execute("pragma foreign_keys").fetchone()[0] == 1
    assert archive.db.execute("pragma busy_timeout").fetchone()[0] == 30_000
    applied = archive.db["_sqlite_migrations"].count
    archive.close()
    with Archive(directory) as again:
        assert again.db["_sqlite_migrations"].count == applied == len(schema.MIGRATIONS._migrations)
        assert {"articles", "article_versions", "articles_fts"} <= set(again.db.table_names())
        assert {"articles_latest", "article_image_captions"} <= set(again.db.view_names())


def test_runs_start_running_and_finish_with_counts_and_json(archive):
    run_id = archive.start_run("main", {"CLOSESPIDER_PAGECOUNT": 500})
    row = archive.db["crawl_runs"].get(run_id)
    assert row["status"] == "running" and row["job"] == "main" and row["finished_at"] is None
    assert json.loads(row["settings"]) == {"CLOSESPIDER_PAGECOUNT": 500}
    assert row["started_at"].endswith("+07:00")
    stats = {"pages": 12, "articles_new": 3, "articles_changed": 1, "errors": 2, "bytes": 12345,
             "start_time": datetime(2025, 6, 24, 2, 0, tzinfo=UTC)}
    archive.finish_run(run_id, "completed", stats)
    row = archive.db["crawl_runs"].get(run_id)
    assert row["status"] == "completed" and row["finished_at"].endswith("+07:00")
    assert (row["pages"], row["articles_new"], row["articles_changed"], row["errors"], row["bytes"]) == \
        (12, 3, 1, 2, 12345)
    assert json.loads(row["stats"])["start_time"].startswith("2025-06-24 02:00:00")
    second = archive.start_run()
    archive.finish_run(second, "interrupted", {})
    assert archive.db["crawl_runs"].get(second)["pages"] is None
    with pytest.raises(ValueError, match="completed, failed, interrupted"):
        archive.finish_run(second, "done", {})


def test_every_fetch_is_recorded_including_failures(archive, run):
    archive.record_fetch(run, f"{MAIN}/tin-tuc-su-kien", 200, "text/html", 5120, "sha256:ab", fetched_at=FETCHED)
    archive.record_fetch(run, f"{MAIN}/khong-co.html", 404, "text/html", 120)
    archive.record_fetch(run, "https://thoxuan.vn/web/trang-chu", None, error="TimeoutError: took longer than 180 s")
    rows = list(archive.db["fetches"].rows_where(order_by="id"))
    assert [(r["status"], r["size"], r["error"]) for r in rows] == [
        (200, 5120, ""), (404, 120, ""), (None, 0, "TimeoutError: took longer than 180 s")]
    assert rows[0]["fetched_at"] == "2025-06-24T09:30:00+07:00" and rows[0]["digest"] == "sha256:ab"
    assert all(r["run_id"] == run and r["fetched_at"].endswith("+07:00") for r in rows)


def test_one_article_across_hosts_schemes_and_encodings(archive, run):
    first = archive.save_page(run, article(f"{MAIN}/tin-tuc-su-kien/x/abc(1).html"), FETCHED, "Tin tức - Sự kiện")
    # The alias host's page links its images and files through the alias host: that is not an edit.
    second = archive.save_page(run, article(
        "http://thoxuan.vn/web/trang-chu/tin-tuc-su-kien-trong-huyen/x/abc%281%29.html",
        images=[ImageRef("http://thoxuan.vn/documents/10180/bch.png", "Các đại biểu dự hội nghị")],
        attachments=[AttachmentRef("http://thoxuan.vn/documents/10180/nghi-quyet.pdf", "nghi-quyet.pdf",
                                   "Nghị quyết hội nghị")]), LATER)
    assert first == second == 1
    row = archive.db["articles"].get(first)
    assert row["identity_key"] == "tin-tuc-su-kien/x/abc(1).html"
    assert row["canonical_url"].startswith("https://thoxuan.thanhhoa.gov.vn/web/trang-chu/tin-tuc-su-kien/x/abc")
    assert row["category_path"] == "tin-tuc-su-kien/x" and row["category_label"] == "Tin tức - Sự kiện"
    assert (row["first_seen"], row["last_seen"]) == ("2025-06-24T09:30:00+07:00", "2025-06-25T09:30:00+07:00")
    aliases = [r["url"] for r in archive.db["url_aliases"].rows_where(order_by="first_seen")]
    assert aliases == ["https://thoxuan.thanhhoa.gov.vn/web/trang-chu/tin-tuc-su-kien/x/abc(1).html",
                       "http://thoxuan.vn/web/trang-chu/tin-tuc-su-kien-trong-huyen/x/abc(1).html"]
    # The second spelling of the first URL is not a third alias.
    archive.save_page(run, article(f"{MAIN}/tin-tuc-su-kien/x/abc%281%29.html#top"), LATER)
    assert archive.db["url_aliases"].count == 2
    assert archive.db["article_versions"].count == 1 and archive.db["articles"].count == 1


def test_an_article_listed_under_two_categories_is_one_article(archive, run):
    one = archive.save_page(run, article(f"{MAIN}/tin-tuc-su-kien/xay-dung-dang/hoi-nghi.html"), FETCHED,
                            "Xây dựng Đảng")
    two = archive.save_page(run, article(f"{MAIN}/tin-tuc-su-kien/kinh-te-xa-hoi/hoi-nghi.html"), FETCHED,
                            "Kinh tế - Xã hội")
    assert one == two and archive.last_change == "unchanged"
    assert archive.db["articles"].get(one)["category_path"] == "tin-tuc-su-kien/xay-dung-dang"
    assert sorted(r["category_path"] for r in archive.db["article_categories"].rows) == [
        "tin-tuc-su-kien/kinh-te-xa-hoi", "tin-tuc-su-kien/xay-dung-dang"]
    assert {r["path"]: r["label"] for r in archive.db["categories"].rows} == {
        "tin-tuc-su-kien/kinh-te-xa-hoi": "Kinh tế - Xã hội", "tin-tuc-su-kien/xay-dung-dang": "Xây dựng Đảng"}
    assert archive.db["url_aliases"].count == 2 and archive.db["article_versions"].count == 1
    # Next crawl: the second path is found by its own alias.
    assert archive.save_page(run, article(f"{MAIN}/tin-tuc-su-kien/kinh-te-xa-hoi/hoi-nghi.html"), LATER) == one
    # Same title, another lead: another article. Same title, no lead: too little to merge on.
    other = archive.save_page(run, article(f"{MAIN}/tin-tuc-su-kien/hoi-nghi(1).html", lead="Một tin khác."), FETCHED)
    bare = archive.save_page(run, article(f"{MAIN}/tong-quan/hoi-nghi.html", lead="", published=None), FETCHED)
    bare2 = archive.save_page(run, article(f"{MAIN}/tong-quan/tap-1/hoi-nghi.html", lead="", published=None),
                              FETCHED)
    assert len({one, other, bare, bare2}) == 4


def test_unchanged_resave_creates_no_rows_anywhere(archive, run):
    page = article(f"{MAIN}/tin-tuc-su-kien/xay-dung-dang/hoi-nghi.html")
    article_id = archive.save_page(run, page, FETCHED, "Xây dựng Đảng")
    assert archive.last_change == "new"
    before = counts(archive)
    later_run = archive.start_run("main")
    before["crawl_runs"] += 1
    # Markup differs, the same images are seen through the alias host: the article's content is the same.
    alias_images = [ImageRef(i.url.replace("https://thoxuan.thanhhoa.gov.vn", "http://thoxuan.vn"), i.caption)
                    for i in page.images]
    for again in (page, article(page.url, body_html="<div><p>other markup</p></div>", images=alias_images)):
        assert archive.save_page(later_run, again, LATER, "Xây dựng Đảng") == article_id
        assert archive.last_change == "unchanged"
        assert counts(archive) == before
    version = archive.db["article_versions"].get(1)
    assert (version["first_seen"], version["last_seen"], version["run_id"]) == (
        "2025-06-24T09:30:00+07:00", "2025-06-25T09:30:00+07:00", run)
    assert archive.db["articles"].get(article_id)["last_seen"] == "2025-06-25T09:30:00+07:00"
    assert archive.db["url_aliases"].get(page.url)["last_seen"] == "2025-06-25T09:30:00+07:00"


def test_a_changed_article_gets_a_new_version_and_keeps_the_old(archive, run):
    url = f"{MAIN}/tin-tuc-su-kien/kinh-te-xa-hoi/ocop.html"
    article_id = archive.save_page(run, article(url), FETCHED)
    edited = article(url, body=["Huyện có thêm 5 sản phẩm OCOP đạt 4 sao."],
                     images=[ImageRef("https://thoxuan.thanhhoa.gov.vn/documents/ocop.jpg", "Sản phẩm OCOP")])
    assert archive.save_page(run, edited, LATER) == article_id and archive.last_change == "changed"
    versions = list(archive.db["article_versions"].rows_where("article_id = ?", [article_id], order_by="id"))
    assert len(versions) == 2 and versions[0]["content_hash"] != versions[1]["content_hash"]
    assert versions[0]["body"] == "\n\n".join(article(url).body)
    assert versions[1]["body"] == "Huyện có thêm 5 sản phẩm OCOP đạt 4 sao."
    current = archive.db["articles"].get(article_id)
    assert current["current_version_id"] == versions[1]["id"] and current["body"] == versions[1]["body"]
    assert current["captions"] == "Sản phẩm OCOP" and "san pham ocop" in current["folded"]
    images = [(r["version_id"], r["caption"]) for r in archive.db["article_images"].rows_where(order_by="rowid")]
    assert images == [(1, "Các đại biểu dự hội nghị"), (2, "Sản phẩm OCOP")]
    assert [r["version_id"] for r in archive.db["attachments"].rows] == [1, 2]
    # Back to the first text: that is one more version, not a lookup of the old one.
    archive.save_page(run, article(url), LATER + timedelta(days=1))
    assert archive.db["article_versions"].count == 3 and archive.last_change == "changed"


def test_text_is_stored_nfc_and_dates_in_vietnam_time(archive, run):
    nfd = unicodedata.normalize("NFD", "Lễ hội Lê Hoàn tại xã Xuân Lập")
    page = article(f"{MAIN}/tin-tuc-su-kien/le-hoi.html", title=nfd, lead=nfd, body=[nfd],
                   published=datetime(2020, 8, 4, 10, 29, 33, tzinfo=UTC), published_precision="second")
    article_id = archive.save_page(run, page, datetime(2025, 6, 24, 2, 30, tzinfo=UTC))
    row = archive.db["articles"].get(article_id)
    assert row["title"] == row["lead"] == row["body"] == unicodedata.normalize("NFC", nfd) != nfd
    assert row["published"] == "2020-08-04T17:29:33+07:00" and row["first_seen"] == "2025-06-24T09:30:00+07:00"


def test_pages_that_are_not_articles_record_nothing(archive, run):
    before = counts(archive)
    for kind in ("listing", "section", "home", "other"):
        assert archive.save_page(run, Page(url=f"{MAIN}/tin-tuc-su-kien", kind=kind, title="Tin tức"), FETCHED) is None
    assert counts(archive) == before


def test_media_is_stored_once_by_content(archive, run):
    data = png(40, 30)
    first = archive.save_media(run, "https://thoxuan.thanhhoa.gov.vn/documents/10180/bch.png", data, "image/png")
    second = archive.save_media(run, "http://thoxuan.vn/documents/10180/bch-copy.png", data, "image/png; q=1")
    assert first == second and first.startswith("sha256:") and len(first) == 7 + 64
    hexdigest = first.removeprefix("sha256:")
    stored = archive.media_dir / hexdigest[:2] / f"{hexdigest}.png"
    assert stored.read_bytes() == data
    assert [p for p in archive.media_dir.rglob("*") if p.is_file()] == [stored]
    image = archive.db["images"].get(first)
    assert (image["size"], image["width"], image["height"], image["mime"], image["error"]) == (
        len(data), 40, 30, "image/png", None)
    assert archive.directory / image["path"] == stored
    assert archive.db["media_urls"].count == 2 and archive.db["files"].count == 0
    # The same bytes served under another type are still one file, and a file lost from media/ comes back.
    stored.unlink()
    archive.save_media(run, "https://thoxuan.vn/c/document_library/get_file?uuid=7", data, "application/octet-stream")
    assert archive.db["files"].get(first)["path"] == image["path"] and stored.read_bytes() == data
    assert [p for p in archive.media_dir.rglob("*") if p.is_file()] == [stored]


def test_broken_images_are_stored_with_the_error(archive, run):
    digest = archive.save_media(run, "https://thanhhoa.gov.vn/portal/Photos/2023-11/anh.jpg", b"\xff\xd8 broken",
                                "image/jpeg")
    image = archive.db["images"].get(digest)
    assert image["width"] is None and "UnidentifiedImageError" in image["error"] and "0x" not in image["error"]
    assert image["path"].endswith(".jpg") and (archive.directory / image["path"]).read_bytes() == b"\xff\xd8 broken"


@pytest.mark.parametrize("hostile", ["../../etc/passwd", "..\\..\\boot.ini", "bao\x00cao.pdf", "/etc/shadow", "..",
                                     "\u202egpj.exe"])
def test_server_file_names_are_never_paths(tmp_path, archive, run, hostile):
    url = "https://thoxuan.thanhhoa.gov.vn/c/document_library/get_file?uuid=1234"
    digest = archive.save_media(run, url, b"%PDF-1.4 bao cao", "application/pdf", filename=hostile)
    row = archive.db["files"].get(digest)
    assert row["path"] == f"media/{digest[7:9]}/{digest[7:]}.pdf"
    assert "/" not in row["filename"] and "\\" not in row["filename"] and "\x00" not in row["filename"]
    assert not row["filename"].startswith(".") and "\u202e" not in row["filename"]
    written = {p.relative_to(archive.directory).as_posix() for p in tmp_path.rglob("*") if p.is_file()}
    assert {name for name in written if not name.startswith("archive.db")} == {row["path"]}
    assert archive.db["media_urls"].get((normalise(url), digest))["filename"] == row["filename"]


def test_a_url_that_serves_new_bytes_keeps_both(archive, run):
    url = "https://thoxuan.thanhhoa.gov.vn/documents/10180/bch.png"
    archive.save_page(run, article(f"{MAIN}/tin-tuc-su-kien/hoi-nghi.html"), FETCHED)
    old = archive.save_media(run, url, png(10, 10), "image/png", fetched_at=FETCHED)
    new = archive.save_media(run, url, png(20, 10, "blue"), "image/png", fetched_at=LATER)
    assert old != new and archive.db["media_urls"].count == 2 and archive.db["images"].count == 2
    caption = next(archive.db["article_image_captions"].rows)
    assert (caption["digest"], caption["width"], caption["caption"]) == (new, 20, "Các đại biểu dự hội nghị")


def test_attachments_link_to_their_stored_file_by_url(archive, run):
    archive.save_page(run, article(f"{MAIN}/van-ban/nghi-quyet.html", kind="document"), FETCHED)
    digest = archive.save_media(run, "https://thoxuan.thanhhoa.gov.vn/documents/10180/nghi-quyet.pdf",
                                b"%PDF-1.4 nghi quyet", "application/pdf")
    row = archive.db.execute("select f.digest, f.filename, a.link_text from attachments a join media_urls m"
                             " on m.url = a.url join files f on f.digest = m.digest").fetchone()
    assert row == (digest, "nghi-quyet.pdf", "Nghị quyết hội nghị")


def test_a_reader_is_not_blocked_by_a_writer(tmp_path):
    writer = Archive(tmp_path)
    run_id = writer.start_run("main")
    writer.save_page(run_id, article(f"{MAIN}/tin-tuc-su-kien/mot.html"), FETCHED)
    with schema.transaction(writer.db):
        writer.save_page(run_id, article(f"{MAIN}/tin-tuc-su-kien/hai.html", title="Lễ hội Lam Kinh",
                                         lead="Lễ hội Lam Kinh năm 2025."), FETCHED)
        started = time.monotonic()
        reader = Archive(tmp_path)  # opening applies no migration, so it needs no lock
        assert reader.db["articles"].count == 1
        assert [r.article_id for r in search(reader, "Thọ Xuân")] == [1]
        assert search(reader, "lam kinh") == []
        assert time.monotonic() - started < 5
    assert reader.db["articles"].count == 2 and [r.article_id for r in search(reader, "lam kinh")] == [2]
    reader.close()
    writer.close()


WRITER = textwrap.dedent("""
    import sys
    from datetime import UTC, datetime
    from archive.page.records import Page
    from archive.db.store import Archive

    archive = Archive(sys.argv[1])
    run = archive.start_run(sys.argv[2])
    for n in range(40):
        page = Page(url=f"https://thoxuan.vn/web/trang-chu/tin-tuc-su-kien/{sys.argv[2]}-{n}.html", kind="article",
                    title=f"Tin {sys.argv[2]} số {n}", lead=f"Xã Xuân Lai {n}", body=["Người dân được mùa."])
        archive.save_page(run, page, datetime.now(UTC))
    archive.finish_run(run, "completed", {"pages": 40})
""")


def test_two_processes_write_while_a_third_reads(tmp_path):
    directory = tmp_path / "shared"
    root = Path(__file__).parent.parent
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(directory), name], cwd=root)
               for name in ("a", "b")]
    seen = 0
    while any(w.poll() is None for w in writers):
        if (directory / "archive.db").exists():
            # Whoever opens first creates the tables; the others wait for that, then find nothing to do.
            with Archive(directory) as reader:
                seen = max(seen, reader.db["articles"].count)
                search(reader, "nguoi dan")
        time.sleep(0.05)
    assert [w.wait() for w in writers] == [0, 0]
    with Archive(directory) as reader:
        assert reader.db["articles"].count == 80 >= seen
        assert [r["status"] for r in reader.db["crawl_runs"].rows] == ["completed", "completed"]
        assert len(search(reader, "nguoi dan", limit=100)) == 80


def test_a_dated_article_without_a_lead_under_two_categories_is_one_article_by_its_body(archive, run):
    """Pages that set no lead apart have none: the same title, date and whole body under two paths are one article."""
    one = archive.save_page(run, article(f"{MAIN}/tin-tuc-su-kien/xay-dung-dang/hoi-nghi.html", lead=""), FETCHED)
    two = archive.save_page(run, article(f"{MAIN}/tin-tuc-su-kien/kinh-te-xa-hoi/hoi-nghi.html", lead=""), FETCHED)
    assert one == two and archive.db["article_versions"].count == 1
    edited = article(f"{MAIN}/tin-tuc-su-kien/hoi-nghi.html", lead="", body=["Một đoạn khác hẳn."])
    assert archive.save_page(run, edited, FETCHED) != one
