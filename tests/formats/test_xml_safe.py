"""Helpers the XML agency formats (NITF, NewsML-G2) share."""

from __future__ import annotations

from datetime import UTC, datetime

from lxml import etree

from wiredesk.formats.xml_safe import element_datetime, is_image_type, sized_image
from wiredesk.model import ImageLink


def test_element_datetime_prefers_the_named_attribute_then_the_text() -> None:
    el = etree.fromstring('<date norm="2024-03-05T10:00:00Z">2024-03-06T11:00:00Z</date>')
    assert element_datetime(el, "norm") == datetime(2024, 3, 5, 10, 0, tzinfo=UTC)
    assert element_datetime(el) == datetime(2024, 3, 6, 11, 0, tzinfo=UTC)
    unreadable = etree.fromstring('<date norm="soon"> 2024-03-06 </date>')
    assert element_datetime(unreadable, "norm") == datetime(2024, 3, 6, tzinfo=UTC)
    assert element_datetime(None) is None


def test_sized_image_reads_width_and_height_from_the_element() -> None:
    el = etree.fromstring('<ref width=" 640 " height="x"/>')
    assert sized_image(el, "https://e.x/a.jpg", "A", "image/jpeg") == ImageLink(
        href="https://e.x/a.jpg", caption="A", width=640, height=None, mime="image/jpeg"
    )


def test_image_types_are_recognised_in_any_case() -> None:
    assert is_image_type("IMAGE/PNG")
    assert not is_image_type("text/html")
    assert not is_image_type(None)
    assert not is_image_type("")
