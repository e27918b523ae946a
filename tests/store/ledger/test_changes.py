"""What a write tells the page caches: the lists of the copy's own language, so a change to
an English copy drops the English edition's pages and leaves the Hindi edition's cached."""

from __future__ import annotations

from tests.store.store_support import NOW, item_id, save
from wiredesk.store.database import Database
from wiredesk.store.ledger import editorial
from wiredesk.store.public.views import Scope


def heard(store: Database) -> list[frozenset[str]]:
    told: list[frozenset[str]] = []
    store.on_change(told.append)
    return told


def test_a_list_s_tag_names_its_scope_and_its_language() -> None:
    assert Scope(language="en").tag() == "home@en"
    assert Scope(section="desh", language="hi").tag() == "section:desh@hi"
    assert Scope(source_id="pti", language="en").tag() == "source:pti@en"
    assert Scope(originator="चाइना  मीडिया", language="hi").tag() == "originator:चाइना मीडिया@hi"
    assert Scope().tag() == "home"  # every language: no page of the site lists it


def test_a_new_copy_and_a_kill_tag_the_lists_of_its_language_only(store: Database) -> None:
    told = heard(store)
    english = save(store, "pti", "p1", 0, language="en", headline="Rain", originator="AIR")
    [new] = told
    assert {"home@en", "section:desh@en", "source:pti@en", "originator:AIR@en"} <= new
    assert not any(tag.endswith("@hi") for tag in new)

    editorial.kill(store, item_id(store, english), reason="legal", actor="editor asha", now=NOW)
    killed = told[-1]
    assert {"home@en", "section:desh@en", "source:pti@en", f"copy:{english}"} <= killed
    assert not any(tag.endswith("@hi") for tag in killed)


def test_a_version_in_another_language_tags_the_lists_it_leaves_too(store: Database) -> None:
    """A copy whose new version is in English leaves the Hindi lists: they must drop it."""
    save(store, "pti", "p1", 0)  # Hindi
    told = heard(store)
    save(store, "pti", "p1", 0, language="en", headline="Now in English")
    [moved] = told
    assert {"home@hi", "section:desh@hi", "home@en", "section:desh@en"} <= moved
