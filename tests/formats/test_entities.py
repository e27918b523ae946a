"""The edges of `formats.entities`: what is expanded, where, and what is left alone."""

from __future__ import annotations

import pytest

from wiredesk.errors import FormatError
from wiredesk.formats import parse_payload
from wiredesk.formats.entities import expand_internal_entities


def rss(dtd: str, title: str, guid: str = "<guid>g1</guid>") -> str:
    doctype = f"<!DOCTYPE rss [{dtd}]>" if dtd else ""
    return (
        f'<?xml version="1.0"?>{doctype}<rss version="2.0"><channel><title>t</title>'
        f"<item>{guid}<title>{title}</title><description>d</description></item></channel></rss>"
    )


def test_a_document_without_entity_declarations_is_returned_as_it_is() -> None:
    """The fast path: no copy, no scan of the body."""
    for payload in (rss("", "a &amp; b").encode(), rss("<!ELEMENT x ANY>", "a").encode()):
        assert expand_internal_entities(payload) is payload


def test_the_declarations_go_and_the_references_are_expanded_once() -> None:
    out = expand_internal_entities(rss('<!ENTITY ap "AP">', "&ap; &ap;").encode())
    assert b"<!ENTITY" not in out and b"<title>AP AP</title>" in out


def test_references_in_cdata_and_comments_stay_text_as_xml_reads_them() -> None:
    out = expand_internal_entities(
        rss('<!ENTITY ap "AP">', "<![CDATA[&ap;]]><!-- &ap; --> &ap;").encode()
    )
    assert b"<![CDATA[&ap;]]><!-- &ap; --> AP</title>" in out


def test_quotes_in_an_entity_cannot_end_an_attribute() -> None:
    payload = rss(
        """<!ENTITY q 'say "hi" &amp; AT&#38;T'>""",
        "&q;",
        guid='<guid isPermaLink="false">&q;</guid>',
    )
    [item] = parse_payload(payload.encode()).items
    assert item.headline == 'say "hi" & AT&T'
    assert item.guid == 'say "hi" & AT&T'


def test_utf16_documents_follow_the_same_rule() -> None:
    text = rss('<!ENTITY ap "एपी">', "&ap; खबर").replace("?>", ' encoding="utf-16"?>', 1)
    [item] = parse_payload(text.encode("utf-16")).items
    assert item.headline == "एपी खबर"
    lol = rss('<!ENTITY a "x"><!ENTITY b "&a;&a;">', "&b;").replace("?>", ' encoding="utf-16"?>')
    with pytest.raises(FormatError, match="billion laughs"):
        parse_payload(lol.encode("utf-16"))


def test_an_external_parameter_entity_is_dropped_unfetched() -> None:
    """How feeds pull in the XHTML entity sets: the HTML names are read from wiredesk's table."""
    dtd = (
        '<!ENTITY % HTMLlat1 PUBLIC "-//W3C//ENTITIES Latin 1 for XHTML//EN" '
        '"http://www.w3.org/TR/xhtml1/DTD/xhtml-lat1.ent"> %HTMLlat1;'
    )
    [item] = parse_payload(rss(dtd, "caf&eacute;").encode()).items
    assert item.headline == "café"


@pytest.mark.parametrize(
    ("dtd", "title", "words"),
    [
        ("<!ENTITY % d \"<!ENTITY x 'y'>\"> %d;", "&x;", "parameter entity %d;"),
        ('<!ENTITY a "x%b;y">', "&a;", "in terms of other entities (%b;)"),
        ('<!ENTITY a "x & y">', "&a;", "stray &"),
        ('<!ENTITY a "x"', "&a;", "DTD cannot be read"),
    ],
    ids=["internal-parameter-entity", "parameter-reference", "stray-ampersand", "unfinished"],
)
def test_what_cannot_be_read_or_expanded_is_refused_in_one_line(
    dtd: str, title: str, words: str
) -> None:
    with pytest.raises(FormatError) as refused:
        parse_payload(rss(dtd, title).encode())
    assert words in str(refused.value) and "\n" not in str(refused.value)
