"""Settings: push ingest (push-only sources, token rules, the body limit) and the site's look."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from wiredesk.config import Settings, load_settings, parse_settings
from wiredesk.errors import ConfigError

TOKEN = "a-long-enough-token-123"


def parse(tmp_path: Path, source: dict[str, Any], **site: Any) -> Settings:
    return parse_settings(
        {"site": site, "sources": [{"id": "ians", "name": "IANS", **source}]},
        tmp_path / "wiredesk.toml",
    )


def error(tmp_path: Path, source: dict[str, Any], **site: Any) -> str:
    with pytest.raises(ConfigError) as info:
        parse(tmp_path, source, **site)
    return str(info.value)


def test_a_push_only_source_needs_neither_url_nor_folder(tmp_path: Path) -> None:
    [src] = parse(tmp_path, {"push_token": TOKEN}).sources
    assert src.push_token == TOKEN and src.url is None and src.folder is None
    assert not src.polled and src.location == "push"


def test_a_polled_source_may_also_accept_pushes(tmp_path: Path) -> None:
    [src] = parse(tmp_path, {"url": "https://wire.example/f.xml", "push_token": TOKEN}).sources
    assert src.polled and src.push_token == TOKEN


def test_a_source_with_no_way_in_names_all_three_keys(tmp_path: Path) -> None:
    message = error(tmp_path, {})
    assert message == (
        f"{tmp_path / 'wiredesk.toml'}: sources.ians.url: set one of url or folder (to poll), "
        "or push_token (to receive pushes)"
    )


def test_url_and_folder_together_are_refused(tmp_path: Path) -> None:
    message = error(tmp_path, {"url": "https://wire.example/f.xml", "folder": "inbox"})
    assert "sources.ians.url: set only one of url or folder" in message


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ("short", "must be at least 16 characters"),
        ("has a space in the token", "printable ASCII without spaces"),
        ("टोकन-जो-काफ़ी-लंबा-है-पर-हिंदी", "printable ASCII without spaces"),
        (12345678901234567890, "must be a string"),
    ],
)
def test_bad_push_tokens_name_the_key(tmp_path: Path, token: Any, expected: str) -> None:
    message = error(tmp_path, {"push_token": token})
    assert "sources.ians.push_token" in message or "sources[0].push_token" in message
    assert expected in message


def test_push_max_bytes_defaults_to_16_mib_and_must_be_positive(tmp_path: Path) -> None:
    assert parse(tmp_path, {"push_token": TOKEN}).site.push_max_bytes == 16 * 1024 * 1024
    assert parse(tmp_path, {"push_token": TOKEN}, push_max_bytes=1000).site.push_max_bytes == 1000
    assert "site.push_max_bytes: must be a positive" in error(
        tmp_path, {"push_token": TOKEN}, push_max_bytes=0
    )
    assert "site.push_max_bytes: must be a number" in error(
        tmp_path, {"push_token": TOKEN}, push_max_bytes="16M"
    )


def test_push_keys_load_from_a_toml_file(tmp_path: Path) -> None:
    cfg = tmp_path / "wiredesk.toml"
    cfg.write_text(
        f'[site]\npush_max_bytes = 2048\n\n[[sources]]\nid = "ians"\nname = "IANS"\n'
        f'push_token = "{TOKEN}"\n',
        encoding="utf-8",
    )
    settings = load_settings(cfg)
    assert settings.site.push_max_bytes == 2048
    assert settings.source("ians") is not None and settings.source("ians").push_token == TOKEN


def test_a_source_s_aliases_are_read_and_checked(tmp_path: Path) -> None:
    settings = parse(tmp_path, {"url": "https://w.example/f", "aliases": ["आईएएनएस", " I A N S "]})
    assert settings.sources[0].aliases == ("आईएएनएस", "I A N S")
    assert "sources.ians.aliases" in error(
        tmp_path, {"url": "https://w.example/f", "aliases": [""]}
    )
    assert "a list" in error(tmp_path, {"url": "https://w.example/f", "aliases": "आईएएनएस"})


def _websub(tmp_path: Path, websub: dict[str, Any]) -> Settings:
    return parse_settings({"site": {}, "websub": websub}, tmp_path / "wiredesk.toml")


def test_the_websub_hub_is_on_by_default_with_ten_day_leases(tmp_path: Path) -> None:
    w = parse(tmp_path, {"push_token": TOKEN}).websub
    assert (w.enabled, w.lease_seconds, w.allow_private_callbacks) == (True, 864_000, False)


@pytest.mark.parametrize(
    ("websub", "says"),
    [
        ({"lease_seconds": 0}, "websub.lease_seconds: must be a positive number"),
        ({"lease_seconds": 100, "max_lease_seconds": 50}, "longer than websub.max_lease"),
        ({"ping": ["hub.example"]}, "websub.ping[0]: must be an http(s) URL"),
        ({"enabled": "yes"}, "websub.enabled: must be true or false"),
        ({"leases": 5}, "websub.leases: unknown key"),
    ],
)
def test_bad_websub_settings_say_which_key_and_why(
    tmp_path: Path, websub: dict[str, Any], says: str
) -> None:
    with pytest.raises(ConfigError) as info:
        _websub(tmp_path, websub)
    assert says in str(info.value)


def test_pictures_are_linked_unless_a_source_says_host_or_none(tmp_path: Path) -> None:
    url = "https://wire.example/f.xml"
    [src] = parse(tmp_path, {"url": url}).sources
    assert src.images == "link" and not src.hosts_pictures
    [src] = parse(tmp_path, {"url": url, "images": "host"}).sources
    assert src.hosts_pictures
    message = error(tmp_path, {"url": url, "images": "yes"})
    assert "sources.ians.images" in message and '"host"' in message and "'yes'" in message


def test_picture_limits_have_defaults_and_ranges(tmp_path: Path) -> None:
    site = parse(tmp_path, {"url": "https://wire.example/f.xml"}).site
    assert site.max_picture_bytes == 20 * 1024 * 1024
    assert site.max_picture_pixels == 50_000_000
    message = error(tmp_path, {"url": "https://wire.example/f.xml"}, max_picture_pixels=0)
    assert "site.max_picture_pixels" in message


def test_a_source_s_credentials_go_only_to_its_own_hosts(tmp_path: Path) -> None:
    [src] = parse(
        tmp_path,
        {
            "url": "https://api.wire.example/feed.xml",
            "headers": {"Authorization": "Bearer abc", "X-Api-Key": "k"},
            "headers_hosts": ["Photos.Wire.Example"],
        },
    ).sources
    expected = {"Authorization": "Bearer abc", "X-Api-Key": "k"}
    assert src.headers_for("api.wire.example") == expected
    assert src.headers_for("photos.wire.example") == expected
    assert src.headers_for("cdn.elsewhere.example") == {}
    bad_name = error(tmp_path, {"url": "https://w.example/f", "headers": {"Host": "x"}})
    assert "sources.ians.headers.Host" in bad_name
    bad_value = error(tmp_path, {"url": "https://w.example/f", "headers": {"X-Key": "a\nb"}})
    assert "printable ASCII" in bad_value
    bad_host = error(tmp_path, {"url": "https://w.example/f", "headers_hosts": ["https://x"]})
    assert "sources.ians.headers_hosts" in bad_host


def test_favicon_and_theme_colour_have_defaults_and_are_read(tmp_path: Path) -> None:
    site = parse(tmp_path, {"push_token": TOKEN}).site
    assert (site.favicon, site.theme_color) == ("/favicon.ico", "#b3261e")
    site = parse(
        tmp_path,
        {"push_token": TOKEN},
        favicon="https://cdn.example/icon.png",
        theme_color="#0A7B3E",
    ).site
    assert (site.favicon, site.theme_color) == ("https://cdn.example/icon.png", "#0a7b3e")
    assert parse(tmp_path, {"push_token": TOKEN}, theme_color="#fff").site.theme_color == "#fff"


@pytest.mark.parametrize("colour", ["red", "b3261e", "#b3261", "#gggggg", "rgb(1,2,3)", ""])
def test_a_theme_colour_that_is_not_hex_is_refused_with_an_example(
    tmp_path: Path, colour: str
) -> None:
    message = error(tmp_path, {"push_token": TOKEN}, theme_color=colour)
    assert "site.theme_color: must be a colour written #rrggbb or #rgb" in message
    assert '"#b3261e"' in message and repr(colour) in message


@pytest.mark.parametrize("favicon", ["favicon.ico", "//cdn.example/f.ico", "data:,", "ftp://x/f"])
def test_a_favicon_that_is_neither_a_site_path_nor_a_web_url_is_refused(
    tmp_path: Path, favicon: str
) -> None:
    message = error(tmp_path, {"push_token": TOKEN}, favicon=favicon)
    assert "site.favicon: must be a path on the site (/favicon.ico) or an http(s) URL" in message


def _desk(tmp_path: Path, **desk: Any) -> Settings:
    return parse_settings({"site": {}, "desk": desk}, tmp_path / "wiredesk.toml")


def test_the_desk_settings_default_to_the_documented_values(tmp_path: Path) -> None:
    desk = parse_settings({"site": {}}, tmp_path / "wiredesk.toml").desk
    assert (desk.session_idle_timeout, desk.session_max_age) == (1800.0, 43200.0)
    assert (desk.lockout_window, desk.lockout_account_failures) == (900.0, 5)
    assert desk.lockout_address_failures == 20
    assert (desk.password_time_cost, desk.password_memory_kib, desk.password_parallelism) == (
        3,
        65536,
        4,
    )
    set_ = _desk(tmp_path, session_idle_timeout=600, password_memory_kib=8, password_parallelism=1)
    assert set_.desk.session_idle_timeout == 600.0 and set_.desk.password_memory_kib == 8


@pytest.mark.parametrize(
    ("desk", "key", "said"),
    [
        ({"session_idle_timeout": 10}, "desk.session_idle_timeout", "60-86400 seconds"),
        ({"session_max_age": 0}, "desk.session_max_age", "60-2592000 seconds"),
        (
            {"session_idle_timeout": 7200, "session_max_age": 3600},
            "desk.session_idle_timeout",
            "must not be longer than desk.session_max_age",
        ),
        ({"lockout_account_failures": 0}, "desk.lockout_account_failures", "1-100"),
        ({"lockout_address_failures": "20"}, "desk.lockout_address_failures", "a number"),
        (
            {"password_memory_kib": 16, "password_parallelism": 4},
            "desk.password_memory_kib",
            "8 KiB per lane",
        ),
        (
            {"sesion_idle_timeout": 60},
            "desk.sesion_idle_timeout",
            "did you mean 'session_idle_timeout'",
        ),
    ],
)
def test_bad_desk_settings_name_the_key(
    tmp_path: Path, desk: dict[str, Any], key: str, said: str
) -> None:
    with pytest.raises(ConfigError) as info:
        _desk(tmp_path, **desk)
    assert key in str(info.value) and said in str(info.value)


def test_desk_is_a_reserved_section(tmp_path: Path) -> None:
    """/desk/ is the editors' desk: a section of that name would never be reached."""
    with pytest.raises(ConfigError, match="reserved"):
        parse_settings({"site": {}, "sections": {"desk": "Desk"}}, tmp_path / "wiredesk.toml")
