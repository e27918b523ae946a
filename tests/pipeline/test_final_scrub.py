"""Final scrub: a body's `&#1;` decodes into a control character when the body is sanitized;
no text the pipeline hands on may hold one (the database and outbound XML refuse them)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from wiredesk.model import Item
from wiredesk.pipeline import StageContext, process
from wiredesk.pipeline.final_scrub import scrub_decoded_controls

CTX = StageContext("IANS", "news", "hi")


def _controls(text: str) -> list[str]:
    return [ch for ch in text if (ord(ch) < 32 and ch not in "\t\n\r") or ch in "\ufffe\uffff"]


def _text_fields(item: Item) -> list[str]:
    values = [getattr(item, name) for name in item.__slots__]
    return [v for v in values if isinstance(v, str)]


def test_a_body_with_a_control_character_reference_comes_out_without_the_character() -> None:
    parsed = Item(guid="g", headline="खबर", body_html="<p>पहला&#1; अनुच्छेद&#x2;।</p><p>दूसरा।</p>")
    out = process(parsed, CTX)
    assert out.body_html == "<p>पहला अनुच्छेद।</p><p>दूसरा।</p>"
    assert out.body_text == "पहला अनुच्छेद।\n\nदूसरा।"
    assert parsed.body_html == "<p>पहला&#1; अनुच्छेद&#x2;।</p><p>दूसरा।</p>"  # untouched


def test_a_credit_line_lifted_out_of_the_body_is_clean_too() -> None:
    body = "<p>कहानी का पहला अनुच्छेद।</p><p>दूसरा अनुच्छेद।</p><p>(साभार : चाइना&#2; मीडिया ग्रुप)</p>"
    out = process(Item(guid="g", headline="खबर", body_html=body), CTX)
    assert out.credit_line == "(साभार : चाइना मीडिया ग्रुप)"
    assert out.originator == "चाइना मीडिया ग्रुप"
    assert "साभार" not in out.body_text


def test_other_character_references_are_text_as_before() -> None:
    out = process(
        Item(guid="g", headline="x", body_html="<p>It&#8217;s &#2352;&#2366;&#2350;</p>"), CTX
    )
    assert out.body_text == "It\u2019s राम"


def test_an_item_with_nothing_to_clean_is_handed_on_as_it_is() -> None:
    item = process(Item(guid="g", headline="खबर", body_html="<p>पाठ &#8217;</p>"), CTX)
    assert scrub_decoded_controls(item, CTX) is item


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.integers(0, 0x2000).map(lambda n: f"&#{n};")
        | st.integers(0, 0x40).map(lambda n: f"&#x{n:x};")
        | st.sampled_from(["<p>", "</p>", "<br>", "पाठ ", "(साभार : ", ")", "Source : ", "\n"]),
        max_size=20,
    ).map("".join)
)
def test_no_control_character_survives_in_any_text_field(body: str) -> None:
    out = process(Item(guid="g", headline="शीर्षक", body_html=body), CTX)
    for text in _text_fields(out):
        assert not _controls(text), (body, text)
