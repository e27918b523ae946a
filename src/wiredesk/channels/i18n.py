"""Interface strings in each edition's language.

Only the chrome around stories is translated; stories keep the language they were written in,
and an edition lists only stories in its own language, so the chrome and the stories agree.
A missing key falls back to English so a new string never breaks a page in the other language.
"""

from __future__ import annotations

import unicodedata

_EN: dict[str, str] = {
    "home": "Home",
    "latest": "Latest news",
    "section": "Section",
    "sections": "Sections",
    "source": "Source",
    "agency": "Agency",
    "stories_from": "Stories from",
    "updated": "Updated",
    "received": "received",
    "published": "Published",
    "versions": "Versions",
    "version": "Version",
    "next": "Next",
    "previous": "Previous",
    "older": "Older stories",
    "newest": "Latest stories",
    "page": "Page",
    "of": "of",
    "page_not_found": "Page not found",
    "not_found_text": "We could not find this page. It may have moved or the address is wrong.",
    "back_home": "Go to the home page",
    "also_reported": "Also reported by",
    "no_stories": "No stories here yet.",
    "by": "By",
    "feeds": "Feeds",
    "original": "Original at the agency",
    "provenance": "Provenance",
    "originator": "Originally from",
    "tags": "Topics",
    "auto_published": "Stories on this site are published automatically from news agency feeds.",
    "font_license": "Font licence",
    "skip": "Skip to content",
    "gone_title": "Story withdrawn",
    "gone_text": "This story has been withdrawn by the agency.",
    "gone_text_editor": "This story has been taken down by the editors.",
    "correction": "Correction",
    "corrections": "Corrections",
    "correction_default": "An earlier version of this story contained an error that has been "
    "corrected.",
    "images": "Images",
    "image": "Image",
    "copyright": "Copyright",
    "usage_terms": "Terms of use",
    "this_site": "this site",
    "language": "Language",
    "language_name": "English",
}

_HI: dict[str, str] = {
    "home": "होम",
    "latest": "ताज़ा ख़बरें",
    "section": "खंड",
    "sections": "खंड",
    "source": "स्रोत",
    "agency": "एजेंसी",
    "stories_from": "ख़बरें:",
    "updated": "अपडेट",
    "received": "प्राप्त",
    "published": "प्रकाशित",
    "versions": "संस्करण",
    "version": "संस्करण",
    "next": "अगला",
    "previous": "पिछला",
    "older": "पुरानी ख़बरें",
    "newest": "ताज़ा ख़बरें",
    "page": "पृष्ठ",
    "of": "/",
    "page_not_found": "पृष्ठ नहीं मिला",
    "not_found_text": "यह पृष्ठ नहीं मिला। हो सकता है यह हटा दिया गया हो या पता ग़लत हो।",
    "back_home": "होम पेज पर जाएँ",
    "also_reported": "इन्होंने भी दी ख़बर",
    "no_stories": "यहाँ अभी कोई ख़बर नहीं है।",
    "by": "",
    "feeds": "फ़ीड",
    "original": "एजेंसी पर मूल ख़बर",
    "provenance": "ख़बर का स्रोत",
    "originator": "मूल स्रोत",
    "tags": "विषय",
    "auto_published": "इस साइट पर ख़बरें समाचार एजेंसियों की फ़ीड से स्वतः प्रकाशित होती हैं।",
    "font_license": "फ़ॉन्ट लाइसेंस",
    "skip": "सामग्री पर जाएँ",
    "gone_title": "ख़बर वापस ली गई",
    "gone_text": "यह खबर एजेंसी ने वापस ले ली है।",
    "gone_text_editor": "यह खबर संपादकों ने हटा दी है।",
    "correction": "सुधार",
    "corrections": "सुधार",
    "correction_default": "इस ख़बर के पिछले संस्करण में एक ग़लती थी, जिसे सुधार दिया गया है।",
    "images": "तस्वीरें",
    "image": "तस्वीर",
    "copyright": "कॉपीराइट",
    "usage_terms": "उपयोग की शर्तें",
    "this_site": "यह साइट",
    "language": "भाषा",
    "language_name": "हिन्दी",
}

# Text in this file may have been typed with precomposed nukta letters; pages are NFC.
STRINGS: dict[str, dict[str, str]] = {
    "en": _EN,
    "hi": {k: unicodedata.normalize("NFC", v) for k, v in _HI.items()},
}


def strings(language: str) -> dict[str, str]:
    """All interface strings for `language`, English filling any gap."""
    return {**_EN, **STRINGS.get(language, {})}
