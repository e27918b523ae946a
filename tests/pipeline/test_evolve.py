"""evolve: the stages' copy-with-changes leaves the input alone and equals dataclasses.replace."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

from wiredesk.model import Item
from wiredesk.pipeline.evolve import evolve


def _item() -> Item:
    return Item(
        guid="g",
        headline="शीर्षक",
        body_html="<p>एक</p>",
        categories=["desh"],
        published_at=datetime(2026, 2, 5, tzinfo=UTC),
    )


def test_copy_has_the_changes_and_the_original_is_untouched() -> None:
    item = _item()
    out = evolve(item, slug="shirshak", section="desh")
    assert out == dataclasses.replace(item, slug="shirshak", section="desh")
    assert out is not item
    assert (item.slug, item.section) == (None, None)
    assert out.categories == ["desh"] and out.published_at == item.published_at


def test_unknown_field_is_refused() -> None:
    with pytest.raises(TypeError, match="no field 'sluggish'"):
        evolve(_item(), sluggish="x")
