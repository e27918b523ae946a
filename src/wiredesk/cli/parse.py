"""`wiredesk parse FILE...`: what wiredesk makes of an agency file, without a site.

Each file is read as ingest would read it (`wiredesk.parse_document`): format detected, every
item parsed and run through the pipeline. `--json` prints one ninjs-shaped object per item
(with the file's name under "file"), and one object per problem or error; without it, a short
readable summary. Exit code 1 if any file could not be read.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from wiredesk.cli.output import EXIT_SOURCE_FAILED, json_option

if TYPE_CHECKING:
    from wiredesk.model import Item


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@json_option
def parse(files: tuple[str, ...], as_json: bool) -> None:
    """Show what wiredesk makes of each agency FILE: items, fields, problems."""
    from wiredesk.api import parse_document
    from wiredesk.errors import WiredeskError

    failed = False
    for name in files:
        try:
            data = Path(name).read_bytes()
            parsed = parse_document(data, location=name)
        except OSError as e:
            failed = True
            _error(name, f"cannot read the file ({e.strerror or e})", as_json)
            continue
        except WiredeskError as e:
            failed = True
            _error(name, str(e), as_json)
            continue
        if as_json:
            for item in parsed.items:
                click.echo(json.dumps(as_ninjs(item, name), ensure_ascii=False))
            for problem in parsed.problems:
                click.echo(json.dumps({"file": name, "problem": problem}, ensure_ascii=False))
            continue
        count = len(parsed.items)
        click.echo(f"{name}: {parsed.format}, {count} item{'' if count == 1 else 's'}")
        for item in parsed.items:
            _describe(item)
        for problem in parsed.problems:
            click.echo(f"  problem: {problem}")
    if failed:
        click.get_current_context().exit(EXIT_SOURCE_FAILED)


def _error(name: str, message: str, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps({"file": name, "error": message}, ensure_ascii=False))
    else:
        click.echo(f"{name}: error: {message}", err=True)


def _describe(item: Item) -> None:
    click.echo(f"- {item.guid}")
    fields = [
        ("headline", item.headline),
        ("published", item.published_at.isoformat() if item.published_at else None),
        ("updated", item.updated_at.isoformat() if item.updated_at else None),
        ("language", item.language),
        ("status", item.pub_status.value),
        ("embargo until", item.embargo_until.isoformat() if item.embargo_until else None),
        ("byline", item.byline),
        ("dateline", ", ".join(p for p in (item.dateline_place, item.dateline_date) if p)),
        ("credit line", item.credit_line),
        ("originator", item.originator),
        ("source line", item.upstream_source),
        ("slug", item.slug),
        ("body", f"{len(item.body_text):,} characters of text"),
    ]
    for label, value in fields:
        if value:
            click.echo(f"    {label}: {value}")


def as_ninjs(item: Item, file: str) -> dict[str, Any]:
    """The item in ninjs 2.x names, wiredesk's lifted fields under "_wiredesk"."""

    def iso(value: Any) -> str | None:
        return value.isoformat() if value is not None else None

    headlines = [{"role": "main", "value": item.headline}]
    if item.subheadline:
        headlines.append({"role": "sub", "value": item.subheadline})
    out: dict[str, Any] = {
        "file": file,
        "format": item.format,
        "uri": item.guid,
        "type": "text",
        "version": None if item.version is None else str(item.version),
        "firstcreated": iso(item.published_at),
        "versioncreated": iso(item.updated_at),
        "embargoed": iso(item.embargo_until),
        "pubstatus": item.pub_status.value,
        "urgency": item.urgency,
        "language": item.language,
        "headlines": headlines,
        "descriptions": [{"role": "summary", "value": item.summary}] if item.summary else [],
        "bodies": [{"role": "main", "contenttype": "text/html", "value": item.body_html}],
        "bylines": [{"byline": item.byline}] if item.byline else [],
        "slugline": item.slugline,
        "subjects": [
            {k: v for k, v in (("name", s.name), ("uri", s.code), ("scheme", s.scheme)) if v}
            for s in item.subjects
        ],
        "keywords": list(item.keywords),
        "copyrightnotice": item.copyright,
        "usageterms": item.usage_terms,
        "infosources": [
            {k: v for k, v in (("name", h.name), ("uri", h.uri), ("role", h.role)) if v}
            for h in item.provenance
        ],
        "associations": [
            {
                k: v
                for k, v in (
                    ("type", "picture"),
                    ("uri", img.href),
                    ("headline", img.caption),
                    ("mimetype", img.mime),
                )
                if v
            }
            for img in item.images
        ],
        "_wiredesk": {
            "link": item.link,
            "categories": list(item.categories),
            "signals": [s.value for s in item.signals],
            "correction_note": item.correction_note,
            "credit_line": item.credit_line,
            "originator": item.originator,
            "upstream_disclaimer": item.upstream_disclaimer,
            "upstream_source": item.upstream_source,
            "dateline_place": item.dateline_place,
            "dateline_date": item.dateline_date,
            "slug": item.slug,
            "body_text": item.body_text,
        },
    }
    return {k: v for k, v in out.items() if v not in (None, [], "")}
