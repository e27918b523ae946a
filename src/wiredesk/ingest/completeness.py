"""Whether a parsed item is a whole story: the last check before the pipeline sees it.

A publisher trusts wiredesk to put agency copy on the site as sent, so half a story must never
reach a page. Three cases are decided here, for every format alike:

- **Not a story.** A usable item with no headline, no body and no summary has nothing to show
  (an empty NITF used to become an empty published page). It is dropped with a problem line
  on the envelope. A kill or withheld notice is exempt: it is bare by nature and must still
  reach the store to take effect.
- **No headline.** Some agencies send `<headline/>` and put the title in the abstract. The
  source's `missing_headline` setting decides: "derive" takes a headline from the summary, else
  from the body's first sentence, and marks it (a problem line on the envelope and a
  `wiredesk` step in the version's provenance, which the store keeps with every version);
  "hold" quarantines the item for an editor. It is never published headline-less.
- **Cut short.** A feed payload or a NewsML-G2 newsMessage that stops mid-item (a truncated
  download) is not well-formed; the parsers recover what they can and would publish the cut
  item with half its body. Every item that cannot be matched to an item element that closed
  before the document broke off is held with the reason; the complete ones go on, each judged
  on its own. A parser that knows from its own framing that an item broke off (an IPTC 7901
  message without ETX) says so in `ParseResult.cut_short`, and the item is held the same way.

The headline is derived before the pipeline runs, so the slug and the grouping fingerprint are
made from it like any other headline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from lxml import etree

from wiredesk.config import MISSING_HEADLINE_CHOICES
from wiredesk.formats.feeds import escape_bare_ampersands
from wiredesk.formats.fields import has_content, plain_text
from wiredesk.formats.newsml_g2 import FORMAT as NEWSML_G2
from wiredesk.formats.newsml_g2 import MESSAGE_END_RE, NAR_NS
from wiredesk.formats.xml_safe import root_element
from wiredesk.model import Hop, Item, PubStatus, Signal

# The source's choice for an item with a body but no headline (`missing_headline`).
DERIVE, HOLD = MISSING_HEADLINE_CHOICES

DERIVED_HEADLINE_ACTION = "headline derived by wiredesk: the agency sent none"
_MAX_DERIVED_CHARS = 120  # a headline, not a paragraph: cut at a word, with an ellipsis
_MIN_SENTENCE_WORDS = 5  # a shorter first "sentence" is a dateline ("MOSCOW, Feb 5 (IANS)।")
# Sentence ends: Latin and Devanagari (danda) full stops, question and exclamation marks.
_SENTENCE_END_RE = re.compile(r"(?<=[.!?।॥])\s+")

_FEED_FORMATS = ("rss", "rdf", "atom")
_ITEM_TAGS = ("item", "entry")
_ID_TAGS = ("guid", "id")
_ROOT_END_RE = re.compile(rb"</(?:[\w.\-]+:)?(?:rss|feed|RDF)\s*>\s*\Z")


@dataclass(slots=True)
class Verdict:
    """What to do with one parsed item: process `item` (None: it is not a story), or hold it
    (`hold` is the reason); `problem` is a line for the envelope either way."""

    item: Item | None
    hold: str | None = None
    problem: str | None = None


@dataclass(slots=True)
class _Closed:
    """Identities of the item elements that closed before the document broke off."""

    ids: set[str] = field(default_factory=set)
    links: set[str] = field(default_factory=set)
    titles: set[str] = field(default_factory=set)
    versions: set[tuple[str, int]] = field(default_factory=set)  # NewsML-G2 (guid, version)


def judge(item: Item, missing_headline: str, cut: str | None = None) -> Verdict:
    """The verdict on one item as parsed. `cut`: why the item may be cut short (see
    `cut_items`), which holds it whatever else it has."""
    if cut is not None:
        return Verdict(item, hold=cut)
    lifecycle_only = item.pub_status is not PubStatus.USABLE or Signal.KILL in item.signals
    if item.headline.strip() or lifecycle_only:
        return Verdict(item)
    summary = plain_text(item.summary)
    if not has_content(item.body_html) and not summary:
        return Verdict(None, problem=f"item {item.guid}: no headline and no body; not a story")
    if missing_headline == HOLD:
        return Verdict(
            item,
            hold='no headline (the source has missing_headline = "hold"): an editor must '
            "give it one; it is never published headline-less",
        )
    headline = derive_headline(summary, item.body_html)
    if not headline:
        return Verdict(item, hold="no headline, and none could be derived from its text")
    hop = Hop(role="hop", name="wiredesk", action=DERIVED_HEADLINE_ACTION)
    derived = replace(item, headline=headline, provenance=[*item.provenance, hop])
    source = "summary" if summary else "first sentence"
    return Verdict(
        derived,
        problem=f"item {item.guid}: no headline sent; derived from its {source}: {headline!r}",
    )


def derive_headline(summary: str, body_html: str) -> str:
    """A headline from the summary, else from the body's first real sentence (past a short
    dateline); "" when there is no text. Long ones are cut at a word, with an ellipsis."""
    text = summary or plain_text(body_html)
    if not text:
        return ""
    if not summary:
        sentences = _SENTENCE_END_RE.split(text)
        text = next((s for s in sentences if len(s.split()) >= _MIN_SENTENCE_WORDS), sentences[0])
    if len(text) <= _MAX_DERIVED_CHARS:
        return text
    cut = text[: _MAX_DERIVED_CHARS - 1].rsplit(" ", 1)[0].rstrip(" ,;:-—–")
    return cut + "…"


def cut_items(payload: bytes, format: str, items: list[Item]) -> dict[int, str]:
    """Positions in `items` that may be cut short, each with the reason to hold it.

    Only a feed document or a NewsML-G2 newsMessage that does not end with its root's end tag
    is examined (a complete download always does, so the usual payload costs one
    regular-expression match; a single NewsML-G2 item that breaks off is refused whole by
    its parser). It is then read again with a recovering parser: item elements that closed
    while the document was being read are whole; one closed only because the document ran
    out is cut. A parsed feed item is whole when its guid, link or title is one of a whole
    element's, a NewsML-G2 item when its guid and version are a whole newsItem's; any other
    is held.
    """
    if format == NEWSML_G2:
        if MESSAGE_END_RE.search(payload[-256:]) or not _is_message(payload):
            return {}
    elif format not in _FEED_FORMATS or _ROOT_END_RE.search(payload[-256:]):
        return {}
    closed, error = _closed_items(payload)
    if error is None:
        return {}
    reason = (
        f"the payload is not well-formed XML ({error}): it breaks off before this item "
        "is complete, so it may be cut short; held until the source sends it whole "
        "(then `wiredesk reprocess`)"
    )
    cut: dict[int, str] = {}
    for index, item in enumerate(items):
        if format == NEWSML_G2:
            if (item.guid, item.version or 1) not in closed.versions:
                cut[index] = reason
            continue
        whole = (
            item.guid in closed.ids
            or (item.link is not None and item.link in closed.links)
            or (bool(item.headline) and plain_text(item.headline) in closed.titles)
        )
        if not whole:
            cut[index] = reason
    return cut


def _closed_items(payload: bytes) -> tuple[_Closed, str | None]:
    """The item elements that closed while the data was read, and how the document broke
    off (None: every element closed, the document was whole after all).

    The recovering parser closes whatever is still open when the data runs out; those end
    events come only from `close()`, which is how a cut element is told from a whole one.
    An unescaped `&` is read as the feed parser reads it (`escape_bare_ampersands`), so that
    a whole item's link and title match the parsed item's.
    """
    parser = etree.XMLPullParser(
        events=("end",),
        recover=True,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
    )
    closed = _Closed()
    try:
        parser.feed(escape_bare_ampersands(payload))
        for _, el in parser.read_events():
            name = _local(el)
            if name in _ITEM_TAGS:
                _remember(el, closed)
            elif name == "newsItem" and el.get("guid"):
                closed.versions.add((el.get("guid") or "", _version(el.get("version"))))
        parser.close()
    except etree.XMLSyntaxError as e:  # not even recoverable: nothing more is proven whole
        return closed, _one_line(str(e))
    still_open = [_local(el) for _, el in parser.read_events()]
    if not still_open:
        return closed, None
    return closed, f"it ends after {len(payload):,} bytes with <{still_open[0]}> still open"


def _remember(el: etree._Element, closed: _Closed) -> None:
    for child in el:
        name = _local(child)
        value = " ".join("".join(child.itertext()).split())
        if name in _ID_TAGS and value:
            closed.ids.add(value)
        elif name == "link":
            href = (child.get("href") or "").strip() or value
            if href:
                closed.links.add(href)
        elif name == "title" and value:
            closed.titles.add(plain_text(value))


def _version(value: str | None) -> int:
    """A newsItem's version as its parser reads it: 1 when there is none."""
    try:
        return int(value) if value is not None else 1
    except ValueError:
        return 1


def _is_message(payload: bytes) -> bool:
    return root_element(payload[:4096]) == (NAR_NS, "newsMessage")


def _local(el: etree._Element) -> str:
    tag = el.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _one_line(message: str) -> str:
    return " ".join(message.split())[:300]
