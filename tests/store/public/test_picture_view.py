"""`Copy.picture`: the copy's lead picture as the pages show it, from what the fetcher
recorded (`pictures`) and what the current version names (`images`)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from wiredesk.store.public.views import Copy

SHA = "c0" * 32
T = datetime(2026, 2, 5, tzinfo=UTC)


def copy_with(images: list[dict[str, Any]], pictures: list[dict[str, Any]]) -> Copy:
    return Copy(
        item_id=1, short_id="abcd2345", source_id="wire", guid="g", slug="s", section="desh",
        state="published", language="hi", version_count=1, published_at=T, updated_at=None,
        version=1, headline="h", summary="", body_html="<p>b</p>", body_text="b", byline=None,
        link=None, categories=[], credit_line=None, originator=None, upstream_disclaimer=None,
        upstream_source=None, dateline_place=None, dateline_date=None, images=images,
        pictures=pictures,
    )  # fmt: skip


def hosted(href: str) -> dict[str, Any]:
    return {"href": href, "sha256": SHA, "width": 2000, "height": 1000, "widths": [320, 640, 1024]}


def test_the_lead_is_the_first_named_picture_that_is_hosted_with_its_caption_and_credit() -> None:
    copy = copy_with(
        [
            {"href": "https://img.example/a.jpg", "caption": "पहली"},
            {"href": "https://img.example/b.jpg", "caption": "दूसरी", "credit": "फोटो : वायर"},
        ],
        [hosted("https://img.example/b.jpg")],
    )
    picture = copy.picture
    assert picture is not None
    assert (picture.caption, picture.credit, picture.alt) == ("दूसरी", "फोटो : वायर", "दूसरी")
    assert picture.srcset("webp") == (
        f"/media/{SHA}-320.webp 320w, /media/{SHA}-640.webp 640w, /media/{SHA}-1024.webp 1024w"
    )
    assert picture.src == f"/media/{SHA}-640.jpg"
    assert (picture.display_width, picture.display_height) == (1024, 512)
    assert picture.largest == f"/media/{SHA}-1024.jpg"


def test_no_lead_until_a_named_picture_is_hosted_and_none_from_an_older_version() -> None:
    assert copy_with([{"href": "https://img.example/a.jpg"}], []).picture is None
    # hosted for an earlier version, but the current one names another: none until it comes
    updated = copy_with(
        [{"href": "https://img.example/new.jpg"}], [hosted("https://img.example/old.jpg")]
    )
    assert updated.picture is None
    # a picture only inside the body is no lead, but the body finds it
    body_only = copy_with([], [hosted("pictures/in-body.jpg")])
    assert body_only.picture is None
    found = body_only.hosted("pictures/in-body.jpg")
    assert found is not None and found.caption is None and found.alt == ""
