"""Reading one record back from where the index says it is: in a closed file or one still being written."""

from __future__ import annotations

import gzip
from datetime import datetime, timezone

import pytest

from archive.replay.records import CaptureError, decoded_body, http_status, read_record, record_status
from archive.warc.writer import Exchange, WarcWriter

URL = "https://thoxuan.thanhhoa.gov.vn/web/trang-chu"
PAGE = "<html><body><p>Thọ Xuân</p></body></html>".encode()


def exchange(body: bytes, headers: list[tuple[str, str]]) -> Exchange:
    return Exchange(url=URL, method="GET", request_headers=[("Accept", "*/*")], status=200, reason="OK",
                    response_headers=headers, body=body, started_at=datetime(2025, 3, 14, 8, 30, tzinfo=timezone.utc))


def test_a_record_reads_back_from_an_open_file_and_after_it_is_closed(tmp_path):
    writer = WarcWriter(tmp_path, host="test")
    response, _request = writer.write_capture(exchange(gzip.compress(PAGE), [("Content-Type", "text/html"),
                                                                             ("Content-Encoding", "gzip")]))
    assert (tmp_path / (response.filename + ".open")).exists()  # still being written: read under its open name
    for state in ("open", "closed"):
        if state == "closed":
            writer.close()
        record = read_record(tmp_path, response.filename, response.offset, response.length)
        assert record.rec_headers.get_header("WARC-Record-ID") == response.record_id
        assert http_status(record) == 200
        assert decoded_body(record, record.raw_stream.read()) == (PAGE, True)
        assert record_status(tmp_path, response.filename, response.offset, response.length) == (200, "text/html")


def test_what_cannot_be_read_is_named(tmp_path):
    with WarcWriter(tmp_path, host="test") as writer:
        response, _request = writer.write_capture(exchange(PAGE, [("Content-Type", "text/html")]))
    with pytest.raises(CaptureError, match="bare file name"):
        read_record(tmp_path, "../" + response.filename, response.offset, response.length)
    with pytest.raises(CaptureError, match="missing"):
        read_record(tmp_path, "other.warc.gz", response.offset, response.length)
    with pytest.raises(CaptureError, match="ends before the record"):
        read_record(tmp_path, response.filename, response.offset, 10**9)
    with pytest.raises(CaptureError, match="unreadable WARC record|no WARC record"):
        read_record(tmp_path, response.filename, response.offset + 1, response.length - 1)
    assert record_status(tmp_path, response.filename, response.offset + 1, response.length - 1) == (None, "")
