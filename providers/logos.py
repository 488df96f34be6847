"""Provider logos: an upload is checked, decoded and re-encoded before anything is stored.

What is stored and served is always a fresh PNG drawn from the decoded pixels, never the bytes
that were uploaded: no metadata, no trailing data, no second file hiding in the first. SVG is
refused because it is a document that can carry scripts, not a raster image.
"""

from __future__ import annotations

import hashlib
import io
import re
import warnings
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
# Larger images are refused before decoding, so a small file cannot unpack into gigabytes.
MAX_PIXELS = 25_000_000
MIN_SIDE = 32
STORED_BOX = (480, 480)
ACCEPTED_FORMATS = {"PNG", "JPEG", "WEBP", "GIF"}
# Markup or code inside an image file (in its metadata or appended) is what polyglot attacks use;
# no real logo contains it. The markers are long enough that compressed pixel data practically
# never contains one by chance.
EMBEDDED_CODE = re.compile(
    rb"<script|<html|<iframe|<object|<embed|<\?php|javascript:|onerror\s*=|onload\s*=", re.I
)


@dataclass(frozen=True)
class Logo:
    data: bytes
    content_type: str
    digest: str


def process_logo(upload: UploadedFile) -> Logo:
    """Check an uploaded logo and return it re-encoded as PNG; ValidationError says why not."""
    if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("The logo is too large (%(size)s MB); at most 2 MB are accepted.")
            % {"size": f"{upload.size / 1024 / 1024:.1f}"},
            code="too_large",
        )
    raw = upload.read(MAX_UPLOAD_BYTES + 1)
    if len(raw) > MAX_UPLOAD_BYTES:
        raise ValidationError(_("The logo is too large; at most 2 MB are accepted."), "too_large")
    head = raw[:1024].lstrip().lower()
    if (upload.name or "").lower().endswith((".svg", ".svgz")) or head.startswith(
        (b"<svg", b"<?xml", b"<!doctype svg")
    ):
        raise ValidationError(
            _("SVG files are not accepted. Please upload the logo as PNG, JPEG or WebP."),
            code="svg",
        )
    if EMBEDDED_CODE.search(raw):
        raise ValidationError(
            _(
                "This file contains embedded code or markup, which a logo never needs. "
                "Please export the logo again as a plain PNG, JPEG or WebP image."
            ),
            code="embedded_code",
        )
    image = _decode(raw)
    return _reencode(image)


def _decode(raw: bytes) -> Image.Image:
    not_an_image = ValidationError(
        _("This file is not an image we can read. Please upload a PNG, JPEG or WebP file."),
        code="not_an_image",
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(raw))
            if image.format not in ACCEPTED_FORMATS:
                raise not_an_image
            if image.width * image.height > MAX_PIXELS:
                raise ValidationError(
                    _("The logo has too many pixels; at most 5000 × 5000 are accepted."),  # noqa: RUF001 (a real multiplication sign)
                    code="too_many_pixels",
                )
            image.load()
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Warning) as exc:
        raise not_an_image from exc
    if min(image.size) < MIN_SIDE:
        raise ValidationError(
            _("The logo is too small; it needs at least %(side)d pixels on each side.")
            % {"side": MIN_SIDE},
            code="too_small",
        )
    return image


def _reencode(image: Image.Image) -> Logo:
    if image.mode not in ("RGB", "RGBA"):
        image = image.convert(
            "RGBA" if "transparency" in image.info or "A" in image.mode else "RGB"
        )
    image.thumbnail(STORED_BOX, Image.Resampling.LANCZOS)
    # A new image from the pixels alone: nothing of the upload's metadata comes along.
    clean = Image.frombytes(image.mode, image.size, image.tobytes())
    out = io.BytesIO()
    clean.save(out, format="PNG", optimize=True)
    data = out.getvalue()
    return Logo(data, "image/png", hashlib.sha256(data).hexdigest()[:16])
