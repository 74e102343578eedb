"""Bytes of the replica's images, attachments and theme files, generated in code and deterministic."""

from __future__ import annotations

import hashlib
import io
import random
import struct
import zlib
from functools import lru_cache

from PIL import Image as PILImage

from replica.content import Attachment, Image


PALETTE = [(163, 18, 24), (24, 96, 163), (40, 140, 70), (200, 150, 30), (120, 60, 150), (30, 150, 150),
           (90, 90, 90), (210, 90, 40)]


def image_bytes(img: Image) -> bytes:
    """A valid PNG or JPEG, unique to the image's URL and version (a new version, new bytes and another colour).

    Pixels come from a few cached renders (one per format, size and colour); what makes each file unique is a
    comment carrying its URL, so that serving thousands of images costs a copy, not an encode.
    """
    seed = hashlib.sha256(f"{img.host}{img.path}".encode()).digest()
    tag = f"{img.host}{img.path}#{img.version}".encode()
    if img.large:
        return _with_comment(_large(img.size, seed[:8]), "jpeg", tag)
    colour = PALETTE[(seed[0] + 4 * (img.version - 1)) % len(PALETTE)]
    return _with_comment(_render(img.fmt, img.size, colour), img.fmt, tag)


@lru_cache(maxsize=None)
def _render(fmt: str, size: tuple[int, int], colour: tuple[int, int, int]) -> bytes:
    picture = PILImage.blend(PILImage.linear_gradient("L").resize(size).convert("RGB"), PILImage.new("RGB", size, colour), 0.6)
    out = io.BytesIO()
    picture.save(out, "PNG" if fmt == "png" else "JPEG", **({} if fmt == "png" else {"quality": 85}))
    return out.getvalue()


@lru_cache(maxsize=2)
def _large(size: tuple[int, int], seed: bytes) -> bytes:
    # Noise compresses badly: a multi-megabyte photograph, as an unresized camera upload is.
    noise = random.Random(seed).randbytes(size[0] * size[1])  # Pillow's effect_noise is not seeded
    out = io.BytesIO()
    PILImage.frombytes("L", size, noise).convert("RGB").save(out, "JPEG", quality=85)
    return out.getvalue()


def _with_comment(data: bytes, fmt: str, text: bytes) -> bytes:
    """Insert a comment: a JPEG COM segment after SOI, or a PNG tEXt chunk after IHDR."""
    if fmt == "png":
        body = b"Comment\x00" + text
        chunk = struct.pack(">I", len(body)) + b"tEXt" + body + struct.pack(">I", zlib.crc32(b"tEXt" + body))
        return data[:33] + chunk + data[33:]  # 8-byte signature + 25-byte IHDR chunk
    return data[:2] + b"\xff\xfe" + struct.pack(">H", len(text) + 2) + text + data[2:]


def banner_bytes() -> bytes:
    picture = PILImage.new("RGB", (1000, 160), (163, 18, 24))
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=80)
    return out.getvalue()


def pdf(text: str) -> bytes:
    """A one-page PDF with correct cross-reference offsets (the text as ASCII: base-14 fonts have no Vietnamese)."""
    ascii_text = text.encode("ascii", "replace").decode().replace("(", "[").replace(")", "]")
    stream = f"BT /F1 12 Tf 50 780 Td ({ascii_text[:90]}) Tj ET".encode()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _rtf(text: str) -> bytes:
    """Word opens RTF saved as .doc, which is what many district offices uploaded."""
    escaped = "".join(ch if ord(ch) < 128 else f"\\u{ord(ch)}?" for ch in text)
    return ("{\\rtf1\\ansi\\deff0{\\fonttbl{\\f0 Times New Roman;}}\\f0\\fs26 " + escaped + "\\par}").encode("ascii")


def _spreadsheet(text: str) -> bytes:
    """Excel 2003 XML, which Excel opens as .xls."""
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<?mso-application progid="Excel.Sheet"?>\n'
            '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
            'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="Sheet1"><Table>'
            f'<Row><Cell><Data ss:Type="String">{text}</Data></Cell></Row>'
            '<Row><Cell><Data ss:Type="Number">27</Data></Cell><Cell><Data ss:Type="Number">3</Data></Cell></Row>'
            "</Table></Worksheet></Workbook>").encode()


def attachment_bytes(att: Attachment, title: str) -> bytes:
    text = f"{att.filename} - {title}"
    name = att.filename.lower()
    if name.endswith(".pdf"):
        return pdf(text)
    if name.endswith(".doc"):
        return _rtf(text)
    return _spreadsheet(text)


STYLESHEET = b"""body{font-family:Arial,sans-serif;margin:0;background:#f4f4f4}
img{max-width:100%}
ul{list-style:none;padding-left:0}
"""

SCRIPT = b"""document.addEventListener("DOMContentLoaded", function () {
  var el = document.getElementById("clock");
  if (el) { el.textContent = new Date().toLocaleDateString("vi-VN"); }
});
"""

ROBOTS = b"""User-agent: *
Disallow: /c/portal/login
Disallow: /group/
Disallow: /web/guest/
Disallow: /api/
"""


def strong_etag(data: bytes | str) -> str:
    raw = data if isinstance(data, bytes) else data.encode()
    return '"' + hashlib.sha1(raw).hexdigest()[:20] + '"'

