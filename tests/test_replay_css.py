"""rewrite_css: every URL a style sheet can load becomes a replay URL, however it is spelled; the rest is kept."""

from __future__ import annotations

from test_replay_html import BASE, REPLAY, TS, css_urls

from archive.replay.css import rewrite_css


def test_rewrite_css_keeps_fragments_data_fonts_and_text():
    css = ('@namespace svg url(http://www.w3.org/2000/svg);\n'
           '.a{filter:url(#blur);background:url(data:image/gif;base64,R0lG)}\n'
           '.b{content:"url(https://evil.example/not-a-load)"}\n'
           '@font-face{font-family:F;src:local("F"),url(../fonts/f.woff2) format("woff2")}\n'
           '.c{background:url(a b.png)}\n'
           '/* url(https://evil.example/comment) */')
    out = rewrite_css(css, "https://thoxuan.vn/html/themes/thoxuan-theme/css/main.css", TS)
    assert "@namespace svg url(http://www.w3.org/2000/svg)" in out
    assert 'url("#blur")' in out and 'url("data:image/gif;base64,R0lG")' in out
    assert '"url(https://evil.example/not-a-load)"' in out  # a string is text, not a URL
    assert f'url("{REPLAY}https://thoxuan.vn/html/themes/thoxuan-theme/fonts/f.woff2") format("woff2")' in out
    assert 'local("F")' in out
    assert '.c{background:url("")}' in out  # a bad url token loads nothing, in a browser either
    assert "/* url(https://evil.example/comment) */" in out


def test_hostile_and_broken_css_never_raises_and_stays_contained():
    for css in ["a{b:url(", '@import "x', 'a{b:url("x)}', 'a{content:"\\', "a{b:url(a\\", "\\", "@", "/*",
                "u\\72l(//evil.example/x)"]:
        out = rewrite_css(css, BASE, TS)
        assert all(u == "" or u.startswith(REPLAY) for u in css_urls(out)), (css, out)


THEME = "https://thoxuan.vn/html/themes/thoxuan-theme/css/main.css"
R = f"{REPLAY}https://thoxuan.vn/html/themes/thoxuan-theme"  # the theme's folder, replayed


def test_escaped_spellings_of_url_are_found():
    # css-syntax-3 reads an escape inside a name as the character: each of these is url( to a browser.
    out = rewrite_css(".a{background:u\\rl(a.png)} .b{background:\\75 rl(b.png)} .c{background:U\\52L(c.png)}"
                      " .d{background:url(\\68ttps://evil.example/d.png)}", THEME, TS)
    assert out == (f'.a{{background:url("{R}/css/a.png")}} .b{{background:url("{R}/css/b.png")}} '
                   f'.c{{background:url("{R}/css/c.png")}} .d{{background:url("{REPLAY}https://evil.example/d.png")}}')


def test_comments_in_and_around_url():
    out = rewrite_css('.a{background:url(/*c*/x.png)} .b{background:url( /* c */ x.png)} '
                      '.c{background:url( "y.png" /* c */ )} .d{background:url/**/(z.png)}', THEME, TS)
    # Inside an unquoted url( there are no comments: `/*c*/x.png` is a path, and `/* c */ x.png` a bad URL.
    assert f'.a{{background:url("{REPLAY}https://thoxuan.vn/*c*/x.png")}}' in out
    assert '.b{background:url("")}' in out
    # A quoted url("…") is a function: its comment stays, beside the rewritten string.
    assert f'.c{{background:url( "{R}/css/y.png" /* c */ )}}' in out
    # A comment between `url` and `(` makes it no function at all: nothing to load, kept as it was.
    assert ".d{background:url/**/(z.png)}" in out


def test_image_set_strings_and_urls():
    out = rewrite_css('.a{background-image:image-set("a.png" 1x, url(b.png) 2x, \'c.avif\' type("image/avif"))}'
                      '.b{background-image:-webkit-image-set(url(//evil.example/d.png) 1x, "e.png" 2x)}', THEME, TS)
    assert out == (f'.a{{background-image:image-set("{R}/css/a.png" 1x, url("{R}/css/b.png") 2x, '
                   f'"{R}/css/c.avif" type("image/avif"))}}'
                   f'.b{{background-image:-webkit-image-set(url("{REPLAY}https://evil.example/d.png") 1x, '
                   f'"{R}/css/e.png" 2x)}}')


def test_unquoted_urls_with_escaped_spaces_quotes_and_parentheses():
    out = rewrite_css('.a{background:url(anh\\ 1.png)} .b{background:url(a\\(b\\).png)} '
                      '.c{background:url(x\\".png)}', THEME, TS)
    assert out == (f'.a{{background:url("{R}/css/anh%201.png")}} .b{{background:url("{R}/css/a(b).png")}} '
                   f'.c{{background:url("{R}/css/x%22.png")}}')


def test_import_with_media_queries_layers_and_supports():
    out = rewrite_css("@import url(print.css) print, screen and (max-width: 600px);\n"
                      "@import 'x.css' layer(base) supports(display: grid) screen;\n"
                      '@import url("//evil.example/a.css") screen;\n'
                      '@\\69mport "javascript:alert(1)";', THEME, TS)
    assert out == (f'@import url("{R}/css/print.css") print, screen and (max-width: 600px);\n'
                   f'@import "{R}/css/x.css" layer(base) supports(display: grid) screen;\n'
                   f'@import url("{REPLAY}https://evil.example/a.css") screen;\n'
                   '@import "";')  # the at-rule's name is written back unescaped


def test_everything_but_the_urls_is_kept():
    css = ('@charset "utf-8";\n/* Thọ Xuân */\n:root{--main:#c00}\n'
           '.title-news { color : var(--main) !important ; margin:0 auto; width:calc(100% - 2px) }\n'
           '@media (max-width: 768px) { .menu li > a:hover { background:#fff url("../images/bg.png") no-repeat } }\n'
           '.x::after{content:"“"}\n')
    out = rewrite_css(css, THEME, TS)
    assert out == css.replace('url("../images/bg.png")', f'url("{R}/images/bg.png")')
    # Tokens are written back by tinycss2: the same tokens, in its spelling (one kind of quote, escapes resolved).
    assert rewrite_css("a{content:'\\201C'} @font-face{src:local('F')}", THEME, TS) == \
        'a{content:"“"} @font-face{src:local("F")}'
    # CSS with nothing that can load is sent as it came, byte for byte.
    assert rewrite_css("a{b:c\r\nd:'e'\f}", THEME, TS) == "a{b:c\r\nd:'e'\f}"


def test_escapes_read_as_text_do_not_come_back_as_markup():
    out = rewrite_css('a{content:"\\3c /style><img src=x>"} @namespace x url(\\3c /style>);', THEME, TS)
    assert out == 'a{content:"\\3c /style>\\3c img src=x>"} @namespace x url("\\3c /style>");'


def test_css_nested_past_any_real_style_sheet_is_dropped():
    assert rewrite_css("a{b:" + "(" * 5000 + "url(//evil.example/x)", THEME, TS) == ""
    assert rewrite_css("a{b:" + "(" * 50 + "url(x.png)", THEME, TS).endswith(f'url("{R}/css/x.png")' + ")" * 50 + "}")
