"""docs/schema.md names every table, view and column of a new archive, and its example queries run."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PIL import Image

from archive.page.records import AttachmentRef, ImageRef, Page
from archive.db.store import Archive

DOCS = Path(__file__).parent.parent / "docs" / "schema.md"
VN = ZoneInfo("Asia/Ho_Chi_Minh")
HOST = "https://thoxuan.thanhhoa.gov.vn"
MAIN = f"{HOST}/web/trang-chu"
FETCHED = datetime(2025, 6, 20, 8, 0, tzinfo=VN)


def docs() -> str:
    return DOCS.read_text(encoding="utf-8")


def section(name: str) -> str | None:
    found = re.search(rf"^#+ `{re.escape(name)}`\n(.*?)(?=^#|\Z)", docs(), re.MULTILINE | re.DOTALL)
    return found.group(1) if found else None


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    with Archive(tmp_path_factory.mktemp("fresh")) as archive:
        yield archive


def names(archive: Archive) -> list[str]:
    return archive.db.table_names() + archive.db.view_names()


def test_every_table_and_view_has_a_section_naming_each_column(fresh):
    for name in names(fresh):
        text = section(name)
        assert text is not None, f"docs/schema.md has no section for {name}"
        for column in fresh.db[name].columns:
            assert f"`{column.name}`" in text, f"{name}.{column.name} is not documented in docs/schema.md"


def test_every_documented_table_exists(fresh):
    documented = re.findall(r"^### `([^`]+)`$", docs(), re.MULTILINE)
    assert sorted(documented) == sorted(names(fresh))


def png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), "yellow").save(out, "PNG")
    return out.getvalue()


@pytest.fixture(scope="module")
def populated(tmp_path_factory):
    """Two runs over a few articles: one in two categories and edited, with an image and an attachment; errors."""
    with Archive(tmp_path_factory.mktemp("populated")) as archive:
        first = archive.start_run("main", {"DEPTH_LIMIT": 0})
        page = Page(
            url=f"{MAIN}/tin-tuc-su-kien/xay-dung-dang/hoi-nghi-ban-chap-hanh-dang-bo-huyen.html", kind="article",
            title="Hội nghị Ban Chấp hành Đảng bộ huyện Thọ Xuân", published=datetime(2025, 6, 23, tzinfo=VN),
            published_precision="day", lead="Sáng 23/6, Ban Chấp hành Đảng bộ huyện Thọ Xuân tổ chức hội nghị.",
            body=["Đồng chí Lê Đình Hải, Bí thư Huyện ủy, chủ trì hội nghị."], author="Đỗ Duy Nhã",
            images=[ImageRef(f"{HOST}/documents/10180/bch.png", "Các đại biểu dự hội nghị", "bch.png")],
            attachments=[AttachmentRef(f"{HOST}/documents/10180/nghi-quyet.pdf", "nghi-quyet.pdf", "Nghị quyết")],
            method="anchors",
        )
        archive.save_page(first, page, FETCHED, "Xây dựng Đảng")
        archive.save_page(first, replace(page, url=page.url.replace("xay-dung-dang", "kinh-te-xa-hoi")),
                          FETCHED, "Kinh tế - Xã hội")
        archive.save_page(first, Page(url=f"{MAIN}/tong-quan/chuc-nang-nhiem-vu.html", kind="static",
                                      title="Chức năng nhiệm vụ", lead="UBND huyện Thọ Xuân."), FETCHED, "Tổng quan")
        archive.save_media(first, f"{HOST}/documents/10180/bch.png", png(64, 48), "image/png")
        archive.save_media(first, f"{HOST}/documents/10180/nghi-quyet.pdf", b"%PDF-1.4", "application/pdf",
                           filename="Nghị quyết số 12.pdf")
        archive.record_fetch(first, page.url, 200, "text/html", 20480, fetched_at=FETCHED)
        archive.finish_run(first, "completed", {"pages": 3, "articles_new": 2, "articles_changed": 0, "errors": 0})

        second = archive.start_run("main")
        later = FETCHED + timedelta(days=1)
        edited = replace(page, body=page.body + ["Hội nghị thông qua nghị quyết."])
        archive.save_page(second, edited, later, "Xây dựng Đảng")
        archive.record_fetch(second, f"{MAIN}/tin-tuc-su-kien/khong-con.html", 404, "text/html", 512,
                             fetched_at=later)
        archive.record_fetch(second, f"{MAIN}/tin-tuc-su-kien", None, error="TimeoutError", fetched_at=later)
        archive.finish_run(second, "completed", {"pages": 3, "articles_changed": 1, "errors": 2})
        yield archive


QUERIES = re.findall(r"```sql\n(.*?)```", docs(), re.DOTALL)


def test_there_are_example_queries():
    assert len(QUERIES) >= 5


@pytest.mark.parametrize("sql", QUERIES, ids=[f"query{n}" for n in range(len(QUERIES))])
def test_example_query_runs_and_finds_rows(populated, sql):
    rows = list(populated.db.query(sql))
    assert rows, f"no rows from:\n{sql}"
