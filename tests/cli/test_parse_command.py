"""`wiredesk parse FILE...`: what wiredesk makes of an agency file, without a site."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result

from tests import fixture_files
from tests.test_api import seed_feed
from wiredesk.cli.main import cli


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_json_gives_one_ninjs_object_per_item_with_the_file_and_lifted_fields(
    tmp_path: Path,
) -> None:
    feed = tmp_path / "ians.xml"
    feed.write_bytes(seed_feed())
    result = run("parse", "--json", str(feed))
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [o["uri"] for o in lines] == ["ians-1", "ians-2"]
    first = lines[0]
    assert first["file"] == str(feed) and first["format"] == "rss"
    assert first["headlines"][0] == {
        "role": "main",
        "value": "शी चिनफिंग ने कजाकिस्तान के राष्ट्रपति से मुलाकात की",
    }
    assert first["pubstatus"] == "usable" and first["language"] == "hi"
    assert first["firstcreated"].startswith("2022-02-05T12:00:00")
    assert first["_wiredesk"]["credit_line"] == "(साभार : चाइना मीडिया ग्रुप, पेइचिंग)"
    assert first["bodies"][0]["contenttype"] == "text/html"


def test_a_file_that_cannot_be_read_is_reported_and_the_exit_code_is_1(tmp_path: Path) -> None:
    good = tmp_path / "good.xml"
    good.write_bytes(seed_feed())
    bad = tmp_path / "bad.xml"
    bad.write_bytes(b"\x00\x01 not a feed")
    result = run("parse", "--json", str(bad), str(good), str(tmp_path / "missing.xml"))
    assert result.exit_code == 1
    lines = [json.loads(line) for line in result.output.splitlines()]
    errors = {o["file"]: o["error"] for o in lines if "error" in o}
    assert set(errors) == {str(bad), str(tmp_path / "missing.xml")}
    assert "cannot read the file" in errors[str(tmp_path / "missing.xml")]
    assert [o["uri"] for o in lines if "uri" in o] == ["ians-1", "ians-2"]  # the rest went on


def test_the_summary_names_format_items_and_what_was_lifted() -> None:
    path = fixture_files.NEWSML_G2 / "LISTING_2_NewsML-G2_Text_Document.xml"
    result = run("parse", str(path))
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"{path}: newsml-g2, 1 item")
    assert "    headline: " in result.output


def test_verbose_works_after_the_subcommand_too(tmp_path: Path) -> None:
    feed = tmp_path / "ians.xml"
    feed.write_bytes(seed_feed())
    assert run("parse", "-v", str(feed)).exit_code == 0
    assert run("-v", "parse", str(feed)).exit_code == 0
