"""What a dateline looks like: `NEW DELHI, Feb 5 (IANS) —`, `नई दिल्ली, 5 फरवरी (आईएएनएस)।`.

Agency copy opens with the place and date it was filed from, in one of a few shapes per
language (`LEADING_DATELINES`). Some originators write them into the first sentence instead
(the seed: `... ने 5 फरवरी को पेइचिंग के जन बृहद भवन में ...`), which `inline_dateline` reads
only when a conservative pattern is sure. The pipeline lifts a leading dateline out of the body
into `dateline_place`/`dateline_date`; syndication leaves it out of the matching key, since one
desk keeps it and another drops it.
"""

from __future__ import annotations

import re

_NUKTA = "\u093c"
_HI_MONTHS = (
    rf"(?:जनवरी|फ{_NUKTA}?रवरी|मार्च|अप्रैल|अप्रेल|मई|जून|जुलाई|अगस्त|सितंबर|सितम्बर"
    r"|अक्टूबर|अक्तूबर|अक्तुबर|नवंबर|नवम्बर|दिसंबर|दिसम्बर)"
)
_EN_MONTHS = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
_DIGITS = r"[0-9०-९]"
_DEVA_WORD = r"[\u0900-\u0963\u0966-\u097F]+"  # Devanagari without the danda signs
_EN_PLACE = r"[A-Z][A-Za-z.'\-]*(?:\s+[A-Z][A-Za-z.'\-]*){0,3}"
_EN_DATE = (
    rf"{_EN_MONTHS}\.?\s+\d{{1,2}}(?:,?\s+\d{{4}})?|\d{{1,2}}\s+{_EN_MONTHS}\.?(?:,?\s+\d{{4}})?"
)
_EN_CAPS_PLACE = r"[A-Z][A-Z.'\-]+(?:\s+[A-Z][A-Z.'\-]*){0,3}"
_KNOWN_AGENCIES = (
    r"Reuters|AP|AFP|IANS|PTI|ANI|UNI|Bloomberg|dpa|DPA|Xinhua|EFE|ANSA|Kyodo|Yonhap|TASS"
    r"|Bernama|WAM|APP|BSS|RSS|Thomson Reuters Foundation"
)
_HI_DATE = rf"{_DIGITS}{{1,2}}\s+{_HI_MONTHS}(?:,?\s+{_DIGITS}{{4}})?"
# The state or country after a lesser-known place: `KESARGARH (Rajasthan),`, `केसरगढ़ (राजस्थान),`.
# Only in patterns that also need a date, so "Apple (AAPL) -" stays no dateline.
_EN_REGION = r"\s*\([A-Z][A-Za-z.'&\-]*(?:\s+[A-Za-z.'&\-]+){0,3}\)"
_HI_REGION = rf"\s*\({_DEVA_WORD}(?:\s+{_DEVA_WORD}){{0,3}}\)"
_AGENCY = r"\((?P<agency>[^()]{1,30})\)"
_END = r"(?:\s*[-–—:|।]+\s*|\s*$)"

# A dateline at the start of a story's first line, tried in this order. Each match's end is
# where the story begins; groups: `place`, and `date` and `agency` where the shape has them.
LEADING_DATELINES = (
    # NEW DELHI, Feb 5 (IANS) —   Mumbai, February 5 (PTI):   WASHINGTON, D.C., Jan 5 -
    # KESARGARH (Rajasthan), Feb 4 (IWS) —
    re.compile(
        rf"^\s*(?P<place>{_EN_PLACE}(?:{_EN_REGION})?)(?:,\s*[A-Z][A-Za-z.']{{1,20}})?,"
        rf"\s+(?P<date>{_EN_DATE})"
        rf"(?:\s*{_AGENCY}\s*(?:[-–—:|]+\s*)?|{_END})"
    ),
    # LONDON (Reuters) -   (an all-caps place, or a known agency, so "Apple (AAPL) -" is not one)
    re.compile(rf"^\s*(?P<place>{_EN_CAPS_PLACE})\s*{_AGENCY}\s*[-–—:|]+\s*"),
    re.compile(rf"^\s*(?P<place>{_EN_PLACE})\s*\((?P<agency>{_KNOWN_AGENCIES})\)\s*[-–—:|]+\s*"),
    # नई दिल्ली, 5 फरवरी (आईएएनएस)।   मुंबई, 5 फरवरी।   केसरगढ़ (राजस्थान), 4 फरवरी (एसबी)।
    re.compile(
        rf"^\s*(?P<place>{_DEVA_WORD}(?:[\s/]+{_DEVA_WORD}){{0,3}}(?:{_HI_REGION})?)\s*,"
        rf"\s*(?P<date>{_HI_DATE})"
        rf"(?:\s*{_AGENCY}\s*(?:[-–—:|।]+\s*)?|{_END})"
    ),
    # नई दिल्ली (आईएएनएस)।
    re.compile(
        rf"^\s*(?P<place>{_DEVA_WORD}(?:\s+{_DEVA_WORD}){{0,3}})\s*{_AGENCY}\s*[-–—:|।]+\s*"
    ),
)

# Words that follow "5 फरवरी को" but are not places; seeing one means "not sure".
_HI_NOT_PLACE_WORDS = (
    "यहां यहाँ वहां वहाँ इस उस एक सुबह शाम रात दोपहर दिन उन्होंने उन्हें उनके उनकी उसके उसकी "
    "राष्ट्रपति प्रधानमंत्री मंत्री मुख्यमंत्री सरकार पुलिस अदालत कोर्ट टीम कंपनी लोगों देश राज्य "
    "शहर के की का में ने को से पर और भी हुई हुआ होने"
)
_HI_NOT_PLACES = frozenset(_HI_NOT_PLACE_WORDS.split())
_HI_INLINE = re.compile(
    rf"(?P<date>{_HI_DATE})\s+को\s+(?P<place>{_DEVA_WORD}(?:\s+{_DEVA_WORD})?)\s+(?:के|में|की)"
    rf"(?=[\s,।]|$)"
)
_EN_INLINE = [
    re.compile(rf"\bon\s+(?P<date>{_EN_DATE})\s+in\s+(?P<place>{_EN_PLACE})"),
    re.compile(rf"\bin\s+(?P<place>{_EN_PLACE})\s+on\s+(?P<date>{_EN_DATE})\b"),
]
_EN_NOT_PLACES = frozenset({"The", "A", "An", "This", "That", "His", "Her", "Their", "Its"})
_SENTENCE_END = re.compile(r"[।!?]|(?<![A-Z])(?<!\b(?:Jan|Feb|Mar|Apr|Aug|Sep|Oct|Nov|Dec))\.\s")


def _first_sentence(text: str) -> str:
    match = _SENTENCE_END.search(text)
    return text[: match.start()] if match else text[:400]


def inline_dateline(first_line: str) -> tuple[str | None, str | None]:
    """(place, date) written into the first sentence of a story's first line (its plain
    text), or (None, None) when not sure."""
    sentence = _first_sentence(first_line)
    match = _HI_INLINE.search(sentence)
    if match:
        place = match.group("place")
        if not any(word in _HI_NOT_PLACES for word in place.split()):
            return place, match.group("date")
        return None, None
    for pattern in _EN_INLINE:
        match = pattern.search(sentence)
        if match and match.group("place").split()[0] not in _EN_NOT_PLACES:
            return match.group("place"), match.group("date")
    return None, None
