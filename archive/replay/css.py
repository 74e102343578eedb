"""CSS made to load from the archive only: every `url()`, `@import`, `image-set()` and `src()` URL replayed.

Style sheets, `<style>` elements and `style` attributes are read by tinycss2, whose tokenizer follows css-syntax-3
as a browser's does: escaped spellings (`u\\72l(`, `@\\69mport`), comments and bad tokens are read the way a
browser reads them, so no URL it would load is missed. Everything but the URLs is serialised back as it was read.
"""

from __future__ import annotations

import re

import tinycss2
from tinycss2.ast import FunctionBlock, StringToken

from archive.replay.urls import IMAGE, REPLAY_PREFIX, RESOURCE, ReplayUrls

# Functions whose string arguments are URLs (a `url("…")` is a function, an unquoted `url(…)` a URL token).
URL_FUNCTIONS = frozenset({"url", "src"})
IMAGE_FUNCTIONS = frozenset({"image-set", "-webkit-image-set", "image"})
# Deeper than any real style sheet; tinycss2 serialises blocks recursively, and hostile CSS can nest thousands deep.
MAX_DEPTH = 100
# tinycss2 writes a string back as what it means, not as it was spelled: an escaped `\3c /style>` read as text must
# not come back as markup that ends a <style> element, and lxml refuses control characters in text and attributes.
# Strings and URLs holding these are written anew, escaped.
_UNSAFE = re.compile(r"[<\x00-\x1f\x7f]")
_ESCAPED = re.compile(r'[\\"<\x00-\x1f\x7f]')


class _TooDeep(Exception):
    pass


def rewrite_css(css: str, base_url: str, timestamp: str, prefix: str = REPLAY_PREFIX) -> str:
    """A style sheet (or a `style` attribute) with every `url()`, `@import` and `image-set()` URL resolved against
    `base_url` and made a replay URL; `javascript:` and other URLs that cannot be replayed become `url("")`, which
    loads nothing. Fragments (`url(#clip)`) and data: URLs of images and fonts are kept."""
    return rewrite(css, ReplayUrls(base_url, timestamp, prefix))


def rewrite(css: str, urls: ReplayUrls) -> str:
    """`css` with its URLs replayed through `urls` (see `rewrite_css`); "" for CSS nested deeper than MAX_DEPTH."""
    if "(" not in css and "@" not in css:
        return css  # nothing loads without a function, a url( token or an at-rule: kept byte for byte
    nodes = tinycss2.parse_component_value_list(css)
    try:
        _rewrite(nodes, urls, None, 0)
    except _TooDeep:
        return ""
    return tinycss2.serialize(nodes)


def _rewrite(nodes: list, urls: ReplayUrls, strings: str | None, depth: int) -> None:
    """Rewrite a list of component values in place. `strings`: how its strings load (IMAGE, RESOURCE), or None
    when they are text."""
    if depth > MAX_DEPTH:
        raise _TooDeep
    at_rule = ""  # "import" or "namespace" from its at-keyword to its URL, or the end of the statement
    for i, node in enumerate(nodes):
        kind = node.type
        if kind == "at-keyword":
            at_rule = node.lower_value if node.lower_value in ("import", "namespace") else ""
        elif kind == "literal" and node.value == ";":
            at_rule = ""
        elif kind == "url":
            if at_rule == "namespace":  # a name, not a load
                nodes[i] = _url(node.value, node) if _UNSAFE.search(node.value) else node
            else:
                nodes[i] = _url(_target(urls, node.value, RESOURCE if at_rule == "import" else IMAGE), node)
            at_rule = ""
        elif kind == "error" and node.kind == "bad-url":
            nodes[i] = _url("", node)  # loads nothing, as in a browser
            at_rule = ""
        elif kind == "string":
            load = RESOURCE if at_rule == "import" else None if at_rule == "namespace" else strings
            if load:
                nodes[i] = _string(_target(urls, node.value, load), node)
            elif _UNSAFE.search(node.value):
                nodes[i] = _string(node.value, node)
            at_rule = ""
        elif kind == "function":
            name = node.lower_name
            if name in URL_FUNCTIONS:
                load = RESOURCE if at_rule == "import" else None if at_rule == "namespace" else IMAGE
                at_rule = ""
            else:
                load = IMAGE if name in IMAGE_FUNCTIONS else None
            _rewrite(node.arguments, urls, load, depth + 1)
        elif kind in ("{} block", "() block", "[] block"):
            if kind == "{} block":
                at_rule = ""
            _rewrite(node.content, urls, None, depth + 1)


def _target(urls: ReplayUrls, value: str, kind: str) -> str:
    """What a CSS URL becomes: a replay URL, a fragment or data: image as it was, or "" (loads nothing)."""
    new = urls.url(value, kind)
    return "" if new is None else new


def _string(value: str, like) -> StringToken:
    """A string token of `value`, written so that it is safe inside a `<style>` element and an attribute."""
    return StringToken(like.source_line, like.source_column, value, f'"{_ESCAPED.sub(_escape, value)}"')


def _escape(match: re.Match) -> str:
    char = match.group()
    return "\\" + char if char in '\\"' else f"\\{ord(char):x} "


def _url(value: str, like) -> FunctionBlock:
    """`url("value")`."""
    return FunctionBlock(like.source_line, like.source_column, "url", [_string(value, like)])
