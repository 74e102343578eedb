"""rewrite_html on hostile markup: nothing active survives, every URL is a replay URL, the page looks as captured."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import pytest
from lxml import html as lxml_html

from archive.replay.html import rewrite_html
from archive.replay.urls import REPLAY_PREFIX

BASE = "https://thoxuan.thanhhoa.gov.vn/web/trang-chu/tin-tuc-su-kien/xay-dung-dang/bai-viet.html"
TS = "20250314083000"
REPLAY = f"{REPLAY_PREFIX}/{TS}/"
HERE = f"{REPLAY}https://thoxuan.thanhhoa.gov.vn/web/trang-chu/tin-tuc-su-kien/xay-dung-dang/"  # BASE's folder
URL_ATTRIBUTES = ("src", "href", "xlink:href", "poster", "background", "action", "formaction", "data", "cite",
                  "longdesc", "lowsrc", "dynsrc", "codebase", "ping", "icon", "manifest")
CSS_URL = re.compile(r"url\(\s*(?:\"([^\"]*)\"|'([^']*)'|([^)\s\"']*))", re.IGNORECASE)  # ")" may be cut off


def rewrite(markup: str) -> str:
    return rewrite_html(markup, BASE, TS)


def css_urls(css: str) -> list[str]:
    found = [next(g for g in m.groups() if g is not None) for m in CSS_URL.finditer(css)]
    found += re.findall(r"@import\s+[\"']([^\"']*)[\"']", css, re.IGNORECASE)
    return found


def urls_in(out: str) -> list[str]:
    """Every URL the output can make a browser load or follow: URL attributes, srcset candidates, CSS."""
    root = lxml_html.document_fromstring(out) if out.strip() else None
    if root is None:
        return []
    urls = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        for name, value in element.attrib.items():
            if name.lower() in URL_ATTRIBUTES:
                urls.append(value)
            elif name.lower() in ("srcset", "imagesrcset"):
                urls += [c.split()[0] for c in value.split(", ") if c.strip()]
            elif name.lower() == "style" or "url(" in value.lower():
                urls += css_urls(value)
        if element.tag == "style":
            urls += css_urls(element.text or "")
    return urls


def assert_contained(out: str) -> None:
    """No script, no handler, no javascript:, and every URL a replay URL, a fragment, a data: image or mailto:."""
    assert "<script" not in out.lower()
    assert "javascript:" not in out.lower() and "vbscript:" not in out.lower()
    root = lxml_html.document_fromstring(out) if out.strip() else None
    for element in root.iter() if root is not None else ():
        if isinstance(element.tag, str):
            handlers = [a for a in element.attrib if a.lower().rsplit(":", 1)[-1].startswith("on")]
            assert not handlers, f"<{element.tag}> keeps {handlers}"
    for url in urls_in(out):
        assert url == "" or url.startswith((REPLAY, "#", "data:image/", "mailto:")), f"{url!r} escapes the replay"
        if url.startswith(REPLAY):
            # A browser resolves the replay URL against the UI's origin: it must stay under the prefix.
            resolved = urljoin("http://ui.example/", url)
            assert urlsplit(resolved).netloc == "ui.example" and urlsplit(resolved).path.startswith(REPLAY), url
    # The outside host appears only inside replay URLs, never as somewhere to go.
    for match in re.finditer(r"evil\.example", out):
        before = out[max(0, match.start() - 60):match.start()]
        near = out[match.start() - 60:match.end() + 20]
        assert re.search(rf"{re.escape(REPLAY)}https?://$", before), f"outside URL near {near!r}"


def test_scripts_and_event_handlers_are_removed():
    out = rewrite('<html><head><script src="https://evil.example/t.js"></script><script>alert(1)</script></head>'
                  '<body onload="alert(1)"><p onclick="x()" onmouseover=y()>Xin chào</p>'
                  '<img src="a.png" onerror="alert(1)" ONLOAD="z()"><div><button onfocus="f()">b</button></div>'
                  '</body></html>')
    assert_contained(out)
    assert "Xin chào" in out and "alert" not in out
    assert f'src="{REPLAY}https://thoxuan.thanhhoa.gov.vn/web/trang-chu/tin-tuc-su-kien/xay-dung-dang/a.png"' in out


@pytest.mark.parametrize("href", ["javascript:alert(1)", " JaVaScRiPt:alert(1)", "java\nscript:alert(1)",
                                  "java&#x09;script:alert(1)", "&#106;avascript:alert(1)", "vbscript:msgbox(1)",
                                  "\x01javascript:alert(1)"])
def test_javascript_links_become_a_fragment(href):
    out = rewrite(f'<p><a href="{href}">xem</a><a href="#top">top</a><area href="{href}"></p>')
    assert_contained(out)
    assert out.count('href="#"') == 2 and 'href="#top"' in out


def test_svg_scripts_handlers_links_and_animations():
    out = rewrite('<div><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)</script>'
                  '<a xlink:href="javascript:alert(1)"><text>t</text></a><a href="javascript:alert(2)">u</a>'
                  '<image href="https://evil.example/i.png" onerror="alert(1)"/><use href="#icon"/>'
                  '<animate attributeName="href" to="https://evil.example/"/><set attributeName="xlink:href" '
                  'to="javascript:alert(1)"/><rect fill="url(https://evil.example/p.svg#g)" '
                  'style="cursor:url(//evil.example/c.cur)"/>'
                  '<style><img src="https://evil.example/svgstyle.png"></style>'
                  '<foreignObject><img src="//evil.example/fo.png" onerror="alert(1)"></foreignObject></svg>'
                  '<p>after</p></div>')
    assert_contained(out)
    assert "<animate" not in out and "<set" not in out and 'href="#icon"' in out and "after" in out
    assert f'href="{REPLAY}https://evil.example/i.png"' in out


def test_meta_refresh_cookie_csp_and_referrer_are_removed_and_charset_is_utf8():
    out = rewrite('<html><head><meta charset="windows-1258">'
                  '<meta http-equiv="Content-Type" content="text/html; charset=windows-1258">'
                  '<meta http-equiv="refresh" content="0;url=https://evil.example/">'
                  '<meta http-equiv=" REFRESH " content="5">'
                  '<meta http-equiv="Set-Cookie" content="a=b">'
                  '<meta http-equiv="Content-Security-Policy" '
                  'content="default-src *; report-uri https://evil.example/r">'
                  '<meta name="referrer" content="unsafe-url"><meta name="description" content="Mô tả">'
                  '<title>T</title></head><body>x</body></html>')
    assert_contained(out)
    metas = lxml_html.document_fromstring(out).findall(".//meta")
    # libxml2's serializer drops a Content-Type <meta> itself; a kept one would say utf-8
    kept = [(m.get("charset"), m.get("http-equiv"), m.get("name")) for m in metas if m.get("http-equiv") is None]
    assert kept == [("utf-8", None, None), (None, None, "description")]
    assert all(m.get("content") == "text/html; charset=utf-8" for m in metas if m.get("http-equiv"))
    assert "windows-1258" not in out
    assert "refresh" not in out.lower() and "set-cookie" not in out.lower() and "security-policy" not in out.lower()


def test_base_tag_is_removed_and_ignored():
    out = rewrite('<html><head><base href="https://evil.example/"></head>'
                  '<body><img src="anh.jpg"><a href="/web/trang-chu">home</a></body></html>')
    assert_contained(out)
    assert "<base" not in out
    assert f'src="{REPLAY}https://thoxuan.thanhhoa.gov.vn/web/trang-chu/tin-tuc-su-kien/xay-dung-dang/anh.jpg"' in out
    assert f'href="{REPLAY}https://thoxuan.thanhhoa.gov.vn/web/trang-chu"' in out


def test_srcset_candidates_are_each_rewritten():
    out = rewrite('<picture><source srcset="a.webp 1x, //evil.example/b.webp 2x" type="image/webp">'
                  '<img src="a.jpg" srcset="data:image/png;base64,iVBO,RK5C 1x,https://evil.example/c.jpg 640w, '
                  'javascript:alert(1) 3x,d.jpg" sizes="(max-width: 600px) 480px, 800px"></picture>')
    assert_contained(out)
    img = lxml_html.document_fromstring(out).find(".//img")
    assert img.get("srcset") == (f"data:image/png;base64,iVBO,RK5C 1x, {REPLAY}https://evil.example/c.jpg 640w, "
                                 f"{HERE}d.jpg")
    assert img.get("sizes") == "(max-width: 600px) 480px, 800px"


def test_inline_styles_style_elements_and_imports():
    out = rewrite('<html><head><style>@import url(//evil.example/a.css); @import "b.css" screen;'
                  "body{background:url('bg.png')} .x{background:u\\72l(https://evil.example/esc.png)}"
                  '@\\69mport "https://evil.example/i.css";</style></head>'
                  '<body style="background-image: url( &quot;//evil.example/s.png&quot; )">'
                  '<p style="background:url(javascript:alert(1))">p</p>'
                  '<div style="background:image-set(\'//evil.example/x.png\' 1x)">d</div></body></html>')
    assert_contained(out)
    assert f'@import "{HERE}b.css" screen' in out


def test_protocol_relative_and_backslash_urls_stay_inside():
    out = rewrite('<p><img src="//evil.example/p.gif"><img src="\\\\evil.example\\q.gif">'
                  '<img src="/\\evil.example/r.gif">'
                  '<img src=" https://evil.example/s.gif "><a href="HTTPS://EVIL.EXAMPLE/T">t</a>'
                  '<img src="../../../../../../admin"><img src="https://thoxuan.vn/%2e%2e/%2E%2e/../x.png">'
                  '<img src="https://../../x.png"><iframe src="//evil.example/f"></iframe></p>')
    assert_contained(out)
    assert f'src="{REPLAY}https://evil.example/q.gif"' in out and f'src="{REPLAY}https://evil.example/r.gif"' in out
    assert f'src="{REPLAY}https://thoxuan.thanhhoa.gov.vn/admin"' in out
    assert f'src="{REPLAY}https://thoxuan.vn/x.png"' in out


def test_plugins_forms_frames_pings_and_hints():
    out = rewrite('<html><head><link rel="dns-prefetch" href="//evil.example"><link rel="preconnect" '
                  'href="https://evil.example"><link rel="stylesheet" href="//evil.example/x.css" integrity="sha384-a" '
                  'crossorigin="anonymous"><link rel="icon" href="/favicon.ico"></head><body>'
                  '<object data="https://evil.example/o.swf"><param name="movie" value="https://evil.example/o.swf">'
                  '<p>fallback</p></object><embed src="https://evil.example/e.swf"><p>after embed</p>'
                  '<applet code="A" codebase="https://evil.example/"></applet>'
                  '<form action="https://evil.example/post" method="post"><input name="q">'
                  '<input type="image" src="https://evil.example/btn.png"><button formaction="https://evil.example/">b'
                  '</button></form><iframe src="https://evil.example/f" srcdoc="<script>alert(1)</script>"></iframe>'
                  '<iframe src="data:text/html,<script>alert(1)</script>"></iframe>'
                  '<a href="https://evil.example/" ping="https://evil.example/ping" target="_blank">out</a>'
                  '<a href="data:text/html,hi">d</a><img src="data:image/gif;base64,R0lGOD=">'
                  '<video poster="//evil.example/p.jpg" src="https://evil.example/v.mp4"><track src="t.vtt"></video>'
                  '<table background="https://evil.example/t.png"><tr><td background="bg.png">c</td></tr></table>'
                  '<noscript><img src="https://evil.example/noscript.png"></noscript></body></html>')
    assert_contained(out)
    for gone in ("<object", "<embed", "<applet", "<param", "srcdoc", "integrity", "crossorigin", "ping=",
                 "dns-prefetch", "preconnect", "<noscript", "target=", "action="):
        assert gone not in out, gone
    for kept in ("fallback", "after embed", 'name="q"', 'rel="icon"', 'src="data:image/gif;base64,R0lGOD="'):
        assert kept in out, kept
    assert out.count("<iframe") == 2 and 'href="#">d</a>' in out


def test_malformed_markup_keeps_its_text():
    out = rewrite('<div class=wrap><p>Một <b>hai <i>ba</p></div></span></td><p style=text-align:justify <b>bốn'
                  '<table><tr><td><img src=x.png alt=anh>năm<tr><td>sáu</table><div><p>bảy')
    assert_contained(out)
    text = lxml_html.document_fromstring(out).text_content()
    for word in ("Một", "hai", "ba", "bốn", "năm", "sáu", "bảy"):
        assert word in text
    assert 'class="wrap"' in out


def test_comment_tricks_do_not_smuggle_markup():
    out = rewrite('<p>a<!-- <img src="https://evil.example/c.png"> -->b<!--><img src="https://evil.example/m.png">-->'
                  '<!-- x --!><img src="https://evil.example/n.png"> -->'
                  '<![CDATA[<img src=https://evil.example/d.png>]]>'
                  '<?php echo 1 ?>c</p>')
    assert_contained(out)
    assert "<!--" not in out


def test_page_looks_as_captured():
    page = ('<!DOCTYPE html>\n<html lang="vi"><head><meta charset="utf-8"><title>Tiêu đề</title>'
            '<link rel="stylesheet" href="/html/themes/thoxuan-theme/css/main.css"></head>'
            '<body class="page"><div class="portlet-body" style="color:#333;margin:0 auto">'
            '<h1 class="title-news">Hội nghị &amp; đại hội</h1><p style="text-align:justify">Nội dung</p>'
            '<table class="figure" align="center"><tr><td><img src="/documents/20182/0/anh (1).JPG" width="600"></td>'
            '</tr></table><ul class="menu"><li><a href="?page=2">2</a></li></ul></div></body></html>')
    out = rewrite(page)
    assert_contained(out)
    assert out.startswith("<!DOCTYPE html>\n")
    for kept in ('class="portlet-body" style="color:#333;margin:0 auto"',
                 '<h1 class="title-news">Hội nghị &amp; đại hội</h1>',
                 'align="center"', 'width="600"', '<p style="text-align:justify">Nội dung</p>'):
        assert kept in out, kept
    assert f'src="{REPLAY}https://thoxuan.thanhhoa.gov.vn/documents/20182/0/anh%20(1).JPG"' in out
    assert f'href="{REPLAY}{BASE}?page=2"' in out
    # A page without a doctype gets none (libxml2 would invent HTML 4.0 Transitional).
    assert not rewrite("<p>x</p>").lower().startswith("<!doctype")
    assert rewrite("") == ""


def test_hostile_and_broken_markup_never_raises_and_stays_contained():
    nasty = ['<img x/onerror=alert(1) src=a.png>', '<img a"onerror=alert(1) src=a.png>', '<p x<onclick=1>t</p>',
             '<p style="a\x0cb:url(//evil.example/f.png)">\x0c\x0b\x00\ud800\uffff</p>', '<a href="\ud800">x</a>',
             '<div>' * 3000 + "deep", "<style>a{b:url(", "<style>/* open", '<p style="x:url(\'a', "<<<>>>&&&", "\x00",
             '<svg><style>\x0c<img src="//evil.example/x.png"></style></svg>', '<p ="x" =y>z</p>']
    for markup in nasty:
        out = rewrite(markup)
        assert_contained(out)
        assert 'onerror' not in out and 'onclick' not in out


def test_style_that_would_end_its_element_once_rewritten_is_removed():
    # Read as CSS, `</st\79le>` is `<`, `/` and the name `style`: written back, it would close the element early.
    out = rewrite('<html><head><style>a{b:</st\\79le><img src="//evil.example/x.png" onerror="alert(1)">}</style>'
                  '<style>p{color:red}</style></head><body style="background:u\\rl(//evil.example/s.png)">'
                  '<p>x</p></body></html>')
    assert_contained(out)
    assert "<img" not in out and "p{color:red}" in out
    assert f'''style='background:url("{REPLAY}https://evil.example/s.png")'>''' in out
    # Nested deeper than any real style sheet, or spelling a character lxml refuses: the style goes, the page stays.
    out = rewrite('<style>a{b:' + "(" * 5000 + 'url(//evil.example/x)</style><style>.a\\1 b{c:d}x(</style><p>y</p>')
    assert_contained(out)
    assert "y" in out and "evil.example" not in out
