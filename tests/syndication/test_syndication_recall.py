"""Issue 14's recall rules, each on a hand-made wire story in Hindi and in German: a copy
that holds two stories' copies joins both, copies merged into one story count as one story,
a portal's own closing paragraph is not text the wire lacks, a sentence both sides carry
needs three stories besides the candidate's to be boilerplate, and a one-paragraph copy
that is the wire's lead paragraph is its teaser. Beside each, the hard negative it must not
let through."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from wiredesk.syndication.engine import Fingerprint, Match, SyndicationIndex, fingerprint

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Texts:
    language: str
    headline: str
    rewritten: str  # the headline a portal writes
    wire: list[str]  # the agency's paragraphs, lead first
    portal_lead: str
    portal_background: str
    stock: str  # a sentence of a frame many stories use, with a common slot value
    others: list[tuple[str, list[str]]]  # other stories, of other events
    update: list[str]  # a short update: its own lead, then its own paragraph


HINDI = Texts(
    "hi",
    "अशोकपुर नगर निगम ने वेंडल पुल पर ट्रकों की आवाजाही रोकी",
    "बड़ी खबर: अशोकपुर में वेंडल पुल भारी वाहनों के लिए बंद, जानें पूरी बात और आगे क्या होगा",
    [
        "अशोकपुर नगर निगम ने सोमवार को वेंडल पुल पर भारी ट्रकों की आवाजाही बंद करने का फैसला "
        "किया, क्योंकि इंजीनियरों को इसके चार खंभों में दरारें मिली हैं।",
        "प्रस्ताव 31 के मुकाबले 12 मतों से पारित हुआ और पार्षद दिनेश प्रजापति ने इसका विरोध किया।",
        "इंजीनियरों ने निरीक्षण के दौरान 6 मिलीमीटर तक चौड़ी दरारें दर्ज कीं। यह निरीक्षण कल्याण "
        "फ्रेट कंपनी ने करवाया था।",
        "पूरी मरम्मत पर करीब 18 करोड़ रुपये खर्च होंगे, यह अनुमान दिनेश प्रजापति की रिपोर्ट में दिया "
        "गया है। काम शरद ऋतु से पहले शुरू नहीं हो सकेगा।",
        "ट्रक मालिकों का कहना है कि नए रास्ते से हर खेप पर 14 किलोमीटर का अतिरिक्त चक्कर लगेगा।",
        "अलका हल्दर ने बताया कि बसें और 7 टन से कम वजन वाली गाड़ियां पुल से गुजरती रहेंगी।",
    ],
    "अशोकपुर के लोगों के लिए इसका क्या मतलब है? अब तक हम जो जानते हैं, वह यहां पढ़ें।",
    "समाचार सेतु आपके क्षेत्र की हर जरूरी खबर रोज आप तक पहुंचाता है। सुबह की खबरों के लिए हमारा "
    "न्यूजलेटर अभी सब्सक्राइब करें। हमारे संवाददाता पूरे जिले में राजनीति, कारोबार और परिवहन पर नजर "
    "रखते हैं।",
    "अधिकारियों ने कहा कि अशोकपुर में स्थिति पर नजर रखी जा रही है।",
    [
        (
            "रेडबरी का बाजार भवन मई में फिर खुलेगा",
            [
                "रेडबरी का बाजार भवन 4 मई को दो करोड़ रुपये की मरम्मत के बाद फिर खुलेगा, नगर परिषद ने "
                "बताया।",
                "दुकानदारों को हर हफ्ते 40 रुपये किराया देना होगा, जो पहले 55 रुपये था।",
                "व्यापारी संघ की अध्यक्ष मोरा ओकाफोर ने कहा कि 30 में से 23 दुकानें पहले ही ले ली गई हैं।",
            ],
        ),
        (
            "हॉलिन फूड्स थॉर्नविक संयंत्र में 120 नौकरियां देगी",
            [
                "हॉलिन फूड्स अगले साल अपने थॉर्नविक संयंत्र में 120 नौकरियां देगी, मुख्य कार्यकारी "
                "गौतम आशबी ने मंगलवार को कहा।",
                "कंपनी वहां दूसरी पैकिंग लाइन पर 9 करोड़ रुपये खर्च करेगी।",
                "आशबी ने कहा कि पिछले साल संयंत्र का उत्पादन 17 प्रतिशत बढ़ा।",
            ],
        ),
        (
            "फालोमेयर स्कूल ने जिला विज्ञान पुरस्कार जीता",
            [
                "फालोमेयर हाई स्कूल के छात्रों ने बुधवार को रेत और कोयले से बने जल फिल्टर के लिए जिला "
                "विज्ञान पुरस्कार जीता।",
                "5 छात्रों की टीम ने 26 दूसरे स्कूलों को हराया, प्रधानाचार्य फियोना करो ने बताया।",
                "अंतिम परीक्षण में उनके फिल्टर ने एक घंटे में 40 लीटर नदी का पानी साफ किया।",
            ],
        ),
    ],
    [
        "वेंडल पुल पर गुरुवार से अस्थायी ट्रैफिक लाइटें लगाई जाएंगी, प्रिया व्हिटलॉक ने बताया।",
        "चौराहों पर कुल 9 वार्डन तैनात किए जाएंगे और रात में गश्त भी होगी।",
    ],
)

GERMAN = Texts(
    "de",
    "Aschberg sperrt Wendelbrücke für Lastwagen nach Rissen in den Pfeilern",
    "Was Pendler jetzt wissen müssen: Die Wendelbrücke in Aschberg ist für schwere Lastwagen zu",
    [
        "Der Stadtrat von Aschberg hat am Montag beschlossen, die Wendelbrücke für Lastwagen zu "
        "sperren, nachdem Ingenieure Risse in vier Pfeilern gefunden hatten.",
        "Der Antrag wurde mit 31 zu 12 Stimmen angenommen, Dieter Pranger stimmte dagegen.",
        "Die Ingenieure maßen bei einer Prüfung im Auftrag von Kalder Fracht Risse von bis zu 6 "
        "Millimetern Breite. Die Prüfung dauerte drei Wochen.",
        "Eine vollständige Sanierung würde laut einem Bericht von Dieter Pranger etwa 18 Millionen "
        "Euro kosten. Die Arbeiten könnten nicht vor dem Herbst beginnen.",
        "Spediteure sagten, die Umleitung verlängere jede Lieferung aus dem Lager von Kalder "
        "Fracht um 14 Kilometer.",
        "Alexandra Haller sagte, Busse und Autos unter 7 Tonnen dürften die Brücke weiter "
        "benutzen.",
    ],
    "Was bedeutet das für die Menschen in Aschberg? Hier ist, was wir bisher wissen.",
    "Stadtportal Live bringt Ihnen jeden Tag die Nachrichten, die in Ihrer Region zählen. "
    "Abonnieren Sie unseren Morgenbrief, um die Nachrichten vor dem ersten Kaffee zu lesen. "
    "Unsere Reporter verfolgen Wirtschaft, Politik und Verkehr im ganzen Landkreis.",
    "Die Behörden in Aschberg beobachten die Lage nach eigenen Angaben genau.",
    [
        (
            "Markthalle in Redburg öffnet im Mai wieder",
            [
                "Die Markthalle in Redburg öffnet am 4. Mai nach einem Umbau für 2 Millionen Euro "
                "wieder, teilte die Stadt mit.",
                "Händler zahlen künftig 40 Euro pro Woche für einen Stand, vorher waren es 55 "
                "Euro.",
                "Marga Okafor vom Händlerverein sagte, 23 von 30 Ständen seien schon vergeben.",
            ],
        ),
        (
            "Hollin Foods schafft 120 Stellen in Dornwick",
            [
                "Hollin Foods schafft im nächsten Jahr 120 Stellen im Werk Dornwick, sagte "
                "Vorstandschef Gerhard Asbach am Dienstag.",
                "Das Unternehmen investiert 9 Millionen Euro in eine zweite Verpackungslinie.",
                "Die Produktion des Werks sei im letzten Jahr um 17 Prozent gestiegen, so Asbach.",
            ],
        ),
        (
            "Schule in Fallmeer gewinnt Wissenschaftspreis",
            [
                "Schüler der Realschule Fallmeer gewannen am Mittwoch den Wissenschaftspreis des "
                "Kreises für einen Wasserfilter aus Sand und Holzkohle.",
                "Das Team aus 5 Schülern setzte sich gegen 26 Schulen durch, sagte Rektorin Fiona "
                "Karow.",
                "Ihr Filter reinigte im Finale 40 Liter Flusswasser pro Stunde.",
            ],
        ),
    ],
    [
        "Ab Donnerstag regeln provisorische Ampeln den Verkehr auf der Wendelbrücke, sagte Petra "
        "Wittlock.",
        "An den Kreuzungen werden insgesamt 9 Ordner eingesetzt, nachts fährt zudem eine Streife.",
    ],
)

LANGUAGES = pytest.mark.parametrize("t", [HINDI, GERMAN], ids=["hi", "de"])


def _fp(t: Texts, headline: str, paragraphs: list[str]) -> Fingerprint:
    return fingerprint(headline, "\n\n".join(paragraphs), t.language)


def _add(index: SyndicationIndex, key: str, fp: Fingerprint, hours: float, group: int) -> None:
    index.add(key, fp, T0 + timedelta(hours=hours), group=group)


def _found(index: SyndicationIndex, fp: Fingerprint, hours: float = 6) -> list[Match]:
    return index.matches(fp, T0 + timedelta(hours=hours))


# --- a copy that holds two stories joins both -------------------------------------------


@LANGUAGES
def test_a_copy_holding_the_wire_and_a_copy_left_apart_joins_both(t: Texts) -> None:
    """A portal's copy left in a story of its own (its background not yet known) and the wire
    are both inside a later copy: ingest is told both, so it makes them one story."""
    index = SyndicationIndex()
    _add(index, "wire", _fp(t, t.headline, t.wire), 0, group=1)
    apart = [t.portal_lead, t.wire[2], t.portal_background, t.wire[3]]
    _add(index, "apart", _fp(t, t.rewritten, apart), 2, group=2)
    assert [m.group for m in _found(index, _fp(t, t.rewritten, apart), 3)] == [2]  # alone
    later = _fp(t, t.rewritten, [t.portal_lead, t.wire[2], t.wire[3]])
    assert sorted(m.key for m in _found(index, later)) == ["apart", "wire"]


# --- stories made one count once ------------------------------------------------------------


@LANGUAGES
def test_copies_merged_into_one_story_do_not_make_its_sentences_boilerplate(t: Texts) -> None:
    """The wire and three agencies' copies of it, each first a story of its own, then made one:
    the wire's sentences are under one story, and a portal's copy of it is found."""
    index = SyndicationIndex()
    _add(index, "wire", _fp(t, t.headline, t.wire), 0, group=1)
    for n in range(3):
        _add(index, f"agency-{n}", _fp(t, f"{t.headline} ({n})", t.wire[1:]), n + 1, group=n + 2)
    copy = _fp(t, t.rewritten, [t.portal_lead, t.wire[2], t.wire[3], t.wire[4]])
    assert _found(index, copy) == []  # four stories hold every sentence: boilerplate
    for n in range(3):
        index.merge_groups(1, n + 2)
    assert [m.group for m in _found(index, copy)] == [1]


# --- a portal's own closing paragraph --------------------------------------------------------


@LANGUAGES
def test_a_new_background_closing_a_portal_copy_is_not_text_the_wire_lacks(t: Texts) -> None:
    """The first copy a portal puts its background under, at the end: nothing has seen the
    background before, yet the copy is the wire's story."""
    index = SyndicationIndex()
    _add(index, "wire", _fp(t, t.headline, t.wire), 0, group=1)
    copy = [t.portal_lead, t.wire[2], t.wire[4], t.portal_background]
    assert [m.key for m in _found(index, _fp(t, t.rewritten, copy))] == ["wire"]


@LANGUAGES
def test_a_new_background_inside_a_portal_copy_counts_until_seen_elsewhere(t: Texts) -> None:
    """Only the closing paragraph is the portal's own by place: a new background between the
    wire's paragraphs is text the wire lacks until three other stories carry it."""
    index = SyndicationIndex()
    _add(index, "wire", _fp(t, t.headline, t.wire), 0, group=1)
    copy = _fp(t, t.rewritten, [t.portal_lead, t.wire[2], t.portal_background, t.wire[4]])
    assert _found(index, copy) == []
    for n, (headline, paragraphs) in enumerate(t.others):
        _add(index, f"other-{n}", _fp(t, headline, [*paragraphs, t.portal_background]), 1, n + 2)
    assert [m.key for m in _found(index, copy)] == ["wire"]


@LANGUAGES
def test_a_short_update_ending_in_its_own_paragraph_stays_apart(t: Texts) -> None:
    """A short update that shares only the agency's background with the story, its own
    paragraph closing it: left out, the rest is the one shared paragraph, which is not
    enough."""
    background = t.others[0][1][1]  # any paragraph both agencies' stories carry
    index = SyndicationIndex()
    _add(index, "wire", _fp(t, t.headline, [*t.wire[:4], background, *t.wire[4:]]), 0, group=1)
    update = [t.update[0], background, t.update[1]]
    assert _found(index, _fp(t, t.update[0][:40], update), 20) == []


# --- a sentence both sides carry -------------------------------------------------------------


@LANGUAGES
def test_a_stock_sentence_both_carry_is_evidence_until_three_other_stories_have_it(
    t: Texts,
) -> None:
    """A sentence of a common frame ("officials are watching the situation in X") that two
    other stories also carry: with the wire's story that makes three, yet the wire's own story
    holding it says nothing, so for this pair it is still shared text."""
    index = SyndicationIndex()
    wire = [*t.wire[:4], t.stock, *t.wire[4:]]
    _add(index, "wire", _fp(t, t.headline, wire), 0, group=1)
    for n, (headline, paragraphs) in enumerate(t.others[:2]):
        _add(index, f"other-{n}", _fp(t, headline, [*paragraphs, t.stock]), 1, group=n + 2)
    copy = _fp(t, t.rewritten, [t.portal_lead, t.stock, t.wire[3]])
    assert [m.key for m in _found(index, copy)] == ["wire"]
    # under a third other story it is boilerplate, and the copy shares one paragraph
    headline, paragraphs = t.others[2]
    _add(index, "other-2", _fp(t, headline, [*paragraphs, t.stock]), 1, group=4)
    assert _found(index, copy) == []


# --- a teaser -------------------------------------------------------------------------------


@LANGUAGES
def test_a_teaser_with_a_new_headline_is_the_story(t: Texts) -> None:
    """The headline rewritten and the lead alone: coverage falls short, the lead is the
    wire's lead paragraph, in its place."""
    index = SyndicationIndex()
    _add(index, "wire", _fp(t, t.headline, t.wire), 0, group=1)
    teaser = _fp(t, t.rewritten, [t.wire[0]])
    found = _found(index, teaser)
    assert [m.key for m in found] == ["wire"] and "after the lead" in found[0].reason
    # and the wire, arriving after its teaser, finds it
    index = SyndicationIndex()
    _add(index, "teaser", teaser, 0, group=1)
    assert [m.key for m in _found(index, _fp(t, t.headline, t.wire))] == ["teaser"]


@LANGUAGES
def test_a_story_that_recaps_the_lead_further_down_is_not_the_teaser_s(t: Texts) -> None:
    """Day two of an event repeats day one's lead in its third paragraph: a teaser of day one
    is not a teaser of day two."""
    index = SyndicationIndex()
    day_two = [t.update[0], t.update[1], t.wire[0], t.others[0][1][2]]
    _add(index, "day-two", _fp(t, t.update[0][:40], day_two), 0, group=1)
    assert _found(index, _fp(t, t.rewritten, [t.wire[0]])) == []


# --- a teaser that shares only its headline ----------------------------------------------


def _trimmed_lead(t: Texts) -> str:
    """The wire's lead cut at its last comma, as a portal trims a teaser inside its one
    sentence: no sentence of it is the wire's any more."""
    lead = t.wire[0]
    return lead[: lead.rfind(",")] + ("।" if t.language == "hi" else ".")


def _headline_as_lead(t: Texts) -> str:
    """A portal's own lead: the headline turned into a sentence."""
    if t.language == "hi":
        return f"एक अहम घटनाक्रम में, {t.headline}।"
    return f"Das ist die wichtigste Nachricht des Tages: {t.headline}."


@LANGUAGES
@pytest.mark.parametrize("body", [_trimmed_lead, _headline_as_lead], ids=["trimmed", "own"])
def test_a_teaser_sharing_only_the_headline_is_the_story(t: Texts, body: object) -> None:
    """A one-paragraph copy under the wire's very headline, its paragraph trimmed inside its
    one sentence or written by the portal: no sentence is shared, the headline names the
    story, and no other story in the window carries it. In either order of arrival."""
    assert callable(body)
    teaser = _fp(t, t.headline, [body(t)])
    index = SyndicationIndex()
    _add(index, "wire", _fp(t, t.headline, t.wire), 0, group=1)
    found = _found(index, teaser)
    assert [m.key for m in found] == ["wire"] and "same headline" in found[0].reason
    # the teaser dated after the wire but arriving first: the wire finds it
    index = SyndicationIndex()
    _add(index, "teaser", teaser, 6, group=1)
    assert [m.key for m in _found(index, _fp(t, t.headline, t.wire), 0)] == ["teaser"]


@LANGUAGES
def test_a_teaser_quoting_the_headline_under_a_new_one_is_the_story(t: Texts) -> None:
    """The portal's own lead is the wire's headline turned into a sentence, and its own
    headline is rewritten: nothing but the quoted headline is the wire's. In either order."""
    teaser = _fp(t, t.rewritten, [_headline_as_lead(t)])
    index = SyndicationIndex()
    _add(index, "wire", _fp(t, t.headline, t.wire), 0, group=1)
    found = _found(index, teaser)
    assert [m.key for m in found] == ["wire"] and "ending in the headline" in found[0].reason
    index = SyndicationIndex()
    _add(index, "teaser", teaser, 6, group=1)
    assert [m.key for m in _found(index, _fp(t, t.headline, t.wire), 0)] == ["teaser"]


@LANGUAGES
def test_a_desk_label_over_a_headline_that_opens_with_one_is_left_out(t: Texts) -> None:
    """The wire's headline opens with a phrase and a colon, which reads as a desk's label; a
    portal puts its own label in front of it. Both are left out, so the teaser's headline is
    the wire's."""
    topic = "वेंडल पुल" if t.language == "hi" else "Wendelbrücke"
    label = "बड़ी ख़बर" if t.language == "hi" else "Eilmeldung"
    index = SyndicationIndex()
    _add(index, "wire", _fp(t, f"{topic}: {t.headline}", t.wire), 0, group=1)
    teaser = _fp(t, f"{label}: {topic}: {t.headline}", [_trimmed_lead(t)])
    assert [m.key for m in _found(index, teaser)] == ["wire"]


@LANGUAGES
def test_a_headline_two_stories_carry_joins_no_teaser(t: Texts) -> None:
    """Day two of an event under day one's headline: the headline no longer says which story
    a teaser under it is, so it is joined to neither; and a third story under it, arriving
    after a teaser was joined to the first, is not joined to that teaser."""
    day_two = _fp(t, t.headline, [t.update[0], t.update[1], t.others[0][1][2]])
    teaser = _fp(t, t.headline, [_headline_as_lead(t)])
    index = SyndicationIndex()
    _add(index, "wire", _fp(t, t.headline, t.wire), 0, group=1)
    _add(index, "day-two", day_two, 24, group=2)
    assert _found(index, teaser, 26) == []
    # a teaser joined to the wire, then another story under the headline: not joined to it
    index = SyndicationIndex()
    _add(index, "wire", _fp(t, t.headline, t.wire), 0, group=1)
    assert [m.key for m in _found(index, teaser, 2)] == ["wire"]
    _add(index, "teaser", teaser, 2, group=1)
    assert _found(index, _fp(t, t.headline, [*t.others[1][1], t.update[1]]), 3) == []


@LANGUAGES
def test_a_teaser_dated_before_the_story_is_not_its_teaser(t: Texts) -> None:
    """A teaser copies its story: one dated ten hours before a story under its headline is a
    teaser of an earlier story that carried the headline (day one, before day two reused
    it), not of this one."""
    index = SyndicationIndex()
    _add(index, "teaser", _fp(t, t.headline, [_trimmed_lead(t)]), 0, group=1)
    assert _found(index, _fp(t, t.headline, t.wire), 10) == []


@LANGUAGES
def test_a_short_headline_names_no_story(t: Texts) -> None:
    """Under five words ("Weather update", "Sensex ends higher") a headline names a kind of
    story, not one: a teaser under it is not joined by it."""
    short = " ".join(t.headline.split()[:4])
    index = SyndicationIndex()
    _add(index, "wire", _fp(t, short, t.wire), 0, group=1)
    assert _found(index, _fp(t, short, [_trimmed_lead(t)])) == []
    assert _found(index, _fp(t, short, [f"{t.portal_lead} {short}"])) == []


# --- a dateline in a paragraph of its own ------------------------------------------------


def _dateline_line(t: Texts) -> str:
    """The wire's dateline as a CMS leaves it: a paragraph of its own, doubled and no-break
    spaces inside."""
    if t.language == "hi":
        return "अशोकपुर,  2\xa0 मार्च (एसबी)।"
    return "Aschberg,  2.\xa0März (IWS) –"


@LANGUAGES
def test_a_teaser_under_a_dateline_of_its_own_is_a_one_paragraph_teaser(t: Texts) -> None:
    """The dateline above the teaser's lead, on a line of its own: the line is left out, as
    the pipeline lifts it, and the teaser is measured as the one paragraph it is, by its
    lead (rewritten headline) and by its headline (trimmed lead), in either order."""
    for headline, lead in ((t.rewritten, t.wire[0]), (t.headline, _trimmed_lead(t))):
        teaser = _fp(t, headline, [_dateline_line(t), lead])
        assert teaser == _fp(t, headline, [lead])
        index = SyndicationIndex()
        _add(index, "wire", _fp(t, t.headline, t.wire), 0, group=1)
        assert [m.key for m in _found(index, teaser)] == ["wire"]
        index = SyndicationIndex()
        _add(index, "teaser", teaser, 6, group=1)
        assert [m.key for m in _found(index, _fp(t, t.headline, t.wire), 0)] == ["teaser"]


@LANGUAGES
def test_a_body_that_is_nothing_but_a_dateline_keeps_it(t: Texts) -> None:
    """Left out, a dateline that is the whole body would leave nothing to compare: as the
    pipeline does, such a body keeps it."""
    alone = _fp(t, t.headline, [_dateline_line(t)])
    assert alone != _fp(t, t.headline, [""])


# --- a copy under the wire's very headline ----------------------------------------------


def _with_known_background(t: Texts, index: SyndicationIndex) -> None:
    """Three other stories carry the portal's background: it is boilerplate."""
    for n, (headline, paragraphs) in enumerate(t.others):
        _add(index, f"other-{n}", _fp(t, headline, [*paragraphs, t.portal_background]), 1, n + 2)


def _label(t: Texts) -> str:
    return "बड़ी ख़बर" if t.language == "hi" else "Eilmeldung"


@LANGUAGES
def test_a_copy_keeping_one_wire_paragraph_under_its_headline_is_the_story(t: Texts) -> None:
    """A portal's lead, one of the wire's paragraphs and the portal's background, under the
    wire's headline with a desk's label: one paragraph shared is too little for containment,
    but nothing after the lead is the copy's own and the headline names the wire. In either
    order of arrival."""
    copy = _fp(t, f"{_label(t)}: {t.headline}", [t.portal_lead, t.wire[2], t.portal_background])
    index = SyndicationIndex()
    _with_known_background(t, index)
    _add(index, "wire", _fp(t, t.headline, t.wire), 0, group=1)
    found = _found(index, copy)
    assert [m.key for m in found] == ["wire"] and "same headline" in found[0].reason
    index = SyndicationIndex()
    _with_known_background(t, index)
    _add(index, "copy", copy, 6, group=1)
    assert [m.key for m in _found(index, _fp(t, t.headline, t.wire), 0)] == ["copy"]


@LANGUAGES
def test_a_story_under_the_wire_s_headline_with_text_of_its_own_stays_apart(t: Texts) -> None:
    """Day two of an event under day one's headline, sharing one paragraph (a recap) and
    adding its own: text of its own after the lead is another story."""
    day_two = [t.update[0], t.wire[2], t.update[1]]
    index = SyndicationIndex()
    _add(index, "wire", _fp(t, t.headline, t.wire), 0, group=1)
    assert _found(index, _fp(t, t.headline, day_two), 24) == []


@LANGUAGES
def test_a_copy_under_a_headline_two_stories_carry_or_dated_before_stays_apart(t: Texts) -> None:
    """The headline names no story once two carry it; and a copy does not predate its
    story."""
    copy = _fp(t, t.headline, [t.portal_lead, t.wire[2]])
    index = SyndicationIndex()
    _add(index, "wire", _fp(t, t.headline, t.wire), 0, group=1)
    _add(index, "other", _fp(t, t.headline, [*t.others[0][1], t.update[1]]), 1, group=2)
    assert _found(index, copy) == []
    index = SyndicationIndex()
    _add(index, "wire", _fp(t, t.headline, t.wire), 10, group=1)
    assert _found(index, copy, 0) == []


@LANGUAGES
def test_a_five_word_headline_after_its_opening_phrase_names_the_story(t: Texts) -> None:
    """A wire's headline that opens with a phrase and a colon keeps five words once the
    phrase is left out as a label: still who did what, so a teaser under it is joined."""
    topic = "वेंडल पुल" if t.language == "hi" else "Wendelbrücke"
    headline = f"{topic}: {' '.join(t.headline.split()[:5])}"
    index = SyndicationIndex()
    _add(index, "wire", _fp(t, headline, t.wire), 0, group=1)
    assert [m.key for m in _found(index, _fp(t, headline, [_trimmed_lead(t)]))] == ["wire"]


def _tail(t: Texts) -> str:
    return " - पढ़ें पूरी खबर" if t.language == "hi" else ": die Einzelheiten"


@LANGUAGES
def test_a_teaser_under_the_headline_with_a_desk_s_tail_is_the_story(t: Texts) -> None:
    """A portal adds a few words after the wire's headline: the headline is still the
    wire's, and names the story a trimmed teaser under it belongs to."""
    index = SyndicationIndex()
    _add(index, "wire", _fp(t, t.headline, t.wire), 0, group=1)
    teaser = _fp(t, f"{t.headline}{_tail(t)}", [_trimmed_lead(t)])
    assert [m.key for m in _found(index, teaser)] == ["wire"]
