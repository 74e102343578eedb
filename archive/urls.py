"""URLs of the portal: scope, normal form, and the identity of a page across hosts, schemes and encodings."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from w3lib.url import canonicalize_url, safe_url_string

from archive.site import SITE

MAIN_HOST = SITE.hosts[0]
ALIAS_HOST = SITE.hosts[1] if len(SITE.hosts) > 1 else SITE.hosts[0]
PORTAL_HOSTS = SITE.hosts
HOME_PATH = SITE.home_path
# thoxuan.vn renamed some categories; identity uses the main host's names. Longest prefix first.
CATEGORY_RENAMES = SITE.category_renames
START_URLS = SITE.start_urls


def normalise(url: str) -> str:
    """One spelling per URL: percent-encoding made uniform (`(1)` and `%281%29` agree), fragment dropped."""
    return canonicalize_url(safe_url_string(url), keep_fragments=False)


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def on_hosts(host: str, hosts) -> bool:
    """Whether `host` is one of `hosts` or a subdomain of one (`www.thanhhoa.gov.vn` is on `thanhhoa.gov.vn`)."""
    host = host.lower().rstrip(".")
    return any(host == h or host.endswith("." + h) for h in hosts)


def is_portal(url: str) -> bool:
    return host_of(url) in PORTAL_HOSTS


def portal_path(url: str) -> str | None:
    """The decoded path under /web/trang-chu with the main host's category names ("" for home), or None."""
    if not is_portal(url):
        return None
    path = unquote(urlsplit(url).path).rstrip("/")
    if path == HOME_PATH:
        return ""
    if not path.startswith(HOME_PATH + "/"):
        return None
    rest = path[len(HOME_PATH) + 1:]
    for old, new in CATEGORY_RENAMES:
        if rest == old or rest.startswith(old + "/"):
            return new + rest[len(old):]
    return rest


def identity_key(url: str) -> str | None:
    """The same key for every URL of one portal page: hosts, schemes, encodings and renamed categories agree."""
    return portal_path(url)


def is_article_url(url: str) -> bool:
    """Articles, documents and book chapters end in .html; static pages and sections have no extension."""
    path = portal_path(url)
    return bool(path) and path.endswith(".html")


def category_of(url: str) -> str:
    """The category path a page sits under: the folder of an .html page, the path itself for others."""
    path = portal_path(url) or ""
    if path.endswith(".html"):
        return path.rsplit("/", 1)[0] if "/" in path else ""
    return path


def folder_of(url: str) -> str:
    """The category an article-like page belongs to: the folder it sits in (static pages have no extension)."""
    path = portal_path(url) or ""
    return path.rsplit("/", 1)[0] if "/" in path else ""


def host_path(url: str) -> str:
    """The decoded path under the home page as the URL's own host spells it: thoxuan.vn's renamed categories stay
    renamed ("" for home or outside the portal)."""
    if not is_portal(url):
        return ""
    path = unquote(urlsplit(url).path).rstrip("/")
    return path[len(HOME_PATH) + 1:] if path.startswith(HOME_PATH + "/") else ""


def host_folder(url: str) -> str:
    """The folder a page sits in as its own host spells it (see `folder_of` for the identity's spelling)."""
    path = host_path(url)
    return path.rsplit("/", 1)[0] if "/" in path else ""


def host_key(host: str, path: str) -> str:
    """What one host calls one of its categories: the key of that host's label for it."""
    return f"{host} {path}"


def preference(url: str) -> tuple:
    """How good an address is as an article's canonical one: main host first, https before http, shortest.

    Only ever applied to addresses that answered 200 with the article: no address is made from a rule."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    rank = PORTAL_HOSTS.index(host) if host in PORTAL_HOSTS else len(PORTAL_HOSTS)
    return (rank, parts.scheme != "https", len(url), url)


def preferred(*candidates: str | None) -> str:
    """The best of the addresses that answered with one article (see `preference`)."""
    return min((u for u in candidates if u), key=preference)


def page_number(url: str) -> int:
    """The ?page=N of a listing URL (1 when absent or not a number)."""
    for part in urlsplit(url).query.split("&"):
        key, _, value = part.partition("=")
        if key == "page" and value.isdigit():
            return max(1, int(value))
    return 1


# Attachments: office documents and archives, or the portal's download servlet (which names its file elsewhere).
FILE_PATH = re.compile(r"\.(pdf|docx?|xlsx?|pptx?|odt|ods|rtf|zip|rar|7z)$|/document_library/get_file$", re.IGNORECASE)


def is_file_url(url: str) -> bool:
    """Whether a link is to an attachment rather than a page."""
    return bool(url) and bool(FILE_PATH.search(unquote(urlsplit(url).path)))


def file_name(url: str) -> str:
    """The decoded last path segment, or "" (download servlets name their file in Content-Disposition)."""
    name = unquote(urlsplit(url).path.rsplit("/", 1)[-1])
    return name if "." in name else ""
