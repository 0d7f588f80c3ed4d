"""Facts about requests made by scripts that run outside the browser."""

from __future__ import annotations

from dataclasses import dataclass

from analyzer.source import Span

NONCE_HEADER = "x-wp-nonce"
LOGGED_IN = "wordpress_logged_in"
# Bytes a script must contain for WPR010 to find anything in it (lower-cased source).
TOKENS = (b"x-wp-nonce", b"wordpress_logged_in")


@dataclass(frozen=True, slots=True)
class Sent:
    """What a request carries that matters to WordPress authentication."""

    nonce: Span | None = None  # where the X-WP-Nonce header is set
    cookie: Span | None = None  # where a wordpress_logged_in_* cookie is set
    basic: bool = False  # HTTP Basic credentials (an Application Password)

    def __or__(self, other: Sent) -> Sent:
        return Sent(self.nonce or other.nonce, self.cookie or other.cookie, self.basic or other.basic)

    def __bool__(self) -> bool:
        return self.nonce is not None or self.cookie is not None


@dataclass(frozen=True, slots=True)
class ScriptRequest:
    """A request a script sends with cookie credentials (a nonce, a logged-in cookie, or both)."""

    via: str  # requests.post, curl, axios, wp_remote_post …
    span: Span  # the request call (or the client it configures, when the file never sends with it)
    sent: Sent


@dataclass(frozen=True, slots=True)
class ScriptFacts:
    path: str
    language: str  # python | node | shell
    requests: tuple[ScriptRequest, ...]
    error: str | None = None  # why the file could not be analysed (a Python syntax error)
    suppressions: tuple = ()
    logs_in: bool = False  # the script logs in itself (wp-login.php) or asks admin-ajax for a fresh nonce


LOGIN_MARKERS = (b"wp-login.php", b"rest-nonce")


def logs_in(data: bytes) -> bool:
    """Whether a script makes its own login session and nonce each run (wp-login.php, admin-ajax rest-nonce)."""
    return any(marker in data for marker in LOGIN_MARKERS)


def has_tokens(data: bytes) -> bool:
    low = data.lower()
    return any(token in low for token in TOKENS)
