"""Vietnamese text as the archive stores it (NFC) and as search compares it (folded: no marks, no case, đ as d)."""

from __future__ import annotations

import unicodedata
from email.message import Message

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
    folded: list[str] = []
    origins: list[int] = []
    for index, ch in enumerate(text):
        piece = fold(ch)
        folded.append(piece)
        origins.extend([index] * len(piece))
    return "".join(folded), origins


def safe_filename(name: str) -> str:
    """A server-given file name reduced to something to show, never to open: no folders, no control characters."""
    name = "".join(ch for ch in nfc(name) if unicodedata.category(ch)[0] != "C")
    name = name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    return name.lstrip(".").strip()[:255]


def disposition_filename(value: str | None) -> str:
    """The file name a Content-Disposition header gives (filename*= RFC 5987 preferred), as text, never as a path."""
    if not value:
        return ""
    message = Message()
    message["Content-Disposition"] = value
    return message.get_filename() or ""
