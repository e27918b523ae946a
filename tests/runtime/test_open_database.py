"""Opening the configured database: a clear error for what an operator can fix, naming the
settings file and the key."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from wiredesk.config import parse_settings
from wiredesk.errors import WiredeskError
from wiredesk.runtime.database import open_database


def settings_with(tmp_path: Path, **site: str):  # type: ignore[no-untyped-def]
    return parse_settings(
        {"site": {"name": "t", "language": "hi", **site}}, tmp_path / "wiredesk.toml"
    )


def test_a_data_folder_that_cannot_be_made_says_which_key_to_fix(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder should go")
    settings = settings_with(tmp_path, data_dir=str(blocker / "data"))
    with pytest.raises(WiredeskError) as caught:
        open_database(settings)
    message = str(caught.value)
    assert "wiredesk.toml: site.data_dir: cannot create" in message
    assert "fix the path or its permissions" in message


def test_a_database_that_does_not_answer_is_one_line_naming_the_key(tmp_path: Path) -> None:
    with socket.socket() as s:  # a loopback port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings = settings_with(
        tmp_path,
        data_dir=str(tmp_path / "data"),
        database=f"postgresql://nobody@127.0.0.1:{port}/wiredesk",
    )
    with pytest.raises(WiredeskError) as caught:
        open_database(settings)
    message = str(caught.value)
    assert "site.database: cannot open the database" in message
    assert "check the URL and that the server is running" in message
    assert "\n" not in message
