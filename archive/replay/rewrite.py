"""What a browser is sent to show a capture "as captured": its markup rewritten so that it loads nothing but replay
URLs of the archive, and headers that sandbox it.

Every URL of a page (images, stylesheets, links, frames, CSS `url()` and `@import`) is resolved against the page's
own address and pointed at `{prefix}/{timestamp}/{absolute url}`, which the web UI answers from the archive
(`archive.replay.captures.find_capture`). Scripts, event handlers, `javascript:` URLs, plugins, `<base>`, refresh and
cookie `<meta>` tags are removed. The page is then served with `REPLAY_CSP`: a sandbox without scripts and a policy
that allows loads from the UI's own origin only. See docs/replay.md.

Pure Python (lxml for HTML, a small CSS tokenizer after css-syntax-3); no web framework.
"""

from __future__ import annotations

import re
from email.utils import format_datetime
from urllib.parse import urljoin, urlsplit, urlunsplit

from lxml import etree
from lxml import html as lxml_html
from w3lib.url import safe_url_string

from archive.replay.captures import HttpResponse
from archive.page.markup import decode_html

REPLAY_PREFIX = "/-/replay"
# Sent with every replayed response. `sandbox` without allow-scripts runs no script at all and gives the page an
# opaque origin (no cookies, no storage, no access to the UI), without allow-forms/allow-popups/allow-top-navigation
# it can neither submit forms, open windows nor navigate the UI away. Loads are allowed from the UI's origin only
# ('self': the replay URLs), plus data: images and fonts; frames only from the UI, which alone may frame it.
REPLAY_CSP = "; ".join([
    "sandbox",
    "default-src 'none'",
    "img-src 'self' data:",
    "style-src 'self' 'unsafe-inline'",
    "font-src 'self' data:",
    "media-src 'self'",
    "frame-src 'self'",
    "child-src 'self'",
    "script-src 'none'",
    "object-src 'none'",
    "connect-src 'none'",
    "worker-src 'none'",
    "manifest-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'self'",
])
SECURITY_HEADERS = (("Content-Security-Policy", REPLAY_CSP), ("X-Content-Type-Options", "nosniff"),
                    ("Referrer-Policy", "no-referrer"))
# Archived headers that are passed on; every other one (Set-Cookie, CSP, HSTS, Link, Refresh, caching, CORS…) is not.
KEPT_HEADERS = frozenset({"content-language", "content-disposition", "last-modified"})
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
FONT_TYPES = re.compile(r"^(font/|application/(x-)?font|application/vnd\.ms-fontobject)")
FONT_PATH = re.compile(r"\.(woff2?|ttf|otf|eot)$", re.IGNORECASE)

# Elements removed with their content.
DROPPED_ELEMENTS = frozenset({"script"})
# Elements removed, their content kept: plugins show their fallback content, as in a browser without the plugin
# (libxml2 does not know <embed> is void and puts what follows inside it), and <base> is never followed.
UNWRAPPED_ELEMENTS = frozenset({"object", "embed", "applet", "param", "base", "noscript"})
# Link relations that only prefetch, preload or register something: removed (the rest are rewritten).
DROPPED_RELS = frozenset({"dns-prefetch", "preconnect", "prefetch", "prerender", "preload", "modulepreload",
                          "import", "manifest", "serviceworker", "pingback", "webmention", "subresource"})
KEPT_HTTP_EQUIV = frozenset({"content-language", "x-ua-compatible", "default-style"})
# Attributes removed wherever they are: requests outside the page's display (ping, attributionsrc), inline
# documents (srcdoc), form targets, integrity checks the rewritten resources would fail, CORS modes a sandboxed
# page cannot satisfy.
DROPPED_ATTRIBUTES = frozenset({"ping", "attributionsrc", "srcdoc", "action", "formaction", "integrity",
                                "crossorigin", "manifest", "nonce"})
# Attributes holding one URL (by local name, so xlink:href counts as href).
URL_ATTRIBUTES = frozenset({"href", "src", "background", "poster", "lowsrc", "dynsrc", "longdesc", "cite", "data",
                            "codebase", "profile", "icon", "classid", "archive"})
SRCSET_ATTRIBUTES = frozenset({"srcset", "imagesrcset"})
# Attributes that are text for people: never read as CSS or URLs.
TEXT_ATTRIBUTES = frozenset({"alt", "title", "value", "placeholder", "label", "content", "summary", "abbr",
                             "name", "id", "class", "lang", "dir", "for", "headers", "accesskey", "datetime"})
# Where a URL is followed (not loaded): an invalid one becomes "#".
NAVIGATION = "navigation"
IMAGE = "image"  # loaded as an image: data: URLs are kept
RESOURCE = "resource"  # loaded as something else: data: URLs are removed
IMAGE_ELEMENTS = frozenset({"img", "image", "feimage", "input", "picture", "source"})
NAVIGATION_ATTRIBUTES = frozenset({"longdesc", "cite"})
LINK_ELEMENTS = frozenset({"a", "area"})
SVG_RESOURCE_ELEMENTS = frozenset({"image", "feimage", "use", "link", "pattern", "lineargradient", "radialgradient",
                                   "filter", "mpath", "textpath", "tref", "altglyph", "cursor", "font-face-uri",
                                   "color-profile", "iframe", "frame", "video", "audio", "source", "track", "img",
                                   "input", "embed", "object", "script", "style"})
ANIMATION_ELEMENTS = frozenset({"animate", "set", "animatemotion", "animatetransform", "animatecolor"})
FOREIGN_ROOTS = frozenset({"svg", "math"})
KEPT_SCHEMES_LINKS = ("mailto:", "tel:")
_SCRIPT_SCHEME = re.compile(r"^\s*(javascript|vbscript|livescript|jscript)\s*:", re.IGNORECASE)
_STRIPPED = re.compile(r"[\t\n\r]")
_C0_AND_SPACE = "".join(map(chr, range(0x21)))
_DOT_SEGMENTS = frozenset({".", "%2e"})
_DOUBLE_DOT = frozenset({"..", ".%2e", "%2e.", "%2e%2e"})
# Characters lxml (XML) refuses; a form feed is white space in HTML and CSS alike.
_C0 = re.compile("[\x00-\x08\x0b\x0e-\x1f\ufffe\uffff]")
_HTML_PARSER = lxml_html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)
_TIMESTAMP = re.compile(r"\d{1,14}")
_PLAIN_NAME = re.compile(r"[a-z_][-a-z0-9_.:]*")
_DOCTYPE = re.compile(r"\ufeff?\s*(?:<!--.*?-->\s*)*(<!doctype[^>]*>)", re.IGNORECASE | re.DOTALL)


# URLs


def _check(timestamp: str, prefix: str) -> None:
    if not isinstance(timestamp, str) or not _TIMESTAMP.fullmatch(timestamp):
        raise ValueError(f"timestamp {timestamp!r}: 1 to 14 digits (YYYYMMDDhhmmss)")
    if not prefix.startswith("/") or prefix.startswith("//") or "\\" in prefix or re.search(r"[\s?#]", prefix):
        raise ValueError(f"replay prefix {prefix!r}: a path of this server, starting with one '/'")


def _remove_dot_segments(path: str) -> str:
    """RFC 3986 5.2.4, with WHATWG's percent-encoded dots: a browser would apply them to the replay URL itself."""
    out: list[str] = []
    segments = path.split("/")
    for n, segment in enumerate(segments):
        last = n == len(segments) - 1
        low = segment.lower()
        if low in _DOT_SEGMENTS:
            if last:
                out.append("")
        elif low in _DOUBLE_DOT:
            if len(out) > 1:
                out.pop()
            if last:
                out.append("")
        else:
            out.append(segment)
    result = "/".join(out)
    return result if result.startswith("/") or not path.startswith("/") else "/" + result


def _clean(value: str) -> str:
    """A URL attribute as a browser reads it: surrounding whitespace and controls stripped, tabs and newlines gone."""
    return _STRIPPED.sub("", value).strip(_C0_AND_SPACE)


def absolute_url(value: str, base_url: str) -> str | None:
    """`value` resolved against `base_url` as a browser would, with dot segments removed; None unless http(s)."""
    value = _clean(value)
    if _SCRIPT_SCHEME.match(value):
        return None
    # Special schemes read a backslash as a slash (before the query): `\\evil.example/x` is protocol-relative.
    cut = re.search(r"[?#]", value)
    end = cut.start() if cut else len(value)
    value = value[:end].replace("\\", "/") + value[end:]
    try:
        url = urljoin(base_url, value)
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https"):
        return None
    host = (parts.hostname or "").lower()
    if host.replace("%2e", ".") in (".", ".."):
        return None
    return urlunsplit((parts.scheme.lower(), parts.netloc, _remove_dot_segments(parts.path or "/"), parts.query,
                       parts.fragment))


def replay_url(timestamp: str, url: str, prefix: str = REPLAY_PREFIX) -> str:
    """`{prefix}/{timestamp}/{url}`; the URL percent-encoded where it must be, its query and fragment kept, so that
    the web server sees `{url}`'s query as its own query string."""
    _check(timestamp, prefix)
    safe = safe_url_string(_clean(url)).replace("\\", "%5C")
    # Nothing in the tail may climb out of the prefix: a browser resolves dot segments (`..`, `%2e%2e`) in the whole
    # replay URL, so there are none left, and a backslash, which it reads as a slash, is encoded.
    try:
        parts = urlsplit(safe)
    except ValueError:
        parts = None
    if parts is not None and parts.scheme and parts.netloc:  # the URL's own dot segments, as its server would
        safe = urlunsplit((parts.scheme, parts.netloc, _remove_dot_segments(parts.path), parts.query, parts.fragment))
    cut = re.search(r"[?#]", safe)
    end = cut.start() if cut else len(safe)
    safe = _remove_dot_segments(safe[:end]) + safe[end:]  # and any left (a host of "..")
    return f"{prefix}/{timestamp}/{safe}"


def parse_replay_path(path: str, prefix: str = REPLAY_PREFIX) -> tuple[str, str] | None:
    """(timestamp, url) of a replay path (`/-/replay/20250314083000/https://…`, query included); None if not one."""
    if not path.startswith(prefix + "/"):
        return None
    timestamp, sep, url = path[len(prefix) + 1:].partition("/")
    if not sep or not _TIMESTAMP.fullmatch(timestamp):
        return None
    return timestamp, url


class _Rewriter:
    def __init__(self, base_url: str, timestamp: str, prefix: str):
        _check(timestamp, prefix)
        self.base_url = base_url
        self.timestamp = timestamp
        self.prefix = prefix

    def url(self, value: str, kind: str) -> str | None:
        """The replay URL for `value`; the value itself for fragments (and data: images, mailto: links); None when
        it must go (a `javascript:` URL, another scheme, data: outside images)."""
        cleaned = _clean(value)
        if not cleaned or cleaned.startswith("#"):
            return value  # "" loads nothing (src) or is this very page (href): both already replay it
        low = cleaned.lower()
        if low.startswith("data:"):
            return cleaned if kind == IMAGE else None
        if kind == NAVIGATION and low.startswith(KEPT_SCHEMES_LINKS):
            return cleaned
        absolute = absolute_url(cleaned, self.base_url)
        if absolute is None:
            return None
        return replay_url(self.timestamp, absolute, self.prefix)

    def srcset(self, value: str) -> str:
        out = []
        for url, descriptors in _srcset_candidates(value):
            new = self.url(url, IMAGE)
            if new is not None:
                out.append(f"{new} {descriptors}".strip())
        return ", ".join(out)

    # CSS

    def css(self, css: str) -> str:
        return _CssRewriter(self).rewrite(css)


def _srcset_candidates(value: str) -> list[tuple[str, str]]:
    """(url, descriptors) of each image candidate, parsed as HTML's srcset algorithm does (URLs may hold commas)."""
    out, i, n = [], 0, len(value)
    while i < n:
        while i < n and (value[i].isspace() or value[i] == ","):
            i += 1
        if i >= n:
            break
        start = i
        while i < n and not value[i].isspace():
            i += 1
        url = value[start:i]
        descriptors = ""
        if url.endswith(","):
            url = url.rstrip(",")
        else:
            start, depth = i, 0
            while i < n:
                ch = value[i]
                if ch == "(":
                    depth += 1
                elif ch == ")":
                    depth = max(0, depth - 1)
                elif ch == "," and depth == 0:
                    break
                i += 1
            descriptors = " ".join(value[start:i].split())
            i += 1
        if url:
            out.append((url, descriptors))
    return out


# CSS

_URL_FUNCTIONS = frozenset({"url", "src"})
_IMAGE_FUNCTIONS = frozenset({"image-set", "-webkit-image-set", "image"})
_WS = " \t\n\r\f"


def _is_name_start(ch: str) -> bool:
    return ch.isalpha() or ch == "_" or ord(ch) >= 0x80


def _is_name(ch: str) -> bool:
    return _is_name_start(ch) or ch.isdigit() or ch == "-"


class _CssRewriter:
    """One pass over a style sheet, a `<style>` or a `style` attribute, after css-syntax-3's tokenizer: escapes are
    read as a browser reads them, so `u\\72l(` and `@\\69mport` are found too."""

    def __init__(self, rewriter: _Rewriter):
        self.rw = rewriter

    def rewrite(self, css: str) -> str:
        self.s, self.n = css, len(css)
        out: list[str] = []
        i = 0
        functions: list[str] = []
        at_rule = ""  # "import" or "namespace" until its URL (or the end of the rule) is seen
        s, n = self.s, self.n
        while i < n:
            ch = s[i]
            if s.startswith("/*", i):
                end = s.find("*/", i + 2)
                end = n if end < 0 else end + 2
                out.append(s[i:end])
                i = end
            elif ch in "\"'":
                end, value, bad = self.string(i)
                token = s[i:end]
                inside = functions[-1] if functions else ""
                if not bad and at_rule == "namespace":
                    at_rule = ""
                elif not bad and (at_rule == "import" or inside in _URL_FUNCTIONS or inside in _IMAGE_FUNCTIONS):
                    token = _css_string(self.target(value, at_rule == "import"))
                    at_rule = ""
                out.append(token)
                i = end
            elif ch == "@" and self.starts_ident(i + 1):
                end, name = self.ident(i + 1)
                at_rule = name.lower() if name.lower() in ("import", "namespace") else ""
                out.append(s[i:end])
                i = end
            elif self.starts_ident(i):
                end, name = self.ident(i)
                if end < n and s[end] == "(":
                    lname = name.lower()
                    after = end + 1
                    while after < n and s[after] in _WS:
                        after += 1
                    if lname == "url" and not (after < n and s[after] in "\"'"):
                        close, value, bad = self.url_token(after)
                        if at_rule == "namespace" and not bad:
                            out.append(s[i:close])
                        else:
                            target = "" if bad else self.target(value, at_rule == "import")
                            out.append(f"url({_css_string(target)})")
                        at_rule = ""
                        i = close
                        continue
                    functions.append(lname)
                    out.append(s[i:end + 1])
                    i = end + 1
                else:
                    out.append(s[i:end])
                    i = end
            else:
                if ch == "(":
                    functions.append("")
                elif ch == ")" and functions:
                    functions.pop()
                elif ch in ";{}":
                    at_rule = ""
                    if ch in "{}":
                        functions.clear()
                out.append(ch)
                i += 1
        return "".join(out)

    def target(self, value: str, stylesheet: bool) -> str:
        """What a CSS URL becomes: a replay URL, a fragment or data: image as it was, or "" (loads nothing)."""
        new = self.rw.url(value, RESOURCE if stylesheet else IMAGE)
        return "" if new is None else new

    # css-syntax-3 tokenizer pieces

    def valid_escape(self, i: int) -> bool:
        """A backslash not followed by a newline (one at the very end escapes the end: U+FFFD)."""
        return i < self.n and self.s[i] == "\\" and (i + 1 >= self.n or self.s[i + 1] not in "\n\r\f")

    def starts_ident(self, i: int) -> bool:
        s, n = self.s, self.n
        if i >= n:
            return False
        ch = s[i]
        if ch == "-":
            return i + 1 < n and (_is_name_start(s[i + 1]) or s[i + 1] == "-" or self.valid_escape(i + 1))
        if _is_name_start(ch):
            return True
        return ch == "\\" and self.valid_escape(i)

    def escape(self, i: int) -> tuple[int, str]:
        """The escape at s[i] == "\\": (index after it, the character)."""
        s, n = self.s, self.n
        i += 1
        if i >= n:
            return i, "\ufffd"
        hexdigits = re.match(r"[0-9a-fA-F]{1,6}", s[i:i + 6])
        if hexdigits:
            i += len(hexdigits.group())
            if i < n and s[i] in _WS:
                i += 2 if s.startswith("\r\n", i) else 1
            code = int(hexdigits.group(), 16)
            return i, chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"
        return i + 1, s[i]

    def ident(self, i: int) -> tuple[int, str]:
        s, n = self.s, self.n
        name = []
        while i < n:
            ch = s[i]
            if _is_name(ch):
                name.append(ch)
                i += 1
            elif ch == "\\" and self.valid_escape(i):
                i, char = self.escape(i)
                name.append(char)
            else:
                break
        return i, "".join(name)

    def string(self, i: int) -> tuple[int, str, bool]:
        """(index after the string, its value, whether it is a bad string cut by a newline)."""
        s, n = self.s, self.n
        quote, i, value = s[i], i + 1, []
        while i < n:
            ch = s[i]
            if ch == quote:
                return i + 1, "".join(value), False
            if ch in "\n\r\f":
                return i, "".join(value), True
            if ch == "\\":
                if i + 1 >= n:
                    i += 1
                elif s[i + 1] in "\n\r\f":
                    i += 3 if s.startswith("\r\n", i + 1) else 2
                else:
                    i, char = self.escape(i)
                    value.append(char)
                continue
            value.append(ch)
            i += 1
        return n, "".join(value), False

    def url_token(self, i: int) -> tuple[int, str, bool]:
        """An unquoted url( … ) from just after its whitespace: (index after ")", value, whether it is a bad url)."""
        s, n = self.s, self.n
        value = []
        while i < n:
            ch = s[i]
            if ch == ")":
                return i + 1, "".join(value), False
            if ch in _WS:
                while i < n and s[i] in _WS:
                    i += 1
                if i >= n:
                    return n, "".join(value), False
                if s[i] == ")":
                    return i + 1, "".join(value), False
                return self.bad_url(i), "", True
            if ch in "\"'(" or ord(ch) < 0x20 and ch not in _WS or ord(ch) == 0x7F:
                return self.bad_url(i), "", True
            if ch == "\\":
                if self.valid_escape(i):
                    i, char = self.escape(i)
                    value.append(char)
                    continue
                return self.bad_url(i), "", True
            value.append(ch)
            i += 1
        return n, "".join(value), False

    def bad_url(self, i: int) -> int:
        s, n = self.s, self.n
        while i < n:
            if s[i] == ")":
                return i + 1
            if s[i] == "\\" and self.valid_escape(i):
                i, _ = self.escape(i)
            else:
                i += 1
        return n


def _css_string(value: str) -> str:
    escaped = (value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\a ").replace("\r", "\\d ")
               .replace("\f", "\\c "))
    return f'"{escaped}"'


def rewrite_css(css: str, base_url: str, timestamp: str, prefix: str = REPLAY_PREFIX) -> str:
    """A style sheet (or a `style` attribute) with every `url()`, `@import` and `image-set()` URL resolved against
    `base_url` and made a replay URL; `javascript:` and other URLs that cannot be replayed become `url("")`, which
    loads nothing. Fragments (`url(#clip)`) and data: URLs of images and fonts are kept."""
    return _Rewriter(base_url, timestamp, prefix).css(css)


# HTML


def _local(name: str) -> str:
    return name.lower().rsplit(":", 1)[-1]


def _in_foreign(element) -> bool:
    parent = element.getparent()
    while parent is not None:
        if isinstance(parent.tag, str) and _local(parent.tag) in FOREIGN_ROOTS:
            return True
        parent = parent.getparent()
    return False


def _url_kind(tag: str, attribute: str, element) -> str:
    if attribute in NAVIGATION_ATTRIBUTES:
        return NAVIGATION
    if attribute == "href":
        if tag in LINK_ELEMENTS:
            return NAVIGATION
        if tag == "link" or tag in SVG_RESOURCE_ELEMENTS:
            return IMAGE if tag in IMAGE_ELEMENTS else RESOURCE
        return NAVIGATION  # MathML and other elements an href makes a link of
    if attribute in ("background", "lowsrc", "dynsrc", "poster"):
        return IMAGE
    if attribute == "src" and tag in IMAGE_ELEMENTS:
        return IMAGE if tag != "input" or (element.get("type") or "").strip().lower() == "image" else RESOURCE
    return RESOURCE


def _drop(element) -> None:
    parent = element.getparent()
    if parent is None:
        return
    element.drop_tree()


def rewrite_html(html: str, base_url: str, timestamp: str, prefix: str = REPLAY_PREFIX) -> str:
    """A page with every URL made a replay URL and everything active removed; otherwise as it was.

    URLs are resolved against `base_url` (an archived `<base>` is removed, never followed). Removed: `<script>`,
    comments, every `on*` attribute, `javascript:` URLs (links become "#"), refresh/cookie/CSP `<meta>`s, resource
    hints, `srcdoc`, `ping`, form actions, `integrity`. `<object>`, `<embed>`, `<applet>`, `<param>`, `<base>` and
    `<noscript>` are unwrapped: their markup goes, their content stays (a plugin's fallback content; what a browser
    without scripts showed). data: URLs are kept for images only. The charset declared becomes utf-8: the text
    returned is Unicode, to be sent as UTF-8.
    """
    rw = _Rewriter(base_url, timestamp, prefix)
    text = _C0.sub("", (html or "").replace("\x0c", " "))
    if not text.strip():
        return ""
    try:
        root = lxml_html.document_fromstring(text.encode("utf-8", "replace"), parser=_HTML_PARSER)
    except (etree.ParserError, ValueError):
        return ""
    # libxml2 invents an HTML 4.0 doctype for a page without one; the page's own (or none) is kept.
    declared = _DOCTYPE.match(text)
    doctype = declared.group(1) if declared else ""
    frame_names = {el.get("name") for el in root.iter("iframe", "frame") if el.get("name")}
    unwrap = []
    for element in list(root.iter()):
        if not isinstance(element.tag, str):  # a comment or processing instruction the parser kept
            _drop(element)
            continue
        tag = _local(element.tag)
        if tag in DROPPED_ELEMENTS:
            _drop(element)
            continue
        if tag in UNWRAPPED_ELEMENTS:
            for name in list(element.attrib):
                del element.attrib[name]
            unwrap.append(element)
            continue
        if tag == "meta" and not _keep_meta(element):
            _drop(element)
            continue
        elif tag == "link":
            rels = set((element.get("rel") or "").lower().split())
            if rels & DROPPED_RELS:
                _drop(element)
                continue
        elif tag == "style":
            css = element.text or ""
            # libxml2 reads <style> as text everywhere; in <svg> and <math> a browser reads markup in it.
            if "</style" in css.lower() or ("<" in css and _in_foreign(element)):
                _drop(element)
                continue
            try:
                element.text = rw.css(css)
            except ValueError:
                _drop(element)
                continue
        elif tag in ANIMATION_ELEMENTS and _animates_urls(element):
            _drop(element)
            continue
        _rewrite_attributes(element, tag, rw, frame_names)
    for element in unwrap:
        if element.getparent() is not None:
            element.drop_tag()
    out = lxml_html.tostring(root, encoding="unicode", method="html")
    return f"{doctype}\n{out}" if doctype else out


def _keep_meta(element) -> bool:
    """Whether a <meta> may stay; its charset is made utf-8."""
    if element.get("charset") is not None:
        element.set("charset", "utf-8")
    equiv = (element.get("http-equiv") or "").strip().lower()
    if equiv == "content-type":
        element.set("content", "text/html; charset=utf-8")
        return True
    if equiv and equiv not in KEPT_HTTP_EQUIV:
        return False  # refresh, set-cookie, content-security-policy, link, origin-trial, accept-ch…
    return (element.get("name") or "").strip().lower() != "referrer"


def _animates_urls(element) -> bool:
    target = _local(element.get("attributename") or "")
    values = " ".join(element.get(a) or "" for a in ("values", "from", "to", "by"))
    return target in URL_ATTRIBUTES or target in SRCSET_ATTRIBUTES or target == "style" \
        or target.startswith("on") or "url(" in values.lower() or bool(_SCRIPT_SCHEME.match(values))


def _set(element, name: str, value: str) -> None:
    """Set an attribute; one lxml cannot hold (a name malformed markup made up, a character XML refuses) goes."""
    try:
        element.set(name, value)
    except ValueError:
        del element.attrib[name]


def _rewrite_attributes(element, tag: str, rw: _Rewriter, frame_names: set[str]) -> None:
    for name in list(element.attrib):
        value = element.get(name)
        lname = name.lower()
        local = _local(lname)
        if not _PLAIN_NAME.fullmatch(lname) or local.startswith("on") or lname in DROPPED_ATTRIBUTES:
            # A name with quotes, slashes or "<" in it is one a browser could read differently: it goes.
            del element.attrib[name]
        elif lname in SRCSET_ATTRIBUTES:
            _set(element, name, rw.srcset(value))
        elif local in URL_ATTRIBUTES:
            kind = _url_kind(tag, local, element)
            new = rw.url(value, kind)
            if new is not None:
                _set(element, name, new)
            elif kind == NAVIGATION:
                _set(element, name, "#")
            else:
                del element.attrib[name]
        elif lname == "style":
            _set(element, name, rw.css(value))
        elif lname == "target":
            target = value.strip()
            if target.lower() != "_self" and target not in frame_names:
                del element.attrib[name]  # _blank, _top, _parent: the sandbox would block the click
        elif lname == "http-equiv" or lname in TEXT_ATTRIBUTES or lname.startswith(("aria-", "data-")):
            continue
        elif "url(" in value.lower() or "\\" in value:
            _set(element, name, rw.css(value))  # SVG presentation attributes: fill="url(…)", cursor="url(…)"
        elif _SCRIPT_SCHEME.match(_clean(value)):
            _set(element, name, "#")


# The response sent to the browser


def _is_html(mime: str, body: bytes) -> bool:
    if mime in HTML_TYPES:
        return True
    if mime:
        return False
    head = body[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<html" in head


def _decode_css(body: bytes, content_type: str) -> str:
    hint = content_type
    if "charset" not in content_type.lower():
        declared = re.match(rb'\s*@charset\s+"([\w.:-]+)"\s*;', body)
        if declared:
            hint = f"text/css; charset={declared.group(1).decode('ascii')}"
    text, _charset, _problems = decode_html(body, hint)
    return re.sub(r'^\s*@charset\s+"[^"]*"\s*;', '@charset "utf-8";', text, count=1)


def render(resp: HttpResponse, prefix: str = REPLAY_PREFIX) -> tuple[int, list[tuple[str, str]], bytes]:
    """(status, headers, body) for the browser: what the UI sends for a replay URL or a capture.

    HTML is decoded (`decode_html`), rewritten (`rewrite_html`) and sent as UTF-8; CSS is rewritten; anything else
    is sent as archived with its Content-Type. Always REPLAY_CSP, `X-Content-Type-Options: nosniff` and
    `Referrer-Policy: no-referrer`; of the archived headers only Content-Language, Content-Disposition and
    Last-Modified are kept (never Set-Cookie, CSP, HSTS, Link, Refresh…); a redirect's Location becomes a replay URL.
    No Content-Length: the server frames the body.
    """
    cap = resp.capture
    _check(cap.timestamp, prefix)
    rw = _Rewriter(cap.target_uri, cap.timestamp, prefix)
    content_type = resp.header("Content-Type").strip()
    mime = content_type.split(";")[0].strip().lower()
    body = resp.body
    if resp.status in (204, 304) or 100 <= resp.status < 200:
        body = b""
    elif _is_html(mime, body):
        text, _charset, _problems = decode_html(body, content_type)
        body = rewrite_html(text, cap.target_uri, cap.timestamp, prefix).encode("utf-8")
        content_type = "text/html; charset=utf-8"
    elif mime == "text/css":
        body = rw.css(_decode_css(body, content_type)).encode("utf-8")
        content_type = "text/css; charset=utf-8"
    headers = [("Content-Type", content_type or "application/octet-stream")]
    headers += [(k, v) for k, v in resp.headers if k.lower() in KEPT_HEADERS]
    if 300 <= resp.status < 400 and resp.header("Location"):
        location = rw.url(resp.header("Location"), NAVIGATION)
        if location is not None and location.startswith(prefix + "/"):
            headers.append(("Location", location))
    if FONT_TYPES.match(mime) or FONT_PATH.search(urlsplit(cap.target_uri).path):
        # Fonts load in CORS mode, and a sandboxed page's origin is opaque: without this they would not show.
        headers.append(("Access-Control-Allow-Origin", "*"))
    headers.append(("Memento-Datetime", format_datetime(cap.moment, usegmt=True)))
    headers += SECURITY_HEADERS
    return resp.status, headers, body
