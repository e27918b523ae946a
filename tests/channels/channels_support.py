"""Helpers for the channel tests: settings in either language, story items, a movable clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from wiredesk.config import Settings, parse_settings
from wiredesk.model import Item

T0 = datetime(2026, 2, 5, 10, 0, tzinfo=UTC)  # 15:30 IST
DISCLAIMER = (
    "डिस्क्लेमरः यह आईएएनएस न्यूज फीड से सीधे पब्लिश हुई खबर है. "
    "इसके साथ टीम ने किसी तरह की कोई एडिटिंग नहीं की है."
)
CREDIT = "(साभार : चाइना मीडिया ग्रुप, पेइचिंग)"
BASE_URL = "https://news.example.com"


def make_settings(
    tmp_path: Path, language: str = "hi", page_size: int = 20, editions: tuple[str, ...] = ()
) -> Settings:
    """A site in `language`, publishing `editions` (other languages) under /<code>/ too."""
    return parse_settings(
        {
            "editions": {code: {} for code in editions},
            "site": {
                "name": "समाचार डेस्क" if language == "hi" else "Wire Desk",
                "language": language,
                "base_url": BASE_URL,
                "timezone": "Asia/Kolkata",
                "page_size": page_size,
            },
            "sections": {"videsh": "विदेश", "khel": "खेल"},
            "sources": [
                {
                    "id": "ians",
                    "name": "IANS",
                    "url": "https://wire.example/ians.xml",
                    "section": "videsh",
                    "disclaimer": DISCLAIMER,
                },
                {"id": "pti", "name": "PTI", "url": "https://wire.example/pti.xml"},
            ],
        },
        tmp_path / "wiredesk.toml",
    )


@dataclass
class Clock:
    now: datetime = field(default_factory=lambda: T0 + timedelta(days=1))

    def __call__(self) -> datetime:
        return self.now


def story_item(n: int, **kw: Any) -> Item:
    kw.setdefault("headline", f"ख़बर संख्या {n}")
    kw.setdefault("body_html", f"<p>पहला अनुच्छेद {n}।</p><p>दूसरा अनुच्छेद।</p>")
    kw.setdefault("body_text", f"पहला अनुच्छेद {n}।\n\nदूसरा अनुच्छेद।")
    kw.setdefault("slug", f"khabar-{n}")
    kw.setdefault("section", "videsh")
    kw.setdefault("language", "hi")
    kw.setdefault("published_at", T0 + timedelta(minutes=n))
    return Item(guid=kw.pop("guid", f"guid-{n}"), **kw)


Filler = Callable[..., str]
