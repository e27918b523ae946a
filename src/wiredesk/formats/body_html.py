"""Writing a parser's text into the body HTML of an `Item`, in one place for every format.

Each format hands over its text differently (plain text with blank lines, wire-copy
paragraphs, XML character data, attribute values), but every one of them must come out
escaped the same way, or the same story would read differently, or be unsafe, depending on
the agency's format. The pipeline sanitizes the HTML later; this only makes sure that text
is never taken for markup.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from lxml import etree

from wiredesk.formats.xml_safe import local_name

_PARA_SPLIT_RE = re.compile(r"\n\s*\n")
_XML_SPACES_RE = re.compile(r"[ \t\r\n]+")  # XML whitespace only: keep no-break spaces


def escape_html(value: str | None) -> str:
    """The value escaped for HTML text or a quoted attribute value alike; "" for None."""
    return html.escape(value, quote=True) if value else ""


def text_to_html(text: str) -> str:
    """Plain text as HTML paragraphs: blank lines split paragraphs, single newlines are <br>."""
    paragraphs = [p.strip() for p in _PARA_SPLIT_RE.split(text.strip()) if p.strip()]
    return "".join(
        "<p>" + html.escape(p, quote=False).replace("\n", "<br>\n") + "</p>" for p in paragraphs
    )


def paragraphs_to_html(paragraphs: list[str]) -> str:
    """Paragraphs already split and joined (wire copy) as one <p> each."""
    return "".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paragraphs)


def preformatted_to_html(text: str) -> str:
    """Text whose line breaks and spacing are its layout (tables in wire copy) as <pre>."""
    return "<pre>" + html.escape(text) + "</pre>"


def xml_text_to_html(value: str | None, keep_whitespace: bool) -> str:
    """XML character data as HTML text; the indentation of pretty-printed XML collapsed to
    single spaces unless `keep_whitespace` (inside <pre>)."""
    if not value:
        return ""
    if not keep_whitespace:
        value = _XML_SPACES_RE.sub(" ", value)
    return html.escape(value, quote=False)


def inner_html(el: etree._Element, element_html: Callable[[etree._Element], str]) -> str:
    """An XML element's content as HTML: its text and its children's tails escaped, each
    child element written by `element_html` (which decides what each format's tags become).
    Whitespace is kept as sent inside `pre` only."""
    keep = local_name(el) == "pre"
    parts = [xml_text_to_html(el.text, keep)]
    for c in el:
        if isinstance(c.tag, str):
            parts.append(element_html(c))
        parts.append(xml_text_to_html(c.tail, keep))
    return "".join(parts)
