"""crawler.extensions.diskfull: a full disk stops the crawl once, clearly, with room set aside to close up."""

from __future__ import annotations

import errno
import logging
import sqlite3

import pytest

from crawler.extensions.diskfull import REASON, DiskFull, is_disk_full
from test_crawler_session import crawler_for


def test_what_counts_as_a_full_disk():
    assert is_disk_full(OSError(errno.ENOSPC, "No space left on device"))
    assert is_disk_full(OSError(errno.EDQUOT, "Disk quota exceeded"))
    assert is_disk_full(sqlite3.OperationalError("database or disk is full"))
    assert not is_disk_full(OSError(errno.EACCES, "Permission denied"))
    assert not is_disk_full(None)
    try:  # raised while handling one, or from one
        try:
            raise OSError(errno.ENOSPC, "No space left on device")
        except OSError as exc:
            raise RuntimeError("could not write the record") from exc
    except RuntimeError as wrapped:
        assert is_disk_full(wrapped)


@pytest.fixture
def extension(tmp_path):
    crawler = crawler_for(tmp_path, PORTAL_JOB="daily", PORTAL_DISK_RESERVE=4096)
    extension = DiskFull.from_crawler(crawler)
    extension.spider_opened()
    yield extension
    extension.engine_stopped()


def test_space_is_set_aside_when_the_crawl_starts_and_freed_when_it_closes(extension, tmp_path):
    reserve = tmp_path / "state" / "daily" / "disk-reserve"
    assert extension.reserve == reserve and reserve.stat().st_size == 4096
    extension.spider_closed()
    assert not reserve.exists()


def test_no_reserve_when_set_to_zero(tmp_path):
    extension = DiskFull.from_crawler(crawler_for(tmp_path, PORTAL_DISK_RESERVE=0))
    extension.spider_opened()
    try:
        assert not (tmp_path / "state").exists()
    finally:
        extension.engine_stopped()


def test_the_first_write_that_finds_no_space_stops_the_crawl_with_one_clear_message(extension, tmp_path, caplog):
    log = logging.getLogger("test.diskfull")
    full = OSError(errno.ENOSPC, "No space left on device")
    with caplog.at_level(logging.ERROR):
        for _ in range(3):
            log.error("could not write", exc_info=(OSError, full, None))
    assert extension.full and extension.more == 2
    stopped = extension.crawler.stats.get_value("portal/disk_full")
    assert stopped == "OSError: [Errno 28] No space left on device"
    messages = [r.getMessage() for r in caplog.records if r.name == "test.diskfull"]
    assert messages == [f"The disk holding the archive {tmp_path.absolute()} is full ({stopped}). The crawl stops "
                        "here; free some space, then `portal-archive crawl --resume` goes on where it stopped."]
    assert REASON == "disk_full"


def test_other_errors_pass_untouched(extension, caplog):
    with caplog.at_level(logging.ERROR):
        logging.getLogger("test.diskfull").error("something else", exc_info=(ValueError, ValueError("x"), None))
    assert not extension.full and "something else" in caplog.text
