"""WARC writing, rule by rule of the shared warc-rules.md, read back with warcio and checked by the tools that consume
our files (`warcio check`, `warcio index`, `cdxj-indexer`)."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import re
import subprocess
import sys
import zlib
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from io import BytesIO
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders

from archive.warc.files import iter_records, validate
from archive.warc.writer import Exchange, RecordRef, WarcWriter, payload_digest

BIN = Path(sys.executable).parent
START = datetime(2024, 5, 17, 3, 4, 5, 123456, tzinfo=timezone.utc)
WARCINFO = {"operator": "Archive team <archive@example.org>", "robots": "obey",
            "http-header-user-agent": "portal-archive/0.1 (+mailto:archive@example.org)", "hostname": "crawler-1",
            "description": "Web archive of the Thọ Xuân district portal", "run-id": "7", "job": "daily"}
PAGE = "<html><body>Thọ Xuân — trang chủ</body></html>".encode()
GZIPPED = gzip.compress(PAGE * 20, mtime=0)
UA = ("User-Agent", "portal-archive/0.1 (+mailto:archive@example.org)")


def exchange(url: str = "https://thoxuan.thanhhoa.gov.vn/tin-tuc?page=2&sort=new", **changes) -> Exchange:
    values = {"url": url, "method": "GET", "status": 200, "reason": "OK", "body": PAGE, "started_at": START,
              "ip_address": "203.0.113.7",
              "request_headers": [UA, ("Accept", "text/html"), ("Accept-Encoding", "gzip, deflate, br"),
                                  ("Cookie", "ASP.NET_SessionId=abc")],
              "response_headers": [("Content-Type", "text/html; charset=utf-8"), ("Server", "Microsoft-IIS/10.0")]}
    return Exchange(**(values | changes))


# What the format layer must cope with: one exchange per case of the brief.
CASES = {
    "gzip": exchange(body=GZIPPED, response_headers=[("Content-Type", "text/html"), ("Content-Encoding", "gzip"),
                                                      ("Vary", "Accept-Encoding")]),
    "empty": exchange(body=b"", status=204, reason="No Content", response_headers=[]),
    "404": exchange(url="https://thoxuan.thanhhoa.gov.vn/khong-co", status=404, reason="Not Found", body=b"gone"),
    "500": exchange(status=500, reason="", body=b"<h1>Server Error</h1>"),
    "redirect": exchange(url="http://thoxuan.thanhhoa.gov.vn/", status=302, reason="Found", body=b"",
                         response_headers=[("Location", "https://thoxuan.thanhhoa.gov.vn/"),
                                           ("Content-Type", "text/html")]),
    "cookies": exchange(response_headers=[("Content-Type", "text/html"), ("Set-Cookie", "a=1; Path=/"),
                                          ("Set-Cookie", "b=2; Path=/; HttpOnly"), ("Set-Cookie", "c=3")]),
    "head": exchange(method="HEAD", body=b""),
    "query": exchange(url="https://thoxuan.thanhhoa.gov.vn/Search?q=th%E1%BB%8D+xu%C3%A2n&page=3"),
    "truncated": exchange(body=PAGE[:10], truncated="length"),
    "disconnect": exchange(body=GZIPPED[:40], truncated="disconnect",
                           response_headers=[("Content-Encoding", "gzip"), ("Content-Type", "text/html")]),
    "h2": exchange(http_version="HTTP/2"),
    "post": exchange(method="POST", request_body=b"q=1&page=2",
                     request_headers=[UA, ("Content-Type", "application/x-www-form-urlencoded")]),
}


@dataclass
class Read:
    """One record as warcio reads it back, plus where it was."""

    headers: StatusAndHeaders
    http: StatusAndHeaders | None
    payload: bytes
    offset: int
    length: int

    def __getitem__(self, name: str) -> str | None:
        return self.headers.get_header(name)


def read(path: Path) -> list[Read]:
    with path.open("rb") as fh:
        return read_stream(fh)


def read_stream(fh) -> list[Read]:
    found = []
    records = ArchiveIterator(fh)
    for record in records:
        payload = record.raw_stream.read()
        found.append(Read(record.rec_headers, record.http_headers, payload, records.get_record_offset(),
                          records.get_record_length()))
    return found


def members(path: Path) -> list[tuple[int, int, bytes]]:
    """Every gzip member as (offset, compressed length, raw decompressed bytes): what warcio's parsing hides."""
    data, offset, found = path.read_bytes(), 0, []
    while offset < len(data):
        inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
        raw = inflater.decompress(data[offset:])
        assert inflater.eof, f"member at {offset} is incomplete"
        length = len(data) - offset - len(inflater.unused_data)
        found.append((offset, length, raw))
        offset += length
    return found


def noise(seed: int, blocks: int = 16) -> bytes:
    """64 * blocks bytes that gzip cannot shrink."""
    return b"".join(hashlib.sha512(f"{seed}-{i}".encode()).digest() for i in range(blocks))


def warcio_check(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "warcio"), "check", "-v", str(path)], capture_output=True, text=True, check=False)


def sha1_b32(data: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode()


def warc_files(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.warc.gz"))


@pytest.fixture
def written(tmp_path):
    """Every case written as a capture, then revisits of both profiles; the closed file, its refs and its records."""
    writer = WarcWriter(tmp_path, host="crawler-1", warcinfo=WARCINFO)
    refs = {name: writer.write_capture(ex) for name, ex in CASES.items()}
    later = START + timedelta(days=1)
    refs["revisit"] = writer.write_revisit(exchange(url="https://thoxuan.thanhhoa.gov.vn/copy", started_at=later),
                                           refs["query"][0])
    not_modified = exchange(status=304, reason="Not Modified", body=b"", started_at=later,
                            request_headers=[UA, ("If-None-Match", '"abc"')], response_headers=[("ETag", '"abc"')])
    refs["304"] = writer.write_revisit(not_modified, refs["cookies"][0], "server-not-modified")
    closed = writer.close()
    assert len(closed) == 1
    path = tmp_path / closed[0].filename
    by_id = {r["WARC-Record-ID"]: r for r in read(path)}
    return path, closed[0], refs, by_id


def test_every_file_passes_warcio_check(written):
    path, closed, _, _ = written
    result = warcio_check(path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("digest pass") == closed.records - 2  # all but the two revisits
    assert "revisit" in result.stdout and "fail" not in result.stdout


def test_rule1_every_record_is_warc_1_1(written):
    path, closed, _, by_id = written
    raw = members(path)
    assert len(raw) == closed.records == len(by_id) == 1 + 2 * (len(CASES) + 2)
    assert all(data.startswith(b"WARC/1.1\r\n") for _, _, data in raw)
    assert {r.headers.protocol for r in by_id.values()} == {"WARC/1.1"}


def test_rule2_file_starts_with_its_warcinfo(written):
    path, _, _, _ = written
    records = read(path)
    info = records[0]
    assert info["WARC-Type"] == "warcinfo" and info["Content-Type"] == "application/warc-fields"
    assert info["WARC-Filename"] == path.name
    fields = dict(line.split(": ", 1) for line in info.payload.decode().splitlines())
    assert fields["software"] == "portal-archive/0.1.0" and fields["format"] == "WARC File Format 1.1"
    assert {k: fields[k] for k in WARCINFO} == WARCINFO
    for record in records[1:]:
        assert record["WARC-Warcinfo-ID"] == info["WARC-Record-ID"]
        assert record["WARC-Filename"] is None


def test_rule3_mandatory_fields(written):
    path, _, _, _ = written
    for offset, _, data in members(path):
        head = data.split(b"\r\n\r\n", 1)[0].decode()
        fields = dict(line.split(": ", 1) for line in head.splitlines()[1:])
        assert re.fullmatch(r"<urn:uuid:[0-9a-f-]{36}>", fields["WARC-Record-ID"])
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?Z", fields["WARC-Date"])
        assert int(fields["Content-Length"]) == len(data) - len(head) - 8
        warc_type = fields["WARC-Type"]
        if warc_type != "warcinfo":
            assert not fields["WARC-Target-URI"].startswith("<") and " " not in fields["WARC-Target-URI"]
            msgtype = "request" if warc_type == "request" else "response"
            assert fields["Content-Type"] == f"application/http;msgtype={msgtype}"


def test_rule4_response_and_request_share_date_and_are_linked(written):
    _, _, refs, by_id = written
    for first, request in refs.values():
        response, req = by_id[first.record_id], by_id[request.record_id]
        assert req["WARC-Concurrent-To"] == response["WARC-Record-ID"]
        assert response["WARC-Date"] == req["WARC-Date"] == first.date == request.date
        assert response["WARC-IP-Address"] == req["WARC-IP-Address"] == "203.0.113.7"
        assert response["WARC-Target-URI"] == req["WARC-Target-URI"]
    assert by_id[refs["gzip"][0].record_id]["WARC-Date"] == "2024-05-17T03:04:05.123456Z"


def test_rule4_no_ip_address_when_unknown(tmp_path):
    with WarcWriter(tmp_path) as writer:
        refs = writer.write_capture(exchange(ip_address=None, started_at=START.replace(microsecond=0)))
    records = {r["WARC-Record-ID"]: r for r in read(warc_files(tmp_path)[0])}
    assert all(records[ref.record_id]["WARC-IP-Address"] is None for ref in refs)
    assert records[refs[0].record_id]["WARC-Date"] == "2024-05-17T03:04:05Z"


def test_rule5_request_block_is_the_request_as_sent(written):
    _, _, refs, by_id = written
    request = by_id[refs["query"][1].record_id]
    assert request.http.protocol == "GET"
    assert request.http.statusline == "/Search?q=th%E1%BB%8D+xu%C3%A2n&page=3 HTTP/1.1"
    assert request.http.headers[0] == ("Host", "thoxuan.thanhhoa.gov.vn")
    assert request.http.headers[1:] == CASES["query"].request_headers
    assert by_id[refs["head"][1].record_id].http.protocol == "HEAD"
    post = by_id[refs["post"][1].record_id]
    assert post.http.protocol == "POST" and post.payload == b"q=1&page=2"
    assert post.http.get_header("Content-Length") == "10"


def test_rule5_host_kept_and_proxy_credentials_dropped(tmp_path):
    sent = [("Host", "thoxuan.vn:8443"), ("Proxy-Authorization", "Basic c2VjcmV0"), ("Proxy-Connection", "keep-alive"),
            UA]
    with WarcWriter(tmp_path) as writer:
        writer.write_capture(exchange(url="https://thoxuan.vn:8443/a", request_headers=sent))
        writer.write_capture(exchange(url="http://user:pw@thoxuan.vn:80/b", request_headers=[UA]))
    records = read(warc_files(tmp_path)[0])
    first, second = [r for r in records if r["WARC-Type"] == "request"]
    assert first.http.headers == [("Host", "thoxuan.vn:8443"), UA]
    assert second.http.headers[0] == ("Host", "thoxuan.vn") and second.http.statusline == "/b HTTP/1.1"
    assert b"c2VjcmV0" not in gzip.decompress(warc_files(tmp_path)[0].read_bytes())


def test_rule7_honest_response_block(tmp_path):
    sent = [("Content-Type", "text/html"), ("Transfer-Encoding", "chunked"), ("Connection", "keep-alive"),
            ("content-length", "999"), ("Set-Cookie", "a=1"), ("Set-Cookie", "b=2"), ("X-Name", "café")]
    with WarcWriter(tmp_path) as writer:
        writer.write_capture(exchange(status=200, reason="Okay then", response_headers=sent))
        writer.write_capture(CASES["500"])
    path = warc_files(tmp_path)[0]
    response, other = [r for r in read(path) if r["WARC-Type"] == "response"]
    assert response.http.protocol == "HTTP/1.1" and response.http.statusline == "200 Okay then"
    assert response.http.headers == [("Content-Type", "text/html"), ("Set-Cookie", "a=1"), ("Set-Cookie", "b=2"),
                                     ("X-Name", "café"), ("Content-Length", str(len(PAGE)))]
    assert response.payload == PAGE
    assert other.http.statusline == "500 Internal Server Error"
    # The header bytes are the ones received (latin-1 round trip), not percent-encoded.
    assert b"X-Name: caf\xe9\r\n" in members(path)[1][2]


def test_rule7_gzip_body_stored_as_received(written):
    _, _, refs, by_id = written
    response = by_id[refs["gzip"][0].record_id]
    assert response.payload.startswith(b"\x1f\x8b") and response.payload == GZIPPED
    assert response.http.get_header("Content-Encoding") == "gzip"
    assert response.http.get_header("Content-Length") == str(len(GZIPPED))
    assert gzip.decompress(response.payload) == PAGE * 20


def test_rule7_repeated_headers_redirects_and_empty_bodies(written):
    _, _, refs, by_id = written
    cookies = by_id[refs["cookies"][0].record_id].http
    assert [v for k, v in cookies.headers if k == "Set-Cookie"] == ["a=1; Path=/", "b=2; Path=/; HttpOnly", "c=3"]
    redirect = by_id[refs["redirect"][0].record_id]
    assert redirect.http.statusline == "302 Found"
    assert redirect.http.get_header("Location") == "https://thoxuan.thanhhoa.gov.vn/" and redirect.payload == b""
    for name in ("empty", "head", "redirect"):
        record = by_id[refs[name][0].record_id]
        assert record.payload == b"" and record.http.get_header("Content-Length") == "0"
    assert by_id[refs["404"][0].record_id].http.statusline == "404 Not Found"


def test_rule8_digests(written):
    path, _, refs, by_id = written
    for name, (response_ref, _) in refs.items():
        if name in ("revisit", "304"):
            continue
        response = by_id[response_ref.record_id]
        assert response["WARC-Payload-Digest"] == sha1_b32(CASES[name].body) == response_ref.payload_digest
        assert payload_digest(CASES[name].body) == response_ref.payload_digest
    assert refs["gzip"][0].payload_digest == sha1_b32(GZIPPED)
    for _, _, data in members(path):
        head, block = data[:-4].split(b"\r\n\r\n", 1)
        assert re.search(rb"WARC-Block-Digest: (\S+)", head).group(1).decode() == sha1_b32(block)


def test_rule9_truncation_is_never_silent(written):
    _, _, refs, by_id = written
    assert by_id[refs["truncated"][0].record_id]["WARC-Truncated"] == "length"
    assert by_id[refs["disconnect"][0].record_id]["WARC-Truncated"] == "disconnect"
    assert by_id[refs["disconnect"][0].record_id].payload == GZIPPED[:40]
    assert by_id[refs["query"][0].record_id]["WARC-Truncated"] is None


def test_rule10_http2(written):
    _, _, refs, by_id = written
    response, request = (by_id[ref.record_id] for ref in refs["h2"])
    assert response.http.protocol == "HTTP/1.1" and response.http.statusline == "200 OK"
    assert response["WARC-Protocol"] == request["WARC-Protocol"] == "h2"
    assert request.http.statusline.endswith(" HTTP/1.1")
    assert by_id[refs["query"][0].record_id]["WARC-Protocol"] is None


def test_rule11_identical_payload_revisit(written):
    _, _, refs, by_id = written
    original, (revisit_ref, request_ref) = refs["query"][0], refs["revisit"]
    revisit = by_id[revisit_ref.record_id]
    assert revisit["WARC-Type"] == "revisit" == revisit_ref.warc_type
    assert revisit["WARC-Profile"] == "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
    assert revisit["WARC-Payload-Digest"] == original.payload_digest == revisit_ref.payload_digest
    assert revisit["WARC-Truncated"] == "length"
    assert revisit["WARC-Refers-To"] == original.record_id
    assert revisit["WARC-Refers-To-Target-URI"] == original.target_uri != revisit["WARC-Target-URI"]
    assert revisit["WARC-Refers-To-Date"] == original.date != revisit["WARC-Date"]
    assert revisit.http.statusline == "200 OK" and revisit.payload == b""
    assert revisit.http.get_header("Content-Length") == str(len(PAGE))
    assert by_id[request_ref.record_id]["WARC-Concurrent-To"] == revisit_ref.record_id


def test_rule11_revisit_refers_to_an_original_response_with_that_payload(tmp_path):
    with WarcWriter(tmp_path) as writer:
        original, _ = writer.write_capture(exchange())
        revisit, _ = writer.write_revisit(exchange(), original)
        with pytest.raises(ValueError, match="original response"):
            writer.write_revisit(exchange(), revisit)
        with pytest.raises(ValueError, match="payload"):
            writer.write_revisit(exchange(body=b"changed"), original)
        with pytest.raises(ValueError, match="profile"):
            writer.write_revisit(exchange(), original, "same-url")


def test_rule12_server_not_modified_revisit(written):
    _, _, refs, by_id = written
    original, revisit = refs["cookies"][0], by_id[refs["304"][0].record_id]
    assert revisit["WARC-Profile"] == "http://netpreserve.org/warc/1.1/revisit/server-not-modified"
    assert revisit["WARC-Refers-To"] == original.record_id
    assert revisit["WARC-Refers-To-Date"] == original.date
    assert revisit["WARC-Refers-To-Target-URI"] == original.target_uri
    assert revisit.http.statusline == "304 Not Modified" and revisit.http.get_header("ETag") == '"abc"'
    request = by_id[refs["304"][1].record_id]
    assert request.http.get_header("If-None-Match") == '"abc"'


def test_rule12_only_for_a_304(tmp_path):
    with WarcWriter(tmp_path) as writer:
        original, _ = writer.write_capture(exchange())
        with pytest.raises(ValueError, match="304"):
            writer.write_revisit(exchange(), original, "server-not-modified")


def test_rule14_one_gzip_member_per_record_at_the_offsets_returned(written):
    path, _, refs, _ = written
    raw = members(path)
    offsets = {offset: length for offset, length, _ in raw}
    data = path.read_bytes()
    for pair in refs.values():
        for ref in pair:
            assert offsets[ref.offset] == ref.length and ref.filename == path.name
            member = data[ref.offset:ref.offset + ref.length]
            (record,) = [r["WARC-Record-ID"] for r in read_stream(BytesIO(member))]
            assert record == ref.record_id
    assert [(r.offset, r.length) for r in read(path)] == [(o, n) for o, n, _ in raw]


def test_cdxj_indexer_finds_every_response_and_revisit(written):
    path, _, refs, _ = written
    result = subprocess.run([str(BIN / "cdxj-indexer"), str(path)], capture_output=True, text=True, check=True)
    lines = [json.loads(line.split(" ", 2)[2]) for line in result.stdout.splitlines()]
    expected = {(r.offset, r.length, r.payload_digest) for pair in refs.values() for r in pair
                if r.warc_type in ("response", "revisit")}
    assert {(int(e["offset"]), int(e["length"]), e["digest"]) for e in lines} == expected
    assert all(e["filename"] == path.name for e in lines)
    assert sum(e.get("mime") == "warc/revisit" for e in lines) == 2


def test_warcio_index_agrees_with_the_refs(written):
    path, _, refs, _ = written
    result = subprocess.run([str(BIN / "warcio"), "index", "-f", "warc-record-id,offset,length", str(path)],
                            capture_output=True, text=True, check=True)
    indexed = {e["warc-record-id"]: (int(e["offset"]), int(e["length"]))
               for e in map(json.loads, result.stdout.splitlines())}
    assert all(indexed[r.record_id] == (r.offset, r.length) for pair in refs.values() for r in pair)


def test_rule15_open_while_writing_then_renamed(tmp_path):
    writer = WarcWriter(tmp_path / "warcs", prefix="portal", host="crawler-1")
    assert (tmp_path / "warcs").is_dir() and not list((tmp_path / "warcs").iterdir())  # opened lazily
    response, request = writer.write_capture(exchange())
    (open_file,) = (tmp_path / "warcs").iterdir()
    assert open_file.name.endswith(".warc.gz.open") and response.filename == open_file.name[:-len(".open")]
    assert re.fullmatch(r"portal-\d{14}-00000-crawler-1\.warc\.gz", response.filename)
    # Flushed and fsync'ed: readable from the open file before close, at the offsets returned.
    assert [(r.record_id, r.offset, r.length) for r in iter_records(open_file)][1:] == [
        (ref.record_id, ref.offset, ref.length) for ref in (response, request)]
    (closed,) = writer.close()
    assert [p.name for p in (tmp_path / "warcs").iterdir()] == [closed.filename] == [response.filename]
    assert writer.close() == []


def test_rule15_serials_continue_after_the_directory(tmp_path):
    (tmp_path / "portal-20240101000000-00041-other.warc.gz").write_bytes(b"")
    (tmp_path / "portal-20240101000000-00042-other.warc.gz.open").write_bytes(b"")
    (tmp_path / "elsewhere-20240101000000-00099-other.warc.gz").write_bytes(b"")
    with WarcWriter(tmp_path, host="h") as writer:
        first = writer.write_capture(exchange())[0].filename
    with WarcWriter(tmp_path, host="h") as writer:
        second = writer.write_capture(exchange())[0].filename
    assert first.split("-")[2] == "00043" and second.split("-")[2] == "00044"


def test_rule15_rotation_before_the_size_limit(tmp_path):
    writer = WarcWriter(tmp_path, host="h", max_size=4000, warcinfo=WARCINFO)
    refs = [writer.write_capture(exchange(body=noise(i))) for i in range(12)]
    closed = writer.close()
    files = warc_files(tmp_path)
    assert len(files) == len(closed) > 3 and [c.filename for c in closed] == [f.name for f in files]
    serials = [int(f.name.split("-")[2]) for f in files]
    assert serials == list(range(len(files)))
    for path, info in zip(files, closed, strict=True):
        records = read(path)
        assert records[0]["WARC-Type"] == "warcinfo" and records[0]["WARC-Filename"] == path.name
        assert all(r["WARC-Warcinfo-ID"] == records[0]["WARC-Record-ID"] for r in records[1:])
        assert path.stat().st_size <= 4000 and info.size == path.stat().st_size and info.records == len(records)
        assert info.problems == [] and warcio_check(path).returncode == 0
    where = {r.record_id: (r.filename, r.offset) for path in files for r in iter_records(path)}
    assert all(where[ref.record_id] == (ref.filename, ref.offset) for pair in refs for ref in pair)


def test_rule15_a_capture_bigger_than_the_limit_gets_a_file_of_its_own(tmp_path):
    big = noise(0, 200)
    writer = WarcWriter(tmp_path, host="h", max_size=5000)
    names = [writer.write_capture(exchange(body=body))[0].filename for body in (b"small", big, b"small")]
    closed = writer.close()
    assert len(set(names)) == len(closed) == 3 and all(not c.problems for c in closed)


def test_rule17_close_validates_and_hashes(written):
    path, closed, _, _ = written
    assert closed.problems == [] and validate(path) == []
    assert closed.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert closed.size == path.stat().st_size and closed.filename == path.name


def test_close_returns_every_file_closed_since_the_last_call(tmp_path):
    writer = WarcWriter(tmp_path, host="h", max_size=2500)
    for i in range(4):
        writer.write_capture(exchange(body=noise(i)))
    first = writer.close()
    writer.write_capture(exchange())
    second = writer.close()
    assert len(first) == 4 and len(second) == 1
    assert {c.filename for c in first + second} == {p.name for p in warc_files(tmp_path)}


def test_bad_arguments_are_refused(tmp_path):
    with pytest.raises(ValueError, match="prefix"):
        WarcWriter(tmp_path, prefix="a/b")
    with pytest.raises(ValueError, match="size"):
        WarcWriter(tmp_path, max_size=0)
    with WarcWriter(tmp_path) as writer, pytest.raises(ValueError, match="time zone"):
        writer.write_capture(exchange(started_at=datetime(2024, 1, 1)))


def test_refs_are_what_iter_records_reads_back(written):
    path, _, refs, _ = written
    read_back = {r.record_id: r for r in iter_records(path)}
    assert all(read_back[ref.record_id] == ref for pair in refs.values() for ref in pair)
    assert all(isinstance(ref, RecordRef) for ref in read_back.values())
    assert replace(refs["query"][1], payload_digest="") == refs["query"][1]  # request refs carry no payload digest
