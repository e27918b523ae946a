"""Synthetic Hindi agency RSS for benchmarks: realistic length and shape, made deterministically.

Stories are assembled from sentence parts written for this project, so every run of the
benchmark reads the same bytes. About a fifth of the stories end the way the seed does: a
credit line, a website's disclaimer and a `Source :` line, so attribution lifting is measured.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

PLACES = [
    "नई दिल्ली",
    "मुंबई",
    "लखनऊ",
    "जयपुर",
    "पटना",
    "भोपाल",
    "कोलकाता",
    "चेन्नई",
    "पेइचिंग",
    "काठमांडू",
    "ढाका",
    "देहरादून",
    "रांची",
    "शिमला",
]
MONTHS = [
    "जनवरी",
    "फरवरी",
    "मार्च",
    "अप्रैल",
    "मई",
    "जून",
    "जुलाई",
    "अगस्त",
    "सितंबर",
    "अक्टूबर",
    "नवंबर",
    "दिसंबर",
]
SUBJECTS = [
    "राज्य सरकार",
    "केंद्रीय मंत्रालय",
    "नगर निगम",
    "जिला प्रशासन",
    "विश्वविद्यालय",
    "रेलवे बोर्ड",
    "स्वास्थ्य विभाग",
    "चुनाव आयोग",
    "क्रिकेट संघ",
    "व्यापार मंडल",
    "किसान संगठन",
    "पर्यटन विभाग",
]
VERBS = [
    "ने घोषणा की कि",
    "ने बताया कि",
    "ने स्पष्ट किया कि",
    "ने दावा किया कि",
    "के अधिकारियों ने कहा कि",
    "की ओर से जारी बयान में कहा गया कि",
]
CLAIMS = [
    "अगले महीने से नई योजना लागू की जाएगी",
    "परियोजना का पहला चरण समय पर पूरा हो गया है",
    "ग्रामीण इलाकों में सड़कों की मरम्मत का काम तेज़ किया जाएगा",
    "स्कूलों में डिजिटल कक्षाओं की संख्या दोगुनी की जाएगी",
    "बाढ़ प्रभावित परिवारों को राहत राशि जल्द दी जाएगी",
    "शहर में जल आपूर्ति की व्यवस्था में सुधार हुआ है",
    "खिलाड़ियों के प्रशिक्षण के लिए नया केंद्र खोला जाएगा",
    "छोटे व्यापारियों के लिए ऋण की प्रक्रिया आसान की गई है",
    "अस्पतालों में दवाओं की उपलब्धता पर नियमित निगरानी रखी जाएगी",
    "पर्यटकों की संख्या में पिछले साल की तुलना में बढ़ोतरी दर्ज की गई है",
]
TAILS = [
    "इस फैसले का स्थानीय लोगों ने स्वागत किया है।",
    "विपक्ष ने इस पर सवाल उठाए हैं।",
    "विशेषज्ञों का मानना है कि इससे रोजगार के अवसर बढ़ेंगे।",
    "अधिकारियों ने कहा कि काम की प्रगति की हर हफ्ते समीक्षा होगी।",
    "इस संबंध में विस्तृत दिशानिर्देश जल्द जारी किए जाएंगे।",
    "बैठक में कई वरिष्ठ अधिकारी भी मौजूद थे।",
]
HEADS = [
    "{s} ने {p} में नई योजना की घोषणा की",
    "{p}: {s} की बैठक में अहम फैसले",
    "{s} का बड़ा कदम, {p} को मिलेगा लाभ",
    "{p} में {s} ने शुरू किया विशेष अभियान",
    "{s} की रिपोर्ट: {p} में हालात सुधरे",
]
SECTIONS = ["desh", "videsh", "khel", "vyapar"]
TRAILER = (
    "(साभार : चाइना मीडिया ग्रुप, पेइचिंग)\n"
    "डिस्क्लेमरः यह आईएएनएस न्यूज फीड से सीधे पब्लिश हुई खबर है. इसके साथ न्यूज नेशन टीम ने किसी"
    " तरह की कोई एडिटिंग नहीं की है. ऐसे में संबंधित खबर को लेकर कोई भी जिम्मेदारी न्यूज एजेंसी की ही होगी.\n"
    "Source : IANS"
)


def _vocabulary() -> list[str]:
    """Every word of the sentence parts, once: what `varied` sentences are drawn from."""
    words = {w for part in (*SUBJECTS, *VERBS, *CLAIMS, *TAILS, *PLACES) for w in part.split()}
    return sorted(w.strip("।,") for w in words if w.strip("।,"))


VOCABULARY = _vocabulary()


def story(
    rng: random.Random,
    n: int,
    when: datetime,
    paragraphs: tuple[int, int] = (5, 9),
    varied: bool = False,
) -> tuple[str, str]:
    """A story of `paragraphs` (at least, at most) paragraphs: (5, 9) is about 8 KB of RSS
    item, (2, 4) about 4 KB.

    The sentences are assembled from a few dozen parts, so the same whole sentence recurs in
    thousands of stories: a worst case for the near-duplicate engine, which treats a sentence
    shared by many stories as boilerplate and compares candidates that share word runs.
    `varied` draws each sentence's words at random from the parts' vocabulary instead, so
    stories share words but almost never a sentence or a run of three words, as different
    stories of a real wire do; length and script stay as they were."""
    place, subject = rng.choice(PLACES), rng.choice(SUBJECTS)
    headline = rng.choice(HEADS).format(s=subject, p=place) + f" ({n})"
    paras = []
    lead = f"{place}, {when.day} {MONTHS[when.month - 1]} (आईएएनएस)। "
    for p in range(rng.randint(*paragraphs)):
        sents = []
        for _ in range(rng.randint(2, 4)):
            if varied:
                sents.append(_varied_sentence(rng) + " " + _varied_sentence(rng))
                continue
            sents.append(
                f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(CLAIMS)}। "
                f"{rng.choice(TAILS)}"
            )
        paras.append((lead if p == 0 else "") + " ".join(sents))
    body = "".join(f"<p>{escape(x)}</p>" for x in paras)
    if n % 5 == 0:
        body += "".join(f"<p>{escape(line)}</p>" for line in TRAILER.split("\n"))
    return headline, body


def _varied_sentence(rng: random.Random) -> str:
    return " ".join(rng.choice(VOCABULARY) for _ in range(rng.randint(8, 12))) + "।"


def rss(items: list[str]) -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        "<channel><title>समाचार</title><link>https://wire.example/</link>"
        "<description>bench</description><language>hi</language>"
        + "".join(items)
        + "</channel></rss>\n"
    )


def write_corpus(
    out: Path,
    total: int = 10_000,
    per_file: int = 500,
    seed: int = 7,
    paragraphs: tuple[int, int] = (5, 9),
    varied: bool = False,
) -> list[Path]:
    """Write `total` items in RSS files of `per_file` items; returns the file paths."""
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    start = datetime(2026, 2, 5, 4, 30, tzinfo=UTC)
    files, batch = [], []
    for n in range(total):
        when = start + timedelta(minutes=n)
        headline, body = story(rng, n, when, paragraphs, varied)
        batch.append(
            f"<item><title>{escape(headline)}</title>"
            f"<link>https://wire.example/story/{n}</link>"
            f'<guid isPermaLink="false">bench-{n}</guid>'
            f"<pubDate>{format_datetime(when)}</pubDate>"
            f"<category>{SECTIONS[n % 4]}</category>"
            f"<description>{escape(body)}</description></item>"
        )
        if len(batch) == per_file:
            path = out / f"feed-{len(files):03d}.xml"
            path.write_text(rss(batch), encoding="utf-8")
            files.append(path)
            batch = []
    if batch:
        path = out / f"feed-{len(files):03d}.xml"
        path.write_text(rss(batch), encoding="utf-8")
        files.append(path)
    return files
