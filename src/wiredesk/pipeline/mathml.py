"""Inline MathML (`<math>`) as the text a reader would see of it.

The sanitizer allows no MathML markup: nh3 drops a `<math>` element with everything inside,
so a story lost its formulas (`a + b`, `E = mc²`) without a trace. This module keeps their
words and symbols as plain text, with `<sup>`/`<sub>` for scripts (without them `x²` would
read `x2`): operators spaced as a browser spaces them, fractions as `(a + b)/2`, roots with
`√`. Nothing of the MathML survives, and what is shown is only what a browser shows: an
`annotation` (TeX source, say) or `mphantom` is no text.

It reads only what nh3 wrote (see `sanitize`): MathML tags without attributes, text
entity-escaped, elements balanced. That is why a regular expression can walk it, and the
result is cleaned by nh3 once more anyway.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field

# MathML Core's presentation elements whose content a browser shows, and the deprecated
# `mfenced`. Other MathML (`mphantom`, `annotation`, `mspace`, `mglyph`, content MathML) is
# either not shown or not rendered by browsers, and the first cleaner drops it whole.
MATH_TAGS = frozenset(
    {
        "math", "mrow", "mi", "mn", "mo", "ms", "mtext", "msup", "msub", "msubsup", "munder",
        "mover", "munderover", "mfrac", "msqrt", "mroot", "mstyle", "merror", "mpadded",
        "menclose", "mfenced", "mtable", "mtr", "mlabeledtr", "mtd", "mmultiscripts",
        "mprescripts", "none", "semantics", "maction",
    }
)  # fmt: skip
# Not shown by a browser: dropped with their content even when nested in allowed MathML.
MATH_HIDDEN_TAGS = frozenset({"mphantom", "annotation", "annotation-xml"})

MATH_START_RE = re.compile(r"<math\b", re.IGNORECASE)
_FORMULA_RE = re.compile(r"<math>(.*?)</math>", re.DOTALL)
_TOKEN_RE = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)[^>]*?(/?)>|([^<]+)")
_TOKENS = frozenset({"mi", "mn", "mo", "ms", "mtext"})
# Operators a browser sets without space around them (fences) or with space after only.
_TIGHT = frozenset("()[]{}|‖⟨⟩⌈⌉⌊⌋!'′″.\u2061\u2062\u2063\u2064")
_SEPARATORS = frozenset(",;")
_SPACES_RE = re.compile(r"\s+")
# Tags and entities, for telling whether a rendered part is one word (needs no parentheses).
_MARKUP_RE = re.compile(r"<[^>]*>|&[^;]*;")


@dataclass
class _Node:
    name: str
    children: list[_Node | str] = field(default_factory=list)


Script = Callable[[str], str]


def formulas_as_text(cleaned: str, *, sup: Script, sub: Script) -> str:
    """`cleaned` (nh3's output) with each `<math>` element replaced by its text, escaped;
    `sup` and `sub` write a superscript and a subscript (as HTML, or as `^x` in plain text)."""

    def one(match: re.Match[str]) -> str:
        writer = _Writer(sup, sub)
        text = writer.render(_parse(match.group(1)))
        return _SPACES_RE.sub(" ", text).strip()

    return _FORMULA_RE.sub(one, cleaned)


def html_sup(part: str) -> str:
    return f"<sup>{part}</sup>" if part else ""


def html_sub(part: str) -> str:
    return f"<sub>{part}</sub>" if part else ""


def text_sup(part: str) -> str:
    return f"^{_grouped(part)}" if part else ""


def text_sub(part: str) -> str:
    return f"_{_grouped(part)}" if part else ""


def _parse(inner: str) -> _Node:
    """The MathML tree of a formula's inside; text is kept unescaped, other tags (HTML an
    `mtext` may hold) give only their text."""
    root = _Node("math")
    stack = [root]
    for closing, name, self_closing, text in _TOKEN_RE.findall(inner):
        if text:
            stack[-1].children.append(html.unescape(text))
            continue
        name = name.lower()
        if name not in MATH_TAGS:
            continue
        if closing:
            if any(n.name == name for n in stack[1:]):
                while stack.pop().name != name:
                    pass
        else:
            node = _Node(name)
            stack[-1].children.append(node)
            if not self_closing:
                stack.append(node)
    return root


def _grouped(part: str) -> str:
    """A fraction's or root's part, in parentheses unless it is one word or number."""
    bare = _MARKUP_RE.sub("", part)
    return part if not bare or bare.isalnum() else f"({part})"


class _Writer:
    def __init__(self, sup: Script, sub: Script) -> None:
        self.sup, self.sub = sup, sub

    def render(self, node: _Node | str) -> str:
        if isinstance(node, str):  # whitespace between elements; MathML shows none
            return ""
        kids = [k for k in node.children if isinstance(k, _Node)]
        parts = [self.render(k) for k in kids]
        name = node.name
        if name in _TOKENS:
            text = html.escape(_SPACES_RE.sub(" ", _text_of(node)).strip(), quote=False)
            return f'"{text}"' if name == "ms" else text
        if name in ("msup", "mover"):
            return _at(parts, 0) + self.sup(_at(parts, 1))
        if name in ("msub", "munder"):
            return _at(parts, 0) + self.sub(_at(parts, 1))
        if name in ("msubsup", "munderover"):
            return _at(parts, 0) + self.sub(_at(parts, 1)) + self.sup(_at(parts, 2))
        if name == "mfrac":
            return f"{_grouped(_at(parts, 0))}/{_grouped(_at(parts, 1))}"
        if name == "msqrt":  # `√2y` would read as √2 times y
            row = self._row(kids)
            return "√" + (_grouped(row) if len(kids) == 1 else f"({row})")
        if name == "mroot":
            return self.sup(_at(parts, 1)) + "√" + _grouped(_at(parts, 0))
        if name in ("semantics", "maction"):  # a browser shows the first child only
            return _at(parts, 0)
        if name == "mfenced":
            return "(" + ", ".join(parts) + ")"
        if name == "mtable":
            return "; ".join(parts)
        if name in ("mtr", "mlabeledtr"):
            return ", ".join(parts)
        if name == "mmultiscripts":
            return self._multiscripts(kids, parts)
        return self._row(kids)

    def _row(self, kids: list[_Node]) -> str:
        """Children in a row; an `mo` is spaced by its place, as a browser infers its form:
        first is prefix (`-x`), last is postfix (`n!`), otherwise infix (`a + b`)."""
        out = []
        for i, kid in enumerate(kids):
            part = self.render(kid)
            if kid.name == "mo" and part and len(kids) > 1:
                bare = html.unescape(part)
                if bare in _SEPARATORS:
                    part += " "
                elif bare not in _TIGHT and 0 < i < len(kids) - 1:
                    part = f" {part} "
            out.append(part)
        return "".join(out)

    def _multiscripts(self, kids: list[_Node], parts: list[str]) -> str:
        """Base, then (sub, sup) pairs after it; after `mprescripts`, pairs before it."""
        post: list[str] = []
        pre: list[str] = []
        pairs = 0
        target = post
        for kid, part in zip(kids[1:], parts[1:], strict=True):
            if kid.name == "mprescripts":
                target, pairs = pre, 0
                continue
            script = "" if kid.name == "none" else part
            target.append(self.sub(script) if pairs % 2 == 0 else self.sup(script))
            pairs += 1
        return "".join(pre) + _at(parts, 0) + "".join(post)


def _at(parts: list[str], index: int) -> str:
    return parts[index] if index < len(parts) else ""


def _text_of(node: _Node) -> str:
    return "".join(k if isinstance(k, str) else _text_of(k) for k in node.children)
