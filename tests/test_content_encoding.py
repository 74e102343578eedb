"""archive.warc.content_encoding: gzip, deflate, br and zstd undone as a stream, within a limit; where to cut a bomb."""

from __future__ import annotations

import gzip
import hashlib
import zlib

import brotli
import pytest

from archive.warc.content_encoding import (ACCEPT_ENCODING, DECODE_ERRORS, codings, decode, decoded, encoded_cut,
                                           zstd)

PAGE = "<html><body>Thọ Xuân — trang chủ, tin tức và văn bản</body></html>".encode() * 50


def deflate(data: bytes, raw: bool = False) -> bytes:
    compressor = zlib.compressobj(wbits=-15 if raw else 15)
    return compressor.compress(data) + compressor.flush()


ENCODERS = {
    "gzip": lambda data: gzip.compress(data, mtime=0),
    "x-gzip": lambda data: gzip.compress(data, mtime=0),
    "deflate": deflate,
    "br": brotli.compress,
    "zstd": zstd.compress,
}


def encode(data: bytes, *applied: str) -> bytes:
    for coding in applied:
        data = ENCODERS[coding](data)
    return data


def test_the_crawler_asks_for_every_coding_it_can_undo():
    assert ACCEPT_ENCODING == "gzip, deflate, br, zstd"


@pytest.mark.parametrize("values,undo,left", [
    (["gzip"], ["gzip"], []),
    (["gzip, br"], ["br", "gzip"], []),  # the last applied is undone first
    (["gzip", "br"], ["br", "gzip"], []),  # several header lines are one list
    ([" GZIP "], ["gzip"], []),
    (["identity"], [], []),  # no coding at all
    (["gzip, identity"], ["gzip"], []),
    (["compress, gzip"], ["gzip"], ["compress"]),  # unknown: what is under it cannot be reached
    (["gzip, compress"], [], ["gzip", "compress"]),
    ([""], [], []),
])
def test_codings_to_undo_and_codings_left(values, undo, left):
    assert codings(values) == (undo, left)


@pytest.mark.parametrize("coding", sorted(ENCODERS))
def test_every_coding_is_undone(coding):
    assert decode(encode(PAGE, coding), [coding]) == (PAGE, False)


def test_raw_deflate_as_some_servers_send_it():
    assert decode(deflate(PAGE, raw=True), ["deflate"]) == (PAGE, False)


def test_codings_applied_one_over_another():
    undo, _ = codings(["gzip, br"])
    assert decode(encode(PAGE, "gzip", "br"), undo) == (PAGE, False)


def test_gzip_members_one_after_another_and_trailing_garbage():
    body = gzip.compress(PAGE[:100], mtime=0) + gzip.compress(PAGE[100:], mtime=0)
    assert decode(body, ["gzip"])[0] == PAGE
    assert decode(gzip.compress(PAGE, mtime=0) + b"\0\0garbage", ["gzip"])[0] == PAGE


@pytest.mark.parametrize("coding", ["gzip", "deflate", "br", "zstd"])
def test_never_more_than_the_limit(coding):
    body, more = decode(encode(PAGE, coding), [coding], limit=1000)
    assert body == PAGE[:1000] and more
    assert decode(encode(PAGE, coding), [coding], limit=len(PAGE)) == (PAGE, False)


@pytest.mark.parametrize("coding", ["gzip", "br", "zstd"])
def test_a_stream_cut_off_gives_what_it_had(coding):
    big = b"".join(hashlib.sha512(str(i).encode()).digest() for i in range(8000))  # incompressible
    encoded = encode(big, coding)
    body, _ = decode(encoded[:len(encoded) // 2], [coding])
    assert body and big.startswith(body) and len(body) < len(big)


@pytest.mark.parametrize("coding", ["gzip", "br", "zstd"])
def test_a_body_that_is_not_encoded_raises(coding):
    with pytest.raises(DECODE_ERRORS):
        decode(b"<html>plain, whatever the header says</html>", [coding])


@pytest.mark.parametrize("header,expected,left", [
    ("gzip", PAGE, []),
    ("br", PAGE, []),
    ("zstd", PAGE, []),
    ("deflate", PAGE, []),
    (None, None, []),
    ("identity", None, []),
    ("compress", None, ["compress"]),
])
def test_a_stored_body_as_a_browser_reads_it(header, expected, left):
    stored = encode(PAGE, header) if header in ENCODERS else PAGE
    body, still = decoded(stored, header)
    assert body == (expected if expected is not None else stored) and still == left


def test_a_stored_body_that_does_not_decode_is_given_back_as_stored():
    assert decoded(b"not gzip at all", "gzip") == (b"not gzip at all", ["gzip"])
    assert decoded(b"not br", "gzip, br") == (b"not br", ["gzip", "br"])


# --- where to cut a bomb ---------------------------------------------------------------------------------------

LIMIT = 1 << 20


@pytest.mark.parametrize("coding", ["gzip", "deflate", "br", "zstd"])
def test_a_bomb_is_cut_where_what_is_kept_decodes_to_at_most_the_limit(coding):
    bomb = encode(bytes(8 << 20), coding)  # 8 MiB of zeros in a few KiB (br, zstd: a few dozen bytes)
    cut = encoded_cut(bomb, [coding], LIMIT)
    assert cut is not None and cut < len(bomb)
    kept, more = decode(bomb[:cut], [coding], limit=LIMIT + 1) if cut else (b"", False)
    assert not more and len(kept) <= LIMIT  # never past the limit
    if coding in ("gzip", "deflate"):
        assert len(kept) >= LIMIT - 64 * 1024  # and, a deflate block's worth at most, short of it


def test_a_bomb_of_two_codings_is_cut_too():
    bomb = encode(bytes(8 << 20), "gzip", "br")
    cut = encoded_cut(bomb, ["br", "gzip"], LIMIT)
    assert cut is not None
    assert len(decode(bomb[:cut], ["br", "gzip"])[0]) <= LIMIT


@pytest.mark.parametrize("coding", ["gzip", "br", "zstd"])
def test_a_body_that_fits_is_not_cut(coding):
    assert encoded_cut(encode(PAGE, coding), [coding], LIMIT) is None
    assert encoded_cut(encode(PAGE, coding), [coding], len(PAGE)) is None


def test_a_body_that_is_not_what_it_claims_is_not_cut():
    assert encoded_cut(b"\x1f\x8b but not gzip" * 100, ["gzip"], 100) is None
