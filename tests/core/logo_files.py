"""Upload files for the logo tests (G-1): good ones, and the hostile set, built in memory."""

from __future__ import annotations

import io
import os
import struct
import zlib

from PIL import Image
from PIL.PngImagePlugin import PngInfo


def png(width: int = 40, height: int = 20, *, mode: str = "RGBA", text: str = "") -> bytes:
    img = Image.new(mode, (width, height), (10, 120, 200, 255) if mode == "RGBA" else None)
    info = PngInfo()
    if text:
        info.add_text("Comment", text)
    out = io.BytesIO()
    img.save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def jpeg(
    width: int = 40, height: int = 20, *, description: str = "", orientation: int = 0
) -> bytes:
    img = Image.new("RGB", (width, height), (200, 30, 30))
    exif = Image.Exif()
    if description:
        exif[0x010E] = description  # ImageDescription
    if orientation:
        exif[0x0112] = orientation
    out = io.BytesIO()
    img.save(out, format="JPEG", quality=90, exif=exif.tobytes())
    return out.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def png_declaring(width: int, height: int) -> bytes:
    """A 1x1 PNG's pixel data under an IHDR that declares `width` x `height` (CRC fixed)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" + b"\x00\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", pixels)
        + _chunk(b"IEND", b"")
    )


def jpeg_declaring(width: int, height: int) -> bytes:
    """A small JPEG whose frame header (SOF0) is patched to declare `width` x `height`."""
    data = bytearray(jpeg(8, 8))
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def noisy_png(width: int, height: int) -> bytes:
    """Random pixels do not compress: about width * height * 3 bytes."""
    img = Image.frombytes("RGB", (width, height), os.urandom(width * height * 3))
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


def gif() -> bytes:
    out = io.BytesIO()
    Image.new("P", (4, 4)).save(out, format="GIF")
    return out.getvalue()


SVG_WITH_SCRIPT = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(document.cookie)</script><rect width='10' height='10'/></svg>"
)
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
TEXT = b"This is not a logo, just some text someone named logo.png.\n"


def truncated_jpeg() -> bytes:
    data = jpeg(300, 200)
    return data[: len(data) // 2]
