"""What an agency changed between two versions, word by word, as HTML the server renders.

The story page shows each version's headline and text against the version before it: words
taken out in `<del>`, words put in in `<ins>`, everything else as it was. Rendered on the
server (the desk carries no JavaScript), every piece of the agency's text escaped.

Words are runs of anything but white space, and the white space between them is kept as
tokens of its own, so the diff reads as the text does (line breaks included, with the page's
`white-space: pre-wrap`), while a changed space alone never makes a change worth showing.
"""

from __future__ import annotations

import difflib
import re

from markupsafe import Markup, escape

_TOKEN = re.compile(r"\s+|\S+")
# Past this many words on either side, the comparison lets difflib skip very common tokens
# (its "autojunk"): quicker on a long wire story, with a rougher diff.
_EXACT_UP_TO = 5000


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def word_diff(old: str, new: str) -> Markup:
    """`new` as HTML, with what `old` had and `new` lacks in `<del>` and what is new in
    `<ins>`; the same text twice gives the text, escaped, with neither."""
    a, b = tokens(old), tokens(new)
    exact = max(len(a), len(b)) <= _EXACT_UP_TO
    matcher = difflib.SequenceMatcher(lambda t: t.isspace(), a, b, autojunk=not exact)
    out: list[str] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out.append(str(escape("".join(b[j1:j2]))))
            continue
        removed, added = "".join(a[i1:i2]), "".join(b[j1:j2])
        if removed.strip():
            out.append(f"<del>{escape(removed)}</del>")
        elif removed and not added:
            out.append(str(escape(removed)))
        if added.strip():
            out.append(f"<ins>{escape(added)}</ins>")
        elif added:
            out.append(str(escape(added)))
    return Markup("".join(out))


def changed(old: str, new: str) -> bool:
    """Whether the two differ in more than white space."""
    return old.split() != new.split()
