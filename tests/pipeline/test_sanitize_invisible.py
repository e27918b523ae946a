"""The sanitize stage cleans invisible characters out of the short fields (issue 13, item 3):
a headline cannot reorder the page title or the site name after it, zero-width spaces and
BOMs leave headlines, ZWJ/ZWNJ stay, and a tag written as text stays text."""

from __future__ import annotations

from wiredesk.model import Item
from wiredesk.pipeline.context import StageContext
from wiredesk.pipeline.sanitize import sanitize_item

CTX = StageContext(source_name="IANS", default_section="news", site_language="hi")
RLO, PDF, LRI, PDI = "\u202e", "\u202c", "\u2066", "\u2069"


def _sanitized(**fields: object) -> Item:
    return sanitize_item(Item(guid="g", **fields), CTX)  # type: ignore[arg-type]


def test_bidi_controls_leave_headline_byline_subheadline_summary_and_categories() -> None:
    out = _sanitized(
        headline=f"खबर {RLO}उलटी",
        byline=f"{LRI}संवाददाता",
        subheadline=f"उप {RLO}",
        summary=f"सार {RLO}एक{PDF}",
        categories=[f"खेल{PDI}"],
    )
    assert (out.headline, out.byline, out.subheadline) == ("खबर उलटी", "संवाददाता", "उप")
    assert (out.summary, out.categories) == ("सार एक", ["खेल"])


def test_zero_width_spaces_and_boms_leave_headlines_and_spacing_is_even() -> None:
    out = _sanitized(headline="\ufeffक्\u200dष \u200b\ufeff और क्\u200cष", byline="नाम\u200b")
    assert out.headline == "क्\u200dष और क्\u200cष"
    assert out.byline == "नाम"


def test_a_summary_keeps_zero_width_spaces_but_loses_boms() -> None:
    assert _sanitized(summary="a\u200bb\ufeff c").summary == "a\u200bb c"


def test_a_tag_written_as_text_stays_in_the_headline() -> None:
    headline = "<img src=x onerror=alert(1)> पुलिस ने कहा"
    assert _sanitized(headline=headline).headline == headline
