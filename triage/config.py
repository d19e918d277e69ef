"""Deployment settings: read once, in the app factory, from the environment.

Each setting is documented in SETTINGS (name, default, help); the README table
is checked against it by tests/test_docs.py. A bad value raises ConfigError
whose message names the variable, and start-up stops.
"""

import difflib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from triage.core.order_codes import (
    OrderCodes,
    OrderCodesError,
    load_order_codes,
)
from triage.core.ruleset import RuleSet, RuleSetError, load_rule_set


class ConfigError(ValueError):
    """A setting has a value the app cannot use; the message names the variable."""


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("HSG_CLINIC_NAME", "(none)", "Clinic name shown in the page header and on results."),
    Setting("HSG_CLINIC_CONTACT", "(none)", "One line shown with every result, for example how to book or whom to ask."),
    Setting("HSG_FRAME_ANCESTORS", "'self'", "Space-separated origins allowed to embed the pages (CSP frame-ancestors)."),
    Setting("HSG_RULES_FILE", "(the bundled rule set)", "Path of an alternative rule-set file, validated at start-up."),
    Setting("HSG_TRUSTED_PROXIES", "0", "How many proxies in front are trusted for X-Forwarded-* headers, including X-Forwarded-Prefix."),
    Setting("HSG_ORDER_CODES_FILE", "(the bundled order codes)", "Path of an alternative list of the order codes that mean an HSG (CDS Hooks), validated at start-up."),
    Setting("HSG_METRICS", "0", "1 counts CDS Hooks feedback in Prometheus multi-process mode and serves GET /metrics; needs PROMETHEUS_MULTIPROC_DIR, an empty writable directory."),
    Setting("HSG_URL_PREFIX", "(none)", "URL path the app is served under when the server receives the full path, such as /hsg; the same on every server (serve --prefix sets it too)."),
    Setting("HSG_PUBLIC_URL", "(none)", "The address people reach the app's home page at, such as https://intranet.example.org/hsg: the only base of absolute links (CDS Hooks cards); without it, the request's own host."),
)

#: HSG_ variables that are not app settings: the test suite reads these.
NOT_APP_SETTINGS = ("HSG_SOURCE_DOCUMENT",)

MAX_TEXT_LENGTH = 200

# A CSP source expression for frame-ancestors: a keyword, a scheme, or an
# origin with optional wildcard subdomain and port. Anything else (a `;`, a
# quote in the wrong place, a path with spaces) could break or widen the policy.
_FRAME_SOURCE = re.compile(
    r"^(?:'self'|'none'|[a-z][a-z0-9+.-]*:|"
    r"(?:[a-z][a-z0-9+.-]*://)?(?:\*\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*(?::(?:\d{1,5}|\*))?)$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Settings:
    clinic_name: str | None
    clinic_contact: str | None
    frame_ancestors: str
    rules: RuleSet
    trusted_proxies: int
    url_prefix: str
    public_url: str | None
    order_codes: OrderCodes
    #: Where prometheus_client's worker files go when metrics are on; None: metrics off.
    metrics_dir: Path | None = None


def load_settings(environ: Mapping[str, str]) -> Settings:
    _refuse_unknown(environ)
    return Settings(
        clinic_name=_text(environ, "HSG_CLINIC_NAME"),
        clinic_contact=_text(environ, "HSG_CLINIC_CONTACT"),
        frame_ancestors=_frame_ancestors(environ),
        rules=_rules(environ),
        trusted_proxies=_trusted_proxies(environ),
        order_codes=_order_codes(environ),
        metrics_dir=_metrics_dir(environ),
        url_prefix=_url_prefix(environ),
        public_url=_public_url(environ),
    )


def _refuse_unknown(environ: Mapping[str, str]) -> None:
    # A misspelt setting would otherwise be ignored in silence, and the app
    # would run without the clinic's name, rule set or framing policy.
    known = [setting.name for setting in SETTINGS]
    for name in sorted(environ):
        if name.startswith("HSG_") and name not in known and name not in NOT_APP_SETTINGS:
            closest = difflib.get_close_matches(name, known, n=1, cutoff=0)
            raise ConfigError(f"{name}: not a setting; did you mean {closest[0]}? (settings: {', '.join(known)})")


#: A plain URL path: segments of unreserved characters, no empty, `.` or `..` segment.
PLAIN_PATH = re.compile(r"(?:/(?!\.{1,2}(?:/|$))[A-Za-z0-9._~-]+)+")
#: The longest URL prefix, set here or forwarded by a proxy: real ones are a segment or two.
MAX_PREFIX_LENGTH = 256


def _url_prefix(environ: Mapping[str, str]) -> str:
    value = environ.get("HSG_URL_PREFIX", "").strip()
    if not value or value == "/":
        return ""
    if not PLAIN_PATH.fullmatch(value.rstrip("/")) or len(value.rstrip("/")) > MAX_PREFIX_LENGTH:
        raise ConfigError(f"HSG_URL_PREFIX: must be a plain path such as /hsg (letters, digits, - . _ ~), "
                          f"of at most {MAX_PREFIX_LENGTH} characters, got {value[:MAX_PREFIX_LENGTH + 8]!r}")
    return value.rstrip("/")


_HOST_AND_PORT = re.compile(r"(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?")


def _public_url(environ: Mapping[str, str]) -> str | None:
    value = environ.get("HSG_PUBLIC_URL", "").strip()
    if not value:
        return None
    parts = urlsplit(value)
    path = parts.path.rstrip("/")
    if (parts.scheme not in ("http", "https") or not _HOST_AND_PORT.fullmatch(parts.netloc) or parts.query or parts.fragment or (path and not PLAIN_PATH.fullmatch(path))):
        raise ConfigError(f"HSG_PUBLIC_URL: must be an http(s) address such as https://intranet.example.org/hsg, got {value!r}")
    return f"{parts.scheme}://{parts.netloc}{path}"


def _text(environ: Mapping[str, str], name: str) -> str | None:
    value = environ.get(name, "").strip()
    if not value:
        return None
    if len(value) > MAX_TEXT_LENGTH or any(not ch.isprintable() for ch in value):
        raise ConfigError(f"{name}: must be one line of at most {MAX_TEXT_LENGTH} printable characters")
    return value


def _frame_ancestors(environ: Mapping[str, str]) -> str:
    value = environ.get("HSG_FRAME_ANCESTORS", "").strip()
    if not value:
        return "'self'"
    sources = value.split()
    if unquoted := [source for source in sources if source.lower() in {"self", "none"}]:
        # Unquoted, CSP reads `self` as a host named "self": framing would quietly break.
        raise ConfigError(f"HSG_FRAME_ANCESTORS: write {unquoted[0]!r} in single quotes, as '{unquoted[0].lower()}'")
    bad = [source for source in sources if not _FRAME_SOURCE.match(source)]
    if bad:
        raise ConfigError(
            f"HSG_FRAME_ANCESTORS: {bad[0]!r} is not an origin; use space-separated origins such as "
            "'self' https://intranet.example.org"
        )
    if "'none'" in sources and len(sources) > 1:
        raise ConfigError("HSG_FRAME_ANCESTORS: 'none' cannot be combined with other origins")
    return " ".join(sources)


def _rules(environ: Mapping[str, str]) -> RuleSet:
    value = environ.get("HSG_RULES_FILE", "").strip()
    try:
        return load_rule_set(Path(value) if value else None)
    except RuleSetError as error:
        raise ConfigError(f"HSG_RULES_FILE: {error}") from None


def _trusted_proxies(environ: Mapping[str, str]) -> int:
    value = environ.get("HSG_TRUSTED_PROXIES", "").strip() or "0"
    if not re.fullmatch(r"[0-9]{1,2}", value) or int(value) > 10:
        raise ConfigError(f"HSG_TRUSTED_PROXIES: must be a whole number from 0 to 10, got {value!r}")
    return int(value)


def _order_codes(environ: Mapping[str, str]) -> OrderCodes:
    value = environ.get("HSG_ORDER_CODES_FILE", "").strip()
    try:
        return load_order_codes(Path(value) if value else None)
    except OrderCodesError as error:
        raise ConfigError(f"HSG_ORDER_CODES_FILE: {error}") from None


def _metrics_dir(environ: Mapping[str, str]) -> Path | None:
    value = environ.get("HSG_METRICS", "").strip() or "0"
    if value not in ("0", "1"):
        raise ConfigError(f"HSG_METRICS: must be 0 (off) or 1 (on), got {value!r}")
    if value == "0":
        return None
    # prometheus_client reads this variable when it is first imported, so it
    # must be in the environment of the process itself, not only here.
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "").strip()
    if not directory:
        raise ConfigError("HSG_METRICS: set PROMETHEUS_MULTIPROC_DIR to an empty directory that every worker can write to")
    path = Path(directory)
    if not path.is_dir() or not os.access(path, os.W_OK | os.X_OK):
        raise ConfigError(f"HSG_METRICS: PROMETHEUS_MULTIPROC_DIR {directory!r} is not a writable directory")
    return path
