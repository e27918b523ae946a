"""The portal-lead set of issue 14: six languages, every edit kind, the hard negatives, and
precision and recall per edit kind and per language."""

from __future__ import annotations

import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
HERE = REPO / "bench" / "syndication"
sys.path.insert(0, str(HERE))

import evaluate  # noqa: E402
import metrics  # noqa: E402
import portal_set  # noqa: E402
from generate import Labelled  # noqa: E402


@pytest.fixture(scope="module")
def labelled() -> list[Labelled]:
    return list(portal_set.iter_labelled(seed=0))


def test_same_seed_same_set(labelled: list[Labelled]) -> None:
    assert [lab.record for lab in portal_set.iter_labelled(seed=0)] == [
        lab.record for lab in labelled
    ]
    assert len({lab.record["id"] for lab in labelled}) == len(labelled)


def test_every_edit_kind_in_every_language(labelled: list[Labelled]) -> None:
    seen: dict[str, Counter[str]] = defaultdict(Counter)
    for lab in labelled:
        seen[lab.record["language"]].update(lab.edits)
    assert set(seen) == {"hi", "en", "de", "fr", "es", "fi"}
    for lang, kinds in seen.items():
        for kind in portal_set.EDIT_KINDS:
            assert kinds[kind] >= 20, (lang, kind, kinds[kind])


def test_every_hard_negative_in_every_language(labelled: list[Labelled]) -> None:
    kinds = Counter(
        (lab.record["language"], lab.kind) for lab in labelled if lab.role == "original"
    )
    for lang in ("hi", "en", "de", "fr", "es", "fi"):
        for kind in ("template", "shared_background", "same_event"):
            assert kinds[(lang, kind)] >= 5, (lang, kind)


def _sentences(text: str) -> set[str]:
    return {s.strip() for s in re.split(r"(?<=[.।?!])\s+|\n+", text) if len(s.strip()) > 12}


def test_same_event_pairs_share_facts_but_no_sentence() -> None:
    wires = [w for w in portal_set.make_block(0, 0) if w.kind == "same_event"]
    by_family: dict[str, list[portal_set.Wire]] = defaultdict(list)
    for w in wires:
        by_family[w.family].append(w)
    for a, b in by_family.values():
        assert a.slots == b.slots and a.agency != b.agency
        assert not _sentences("\n".join(a.paragraphs)) & _sentences("\n".join(b.paragraphs))


def test_a_portal_copy_keeps_two_or_three_wire_paragraphs(labelled: list[Labelled]) -> None:
    wires = {w.id: w for w in portal_set.make_block(0, 0)}
    for lab in labelled:
        if "portal_lead" not in lab.edits or lab.kind != "regular":
            continue
        wire = wires[lab.record["cluster"]]
        paras = lab.record["body_text"].split("\n\n")
        assert paras[0] not in wire.paragraphs
        kept = [p for p in paras if p in wire.paragraphs[1:]]
        assert 2 <= len(kept) <= 3 or len(kept) == len(wire.paragraphs) - 1


def test_subset_scores_count_pairs_touching_the_subset() -> None:
    truth = ["a", "a", "a", "b", "b"]
    predicted = ["x", "x", "y", "y", "y"]
    member = [False, False, True, False, False]
    # Pairs touching item 2: (0,2) (1,2) true, not predicted; (2,3) (2,4) predicted, not true.
    assert metrics.subset_scores(truth, predicted, member) == (0.0, 0.0, 2, 2)
    member = [True, False, False, False, False]
    # (0,1) true and predicted; (0,2) true only.
    assert metrics.subset_scores(truth, predicted, member) == (1.0, 0.5, 2, 1)


def test_evaluate_reports_each_edit_and_language_beside_the_oracle() -> None:
    result = evaluate.run(seed=0, size=400, labelled_set="portal")
    names = [s["name"] for s in result["systems"]]
    assert any("containment" in n for n in names)
    for system in result["systems"]:
        d = system["diagnostics"]
        assert "portal_lead" in d["pairs_by_edit"] and "headline_rewrite" in d["pairs_by_edit"]
        assert set(d["pairs_by_language"]) <= {"hi", "en", "de", "fr", "es", "fi"}
    assert "pairs touching copies with each edit" in evaluate.render(result)
