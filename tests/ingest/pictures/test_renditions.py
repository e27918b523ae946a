"""An agency's picture made into the site's sizes: real bytes made with Pillow, opened again
with Pillow to see what a browser would get."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from tests.ingest.pictures.picture_support import declared_png, photo
from wiredesk.ingest.pictures import PictureRefused
from wiredesk.ingest.pictures.renditions import make, save, widths_for
from wiredesk.store.public.media import original_path, rendition_path

LIMIT = 50_000_000


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def test_three_widths_as_webp_and_jpeg_each_of_its_real_size() -> None:
    data = photo(2000, 1250)
    made = make(data, max_pixels=LIMIT)
    assert made.made.widths == (320, 640, 1024)
    assert (made.made.width, made.made.height) == (2000, 1250)
    assert made.made.format == "JPEG" and made.made.size == len(data)
    for width in (320, 640, 1024):
        webp = opened(made.files[(width, "webp")])
        jpeg = opened(made.files[(width, "jpg")])
        assert webp.format == "WEBP" and jpeg.format == "JPEG"
        assert webp.size == jpeg.size == (width, round(1250 * width / 2000))
    assert len(made.files) == 6


def test_a_small_picture_is_never_enlarged() -> None:
    made = make(photo(500, 300, kind="PNG"), max_pixels=LIMIT)
    assert made.made.widths == (320, 500)
    assert opened(made.files[(500, "jpg")]).size == (500, 300)
    assert widths_for(200) == (200,) and widths_for(1024) == (320, 640, 1024)


def test_exif_orientation_is_applied_and_every_bit_of_metadata_is_gone() -> None:
    data = photo(1200, 800, orientation=6)  # "rotate 90° clockwise to view"
    assert opened(data).getexif().get(0x010F) == "Camera Maker"
    made = make(data, max_pixels=LIMIT)
    assert (made.made.width, made.made.height) == (800, 1200)  # upright: portrait
    for (width, _), body in made.files.items():
        image = opened(body)
        assert image.size == (width, round(1200 * width / 800))
        assert len(image.getexif()) == 0
        assert not {"exif", "icc_profile", "xmp", "comment"} & set(image.info)
        assert b"Camera Maker" not in body


def test_a_transparent_png_stays_transparent_in_webp_and_is_laid_on_white_in_jpeg() -> None:
    image = Image.new("RGBA", (400, 200), (0, 0, 0, 0))
    image.paste((200, 30, 30, 255), (0, 0, 200, 200))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    made = make(buffer.getvalue(), max_pixels=LIMIT)
    webp = opened(made.files[(400, "webp")])
    jpeg = opened(made.files[(400, "jpg")])
    assert webp.mode == "RGBA" and webp.getpixel((300, 100))[3] == 0
    assert all(channel > 245 for channel in jpeg.convert("RGB").getpixel((300, 100)))
    assert jpeg.convert("RGB").getpixel((100, 100))[0] > 150  # the red half stays red


def test_an_animated_gif_gives_its_first_frame() -> None:
    frames = [Image.new("RGB", (400, 300), colour) for colour in ((0, 0, 255), (255, 0, 0))]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=100)
    made = make(buffer.getvalue(), max_pixels=LIMIT)
    red, _, blue = opened(made.files[(400, "jpg")]).convert("RGB").getpixel((200, 150))
    assert blue > 200 and red < 50  # the first frame is blue


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (photo(300, 200, kind="TIFF"), "not a JPEG, PNG, WebP or GIF"),
        (photo(300, 200, kind="BMP"), "not a JPEG, PNG, WebP or GIF"),
        (b"<html>not found</html>", "not a JPEG, PNG, WebP or GIF"),
        (photo(1200, 800)[:2000], "cannot be read"),
    ],
)
def test_what_is_not_a_picture_the_site_serves_is_refused_in_one_line(
    data: bytes, words: str
) -> None:
    with pytest.raises(PictureRefused) as refused:
        make(data, max_pixels=LIMIT)
    assert words in str(refused.value) and "\n" not in str(refused.value)


def test_a_canvas_over_the_pixel_limit_is_refused_before_it_is_decoded() -> None:
    declared = declared_png(100_000, 100_000)  # 10 billion pixels in 70 bytes
    assert len(declared) < 100
    with pytest.raises(PictureRefused, match="decompression bomb"):
        make(declared, max_pixels=LIMIT)
    # a real one: 60 million pixels of one colour compress to a few kilobytes
    bomb = io.BytesIO()
    Image.new("1", (10_000, 6_000)).save(bomb, "PNG", optimize=True)
    assert len(bomb.getvalue()) < 100_000
    with pytest.raises(PictureRefused, match=r"10000×6000 pixels, more than \[site\]"):
        make(bomb.getvalue(), max_pixels=LIMIT)


def test_renditions_and_the_original_are_saved_under_their_content_address(
    tmp_path: Path,
) -> None:
    data = photo(700, 400)
    made = make(data, max_pixels=LIMIT)
    save(tmp_path, made, data)
    sha = made.made.sha256
    assert original_path(tmp_path, sha).read_bytes() == data
    for width in (320, 640, 700):
        for ext in ("webp", "jpg"):
            path = rendition_path(tmp_path, sha, width, ext)
            assert path.parent.name == sha[:2]
            assert path.read_bytes() == made.files[(width, ext)]
    assert not [p for p in tmp_path.rglob(".part-*")]  # nothing half-written left behind


def test_a_large_jpeg_is_decoded_at_a_fraction_and_keeps_its_true_size() -> None:
    made = make(photo(4096, 3072), max_pixels=LIMIT)
    assert (made.made.width, made.made.height) == (4096, 3072)
    assert opened(made.files[(1024, "jpg")]).size == (1024, 768)
