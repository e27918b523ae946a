"""An agency's sign-off: `--आईएएनएस`, `(भाषा)`, `-- IANS`, `/ PTI` at the end of its copy.

Hindi and English wires end a story with their name after a dash or a slash, or in
parentheses, on a line of its own or at the end of the last paragraph. It names who wrote the
story, as a credit line does, and like one it is lifted out of the body (a portal that keeps
it and one that drops it print the same story). A dash or slash and a short name is a
sign-off wherever it ends the copy; a bare name in parentheses is one only when it is a
wire's name (`WIRES`) or one the source is known by (its name and `aliases`), since
"(फाइल फोटो)" ends many stories too.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

# Wires whose parenthesized name ends their copy.
WIRES = (
    "भाषा", "आईएएनएस", "वार्ता", "यूनीवार्ता", "यूएनआई", "पीटीआई", "एएनआई", "एजेंसी",
    "एजेंसियां", "रॉयटर्स", "एएफपी", "एपी", "IANS", "PTI", "ANI", "UNI", "AFP", "AP",
    "Reuters", "Agencies",
)  # fmt: skip
_NAME = r"[^\s()\-–—/.,।:][^()\n.,।:/]{0,39}?"  # a short name: no sentence punctuation
_LINE = re.compile(rf"^(?:-{{1,2}}|–|—|/)\s*(?P<name>{_NAME})\s*$")
_PAREN_LINE = re.compile(r"^\(\s*(?P<name>[^()]{1,40}?)\s*\)\s*[.।]?$")
_TAIL = re.compile(rf"(?<=[\s.।!?\"'”’])(?:-{{1,2}}|–|—|/)\s*(?P<name>{_NAME})\s*$")
_PAREN_TAIL = re.compile(r"(?<=[\s.।!?\"'”’])\(\s*(?P<name>[^()]{1,40}?)\s*\)\s*[.।]?$")
MAX_WORDS = 3
_TAIL_REACH = 100  # characters from a line's end where a sign-off can start, and one before


def _known(names: Iterable[str]) -> frozenset[str]:
    return _known_names(tuple(names))


@functools.lru_cache(maxsize=256)
def _known_names(names: tuple[str, ...]) -> frozenset[str]:
    """The wires' names and a source's, as compared: made once per source, not per line of
    every story (it was a tenth of the pipeline's time)."""
    return frozenset(" ".join(n.split()).casefold() for n in (*WIRES, *names) if n.strip())


def _short(name: str) -> bool:
    return 0 < len(name.split()) <= MAX_WORDS


def signoff_name(line: str, also: Iterable[str] = ()) -> str | None:
    """The name a line that is only a sign-off gives (`आईएएनएस` for `--आईएएनएस`), else None.
    `also`: names the source is known by, besides the wires'."""
    text = line.strip()
    match = _LINE.match(text)
    if match and _short(match["name"]):
        return match["name"].strip()
    match = _PAREN_LINE.match(text)
    if match and " ".join(match["name"].split()).casefold() in _known(also):
        return match["name"].strip()
    return None


def signoff_tail(line: str, also: Iterable[str] = ()) -> tuple[str, str] | None:
    """(the sign-off, its name) ending a line of story (`… कहा। --आईएएनएस`), or None. Only a
    known name (a wire's, or the source's) counts here: mid-copy, a dash and a few words are
    as often the end of a sentence."""
    # Only the line's end can hold one (at most a dash, spaces and a 40-character name): the
    # patterns' lookbehind, tried at every position of a long paragraph, was most of the cost.
    end = line.rstrip()[-_TAIL_REACH:]
    for pattern in (_TAIL, _PAREN_TAIL):
        match = pattern.search(end)
        if match and " ".join(match["name"].split()).casefold() in _known(also):
            return match.group(0).strip(), match["name"].strip()
    return None
