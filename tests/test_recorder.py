"""archive.warc.recorder: what a capture becomes (response or revisit), written, indexed; recovery at start-up."""

from __future__ import annotations

import gzip
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.utils import Digester

from archive.db.record_index import WarcIndex
from archive.db.store import Archive
from archive.warc.files import OPEN_SUFFIX, record_at, validate
from archive.warc.recorder import Recorder
from archive.warc.writer import Exchange, WarcWriter

START = datetime(2024, 5, 17, 3, 4, 5, tzinfo=timezone.utc)
HOME = "https://thoxuan.thanhhoa.gov.vn/web/trang-chu"
IMAGE = "https://thoxuan.thanhhoa.gov.vn/documents/anh.jpg"
JPEG = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 40


def exchange(url: str = IMAGE, status: int = 200, body: bytes = JPEG, **changes) -> Exchange:
    values = {"url": url, "method": "GET", "request_headers": [("User-Agent", "portal-archive/test")],
              "status": status, "reason": "", "response_headers": [("Content-Type", "image/jpeg")], "body": body,
              "started_at": START, "ip_address": "127.0.0.1"}
    return Exchange(**(values | changes))


class Crawl:
    """An archive and a recorder over its WARC directory, as a crawl has them."""

    def __init__(self, directory: Path):
        self.archive = Archive(directory)
        self.index = WarcIndex(self.archive.db)
        self.warcs = directory / "warcs"
        self.recorder: Recorder | None = None

    def run(self, status: str | None = "completed") -> Recorder:
        """Open a run with a recorder, hand it to the test, and finish the run with `status` afterwards."""
        run_id = self.archive.start_run(job="crawl")
        self.recorder = Recorder(self.warcs, self.index, warcinfo={"job": "crawl"}, host="test")
        self.recorder.open(run_id)
        self.status = status
        return self.recorder

    def finish(self) -> None:
        self.recorder.close()
        if self.status:
            self.archive.finish_run(self.recorder.run_id, self.status, {})

    def read(self, record):
        return record_at(self.warcs / record.filename, record.offset, record.length)


@pytest.fixture
def crawl(tmp_path):
    crawl = Crawl(tmp_path)
    yield crawl
    crawl.archive.close()


def test_a_first_capture_is_written_whole_and_indexed(crawl):
    recorder = crawl.run()
    recorded = recorder.record(exchange())
    assert recorded.written and not recorded.revisit
    record = crawl.read(recorded.record)
    assert record.rec_type == "response" and record.raw_stream.read() == JPEG
    assert crawl.index.known([recorded.record.record_id])
    (closed,) = recorder.close()
    assert not closed.problems and crawl.index.filenames() == {closed.filename}
    run_of_file = crawl.archive.db.execute("select run_id from warc_files").fetchone()[0]
    assert run_of_file == recorder.run_id


def test_the_same_payload_again_is_a_revisit_of_the_first_response_at_any_url(crawl):
    recorder = crawl.run()
    first = recorder.record(exchange()).record
    again = recorder.record(exchange(url=IMAGE + "?copy", started_at=START + timedelta(seconds=1)))
    third = recorder.record(exchange(url=IMAGE + "?third", started_at=START + timedelta(seconds=2)))
    assert again.written and again.revisit and third.revisit
    for recorded in (again, third):
        headers = crawl.read(recorded.record).rec_headers
        assert headers.get_header("WARC-Refers-To") == first.record_id  # the original, never another revisit
        assert headers.get_header("WARC-Refers-To-Target-URI") == first.target_uri
        assert headers.get_header("WARC-Refers-To-Date") == first.date
        refers = crawl.archive.db.execute("select refers_to from warc_records where record_id = ?",
                                          [recorded.record.record_id]).fetchone()[0]
        assert refers == first.record_id
    recorder.close()
    assert not validate(next(crawl.warcs.glob("*.warc.gz")))


@pytest.mark.parametrize("changes", [
    {"status": 404, "reason": "Not Found"},  # errors are stored whole
    {"status": 500},
    {"status": 302, "response_headers": [("Location", HOME)]},  # so are redirects
    {"truncated": "length"},  # a body cut at its limit says so in its own record
])
def test_what_is_never_a_revisit(crawl, changes):
    recorder = crawl.run()
    recorder.record(exchange())
    recorded = recorder.record(exchange(**changes))
    assert recorded.written and not recorded.revisit
    assert crawl.read(recorded.record).raw_stream.read() == JPEG


def test_an_empty_body_is_never_a_revisit(crawl):
    recorder = crawl.run()
    assert not recorder.record(exchange(body=b"")).revisit
    assert not recorder.record(exchange(url=HOME, body=b"")).revisit


def test_originals_come_from_runs_that_completed(crawl):
    crawl.run("interrupted").record(exchange())
    crawl.finish()
    recorder = crawl.run()
    first = recorder.record(exchange())
    assert not first.revisit  # the interrupted run's response is not referred to
    crawl.finish()
    assert crawl.run().record(exchange(started_at=START + timedelta(days=1))).revisit


def test_a_304_is_a_server_not_modified_revisit_of_the_response_it_confirms(crawl):
    first = crawl.run().record(exchange(url=HOME, body=b"<html>home</html>")).record
    crawl.finish()
    recorder = crawl.run()
    recorded = recorder.record(exchange(url=HOME, status=304, body=b"", started_at=START + timedelta(days=1)))
    assert recorded.revisit
    headers = crawl.read(recorded.record).rec_headers
    assert headers.get_header("WARC-Profile").endswith("/server-not-modified")
    assert headers.get_header("WARC-Refers-To") == first.record_id
    # A 304 for an address never archived is stored as it came.
    assert not recorder.record(exchange(url=HOME + "?new", status=304, body=b"")).revisit


def test_an_answer_of_the_resume_cache_points_at_the_record_the_killed_run_wrote(crawl):
    killed = crawl.run("interrupted")
    written = killed.record(exchange(url=HOME, body=b"<html>home</html>")).record
    crawl.finish()
    recorder = crawl.run()
    before = crawl.archive.db.execute("select count(*) from warc_records").fetchone()[0]
    found = recorder.record(exchange(url=HOME, body=b"<html>home</html>"), cached=True)
    assert not found.written and found.record == written
    assert crawl.archive.db.execute("select count(*) from warc_records").fetchone()[0] == before
    # Killed before it could write it: written now.
    missing = recorder.record(exchange(url=HOME + "?p=2", body=b"<html>2</html>"), cached=True)
    assert missing.written and crawl.read(missing.record).raw_stream.read() == b"<html>2</html>"


def test_the_payload_digest_is_computed_once_per_body(crawl, monkeypatch):
    """Looking up the original, checking a revisit and writing the response all use one digest of the body."""
    fed: dict[int, tuple[Digester, list[bytes]]] = {}
    update = Digester.update

    def counting(self, buff):
        # Keyed by id, holding the digester: a freed one's id could be reused by the next, mixing two bodies.
        fed.setdefault(id(self), (self, []))[1].append(bytes(buff))
        update(self, buff)

    monkeypatch.setattr(Digester, "update", counting)

    def digests_of(body: bytes) -> int:
        """Digesters fed exactly this body: payload digests (a block digest starts with the HTTP headers)."""
        count = sum(1 for _, parts in fed.values() if b"".join(parts) == body)
        fed.clear()
        return count

    recorder = crawl.run()
    body = gzip.compress(b"<html>" + bytes(range(256)) * 100 + b"</html>", mtime=0)
    assert recorder.record(exchange(url=HOME, body=body)).written
    assert digests_of(body) == 1  # the response record carries the digest the lookup used
    assert recorder.record(exchange(url=HOME + "?again", body=body)).revisit
    assert digests_of(body) == 1  # the revisit's check against its original used it too
    assert recorder.record(exchange(url=HOME + "?cached", body=body + b"x"), cached=True).written
    assert digests_of(body + b"x") == 1  # the resume cache's lookup, the original's and the record's: one
    recorder.close()
    assert not validate(next(crawl.warcs.glob("*.warc.gz")))  # and the digests in the records are right


def test_recovery_closes_what_a_crash_left_open_and_indexes_what_the_index_missed(crawl):
    # A crawl killed mid-write: an open file with two complete captures and a torn one, none of it indexed.
    writer = WarcWriter(crawl.warcs, host="test")
    captured = [writer.write_capture(exchange(url=f"{IMAGE}?n={n}")) for n in range(2)]
    torn = next(crawl.warcs.glob(f"*{OPEN_SUFFIX}"))
    with torn.open("ab") as fh:
        fh.write(gzip.compress(b"WARC/1.1\r\nWARC-Type: response\r\n")[:30])
    # And a file it closed (rotation) before it was killed, not indexed either.
    other = WarcWriter(crawl.warcs, prefix="other", host="test")
    closed_before = other.write_capture(exchange(url=HOME, body=b"<html>home</html>"))
    other.close()

    recorder = Recorder(crawl.warcs, crawl.index, host="test")
    recovered = recorder.open(crawl.archive.start_run(job="crawl"))
    assert len(recovered) == 2 and not any(closed.problems for closed in recovered)
    assert not list(crawl.warcs.glob(f"*{OPEN_SUFFIX}"))
    ids = [ref.record_id for pair in [*captured, closed_before] for ref in pair]
    assert crawl.index.known(ids) == set(ids)
    assert crawl.index.filenames() == {closed.filename for closed in recovered}
    # Nothing left to recover the next time.
    assert Recorder(crawl.warcs, crawl.index, host="test").recover() == []


def test_a_bad_prefix_or_size_stops_before_anything_is_written(tmp_path):
    index = WarcIndex(Archive(tmp_path).db)
    with pytest.raises(ValueError, match="prefix"):
        Recorder(tmp_path / "warcs", index, prefix="no spaces")
    with pytest.raises(ValueError, match="size limit"):
        Recorder(tmp_path / "warcs", index, max_size=0)


def test_the_warcinfo_names_the_run(crawl):
    recorder = crawl.run()
    recorder.record(exchange())
    (closed,) = recorder.close()
    with (crawl.warcs / closed.filename).open("rb") as fh:
        warcinfo = next(iter(ArchiveIterator(fh))).content_stream().read().decode()
    assert f"run-id: {recorder.run_id}" in warcinfo and "job: crawl" in warcinfo
