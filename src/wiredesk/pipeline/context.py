"""What a stage may know beyond the item: the source, the site, and when the payload arrived.

A module of its own so that every stage can import it without importing the module that runs
the stages (`stages.py` imports every stage; a stage never imports `stages.py`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from wiredesk.config import SiteSettings, SourceSettings


@dataclass(frozen=True, slots=True)
class StageContext:
    """What a stage may know beyond the item: the source and site it is processed for."""

    source_name: str  # e.g. "IANS"
    default_section: str  # the source's configured section slug
    site_language: str  # "hi" or "en"
    sections: Mapping[str, str] = field(default_factory=dict)  # slug -> display name
    feed_language: str | None = None  # the feed-level language, if declared
    # When the payload arrived (aware UTC); None: the time-sanity stage has nothing to compare
    # the source's times with and leaves them alone.
    received_at: datetime | None = None
    source_aliases: tuple[str, ...] = ()  # other names the source signs with (`aliases`)
    # Every name a section goes by (`config.section_key` of its slug, names and aliases: an
    # agency's category or an IPTC subject code) -> the section's slug.
    section_keys: Mapping[str, str] = field(default_factory=dict)


def context_for(
    site: SiteSettings,
    source: SourceSettings,
    feed_language: str | None = None,
    *,
    received_at: datetime | None = None,
) -> StageContext:
    """The context for items of one payload of one source, from the validated settings."""
    return StageContext(
        source_name=source.name,
        default_section=source.section,
        site_language=site.language,
        sections={slug: s.names.get(site.language, slug) for slug, s in site.sections.items()},
        feed_language=feed_language,
        received_at=received_at,
        source_aliases=source.aliases,
        section_keys=site.section_keys,
    )
