"""Job names and the state folder: a crawl deletes in ARCHIVE/state/ and nowhere else (issue 11)."""

from __future__ import annotations

from pathlib import Path

import pytest

from archive.operations.state import UnsafeDeletion, remove, state_dir, valid_job_name
from test_cli import one_line_error, portal_archive


@pytest.mark.parametrize("name", ["crawl", "news", "full-2", "a_b", "0", "x" * 64])
def test_job_names(name):
    assert valid_job_name(name)


@pytest.mark.parametrize("name", ["", "..", ".", "/tmp/x", "a/../..", "a/b", "-a", "_a", "News", "tin tức", "x" * 65,
                                  "a\n", " a", "a\\b"])
def test_not_job_names(name):
    assert not valid_job_name(name)
    with pytest.raises(ValueError, match="is not a job name"):
        state_dir(Path("archive"), name)


def planted(tmp_path: Path) -> tuple[Path, Path]:
    """An archive with a file of its own and the state of a job, beside a folder that is not the archive's."""
    archive, outside = tmp_path / "archive", tmp_path / "outside"
    (archive / "state" / "crawl").mkdir(parents=True)
    (archive / "state" / "crawl" / "queue").write_text("q")
    (archive / "archive.db").write_text("not touched")
    outside.mkdir()
    (outside / "keep").write_text("keep")
    return archive, outside


def test_remove_deletes_inside_the_state_folder_only(tmp_path):
    archive, outside = planted(tmp_path)
    for path in (archive / "state", archive, archive / "state" / "..", outside,
                 archive / "state" / "crawl" / ".." / "..", Path("/")):
        with pytest.raises(UnsafeDeletion):
            remove(archive, path)
    remove(archive, archive / "state" / "crawl")
    remove(archive, archive / "state" / "gone")  # nothing there: done
    assert not (archive / "state" / "crawl").exists() and (archive / "state").is_dir()
    assert (archive / "archive.db").exists() and (outside / "keep").exists()


def test_remove_refuses_symlinks_out_of_the_state_folder(tmp_path):
    archive, outside = planted(tmp_path)
    (archive / "state" / "linked").symlink_to(outside)
    with pytest.raises(UnsafeDeletion, match="symbolic link"):
        remove(archive, archive / "state" / "linked")
    # A link below what is deleted: the link goes, not what it points at.
    (archive / "state" / "crawl" / "inner").symlink_to(outside)
    remove(archive, archive / "state" / "crawl")
    assert (outside / "keep").exists()
    other = tmp_path / "other"
    (archive / "state").rename(other)
    (archive / "state").symlink_to(other)
    with pytest.raises(UnsafeDeletion, match="symbolic link"):
        remove(archive, archive / "state" / "linked")
    assert (other / "linked").is_symlink() and (outside / "keep").exists()


@pytest.mark.parametrize("job", ["..", "/OUTSIDE", "a/../..", "../outside", "state/../.."])
def test_crawl_with_a_job_that_is_a_path_deletes_nothing(tmp_path, job):
    archive, outside = planted(tmp_path)
    result = portal_archive("crawl", "--archive", str(archive), "--job", job.replace("/OUTSIDE", str(outside)))
    assert result.returncode == 2
    assert "is not a job name" in one_line_error(result)
    assert (archive / "archive.db").read_text() == "not touched" and (archive / "state" / "crawl" / "queue").exists()
    assert (outside / "keep").exists()
    assert not (archive / ".lock").exists()  # refused before anything was touched


def test_crawl_into_a_symlinked_state_folder_deletes_nothing(tmp_path):
    archive, outside = planted(tmp_path)
    (archive / "archive.db").unlink()
    (outside / "crawl").mkdir()
    (outside / "crawl" / "keep").write_text("keep")
    (archive / "state" / "crawl" / "queue").unlink()
    (archive / "state" / "crawl").rmdir()
    (archive / "state").rmdir()
    (archive / "state").symlink_to(outside)  # ARCHIVE/state/crawl is now OUTSIDE/crawl
    result = portal_archive("crawl", "--archive", str(archive))
    assert result.returncode == 2 and "symbolic link" in one_line_error(result)
    assert (outside / "crawl" / "keep").exists()
    (archive / "state").unlink()
    (archive / "state").mkdir()
    (archive / "state" / "crawl").symlink_to(outside / "crawl")
    result = portal_archive("crawl", "--archive", str(archive))
    assert result.returncode == 2 and "symbolic link" in one_line_error(result)
    assert (outside / "crawl" / "keep").exists()


@pytest.mark.parametrize("setting", ["PORTAL_JOB=..", "PORTAL_ARCHIVE_DIR=/tmp", "JOBDIR=/tmp/x",
                                     "HTTPCACHE_DIR=/tmp/y"])
def test_crawl_refuses_settings_that_move_its_state_or_archive(tmp_path, setting):
    archive, outside = planted(tmp_path)
    result = portal_archive("crawl", "--archive", str(archive), "-s", setting)
    assert result.returncode == 2 and "set by the crawl from" in one_line_error(result)
    assert (archive / "state" / "crawl" / "queue").exists()
