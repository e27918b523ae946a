"""An agency's picture made into the sizes the site serves, once, with Pillow.

What comes in is not trusted: only JPEG, PNG, WebP and GIF are opened (for GIF, the first
frame), the canvas a file declares is checked against `[site] max_picture_pixels` before a
pixel is decoded (a few kilobytes can declare a canvas of billions: a decompression bomb),
and a truncated or broken file is refused. What goes out is upright (the EXIF orientation
applied) and carries no metadata: no EXIF (camera, GPS position, the photographer's serial
numbers), no XMP or IPTC block, no colour profile; the pixels are 8-bit RGB (a transparent
picture keeps its transparency in WebP and is laid on white in the JPEG).

Widths: `WIDTHS` that are narrower than the original, plus the original's own width when it
is narrower than the largest (a picture is never enlarged). Each width as WebP and as JPEG.
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from wiredesk.ingest.pictures import PictureRefused
from wiredesk.store.ledger.pictures import Made
from wiredesk.store.public.media import original_path, rendition_path

WIDTHS = (320, 640, 1024)
ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
JPEG_QUALITY = 80
WEBP_QUALITY = 75
# A transparent picture's background in the JPEG fallback (which has no transparency).
BACKGROUND = (255, 255, 255)


@dataclass(frozen=True, slots=True)
class Renditions:
    made: Made
    files: dict[tuple[int, str], bytes]  # (width, "webp" | "jpg") -> bytes


def widths_for(width: int) -> tuple[int, ...]:
    """The rendition widths of a picture `width` pixels wide, ascending, never wider than it."""
    out = [w for w in WIDTHS if w < width]
    if width <= WIDTHS[-1]:
        out.append(width)
    else:
        out.append(WIDTHS[-1])
    return tuple(dict.fromkeys(out))


def make(data: bytes, *, max_pixels: int) -> Renditions:
    """The renditions of a picture's bytes; `PictureRefused` when they are not a picture
    the site serves."""
    sha = hashlib.sha256(data).hexdigest()
    # Pillow's own guard, at the same limit: it refuses at open what is twice over it, and
    # the check below refuses what is over it at all.
    Image.MAX_IMAGE_PIXELS = max_pixels
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS)
        with image:
            kind = image.format or "?"
            width, height = image.size
            if width * height > max_pixels:
                raise PictureRefused(
                    f"the picture is {width}×{height} pixels, more than [site] "
                    f"max_picture_pixels ({max_pixels:,}); refused as a possible "
                    "decompression bomb"
                )
            if kind == "JPEG":
                # decode at a fraction of the size when the largest rendition allows it
                side = WIDTHS[-1]
                image.draft("RGB", (side, side))
            image.load()
            upright = ImageOps.exif_transpose(image)
            files = _renditions(upright)
            width, height = upright.size
    except PictureRefused:
        raise
    except Image.DecompressionBombError:
        raise PictureRefused(
            f"the picture declares more than twice [site] max_picture_pixels ({max_pixels:,}) "
            "pixels; refused as a decompression bomb"
        ) from None
    except UnidentifiedImageError:
        raise PictureRefused(
            "not a JPEG, PNG, WebP or GIF picture (the site serves no other kind)"
        ) from None
    except (OSError, ValueError, SyntaxError, EOFError) as e:
        reason = " ".join(str(e).split()) or type(e).__name__
        raise PictureRefused(f"the picture cannot be read: {reason}") from None
    if kind == "JPEG" and (width, height) != _oriented_size(data):
        # `draft` decoded at a reduced scale: the original's size is what was declared
        width, height = _oriented_size(data)
    widths = tuple(sorted({w for w, _ in files}))
    made = Made(
        sha256=sha,
        width=width,
        height=height,
        format=kind,
        size=len(data),
        widths=widths,
    )
    return Renditions(made, files)


def _oriented_size(data: bytes) -> tuple[int, int]:
    """The original's size, upright, read from its header (no decoding)."""
    with Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS) as image:
        width, height = image.size
        orientation = image.getexif().get(0x0112, 1)
    return (height, width) if orientation in (5, 6, 7, 8) else (width, height)


def _renditions(image: Image.Image) -> dict[tuple[int, str], bytes]:
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )
    rgba = image.convert("RGBA") if has_alpha else None
    rgb = image.convert("RGB") if rgba is None else _flattened(rgba)
    width, height = image.size
    out: dict[tuple[int, str], bytes] = {}
    for w in widths_for(width):
        h = max(1, round(height * w / width))
        sized = rgb if w == width else rgb.resize((w, h), Image.Resampling.LANCZOS)
        out[(w, "jpg")] = _encoded(
            sized, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True
        )
        webp_source = rgba if rgba is not None else sized
        if rgba is not None and w != width:
            webp_source = rgba.resize((w, h), Image.Resampling.LANCZOS)
        out[(w, "webp")] = _encoded(webp_source, "WEBP", quality=WEBP_QUALITY, method=4)
    return out


def _flattened(rgba: Image.Image) -> Image.Image:
    background = Image.new("RGB", rgba.size, BACKGROUND)
    background.paste(rgba, mask=rgba.getchannel("A"))
    return background


def _encoded(image: Image.Image, kind: str, **options: object) -> bytes:
    """The image in `kind`, with nothing but pixels: no EXIF, XMP, ICC or comment (Pillow
    writes metadata only when asked; the empty `exif` makes sure of it)."""
    buffer = io.BytesIO()
    image.save(buffer, kind, exif=b"", **options)
    return buffer.getvalue()


def save(root: Path, renditions: Renditions, original: bytes, *, replace: bool = False) -> None:
    """Write the original and each rendition under `root` (store/public/media.py names
    them), each file whole or not at all: a rendition is written to a temporary name in its
    folder and renamed, so a page never serves half a picture. Files already there (the same
    picture from another address) are left as they are, unless `replace` (re-making)."""
    made = renditions.made
    _write(original_path(root, made.sha256), original, replace=False)
    for (width, ext), data in renditions.files.items():
        _write(rendition_path(root, made.sha256, width, ext), data, replace=replace)


def _write(path: Path, data: bytes, *, replace: bool) -> None:
    if path.exists() and not replace:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".part-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
