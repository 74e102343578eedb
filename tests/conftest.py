from __future__ import annotations

import http.client
import json
import re
import ssl
import unicodedata
import urllib.request
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
