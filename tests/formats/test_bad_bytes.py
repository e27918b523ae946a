"""One bad byte stays local (issue 13, item 1): a byte that is not UTF-8, or a control character
XML does not allow, is replaced by U+FFFD where it is, every other item reads exactly as if it
were not there, and the entry that held it is named in a problem line. And a latin-1 label on
a UTF-8 document does not turn Hindi into mojibake, while windows-1252 text under that label
still reads as windows-1252."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest

from wiredesk.formats import parse_payload
from wiredesk.formats.encoding import as_browsers_decode, repair_bad_bytes
from wiredesk.model import Item

BODY = "&lt;p&gt;पहला पैरा {n}.&lt;/p&gt;&lt;p&gt;दूसरा पैरा.&lt;/p&gt;"


def rss(title_1: bytes = "शीर्षक 1".encode(), channel: bytes = b"d", enc: bytes = b"utf-8") -> bytes:
    items = b"".join(
        b"<item><guid>g%d</guid><title>%s</title><description>%s</description></item>"
        % (n, title_1 if n == 1 else f"शीर्षक {n}".encode(), BODY.format(n=n).encode())
        for n in (1, 2, 3)
    )
    return (
        b'<?xml version="1.0" encoding="' + enc + b'"?><rss version="2.0"><channel>'
        b"<title>T</title><description>" + channel + b"</description>" + items + b"</channel></rss>"
    )


def atom(title_1: bytes) -> bytes:
    entries = b"".join(
        b"<entry><id>urn:e:%d</id><title>%s</title><updated>2026-01-01T00:00:00Z</updated>"
        b'<content type="html">%s</content></entry>'
        % (n, title_1 if n == 1 else f"शीर्षक {n}".encode(), BODY.format(n=n).encode())
        for n in (1, 2, 3)
    )
    return (
        b'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        b"<title>T</title><id>urn:t</id><updated>2026-01-01T00:00:00Z</updated>"
        + entries
        + b"</feed>"
    )


def fields_but_headline(item: Item) -> dict[str, object]:
    return {k: v for k, v in dataclasses.asdict(item).items() if k != "headline"}


@pytest.mark.parametrize("byte", [b"\xff", b"\x00", b"\x01", b"\xe0\xa4"], ids=repr)
@pytest.mark.parametrize("make", [rss, atom], ids=["rss", "atom"])
def test_a_bad_byte_in_one_title_is_replaced_there_and_named(
    make: Callable[[bytes], bytes], byte: bytes
) -> None:
    clean = parse_payload(make("शीर्षक 1".encode()))
    hurt = parse_payload(make("शीर्षक 1".encode() + byte + b" x"))
    assert hurt.items[1:] == clean.items[1:]  # every other item exactly as without it
    assert [fields_but_headline(i) for i in hurt.items] == [
        fields_but_headline(i) for i in clean.items
    ]
    assert hurt.items[0].body_html == "<p>पहला पैरा 1.</p><p>दूसरा पैरा.</p>"
    assert hurt.items[0].headline == "शीर्षक 1\ufffd x"  # replaced where it was
    [line] = hurt.problems
    guid = clean.items[0].guid
    assert line.startswith(f"entry 1 ({guid}): invalid byte 0x{byte[0]:02X} at byte ")
    assert line.endswith("replaced with U+FFFD")


def test_a_bad_byte_outside_every_item_changes_no_item() -> None:
    clean = parse_payload(rss())
    hurt = parse_payload(rss(channel=b"d\xff"))
    assert hurt.items == clean.items
    assert hurt.problems == [
        "the document outside its entries: invalid byte 0xFF at byte 96 (not UTF-8) "
        "replaced with U+FFFD"
    ]


def test_several_bad_bytes_in_one_entry_make_one_line() -> None:
    hurt = parse_payload(rss("क".encode() + b"\xff " + "ख".encode() + b"\x00"))
    [line] = hurt.problems
    assert line.startswith("entry 1 (g1): 2 invalid bytes replaced with U+FFFD (the first, 0xFF")
    assert hurt.items[0].headline == "क\ufffd ख\ufffd"


def test_the_offset_named_is_the_bad_byte_of_the_payload() -> None:
    payload = rss("शीर्षक 1".encode() + b"\xff")
    [line] = parse_payload(payload).problems
    offset = int(line.split(" at byte ")[1].split()[0])
    assert payload[offset] == 0xFF


def test_a_clean_document_is_handed_on_as_the_same_object() -> None:
    payload = rss()
    assert repair_bad_bytes(payload, None)[0] is payload
    assert repair_bad_bytes(payload, None)[1] == []


def test_windows_1252_text_labelled_utf8_is_still_read_as_windows_1252() -> None:
    """No valid multi-byte sequence among the bad ones: the label is wrong, not the bytes."""
    payload = (
        b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>T</title>'
        b"<description>d\xff</description><item><guid>g1</guid><title>It\x92s \x93q\x94</title>"
        b"<description>&lt;p&gt;x&lt;/p&gt;</description></item></channel></rss>"
    )
    [item] = parse_payload(payload).items
    assert (item.headline, item.body_html) == ("It’s “q”", "<p>x</p>")


@pytest.mark.parametrize("label", [b"iso-8859-1", b"latin1", b"windows-1252", b"ISO-8859-1"])
def test_a_latin1_label_on_utf8_hindi_is_read_as_utf8(label: bytes) -> None:
    result = parse_payload(rss(enc=label))
    assert [i.headline for i in result.items] == ["शीर्षक 1", "शीर्षक 2", "शीर्षक 3"]
    assert result.items[1].body_html == "<p>पहला पैरा 2.</p><p>दूसरा पैरा.</p>"


def test_a_latin1_charset_header_on_utf8_hindi_is_read_as_utf8() -> None:
    payload = rss().replace(b' encoding="utf-8"', b"")
    [first, *_] = parse_payload(payload, "auto", "application/rss+xml; charset=ISO-8859-1").items
    assert first.headline == "शीर्षक 1"


def test_windows_1252_under_a_latin1_label_stays_windows_1252() -> None:
    """`It\\x92s` is not valid UTF-8: the WHATWG reading of the label holds."""
    [first, *_] = parse_payload(rss(b"It\x92s", enc=b"iso-8859-1")).items
    assert first.headline == "It’s"
    [first, *_] = parse_payload(rss(b"caf\xe9", enc=b"iso-8859-1")).items
    assert first.headline == "café"


def test_a_control_byte_in_a_latin1_document_is_replaced_and_named() -> None:
    payload = (
        b'<?xml version="1.0" encoding="latin1"?><rss version="2.0"><channel><title>T</title>'
        b"<item><guid>g1</guid><title>a\x00b \x92</title><description>&lt;p&gt;x&lt;/p&gt;"
        b"</description></item></channel></rss>"
    )
    result = parse_payload(payload)
    assert result.items[0].headline.startswith("a\ufffdb ’")
    assert result.problems[0].startswith("entry 1 (g1): invalid byte 0x00")


def test_labels_are_rewritten_only_for_a_document_that_needs_it() -> None:
    ascii_doc = b'<?xml version="1.0" encoding="iso-8859-1"?><rss/>'
    assert as_browsers_decode(ascii_doc, None) == (ascii_doc, None)
    utf8 = '<?xml version="1.0" encoding="iso-8859-1"?><rss>ह</rss>'.encode()
    out, _ = as_browsers_decode(utf8, None)
    assert out == utf8.replace(b"iso-8859-1", b"utf-8")


def jsonfeed(title_1: bytes, feed_title: bytes = b"T") -> bytes:
    entries = b",".join(
        b'{"id": "j%d", "title": "%s", "content_html": "<p>%s</p>"}'
        % (n, title_1 if n == 1 else f"शीर्षक {n}".encode(), f"पाठ {n}".encode())
        for n in (1, 2, 3)
    )
    return (
        b'{"version": "https://jsonfeed.org/version/1.1", "title": "' + feed_title + b'", '
        b'"items": [' + entries + b"]}"
    )


def ninjs(title: bytes) -> bytes:
    return (
        b'{"uri": "urn:n:1", "type": "text", "headlines": [{"role": "main", "value": "'
        + title
        + b'"}], "bodies": [{"role": "main", "contenttype": "text/html", "value": "'
        + "<p>पाठ</p>".encode()
        + b'"}]}'
    )


@pytest.mark.parametrize("byte", [b"\xff", b"\x00", b"\x01", b"\xe0\xa4"], ids=repr)
def test_a_bad_byte_in_a_json_feed_title_is_replaced_there_and_named(byte: bytes) -> None:
    """JSON as XML: a byte that is not UTF-8, or a raw control character (JSON allows none),
    is U+FFFD where it was, the feed is not refused, and a problem line names the entry."""
    clean = parse_payload(jsonfeed("शीर्षक 1".encode()))
    hurt = parse_payload(jsonfeed("शीर्षक 1".encode() + byte + b" x"))
    assert hurt.items[1:] == clean.items[1:]
    assert [fields_but_headline(i) for i in hurt.items] == [
        fields_but_headline(i) for i in clean.items
    ]
    assert hurt.items[0].headline == "शीर्षक 1\ufffd x"
    [line] = hurt.problems
    offset = jsonfeed("शीर्षक 1".encode()).index("शीर्षक 1".encode()) + len("शीर्षक 1".encode())
    why = "a control character JSON does not allow" if byte[0] < 0x20 else "not UTF-8"
    assert line == (
        f"entry 1 (j1): invalid byte 0x{byte[0]:02X} at byte {offset} ({why}) replaced with U+FFFD"
    )


def test_a_bad_byte_outside_a_json_feeds_entries_changes_no_entry() -> None:
    clean = parse_payload(jsonfeed("शीर्षक 1".encode()))
    hurt_payload = jsonfeed("शीर्षक 1".encode(), feed_title=b"T\x00\xffT")
    hurt = parse_payload(hurt_payload)
    nul = hurt_payload.index(b"\x00")
    assert hurt.items == clean.items
    assert hurt.title == "T\ufffd\ufffdT"
    assert hurt.problems == [
        "the document outside its entries: 2 invalid bytes replaced with U+FFFD (the first, "
        f"0x00 at byte {nul}, is a control character JSON does not allow)"
    ]


def test_a_bad_byte_in_ninjs_is_replaced_there_and_named() -> None:
    hurt = parse_payload(ninjs("शीर्षक".encode() + b"\x00"))
    [item] = hurt.items
    assert item.headline == "शीर्षक\ufffd"
    assert item.body_html == "<p>पाठ</p>"
    [line] = hurt.problems
    assert line.startswith("item 1 (urn:n:1): invalid byte 0x00 at byte ")
