"""G-1: logo uploads are checked as hostile input, by content, and re-encoded without metadata."""

from __future__ import annotations

import hashlib
import io
import tracemalloc
from typing import Any

import pytest
from PIL import Image

from partnerdesk.core.errors import ValidationFailed
from partnerdesk.core.images import MAX_BYTES, logo_response, preview_size, validate_logo
from partnerdesk.partners.models import PartnerLogo
from tests.core import logo_files as files


def refusal(data: bytes, filename: str = "logo.png") -> ValidationFailed:
    with pytest.raises(ValidationFailed) as caught:
        validate_logo(data, filename=filename)
    assert caught.value.fields["file"] == caught.value.message
    return caught.value


def test_empty_file_is_refused() -> None:
    error = refusal(b"")
    assert error.code == "logo.empty"
    assert "empty" in error.message


def test_file_over_1_mb_is_refused_before_it_is_decoded(monkeypatch: Any) -> None:
    data = files.noisy_png(1300, 1300)
    assert len(data) > 4.8 * MAX_BYTES  # about 5 MB

    def no_decoding(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("decoded a file over the size limit")

    monkeypatch.setattr(Image, "open", no_decoding)
    error = refusal(data)
    assert error.code == "logo.fileTooLarge"
    assert "1 MB" in error.message


def test_pdf_named_png_is_refused_as_a_pdf() -> None:
    error = refusal(files.PDF, "logo.png")
    assert error.code == "logo.wrongType"
    assert error.message.startswith("“logo.png” is a PDF document, not an image")


def test_text_named_png_is_refused_as_text() -> None:
    error = refusal(files.TEXT, "logo.png")
    assert error.code == "logo.wrongType"
    assert "is a text file, not an image" in error.message


def test_svg_with_script_is_refused_as_svg() -> None:
    error = refusal(files.SVG_WITH_SCRIPT, "logo.png")
    assert error.code == "logo.svg"
    assert error.message.startswith("SVG images are not accepted")


def test_gif_is_refused_as_gif() -> None:
    error = refusal(files.gif(), "logo.png")
    assert error.code == "logo.wrongType"
    assert error.message.startswith("GIF images are not accepted")


def test_unknown_binary_is_refused_whatever_its_name() -> None:
    error = refusal(b"\x01\x02\x03\x04\xfe\xff" * 10, "logo.jpg")
    assert error.code == "logo.wrongType"
    assert "not a PNG or JPEG image, whatever its name says" in error.message


def test_png_declaring_60000_pixels_square_is_refused_without_allocating() -> None:
    data = files.png_declaring(60000, 60000)
    assert len(data) < 100
    tracemalloc.start()
    try:
        error = refusal(data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert error.code == "logo.tooManyPixels"
    assert "60000 x 60000" in error.message
    assert peak < 5_000_000  # the pixels alone would be 10 GB


def test_jpeg_declaring_60000_pixels_square_is_refused_without_decoding(monkeypatch: Any) -> None:
    def no_decoding(self: Image.Image) -> None:
        raise AssertionError("decoded pixels of an oversized image")

    data = files.jpeg_declaring(60000, 60000)
    monkeypatch.setattr(Image.Image, "load", no_decoding)
    error = refusal(data, "logo.jpg")
    assert error.code == "logo.tooManyPixels"


def test_truncated_jpeg_is_refused_as_damaged() -> None:
    error = refusal(files.truncated_jpeg(), "logo.jpg")
    assert error.code == "logo.damaged"
    assert error.message == "The image is truncated or damaged."


def test_png_with_a_bad_checksum_is_refused_as_damaged() -> None:
    data = bytearray(files.png(30, 30, mode="RGB"))
    idat = data.index(b"IDAT")
    data[idat + 6] ^= 0xFF  # inside the compressed pixels; the CRC no longer matches
    assert refusal(bytes(data)).code == "logo.damaged"


def test_exactly_2000_pixels_square_is_accepted() -> None:
    checked = validate_logo(files.png(2000, 2000, mode="RGB"), filename="logo.png")
    assert (checked.width, checked.height) == (2000, 2000)


@pytest.mark.parametrize("size", [(2001, 10), (10, 2001)])
def test_2001_pixels_on_either_side_is_refused(size: tuple[int, int]) -> None:
    error = refusal(files.png(*size, mode="RGB"))
    assert error.code == "logo.tooManyPixels"
    assert f"{size[0]} x {size[1]}" in error.message


def test_jpeg_2001_pixels_wide_is_refused() -> None:
    assert refusal(files.jpeg(2001, 10), "logo.jpg").code == "logo.tooManyPixels"


def test_png_is_reencoded_with_its_text_chunk_gone_and_alpha_kept() -> None:
    img = Image.new("RGBA", (20, 10), (0, 128, 0, 255))
    img.putpixel((0, 0), (0, 0, 0, 0))
    out = io.BytesIO()
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Comment", "secret-location 51.5N")
    img.save(out, format="PNG", pnginfo=info)
    original = out.getvalue()
    assert b"tEXt" in original and b"secret-location" in original

    checked = validate_logo(original, filename="whatever.jpg")

    assert checked.content_type == "image/png"
    assert b"tEXt" not in checked.data and b"secret-location" not in checked.data
    assert checked.sha256 == hashlib.sha256(checked.data).hexdigest()
    stored = Image.open(io.BytesIO(checked.data))
    assert stored.mode == "RGBA"
    assert stored.getpixel((0, 0))[3] == 0
    assert stored.getpixel((5, 5)) == (0, 128, 0, 255)
    assert (checked.width, checked.height) == (20, 10)


def test_jpeg_is_reencoded_with_exif_gone_and_orientation_applied() -> None:
    original = files.jpeg(40, 20, description="secret-camera-serial", orientation=6)
    assert b"Exif" in original and b"secret-camera-serial" in original

    checked = validate_logo(original, filename="logo.png")

    assert checked.content_type == "image/jpeg"
    assert b"Exif" not in checked.data and b"secret-camera-serial" not in checked.data
    stored = Image.open(io.BytesIO(checked.data))
    assert stored.format == "JPEG"
    assert not stored.getexif()
    assert "icc_profile" not in stored.info
    # Orientation 6 means "rotate 90°": the stored pixels are upright, so the sides swap.
    assert stored.size == (20, 40) == (checked.width, checked.height)


def test_jpeg_icc_profile_is_stripped() -> None:
    from PIL import ImageCms

    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, format="JPEG", icc_profile=profile)
    checked = validate_logo(out.getvalue())
    assert "icc_profile" not in Image.open(io.BytesIO(checked.data)).info


def test_palette_png_with_transparency_keeps_it() -> None:
    img = Image.new("P", (4, 4), 1)
    img.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    img.info["transparency"] = 0
    img.putpixel((0, 0), 0)
    out = io.BytesIO()
    img.save(out, format="PNG", transparency=0)
    stored = Image.open(io.BytesIO(validate_logo(out.getvalue()).data))
    assert stored.mode == "RGBA"
    assert stored.getpixel((0, 0))[3] == 0 and stored.getpixel((1, 1)) == (255, 0, 0, 255)


def test_every_refusal_has_its_own_message() -> None:
    hostile = [
        b"",
        files.PDF,
        files.TEXT,
        files.SVG_WITH_SCRIPT,
        files.gif(),
        files.png_declaring(60000, 60000),
        files.truncated_jpeg(),
    ]
    messages = [refusal(data).message for data in hostile]
    assert len(set(messages)) == len(messages)


def test_logo_response_serves_the_stored_type_with_etag_and_nosniff() -> None:
    checked = validate_logo(files.png())
    logo = PartnerLogo(
        image=checked.data,
        content_type=checked.content_type,
        width=checked.width,
        height=checked.height,
        sha256=checked.sha256,
    )
    response = logo_response(logo)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["ETag"] == f'"{checked.sha256}"'
    assert response["Cache-Control"].startswith("private")
    assert response.content == checked.data
    assert logo_response(None).status_code == 404
    assert preview_size(logo, box=20) == (20, 10)


def test_shared_logo_form_partial_shows_forms_only_when_not_read_only() -> None:
    from django.template.loader import render_to_string

    from partnerdesk.core.images import logo_form_context

    urls = {"image_url": "/i/", "upload_url": "/u/", "remove_url": "/r/", "logo_alt": "Logo"}
    editable = render_to_string("partials/logo_form.html", logo_form_context(None, **urls))
    assert 'action="/u/"' in editable and '<label for="logo-file">' in editable
    assert 'accept="image/png,image/jpeg"' in editable and "<script" not in editable
    shown = render_to_string(
        "partials/logo_form.html", logo_form_context(None, read_only=True, **urls)
    )
    assert "<form" not in shown and "No logo yet." in shown


def test_truncated_files_are_refused_even_when_pillow_is_set_to_tolerate_them() -> None:
    # WeasyPrint switches Pillow's process-wide tolerance on when it is imported.
    from PIL import ImageFile

    ImageFile.LOAD_TRUNCATED_IMAGES = True
    try:
        with pytest.raises(ValidationFailed, match="truncated or damaged"):
            validate_logo(files.truncated_jpeg(), filename="logo.jpg")
        assert ImageFile.LOAD_TRUNCATED_IMAGES is True
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = False
