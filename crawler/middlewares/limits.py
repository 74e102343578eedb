"""Size limits: a body is cut at the configured size and kept, marked truncated, never dropped and never let grow.

Scrapy's own limit (DOWNLOAD_MAXSIZE) cancels a download that passes it, and its decompression refuses a body
that inflates past it: the archive would keep nothing of either. Here instead:

- `BodyLimitMiddleware` (at 860, so that its `process_response` runs before the WARC capture at 850) stops a
  download once it has received more than the limit (`StopDownload(fail=False)` from the `bytes_received` signal,
  which gives Scrapy's partial response) and cuts the body to exactly the limit. A content-encoded body (a gzip
  bomb) is cut where what is kept decodes to no more than the limit, found by decoding it a chunk at a time into
  nothing. Either way the response is marked: `portal_truncated` in its meta (a sentence for `fetches.error`),
  the flag `truncated`, and the WARC record gets `WARC-Truncated: length`.
- `BoundedDecompressionMiddleware` replaces Scrapy's HttpCompressionMiddleware (at 590): it decodes to at most
  the limit, keeping what fits, where Scrapy's raises IgnoreRequest.

The limit is `PORTAL_MAX_PAGE_SIZE` for HTML and other text (what the spider reads) and `PORTAL_MAX_FILE_SIZE`
for everything else (images, attachments). Memory stays bounded: the most held for one response is about twice
its limit.
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import Iterator

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.exceptions import StopDownload
from scrapy.http import Headers, Response

try:
    import brotli
except ImportError:  # pragma: no cover - Scrapy installs one of the two
    import brotlicffi as brotli
try:
    from compression import zstd  # Python 3.14
except ImportError:
    from backports import zstd

log = logging.getLogger(__name__)
CHUNK = 1 << 16  # decoded bytes produced at a time
SLICE = 1 << 14  # encoded bytes fed at a time while looking for where to cut
FINE_SLICE = 16  # and then, within the slice that passed the limit
DEFLATE_CODINGS = (b"gzip", b"x-gzip", b"deflate")
DEFLATE_MAX_RATIO = 1032  # deflate's largest expansion: one byte of stream decodes to at most 1032 bytes
META_LIMIT = "portal_body_limit"
META_RECEIVED = "portal_body_received"
META_TRUNCATED = "portal_truncated"
TEXT_TYPES = ("text/", "application/xhtml", "application/xml", "application/javascript", "application/json",
              "application/rss", "application/atom")


def body_limit(settings, headers: Headers) -> tuple[int, str]:
    """(limit in bytes, setting it comes from) for a response with these headers: pages or files."""
    content_type = (headers.get(b"Content-Type") or b"").decode("latin-1").strip().lower()
    name = "PORTAL_MAX_PAGE_SIZE" if not content_type or content_type.startswith(TEXT_TYPES) else "PORTAL_MAX_FILE_SIZE"
    return settings.getint(name), name


def encodings_of(headers: Headers) -> list[bytes]:
    """The content codings to undo, first to last (the last one applied is undone first); unknown ones stop it."""
    to_decode, _ = HttpCompressionMiddleware._split_encodings(headers.getlist(b"Content-Encoding"))
    return to_decode


# --- decoders that never produce more than they are asked for ------------------------------------------------------

class _Zlib:
    def __init__(self, encoding: bytes):
        self.gzip = encoding in (b"gzip", b"x-gzip")
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
    def __init__(self, encoding: bytes):
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
    def __init__(self, encoding: bytes):
        self.decoder = zstd.ZstdDecompressor()

    def feed(self, data: bytes) -> Iterator[bytes]:
        while not self.decoder.eof:
            out = self.decoder.decompress(data, CHUNK)
            data = b""
            if out:
                yield out
            if self.decoder.needs_input or not out:
                return


DECODE_ERRORS = (zlib.error, brotli.error, zstd.ZstdError, OSError, EOFError, ValueError)
DECODERS = {b"gzip": _Zlib, b"x-gzip": _Zlib, b"deflate": _Zlib, b"br": _Brotli, b"zstd": _Zstd}


class _Chain:
    """Content codings undone one after the other, as a stream: bytes in, decoded chunks out."""

    def __init__(self, encodings: list[bytes]):
        self.decoders = [DECODERS[e](e) for e in encodings]  # in the order they are undone

    def feed(self, data: bytes, level: int = 0) -> Iterator[bytes]:
        if level == len(self.decoders):
            yield data
            return
        for out in self.decoders[level].feed(data):
            yield from self.feed(out, level + 1)


def decode(body: bytes, encodings: list[bytes], limit: int) -> tuple[bytes, bool]:
    """(the body decoded, at most `limit` bytes of it if `limit`; whether there was more). Raises if nothing decodes."""
    out, more = bytearray(), False
    try:
        for piece in _Chain(encodings).feed(body):
            room = limit - len(out) if limit else len(piece)
            if len(piece) > room:
                out += piece[:room]
                more = True
                break
            out += piece
    except DECODE_ERRORS:
        if not out:  # as Scrapy does: a cut-off stream gives what it had, a body that is not encoded at all fails
            raise
    return bytes(out), more


def encoded_cut(body: bytes, encodings: list[bytes], limit: int) -> int | None:
    """Where to cut an encoded body so that what is kept decodes to no more than `limit` bytes; None if it all fits.

    The body is fed a slice at a time and each slice's output counted and dropped, so a bomb costs time in
    proportion to the limit and no memory to speak of. Once a slice passes the limit, the body is decoded again up
    to that slice and the slice fed in small steps, to cut close to the limit.
    """
    if all(e in DEFLATE_CODINGS for e in encodings) and len(body) * DEFLATE_MAX_RATIO ** len(encodings) <= limit:
        return None  # deflate cannot expand this body past the limit: most pages end here, decoded only once
    found = _scan(_Chain(encodings), body, 0, len(body), SLICE, 0, limit)
    if found is None:
        return None
    start, total = found
    chain = _Chain(encodings)
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


# --- the middlewares -------------------------------------------------------------------------------------------

class BodyLimitMiddleware:
    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.settings = crawler.settings
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BodyLimitMiddleware:
        middleware = cls(crawler)
        crawler.signals.connect(middleware.headers_received, signal=signals.headers_received)
        crawler.signals.connect(middleware.bytes_received, signal=signals.bytes_received)
        return middleware

    def process_request(self, request: Request) -> None:
        # A retried or redirected request is a copy of one whose answer may have been cut: start afresh.
        for key in (META_LIMIT, META_RECEIVED, META_TRUNCATED):
            request.meta.pop(key, None)

    def headers_received(self, headers: Headers, body_length: int, request: Request, spider=None) -> None:
        request.meta[META_LIMIT] = body_limit(self.settings, headers)[0]

    def bytes_received(self, data: bytes, request: Request, spider=None) -> None:
        received = request.meta.get(META_RECEIVED, 0) + len(data)
        request.meta[META_RECEIVED] = received
        limit = request.meta.get(META_LIMIT)
        if limit and received > limit:
            raise StopDownload(fail=False)  # the response goes on with what was received

    def process_response(self, request: Request, response: Response) -> Response:
        if request.method == "HEAD" or not response.body:
            return response
        limit, setting = body_limit(self.settings, response.headers)
        if not limit:
            return response
        body, note = response.body, ""
        if len(body) > limit:  # stopped once past the limit (or a resume-cache copy of such a body)
            body = body[:limit]
            note = f"truncated: more than {setting} ({limit} bytes) received; the first {limit} bytes are kept"
        encodings = encodings_of(response.headers)
        if encodings:
            cut = encoded_cut(body, encodings, limit)
            if cut is not None:
                coding = b", ".join(encodings).decode("latin-1")
                note = (f"truncated: the {coding} body decodes to more than {setting} ({limit} bytes); the first "
                        f"{cut} of the {len(body)} bytes received are kept, which decode to at most {limit}")
                body = body[:cut]
        if not note:
            return response
        request.meta[META_TRUNCATED] = note
        self.stats.inc_value("portal/truncated")
        log.warning("%s: %s", response.url, note)
        return response.replace(body=body, flags=[*response.flags, "truncated"])


class BoundedDecompressionMiddleware(HttpCompressionMiddleware):
    """Scrapy's HttpCompressionMiddleware, decoding to at most the response's limit instead of refusing the body."""

    def process_response(self, request: Request, response: Response, spider=None) -> Request | Response:
        # Read by _decode below, for this response only (middlewares run one response at a time).
        self._limit = body_limit(self.crawler.settings, response.headers)[0]
        self._cut = False
        response = super().process_response(request, response)
        if self._cut and not request.meta.get(META_TRUNCATED):  # a bomb that BodyLimitMiddleware did not see
            request.meta[META_TRUNCATED] = f"truncated: decodes to more than {self._limit} bytes"
            self.stats.inc_value("portal/truncated")
        return response

    def _decode(self, body: bytes, encoding: bytes, max_size: int) -> bytes:
        decoded, more = decode(body, [encoding], self._limit)
        self._cut = self._cut or more
        return decoded

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BoundedDecompressionMiddleware:
        middleware = super().from_crawler(crawler)
        middleware.crawler = crawler
        return middleware
