"""The TOML settings file, validated up front so a typo fails at start-up, not at 3 a.m.

Every problem becomes a `ConfigError` naming the file and the key, with what to do about it.
Relative paths in the file (`data_dir`, a source's `folder`) are read relative to the file's
own directory, so a config works the same from wherever the command is run.

One module on purpose (about 700 lines): the settings' types and the checks of every
key sit together, so the file reads as the reference of what `wiredesk.toml` may say, in the
order of docs/configuration.md.
"""

from __future__ import annotations

import difflib
import os
import re
import tomllib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from wiredesk.errors import ConfigError

DEFAULT_CONFIG_NAME = "wiredesk.toml"
ENV_VAR = "WIREDESK_CONFIG"
SUPPORTED_LANGUAGES = ("hi", "en")
DEFAULT_LOGO = "/static/logo.png"  # shipped with the site (channels/web/static)
DEFAULT_FAVICON = "/favicon.ico"  # shipped with the site, served at the root
DEFAULT_THEME_COLOR = "#b3261e"  # the stylesheet's accent, the masthead's top rule
_COLOR_RE = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
FORMATS = (
    "auto", "rss", "atom", "rdf", "jsonfeed",
    "ninjs", "newsml-g2", "nitf", "iptc7901", "anpa1312",
)  # fmt: skip
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
_SECTION_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
# An edition's path: one segment under the root, e.g. /en/.
_EDITION_PATH_RE = re.compile(r"^/[a-z0-9][a-z0-9-]{0,62}/$")
# The section a source files under when its settings name none; always a known section.
DEFAULT_SECTION = "news"
# A bearer token travels in an HTTP header: printable ASCII, no spaces.
_TOKEN_RE = re.compile(r"^[\x21-\x7e]+$")
MIN_TOKEN_CHARS = 16
DEFAULT_PUSH_MAX_BYTES = 16 * 1024 * 1024
# Fetching limits (see docs/operations.md, "Limits and their settings").
DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024  # counted after decompression
DEFAULT_FETCH_TOTAL_TIMEOUT = 120.0  # seconds for a whole fetch: every redirect hop, all the body
DEFAULT_MAX_CONCURRENT_POLLS = 16
DEFAULT_MAX_REQUESTS_PER_HOST = 2
DEFAULT_MAX_BACKOFF = 3600.0  # a failing source is still retried at least hourly
# Pictures (docs/configuration.md, "Pictures"): the largest original fetched, and the most
# pixels one may decode to (a small file can declare a huge canvas: a decompression bomb).
DEFAULT_MAX_PICTURE_BYTES = 20 * 1024 * 1024
DEFAULT_MAX_PICTURE_PIXELS = 50_000_000
# What the site does with a source's pictures: serve its own copies ("host"), link to the
# agency's ("link", no picture shown inline) or nothing ("none"). Licences differ by agency.
IMAGE_MODES = ("host", "link", "none")
# Headers wiredesk sets itself, which a source's `headers` may not replace.
_OWN_HEADERS = frozenset(
    {"host", "content-length", "transfer-encoding", "connection", "accept-encoding",
     "if-none-match", "if-modified-since", "user-agent"}
)  # fmt: skip
_HEADER_NAME_RE = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
_HEADER_VALUE_RE = re.compile(r"^[\x20-\x7e]*$")
_HOST_RE = re.compile(r"^[a-z0-9.-]+$|^\[[0-9a-f:.]+\]$")
# Seconds a client of the site gets to send a request's headers, and then its whole body: a
# connection trickling a byte a second must not be held for ever (slowloris).
DEFAULT_REQUEST_HEADER_TIMEOUT = 10.0
DEFAULT_REQUEST_BODY_TIMEOUT = 60.0
# The same story from several wires: "link" (one entry, "Also reported by"), "suppress" (only
# the lead; the copies' URLs redirect to it), "publish" (every copy). See docs/user-guide.md.
DUPLICATE_POLICIES = ("link", "suppress", "publish")
# Paths the site itself uses at the top level; a section may not take them.
RESERVED_SECTIONS = frozenset(
    {
        "static",
        "media",
        "source",
        "originator",
        "feed.xml",
        "atom.xml",
        "feed.json",
        "health",
        "ingest",
        "admin",
        "websub",
        "api",
        "desk",
    }
)
# The editors' desk (docs/desk.md): sessions end after this long without a request, and this
# long after sign-in whatever happens; sign-in is refused for a while after too many failures.
DEFAULT_SESSION_IDLE_TIMEOUT = 30 * 60.0
DEFAULT_SESSION_MAX_AGE = 12 * 3600.0
DEFAULT_LOCKOUT_WINDOW = 15 * 60.0
DEFAULT_LOCKOUT_ACCOUNT_FAILURES = 5
DEFAULT_LOCKOUT_ADDRESS_FAILURES = 20
# argon2id's cost, argon2-cffi's defaults (RFC 9106's second, low-memory choice): 3 passes over
# 64 MiB with 4 lanes. Lower only for tests; a stored hash made with other values is made
# again with these at its next sign-in.
DEFAULT_PASSWORD_TIME_COST = 3
DEFAULT_PASSWORD_MEMORY_KIB = 64 * 1024
DEFAULT_PASSWORD_PARALLELISM = 4


def section_key(text: str) -> str:
    """A section name or an agency's category as compared: NFC, case folded, spaces folded.
    "National", "NATIONAL " and "national" are one key; so are the two ways of writing a
    Devanagari letter with a nukta."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


@dataclass(frozen=True, slots=True)
class SectionSettings:
    """One `[sections]` entry: the slug in URLs, the names readers see in each edition's
    language, and the other names agencies file copy under (`aliases`)."""

    slug: str
    names: Mapping[str, str] = field(default_factory=dict)  # language -> display name
    aliases: tuple[str, ...] = ()  # agency categories and subject codes ("medtop:11000000")


@dataclass(frozen=True, slots=True)
class Edition:
    """One language the site publishes: `/` for the site's language, `/en/` for another.

    An edition lists only copies in its language, with interface strings, navigation, feeds
    and sitemaps of its own; a copy in a language with no edition is stored but not
    published."""

    language: str
    path: str = "/"  # "/" or "/<segment>/"
    label: str | None = None  # the language's name in the switcher; None: its own name

    @property
    def prefix(self) -> str:
        """What goes before a path of the edition: "" for the site's language, "/en"."""
        return self.path.rstrip("/")


@dataclass(frozen=True, slots=True)
class SiteSettings:
    name: str
    language: str
    base_url: str
    timezone: ZoneInfo
    data_dir: Path
    database: str
    page_size: int = 20
    sections: dict[str, SectionSettings] = field(default_factory=dict)  # slug -> section
    push_max_bytes: int = DEFAULT_PUSH_MAX_BYTES  # largest body POST /ingest/<id> accepts
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES  # largest polled response, after decompression
    fetch_total_timeout: float = DEFAULT_FETCH_TOTAL_TIMEOUT
    max_concurrent_polls: int = DEFAULT_MAX_CONCURRENT_POLLS
    max_requests_per_host: int = DEFAULT_MAX_REQUESTS_PER_HOST
    max_backoff: float = DEFAULT_MAX_BACKOFF
    max_picture_bytes: int = DEFAULT_MAX_PICTURE_BYTES
    max_picture_pixels: int = DEFAULT_MAX_PICTURE_PIXELS
    request_header_timeout: float = DEFAULT_REQUEST_HEADER_TIMEOUT
    request_body_timeout: float = DEFAULT_REQUEST_BODY_TIMEOUT
    duplicates: str = "link"  # one of DUPLICATE_POLICIES
    preferred_sources: tuple[str, ...] = ()  # source ids that lead a story, in this order
    # The publisher's logo search engines show (schema.org `publisher.logo`): a path on the
    # site or an http(s) URL.
    logo: str = DEFAULT_LOGO
    # The icon browsers show in tabs and bookmarks: a path on the site or an http(s) URL.
    favicon: str = DEFAULT_FAVICON
    # `<meta name="theme-color">`: the colour phones give the browser's bar around the site.
    theme_color: str = DEFAULT_THEME_COLOR
    # The editions besides the site's own language, which is always published at "/".
    other_editions: tuple[Edition, ...] = ()
    main_label: str | None = None  # `[editions.<site language>] name`, the switcher's label
    # Section matching keys (`section_key` of slugs, names and aliases) -> slug.
    section_keys: dict[str, str] = field(default_factory=dict)
    # Who may read `/metrics` besides this machine: networks of monitoring hosts.
    metrics_allow: tuple[IPv4Network | IPv6Network, ...] = ()

    @property
    def editions(self) -> tuple[Edition, ...]:
        """Every edition, the site's language first."""
        return (self.main_edition, *self.other_editions)

    @property
    def main_edition(self) -> Edition:
        return Edition(self.language, "/", self.main_label)

    def edition(self, language: str | None) -> Edition | None:
        """The edition that publishes copies in `language`; None: they are not published."""
        for e in self.editions:
            if e.language == language:
                return e
        return None

    def edition_at(self, path: str) -> Edition:
        """The edition a request path belongs to: `/en/...` to the English one, else the
        site's."""
        for e in self.other_editions:
            if path.startswith(e.path) or path == e.prefix:
                return e
        return self.main_edition

    def absolute(self, url: str) -> str:
        """`url` as search engines and social sites need it: a path on the site joined to
        `base_url`; an absolute URL unchanged."""
        return self.base_url + url if url.startswith("/") else url

    def section_name(self, slug: str, language: str | None = None) -> str:
        """The section's name in `language` (default: the site's): its configured name in
        that language, else the slug in title case."""
        section = self.sections.get(slug)
        name = section.names.get(language or self.language) if section is not None else None
        return name or slug.replace("-", " ").title()


@dataclass(frozen=True, slots=True)
class SourceSettings:
    id: str
    name: str
    url: str | None = None
    folder: Path | None = None
    format: str = "auto"
    poll_every: float = 300.0
    section: str = "news"
    disclaimer: str = ""
    auto_publish: bool = True
    timeout: float = 30.0
    push_token: str | None = None  # set: the agency may POST to /ingest/<id> with it
    allow_private: bool = False  # may poll loopback/private/link-local addresses (SSRF guard off)
    # An item with a body but no headline: "derive" one from its summary or first sentence
    # (marked as derived), or "hold" it in quarantine for an editor. Never published bare.
    missing_headline: str = "derive"
    # Other names the agency goes by in its copy ("आईएएनएस" for IANS): its sign-offs and
    # credits under them are the agency itself, one step of provenance, not two.
    aliases: tuple[str, ...] = ()
    # "host", "link" or "none" (IMAGE_MODES): see docs/configuration.md, "Pictures".
    images: str = "link"
    # Credentials the agency wants on every request (an API key, a bearer token), sent to the
    # host of `url` and to the hosts in `headers_hosts` only, never past a redirect elsewhere.
    headers: tuple[tuple[str, str], ...] = ()
    headers_hosts: tuple[str, ...] = ()

    @property
    def hosts_pictures(self) -> bool:
        return self.images == "host"

    def headers_for(self, host: str) -> dict[str, str]:
        """The source's `headers` if a request to `host` may carry them, else none."""
        if not self.headers:
            return {}
        host = host.lower()
        own = urlsplit(self.url).hostname if self.url else None
        if host == own or host in self.headers_hosts:
            return dict(self.headers)
        return {}

    @property
    def polled(self) -> bool:
        """Whether the poller reads this source; a push-only source only receives."""
        return self.url is not None or self.folder is not None

    @property
    def location(self) -> str:
        if self.url is not None:
            return self.url
        return str(self.folder) if self.folder is not None else "push"


@dataclass(frozen=True, slots=True)
class DeskSettings:
    """The `[desk]` table: sessions, sign-in throttling and password hashing."""

    session_idle_timeout: float = DEFAULT_SESSION_IDLE_TIMEOUT  # seconds
    session_max_age: float = DEFAULT_SESSION_MAX_AGE  # seconds from sign-in
    lockout_window: float = DEFAULT_LOCKOUT_WINDOW  # seconds the failures below are counted in
    lockout_account_failures: int = DEFAULT_LOCKOUT_ACCOUNT_FAILURES
    lockout_address_failures: int = DEFAULT_LOCKOUT_ADDRESS_FAILURES
    password_time_cost: int = DEFAULT_PASSWORD_TIME_COST
    password_memory_kib: int = DEFAULT_PASSWORD_MEMORY_KIB
    password_parallelism: int = DEFAULT_PASSWORD_PARALLELISM


# What a source's `missing_headline` may say (ingest.completeness acts on it).
MISSING_HEADLINE_CHOICES = ("derive", "hold")


@dataclass(frozen=True, slots=True)
class WebSubSettings:
    """The site's own WebSub hub (runtime/websub): who may subscribe to its feeds, for how
    long, and which outside hubs to ping as well."""

    enabled: bool = True
    lease_seconds: int = 10 * 86_400  # granted when the subscriber asks for none
    max_lease_seconds: int = 30 * 86_400  # a longer request is granted this much
    max_subscriptions: int = 1_000  # live subscriptions over every topic
    # Callbacks on loopback/private addresses are refused (a subscriber must not make the
    # hub reach inside the network); on for a site whose subscribers are on its own network.
    allow_private_callbacks: bool = False
    ping: tuple[str, ...] = ()  # outside hubs told "this feed changed" (hub.mode=publish)

    @property
    def path(self) -> str:
        return HUB_PATH


HUB_PATH = "/websub"  # where the hub answers, on the site

# What a routing rule may do with a new copy (docs/configuration.md, "Routing rules").
RULE_ACTIONS = ("publish", "hold", "drop")
# The conditions a rule may set, in the order the desk lists them.
RULE_CONDITIONS = ("source", "language", "section", "urgency", "keyword", "subject")
_LANGUAGE_CODE_RE = re.compile(r"^[a-z]{2,3}$")
# `urgency = "<= 2"`: a comparison with one of the agency's urgencies, 1 (most urgent) .. 9.
_URGENCY_RE = re.compile(r"^\s*(<=|>=|<|>|=|==)?\s*([1-9])\s*$")
_URGENCY_RANGE_RE = re.compile(r"^\s*([1-9])\s*(?:-|\.\.|–)\s*([1-9])\s*$")


@dataclass(frozen=True, slots=True)
class RuleSettings:
    """One `[[rules]]` table: what to do with a new copy that meets every condition it sets.

    An empty condition is no condition; a list is "any of these". The matching itself is
    `wiredesk.pipeline.rules`; here the values are only checked and put in one shape."""

    name: str  # as given, else "rule N" (its place in the file, from 1)
    action: str  # one of RULE_ACTIONS
    sources: tuple[str, ...] = ()  # source ids
    languages: tuple[str, ...] = ()  # short codes, lowercase ("hi")
    sections: tuple[str, ...] = ()  # section slugs
    urgencies: frozenset[int] = frozenset()  # the urgencies (1..9) it takes
    urgency_as_written: str = ""  # "<= 2", for the desk's list of rules
    keywords: tuple[str, ...] = ()  # words or phrases, as written
    subjects: tuple[str, ...] = ()  # subject codes ("medtop:11000000") or names, as written

    def conditions(self) -> list[tuple[str, str]]:
        """(condition, its values as an editor reads them), in RULE_CONDITIONS order."""
        values = {
            "source": ", ".join(self.sources),
            "language": ", ".join(self.languages),
            "section": ", ".join(self.sections),
            "urgency": self.urgency_as_written,
            "keyword": ", ".join(f"“{k}”" for k in self.keywords),
            "subject": ", ".join(self.subjects),
        }
        return [(key, values[key]) for key in RULE_CONDITIONS if values[key]]


@dataclass(frozen=True, slots=True)
class Settings:
    path: Path
    site: SiteSettings
    sources: tuple[SourceSettings, ...]
    websub: WebSubSettings = field(default_factory=WebSubSettings)
    desk: DeskSettings = field(default_factory=DeskSettings)
    rules: tuple[RuleSettings, ...] = ()  # in the file's order: the first that matches decides
    # id -> source: a feed's render asks for each entry's agency several times
    _by_id: dict[str, SourceSettings] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {s.id: s for s in reversed(self.sources)})

    def source(self, source_id: str) -> SourceSettings | None:
        return self._by_id.get(source_id)


_SITE_KEYS = {
    "name": str,
    "language": str,
    "base_url": str,
    "timezone": str,
    "data_dir": str,
    "database": str,
    "page_size": int,
    "push_max_bytes": int,
    "max_body_bytes": int,
    "fetch_total_timeout": (int, float),
    "max_concurrent_polls": int,
    "max_requests_per_host": int,
    "max_backoff": (int, float),
    "max_picture_bytes": int,
    "max_picture_pixels": int,
    "request_header_timeout": (int, float),
    "request_body_timeout": (int, float),
    "duplicates": str,
    "preferred_sources": list,
    "logo": str,
    "favicon": str,
    "theme_color": str,
    "metrics_allow": list,
}
_SOURCE_KEYS = {
    "id": str,
    "name": str,
    "url": str,
    "folder": str,
    "format": str,
    "poll_every": (int, float),
    "section": str,
    "disclaimer": str,
    "auto_publish": bool,
    "timeout": (int, float),
    "push_token": str,
    "allow_private": bool,
    "missing_headline": str,
    "aliases": list,
    "images": str,
    "headers": dict,
    "headers_hosts": list,
}
_WEBSUB_KEYS = {
    "enabled": bool,
    "lease_seconds": int,
    "max_lease_seconds": int,
    "max_subscriptions": int,
    "allow_private_callbacks": bool,
    "ping": list,
}
_DESK_KEYS = {
    "session_idle_timeout": (int, float),
    "session_max_age": (int, float),
    "lockout_window": (int, float),
    "lockout_account_failures": int,
    "lockout_address_failures": int,
    "password_time_cost": int,
    "password_memory_kib": int,
    "password_parallelism": int,
}
_TOP_KEYS = {"site", "sources", "sections", "websub", "desk", "editions", "rules"}
_RULE_KEYS = {"name", "action", *RULE_CONDITIONS}
_SECTION_KEYS = {"name": str, "names": dict, "aliases": list}
_EDITION_KEYS = {"name": str, "path": str}


def find_config_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """`--config`, else ./wiredesk.toml, else $WIREDESK_CONFIG."""
    if explicit:
        return Path(explicit)
    local = Path.cwd() / DEFAULT_CONFIG_NAME
    if local.exists():
        return local
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env)
    raise ConfigError(
        str(local),
        f"no settings file found (also checked ${ENV_VAR}); "
        "create one with `wiredesk init DIR` or pass --config FILE",
    )


def load_settings(path: str | os.PathLike[str]) -> Settings:
    p = Path(path)
    shown = str(p)
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        raise ConfigError(
            shown, "file not found; create one with `wiredesk init DIR` or pass --config FILE"
        ) from None
    except OSError as e:
        raise ConfigError(
            shown, f"cannot read the file ({e.strerror}); check its permissions"
        ) from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(shown, "the file is not UTF-8 text; save it as UTF-8") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(shown, f"invalid TOML: {e}; fix the syntax there") from None
    return parse_settings(data, p)


def parse_settings(data: dict[str, Any], path: Path) -> Settings:
    shown = str(path)
    base_dir = path.resolve().parent
    _reject_unknown(shown, data, _TOP_KEYS, prefix="")
    site_raw = data.get("site")
    if not isinstance(site_raw, dict):
        raise ConfigError(
            shown, "missing [site] table; add one (see docs/configuration.md)", "site"
        )
    site = _parse_site(shown, site_raw, base_dir)
    sections = _parse_sections(shown, data.get("sections", {}), site.language)
    keys = _section_keys(shown, sections)
    others, main_label = _parse_editions(shown, data.get("editions", {}), site.language, sections)
    site = replace(
        site,
        sections=sections,
        section_keys=keys,
        other_editions=others,
        main_label=main_label,
    )

    sources_raw = data.get("sources", [])
    if not isinstance(sources_raw, list):
        raise ConfigError(shown, "must be an array of tables: write [[sources]]", "sources")
    sources: list[SourceSettings] = []
    seen: set[str] = set()
    for i, s in enumerate(sources_raw):
        src = _parse_source(shown, s, i, base_dir, site)
        if src.id in seen:
            raise ConfigError(
                shown, f"duplicate source id {src.id!r}; ids must be unique", f"sources[{i}].id"
            )
        seen.add(src.id)
        sources.append(src)
    for i, sid in enumerate(site.preferred_sources):
        if sid not in seen:
            known = ", ".join(sorted(seen)) or "none configured"
            raise ConfigError(
                shown,
                f"{sid!r} is not a source id in this file (known: {known})",
                f"site.preferred_sources[{i}]",
            )
    desk_raw = data.get("desk", {})
    if not isinstance(desk_raw, dict):
        raise ConfigError(shown, "must be a table: write [desk]", "desk")
    desk = _parse_desk(shown, desk_raw)
    websub = _parse_websub(shown, data.get("websub", {}))
    rules = _parse_rules(shown, data.get("rules", []), site, seen)
    return Settings(
        path=path, site=site, sources=tuple(sources), websub=websub, desk=desk, rules=rules
    )


def _parse_websub(shown: str, raw: Any) -> WebSubSettings:
    if not isinstance(raw, dict):
        raise ConfigError(shown, "must be a table: write [websub]", "websub")
    _typed(shown, raw, _WEBSUB_KEYS, "websub.")
    defaults = WebSubSettings()
    for key in ("lease_seconds", "max_lease_seconds", "max_subscriptions"):
        if key in raw and raw[key] < 1:
            raise ConfigError(
                shown, f"must be a positive number, not {raw[key]!r}", f"websub.{key}"
            )
    lease = raw.get("lease_seconds", defaults.lease_seconds)
    longest = raw.get("max_lease_seconds", max(defaults.max_lease_seconds, lease))
    if lease > longest:
        raise ConfigError(
            shown,
            f"is longer than websub.max_lease_seconds ({longest}); lower it or raise that",
            "websub.lease_seconds",
        )
    ping = raw.get("ping", [])
    for i, url in enumerate(ping):
        parts = urlsplit(url) if isinstance(url, str) else None
        if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
            raise ConfigError(
                shown, f"must be an http(s) URL of a hub, not {url!r}", f"websub.ping[{i}]"
            )
    return WebSubSettings(
        enabled=raw.get("enabled", defaults.enabled),
        lease_seconds=lease,
        max_lease_seconds=longest,
        max_subscriptions=raw.get("max_subscriptions", defaults.max_subscriptions),
        allow_private_callbacks=raw.get(
            "allow_private_callbacks", defaults.allow_private_callbacks
        ),
        ping=tuple(ping),
    )


def _reject_unknown(shown: str, table: dict[str, Any], known: Any, prefix: str) -> None:
    for key in table:
        if key not in known:
            close = difflib.get_close_matches(key, list(known), n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"known keys: {', '.join(known)}"
            raise ConfigError(shown, f"unknown key; {hint}", f"{prefix}{key}")


def _typed(shown: str, table: dict[str, Any], spec: dict[str, Any], prefix: str) -> None:
    _reject_unknown(shown, table, spec, prefix)
    for key, value in table.items():
        want = spec[key]
        names = want if isinstance(want, tuple) else (want,)
        # bool is an int in Python; `poll_every = true` is still a mistake.
        if not isinstance(value, names) or (isinstance(value, bool) and bool not in names):
            kind = " or ".join(
                sorted(
                    {
                        int: "a number",
                        float: "a number",
                        str: "a string",
                        bool: "true or false",
                        list: "a list",
                        dict: "a table",
                    }[t]
                    for t in names
                )
            )
            raise ConfigError(shown, f"must be {kind}, not {value!r}", f"{prefix}{key}")


def _parse_sections(shown: str, raw: Any, language: str) -> dict[str, SectionSettings]:
    """`[sections]`: `slug = "Display name"` (the name in the site's language), or a table
    `[sections.<slug>]` with `name`, `names` (other languages) and `aliases`."""
    if not isinstance(raw, dict):
        raise ConfigError(
            shown,
            'must be a table: slug = "Display name", or [sections.<slug>] tables',
            "sections",
        )
    out: dict[str, SectionSettings] = {}
    for slug, value in raw.items():
        key = f"sections.{slug}"
        _check_section(shown, key, slug)
        if isinstance(value, str):
            out[slug] = SectionSettings(slug, {language: value.strip()} if value.strip() else {})
            continue
        if not isinstance(value, dict):
            raise ConfigError(
                shown,
                'must be a "Display name" or a table with name, names and aliases',
                key,
            )
        _typed(shown, value, _SECTION_KEYS, key + ".")
        names: dict[str, str] = {}
        for lang, name in value.get("names", {}).items():
            if lang not in SUPPORTED_LANGUAGES:
                raise ConfigError(
                    shown,
                    f"no such language; names may be given in {', '.join(SUPPORTED_LANGUAGES)}",
                    f"{key}.names.{lang}",
                )
            if not isinstance(name, str) or not name.strip():
                raise ConfigError(
                    shown, 'must be a name, e.g. en = "National"', f"{key}.names.{lang}"
                )
            names[lang] = name.strip()
        if value.get("name", "").strip():
            names[language] = value["name"].strip()
        aliases = value.get("aliases", [])
        if not all(isinstance(a, str) and a.strip() for a in aliases):
            raise ConfigError(
                shown,
                'must be a list of names and codes, e.g. ["National", "medtop:11000000"]',
                f"{key}.aliases",
            )
        out[slug] = SectionSettings(slug, names, tuple(a.strip() for a in aliases))
    return out


def _section_keys(shown: str, sections: dict[str, SectionSettings]) -> dict[str, str]:
    """Every name a category may file a copy under a section by -> that section's slug. A name
    claimed by two sections would file copy by the order of a table: refused."""
    keys: dict[str, str] = {}
    for slug, section in sections.items():
        for name in (slug, *section.names.values(), *section.aliases):
            key = section_key(name)
            other = keys.get(key)
            if other is not None and other != slug:
                raise ConfigError(
                    shown,
                    f"{name!r} names two sections, {other} and {slug}; keep it in one of them",
                    f"sections.{slug}",
                )
            keys[key] = slug
    return keys


def _parse_editions(
    shown: str, raw: Any, language: str, sections: dict[str, SectionSettings]
) -> tuple[tuple[Edition, ...], str | None]:
    """`[editions.<language>]`: the languages published besides the site's own, each under
    its path (`/en/` by default); and the label of the site's own edition, if given."""
    if not isinstance(raw, dict):
        raise ConfigError(
            shown, 'must be tables such as [editions.en] with name = "English"', "editions"
        )
    others: list[Edition] = []
    main_label: str | None = None
    paths = {"/"}
    for code, table in raw.items():
        key = f"editions.{code}"
        if code not in SUPPORTED_LANGUAGES:
            raise ConfigError(
                shown,
                f"wiredesk has no interface strings in {code!r}; an edition may be one of "
                f"{', '.join(SUPPORTED_LANGUAGES)}",
                key,
            )
        if not isinstance(table, dict):
            raise ConfigError(shown, 'must be a table, e.g. en = { name = "English" }', key)
        _typed(shown, table, _EDITION_KEYS, key + ".")
        label = table.get("name", "").strip() or None
        if code == language:
            if table.get("path", "/") != "/":
                raise ConfigError(
                    shown,
                    'the site\'s own language is published at "/"; leave path out',
                    key + ".path",
                )
            main_label = label
            continue
        path = table.get("path", f"/{code}/")
        if not _EDITION_PATH_RE.match(path):
            raise ConfigError(
                shown,
                f'must be one folder under the root in lowercase, e.g. "/{code}/"',
                key + ".path",
            )
        segment = path.strip("/")
        if segment in sections or segment in RESERVED_SECTIONS or path in paths:
            taken = "a section" if segment in sections else "the site or another edition"
            raise ConfigError(
                shown, f"{path} is taken by {taken}; choose another, e.g. /{code}/", key + ".path"
            )
        paths.add(path)
        others.append(Edition(code, path, label))
    return tuple(others), main_label


def _parse_site(shown: str, raw: dict[str, Any], base_dir: Path) -> SiteSettings:
    _typed(shown, raw, _SITE_KEYS, "site.")
    name = raw.get("name", "wiredesk")
    language = raw.get("language", "en")
    if language not in SUPPORTED_LANGUAGES:
        raise ConfigError(
            shown, f"must be one of {', '.join(SUPPORTED_LANGUAGES)}", "site.language"
        )
    base_url = raw.get("base_url", "http://127.0.0.1:8000").rstrip("/")
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(
            shown, "must be an http(s) URL such as https://news.example.com", "site.base_url"
        )
    tz_name = raw.get("timezone", "UTC")
    try:
        tz = ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            shown,
            f"unknown time zone {tz_name!r}; use an IANA name such as Asia/Kolkata",
            "site.timezone",
        ) from None
    data_dir = _resolve(base_dir, raw.get("data_dir", "data"))
    database = raw.get("database") or f"sqlite:///{data_dir / 'wiredesk.db'}"
    if not (database.startswith("sqlite:") or database.startswith("postgresql")):
        raise ConfigError(
            shown, "must be a sqlite:/// path or a postgresql:// URL", "site.database"
        )
    page_size = raw.get("page_size", 20)
    if not 1 <= page_size <= 200:
        raise ConfigError(shown, "must be between 1 and 200", "site.page_size")
    push_max_bytes = raw.get("push_max_bytes", DEFAULT_PUSH_MAX_BYTES)
    if push_max_bytes < 1:
        raise ConfigError(
            shown, "must be a positive number of bytes (e.g. 16777216)", "site.push_max_bytes"
        )
    limits = _parse_fetch_limits(shown, raw)
    duplicates = raw.get("duplicates", "link")
    if duplicates not in DUPLICATE_POLICIES:
        raise ConfigError(
            shown, f"must be one of {', '.join(DUPLICATE_POLICIES)}", "site.duplicates"
        )
    preferred = raw.get("preferred_sources", [])
    if not all(isinstance(p, str) for p in preferred):
        raise ConfigError(
            shown, 'must be a list of source ids, e.g. ["pti", "ians"]', "site.preferred_sources"
        )
    logo = _site_url(shown, raw, "logo", DEFAULT_LOGO)
    favicon = _site_url(shown, raw, "favicon", DEFAULT_FAVICON)
    theme_color = raw.get("theme_color", DEFAULT_THEME_COLOR)
    if not _COLOR_RE.match(theme_color):
        raise ConfigError(
            shown,
            f'must be a colour written #rrggbb or #rgb (e.g. "{DEFAULT_THEME_COLOR}"), '
            f"not {theme_color!r}",
            "site.theme_color",
        )
    metrics_allow = _networks(shown, raw.get("metrics_allow", []), "site.metrics_allow")
    return SiteSettings(
        name=name,
        language=language,
        base_url=base_url,
        timezone=tz,
        data_dir=data_dir,
        database=database,
        page_size=page_size,
        push_max_bytes=push_max_bytes,
        duplicates=duplicates,
        preferred_sources=tuple(preferred),
        logo=logo,
        favicon=favicon,
        theme_color=theme_color.lower(),
        metrics_allow=metrics_allow,
        **limits,
    )


def _networks(shown: str, values: list[Any], key: str) -> tuple[IPv4Network | IPv6Network, ...]:
    """Addresses or networks written as "10.0.0.0/8", "192.0.2.7" or "2001:db8::/32"."""
    out = []
    for i, value in enumerate(values):
        try:
            out.append(ip_network(value, strict=False))
        except (TypeError, ValueError):
            raise ConfigError(
                shown,
                f'must be a list of addresses or networks, e.g. ["10.0.0.0/8"]; '
                f"{value!r} is not one",
                f"{key}[{i}]",
            ) from None
    return tuple(out)


def _site_url(shown: str, raw: dict[str, Any], key: str, default: str) -> str:
    """A file the pages link to (the logo, the favicon): a path on the site, or an http(s)
    URL. A bare name or a `//host` path would resolve against whatever page links it."""
    value: str = raw.get(key, default)
    parts = urlsplit(value)
    if not (
        (value.startswith("/") and not value.startswith("//"))
        or (parts.scheme in ("http", "https") and parts.netloc)
    ):
        raise ConfigError(
            shown, f"must be a path on the site ({default}) or an http(s) URL", f"site.{key}"
        )
    return value


def _parse_fetch_limits(shown: str, raw: dict[str, Any]) -> dict[str, Any]:
    """The poller's and the site's safety limits; each range keeps a typo from disabling a
    guard."""
    checks: dict[str, tuple[Any, float, float, str]] = {
        "max_body_bytes": (DEFAULT_MAX_BODY_BYTES, 1, 2**40, "a positive number of bytes"),
        "fetch_total_timeout": (DEFAULT_FETCH_TOTAL_TIMEOUT, 0.001, 3600, "0-3600 seconds"),
        "max_concurrent_polls": (DEFAULT_MAX_CONCURRENT_POLLS, 1, 1000, "between 1 and 1000"),
        "max_requests_per_host": (DEFAULT_MAX_REQUESTS_PER_HOST, 1, 100, "between 1 and 100"),
        "max_backoff": (DEFAULT_MAX_BACKOFF, 1, 7 * 86400, "1 to 604800 seconds"),
        "max_picture_bytes": (DEFAULT_MAX_PICTURE_BYTES, 1024, 2**31, "1024 bytes to 2 GiB"),
        "max_picture_pixels": (DEFAULT_MAX_PICTURE_PIXELS, 10_000, 10**9, "10000 to 1e9"),
        "request_header_timeout": (DEFAULT_REQUEST_HEADER_TIMEOUT, 0.001, 3600, "0-3600 seconds"),
        "request_body_timeout": (DEFAULT_REQUEST_BODY_TIMEOUT, 0.001, 3600, "0-3600 seconds"),
    }
    out: dict[str, Any] = {}
    for key, (default, low, high, wanted) in checks.items():
        value = raw.get(key, default)
        if not low <= value <= high:
            raise ConfigError(shown, f"must be {wanted}, not {value!r}", f"site.{key}")
        out[key] = float(value) if isinstance(default, float) else value
    return out


def _parse_desk(shown: str, raw: dict[str, Any]) -> DeskSettings:
    """The desk's sessions, throttling and hashing cost; each range keeps a typo from making
    sessions endless or sign-in unthrottled."""
    _typed(shown, raw, _DESK_KEYS, "desk.")
    checks: dict[str, tuple[Any, float, float, str]] = {
        "session_idle_timeout": (DEFAULT_SESSION_IDLE_TIMEOUT, 60, 86400, "60-86400 seconds"),
        "session_max_age": (DEFAULT_SESSION_MAX_AGE, 60, 30 * 86400, "60-2592000 seconds"),
        "lockout_window": (DEFAULT_LOCKOUT_WINDOW, 60, 86400, "60-86400 seconds"),
        "lockout_account_failures": (DEFAULT_LOCKOUT_ACCOUNT_FAILURES, 1, 100, "1-100"),
        "lockout_address_failures": (DEFAULT_LOCKOUT_ADDRESS_FAILURES, 1, 10000, "1-10000"),
        "password_time_cost": (DEFAULT_PASSWORD_TIME_COST, 1, 100, "1-100 passes"),
        "password_memory_kib": (DEFAULT_PASSWORD_MEMORY_KIB, 8, 4 * 1024 * 1024, "8-4194304 KiB"),
        "password_parallelism": (DEFAULT_PASSWORD_PARALLELISM, 1, 64, "1-64 lanes"),
    }
    out: dict[str, Any] = {}
    for key, (default, low, high, wanted) in checks.items():
        value = raw.get(key, default)
        if not low <= value <= high:
            raise ConfigError(shown, f"must be {wanted}, not {value!r}", f"desk.{key}")
        out[key] = float(value) if isinstance(default, float) else value
    if out["session_idle_timeout"] > out["session_max_age"]:
        raise ConfigError(
            shown,
            f"must not be longer than desk.session_max_age ({out['session_max_age']:g} s)",
            "desk.session_idle_timeout",
        )
    if out["password_memory_kib"] < 8 * out["password_parallelism"]:
        raise ConfigError(
            shown,
            "must be at least 8 KiB per lane (8 × desk.password_parallelism): argon2 needs it",
            "desk.password_memory_kib",
        )
    return DeskSettings(**out)


def _parse_source(
    shown: str, raw: Any, i: int, base_dir: Path, site: SiteSettings
) -> SourceSettings:
    prefix = f"sources[{i}]."
    if not isinstance(raw, dict):
        raise ConfigError(shown, "must be a table: write [[sources]]", f"sources[{i}]")
    _typed(shown, raw, _SOURCE_KEYS, prefix)
    for required in ("id", "name"):
        if required not in raw:
            raise ConfigError(shown, "is required", prefix + required)
    sid = raw["id"]
    if not _ID_RE.match(sid):
        raise ConfigError(
            shown, "must be lowercase letters, digits, - or _ (e.g. ians)", prefix + "id"
        )
    prefix = f"sources.{sid}."  # from here on, name the source by its id
    url, folder, token = raw.get("url"), raw.get("folder"), raw.get("push_token")
    if url is not None and folder is not None:
        raise ConfigError(shown, "set only one of url or folder, not both", prefix + "url")
    if url is None and folder is None and token is None:
        raise ConfigError(
            shown,
            "set one of url or folder (to poll), or push_token (to receive pushes)",
            prefix + "url",
        )
    if token is not None:
        _check_token(shown, prefix + "push_token", token)
    if url is not None and urlsplit(url).scheme not in ("http", "https", "file"):
        raise ConfigError(shown, "must be an http://, https:// or file:// URL", prefix + "url")
    fmt = raw.get("format", "auto")
    if fmt not in FORMATS:
        raise ConfigError(shown, f"must be one of {', '.join(FORMATS)}", prefix + "format")
    poll_every = float(raw.get("poll_every", 300))
    if poll_every < 1:
        raise ConfigError(shown, "must be at least 1 (seconds)", prefix + "poll_every")
    timeout = float(raw.get("timeout", 30))
    if not 0 < timeout <= 600:
        raise ConfigError(shown, "must be between 0 and 600 seconds", prefix + "timeout")
    section = _source_section(shown, prefix + "section", raw.get("section"), site)
    missing_headline = raw.get("missing_headline", "derive")
    if missing_headline not in MISSING_HEADLINE_CHOICES:
        raise ConfigError(
            shown,
            f'must be "derive" (make one from the summary or first sentence, marked as '
            f'derived) or "hold" (quarantine for an editor), not {missing_headline!r}',
            prefix + "missing_headline",
        )
    aliases = raw.get("aliases", [])
    if not all(isinstance(a, str) and a.strip() for a in aliases):
        raise ConfigError(
            shown,
            'must be a list of names, e.g. ["आईएएनएस"]',
            prefix + "aliases",
        )
    images = raw.get("images", "link")
    if images not in IMAGE_MODES:
        raise ConfigError(
            shown,
            f'must be "host" (the site serves its own copies), "link" (links to the '
            f'agency\'s) or "none", not {images!r}; see docs/configuration.md, "Pictures"',
            prefix + "images",
        )
    headers = _parse_headers(shown, prefix, raw.get("headers", {}))
    headers_hosts = raw.get("headers_hosts", [])
    if not all(isinstance(h, str) and _HOST_RE.match(h.strip().lower()) for h in headers_hosts):
        raise ConfigError(
            shown,
            'must be a list of host names, e.g. ["photos.agency.example"]',
            prefix + "headers_hosts",
        )
    return SourceSettings(
        id=sid,
        name=raw["name"],
        url=url,
        folder=_resolve(base_dir, folder) if folder is not None else None,
        format=fmt,
        poll_every=poll_every,
        section=section,
        disclaimer=raw.get("disclaimer", "").strip(),
        auto_publish=raw.get("auto_publish", True),
        timeout=timeout,
        push_token=token,
        allow_private=raw.get("allow_private", False),
        missing_headline=missing_headline,
        aliases=tuple(" ".join(a.split()) for a in aliases),
        images=images,
        headers=headers,
        headers_hosts=tuple(h.strip().lower() for h in headers_hosts),
    )


def _parse_headers(shown: str, prefix: str, raw: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    """A source's `headers = { Authorization = "Bearer ..." }`: HTTP header names and
    printable ASCII values, none that wiredesk sets itself."""
    out: list[tuple[str, str]] = []
    for name, value in raw.items():
        key = f"{prefix}headers.{name}"
        if not _HEADER_NAME_RE.match(name) or name.lower() in _OWN_HEADERS:
            raise ConfigError(
                shown,
                "must be an HTTP header name (letters, digits, -) that wiredesk does not set "
                "itself, such as Authorization or X-Api-Key",
                key,
            )
        if not isinstance(value, str) or not _HEADER_VALUE_RE.match(value):
            raise ConfigError(shown, "must be a string of printable ASCII (one line)", key)
        out.append((name, value))
    return tuple(out)


def _check_token(shown: str, key: str, token: str) -> None:
    if len(token) < MIN_TOKEN_CHARS:
        raise ConfigError(
            shown,
            f"must be at least {MIN_TOKEN_CHARS} characters; generate one with "
            "`python -c 'import secrets; print(secrets.token_urlsafe(32))'`",
            key,
        )
    if not _TOKEN_RE.match(token):
        raise ConfigError(
            shown, "must be printable ASCII without spaces (it is sent in a header)", key
        )


def _source_section(shown: str, key: str, value: str | None, site: SiteSettings) -> str:
    """The slug of the section a source files under: one of `[sections]` (by slug or any of
    its names and aliases), or the default `news`. Anything else would be a section nobody
    configured, with a name nobody chose: refused, with the ones there are."""
    if value is None or value == DEFAULT_SECTION:
        return DEFAULT_SECTION
    if value in site.sections:
        return value
    slug = site.section_keys.get(section_key(value))
    if slug is not None:
        return slug
    known = [*site.sections, *([] if DEFAULT_SECTION in site.sections else [DEFAULT_SECTION])]
    close = difflib.get_close_matches(value, known, n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    raise ConfigError(
        shown,
        f"unknown section {value!r}; {hint}the known sections are {', '.join(known)} "
        f"(add [sections.{value if _SECTION_RE.match(value) else '<slug>'}] to make another)",
        key,
    )


def _check_section(shown: str, key: str, section: str) -> None:
    if not _SECTION_RE.match(section) or section in RESERVED_SECTIONS:
        raise ConfigError(
            shown,
            "must be lowercase letters, digits and - (e.g. world), and not a reserved path",
            key,
        )


def _resolve(base_dir: Path, value: str) -> Path:
    p = Path(value).expanduser()
    return p if p.is_absolute() else (base_dir / p)


def _parse_rules(
    shown: str, raw: Any, site: SiteSettings, source_ids: set[str]
) -> tuple[RuleSettings, ...]:
    """`[[rules]]`: routing rules, in order. Every value is checked against what the file
    configures (source ids, sections), so a typo fails at start-up rather than matching
    nothing for ever."""
    if not isinstance(raw, list):
        raise ConfigError(shown, "must be an array of tables: write [[rules]]", "rules")
    rules: list[RuleSettings] = []
    names: set[str] = set()
    for i, table in enumerate(raw):
        rule = _parse_rule(shown, table, i, site, source_ids)
        if rule.name in names:
            raise ConfigError(
                shown,
                f"another rule is named {rule.name!r}; give each rule a name of its own "
                "(each copy records the name of the rule that decided it)",
                f"rules[{i}].name",
            )
        names.add(rule.name)
        rules.append(rule)
    return tuple(rules)


def _parse_rule(
    shown: str, raw: Any, i: int, site: SiteSettings, source_ids: set[str]
) -> RuleSettings:
    where = f"rules[{i}]"
    if not isinstance(raw, dict):
        raise ConfigError(shown, "must be a table: write [[rules]]", where)
    _reject_unknown(shown, raw, _RULE_KEYS, where + ".")
    name = raw.get("name", f"rule {i + 1}")
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(shown, 'must be a name for the rule, e.g. "hold sports"', where + ".name")
    name = " ".join(name.split())
    where = f"{where} ({name})"  # from here on, name the rule as the desk lists it
    if "action" not in raw:
        raise ConfigError(
            shown,
            'is required: add action = "publish", "hold" (for an editor to approve) or "drop"',
            where + ".action",
        )
    action = raw["action"]
    if action not in RULE_ACTIONS:
        raise ConfigError(
            shown,
            f'must be "publish", "hold" (for an editor to approve) or "drop", not {action!r}',
            where + ".action",
        )

    def strings(key: str, example: str) -> list[str]:
        value = raw.get(key, [])
        value = [value] if isinstance(value, str) else value
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise ConfigError(
                shown, f"must be a string or a list of strings, e.g. {example}", f"{where}.{key}"
            )
        return [" ".join(v.split()) for v in value]

    sources = strings("source", '["pti", "ians"]')
    for n, sid in enumerate(sources):
        if sid not in source_ids:
            close = difflib.get_close_matches(sid, sorted(source_ids), n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            known = ", ".join(sorted(source_ids)) or "none configured"
            raise ConfigError(
                shown,
                f"{sid!r} is not a source id in this file; {hint}(known: {known})",
                f"{where}.source" + (f"[{n}]" if isinstance(raw["source"], list) else ""),
            )
    languages = [v.lower() for v in strings("language", '["hi"]')]
    for lang in languages:
        if not _LANGUAGE_CODE_RE.match(lang):
            raise ConfigError(
                shown,
                f'{lang!r} is not a language code; write a short one such as "hi" or "en"',
                f"{where}.language",
            )
    sections = [
        _source_section(shown, f"{where}.section", v, site)
        for v in strings("section", '["sport", "national"]')
    ]
    urgencies, written = _parse_urgency(shown, raw.get("urgency"), f"{where}.urgency")
    keywords = strings("keyword", '["भूकंप", "earthquake"]')
    for keyword in keywords:
        if not any(c.isalnum() for c in keyword):
            raise ConfigError(
                shown,
                f"{keyword!r} has no letters or digits to match; write a word or a phrase",
                f"{where}.keyword",
            )
    subjects = strings("subject", '["medtop:15000000", "sport"]')
    return RuleSettings(
        name=name,
        action=action,
        sources=tuple(dict.fromkeys(sources)),
        languages=tuple(dict.fromkeys(languages)),
        sections=tuple(dict.fromkeys(sections)),
        urgencies=urgencies,
        urgency_as_written=written,
        keywords=tuple(dict.fromkeys(keywords)),
        subjects=tuple(dict.fromkeys(subjects)),
    )


def _parse_urgency(shown: str, value: Any, key: str) -> tuple[frozenset[int], str]:
    """A rule's `urgency`: a number (`1`), a list (`[1, 2]`), a comparison (`"<= 2"`) or a
    range (`"1-3"`); the agency's scale, 1 most urgent to 9 least. Returns the urgencies it
    takes and the condition as the desk shows it."""
    wanted = (
        "must be an urgency from 1 (most urgent) to 9, a list of them ([1, 2]), a comparison "
        f'("<= 2") or a range ("1-3"), not {value!r}'
    )
    if value is None:
        return frozenset(), ""
    if isinstance(value, int) and not isinstance(value, bool):
        if not 1 <= value <= 9:
            raise ConfigError(shown, wanted, key)
        return frozenset({value}), str(value)
    if isinstance(value, list):
        if not value or not all(
            isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= 9 for v in value
        ):
            raise ConfigError(shown, wanted, key)
        taken = sorted(set(value))
        return frozenset(taken), ", ".join(map(str, taken))
    if isinstance(value, str):
        span = _URGENCY_RANGE_RE.match(value)
        if span is not None:
            low, high = int(span.group(1)), int(span.group(2))
            if low > high:
                raise ConfigError(shown, f"{value!r} runs backwards; write {high}-{low}", key)
            return frozenset(range(low, high + 1)), f"{low}–{high}"
        compared = _URGENCY_RE.match(value)
        if compared is not None:
            op, n = compared.group(1) or "=", int(compared.group(2))
            span_of = {
                "<=": range(1, n + 1),
                "<": range(1, n),
                ">=": range(n, 10),
                ">": range(n + 1, 10),
            }.get(op, range(n, n + 1))
            if not span_of:
                raise ConfigError(shown, f"{value!r} takes no urgency from 1 to 9", key)
            return frozenset(span_of), f"{op} {n}" if op not in ("=", "==") else str(n)
    raise ConfigError(shown, wanted, key)
