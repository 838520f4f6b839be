"""Pictures an editor uploads: checked to be what they say, and stored with nothing of the original file.

The upload is opened with Pillow, which reads JPEG, PNG and WebP here and refuses anything else (an SVG, a
script renamed .jpg, a truncated file); its size and its pixels are bounded before it is decoded (a
decompression bomb, a 40 MB file); then its pixels, turned upright as its EXIF orientation says, are
re-encoded as WebP in a few widths (settings.DIRETTA_PICTURE_WIDTHS, never wider than the original). The
original file, and with it every EXIF field (GPS included), is never stored. Files go through Django's
storage API: the filesystem by default, any S3-compatible store through django-storages (docs/DEPLOY.md).
"""

import io
import uuid
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from commentary.models import Picture
from matches.models import Match
from matches.text import strip_control

FORMATS = {"JPEG", "PNG", "WEBP"}
QUALITY = 82


def picture_upload(
    *, match: Match, upload, alt: str, caption: str = "", credit: str = "", user=None
) -> Picture:
    """A stored Picture of `match` (no entry yet: entry_publish attaches it), or ValidationError with a
    message per field ("picture", "alt") and nothing stored."""
    alt, caption, credit = (strip_control(value or "").strip() for value in (alt, caption, credit))
    if not alt:
        raise ValidationError({"alt": _("Descrivi la foto: il testo alternativo è per chi non la vede.")})
    image = _opened(upload)
    image = ImageOps.exif_transpose(image)
    image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
    widths = sorted({w for w in settings.DIRETTA_PICTURE_WIDTHS if w < image.width} | {_widest(image)})
    token = uuid.uuid4().hex
    stored = {}
    try:
        for width in widths:
            variant = image if width == image.width else _resized(image, width)
            buffer = io.BytesIO()
            variant.save(buffer, "WEBP", quality=QUALITY, method=4)  # no exif, no icc: nothing but pixels
            stored[str(width)] = default_storage.save(
                f"pictures/{token}/{width}.webp", ContentFile(buffer.getvalue())
            )
        largest = _resized(image, widths[-1]) if widths[-1] != image.width else image
        with transaction.atomic():
            return Picture.objects.create(
                match=match,
                alt=alt[:300],
                caption=caption[:300],
                credit=credit[:120],
                width=largest.width,
                height=largest.height,
                variants=stored,
                uploaded_by=user if getattr(user, "pk", None) else None,
            )
    except Exception:
        for name in stored.values():
            default_storage.delete(name)
        raise


def _widest(image: Image.Image) -> int:
    return min(image.width, max(settings.DIRETTA_PICTURE_WIDTHS))


def _resized(image: Image.Image, width: int) -> Image.Image:
    return image.resize((width, max(1, round(image.height * width / image.width))), Image.Resampling.LANCZOS)


def _opened(upload) -> Image.Image:
    """The upload as a decoded image, or ValidationError("picture") saying what is wrong with it in words."""
    limit = settings.DIRETTA_PICTURE_MAX_BYTES
    if upload is None or not getattr(upload, "size", 0):
        raise ValidationError({"picture": _("Scegli una foto.")})
    if upload.size > limit:
        raise ValidationError(
            {
                "picture": _("La foto pesa %(size)d MB: il massimo è %(max)d MB.")
                % {"size": round(upload.size / 2**20), "max": limit // 2**20}
            }
        )
    not_a_picture = ValidationError({"picture": _("Il file non è una foto JPEG, PNG o WebP.")})
    too_many = ValidationError(
        {
            "picture": _("La foto ha troppi pixel (al massimo %(max)d milioni).")
            % {"max": settings.DIRETTA_PICTURE_MAX_PIXELS // 1_000_000}
        }
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            upload.seek(0)
            image = Image.open(upload, formats=sorted(FORMATS))
            if image.width * image.height > settings.DIRETTA_PICTURE_MAX_PIXELS:
                raise too_many
            image.verify()  # the file's structure, without decoding it
            upload.seek(0)
            image = Image.open(upload, formats=sorted(FORMATS))
            image.load()  # every pixel: a truncated or corrupt file fails here
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise too_many from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise not_a_picture from None
    if image.format not in FORMATS:
        raise not_a_picture
    return image


def picture_discard(picture: Picture) -> None:
    """A picture that will not be published after all (its entry was refused): its files and its row."""
    for name in picture.variants.values():
        default_storage.delete(name)
    picture.delete()
