"""archive.db.record_index: the index of WARC files and records, and the originals a revisit may point at."""

from __future__ import annotations

import inspect

import pytest

from archive.db.record_index import WarcIndex
from archive.db.store import Archive
from archive.warc.files import ClosedFile, RecordRef
from archive.warc.recorder import RecordIndex

URL = "https://thoxuan.thanhhoa.gov.vn/tin-tuc/bai-viet-(1).html"
DIGEST = "sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"


def ref(n: int, warc_type: str = "response", url: str = URL, digest: str = DIGEST) -> RecordRef:
    return RecordRef(filename="portal-1.warc.gz", offset=1000 * n, length=900, record_id=f"<urn:uuid:{n:036d}>",
                     warc_type=warc_type, target_uri=url, date=f"2024-05-{n:02d}T00:00:00.000000Z",
                     payload_digest=digest if warc_type != "request" else "")


@pytest.fixture
def archive(tmp_path):
    with Archive(tmp_path) as archive:
        yield archive


@pytest.fixture
def index(archive):
    return WarcIndex(archive.db)


def run(archive: Archive, status: str | None = "completed") -> int:
    run_id = archive.start_run(job="crawl")
    if status:
        archive.finish_run(run_id, status, {})
    return run_id


def test_it_is_the_index_the_recorder_asks_for():
    for name, wanted in inspect.getmembers(RecordIndex, inspect.isfunction):
        if not name.startswith("_"):
            assert list(inspect.signature(getattr(WarcIndex, name)).parameters) == \
                list(inspect.signature(wanted).parameters), name


def test_records_and_files_are_indexed_once(archive, index):
    first = run(archive)
    index.add_records(first, [ref(1), ref(2, "request")])
    index.add_records(first, [ref(1)])  # recovery may offer a record again: kept as first indexed
    index.add_file(first, ClosedFile("portal-1.warc.gz", 5000, "ab" * 32, 3, []))
    assert index.known([ref(1).record_id, ref(2).record_id, ref(3).record_id]) == {ref(1).record_id, ref(2).record_id}
    assert index.filenames() == {"portal-1.warc.gz"}
    row = archive.db.execute("select run_id, payload_digest, refers_to from warc_records where record_id = ?",
                             [ref(2).record_id]).fetchone()
    assert row == (first, "", "")


def test_a_revisit_row_names_its_original(archive, index):
    first = run(archive)
    index.add_records(first, [ref(1)])
    index.add_records(first, [ref(2, "revisit"), ref(3, "request")], refers_to=ref(1).record_id)
    refers = dict(archive.db.execute("select record_id, refers_to from warc_records").fetchall())
    assert refers == {ref(1).record_id: "", ref(2).record_id: ref(1).record_id, ref(3).record_id: ""}


def test_the_original_is_the_first_response_with_the_payload_from_a_sound_run_or_this_one(archive, index):
    interrupted, completed = run(archive, "interrupted"), run(archive)
    index.add_records(interrupted, [ref(1)])
    index.add_records(completed, [ref(2, "revisit"), ref(3), ref(4)])
    current = run(archive, None)
    assert index.original(DIGEST, current) == ref(3)  # not the interrupted run's, never a revisit
    assert index.original(DIGEST, interrupted) == ref(1)  # a run may refer to its own records
    assert index.original("sha1:OTHER", current) is None


def test_a_resumed_run_that_completes_makes_the_runs_it_resumed_sound(archive, index):
    interrupted = run(archive, "interrupted")
    index.add_records(interrupted, [ref(1)])
    resumed = run(archive)
    assert index.original(DIGEST, None) is None
    index.recover_runs("crawl", resumed)
    assert index.original(DIGEST, None) == ref(1)


def test_the_response_a_304_confirms_is_the_latest_capture_under_any_spelling(archive, index):
    first = run(archive)
    spelled = "https://thoxuan.thanhhoa.gov.vn/tin-tuc/bai-viet-%281%29.html"
    index.add_records(first, [ref(1), ref(2, url=spelled, digest="sha1:B"), ref(3, "revisit", url=spelled)],
                      refers_to=ref(1).record_id)
    archive.record_fetch(first, URL, 200, warc_record_id=ref(1).record_id)
    archive.record_fetch(first, spelled, 200, warc_record_id=ref(2).record_id)
    assert index.last_response(URL, None) == ref(2, url=spelled, digest="sha1:B")
    # The latest capture was a revisit (the same bytes as another URL): its original.
    archive.record_fetch(first, spelled, 200, warc_record_id=ref(3).record_id)
    assert index.last_response(URL, None) == ref(1)


def test_without_a_fetch_the_304_confirms_the_latest_response_at_the_same_spelling(archive, index):
    # Records indexed by crash recovery have no fetch row.
    first = run(archive)
    index.add_records(None, [ref(1), ref(2)])
    archive.db.execute("update warc_records set run_id = ?", [first])
    archive.db.conn.commit()
    assert index.last_response(URL, None) == ref(2)
    assert index.last_response(URL + "?other", None) is None


def test_a_capture_of_the_resume_cache_is_found_by_address_and_payload_from_any_run(archive, index):
    interrupted = run(archive, "interrupted")
    index.add_records(interrupted, [ref(1), ref(2, "revisit")])
    assert index.captured(URL, DIGEST) == ref(2, "revisit")  # the latest, response or revisit
    assert index.captured("https://thoxuan.thanhhoa.gov.vn/tin-tuc/bai-viet-(1).html ", DIGEST) == ref(2, "revisit")
    assert index.captured(URL, "sha1:OTHER") is None
    assert index.captured(URL + "?x", DIGEST) is None


def test_a_capture_is_found_under_the_spelling_the_record_carries(archive, index):
    stored = "https://thoxuan.thanhhoa.gov.vn/tin-tuc/th%E1%BB%8D%20xu%C3%A2n"
    index.add_records(run(archive), [ref(1, url=stored)])
    assert index.captured("https://thoxuan.thanhhoa.gov.vn/tin-tuc/thọ xuân", DIGEST) == ref(1, url=stored)
