"""`portal-archive verify` checks media/ too: every image and file as it was stored, by its digest (issue 11)."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

from archive.db.store import Archive
from archive.db.reader import open_read_only
from archive.operations.verify import verify
from test_cli import one_line_error, portal_archive


def png(colour: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 3), colour).save(out, "PNG")
    return out.getvalue()


def archive_with_media(directory: Path) -> dict[str, Path]:
    """An archive holding two images and a PDF; returns their files by name."""
    with Archive(directory) as archive:
        run = archive.start_run("crawl")
        stored = {
            "red": archive.save_media(run, "https://thoxuan.thanhhoa.gov.vn/a.png", png("red"), "image/png"),
            "blue": archive.save_media(run, "https://thoxuan.thanhhoa.gov.vn/b.png", png("blue"), "image/png"),
            "pdf": archive.save_media(run, "https://thoxuan.thanhhoa.gov.vn/c.pdf", b"%PDF-1.4 ...", "application/pdf"),
        }
        paths = {name: directory / archive.db.execute(
            "select path from images where digest = ? union select path from files where digest = ?",
            [digest, digest]).fetchone()[0] for name, digest in stored.items()}
    return paths


def test_verify_passes_on_media_as_stored(tmp_path):
    archive = tmp_path / "archive"
    archive_with_media(archive)
    result = portal_archive("verify", "--archive", str(archive))
    assert result.returncode == 0, result.stderr
    assert "3 media files checked" in result.stdout


def test_verify_fails_on_an_altered_or_missing_media_file(tmp_path):
    archive = tmp_path / "archive"
    paths = archive_with_media(archive)
    data = bytearray(paths["red"].read_bytes())
    data[-5] ^= 1  # one bit of one byte: the size is the same
    paths["red"].write_bytes(bytes(data))
    paths["pdf"].unlink()
    result = portal_archive("verify", "--archive", str(archive))
    assert result.returncode == 1
    problems = [line.strip() for line in result.stderr.splitlines() if "PROBLEM" in line]
    red, pdf = (str(paths[name].relative_to(archive)) for name in ("red", "pdf"))
    assert problems == sorted([f"PROBLEM {red}: altered (its sha256 is not the sha256:{paths['red'].stem} it was "
                               "stored under)", f"PROBLEM {pdf}: missing (recorded with sha256:{paths['pdf'].stem})"],
                              key=lambda line: line.split()[1])
    assert "Traceback" not in result.stderr and result.stderr.strip().endswith("2 problem(s) found in " + str(archive))


def test_a_media_path_outside_media_is_a_problem(tmp_path):
    archive = tmp_path / "archive"
    archive_with_media(archive)
    (tmp_path / "elsewhere.png").write_bytes(png("red"))
    with Archive(archive) as opened:
        opened.db.execute("update images set path = '../elsewhere.png' where mime = 'image/png' and width = 4 "
                          "and rowid = (select min(rowid) from images)")
        opened.db.conn.commit()
    db = open_read_only(archive)
    try:
        report = verify(db, archive)
    finally:
        db.close()
    assert report.media == 3 and [p for p in report.problems if "not inside media/" in p]


def test_verify_of_no_archive_says_so_and_makes_none(tmp_path):
    result = portal_archive("verify", "--archive", str(tmp_path / "nowhere"))
    assert result.returncode == 1 and "no archive in" in one_line_error(result)
    assert not (tmp_path / "nowhere").exists()
