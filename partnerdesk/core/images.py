"""Logo uploads (G-1): check an uploaded file as hostile input and re-encode it.

The order of the checks matters: the cheapest refusals come first and nothing is decoded until
the file is known to be small, of an accepted type (by its content, never its name) and of
accepted dimensions (read from its header). Only then are the pixels decoded, in full, so a
truncated or damaged file is refused too; the image stored is a fresh encoding of those pixels,
with no metadata carried over.
"""

from __future__ import annotations

import hashlib
import io
import struct
import warnings
from dataclasses import dataclass
from typing import IO, Any

from django.http import HttpRequest, HttpResponse
from PIL import Image, ImageFile, ImageOps

from partnerdesk.core.errors import ValidationFailed
from partnerdesk.core.models import StoredImage

MAX_BYTES = 1024 * 1024
MAX_SIDE = 2000
PNG = "image/png"
JPEG = "image/jpeg"
ACCEPTED = f"{PNG},{JPEG}"
JPEG_QUALITY = 90
RULES = "PNG or JPEG, at most 1 MB and 2000 x 2000 pixels."

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_JPEG_SIGNATURE = b"\xff\xd8\xff"
# Pillow decoder errors for damaged input are not one class; every one of these means "the
# bytes are not a whole image" here.
_DAMAGED = (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError, KeyError)


@dataclass(frozen=True, slots=True)
class CheckedImage:
    """An upload that passed every check, re-encoded: the bytes to store and their facts."""

    data: bytes
    content_type: str
    width: int
    height: int
    sha256: str

    @property
    def size(self) -> int:
        return len(self.data)


def _refuse(message: str, code: str) -> ValidationFailed:
    return ValidationFailed(message, fields={"file": message}, code="logo." + code)


def _named(filename: str) -> str:
    name = filename.replace("\\", "/").rsplit("/", 1)[-1].strip()[:80]
    return f"“{name}”" if name and name.isprintable() else "The file"


def _what_else(head: bytes) -> str | None:
    """What a refused file is, when its first bytes tell: for a message the user understands."""
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "a GIF image"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "a WebP image"
    if head.startswith(b"%PDF-"):
        return "a PDF document"
    if head.startswith(b"BM"):
        return "a BMP image"
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return "a TIFF image"
    if head.startswith(b"\x00\x00\x01\x00"):
        return "an icon (ICO) file"
    if head[4:8] == b"ftyp":
        return "a HEIC/AVIF image or a video"
    if head.startswith(b"PK\x03\x04"):
        return "a ZIP archive or an office document"
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    lowered = text[:4096].lower()
    if b"<svg" in lowered and (lowered.startswith((b"<?xml", b"<svg", b"<!--", b"<!doctype"))):
        return "an SVG image"
    try:
        decoded = head.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if all(ch.isprintable() or ch in "\r\n\t" for ch in decoded[:-1]):
        return "a text file"
    return None


def _sniff(data: bytes, filename: str) -> str:
    if data.startswith(_PNG_SIGNATURE):
        return PNG
    if data.startswith(_JPEG_SIGNATURE):
        return JPEG
    what = _what_else(data[:4096])
    if what == "an SVG image":
        raise _refuse(
            "SVG images are not accepted (they can carry scripts): "
            "upload the logo as a PNG or JPEG.",
            "svg",
        )
    if what is not None and what.endswith(" image"):
        kind = what.split(" ", 1)[1].removesuffix(" image")
        raise _refuse(
            f"{kind} images are not accepted: upload the logo as a PNG or JPEG.", "wrongType"
        )
    if what is not None:
        raise _refuse(
            f"{_named(filename)} is {what}, not an image: upload the logo as a PNG or JPEG.",
            "wrongType",
        )
    raise _refuse(
        f"{_named(filename)} is not a PNG or JPEG image, whatever its name says: "
        "upload the logo as a PNG or JPEG.",
        "wrongType",
    )


def _open(data: bytes, content_type: str) -> Image.Image:
    """Open lazily (header only), allowing only the sniffed format's decoder."""
    fmt = "PNG" if content_type == PNG else "JPEG"
    try:
        img = Image.open(io.BytesIO(data), formats=[fmt])
    except Image.DecompressionBombError as exc:
        raise _too_big() from exc
    except _DAMAGED as exc:
        raise _refuse("The image is truncated or damaged.", "damaged") from exc
    if img.format != fmt:
        raise _refuse("The file is not a PNG or JPEG image.", "wrongType")
    return img


def _too_big(width: int | None = None, height: int | None = None) -> ValidationFailed:
    size = f" ({width} x {height} pixels)" if width and height else ""
    return _refuse(
        f"The image is too large{size}: logos may be at most {MAX_SIDE} x {MAX_SIDE} pixels.",
        "tooManyPixels",
    )


def _decode(img: Image.Image) -> Image.Image:
    # Pillow's switch for tolerating truncated files is process-wide, and libraries may turn it
    # on when imported (WeasyPrint does); a logo check must never inherit that.
    tolerant = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        img.load()
    except Image.DecompressionBombError as exc:
        raise _too_big() from exc
    except _DAMAGED as exc:
        raise _refuse("The image is truncated or damaged.", "damaged") from exc
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = tolerant
    return img


def _clean_png(img: Image.Image) -> Image.Image:
    if img.mode in ("RGBA", "LA", "PA") or "transparency" in img.info:
        return img.convert("RGBA")
    if img.mode in ("1", "L"):
        return img.convert("L")
    return img.convert("RGB")


def _clean_jpeg(img: Image.Image) -> Image.Image:
    # Orientation is applied to the pixels first: the EXIF that carried it is dropped below.
    rotated = ImageOps.exif_transpose(img) or img
    return rotated.convert("L" if rotated.mode in ("1", "L") else "RGB")


def _encode(img: Image.Image, content_type: str) -> tuple[bytes, int, int]:
    clean = _clean_png(img) if content_type == PNG else _clean_jpeg(img)
    # A new info dict: nothing read from the upload (EXIF, ICC, text chunks, comments) is
    # written back; Pillow copies some of it from `info` when saving otherwise.
    clean.info = {}
    out = io.BytesIO()
    if content_type == PNG:
        clean.save(out, format="PNG", optimize=True)
    else:
        clean.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    # EXIF orientation may have swapped the sides: the stored image's size is the truth.
    return out.getvalue(), clean.width, clean.height


def validate_logo(upload_bytes: bytes, *, filename: str = "") -> CheckedImage:
    """Check an uploaded logo and return it re-encoded, or raise ValidationFailed (G-1).

    `filename` is used in messages only; the type comes from the content.
    """
    if not upload_bytes:
        raise _refuse("The file is empty: choose a PNG or JPEG image.", "empty")
    if len(upload_bytes) > MAX_BYTES:
        raise _refuse("The file is larger than 1 MB: logos may be at most 1 MB.", "fileTooLarge")
    content_type = _sniff(upload_bytes, filename)
    if content_type == PNG and upload_bytes[12:16] == b"IHDR":
        # The declared size, straight from the header, before Pillow sees the file at all.
        declared_w, declared_h = struct.unpack(">II", upload_bytes[16:24])
        if declared_w > MAX_SIDE or declared_h > MAX_SIDE:
            raise _too_big(declared_w, declared_h)
    with warnings.catch_warnings():
        # Pillow warns (rather than refuses) between MAX_IMAGE_PIXELS and twice that.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            img = _open(upload_bytes, content_type)
            width, height = img.size
            if width > MAX_SIDE or height > MAX_SIDE:
                raise _too_big(width, height)
            if width < 1 or height < 1:
                raise _refuse("The image is truncated or damaged.", "damaged")
            _decode(img)
            data, width, height = _encode(img, content_type)
        except Image.DecompressionBombWarning as exc:
            raise _too_big() from exc
    return CheckedImage(
        data=data,
        content_type=content_type,
        width=width,
        height=height,
        sha256=hashlib.sha256(data).hexdigest(),
    )


def read_upload(upload: IO[bytes]) -> bytes:
    """At most one byte more than the limit: enough to refuse a larger file without reading it."""
    chunk = upload.read(MAX_BYTES + 1)
    return bytes(chunk) if chunk else b""


def store_checked(target: StoredImage, checked: CheckedImage, *, updated_by: str) -> None:
    """Copy a checked image onto a logo row (the caller saves it)."""
    target.image = checked.data
    target.content_type = checked.content_type
    target.width = checked.width
    target.height = checked.height
    target.sha256 = checked.sha256
    target.updated_by = updated_by[:200]


def image_summary(image: StoredImage | None) -> dict[str, Any] | None:
    """What the audit log keeps of a logo: its facts, never its bytes."""
    if image is None:
        return None
    return {
        "contentType": image.content_type,
        "width": image.width,
        "height": image.height,
        "size": len(bytes(image.image)),
        "sha256": image.sha256,
    }


def logo_response(image: StoredImage | None, request: HttpRequest | None = None) -> HttpResponse:
    """The stored image as an HTTP response, for every page that shows a logo (404 if none).

    The type is the one checked on upload and the browser may not guess another (nosniff); the
    ETag is the content hash, so a browser revalidates cheaply and sees a new logo at once.
    """
    if image is None:
        missing = HttpResponse("No logo.", status=404, content_type="text/plain; charset=utf-8")
        missing["Cache-Control"] = "private, no-store"
        missing["X-Content-Type-Options"] = "nosniff"
        return missing
    etag = f'"{image.sha256}"'
    if request is not None and etag in request.headers.get("If-None-Match", ""):
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(bytes(image.image), content_type=image.content_type)
        extension = "png" if image.content_type == PNG else "jpg"
        response["Content-Disposition"] = f'inline; filename="logo.{extension}"'
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    response["X-Content-Type-Options"] = "nosniff"
    # Opened on its own, the image is still only an image: no script, no plugins, no framing.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def preview_size(image: StoredImage | None, box: int = 240) -> tuple[int, int]:
    """Width and height that fit the image in a `box`-pixel square on a settings page."""
    if image is None or not image.width or not image.height:
        return (0, 0)
    scale = min(1.0, box / max(image.width, image.height))
    return (max(1, round(image.width * scale)), max(1, round(image.height * scale)))


def logo_form_context(
    logo: StoredImage | None,
    *,
    image_url: str,
    upload_url: str,
    remove_url: str,
    logo_alt: str,
    usage: str = "",
    error: str = "",
    remove_error: str = "",
    read_only: bool = False,
) -> dict[str, Any]:
    """Everything `partials/logo_form.html` needs, for the partner and the console pages."""
    width, height = preview_size(logo)
    return {
        "logo": logo,
        "image_url": image_url,
        "upload_url": upload_url,
        "remove_url": remove_url,
        "preview_width": width,
        "preview_height": height,
        "accept": ACCEPTED,
        "rules": RULES,
        "error": error,
        "remove_error": remove_error,
        "logo_alt": logo_alt,
        "usage": usage,
        "read_only": read_only,
    }
