"""The desk over a real database, served by the real site application (TestClient)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.desk.desk_support import DeskSite, make_site


@pytest.fixture
def site(tmp_path: Path) -> Iterator[DeskSite]:
    """The site with its desk over a SQLite file, http, cheap password hashing."""
    with make_site(tmp_path) as made:
        yield made


@pytest.fixture
def https_site(tmp_path: Path) -> Iterator[DeskSite]:
    """The same, for a site whose `base_url` is https."""
    with make_site(tmp_path, base_url="https://news.example") as made:
        yield made
