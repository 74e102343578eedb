"""HTTP content codings (gzip, deflate, br, zstd) undone as a stream, never producing more than a limit.

One reading of `Content-Encoding` for the whole project: the crawl decodes with it (within the page and file size
limits) and finds where to cut a body that decodes past its limit (a gzip bomb); `rebuild` and replay read stored
responses with it. A stored body keeps its coding (warc-rules 6, 7): this module is how it is read back.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator

try:
    import brotli
except ImportError:  # pragma: no cover - PyPy has brotlicffi, with the same interface
    import brotlicffi as brotli
try:
    from compression import zstd  # Python 3.14
except ImportError:
    from backports import zstd

ACCEPTED = ("gzip", "deflate", "br", "zstd")  # what the crawler asks for, in Accept-Encoding
ACCEPT_ENCODING = ", ".join(ACCEPTED)
CHUNK = 1 << 16  # decoded bytes produced at a time
SLICE = 1 << 14  # encoded bytes fed at a time while looking for where to cut
FINE_SLICE = 16  # and then, within the slice that passed the limit
DEFLATE_CODINGS = ("gzip", "x-gzip", "deflate")
DEFLATE_MAX_RATIO = 1032  # deflate's largest expansion: one byte of stream decodes to at most 1032 bytes
# What a body that is not what its Content-Encoding claims raises while it is decoded.
DECODE_ERRORS = (zlib.error, brotli.error, zstd.ZstdError, OSError, EOFError, ValueError)


def codings(values: Iterable[str]) -> tuple[list[str], list[str]]:
    """(codings to undo, in the order they are undone; codings left on the body) for `Content-Encoding` values.

    The last coding applied is undone first; an unknown one stops the undoing there (what is under it cannot be
    reached), as in Scrapy's HttpCompressionMiddleware. `identity` is no coding at all.
    """
    left = [c for value in values for c in (c.strip().lower() for c in value.split(",")) if c not in ("", "identity")]
    undo: list[str] = []
    while left and left[-1] in DECODERS:
        undo.append(left.pop())
    return undo, left


# --- decoders that never produce more than they are asked for ------------------------------------------------------

class _Zlib:
    def __init__(self, coding: str):
        self.gzip = coding in ("gzip", "x-gzip")
        self.wbits = 31 if self.gzip else 15
        self.decoder = zlib.decompressobj(self.wbits)
        self.started = False

    def feed(self, data: bytes) -> Iterator[bytes]:
        while True:
            try:
                out = self.decoder.decompress(data, CHUNK)
            except zlib.error:
                if self.gzip or self.started:
                    raise
                self.decoder, self.wbits = zlib.decompressobj(-15), -15  # raw deflate, as some servers send it
                out = self.decoder.decompress(data, CHUNK)
            self.started = True
            if out:
                yield out
            if self.decoder.eof:
                rest = self.decoder.unused_data
                if not (self.gzip and rest[:2] == b"\x1f\x8b"):
                    return  # trailing garbage after the stream is not part of it
                self.decoder = zlib.decompressobj(self.wbits)  # the next gzip member
                data = rest
                continue
            data = self.decoder.unconsumed_tail
            if not data and not out:
                return


class _Brotli:
    def __init__(self, coding: str):
        self.decoder = brotli.Decompressor()

    def feed(self, data: bytes) -> Iterator[bytes]:
        out = self.decoder.process(data, output_buffer_limit=CHUNK)
        if out:
            yield out
        while not self.decoder.is_finished():  # output held back by the limit, until it needs more input
            out = self.decoder.process(b"", output_buffer_limit=CHUNK)
            if not out:
                return
            yield out


class _Zstd:
    def __init__(self, coding: str):
        self.decoder = zstd.ZstdDecompressor()

    def feed(self, data: bytes) -> Iterator[bytes]:
        while not self.decoder.eof:
            out = self.decoder.decompress(data, CHUNK)
            data = b""
            if out:
                yield out
            if self.decoder.needs_input or not out:
                return


DECODERS = {"gzip": _Zlib, "x-gzip": _Zlib, "deflate": _Zlib, "br": _Brotli, "zstd": _Zstd}


class _Chain:
    """Content codings undone one after the other, as a stream: bytes in, decoded chunks out."""

    def __init__(self, undo: list[str]):
        self.decoders = [DECODERS[c](c) for c in undo]  # in the order they are undone

    def feed(self, data: bytes, level: int = 0) -> Iterator[bytes]:
        if level == len(self.decoders):
            yield data
            return
        for out in self.decoders[level].feed(data):
            yield from self.feed(out, level + 1)


def decode(body: bytes, undo: list[str], limit: int = 0) -> tuple[bytes, bool]:
    """(the body decoded, at most `limit` bytes of it if `limit`; whether there was more).

    `undo` as `codings` gives it. A stream cut off gives what it had; a body that decodes to nothing at all raises
    one of DECODE_ERRORS (it is not encoded as it claims).
    """
    out, more = bytearray(), False
    try:
        for piece in _Chain(undo).feed(body):
            room = limit - len(out) if limit else len(piece)
            if len(piece) > room:
                out += piece[:room]
                more = True
                break
            out += piece
    except DECODE_ERRORS:
        if not out:
            raise
    return bytes(out), more


def decoded(body: bytes, content_encoding: str | None, limit: int = 0) -> tuple[bytes, list[str]]:
    """A stored body as a browser reads it: (body, the codings still on it; [] when it is fully decoded).

    Every coding of the `Content-Encoding` header that can be undone is undone; a body that does not decode is
    given back as stored, with all its codings.
    """
    undo, left = codings([content_encoding or ""])
    if not undo:
        return body, left
    try:
        return decode(body, undo, limit)[0], left
    except DECODE_ERRORS:
        return body, [*left, *reversed(undo)]


def encoded_cut(body: bytes, undo: list[str], limit: int) -> int | None:
    """Where to cut an encoded body so that what is kept decodes to no more than `limit` bytes; None if it all fits.

    The body is fed a slice at a time and each slice's output counted and dropped, so a bomb costs time in
    proportion to the limit and no memory to speak of. Once a slice passes the limit, the body is decoded again up
    to that slice and the slice fed in small steps, to cut close to the limit.
    """
    if all(c in DEFLATE_CODINGS for c in undo) and len(body) * DEFLATE_MAX_RATIO ** len(undo) <= limit:
        return None  # deflate cannot expand this body past the limit: most pages end here, decoded only once
    found = _scan(_Chain(undo), body, 0, len(body), SLICE, 0, limit)
    if found is None:
        return None
    start, total = found
    chain = _Chain(undo)
    if _scan(chain, body, 0, start, SLICE, 0, limit) is not None:  # cannot happen: the same bytes decode the same
        return start
    return _scan(chain, body, start, min(start + SLICE, len(body)), FINE_SLICE, total, limit)[0]


def _scan(chain: _Chain, body: bytes, start: int, end: int, step: int, total: int, limit: int
          ) -> tuple[int, int] | None:
    """Feed body[start:end] in steps: (start of the step that passed `limit`, bytes decoded before it), or None."""
    try:
        for at in range(start, end, step):
            before = total
            for piece in chain.feed(body[at:at + step]):
                total += len(piece)
                if total > limit:
                    return at, before  # everything before this step decodes completely, to no more than the limit
    except DECODE_ERRORS:
        return None  # not what it claims to be: decoding it (later) fails or stops early by itself
    return None
