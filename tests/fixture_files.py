"""Where the test fixtures live: inside the repository, each corpus with its licence.

A lone clone of the repository must pass its tests, so nothing here points outside it
(`tests/fixtures/README.md` says where each corpus comes from and under which licence).
"""

from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEED = FIXTURES / "seed" / "seed-story.hi.txt"  # the story the project started from
FEEDPARSER = FIXTURES / "feedparser"  # feedparser's test corpus, BSD-2-Clause
NEWSML_G2 = FIXTURES / "newsml-g2"  # IPTC's NewsML-G2 specification examples, CC BY 4.0
