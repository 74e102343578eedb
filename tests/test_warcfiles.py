"""WARC files at rest: crash recovery (rule 16), validation and fixity (rule 17), reading records back."""

from __future__ import annotations

import base64
import gzip
import hashlib
import subprocess
import sys
import zlib
from datetime import datetime, timezone
from io import BytesIO
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archive.warc.files import iter_records, recover, sha256_file, validate
from archive.warc.writer import Exchange, WarcWriter

BIN = Path(sys.executable).parent
START = datetime(2024, 5, 17, 3, 4, 5, tzinfo=timezone.utc)


def exchange(n: int, body: bytes | None = None) -> Exchange:
    return Exchange(url=f"https://thoxuan.thanhhoa.gov.vn/tin-tuc/{n}?p=1", method="GET",
                    request_headers=[("User-Agent", "portal-archive/0.1")], status=200, reason="OK",
                    response_headers=[("Content-Type", "text/html")],
                    body=body if body is not None else f"<p>bài {n}</p>".encode() * 50, started_at=START,
                    ip_address="203.0.113.7")


def warcio_check(path: Path) -> int:
    return subprocess.run([str(BIN / "warcio"), "check", str(path)], capture_output=True, check=False).returncode


def sha1_b32(data: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode()


def member_bounds(data: bytes) -> list[tuple[int, int]]:
    offset, found = 0, []
    while offset < len(data):
        inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
        inflater.decompress(data[offset:])
        end = len(data) - len(inflater.unused_data)
        found.append((offset, end))
        offset = end
    return found


@pytest.fixture
def crashed(tmp_path):
    """The `.open` file of a writer that never closed it: its bytes, its name and the refs the writer returned."""
    writer = WarcWriter(tmp_path / "live", host="crawler-1", warcinfo={"operator": "test"})
    refs = [ref for n in range(3) for ref in writer.write_capture(exchange(n))]
    (open_file,) = (tmp_path / "live").glob("*.warc.gz.open")
    yield open_file.read_bytes(), open_file.name, refs
    writer.close()


def torn(data: bytes, refs) -> dict[str, tuple[bytes, int]]:
    """Damaged copies of a file and where its complete part ends."""
    last = refs[-1]
    record = gzip.decompress(data[last.offset:])
    return {
        "inside the last member": (data[:-7], last.offset),
        "in the last member's gzip header": (data[:last.offset + 3], last.offset),
        "exactly at a member boundary": (data[:refs[3].offset], refs[3].offset),
        "inside the first record after warcinfo": (data[:refs[0].offset + 20], refs[0].offset),
        "zero-filled tail": (data + b"\0" * 4096, len(data)),
        "complete member, incomplete record": (data[:last.offset] + gzip.compress(record[:len(record) // 2]),
                                               last.offset),
        "nothing torn": (data, len(data)),
    }


@pytest.mark.parametrize("case", ["inside the last member", "in the last member's gzip header",
                                  "exactly at a member boundary", "inside the first record after warcinfo",
                                  "zero-filled tail", "complete member, incomplete record", "nothing torn"])
def test_rule16_recover_trims_the_torn_record_and_closes_the_file(tmp_path, crashed, case):
    data, name, refs = crashed
    damaged, end = torn(data, refs)[case]
    warcs = tmp_path / "warcs"
    warcs.mkdir()
    (warcs / name).write_bytes(damaged)
    complete = [ref for ref in refs if ref.offset + ref.length <= end]
    # Before recovery the open file already reads back as its complete records.
    assert [r.record_id for r in iter_records(warcs / name)][1:] == [ref.record_id for ref in complete]

    ((closed, records),) = recover(warcs)

    final = warcs / name.removesuffix(".open")
    assert closed.filename == final.name and [p.name for p in warcs.iterdir()] == [final.name]
    assert final.read_bytes() == data[:end]
    assert closed.problems == [] and validate(final) == [] and warcio_check(final) == 0
    assert closed.sha256 == hashlib.sha256(data[:end]).hexdigest() and closed.size == end
    assert closed.records == len(records) == 1 + len(complete)
    assert records[0].warc_type == "warcinfo" and records[1:] == complete
    assert recover(warcs) == []


def test_rule16_nothing_complete_leaves_nothing(tmp_path, crashed):
    data, name, refs = crashed
    warcs = tmp_path / "warcs"
    warcs.mkdir()
    (warcs / name).write_bytes(data[:refs[0].offset - 5])  # inside the warcinfo
    assert recover(warcs) == [] and list(warcs.iterdir()) == []


def test_rule16_recover_leaves_closed_files_and_other_directories_alone(tmp_path):
    with WarcWriter(tmp_path, host="h") as writer:
        writer.write_capture(exchange(1))
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    assert recover(tmp_path) == [] and recover(tmp_path / "missing") == []
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_rule16_a_new_writer_continues_after_a_recovered_file(tmp_path, crashed):
    data, name, _ = crashed
    warcs = tmp_path / "warcs"
    warcs.mkdir()
    (warcs / name).write_bytes(data[:-3])
    ((closed, _),) = recover(warcs)
    with WarcWriter(warcs, host="crawler-1") as writer:
        ref, _ = writer.write_capture(exchange(9))
    assert int(ref.filename.split("-")[2]) == int(closed.filename.split("-")[2]) + 1


def closed_file(tmp_path: Path) -> tuple[Path, str, list]:
    with WarcWriter(tmp_path, host="h") as writer:
        refs = [ref for n in range(2) for ref in writer.write_capture(exchange(n))]
        (closed,) = writer.close()
    return tmp_path / closed.filename, closed.sha256, refs


def test_rule17_validate_reports_a_flipped_byte(tmp_path):
    path, sha256, refs = closed_file(tmp_path)
    assert validate(path) == [] and sha256_file(path) == sha256
    data = bytearray(path.read_bytes())
    data[refs[0].offset + refs[0].length // 2] ^= 0x01
    path.write_bytes(data)
    assert validate(path) and sha256_file(path) != sha256


def test_rule17_validate_reports_an_altered_payload_inside_a_sound_gzip_member(tmp_path):
    path, sha256, refs = closed_file(tmp_path)
    data, response = path.read_bytes(), refs[0]
    record = gzip.decompress(data[response.offset:response.offset + response.length])
    altered = record.replace("bài 0".encode(), "bài 8".encode(), 1)
    assert altered != record
    path.write_bytes(data[:response.offset] + gzip.compress(altered) + data[response.offset + response.length:])
    problems = validate(path)
    assert any("digest" in p for p in problems) and sha256_file(path) != sha256


def test_validate_rejects_what_other_writers_get_wrong(tmp_path):
    # warcio's defaults: WARC/1.0 and no warcinfo; and a whole-file gzip rather than one member per record.
    plain = tmp_path / "plain.warc.gz"
    with plain.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/plain")], protocol="HTTP/1.0")
        writer.write_record(writer.create_warc_record("http://example.com/", "response", payload=BytesIO(b"hi"),
                                                      length=2, http_headers=http))
    problems = validate(plain)
    assert any("WARC/1.0" in p for p in problems) and any("warcinfo" in p for p in problems)
    whole = tmp_path / "whole.warc.gz"
    path, _, _ = closed_file(tmp_path / "good")
    whole.write_bytes(gzip.compress(gzip.decompress(path.read_bytes())))
    assert any("more than one record" in p for p in validate(whole))
    empty = tmp_path / "empty.warc.gz"
    empty.write_bytes(b"")
    assert validate(empty) == ["no records"]


def hand_written(tmp_path: Path, name: str, headers: list[tuple[str, str]], block: bytes) -> Path:
    """A file of our own making, correct but for what the test puts in one response record."""
    with WarcWriter(tmp_path, prefix=name, host="h") as writer:
        ref, _ = writer.write_capture(exchange(1))
    path = tmp_path / ref.filename
    data = path.read_bytes()
    info_end = member_bounds(data)[0][1]
    info_id = gzip.decompress(data[:info_end]).split(b"WARC-Record-ID: ")[1].split(b"\r\n")[0].decode()
    head = "WARC/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in [
        ("WARC-Type", "response"), ("WARC-Record-ID", "<urn:uuid:12345678-1234-1234-1234-123456789abc>"),
        ("WARC-Date", "2024-05-17T03:04:05Z"), ("WARC-Warcinfo-ID", info_id),
        ("Content-Type", "application/http;msgtype=response"), ("WARC-Block-Digest", sha1_b32(block)),
        *headers, ("Content-Length", str(len(block)))])
    path.write_bytes(data[:info_end] + gzip.compress(head.encode() + b"\r\n" + block + b"\r\n\r\n"))
    return path


def test_validate_checks_target_uri_and_honest_blocks(tmp_path):
    honest = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi"
    good = hand_written(tmp_path, "good", [("WARC-Target-URI", "http://example.com/")], honest)
    assert validate(good) == []
    brackets = hand_written(tmp_path, "brackets", [("WARC-Target-URI", "<http://example.com/>")], honest)
    assert any("angle brackets" in p for p in validate(brackets))
    chunked = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n"
    assert any("Transfer-Encoding" in p
               for p in validate(hand_written(tmp_path, "chunked", [("WARC-Target-URI", "http://a/")], chunked)))
    lying = b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nhi"
    assert any("Content-Length 9 but 2" in p
               for p in validate(hand_written(tmp_path, "lying", [("WARC-Target-URI", "http://a/")], lying)))


def test_iter_records_gives_offsets_warcio_and_the_writer_agree_on(tmp_path):
    path, _, refs = closed_file(tmp_path)
    records = list(iter_records(path))
    assert records[0].warc_type == "warcinfo" and records[0].offset == 0 and records[0].payload_digest == ""
    assert records[1:] == refs
    data = path.read_bytes()
    assert [(r.offset, r.offset + r.length) for r in records] == member_bounds(data)


def test_sha256_file(tmp_path):
    path = tmp_path / "f"
    path.write_bytes(b"x" * 3_000_000)
    assert sha256_file(path) == hashlib.sha256(b"x" * 3_000_000).hexdigest()
