"""render: what the browser is sent for a capture (HTML and CSS rewritten as UTF-8, media as archived), always
with the sandboxing headers and none of the archived ones that could act."""

from __future__ import annotations

from test_replay_html import BASE, REPLAY, TS, assert_contained

from archive.replay.captures import Capture, HttpResponse
from archive.replay.rewrite import REPLAY_CSP, render


def capture(url: str, mime: str = "text/html", status: int = 200) -> Capture:
    return Capture(record_id="<urn:uuid:00000000-0000-0000-0000-000000000000>", warc_type="response",
                   target_uri=url, url=url, date="2025-03-14T08:30:00Z", timestamp=TS, status=status, mime=mime,
                   filename="x.warc.gz", offset=0, length=0)


ARCHIVED_HEADERS = [("Server", "Apache-Coyote/1.1"), ("Set-Cookie", "JSESSIONID=1; Path=/"),
                    ("Set-Cookie", "B=2"), ("Content-Security-Policy", "default-src *"),
                    ("Strict-Transport-Security", "max-age=31536000"), ("Link", "<https://evil.example/>; rel=preload"),
                    ("Refresh", "0;url=https://evil.example/"), ("X-Frame-Options", "DENY"),
                    ("Access-Control-Allow-Origin", "*"), ("Content-Language", "vi")]


def names(headers) -> list[str]:
    return [k.lower() for k, _ in headers]


def test_render_html_is_utf8_rewritten_and_sandboxed():
    body = '<html><head><meta charset="windows-1258"></head><body><p>Xuân Đông</p><img src="a.png" onerror="x()">' \
           '<script>alert(1)</script></body></html>'
    resp = HttpResponse(200, "OK", [("Content-Type", "text/html; charset=windows-1258"), *ARCHIVED_HEADERS],
                        body.encode("cp1258"), capture(BASE), None)
    status, headers, out = render(resp)
    assert status == 200
    text = out.decode("utf-8")
    assert "Xuân Đông" in text and "<script" not in text and "onerror" not in text
    assert_contained(text)
    assert dict(headers)["Content-Type"] == "text/html; charset=utf-8"
    for name in ("set-cookie", "strict-transport-security", "link", "refresh", "x-frame-options", "server",
                 "access-control-allow-origin", "content-length", "location"):
        assert name not in names(headers), name
    assert [v for k, v in headers if k == "Content-Security-Policy"] == [REPLAY_CSP]
    assert ("X-Content-Type-Options", "nosniff") in headers and ("Referrer-Policy", "no-referrer") in headers
    assert ("Content-Language", "vi") in headers
    assert dict(headers)["Memento-Datetime"] == "Fri, 14 Mar 2025 08:30:00 GMT"


def test_render_redirects_css_images_and_fonts():
    redirect = HttpResponse(302, "Found", [("Location", "/web/trang-chu"), *ARCHIVED_HEADERS], b"",
                            capture("https://thoxuan.vn/"), None)
    status, headers, _ = render(redirect)
    assert status == 302 and dict(headers)["Location"] == f"{REPLAY}https://thoxuan.vn/web/trang-chu"
    outside = HttpResponse(301, "Moved", [("Location", "javascript:alert(1)")], b"", capture("https://thoxuan.vn/"),
                           None)
    assert "location" not in names(render(outside)[1])

    css = HttpResponse(200, "OK", [("Content-Type", "text/css")], b"body{background:url(../images/bg.png)}",
                       capture("https://thoxuan.vn/html/themes/t/css/main.css", "text/css"), None)
    status, headers, out = render(css)
    assert out == f'body{{background:url("{REPLAY}https://thoxuan.vn/html/themes/t/images/bg.png")}}'.encode()
    assert dict(headers)["Content-Type"] == "text/css; charset=utf-8"

    jpeg = b"\xff\xd8\xff\xe0not really a jpeg<script>alert(1)</script>"
    image = HttpResponse(200, "OK", [("Content-Type", "image/jpeg"), *ARCHIVED_HEADERS], jpeg,
                         capture("https://thoxuan.vn/documents/a.jpg", "image/jpeg"), None)
    status, headers, out = render(image)
    assert out == jpeg and dict(headers)["Content-Type"] == "image/jpeg"
    assert dict(headers)["Content-Security-Policy"] == REPLAY_CSP and "set-cookie" not in names(headers)
    assert "access-control-allow-origin" not in names(headers)

    font = HttpResponse(200, "OK", [("Content-Type", "application/octet-stream")], b"wOF2",
                        capture("https://thoxuan.vn/fonts/f.woff2", "application/octet-stream"), None)
    assert ("Access-Control-Allow-Origin", "*") in render(font)[1]  # fonts load in CORS mode from the sandbox
