"""Bytes to text: which charset a page is really in, whatever its header and meta tag claim.

Order of evidence: a byte order mark; then bytes that are valid UTF-8 (a page whose header or meta says
windows-1258 or iso-8859-1 while its bytes are UTF-8 would read as mojibake, and every URL taken from it would be
wrong); then the header's charset, the meta tag's, and the Vietnamese Windows code page.
"""

from __future__ import annotations

import codecs
import re

_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?\s*([\w.:-]+)", re.IGNORECASE)
_META_CHARSET = re.compile(rb"<meta[^>]*?charset\s*=\s*[\"']?\s*([\w.:-]+)", re.IGNORECASE)
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))


def decode_html(body: bytes, content_type: str | None) -> tuple[str, str, list[str]]:
    """(text, charset used, problems). Bytes that are valid UTF-8 are UTF-8 whatever the header says; otherwise
    the header's charset, then the meta tag's, then windows-1258 and cp1252. Never raises."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            return body[len(bom):].decode(name, "replace"), name, []
    problems: list[str] = []
    declared = [(where, found) for where, found in (
        ("header", _charset(_HEADER_CHARSET.search(content_type or ""), "header", problems)),
        ("meta charset", _charset(_META_CHARSET.search(body[:4096]), "meta charset", problems))) if found]
    if body.isascii():  # every ASCII-compatible charset reads these bytes alike
        name = next((codec for _, (_, codec) in declared if "utf-16" not in codec and "utf-32" not in codec), "utf-8")
        return body.decode("ascii"), name, problems
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        problems += [f"charset {where} says {label}, bytes are utf-8" for where, (label, codec) in declared
                     if codec != "utf-8"]
        return text, "utf-8", problems
    candidates = [(where, codec) for where, (_, codec) in declared] + [("fallback", "cp1258"), ("fallback", "cp1252")]
    for where, codec in candidates:
        if codec == "utf-8":
            problems.append(f"charset {where} says utf-8, bytes are not")
            continue
        try:
            text = body.decode(codec)
        except UnicodeDecodeError:
            problems.append(f"bytes do not decode as {codec} ({where})")
            continue
        if where == "fallback":
            problems.append(f"no usable charset declared, decoded as {codec}")
        return text, codec, problems
    problems.append("undecodable bytes replaced")
    return body.decode("cp1258", "replace"), "cp1258", problems


def _charset(match: re.Match | None, where: str, problems: list[str]) -> tuple[str, str] | None:
    """(label as declared, Python codec name) of a charset declaration, or None."""
    if match is None:
        return None
    raw = match.group(1)
    label = (raw.decode("ascii", "replace") if isinstance(raw, bytes) else raw).strip().lower()
    try:
        return label, codecs.lookup(label).name
    except LookupError:
        problems.append(f"unknown charset {label!r} in {where}")
        return None
