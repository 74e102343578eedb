"""Faults: off by default, switched on by name, each acted out on the pages the ground truth names."""

from __future__ import annotations

import http.client
import ssl
import time
import unicodedata
from urllib.parse import quote

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner

from cli import main
from replica.faults import FAULTS

MAIN = "thoxuan.thanhhoa.gov.vn"


def urls(truth: dict, fault: str) -> list[str]:
    return [quote(u, safe=":/?=&;()") for u in truth["faults"][fault]["urls"]]


@pytest.fixture
def faulty(make_replica):
    client = make_replica(faults=frozenset(FAULTS), slow_seconds=0.5)
    return client, client.truth()


def test_faults_are_off_by_default(replica, truth):
    for fault in FAULTS:
        for url in urls(truth, fault):
            reply = replica.proxy(url)
            assert reply.status == 200, (fault, url)
            if reply.header("Content-Type").startswith("text/html"):
                assert reply.header("Content-Type") == "text/html;charset=UTF-8"
                assert b"<script>alert" not in reply.body and reply.body.rstrip().endswith(b"</html>")


def test_transient_500_and_503_then_success(faulty):
    client, truth = faulty
    for url in urls(truth, "transient-500"):
        assert client.proxy(url).status == 500
        assert client.proxy(url).status == 200
    for url in urls(truth, "retry-after-503"):
        first = client.proxy(url)
        assert first.status == 503 and first.header("Retry-After") == "1"
        assert client.proxy(url).status == 200


def test_slow_page_is_slow_every_time(faulty):
    client, truth = faulty
    for _ in range(2):
        started = time.monotonic()
        assert client.proxy(urls(truth, "slow")[0]).status == 200
        assert time.monotonic() - started >= 0.5


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_reset_and_truncated_bodies_then_success(faulty, scheme):
    client, truth = faulty
    if scheme == "https":  # a fresh target state: switch the faults off and on again
        client.control("/_replica/faults?on=all")
    for fault, error in (("reset", (ConnectionResetError, http.client.IncompleteRead, ssl.SSLError)),
                         ("truncated", (http.client.IncompleteRead,))):
        for url in urls(truth, fault):
            url = url.replace("https://", f"{scheme}://")
            with pytest.raises(error):
                client.proxy(url)
            reply = client.proxy(url)
            assert reply.status == 200 and len(reply.body) == int(reply.header("Content-Length"))


def test_malformed_html_still_carries_its_content(faulty):
    client, truth = faulty
    for url in urls(truth, "malformed-html"):
        reply = client.proxy(url)
        assert not reply.body.rstrip().endswith(b"</html>") and b"</span></td>" in reply.body
        page = next(p for p in truth["pages"] if quote(p["canonical_url"], safe=":/?=&;()") == url)
        text = BeautifulSoup(reply.text, "html.parser").get_text(" ")
        assert " ".join(page["title"].split()) in " ".join(unicodedata.normalize("NFC", text).split())


def test_wrong_charset_header(faulty):
    client, truth = faulty
    reply = client.proxy(urls(truth, "wrong-charset")[0])
    assert reply.header("Content-Type") == "text/html; charset=ISO-8859-1"
    assert "Đăng lúc:" in reply.body.decode("utf-8")  # the bytes are UTF-8 all the same
    assert "Ä\x90Äƒng" not in reply.body.decode("utf-8")


def test_xss_payload(faulty):
    client, truth = faulty
    html = client.proxy(urls(truth, "xss")[0]).text
    assert "<script>alert(" in html and "onerror=" in html and "javascript:" in html
    assert "https://evil.example/" in html


def test_faults_switched_by_name_at_run_time_and_unknown_names_refused(make_replica):
    client = make_replica()
    truth = client.truth()
    assert client.control("/_replica/faults?on=transient-500")["faults"] == ["transient-500"]
    assert client.proxy(urls(truth, "transient-500")[0]).status == 500
    assert client.proxy(urls(truth, "retry-after-503")[0]).status == 200
    reply = client.direct("/_replica/faults?on=bogus", method="POST")
    assert reply.status == 400 and b"unknown fault(s) bogus" in reply.body
    assert client.control("/_replica/faults?on=")["faults"] == []
    result = CliRunner().invoke(main, ["replica", "serve", "--faults", "bogus,xss", "--port", "0"])
    assert result.exit_code == 2 and "unknown fault(s) bogus" in result.output
