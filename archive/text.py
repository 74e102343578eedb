"""Vietnamese text as the archive stores it (NFC) and as search compares it (folded: no marks, no case, đ as d)."""

from __future__ import annotations

import functools
import unicodedata
from email.message import Message
from email.utils import collapse_rfc2231_value
from urllib.parse import unquote

# đ is a letter of its own in Unicode, not d with a mark, so decomposition leaves it alone. Ð (U+00D0, the
# Icelandic eth) stands in for Đ in text converted from the old TCVN3/VNI encodings.
_D = str.maketrans({"đ": "d", "Đ": "D", "ð": "d", "Ð": "D"})


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """NFC, đ → d, combining marks stripped, lower case: `Thọ Xuân`, `THỌ XUÂN` and `Tho Xuan` all give `tho xuan`.

    Old and new tone placement (`Hoá`/`Hóa`, `Thuỷ`/`Thủy`) fold alike, since the tone mark is dropped.
    """
    # Lower case before the marks go: lower() can itself produce a combining mark (İ → i + U+0307).
    text = nfc(text).translate(_D).lower()
    return "".join(ch for ch in unicodedata.normalize("NFD", text) if unicodedata.category(ch) != "Mn")


def fold_with_map(text: str) -> tuple[str, list[int]]:
    """fold() character by character, with the index in `text` each folded character came from."""
    pieces = [_fold_char(ch) for ch in text]
    folded = "".join(pieces)
    if len(folded) == len(text):  # every character folded to one: the common case
        return folded, list(range(len(text)))
    return folded, [index for index, piece in enumerate(pieces) for _ in piece]


@functools.lru_cache(maxsize=8192)
def _fold_char(ch: str) -> str:
    """fold() of one character, remembered: search snippets fold whole articles character by character."""
    return fold(ch)


def safe_filename(name: str) -> str:
    """A server-given file name reduced to something to show, never to open: no folders, no control characters."""
    name = "".join(ch for ch in nfc(name) if unicodedata.category(ch)[0] != "C")
    name = name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    return name.lstrip(".").strip()[:255]


def disposition_filename(value: str | bytes | None) -> str:
    """The file name a Content-Disposition header gives, as NFC text, never as a path.

    Every form servers send: RFC 6266 `filename*=UTF-8''…` (preferred), raw UTF-8 bytes inside `filename="…"`
    (arriving as Latin-1 when a client decodes headers as HTTP says), and %-encoded UTF-8 inside quotes.
    """
    if not value:
        return ""
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    message = Message()
    message["Content-Disposition"] = value
    # Both forms arrive as "filename"; the RFC 2231/5987 one (filename*=) as a (charset, language, value) tuple.
    names = [v for k, v in message.get_params([], header="content-disposition")[1:] if k.lower() == "filename"]
    extended = next((v for v in names if isinstance(v, tuple)), None)
    if extended is not None:
        return nfc(collapse_rfc2231_value(extended))
    return nfc(_undo_raw_encodings(names[0])) if names else ""


def _undo_raw_encodings(name: str) -> str:
    """A plain `filename="…"` as the server meant it: UTF-8 bytes read as Latin-1 and %XX escapes undone."""
    try:
        name = name.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        pass  # not UTF-8 read as Latin-1: already text
    if "%" in name:
        try:
            unquoted = unquote(name, errors="strict")
        except UnicodeDecodeError:
            return name
        if unquoted != name:
            return unquoted
    return name
