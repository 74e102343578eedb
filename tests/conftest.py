from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import time
import re
import ssl
import unicodedata
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup

from replica.server import ReplicaServer, Settings

SEED = 7
ARTICLES = 80
# What changes on every request: the server clock, the hit count, the visit counter, the session cookie.
NOISE = re.compile('var serverTime = "[^"]*"; var pageHits = \\d+;|<div>Truy cập</div>.*?<div>Tất cả: \\d+</div>'.encode(),
                   re.S)


def visible_text(html: str) -> str:
    """What a reader sees: no scripts, styles or head title; NFC; &nbsp; as space; whitespace collapsed."""
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "title"]):
        tag.decompose()
    return squash(unicodedata.normalize("NFC", soup.get_text(" ")).replace("\xa0", " "))


def squash(text: str) -> str:
    return " ".join(text.split())


def strip_noise(body: bytes) -> bytes:
    return NOISE.sub(b"NOISE", body)


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def header(self, name: str) -> str | None:
        return self.headers.get(name)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


class Client:
    """Talks to a replica the three ways a crawler can: directly, through the HTTP proxy, through CONNECT."""

    def __init__(self, server: ReplicaServer):
        self.server = server
        self.ssl = ssl.create_default_context(cadata=server.replica.ca_pem().decode())

    def direct(self, path: str, headers: dict | None = None, method: str = "GET", host: str | None = None) -> Reply:
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=30)
        hdrs = dict(headers or {})
        if host:
            hdrs["Host"] = host
        conn.request(method, path, headers=hdrs)
        return self._read(conn)

    def proxy(self, url: str, headers: dict | None = None, method: str = "GET") -> Reply:
        """http:// URLs as absolute-form requests to the proxy; https:// URLs through a CONNECT tunnel."""
        parts = urlsplit(url)
        if parts.scheme == "http":
            conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=30)
            conn.request(method, url, headers=headers or {})
        else:
            conn = http.client.HTTPSConnection("127.0.0.1", self.server.port, timeout=30, context=self.ssl)
            conn.set_tunnel(parts.hostname, parts.port or 443)
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            conn.request(method, target, headers=headers or {})
        return self._read(conn)

    @staticmethod
    def _read(conn: http.client.HTTPConnection) -> Reply:
        try:
            response = conn.getresponse()
            return Reply(response.status, response.headers, response.read())
        finally:
            conn.close()

    def control(self, path: str) -> dict:
        request = urllib.request.Request(f"{self.server.url}{path}", method="POST", data=b"")
        with urllib.request.urlopen(request, timeout=120) as response:
            return json.load(response)

    def truth(self) -> dict:
        with urllib.request.urlopen(f"{self.server.url}/_replica/truth", timeout=120) as response:
            return json.load(response)


@pytest.fixture(scope="session")
def replica():
    """A replica shared by the tests that do not change its epoch or faults."""
    with ReplicaServer(Settings(seed=SEED, articles=ARTICLES)) as server:
        yield Client(server)


@pytest.fixture(scope="session")
def truth(replica) -> dict:
    return replica.truth()


@pytest.fixture
def make_replica():
    """Fresh replicas for tests that switch epochs or faults, or compare two servers."""
    servers = []

    def start(**settings) -> Client:
        server = ReplicaServer(Settings(**{"seed": SEED, "articles": ARTICLES, **settings})).start()
        servers.append(server)
        return Client(server)

    yield start
    for server in servers:
        server.stop()


@dataclass
class Browsed:
    """An archive of two epochs of a replica (the `xss` fault on), served by `portal-archive browse`."""

    archive: object  # Path of the archive directory
    truths: dict  # epoch → the replica's ground truth
    url: str  # the web UI, e.g. http://127.0.0.1:PORT


@pytest.fixture(scope="session")
def browsed(tmp_path_factory):
    """Crawl epochs 1 and 2 of a replica into one archive, then serve it with `portal-archive browse`."""
    from test_crawl import crawl, urlopen_text

    archive = tmp_path_factory.mktemp("browse") / "archive"
    truths = {}
    with ReplicaServer(Settings(seed=23, articles=60, faults=frozenset({"xss"}))) as server:
        for epoch in (1, 2):
            server.call(server.replica.set_epoch, epoch)
            result = crawl(server, archive)
            assert result.returncode == 0, result.stderr[-3000:]
            truths[epoch] = json.loads(urlopen_text(f"{server.url}/_replica/truth"))
    with browsing(archive) as (url, _):
        yield Browsed(archive, truths, url)


@contextmanager
def browsing(archive, *options: str):
    """`portal-archive browse` on the archive, on a free port, as a person would start it, with more `options`;
    yields (its URL on 127.0.0.1, the process)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if k.lower() not in ("http_proxy", "https_proxy")}
    process = subprocess.Popen([sys.executable, "-m", "cli", "browse", "--archive", str(archive), "--port",
                                str(port), *options], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(url + "/", timeout=5):
                break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError("portal-archive browse did not start:\n" + (process.stdout.read() or "")) from None
            time.sleep(0.1)
    try:
        yield url, process
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
