"""The replica's HTTP server: a web server for the portal's hosts and a forward proxy for their real names.

One port serves both ways. An origin-form request (`GET /web/trang-chu`) is answered by the host its
`Host` header names (loopback names mean the main host). An absolute-form request
(`GET http://thoxuan.vn/...`) or a `CONNECT thoxuan.vn:443` tunnel, in which TLS is terminated with a
certificate made at start-up, is how a crawler with `http_proxy` / `https_proxy` set reaches the
replica under the live portal's names. Requests for any other host are refused at once.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import logging
import socket
import ssl
import struct
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from http import HTTPStatus
from email.utils import format_datetime, parsedate_to_datetime
from urllib.parse import parse_qs, urlsplit

import brotli
import h11
import trustme

from replica.catalog import Catalog, Resource
from replica.content import MAIN_HOST, PORTAL_HOSTS, PROVINCE_HOST
from replica.epochs import EPOCHS, build_site
from replica.families import resolve as resolve_family
from replica.faults import FaultState, parse_faults
from replica.markup import fill_noise, make_variant
from replica.truth import ground_truth

log = logging.getLogger("replica")
HOSTS = (*PORTAL_HOSTS, PROVINCE_HOST)
LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]")
COMPRESSIBLE = ("text/", "application/javascript", "application/json")
CHUNK = 8192
ENCODERS = {"gzip": lambda body: gzip.compress(body, compresslevel=6, mtime=0),
            "br": lambda body: brotli.compress(body, quality=5)}
IDLE_SECONDS = 60


@dataclass
class Settings:
    seed: int = 1
    articles: int = 300
    epoch: int = 1
    variant: int = 0
    faults: frozenset[str] = frozenset()
    slow_seconds: float = 3.0
    # Template family (replica/families): a name, "holdout"/"training" (one of those, by seed), or "" for
    # `classic` unless a markup seed is given, which then picks a training family and draws its parameters.
    family: str = ""
    markup_seed: int | None = None
    # Content codings offered for text, in order of preference: the first one the client accepts is used.
    encodings: tuple[str, ...] = ("gzip",)


class Replica:
    """The state behind the server: the site of the current epoch, its catalog, the faults and the counters."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.faults = FaultState(settings.faults, settings.slow_seconds)
        self.hits = 0
        self._catalogs: dict[int, Catalog] = {}
        self.family, self.markup_seed = resolve_family(settings.family, settings.markup_seed)
        self.ca = trustme.CA(organization_name="portal-archive replica")
        cert = self.ca.issue_cert(*HOSTS, *(f"www.{h}" for h in HOSTS), "localhost", "127.0.0.1")
        self.tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        cert.configure_cert(self.tls)
        self.tls.set_alpn_protocols(["http/1.1"])
        self.set_epoch(settings.epoch)

    @property
    def catalog(self) -> Catalog:
        return self._catalogs[self.settings.epoch]

    def set_epoch(self, epoch: int) -> None:
        if epoch not in EPOCHS:
            raise ValueError(f"epoch must be one of {EPOCHS}")
        if epoch not in self._catalogs:
            site = build_site(self.settings.seed, self.settings.articles, epoch)
            catalog = Catalog(site, make_variant(self.settings.variant), self.family, self.markup_seed)
            catalog.warm()
            self._catalogs[epoch] = catalog
        self.settings.epoch = epoch

    def ca_pem(self) -> bytes:
        return self.ca.cert_pem.bytes()

    def status(self) -> dict:
        s = self.settings
        return {"seed": s.seed, "articles": s.articles, "epoch": s.epoch, "variant": s.variant,
                "family": self.family, "markup_seed": self.markup_seed,
                "faults": sorted(self.faults.enabled), "slow_seconds": self.faults.slow_seconds, "hits": self.hits,
                "hosts": list(HOSTS)}

    def control(self, method: str, path: str, query: str) -> tuple[int, str, bytes]:
        """The `/_replica/` endpoints on loopback: status, epoch, faults, ground truth, CA certificate."""
        args = {k: v[-1] for k, v in parse_qs(query, keep_blank_values=True).items()}
        try:
            if path == "/_replica/ca.pem":
                return 200, "application/x-pem-file", self.ca_pem()
            if path == "/_replica/truth":
                truth = ground_truth(self.catalog.site)
                return 200, "application/json", json.dumps(truth, ensure_ascii=False).encode()
            if path == "/_replica/epoch" and method == "POST":
                self.set_epoch(int(args.get("n", "")))
            elif path == "/_replica/faults" and method == "POST":
                self.faults.switch(parse_faults(args.get("on", "")))
                if "slow" in args:
                    self.faults.slow_seconds = float(args["slow"])
            elif path != "/_replica/" and path != "/_replica":
                return 404, "text/plain", b"unknown control path\n"
        except ValueError as exc:
            return 400, "text/plain", f"{exc}\n".encode()
        return 200, "application/json", json.dumps(self.status()).encode()


class Handler:
    """One client connection, possibly upgraded to TLS inside a CONNECT tunnel."""

    def __init__(self, replica: Replica, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        self.replica = replica
        self.reader = reader
        self.writer = writer
        self.conn = h11.Connection(h11.SERVER)
        self.tunnel_host: str | None = None

    async def run(self) -> None:
        try:
            while True:
                event = await self.next_event()
                if isinstance(event, h11.Request):
                    if not await self.answer(event):
                        return
                    if self.conn.our_state is h11.SWITCHED_PROTOCOL:
                        await self.start_tunnel()
                        continue
                    if self.conn.our_state is h11.MUST_CLOSE:
                        return
                    # Drain the request's body (control POSTs only) before the next cycle.
                    while self.conn.their_state is h11.SEND_BODY:
                        await self.next_event()
                    self.conn.start_next_cycle()
                elif isinstance(event, h11.ConnectionClosed) or event is None:
                    return
        except (h11.RemoteProtocolError, h11.LocalProtocolError) as exc:
            log.debug("protocol error: %s", exc)
            self.raw(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        except (ConnectionError, ssl.SSLError, asyncio.IncompleteReadError, TimeoutError):
            pass
        finally:
            self.writer.close()

    async def next_event(self):
        while True:
            event = self.conn.next_event()
            if event is h11.NEED_DATA:
                # An idle keep-alive connection is closed, as real servers do, so none lingers forever.
                data = await asyncio.wait_for(self.reader.read(65536), IDLE_SECONDS)
                self.conn.receive_data(data)
                continue
            if event is h11.PAUSED:
                return None
            return event

    async def start_tunnel(self) -> None:
        await self.writer.start_tls(self.replica.tls)
        self.conn = h11.Connection(h11.SERVER)

    def raw(self, data: bytes) -> None:
        if not self.writer.is_closing():
            self.writer.write(data)

    async def answer(self, request: h11.Request) -> bool:
        """Answer one request; False when the connection must end now."""
        method = request.method.decode()
        target = request.target.decode("latin-1")
        headers = {k.decode().lower(): v.decode("latin-1") for k, v in request.headers}
        if method == "CONNECT":
            host, _, port = target.rpartition(":")
            if host not in HOSTS or port != "443":
                await self.refuse(f"CONNECT to {target} refused: the replica serves only {', '.join(HOSTS)} on 443")
                return False
            self.tunnel_host = host
            self.send(_response(200, headers=[], reason=b"Connection established"))
            await self.writer.drain()
            return True
        if target.startswith(("http://", "https://")):  # a proxy request
            parts = urlsplit(target)
            host, path, query = (parts.hostname or ""), parts.path or "/", parts.query
        else:
            path, _, query = target.partition("?")
            host = self.tunnel_host or host_name(headers.get("host", ""))
            if host in LOOPBACK or host.replace(".", "").isdigit():
                if path.startswith("/_replica"):
                    status, ctype, body = self.replica.control(method, path, query)
                    await self.respond_bytes(method, status, ctype, body)
                    return True
                host = MAIN_HOST
        if host not in HOSTS:
            await self.refuse(f"{host or 'no host'} refused: the replica serves only {', '.join(HOSTS)}")
            return False
        self.replica.hits += 1
        return await self.serve(method, host, path, query, headers)

    async def refuse(self, why: str) -> None:
        body = (why + "\n").encode()
        self.send(_response(403, headers=[("Content-Type", "text/plain"), ("Content-Length", str(len(body))),
                                                         ("Connection", "close")]))
        self.send(h11.Data(data=body))
        self.send(h11.EndOfMessage())
        await self.writer.drain()

    def send(self, event) -> None:
        data = self.conn.send(event)
        if data:
            self.raw(data)

    async def respond_bytes(self, method: str, status: int, ctype: str, body: bytes) -> None:
        self.send(_response(status, headers=[("Content-Type", ctype), ("Content-Length", str(len(body)))]))
        if method != "HEAD":
            self.send(h11.Data(data=body))
        self.send(h11.EndOfMessage())
        await self.writer.drain()

    async def serve(self, method: str, host: str, path: str, query: str, headers: dict[str, str]) -> bool:
        replica = self.replica
        catalog = replica.catalog
        res = (catalog.hostile(replica.faults.enabled, host, path, query)
               or catalog.lookup(host, path, query, lambda key: replica.faults.content(key, catalog.targets)))
        now = datetime.now(timezone.utc)
        fault = replica.faults.behaviour(res.key, catalog.targets) if res.key else None
        if fault == "slow":
            await asyncio.sleep(replica.faults.slow_seconds)
        elif fault == "transient-500":
            await self.respond_bytes(method, 500, "text/html;charset=UTF-8", b"<h1>500 Internal Server Error</h1>")
            return True
        elif fault == "retry-after-503":
            self.send(_response(503, headers=[("Retry-After", "1"), ("Content-Length", "0")]))
            self.send(h11.EndOfMessage())
            await self.writer.drain()
            return True
        if res.status == 200 and method in ("GET", "HEAD") and not_modified(res, headers):
            self.send(_response(304, headers=self.headers(res, now, None)))
            self.send(h11.EndOfMessage())
            await self.writer.drain()
            return True
        if res.stream is not None:
            await self.stream(method, res, self.headers(res, now, None))
            return True
        body = res.static_body()
        if body is None:
            body = b"".join(p if isinstance(p, bytes) else fill_noise(p, replica.hits, now).encode() for p in res.parts)
        accepted = {c.split(";")[0].strip() for c in headers.get("accept-encoding", "").lower().split(",")}
        coding = (next((c for c in replica.settings.encodings if c in accepted), None)
                  if res.content_type.startswith(COMPRESSIBLE) and body and not res.identity else None)
        if coding:
            body = ENCODERS[coding](body)
        hdrs = self.headers(res, now, coding)
        if fault in ("reset", "truncated"):
            await self.cut(fault, res, hdrs, body)
            return False
        if res.raw_head:
            await self.send_raw(method, res, hdrs, body)
            return False
        if not res.chunked or method == "HEAD":
            hdrs.append(("Content-Length", str(len(body))))
        self.send(_response(res.status, headers=hdrs))
        if method != "HEAD":
            step = CHUNK if res.chunked else len(body) or 1
            for start in range(0, len(body), step):
                self.send(h11.Data(data=body[start:start + step]))
        self.send(h11.EndOfMessage())
        await self.writer.drain()
        return True

    async def stream(self, method: str, res: Resource, hdrs: list[tuple[str, str]]) -> None:
        """A body made as it is sent, a chunk at a time, waiting for the client to take each one."""
        self.send(_response(res.status, headers=[*hdrs, ("Content-Length", str(res.length))]))
        if method != "HEAD":
            for piece in res.stream():
                self.send(h11.Data(data=piece))
                await self.writer.drain()
        self.send(h11.EndOfMessage())
        await self.writer.drain()

    async def send_raw(self, method: str, res: Resource, hdrs: list[tuple[str, str]], body: bytes) -> None:
        """Headers that h11 refuses to send (a NUL byte in a value), written by hand; then the connection closes."""
        head = f"HTTP/1.1 {res.status} {HTTPStatus(res.status).phrase}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in hdrs)
        head += f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        self.raw(head.encode("latin-1") + (body if method != "HEAD" else b""))
        await self.writer.drain()
        self.writer.close()

    def headers(self, res: Resource, now: datetime, coding: str | None) -> list[tuple[str, str]]:
        hdrs = [("Server", "Apache-Coyote/1.1"), ("Date", format_datetime(now, usegmt=True)),
                ("Content-Type", res.content_type)]
        if res.is_html and res.status == 200:
            hdrs += [("Liferay-Portal", "Liferay Portal Community Edition 6.2 CE GA6"),
                     ("Set-Cookie", f"JSESSIONID={self.replica.hits:08X}{id(self) & 0xFFFF:04X}; Path=/; HttpOnly"),
                     ("Set-Cookie", "GUEST_LANGUAGE_ID=vi_VN; Path=/; Max-Age=31536000"),
                     ("Set-Cookie", "COOKIE_SUPPORT=true; Path=/; Max-Age=31536000")]
        if res.etag:
            hdrs.append(("ETag", res.etag))
        if res.last_modified:
            hdrs.append(("Last-Modified", format_datetime(res.last_modified.astimezone(timezone.utc), usegmt=True)))
        if res.content_type.startswith(COMPRESSIBLE):
            hdrs.append(("Vary", "Accept-Encoding"))
        if coding:
            hdrs.append(("Content-Encoding", coding))
        hdrs += list(res.headers)
        return hdrs

    async def cut(self, fault: str, res: Resource, hdrs: list[tuple[str, str]], body: bytes) -> None:
        """Act out a broken transfer, bypassing h11 (which would refuse to send it)."""
        half = body[: len(body) // 2]
        length = len(body) if fault == "reset" else len(body) + 4096
        head = f"HTTP/1.1 {res.status} {HTTPStatus(res.status).phrase}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in hdrs)
        self.raw(f"{head}Content-Length: {length}\r\n\r\n".encode("latin-1") + half)
        await self.writer.drain()
        if fault == "reset":
            sock = self.writer.get_extra_info("socket")
            if sock is not None:  # SO_LINGER 0: close() sends RST instead of FIN
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.writer.transport.abort()
        else:
            self.writer.close()


def _response(status_code: int, headers: list, reason: bytes | None = None) -> h11.Response:
    """A response with its real reason phrase (archived status lines keep it). A header value with code points
    past ASCII stands for the bytes sent (latin-1): a raw UTF-8 file name in Content-Disposition."""
    headers = [(k, v.encode("latin-1")) if isinstance(v, str) and not v.isascii() else (k, v) for k, v in headers]
    return h11.Response(status_code=status_code, headers=headers,
                        reason=reason or HTTPStatus(status_code).phrase.encode())


def host_name(header: str) -> str:
    """The host of a Host header, without its port (IPv6 literals keep their brackets)."""
    if header.startswith("["):
        return header.partition("]")[0] + "]"
    return header.rpartition(":")[0] if ":" in header else header


def not_modified(res: Resource, headers: dict[str, str]) -> bool:
    """RFC 9110 13.1: If-None-Match (weak comparison) decides when present, else If-Modified-Since."""
    if "if-none-match" in headers:
        if not res.etag:
            return False
        wanted = {tag.strip().removeprefix("W/") for tag in headers["if-none-match"].split(",")}
        return "*" in wanted or res.etag.removeprefix("W/") in wanted
    if "if-modified-since" in headers and res.last_modified:
        try:
            since = parsedate_to_datetime(headers["if-modified-since"])
        except (TypeError, ValueError):
            return False
        return res.last_modified.replace(microsecond=0) <= since
    return False


class ReplicaServer:
    """Runs the replica on 127.0.0.1 in a background thread (tests, benchmarks) or in the foreground (CLI)."""

    def __init__(self, settings: Settings | None = None, host: str = "127.0.0.1", port: int = 0):
        self.replica = Replica(settings or Settings())
        self.host = host
        self.port = port
        self.loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    async def _client(self, reader, writer) -> None:
        await Handler(self.replica, reader, writer).run()

    async def open(self) -> None:
        self._server = await asyncio.start_server(self._client, self.host, self.port, backlog=1024)
        self.port = self._server.sockets[0].getsockname()[1]

    async def serve_forever(self) -> None:
        await self.open()
        async with self._server:
            await self._server.serve_forever()

    def start(self) -> "ReplicaServer":
        ready = threading.Event()

        def run() -> None:
            self.loop = asyncio.new_event_loop()
            self.loop.run_until_complete(self.open())
            ready.set()
            self.loop.run_forever()

        self._thread = threading.Thread(target=run, name="replica", daemon=True)
        self._thread.start()
        ready.wait(60)
        return self

    def call(self, fn, *args):
        """Run `fn(*args)` on the server's loop thread, where the replica's state lives, and return its result."""
        async def inner():
            return fn(*args)
        return asyncio.run_coroutine_threadsafe(inner(), self.loop).result(120)

    def stop(self) -> None:
        if self.loop and self._server:
            async def close():
                self._server.close()
                # Connections still open (a client's idle keep-alive, a browser's) end here, not when the loop is
                # gone: their handlers would otherwise be destroyed pending, with a warning each.
                handlers = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
                for task in handlers:
                    task.cancel()
                await asyncio.gather(*handlers, return_exceptions=True)
                await asyncio.wait_for(self._server.wait_closed(), 5)
            try:
                asyncio.run_coroutine_threadsafe(close(), self.loop).result(10)
            except TimeoutError:
                pass
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join(10)

    def __enter__(self) -> "ReplicaServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
