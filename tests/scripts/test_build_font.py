"""The committed web font is what scripts/build-font makes, and the stylesheet names it.

The WOFF2 subset is committed so that serving needs no fontTools and a fresh clone has it;
this is what keeps the committed file honest. With the inputs the note records (the same
source font, fontTools and brotli), a rebuild must give the same bytes. With other versions
installed the bytes may differ, so the rebuild must still keep the same letters, glyphs and
axes; either way, a failure means: run `scripts/build-font` and commit what it writes.
"""

from __future__ import annotations

import hashlib
import io
import json
import runpy
from pathlib import Path
from typing import Any

import pytest
from fontTools.ttLib import TTFont

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "build-font"


@pytest.fixture(scope="module")
def script() -> dict[str, Any]:
    return runpy.run_path(str(SCRIPT), run_name="build_font")


@pytest.fixture(scope="module")
def rebuilt(script: dict[str, Any]) -> bytes:
    return bytes(script["build"]())


def test_the_committed_font_is_what_the_script_makes(
    script: dict[str, Any], rebuilt: bytes
) -> None:
    committed = (script["OUT_DIR"] / script["OUT_NAME"]).read_bytes()
    note = json.loads((script["OUT_DIR"] / script["NOTE_NAME"]).read_text())
    assert note["sha256"] == hashlib.sha256(committed).hexdigest()
    licence = (script["OUT_DIR"] / script["LICENSE_NAME"]).read_text()
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence and "Noto Project Authors" in licence
    if note["inputs"] == script["inputs"]():
        assert licence.encode() == (script["source_font"]().parent.parent / "LICENSE").read_bytes()
        assert rebuilt == committed, "run scripts/build-font and commit what it writes"
        return
    ours, theirs = TTFont(io.BytesIO(committed)), TTFont(io.BytesIO(rebuilt))
    assert ours.getBestCmap() == theirs.getBestCmap()
    assert ours.getGlyphOrder() == theirs.getGlyphOrder()
    assert [a.axisTag for a in ours["fvar"].axes] == [a.axisTag for a in theirs["fvar"].axes]


def test_the_stylesheet_names_the_committed_font_and_its_letters(
    script: dict[str, Any],
) -> None:
    committed = (script["OUT_DIR"] / script["OUT_NAME"]).read_bytes()
    css = script["STYLESHEET"].read_text()
    assert script["stylesheet"](css, committed) == css


def test_the_font_keeps_what_was_asked_and_no_more(script: dict[str, Any], rebuilt: bytes) -> None:
    cmap = TTFont(io.BytesIO(rebuilt)).getBestCmap()
    asked = set(script["unicodes"]())
    assert set(cmap) <= asked
    assert set(range(0x0900, 0x0980)) - set(cmap) <= {0x0978}  # all of Devanagari it has
    assert set(range(0x20, 0x7F)) <= set(cmap)
    assert len(rebuilt) <= 120 * 1024
