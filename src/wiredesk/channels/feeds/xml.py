"""What the two XML feeds share: safe element building and the provenance extension.

XML is built with lxml so escaping is never hand-rolled. Characters XML 1.0 forbids are
dropped: lxml refuses them, and one stray character must not take a feed down.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

ATOM_NS = "http://www.w3.org/2005/Atom"
# Our extension for provenance and syndication in RSS and Atom (JSON Feed: `_wiredesk`);
# documented in docs/formats.md, "Outbound feeds".
WIREDESK_NS = "urn:wiredesk:provenance:1"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(text: str | None) -> str:
    return _NOT_XML.sub("", text or "")


def sub(parent: etree._Element, tag: str, text: str | None = None, **attrib: str) -> Any:
    el = etree.SubElement(parent, tag, {k.rstrip("_"): v for k, v in attrib.items()})
    if text is not None:
        el.text = clean(text)
    return el


def provenance_elements(parent: etree._Element, data: dict[str, Any]) -> None:
    """<wiredesk:provenance><wiredesk:step role="originator">...</wiredesk:step>...</...> and
    <wiredesk:alsoReportedBy><wiredesk:agency source="pti">PTI</wiredesk:agency>...</...>."""
    w = f"{{{WIREDESK_NS}}}"
    if data["originator"]:
        sub(parent, w + "originator", data["originator"])
    if data["provenance"]:
        chain = sub(parent, w + "provenance")
        for step in data["provenance"]:
            sub(chain, w + "step", step["name"], role=step["role"])
    if data["also_reported_by"]:
        others = sub(parent, w + "alsoReportedBy")
        for other in data["also_reported_by"]:
            sub(others, w + "agency", other["name"], source=other["source"])
