"""Settings for editions and sections: which languages the site publishes, under which path,
and the names a section goes by (its aliases); a source naming no known section is refused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from wiredesk.config import Edition, Settings, load_settings, parse_settings
from wiredesk.errors import ConfigError

SOURCE = {"id": "pti", "name": "PTI", "url": "https://wire.example/pti.xml"}


def parse(tmp_path: Path, **tables: Any) -> Settings:
    data: dict[str, Any] = {"site": {"language": "hi"}, "sources": [SOURCE]}
    data.update(tables)
    return parse_settings(data, tmp_path / "wiredesk.toml")


def error(tmp_path: Path, **tables: Any) -> str:
    with pytest.raises(ConfigError) as info:
        parse(tmp_path, **tables)
    return str(info.value)


def test_a_hindi_site_publishes_only_hindi_unless_told(tmp_path: Path) -> None:
    site = parse(tmp_path).site
    assert site.editions == (Edition("hi", "/"),)
    assert site.edition("hi") == Edition("hi", "/")
    assert site.edition("en") is None  # stored, not published
    assert site.edition(None) is None


def test_another_language_is_an_edition_under_its_own_path(tmp_path: Path) -> None:
    site = parse(tmp_path, editions={"en": {"name": "English"}}).site
    assert [(e.language, e.path, e.prefix) for e in site.editions] == [
        ("hi", "/", ""),
        ("en", "/en/", "/en"),
    ]
    assert site.edition("en") == Edition("en", "/en/", "English")
    assert site.edition_at("/en/desh/") == site.edition("en")
    assert site.edition_at("/en") == site.edition("en")
    assert site.edition_at("/desh/") == site.main_edition
    assert site.edition_at("/english-news/") == site.main_edition  # a prefix, not a path's


def test_an_edition_may_have_another_path(tmp_path: Path) -> None:
    site = parse(tmp_path, editions={"en": {"path": "/english/"}}).site
    assert site.edition("en") == Edition("en", "/english/")
    assert site.edition_at("/english/khel/") == site.edition("en")


@pytest.mark.parametrize(
    ("editions", "key", "message"),
    [
        (
            {"mr": {}},
            "editions.mr",
            "wiredesk has no interface strings in 'mr'; an edition may be one of hi, en",
        ),
        ({"en": {"path": "en"}}, "editions.en.path", "must be one folder under the root"),
        ({"en": {"path": "/static/"}}, "editions.en.path", "/static/ is taken by the site"),
        ({"en": {"path": "/desh/"}}, "editions.en.path", "/desh/ is taken by a section"),
        ({"hi": {"path": "/hi/"}}, "editions.hi.path", 'published at "/"; leave path out'),
        ({"en": {"name": 3}}, "editions.en.name", "must be a string"),
        ({"en": {"colour": "red"}}, "editions.en.colour", "unknown key"),
        ({"en": "English"}, "editions.en", "must be a table"),
    ],
)
def test_a_wrong_edition_is_refused_with_where_and_what(
    tmp_path: Path, editions: dict[str, Any], key: str, message: str
) -> None:
    text = error(tmp_path, editions=editions, sections={"desh": "देश"})
    assert text.startswith(f"{tmp_path / 'wiredesk.toml'}: {key}: "), text
    assert message in text


def test_the_plain_form_of_sections_still_works(tmp_path: Path) -> None:
    site = parse(tmp_path, sections={"desh": "देश", "khel": "खेल"}).site
    assert list(site.sections) == ["desh", "khel"]
    assert site.section_name("desh") == "देश"
    assert site.section_name("desh", "en") == "Desh"  # no English name: the slug
    assert site.section_keys == {"desh": "desh", "देश": "desh", "khel": "khel", "खेल": "khel"}


def test_a_section_table_names_it_in_each_language_and_lists_its_aliases(tmp_path: Path) -> None:
    site = parse(
        tmp_path,
        sections={
            "desh": {
                "name": "देश",
                "names": {"en": "National"},
                "aliases": ["nation", "medtop:11000000"],
            },
            "khel": "खेल",
        },
    ).site
    assert site.section_name("desh") == "देश"
    assert site.section_name("desh", "hi") == "देश"
    assert site.section_name("desh", "en") == "National"
    assert {k for k, slug in site.section_keys.items() if slug == "desh"} == {
        "desh",
        "देश",
        "national",
        "nation",
        "medtop:11000000",
    }


def test_an_alias_is_compared_as_an_agency_category_is(tmp_path: Path) -> None:
    """NFC, case folding and runs of spaces: what the section stage compares."""
    site = parse(tmp_path, sections={"videsh": {"aliases": ["World  NEWS", "Cafe\u0301"]}}).site
    assert site.section_keys["world news"] == "videsh"
    assert site.section_keys["café"] == "videsh"


def test_a_name_two_sections_claim_is_refused(tmp_path: Path) -> None:
    text = error(
        tmp_path,
        sections={"desh": {"aliases": ["National"]}, "national": {"name": "नेशनल"}},
    )
    assert text == (
        f"{tmp_path / 'wiredesk.toml'}: sections.national: 'national' names two sections, "
        "desh and national; keep it in one of them"
    )


@pytest.mark.parametrize(
    ("sections", "key", "message"),
    [
        ({"desh": {"names": {"fr": "Nation"}}}, "sections.desh.names.fr", "no such language"),
        ({"desh": {"names": {"en": ""}}}, "sections.desh.names.en", "must be a name"),
        ({"desh": {"aliases": ["", "x"]}}, "sections.desh.aliases", "must be a list of names"),
        ({"desh": {"alias": ["x"]}}, "sections.desh.alias", "did you mean 'aliases'?"),
        ({"desh": 3}, "sections.desh", 'must be a "Display name" or a table'),
        ({"Desh": "देश"}, "sections.Desh", "must be lowercase letters"),
    ],
)
def test_a_wrong_section_is_refused_with_where_and_what(
    tmp_path: Path, sections: dict[str, Any], key: str, message: str
) -> None:
    text = error(tmp_path, sections=sections)
    assert text.startswith(f"{tmp_path / 'wiredesk.toml'}: {key}: "), text
    assert message in text


def test_a_source_naming_an_unknown_section_is_refused_with_the_known_ones(
    tmp_path: Path,
) -> None:
    cfg = tmp_path / "wiredesk.toml"
    cfg.write_text(
        '[site]\nlanguage = "hi"\n\n'
        '[sections]\ndesh = "देश"\nvidesh = "विदेश"\n\n'
        '[[sources]]\nid = "ians"\nname = "IANS"\nurl = "https://wire.example/i.xml"\n'
        'section = "national"\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as info:
        load_settings(cfg)
    assert str(info.value) == (
        f"{cfg}: sources.ians.section: unknown section 'national'; the known sections are "
        "desh, videsh, news (add [sections.national] to make another)"
    )


def test_a_source_may_name_its_section_by_any_of_its_names(tmp_path: Path) -> None:
    settings = parse(
        tmp_path,
        sections={"desh": {"name": "देश", "names": {"en": "National"}}},
        sources=[{**SOURCE, "section": "National"}, {**SOURCE, "id": "ians", "section": "देश"}],
    )
    assert [s.section for s in settings.sources] == ["desh", "desh"]


def test_the_default_section_is_always_known(tmp_path: Path) -> None:
    settings = parse(tmp_path, sources=[SOURCE, {**SOURCE, "id": "ians", "section": "news"}])
    assert [s.section for s in settings.sources] == ["news", "news"]
