"""Attribution stage: credit, disclaimer and source lines move from the body into fields."""

from __future__ import annotations

import pytest

from tests import fixture_files
from wiredesk.model import Item
from wiredesk.pipeline.attribution import lift_attribution
from wiredesk.pipeline.context import StageContext
from wiredesk.pipeline.sanitize import sanitize_item

SEED = fixture_files.SEED
CTX = StageContext(source_name="IANS", default_section="news", site_language="hi")
STORY = "<p>पहला अनुच्छेद।</p><p>दूसरा अनुच्छेद।</p>"


def _lift(body: str) -> Item:
    return lift_attribution(sanitize_item(Item(guid="g", body_html=body), CTX), CTX)


def test_seed_credit_disclaimer_and_source_are_lifted() -> None:
    out = _lift(SEED.read_text(encoding="utf-8"))
    paragraphs = out.body_text.split("\n\n")
    assert len(paragraphs) == 5
    assert out.body_html.count("<p>") == 5
    assert paragraphs[-1].endswith("ध्यान नहीं देगा।")
    assert out.credit_line == "(साभार : चाइना मीडिया ग्रुप, पेइचिंग)"
    assert out.originator == "चाइना मीडिया ग्रुप, पेइचिंग"
    assert out.upstream_disclaimer is not None
    assert out.upstream_disclaimer.startswith("डिस्क्लेमरः यह आईएएनएस न्यूज फीड")
    assert out.upstream_source == "IANS"
    for gone in ("साभार", "डिस्क्लेमर", "Source"):
        assert gone not in out.body_html and gone not in out.body_text


def test_seed_lines_inside_one_block_separated_by_br() -> None:
    lines = SEED.read_text(encoding="utf-8").strip().splitlines()
    body = "<p>" + "<br>".join(lines) + "</p>"
    out = _lift(body)
    assert out.originator == "चाइना मीडिया ग्रुप, पेइचिंग"
    assert out.upstream_source == "IANS"
    assert out.upstream_disclaimer is not None
    assert out.body_text.count("\n") == 4  # five lines left, joined by single newlines
    assert out.body_html.endswith("ध्यान नहीं देगा।</p>")


@pytest.mark.parametrize(
    ("line", "originator"),
    [
        ("(साभार: दैनिक भास्कर)", "दैनिक भास्कर"),
        ("साभार - अमर उजाला", "अमर उजाला"),
        ("(सौजन्य: दूरदर्शन)", "दूरदर्शन"),
        ("(इनपुट: एजेंसी)", "एजेंसी"),
        ("(With inputs from PTI)", "PTI"),
        ("(Courtesy: Xinhua)", "Xinhua"),
        ("Courtesy: The Hindu", "The Hindu"),
        ("(Source: China Media Group)", "China Media Group"),
        ("(भाषा इनपुट के साथ)", "भाषा"),
    ],
)
def test_trailing_credit_forms(line: str, originator: str) -> None:
    out = _lift(f"{STORY}<p>{line}</p>")
    assert out.credit_line == line
    assert out.originator == originator
    assert out.body_text == "पहला अनुच्छेद।\n\nदूसरा अनुच्छेद।"


@pytest.mark.parametrize(
    "line",
    [
        "डिस्क्लेमर: यह खबर एजेंसी फीड से ली गई है।",
        "डिस्क्लेमर - यह खबर एजेंसी फीड से ली गई है।",
        "Disclaimer: This story is from a syndicated feed.",
        "अस्वीकरण: यह समाचार सीधे एजेंसी से प्रकाशित हुआ है।",
        "(This story has not been edited by Business Standard staff and is auto-generated "
        "from a syndicated feed.)",
        "(Only the headline of this report may have been reworked by Business Standard staff; "
        "the rest of the content is auto-generated from a syndicated feed.)",
    ],
)
def test_trailing_disclaimer_forms(line: str) -> None:
    out = _lift(f"{STORY}<p>{line}</p>")
    assert out.upstream_disclaimer == line
    assert out.body_text == "पहला अनुच्छेद।\n\nदूसरा अनुच्छेद।"


@pytest.mark.parametrize(
    ("line", "source"), [("Source: PTI", "PTI"), ("स्रोत : आईएएनएस", "आईएएनएस")]
)
def test_trailing_source_line(line: str, source: str) -> None:
    out = _lift(f"{STORY}<p>{line}</p>")
    assert out.upstream_source == source
    assert "अनुच्छेद" in out.body_text and line not in out.body_text


def test_trailing_lines_in_any_order() -> None:
    out = _lift(f"{STORY}<p>Source : IANS</p><p>Disclaimer: auto.</p><p>(साभार : सीएमजी)</p>")
    assert (out.upstream_source, out.originator) == ("IANS", "सीएमजी")
    assert out.upstream_disclaimer == "Disclaimer: auto."
    assert out.body_html == STORY


def test_english_agency_copy() -> None:
    body = (
        "<p>NEW DELHI, Feb 5 (IANS) — The government on Saturday announced new rules.</p>"
        "<p>The rules take effect in April, officials said.</p>"
        "<p>(With inputs from agencies)</p>"
        "<p>(This story has not been edited by NewsSite staff and is auto-generated from a "
        "syndicated feed.)</p>"
    )
    out = _lift(body)
    assert out.originator == "agencies"
    assert out.upstream_disclaimer is not None and "syndicated feed" in out.upstream_disclaimer
    assert out.body_text.endswith("officials said.")


def test_credit_at_the_start_of_the_body() -> None:
    out = _lift("<p>(साभार : चाइना मीडिया ग्रुप, पेइचिंग)</p>" + STORY)
    assert out.originator == "चाइना मीडिया ग्रुप, पेइचिंग"
    assert out.body_html == STORY


def test_body_without_attribution_is_untouched() -> None:
    body = "<p>The minister spoke.</p><p>Sources said the talks would resume.</p>"
    item = sanitize_item(Item(guid="g", body_html=body), CTX)
    out = lift_attribution(item, CTX)
    assert out == item
    assert out.credit_line is None and out.upstream_source is None


def test_sentence_mentioning_a_source_in_passing_stays() -> None:
    body = (
        "<p>Story.</p><p>Source: officials in the ministry, who asked not to be named, said the "
        "decision was final and would be announced next week.</p>"
    )
    out = _lift(body)
    assert out.upstream_source is None
    assert "officials in the ministry" in out.body_text


def test_attribution_in_the_middle_is_never_removed() -> None:
    body = "<p>Intro.</p><p>(साभार : एबीसी)</p><p>Source: PTI</p><p>The story goes on.</p>"
    out = _lift(body)
    assert out.credit_line is None and out.upstream_source is None
    assert out.body_text == "Intro.\n\n(साभार : एबीसी)\n\nSource: PTI\n\nThe story goes on."


def test_a_body_that_is_only_a_credit_keeps_it() -> None:
    out = _lift("<p>(साभार : एबीसी)</p>")
    assert out.body_text == "(साभार : एबीसी)"


def test_lines_separated_by_raw_newlines_inside_one_paragraph() -> None:
    out = _lift("<p>पहला अनुच्छेद।</p><p>आखिरी वाक्य।\n(साभार : सीएमजी)\nSource : IANS</p>")
    assert (out.originator, out.upstream_source) == ("सीएमजी", "IANS")
    assert out.body_text == "पहला अनुच्छेद।\n\nआखिरी वाक्य।"


def _signed(body: str) -> Item:
    ctx = StageContext(
        source_name="IANS", default_section="desh", site_language="hi", source_aliases=("आईएएनएस",)
    )
    return lift_attribution(Item(guid="g", headline="h", body_html=body, body_text=""), ctx)


def test_an_agency_sign_off_is_lifted_like_a_credit_line() -> None:
    """`--आईएएनएस`, `(भाषा)`, `-- IANS` end the copy; left in, the page would print the
    wire's name twice and a portal that drops it would read as different text."""
    own_line = _signed("<p>पहला पैरा।</p><p>दूसरा पैरा।</p><p>--आईएएनएस</p>")
    assert own_line.body_html == "<p>पहला पैरा।</p><p>दूसरा पैरा।</p>"
    assert own_line.originator == "आईएएनएस" and own_line.credit_line == "--आईएएनएस"
    at_the_end = _signed("<p>पहला पैरा।</p><p>दूसरा पैरा, उन्होंने कहा। (भाषा)</p>")
    assert at_the_end.body_html == "<p>पहला पैरा।</p><p>दूसरा पैरा, उन्होंने कहा।</p>"
    assert at_the_end.originator == "भाषा"
    assert "3-2" in _signed("<p>Intro.</p><p>The score was 3-2</p>").body_html
    caption = _signed("<p>A story.</p><p>Then (फाइल फोटो)</p>")
    assert "फाइल फोटो" in caption.body_html and caption.originator is None
