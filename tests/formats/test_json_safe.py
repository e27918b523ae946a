"""Reading JSON payloads: encodings as RFC 8259 detects them, nesting bounded before decoding."""

from __future__ import annotations

import pytest

from wiredesk.errors import FormatError
from wiredesk.formats import limits
from wiredesk.formats.json_safe import decode_json_payload, load_json


@pytest.mark.parametrize("codec", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-32-be"])
def test_payloads_decode_in_any_json_encoding_without_a_bom(codec: str) -> None:
    assert decode_json_payload('{"title": "नमस्ते"}'.encode(codec)) == '{"title": "नमस्ते"}'


def test_undecodable_bytes_become_replacement_characters() -> None:
    assert decode_json_payload(b'{"a": "x\xffy"}') == '{"a": "x\ufffdy"}'


def test_nesting_past_the_limit_is_refused_naming_the_document() -> None:
    deep = "[" * (limits.MAX_JSON_DEPTH + 1) + "]" * (limits.MAX_JSON_DEPTH + 1)
    with pytest.raises(FormatError, match=r"^not readable ninjs: JSON nested deeper than 64"):
        load_json(deep, "ninjs", "not readable ninjs")
    shallow = "[" * limits.MAX_JSON_DEPTH + "]" * limits.MAX_JSON_DEPTH
    assert isinstance(load_json(shallow, "ninjs", "not readable ninjs"), list)


def test_brackets_inside_strings_do_not_count_towards_the_depth() -> None:
    text = '{"a": "' + "[" * 500 + '"}'
    assert load_json(text, "JSON Feed", "not a readable JSON Feed") == {"a": "[" * 500}


def test_invalid_json_is_refused_with_the_callers_words() -> None:
    with pytest.raises(FormatError, match=r"^not a feed: invalid JSON \(Expecting"):
        load_json("{nope", "JSON", "not a feed")
