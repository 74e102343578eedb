"""No request to, and no response from, this machine, its network or any other address that is not public.

A page names what it likes in `<img src>`: a defaced portal could name the crawling machine's own services
(`http://127.0.0.1:8080/...`), the cloud metadata service (`169.254.169.254`) or the office network, and the
crawl would fetch them and archive their answers for the web UI to serve. The spider asks only the portal's hosts
and PORTAL_REQUISITE_HOSTS; this middleware is the check on addresses, for whatever reaches the downloader
(redirects included):

- `process_request` refuses a request whose host is an IP literal in a denied range (in any spelling a resolver
  reads: `127.1`, `2130706433`, `[::ffff:127.0.0.1]`) or a name that always means this machine (`localhost`),
  before anything is sent, proxy or not: a proxy would connect there for us.
- `process_response` refuses a response whose peer address (`response.ip_address`) is in a denied range: a public
  name that resolves to a private address, at once or after a DNS rebinding, is caught whatever the resolver did.
  A request sent through a proxy (`request.meta["proxy"]`, set by Scrapy's HttpProxyMiddleware from
  `http_proxy` / `https_proxy`) is answered by the proxy, so the proxy's own address is let through; where the
  proxy connects is its business.

At 950: `process_request` runs after HttpProxyMiddleware (750) has chosen the proxy, and `process_response` runs
before every other component, so a refused response reaches neither the resume cache (900) nor the WARC capture
(850). PORTAL_ALLOW_PRIVATE_ADDRESSES lists the networks (CIDR) and host names let through; `*` turns this off.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response
from scrapy.statscollectors import StatsCollector
from scrapy.utils.httpobj import urlparse_cached

log = logging.getLogger(__name__)

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
STAT = "portal/refused/private_address"
LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}
PRIVATE = tuple(ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"))
SHARED = ipaddress.ip_network("100.64.0.0/10")  # carrier-grade NAT: the provider's network, not the internet
NAT64 = ipaddress.ip_network("64:ff9b::/96")  # an IPv4 address behind the gateway's prefix


def embedded(address: Address) -> Address:
    """The IPv4 address an IPv6 one stands for (mapped, NAT64, 6to4), else the address itself."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped:
            return address.ipv4_mapped
        if address in NAT64:
            return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if address.sixtofour:
            return address.sixtofour
    return address


def denied(address: Address) -> str | None:
    """Why a crawl must not talk to this address ("loopback", "private", ...), or None for a public one."""
    address = embedded(address)
    if address.is_unspecified:
        return "unspecified"
    if address.is_loopback:
        return "loopback"
    if address.is_link_local:  # 169.254.0.0/16 (the cloud metadata service), fe80::/10
        return "link-local"
    if isinstance(address, ipaddress.IPv6Address) and address.is_site_local:  # fec0::/10, private by another name
        return "site-local"
    if address.is_multicast:
        return "multicast"
    if address in SHARED:
        return "shared (carrier-grade NAT)"
    if any(address in network for network in PRIVATE if network.version == address.version):
        return "private"
    if address.is_reserved:
        return "reserved"
    if not address.is_global:  # documentation, benchmarking, "this network", Teredo and the like
        return "special-purpose"
    return None


def literal_address(host: str) -> Address | None:
    """The address a URL's host stands for if it is an IP literal, in any spelling a resolver reads; None for a name."""
    host = host.strip("[]").rstrip(".")
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if not host or not all(c in "0123456789abcdefxABCDEFX." for c in host):
        return None
    try:
        # inet_aton (which getaddrinfo uses) also reads 127.1, 0x7f.0.0.1, 017700000001 and 2130706433
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        return None


def local_name(host: str) -> bool:
    """A name that means this machine wherever it is resolved (RFC 6761: localhost and *.localhost)."""
    host = host.lower().rstrip(".")
    return host in LOCAL_NAMES or host.endswith(".localhost")


def host_of(request: Request) -> str:
    return (urlparse_cached(request).hostname or "").lower().rstrip(".")


def parse_allowed(entries: list[str]) -> tuple[tuple[Network, ...], frozenset[str]]:
    """PORTAL_ALLOW_PRIVATE_ADDRESSES as (networks, host names); an entry that is neither is an error."""
    networks, hosts = [], set()
    for entry in (e.strip() for e in entries):
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry.strip("[]"), strict=False))
        except ValueError:
            if "/" in entry or ":" in entry or not entry.replace("-", "").replace(".", "").isalnum():
                raise ValueError(f"PORTAL_ALLOW_PRIVATE_ADDRESSES: {entry!r} is neither a network (10.1.0.0/16, "
                                 "fd00::/8, 192.168.1.5) nor a host name") from None
            hosts.add(entry.lower().rstrip("."))
    return tuple(networks), frozenset(hosts)


class PrivateAddressMiddleware:
    def __init__(self, stats: StatsCollector, networks: tuple[Network, ...] = (), hosts: frozenset[str] = frozenset()):
        self.stats = stats
        self.networks = networks
        self.hosts = hosts
        self.logged: set[tuple[str, int]] = set()  # (host, level): once for its requests, once for its answers
        self.proxies: dict[str, frozenset[Address]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PrivateAddressMiddleware:
        allowed = crawler.settings.getlist("PORTAL_ALLOW_PRIVATE_ADDRESSES")
        if "*" in allowed:
            raise NotConfigured("PORTAL_ALLOW_PRIVATE_ADDRESSES is *: every address is allowed")
        return cls(crawler.stats, *parse_allowed(allowed))

    def allowed(self, address: Address) -> bool:
        """In a network of PORTAL_ALLOW_PRIVATE_ADDRESSES."""
        return any(address in network or embedded(address) in network for network in self.networks)

    def process_request(self, request: Request) -> None:
        host = host_of(request)
        if host in self.hosts:
            return None
        address = literal_address(host)
        if address is not None:
            reason = None if self.allowed(address) else denied(address)
            if reason:
                self.refuse(request, f"{host} is a {reason} address", logging.INFO)
        elif local_name(host):
            self.refuse(request, f"{host} names this machine", logging.INFO)
        return None

    def process_response(self, request: Request, response: Response) -> Response:
        peer = response.ip_address  # None for an answer of the resume cache: nothing was connected to
        if peer is None or self.allowed(peer) or host_of(request) in self.hosts:
            return response
        reason = denied(peer)
        if reason and not self.through_proxy(request, peer):
            self.refuse(request, f"{host_of(request)} answered from {peer}, a {reason} address", logging.WARNING)
        return response

    def through_proxy(self, request: Request, peer: Address) -> bool:
        """Whether `peer` is the address of the proxy this request was sent through."""
        proxy = request.meta.get("proxy")
        if not proxy:
            return False
        host = urlsplit(proxy if "://" in proxy else f"http://{proxy}").hostname or ""
        if host not in self.proxies:
            literal = literal_address(host)
            if literal is not None:
                self.proxies[host] = frozenset({literal})
            else:  # a proxy named by the operator: resolved once
                try:
                    found = {info[4][0].split("%")[0] for info in socket.getaddrinfo(host, None)}
                except OSError:
                    found = set()
                self.proxies[host] = frozenset(ipaddress.ip_address(a) for a in found)
        return embedded(peer) in {embedded(a) for a in self.proxies[host]}

    def refuse(self, request: Request, why: str, level: int) -> None:
        self.stats.inc_value(STAT)
        if (host_of(request), level) not in self.logged:
            self.logged.add((host_of(request), level))
            log.log(level, "refused %s: %s (PORTAL_ALLOW_PRIVATE_ADDRESSES lets it through); "
                           "later refusals for this host are only counted (%s)", request.url, why, STAT)
        raise IgnoreRequest(f"refused {request.url}: {why}")
