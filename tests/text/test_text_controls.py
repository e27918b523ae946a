"""Characters no later step can store: removed from text, in place for a freshly parsed item
and as a copy for a processed one."""

from __future__ import annotations

from wiredesk.model import Hop, Item, Subject
from wiredesk.text.controls import clean_text, may_decode_to_controls, scrub_item, scrubbed


def test_controls_go_lone_surrogates_become_replacement_characters_tab_and_newline_stay() -> None:
    assert clean_text("शीर्षक\x00 एक\x07\tदो\nतीन \ud800") == "शीर्षक एक\tदो\nतीन \ufffd"
    text = "साफ़ पाठ"
    assert clean_text(text) is text


def test_only_a_numeric_character_reference_can_decode_to_a_control() -> None:
    assert may_decode_to_controls("<p>पाठ&#1;</p>")
    assert not may_decode_to_controls("<p>पाठ &amp; &nbsp;</p>")


def _dirty() -> Item:
    return Item(
        guid="g",
        headline="जेसन\x00 शीर्षक",
        categories=["खेल\x01"],
        subjects=[Subject("15000000", name="खेल\x02")],
        provenance=[Hop("originator", "IANS")],
    )


def test_scrub_item_cleans_a_freshly_parsed_item_in_place() -> None:
    item = _dirty()
    scrub_item(item)
    assert (item.headline, item.categories, item.subjects[0].name) == ("जेसन शीर्षक", ["खेल"], "खेल")


def test_scrubbed_cleans_a_copy_and_leaves_the_original_and_clean_parts_alone() -> None:
    item = _dirty()
    out = scrubbed(item)
    assert (out.headline, out.categories, out.subjects[0].name) == ("जेसन शीर्षक", ["खेल"], "खेल")
    assert (item.headline, item.categories, item.subjects[0].name) == (
        "जेसन\x00 शीर्षक",
        ["खेल\x01"],
        "खेल\x02",
    )
    assert out.provenance is item.provenance  # nothing to clean there: not copied
    clean = Item(guid="g", headline="शीर्षक", categories=["खेल"])
    assert scrubbed(clean) is clean
