"""The syndication benchmark: a deterministic, complete labelled set and correct metrics."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
HERE = REPO / "bench" / "syndication"
sys.path.insert(0, str(HERE))

import base_stories  # noqa: E402
import edits  # noqa: E402
import evaluate  # noqa: E402
import generate  # noqa: E402
import metrics  # noqa: E402
import naive  # noqa: E402


@pytest.fixture(scope="module")
def labelled() -> list[generate.Labelled]:
    return list(generate.iter_labelled(seed=0))


def test_same_seed_same_set_and_another_seed_another(labelled: list[generate.Labelled]) -> None:
    again = generate.generate(seed=0)
    assert again == [lab.record for lab in labelled]
    other = generate.generate(seed=1)
    assert {r["body_text"] for r in other[:50]} != {r["body_text"] for r in again[:50]}


def test_records_have_the_documented_fields(labelled: list[generate.Labelled]) -> None:
    fields = {"id", "source", "guid", "headline", "body_html", "body_text", "language"}
    fields |= {"published_at", "cluster"}
    for lab in labelled:
        assert set(lab.record) == fields
        assert lab.record["body_html"].startswith("<p>")
    assert len({lab.record["id"] for lab in labelled}) == len(labelled)
    assert len({lab.record["guid"] for lab in labelled}) == len(labelled)


def test_at_least_300_distinct_base_stories_in_both_languages() -> None:
    stories = base_stories.make_block(0, 0)
    regular = [s for s in stories if s.kind == "regular"]
    assert len(regular) >= 300
    by_lang = Counter(s.language for s in regular)
    assert by_lang["hi"] >= 140 and by_lang["en"] >= 140
    assert {s.topic for s in regular} == set(base_stories.TOPICS)
    # Short headlines can coincide (as real ones do); the stories themselves never do.
    assert len({s.headline for s in regular}) >= 0.9 * len(regular)
    assert len({s.paragraphs[0] for s in regular}) == len(regular)
    assert len({tuple(s.paragraphs[1:]) for s in regular}) == len(regular)
    for s in regular:
        assert 150 <= s.words <= 500, (s.id, s.words)
        assert 4 <= len(s.paragraphs) <= 8


def test_every_story_has_three_copies_from_different_sources(
    labelled: list[generate.Labelled],
) -> None:
    sources: dict[str, list[str]] = defaultdict(list)
    for lab in labelled:
        sources[lab.record["cluster"]].append(lab.record["source"])
    assert all(len(s) >= 3 and len(set(s)) == len(s) for s in sources.values())


def test_every_edit_kind_and_exact_duplicates_occur(labelled: list[generate.Labelled]) -> None:
    used = Counter(e for lab in labelled for e in lab.edits)
    assert set(used) == set(edits.EDIT_NAMES)
    assert min(used.values()) >= 20
    assert sum(lab.role == "exact" for lab in labelled) >= 50


def test_every_hard_negative_kind_is_present(labelled: list[generate.Labelled]) -> None:
    clusters: dict[str, set[str]] = defaultdict(set)
    for lab in labelled:
        if lab.family:
            clusters[evaluate.hard_negative_group(lab)].add(lab.record["cluster"])
    for family in ("market_close", "weather_daily", "league_results"):
        assert len(clusters[f"template:{family}"]) >= 20  # >= 10 days per language
    assert len(clusters["shared_background"]) >= 40  # >= 20 pairs
    assert len(clusters["same_event"]) >= 40


def test_template_days_share_sentences_but_are_separate_clusters(
    labelled: list[generate.Labelled],
) -> None:
    originals = [
        lab.record
        for lab in labelled
        if lab.role == "original" and lab.family.endswith("en-market_close")
    ]
    assert len(originals) >= 10
    assert len({r["cluster"] for r in originals}) == len(originals)
    a, b = (naive.shingles(naive.record_text(r)) for r in originals[:2])
    assert len(a & b) / len(a | b) > 0.25


def test_copies_are_published_within_36_hours_of_the_original(
    labelled: list[generate.Labelled],
) -> None:
    from datetime import datetime

    first: dict[str, datetime] = {}
    for lab in labelled:
        if lab.role == "original":
            first[lab.record["cluster"]] = datetime.fromisoformat(lab.record["published_at"])
    for lab in labelled:
        t = datetime.fromisoformat(lab.record["published_at"])
        delta = (t - first[lab.record["cluster"]]).total_seconds()
        assert 0 <= delta <= 36 * 3600 + 60


def test_spelling_edit_writes_the_issue_variants() -> None:
    story = next(
        s
        for s in base_stories.make_block(0, 0)
        if s.language == "hi" and "कजाकिस्तान" in " ".join(s.paragraphs)
    )
    ctx = edits.Context(story, "IWS", "आईडब्ल्यूएस", __import__("random").Random(3))
    out = edits.spelling(edits.Draft(story.headline, story.paragraphs), ctx)
    text = " ".join(out.paragraphs)
    assert "कजाकस्तान" in text or "कजाकिस्तान" not in text
    devanagari = edits.digits(edits.Draft("2022", ["5 फरवरी 2022"]), ctx)
    assert devanagari.paragraphs == ["५ फरवरी २०२२"] and devanagari.headline == "२०२२"


def test_a_large_set_streams_in_blocks_to_the_requested_size() -> None:
    records = generate.iter_records(seed=0, size=2500)
    rows = list(records)
    assert len(rows) == 2500
    assert any(r["cluster"].startswith("b1-") for r in rows)


def test_perfect_clustering_scores_one() -> None:
    truth = ["a", "a", "b", "b", "b", "c"]
    s = metrics.score(truth, ["x", "x", "y", "y", "y", "z"])
    assert (s.precision, s.recall, s.f1, s.ari) == (1.0, 1.0, 1.0, 1.0)


def test_all_singletons_have_no_recall() -> None:
    truth = ["a", "a", "b", "b", "b", "c"]
    s = metrics.score(truth, [str(i) for i in range(6)])
    assert s.recall == 0.0 and s.f1 == 0.0 and s.precision == 1.0
    assert s.ari == pytest.approx(0.0)


def test_known_contingency_table_gives_hand_computed_scores() -> None:
    # truth {0,1,2}{3,4,5}; predicted {0,1}{2,3}{4,5}. Pairs together in both: (0,1), (4,5) = 2.
    # True pairs 3+3 = 6, predicted pairs 1+1+1 = 3, all pairs 15.
    # Expected index 6*3/15 = 1.2, max index (6+3)/2 = 4.5, ARI = (2-1.2)/(4.5-1.2) = 0.8/3.3.
    s = metrics.score([0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 2, 2])
    assert s.precision == pytest.approx(2 / 3)
    assert s.recall == pytest.approx(2 / 6)
    assert s.f1 == pytest.approx(4 / 9)
    assert s.ari == pytest.approx(0.8 / 3.3)
    assert s.ari == pytest.approx(0.242424, abs=1e-6)


def test_one_big_cluster_has_full_recall_and_low_precision() -> None:
    s = metrics.score(["a", "a", "b", "b"], ["x"] * 4)
    assert s.recall == 1.0 and s.precision == pytest.approx(2 / 6)
    assert s.ari == pytest.approx(0.0)


def test_metrics_reject_labels_of_the_wrong_length() -> None:
    with pytest.raises(ValueError, match="one label per record"):
        metrics.score(["a", "b"], ["a"])


def test_naive_reference_runs_and_finds_most_copies() -> None:
    records = generate.generate(seed=0, size=400)
    truth = [r["cluster"] for r in records]
    inputs = [{k: v for k, v in r.items() if k != "cluster"} for r in records]
    result = naive.sweep(inputs, truth)
    assert set(result) == {"jaccard", "containment"}
    for sw in result.values():
        assert sw.best_threshold in naive.THRESHOLDS
        assert sw.best.f1 > 0.7
        assert len(sw.curve) == len(naive.THRESHOLDS)
    labels = naive.cluster_jaccard(inputs, threshold=0.99)
    assert len(labels) == len(inputs)


def test_evaluate_cli_prints_json_for_a_system_and_the_naive_reference() -> None:
    out = subprocess.run(
        [sys.executable, str(HERE / "evaluate.py"), "--size", "300", "--json"],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    )
    result = json.loads(out.stdout)
    names = [s["name"] for s in result["systems"]]
    assert names[0] == "exact_hash:cluster" and len(names) == 3
    exact = result["systems"][0]
    assert exact["scores"]["precision"] == 1.0
    assert exact["diagnostics"]["copy_kept_with_original"]["exact"]["rate"] == 1.0


def test_evaluate_cli_explains_a_bad_system_path() -> None:
    out = subprocess.run(
        [sys.executable, str(HERE / "evaluate.py"), "--system", "no_such_module:cluster"],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert out.returncode == 2
    assert "cannot import module 'no_such_module'" in out.stderr


def test_the_wiredesk_system_fingerprints_what_ingest_would_store() -> None:
    """The harness feeds the engine the item after the pipeline, as ingest does: a dateline
    in a paragraph of its own is lifted from the HTML, and the record's
    own `body_text` (here stale) is not what is fingerprinted."""
    import wiredesk_system

    from wiredesk.syndication.engine import fingerprint

    lead = "Hiragarh's council shut the old bridge to lorries on Monday after cracks were found."
    record = {
        "id": "a", "source": "IWS", "guid": "a", "language": "en",
        "headline": "Hiragarh shuts the old bridge to lorries",
        "body_html": f"<p>HIRAGARH,  March\u00a01 (IWS) \u2014</p>\n<p>{lead}</p>",
        "body_text": "something else entirely",
        "published_at": "2024-03-01T08:00:00+00:00",
    }  # fmt: skip
    expected = fingerprint(record["headline"], lead, "en")
    assert wiredesk_system.ingested_fingerprint(record) == expected
