"""Request forgery: a page's images, scripts and styles on this machine, its network or another site are never fetched.

The replica's `ssrf` fault (replica/hostile.py) plants them in one article. The spider asks only the portal's hosts
and PORTAL_REQUISITE_HOSTS; crawler/middlewares/addresses.py refuses, in the downloader, requests to loopback,
private and other non-public addresses and responses that come from one (a name that resolves there), the
configured proxy excepted.
"""

from __future__ import annotations

import http.server
import ipaddress
import json
import os
import re
import sqlite3
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from scrapy import Request
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response
from scrapy.settings import Settings as ScrapySettings
from scrapy.utils.conf import build_component_list
from scrapy.utils.test import get_crawler
from warcio.archiveiterator import ArchiveIterator

import crawler.settings
from archive.urls import normalise
from crawler.middlewares.addresses import (STAT, PrivateAddressMiddleware, denied, literal_address, local_name,
                                           parse_allowed)
from replica.faults import parse_faults
from replica.hostile import SSRF
from replica.server import ReplicaServer, Settings
from test_crawl import crawl, same_resource, score, urlopen_text

ip = ipaddress.ip_address
SSRF_HOSTS = {urlsplit(url).hostname for url in SSRF}
PRIVATE_HOSTS = SSRF_HOSTS - {"evil.example"}  # the off-site host is public: only the spider's host list stops it


# --- the classification of addresses ------------------------------------------------------------------------------

@pytest.mark.parametrize("address,reason", [
    ("127.0.0.1", "loopback"), ("127.8.9.10", "loopback"), ("::1", "loopback"),
    ("10.0.0.1", "private"), ("172.16.5.4", "private"), ("172.31.255.255", "private"), ("192.168.1.1", "private"),
    ("fc00::1", "private"), ("fd12:3456::1", "private"),
    ("169.254.169.254", "link-local"), ("169.254.0.1", "link-local"), ("fe80::1", "link-local"),
    ("100.64.0.1", "shared (carrier-grade NAT)"), ("100.127.255.254", "shared (carrier-grade NAT)"),
    ("0.0.0.0", "unspecified"), ("::", "unspecified"),
    ("224.0.0.1", "multicast"), ("239.255.255.250", "multicast"), ("ff02::1", "multicast"),
    ("240.0.0.1", "reserved"), ("255.255.255.255", "reserved"),
    ("192.0.2.1", "special-purpose"), ("198.18.0.1", "special-purpose"), ("0.1.2.3", "special-purpose"),
    ("2001:db8::1", "special-purpose"), ("fec0::1", "site-local"),
    # IPv6 spellings of IPv4 addresses: mapped, NAT64, 6to4
    ("::ffff:127.0.0.1", "loopback"), ("::ffff:169.254.169.254", "link-local"), ("64:ff9b::a00:1", "private"),
    ("2002:c0a8:101::1", "private"),
    # public
    ("8.8.8.8", None), ("1.1.1.1", None), ("100.63.255.255", None), ("172.32.0.1", None), ("2001:4860::8888", None),
    ("::ffff:8.8.8.8", None), ("64:ff9b::808:808", None), ("2002:808:808::1", None),
])
def test_denied_addresses_and_why(address, reason):
    assert denied(ip(address)) == reason


@pytest.mark.parametrize("host,address", [
    ("127.0.0.1", "127.0.0.1"), ("[::1]", "::1"), ("::1", "::1"), ("10.0.0.1.", "10.0.0.1"),
    ("::ffff:127.0.0.1", "::ffff:127.0.0.1"),
    # spellings inet_aton reads, and so a resolver would: short, hexadecimal, octal, one number
    ("127.1", "127.0.0.1"), ("0x7f.0.0.1", "127.0.0.1"), ("0x7f000001", "127.0.0.1"),
    ("017700000001", "127.0.0.1"), ("2130706433", "127.0.0.1"), ("0", "0.0.0.0"),
    # names
    ("thoxuan.vn", None), ("thanhhoa.gov.vn", None), ("localhost", None), ("cafe", None), ("bad.cafe", None),
    ("10.example", None), ("", None),
])
def test_ip_literals_in_every_spelling(host, address):
    assert literal_address(host) == (ip(address) if address else None)


def test_names_of_this_machine():
    assert all(map(local_name, ["localhost", "LOCALHOST.", "localhost.localdomain", "ip6-localhost", "a.localhost"]))
    assert not any(map(local_name, ["thoxuan.vn", "localhost.example", "mylocalhost"]))


def test_allowed_addresses_setting():
    networks, hosts = parse_allowed(["10.1.0.0/16", " fd00::/8 ", "192.168.1.5", "[::1]", "Mirror.LAN.", ""])
    assert networks == (ipaddress.ip_network("10.1.0.0/16"), ipaddress.ip_network("fd00::/8"),
                        ipaddress.ip_network("192.168.1.5/32"), ipaddress.ip_network("::1/128"))
    assert hosts == {"mirror.lan"}
    for wrong in ("10.0.0.0/33", "10.0.0.1/8/2", "http://mirror.lan/", "mirror lan"):
        with pytest.raises(ValueError, match="PORTAL_ALLOW_PRIVATE_ADDRESSES"):
            parse_allowed([wrong])


# --- the middleware, with Scrapy's own objects ------------------------------------------------------------------------

def middleware(**settings) -> PrivateAddressMiddleware:
    return PrivateAddressMiddleware.from_crawler(get_crawler(settings_dict=settings))


@pytest.mark.parametrize("url", ["http://127.0.0.1:8080/_replica/truth", "http://localhost/x.png",
                                 "http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/a.css",
                                 "http://[::1]/y.png", "http://2130706433/", "http://0x7f.1/", "https://a.localhost/",
                                 "http://[::ffff:10.0.0.1]/", "http://100.64.1.1/", "http://[fe80::1%25eth0]/"])
def test_requests_to_denied_addresses_are_refused_before_they_are_sent(url):
    mw = middleware()
    with pytest.raises(IgnoreRequest, match=r"refused .*: .* (is a .* address|names this machine)"):
        mw.process_request(Request(url))
    assert mw.stats.get_value(STAT) == 1


def test_requests_to_names_and_allowed_addresses_go_on(caplog):
    mw = middleware(PORTAL_ALLOW_PRIVATE_ADDRESSES="10.20.0.0/16,mirror.lan,localhost")
    for url in ["https://thoxuan.thanhhoa.gov.vn/web/trang-chu", "https://thanhhoa.gov.vn/portal/Photos/a.jpg",
                "http://93.184.215.14/", "http://10.20.3.4/a.png", "http://[::ffff:10.20.3.4]/",
                "http://mirror.lan/b.png", "http://localhost/c.png"]:
        assert mw.process_request(Request(url)) is None, url
    with pytest.raises(IgnoreRequest):
        mw.process_request(Request("http://10.21.0.1/"))  # outside the allowed network
    # Each host is logged once; the count goes on.
    with caplog.at_level("INFO", logger="crawler.middlewares.addresses"):
        for _ in range(3):
            with pytest.raises(IgnoreRequest):
                mw.process_request(Request("http://169.254.169.254/latest/meta-data/"))
    assert len([r for r in caplog.records if "169.254.169.254" in r.getMessage()]) == 1
    assert mw.stats.get_value(STAT) == 4


def response(url: str, peer: str | None) -> Response:
    return Response(url, body=b"secret", ip_address=ip(peer) if peer else None)


def test_responses_from_denied_peers_are_refused_unless_they_come_from_the_proxy():
    mw = middleware()
    portal = "https://thoxuan.thanhhoa.gov.vn/web/trang-chu"
    # A portal name that resolved to a private address (DNS rebinding, or a poisoned resolver): refused.
    for peer in ("10.0.0.7", "127.0.0.1", "169.254.169.254", "::1", "::ffff:192.168.0.1"):
        with pytest.raises(IgnoreRequest, match=re.escape(f"answered from {ip(peer)}, a ")):
            mw.process_response(Request(portal), response(portal, peer))
    # A public peer, or none (the resume cache's answers): passed on as they are.
    ok = response(portal, "203.0.114.9")
    assert mw.process_response(Request(portal), ok) is ok
    cached = response(portal, None)
    assert mw.process_response(Request(portal), cached) is cached
    # Through a proxy the peer is the proxy: its address passes, and only its address.
    via = Request(portal, meta={"proxy": "http://127.0.0.1:8080"})
    assert mw.process_response(via, response(portal, "127.0.0.1")).body == b"secret"
    assert mw.process_response(via, response(portal, "::ffff:127.0.0.1")).body == b"secret"
    with pytest.raises(IgnoreRequest):
        mw.process_response(via, response(portal, "127.0.0.2"))
    with pytest.raises(IgnoreRequest):
        mw.process_response(Request(portal, meta={"proxy": None}), response(portal, "127.0.0.1"))
    # A proxy given by name is resolved (once) to its addresses.
    named = Request(portal, meta={"proxy": "http://localhost:3128"})
    assert mw.process_response(named, response(portal, "127.0.0.1")).body == b"secret"
    assert mw.stats.get_value(STAT) == 7


def test_responses_from_allowed_networks_and_hosts_pass():
    mw = middleware(PORTAL_ALLOW_PRIVATE_ADDRESSES=["192.168.0.0/24", "mirror.lan"])
    url = "http://mirror.lan/web/trang-chu"
    assert mw.process_response(Request(url), response(url, "10.9.9.9")).status == 200
    other = "http://thoxuan.vn/web/trang-chu"
    assert mw.process_response(Request(other), response(other, "192.168.0.77")).status == 200
    with pytest.raises(IgnoreRequest):
        mw.process_response(Request(other), response(other, "192.168.1.77"))


def test_off_with_a_star_and_a_wrong_setting_stops_the_crawl():
    with pytest.raises(NotConfigured):
        middleware(PORTAL_ALLOW_PRIVATE_ADDRESSES="*")
    with pytest.raises(ValueError, match="'10.0.0.0/33' is neither"):
        middleware(PORTAL_ALLOW_PRIVATE_ADDRESSES="10.0.0.0/33")


def test_placed_to_see_responses_before_the_cache_and_the_warc_files_and_requests_after_the_proxy():
    settings = ScrapySettings()
    settings.setmodule(crawler.settings)
    order = build_component_list(settings.getwithbase("DOWNLOADER_MIDDLEWARES"))
    ours = order.index("crawler.middlewares.addresses.PrivateAddressMiddleware")
    # process_request runs in this order, process_response in the reverse one
    assert ours > order.index("scrapy.downloadermiddlewares.httpproxy.HttpProxyMiddleware")
    assert ours > order.index("crawler.middlewares.warc.WarcCaptureMiddleware")
    assert ours > order.index("scrapy.downloadermiddlewares.httpcache.HttpCacheMiddleware")
    assert ours == len(order) - 1


# --- a name that resolves to this machine, fetched for real ---------------------------------------------------------

FETCH = r'''
import json, sys
import scrapy
from scrapy.crawler import CrawlerProcess
from scrapy.resolver import dnscache
from scrapy.settings import Settings

urls, proxy, archive = json.loads(sys.argv[1]), sys.argv[2], sys.argv[3]
# A public-looking name that resolves to this machine, as after a DNS rebinding.
dnscache["intranet.example"] = "127.0.0.1"


class Fetch(scrapy.Spider):
    name = "fetch"
    got = []

    async def start(self):
        for url in urls:
            yield scrapy.Request(url, meta={"proxy": proxy} if "thoxuan" in url else {})

    def parse(self, response):
        self.got.append(response.url)


settings = Settings()
settings.setmodule("crawler.settings")
settings.update({"PORTAL_ARCHIVE_DIR": archive, "SPIDER_MODULES": [], "ROBOTSTXT_OBEY": False,
                 "HTTPERROR_ALLOW_ALL": True, "PORTAL_CONDITIONAL_REQUESTS": False, "PORTAL_PROGRESS_INTERVAL": 0,
                 "RETRY_TIMES": 0})
process = CrawlerProcess(settings)
crawler = process.create_crawler(Fetch)
process.crawl(crawler)
process.start()
print(json.dumps({"got": Fetch.got, "stats": crawler.stats.get_stats()}, default=str))
'''


class Internal(http.server.BaseHTTPRequestHandler):
    """A service on this machine that must never end up in the archive."""

    hits: list[str] = []

    def do_GET(self):
        Internal.hits.append(self.path)
        body = b"internal secret: aws_secret_access_key=abc"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_a_name_that_resolves_to_this_machine_is_refused_on_the_answer_and_the_proxy_is_not(replica, tmp_path):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Internal)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        internal = f"http://intranet.example:{server.server_port}/latest/meta-data/"
        portal = "https://thoxuan.thanhhoa.gov.vn/web/trang-chu"
        env = {k: v for k, v in os.environ.items() if k.lower() not in ("no_proxy", "http_proxy", "https_proxy")}
        result = subprocess.run([sys.executable, "-c", FETCH, json.dumps([internal, portal]), replica.server.url,
                                 str(tmp_path / "archive")], env=env, capture_output=True, text=True, timeout=120)
    finally:
        server.shutdown()
    assert result.returncode == 0, result.stderr[-3000:]
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert Internal.hits == ["/latest/meta-data/"]  # the name gave no sign: the request went out ...
    assert out["got"] == [portal]  # ... and its answer was refused; the portal, through the proxy on 127.0.0.1, was not
    assert out["stats"][STAT] == 1
    assert f"refused {internal}: intranet.example answered from 127.0.0.1, a loopback address" in result.stderr
    targets, payloads = warc_contents(tmp_path / "archive")
    assert normalise(portal) in targets and not any("intranet.example" in t for t in targets)
    assert b"internal secret" not in payloads


# --- crawls of the replica with the fault on -------------------------------------------------------------------------

@dataclass
class Crawled:
    result: subprocess.CompletedProcess
    archive: Path
    truth: dict

    def db(self) -> sqlite3.Connection:
        return sqlite3.connect(self.archive / "archive.db")

    def stats(self) -> dict:
        return json.loads(self.db().execute("select stats from crawl_runs").fetchone()[0])

    @property
    def carrier(self) -> set[str]:
        return set(self.truth["faults"]["ssrf"]["urls"])


def crawl_with_fault(tmp_path_factory, *args: str) -> Crawled:
    archive = tmp_path_factory.mktemp("ssrf") / "archive"
    with ReplicaServer(Settings(seed=31, articles=40, faults=parse_faults("ssrf"))) as server:
        result = crawl(server, archive, *args)
        truth = json.loads(urlopen_text(f"{server.url}/_replica/truth"))
    return Crawled(result, archive, truth)


@pytest.fixture(scope="module")
def crawled(tmp_path_factory) -> Crawled:
    """The shipped settings."""
    return crawl_with_fault(tmp_path_factory)


@pytest.fixture(scope="module")
def crawled_hosts_allowed(tmp_path_factory) -> Crawled:
    """The planted hosts named in PORTAL_REQUISITE_HOSTS, as a careless configuration would: the middleware's turn."""
    hosts = ",".join(["thanhhoa.gov.vn", *sorted(PRIVATE_HOSTS)])
    return crawl_with_fault(tmp_path_factory, "-s", f"PORTAL_REQUISITE_HOSTS={hosts}")


def warc_contents(archive: Path) -> tuple[set[str], bytes]:
    """Every record's target URI (normalised), and every payload joined."""
    targets, payloads = set(), []
    for path in sorted((archive / "warcs").glob("*.warc.gz")):
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream):
                uri = record.rec_headers.get_header("WARC-Target-URI")
                if uri:
                    targets.add(normalise(uri))
                payloads.append(record.content_stream().read())
    return targets, b"".join(payloads)


def never_requested(crawled: Crawled) -> None:
    db = crawled.db()
    fetched = {url for (url,) in db.execute("select url from fetches")}
    media = {url for (url,) in db.execute("select url from media_urls")}
    targets, _ = warc_contents(crawled.archive)
    for where in (fetched, media, targets):
        assert not {u for u in where if urlsplit(u).hostname in SSRF_HOSTS}, sorted(where)[:5]
    assert not {normalise(u) for u in SSRF} & (fetched | media | targets)


def test_planted_requisites_are_never_requested(crawled):
    assert crawled.result.returncode == 0, crawled.result.stderr[-3000:]
    assert crawled.truth["faults"]["ssrf"]["targets"]["requisites"] == list(SSRF)
    never_requested(crawled)
    # The crawler did see them: the carrier is archived, with them in its markup.
    (carrier,) = crawled.carrier
    db = crawled.db()
    record = db.execute("select warc_record_id from fetches where url = ? and status = 200",
                        [normalise(carrier)]).fetchone()
    assert record and record[0]
    _, payloads = warc_contents(crawled.archive)
    assert all(url.encode() in payloads for url in SSRF)
    stats = crawled.stats()
    assert stats["portal/refused/offsite_requisite"] == len(SSRF)
    assert STAT not in stats  # nothing reached the downloader to be refused there
    refusals = [line for line in crawled.result.stderr.splitlines() if "not in PORTAL_REQUISITE_HOSTS" in line]
    assert len(refusals) == len(SSRF_HOSTS)


def test_the_rest_of_the_site_and_the_province_images_are_archived(crawled):
    db = crawled.db()
    assert db.execute("select status from crawl_runs").fetchone()[0] == "completed"
    carrier = tuple(crawled.carrier)
    problems = [p for p in score(crawled.archive, crawled.truth)["problems"] if not p.startswith(carrier)]
    assert not problems, "\n".join(problems[:20])
    stored = {same_resource(normalise(url)) for (url,) in db.execute("select url from media_urls")}
    pages = [p for p in crawled.truth["pages"] if p["canonical_url"] not in crawled.carrier]
    wanted = {same_resource(normalise(i["url"])) for p in pages for i in p["images"] if not i["broken"]}
    wanted |= {same_resource(normalise(a["url"])) for p in pages for a in p["attachments"]}
    assert wanted <= stored, sorted(wanted - stored)[:5]
    province = {i["url"] for p in pages for i in p["images"] if urlsplit(i["url"]).hostname == "thanhhoa.gov.vn"}
    assert province, "this seed hot-links no province image"
    for url in province:
        assert db.execute("select status from fetches where url = ?", [normalise(url)]).fetchone() == (200,), url


def test_the_middleware_refuses_what_a_careless_host_list_lets_through(crawled_hosts_allowed):
    crawled = crawled_hosts_allowed
    assert crawled.result.returncode == 0, crawled.result.stderr[-3000:]
    never_requested(crawled)
    stats = crawled.stats()
    assert stats["portal/refused/offsite_requisite"] == 1  # evil.example: public, and still not on the list
    assert stats[STAT] == len(PRIVATE_HOSTS)
    for url in SSRF[:5]:
        assert f"refused {url}: " in crawled.result.stderr
    assert "169.254.169.254 is a link-local address" in crawled.result.stderr
    assert "localhost names this machine" in crawled.result.stderr
    assert crawled.db().execute("select status from crawl_runs").fetchone()[0] == "completed"
