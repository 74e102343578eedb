"""HTML made safe to show "as captured": every URL a replay URL, everything active removed, the rest as it was.

Parsed by lxml (libxml2's HTML parser). Scripts, event handlers, `javascript:` URLs, plugins, `<base>`, refresh and
cookie `<meta>` tags, resource hints and form targets go; `<style>` and `style` attributes are rewritten by
`archive.replay.css`. See docs/replay.md for the whole list and why.
"""

from __future__ import annotations

import re

from lxml import etree
from lxml import html as lxml_html

from archive.replay import css
from archive.replay.urls import (IMAGE, NAVIGATION, REPLAY_PREFIX, RESOURCE, SCRIPT_SCHEME, ReplayUrls, clean)

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
IMAGE_ELEMENTS = frozenset({"img", "image", "feimage", "input", "picture", "source"})
NAVIGATION_ATTRIBUTES = frozenset({"longdesc", "cite"})
LINK_ELEMENTS = frozenset({"a", "area"})
SVG_RESOURCE_ELEMENTS = frozenset({"image", "feimage", "use", "link", "pattern", "lineargradient", "radialgradient",
                                   "filter", "mpath", "textpath", "tref", "altglyph", "cursor", "font-face-uri",
                                   "color-profile", "iframe", "frame", "video", "audio", "source", "track", "img",
                                   "input", "embed", "object", "script", "style"})
ANIMATION_ELEMENTS = frozenset({"animate", "set", "animatemotion", "animatetransform", "animatecolor"})
FOREIGN_ROOTS = frozenset({"svg", "math"})
# Characters lxml (XML) refuses; a form feed is white space in HTML and CSS alike.
_C0 = re.compile("[\x00-\x08\x0b\x0e-\x1f\ufffe\uffff]")
_HTML_PARSER = lxml_html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)
_PLAIN_NAME = re.compile(r"[a-z_][-a-z0-9_.:]*")
_DOCTYPE = re.compile(r"\ufeff?\s*(?:<!--.*?-->\s*)*(<!doctype[^>]*>)", re.IGNORECASE | re.DOTALL)


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
    urls = ReplayUrls(base_url, timestamp, prefix)
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
            style = css.rewrite(element.text or "", urls)
            # libxml2 reads <style> as text everywhere; in <svg> and <math> a browser reads markup in it. The CSS sent
            # is checked as well as the CSS read: escapes are written back as characters (`</st\79le` → `</style`).
            if _markup_in_style(element.text or "", element) or _markup_in_style(style, element):
                _drop(element)
                continue
            try:
                element.text = style
            except ValueError:  # a character lxml refuses, which an escaped name can spell
                _drop(element)
                continue
        elif tag in ANIMATION_ELEMENTS and _animates_urls(element):
            _drop(element)
            continue
        _rewrite_attributes(element, tag, urls, frame_names)
    for element in unwrap:
        if element.getparent() is not None:
            element.drop_tag()
    out = lxml_html.tostring(root, encoding="unicode", method="html")
    return f"{doctype}\n{out}" if doctype else out


def _markup_in_style(text: str, element) -> bool:
    return "</style" in text.lower() or ("<" in text and _in_foreign(element))


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
        or target.startswith("on") or "url(" in values.lower() or bool(SCRIPT_SCHEME.match(values))


def _set(element, name: str, value: str) -> None:
    """Set an attribute; one lxml cannot hold (a name malformed markup made up, a character XML refuses) goes."""
    try:
        element.set(name, value)
    except ValueError:
        del element.attrib[name]


def _rewrite_attributes(element, tag: str, urls: ReplayUrls, frame_names: set[str]) -> None:
    for name in list(element.attrib):
        value = element.get(name)
        lname = name.lower()
        local = _local(lname)
        if not _PLAIN_NAME.fullmatch(lname) or local.startswith("on") or lname in DROPPED_ATTRIBUTES:
            # A name with quotes, slashes or "<" in it is one a browser could read differently: it goes.
            del element.attrib[name]
        elif lname in SRCSET_ATTRIBUTES:
            _set(element, name, urls.srcset(value))
        elif local in URL_ATTRIBUTES:
            kind = _url_kind(tag, local, element)
            new = urls.url(value, kind)
            if new is not None:
                _set(element, name, new)
            elif kind == NAVIGATION:
                _set(element, name, "#")
            else:
                del element.attrib[name]
        elif lname == "style":
            _set(element, name, css.rewrite(value, urls))
        elif lname == "target":
            target = value.strip()
            if target.lower() != "_self" and target not in frame_names:
                del element.attrib[name]  # _blank, _top, _parent: the sandbox would block the click
        elif lname == "http-equiv" or lname in TEXT_ATTRIBUTES or lname.startswith(("aria-", "data-")):
            continue
        elif "url(" in value.lower() or "\\" in value:  # SVG presentation attributes: fill="url(…)", cursor=…
            _set(element, name, css.rewrite(value, urls))
        elif SCRIPT_SCHEME.match(clean(value)):
            _set(element, name, "#")
