"""URLs of the portal: scope, normal form, and the identity of a page across hosts, schemes and encodings."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from w3lib.url import canonicalize_url, safe_url_string

MAIN_HOST = "thoxuan.thanhhoa.gov.vn"
ALIAS_HOST = "thoxuan.vn"
PORTAL_HOSTS = (MAIN_HOST, ALIAS_HOST)
HOME_PATH = "/web/trang-chu"
# thoxuan.vn renamed some categories; identity uses the main host's names. Longest prefix first.
CATEGORY_RENAMES = (
    ("tin-tuc-su-kien-trong-huyen", "tin-tuc-su-kien"),
    ("gioi-thieu/lich-su-van-hoa", "tong-quan/lich-su-dang-bo-huyen-tho-xuan"),
    ("gioi-thieu", "tong-quan"),
)
START_URLS = (f"https://{MAIN_HOST}{HOME_PATH}", f"https://{ALIAS_HOST}{HOME_PATH}")


def normalise(url: str) -> str:
    """One spelling per URL: percent-encoding made uniform (`(1)` and `%281%29` agree), fragment dropped."""
    return canonicalize_url(safe_url_string(url), keep_fragments=False)


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


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


def canonical_url(url: str) -> str:
    """The https URL on the main host with the main host's category names, path decoded."""
    path = portal_path(url)
    if path is None:
        return normalise(url)
    return safe_url_string(f"https://{MAIN_HOST}{HOME_PATH}" + (f"/{path}" if path else ""))


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
