"""`wiredesk items` on a site with more copies than one screenful (issue 13, item 7): it says
when a list is cut, and takes `--limit N` or `--all`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tests.cli.cli_support import site_with_copies
from wiredesk.cli.main import cli

COPIES = 1050


@pytest.fixture(scope="module")
def cfg(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return site_with_copies(tmp_path_factory.mktemp("items"), COPIES)


def items(cfg: Path, *args: str) -> Result:
    result = CliRunner().invoke(
        cli, ["items", "--config", str(cfg), "--json", *args], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return result


def shown(result: Result) -> list[dict[str, object]]:
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_the_default_list_says_it_is_cut(cfg: Path) -> None:
    result = items(cfg)
    rows = shown(result)
    assert len(rows) == 1000
    assert rows[0]["guid"] == f"g-{COPIES - 1}"  # newest first
    assert "showing the newest 1,000 copies; there are more" in result.stderr
    assert "--all" in result.stderr


def test_limit_shows_that_many_and_says_there_are_more(cfg: Path) -> None:
    result = items(cfg, "--limit", "3")
    assert [r["guid"] for r in shown(result)] == [f"g-{COPIES - n}" for n in (1, 2, 3)]
    assert "showing the newest 3 copies; there are more" in result.stderr


@pytest.mark.parametrize("args", [("--all",), ("--limit", str(COPIES))])
def test_all_or_a_limit_above_the_count_shows_everything_without_a_note(
    cfg: Path, args: tuple[str, ...]
) -> None:
    result = items(cfg, *args)
    assert len(shown(result)) == COPIES
    assert result.stderr == ""


def test_the_table_says_it_is_cut_too(cfg: Path) -> None:
    result = CliRunner().invoke(cli, ["items", "--config", str(cfg), "--limit", "2"])
    assert result.exit_code == 0
    assert len(result.stdout.splitlines()) == 3  # the header and two rows
    assert "there are more (use --limit N or --all)" in result.stderr
