"""Matching keys: spelling, script and typing variants of one text give one key; other
words do not."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wiredesk.syndication.match_keys import (
    _ATTRIBUTION_HINT_RE,
    _ATTRIBUTION_HINTS,
    match_key,
    story_lines,
    tokens,
)

SAME = [
    ("कजाकिस्तान", "कजाकस्तान"),
    ("पेइचिंग", "बीजिंग"),
    ("हिंदी", "हिन्दी"),
    ("संबंध", "सम्बन्ध"),
    ("मंत्री", "मन्त्री"),
    ("गांव", "गाँव"),
    ("पहुंच", "पहुँच"),
    ("उज़्बेकिस्तान", "उजबेकिस्तान"),
    ("ज़िला फ़ैसला", "जिला फैसला"),
    ("\u095b\u093f\u0932\u093e", "ज़िला"),  # precomposed ज़ (not NFC) and ज + nukta
    ("२०२२ में ३,८०८ करोड़", "2022 में 3808 करोड़"),
    ("निःशुल्क", "नि:शुल्क"),
    ("शुरू हुआ। फिर", "शुरू हुआ. फिर"),
    ("शुरू हुआ। फिर", "शुरू हुआ | फिर"),
    ("क\u200dष", "कष"),  # ZWJ
    ("10 कि.मी. दूर", "10 किलोमीटर दूर"),
    ("5 प्रतिशत", "5 फ़ीसदी"),
    ('He said, "yes."', "He said \u201cyes.\u201d"),
    ("12,500 people", "12500  people"),
    ("2.5 per cent", "2.5 percent"),
    ("the organisers", "the organizers"),
    ("Choudhary", "Chaudhary"),
    ("Ulaanbaatar", "Ulan Bator"),
]

DIFFERENT = [
    ("दिन", "दीन"),  # vowel length is not folded: day / poor
    ("कल", "काल"),
    ("बढ़त", "बढ़ता"),
    ("2022", "2023"),
    ("सोमवार", "मंगलवार"),
    ("pat", "pet"),
]


@pytest.mark.parametrize(("a", "b"), SAME)
def test_variants_give_one_key(a: str, b: str) -> None:
    assert tokens(a) == tokens(b)
    assert match_key("h", a) == match_key("h", b)


@pytest.mark.parametrize(("a", "b"), DIFFERENT)
def test_distinct_words_keep_distinct_keys(a: str, b: str) -> None:
    assert tokens(a) != tokens(b)


def test_attribution_lines_and_dateline_are_not_story() -> None:
    body = (
        "नई दिल्ली, 5 फरवरी (आईडब्ल्यूएस)। सरकार ने नई योजना शुरू की।\n\n"
        "योजना से किसानों को लाभ होगा।\n\n"
        "(साभार : चाइना मीडिया ग्रुप, पेइचिंग)\n\n"
        "डिस्क्लेमरः यह आईएएनएस न्यूज फीड से सीधे पब्लिश हुई खबर है. इसके साथ कोई एडिटिंग नहीं की है.\n\n"
        "Source : IANS"
    )
    assert story_lines(body) == ["सरकार ने नई योजना शुरू की।", "योजना से किसानों को लाभ होगा।"]
    plain = "सरकार ने नई योजना शुरू की।\n\nयोजना से किसानों को लाभ होगा।"
    assert match_key("योजना", body) == match_key("योजना", plain)


def test_sentences_survive_merged_and_split_paragraphs() -> None:
    a = "Rain fell. Roads flooded.\n\nSchools shut."
    b = "Rain fell.\n\nRoads flooded. Schools shut."
    assert (
        match_key("h", a).sentences
        == match_key("h", b).sentences
        == (
            b"rain fell",
            b"roads flooded",
            b"schools shut",
        )
    )


def test_headline_label_is_dropped() -> None:
    assert match_key("Breaking: Rain floods city", "x").headline == ("rain", "floods", "city")
    assert match_key("बड़ी ख़बर: बारिश", "x").headline == match_key("बारिश", "x").headline


@pytest.mark.parametrize(
    ("wire", "desk"),
    [
        ("पेपर लीक: बोर्ड के नतीजे सोनपुर में टले", "पेपर लीक - बोर्ड के नतीजे सोनपुर में टले"),
        ("Prüfungsangst: Noten in Aschberg später", "Prüfungsangst – Noten in Aschberg später"),
        ("बोर्ड के नतीजे सोनपुर में टले", "बोर्ड के नतीजे सोनपुर में टले - पढ़ें पूरी खबर"),
        ("Noten in Aschberg später", "Noten in Aschberg später: die Einzelheiten"),
    ],
)  # fmt: skip
def test_a_label_before_a_spaced_dash_and_a_desk_s_tail_are_dropped(wire: str, desk: str) -> None:
    """A desk types its label's colon as a spaced dash, or adds a few words after the
    headline: the headline is the wire's."""
    assert match_key(desk, "x").headline == match_key(wire, "x").headline


def test_a_headline_s_own_words_after_a_colon_are_kept() -> None:
    """Five words or more after the last colon are the headline's own, not a desk's tail."""
    long_tail = "Aschberg sperrt Brücke: Stadtrat stimmt mit 31 zu 12 dafür"
    assert match_key(long_tail, "x").headline != match_key("Aschberg sperrt Brücke", "x").headline


@pytest.mark.parametrize(
    "pad",
    [
        lambda s: s + " ",  # a space left at the end of the line
        lambda s: " " + s,  # ... or at its start
        lambda s: s.replace(" ", "  ", 1),  # a doubled space
        lambda s: s.replace(" ", "\xa0", 1),  # a no-break space
        lambda s: s.replace(" ", "\t", 1),  # a tab
    ],
)
def test_lines_padded_by_a_portal_come_out_as_the_clean_ones(pad: object) -> None:
    """Portals' CMSs leave stray spacing in and around the lines they pass on; the lines the
    apparatus patterns read (the first and the last few) come out with single spaces, and
    the apparatus is still taken off."""
    lines = [
        "नई दिल्ली, 5 फरवरी (आईडब्ल्यूएस)। सरकार ने नई योजना शुरू की।",
        "योजना से किसानों को लाभ होगा।",
        "(साभार : चाइना मीडिया ग्रुप, पेइचिंग)",
        "डिस्क्लेमरः यह आईएएनएस न्यूज फीड से सीधे पब्लिश हुई खबर है.",
        "Source : IANS",
    ]
    clean = ["सरकार ने नई योजना शुरू की।", "योजना से किसानों को लाभ होगा।"]
    for i in range(len(lines)):
        padded = list(lines)
        padded[i] = pad(padded[i])  # type: ignore[operator]
        assert story_lines("\n\n".join(padded)) == clean, (i, padded[i])


_HINT_PIECES = [*_ATTRIBUTION_HINTS, "साभा", "ourtes", "Sou", "rce", " ", "खबर", "(", "V", "ia"]


@given(st.lists(st.sampled_from(_HINT_PIECES), max_size=12).map("".join))
def test_the_hints_are_found_in_one_scan_as_one_by_one(line: str) -> None:
    one_by_one = any(h in line for h in _ATTRIBUTION_HINTS)
    assert (_ATTRIBUTION_HINT_RE.search(line) is not None) == one_by_one


AGENCY_LEADS = {
    "de": ("Neustadt am Kamm (IWS) - ", "Der Stadtrat hat am Montag die Brücke gesperrt."),
    "fr": ("Valmont-sur-Lys (IWS) - ", "Le conseil municipal a voté lundi la fermeture du pont."),
    "es": ("Peñalba, 3 mar (IWS).- ", "El pleno municipal aprobó el lunes cerrar el puente."),
    "de, with a date": ("Berlin, 3. März (dpa) - ", "Die Regierung hat am Montag beschlossen."),
}


@pytest.mark.parametrize("lang", sorted(AGENCY_LEADS))
def test_a_european_agencys_dateline_is_not_in_the_key(lang: str) -> None:
    dateline, lead = AGENCY_LEADS[lang]
    with_it = match_key("Headline", f"{dateline}{lead}\n\nMore text follows here.")
    without = match_key("Headline", f"{lead}\n\nMore text follows here.")
    assert with_it == without


def test_the_wires_dateline_under_a_portals_own_lead_is_not_in_the_key() -> None:
    portal = "What does this mean for people in Ashcombe? Here is what we know."
    wire = "The council of Ashcombe voted on Monday to close the bridge to lorries."
    lines = story_lines(f"{portal}\n\nASHCOMBE, March 2 (IWS) - {wire}\n\nMore text.")
    assert lines == [portal, wire, "More text."]
