"""The provenance chain the article page and the feeds show."""

from __future__ import annotations

from datetime import UTC, datetime

from wiredesk.channels.copy_extras import provenance_chain, provenance_steps
from wiredesk.store.public.views import Copy


def _copy(originator: str) -> Copy:
    when = datetime(2026, 2, 5, tzinfo=UTC)
    return Copy(
        item_id=1, short_id="abcdefgh", source_id="ians", guid="g", slug="s", section="desh",
        state="published", language="hi", version_count=1, published_at=when, updated_at=None,
        version=1, headline="h", summary="", body_html="<p>x</p>", body_text="x", byline=None,
        link=None, categories=[], credit_line=f"--{originator}", originator=originator,
        upstream_disclaimer=None, upstream_source=None, dateline_place=None, dateline_date=None,
    )  # fmt: skip


def test_a_sign_off_in_the_source_s_own_other_name_is_one_step_not_two() -> None:
    """IANS signs its Hindi copy "आईएएनएस": with that alias configured the chain says IANS
    once, instead of "आईएएनएस → IANS" as if a second agency had handled it."""
    copy = _copy("आईएएनएस")
    assert provenance_chain(copy, "IANS", "Site") == ["आईएएनएस", "IANS", "Site"]
    steps = provenance_steps(copy, "IANS", "Site", ["आईएएनएस"])
    assert [(s.role, s.name) for s in steps] == [("originator", "IANS"), ("site", "Site")]
    other = provenance_steps(_copy("भाषा"), "IANS", "Site", ["आईएएनएस"])
    assert [s.name for s in other] == ["भाषा", "IANS", "Site"]
