r"""## What it does
Finds code that runs outside a browser and authenticates to the REST API the way a browser does: with an
`X-WP-Nonce` header or a `wordpress_logged_in_*` cookie. It reads the scripts plugins ship —

- Python (`requests`, `httpx`, `aiohttp`, `urllib.request`, `http.client`; parsed with libcst): header and
  cookie dicts inline or built in a variable of the same function, sessions and clients
  (`s.headers.update(…)`, `s.cookies.set(…)`, `ClientSession( cookies=… )`, `req.add_header(…)`);
- Node scripts (a JS/TS file with a `node` shebang, or that loads `node:*`, `http(s)`, `fs`,
  `child_process`, `node-fetch` or `undici`, or reads `process.argv`): `fetch`, `axios`, `http(s).request`,
  `undici` calls whose `headers` carry them;
- shell (`.sh`, `.bash`): `curl -H 'X-WP-Nonce: …'`, `curl --cookie 'wordpress_logged_in_…'`, `wget --header`;
- PHP `wp_remote_*` / `WP_Http` requests to a URL that is not built from the site's own URL (read in files
  that name `X-WP-Nonce`, `wordpress_logged_in` or `LOGGED_IN_COOKIE`).

A script that logs in itself (`wp-login.php`) or asks admin-ajax for a fresh nonce (`rest-nonce`) each
run is cookie authentication by design, as a browser does it (end-to-end tests are the usual case): a
**note**, since it breaks only when the login form changes.

Silent: Application Password authentication (HTTP Basic, with no logged-in cookie; a nonce next to it is
ignored by core), and an in-request loopback to the same site — a URL built from `home_url()`, `rest_url()`
… — that forwards the visitor's `$_COOKIE` with a freshly minted nonce, as core's Site Health does.

## Why is this bad?
Failure stage: **cookie-nonce** later, or **anonymous** at once. Cookie authentication works only with a live
logged-in cookie **and** a `wp_rest` nonce minted for that cookie's session. The pair dies with the session —
when the user logs out, or the login expires (2 days; 14 with "Remember Me") — and the nonce 12–24 hours after
it was made; then every call fails with `403 rest_cookie_invalid_nonce`, even on public routes (runtime tests
A7, F3). A new login in the browser starts another session and leaves the copied one alive. Without the nonce,
core ignores the cookie and the request runs as user 0 (A1). A script that replays a browser's credentials
works on the day it is written and breaks on its own later. With HTTP Basic credentials *and* a logged-in
cookie, the cookie wins: without a nonce the user is reset to 0.

A PHP request that forwards `$_COOKIE` to another host also hands the visitor's session to that host.

## Example
```python
import requests

session = requests.Session()
session.headers.update({"X-WP-Nonce": NONCE})          # copied from a browser
session.cookies.set("wordpress_logged_in_0a1b2c", COOKIE)
session.post("https://example.org/wp-json/acme/v1/sync", json=payload)
```

## Use instead
An Application Password (Users → Profile → Application Passwords, WordPress 5.6+), sent as HTTP Basic
auth; no cookie, no nonce:
```python
requests.post("https://example.org/wp-json/acme/v1/sync", json=payload, auth=("sync-bot", APP_PASSWORD))
```

## References
- [REST API Handbook: Authentication, Application Passwords](https://developer.wordpress.org/rest-api/using-the-rest-api/authentication/#basic-authentication-with-application-passwords)
- [Application Passwords: Integration Guide](https://make.wordpress.org/core/2020/11/05/application-passwords-integration-guide/)
"""

from __future__ import annotations

from collections.abc import Iterator

from analyzer.findings import Claim, Finding, Related, ref
from analyzer.model import PluginModel
from analyzer.rules._claims import COOKIE_NONCE_FAILS
from analyzer.rules.base import Rule
from analyzer.scripts.ir import Sent
from analyzer.scripts.php_remote import remote_requests
from analyzer.source import Span

RULE = Rule(
    code="WPR010",
    name="cookie-auth-outside-browser",
    summary="A script outside the browser (Python, Node, shell, PHP server-to-server) sends a browser's nonce or logged-in cookie.",
    level="warning",
    confidence="high",
    queries=("php/remote_requests",),
    scripts=True,
    levels="warning; note when the script logs in itself and takes a fresh nonce each run",
    references=(
        "https://developer.wordpress.org/rest-api/using-the-rest-api/authentication/#basic-authentication-with-application-passwords",
        "https://make.wordpress.org/core/2020/11/05/application-passwords-integration-guide/",
    ),
)

_WHO = {"python": "This Python script", "node": "This Node script", "shell": "This shell script", "php": "This server-side request"}
_FIX = "Use an Application Password (HTTP Basic auth, WordPress 5.6+) instead."

# A browser's cookie and nonce, replayed: the script runs as that user while the session lives; once it has ended
# (logout, the login's expiry) core refuses every call at the nonce check (F3), as it does 12–24 h after the nonce
# was made.
_REPLAYED_SESSION = Claim(user="logged-in", when=(("session-ended", COOKIE_NONCE_FAILS),))
# A nonce whose cookie the script sends in a way not seen here (or not at all: then it fails at once, A7): after
# the session has ended it fails either way.
_NONCE = Claim(when=(("session-ended", COOKIE_NONCE_FAILS),))
# A logged-in cookie and no nonce: core ignores the cookie, the request runs as user 0 (A1, F4; D2 with Basic auth).
_COOKIE_IGNORED = Claim("anonymous", user="visitor")
# A script that logs in and takes a fresh nonce each run runs as that user, whatever became of earlier sessions.
_OWN_SESSION = Claim(user="logged-in")


def _claim(sent: Sent) -> Claim:
    if sent.nonce is None:
        return _COOKIE_IGNORED
    return _REPLAYED_SESSION if sent.cookie is not None else _NONCE


def _message(who: str, via: str, sent: Sent, at: Span, extra: str = "") -> tuple[str, tuple[Related, ...]]:
    related: list[Related] = []
    parts = []
    for label, where in (("X-WP-Nonce", sent.nonce), ("a wordpress_logged_in_ cookie", sent.cookie)):
        if where is None:
            continue
        if where.line != at.line or where.path != at.path:
            related.append(Related(where, f"{label} set here"))
            parts.append(ref(len(related), label))
        else:
            parts.append(label)
    what = " and ".join(parts)
    if sent.nonce is not None:
        why = (
            "cookie authentication outside a browser works only while that login session lives: the nonce is bound to "
            "the session, so it dies when the user logs out or the login expires, and 12–24 h after it was made; from "
            "then on every call fails with 403 rest_cookie_invalid_nonce (stage: cookie-nonce)"
        )
    else:
        why = (
            "without a nonce core ignores the cookie and runs the request as user 0 (stage: anonymous); with one, the "
            "nonce dies with the login session (403 rest_cookie_invalid_nonce)"
        )
    if sent.basic and sent.cookie is not None:
        why += "; the HTTP Basic credentials it also sends do not help, because with a logged-in cookie present the cookie wins"
    return f"{who} sends {what} with {via}{extra}: {why}. {_FIX}", tuple(related)


def check(model: PluginModel) -> Iterator[Finding]:
    for facts in model.script_files:
        for request in facts.requests:
            sent = request.sent
            if sent.basic and sent.cookie is None:
                continue  # Application Password: core never reads the nonce next to it (D3)
            who = _WHO.get(facts.language, "This script")
            if facts.logs_in and sent.nonce is not None:
                yield Finding(
                    RULE.code,
                    "note",
                    f"{who} sends X-WP-Nonce with {request.via}, and logs in itself (wp-login.php / admin-ajax rest-nonce) "
                    "to get a fresh session and nonce each run: cookie authentication by design, as a browser does it. It "
                    "breaks when the login form changes (two-factor, a captcha, a renamed login URL). An Application "
                    "Password (HTTP Basic auth, WordPress 5.6+) needs no login and no nonce.",
                    request.span,
                    claim=_OWN_SESSION,
                )
                continue
            message, related = _message(who, request.via, sent, request.span)
            yield Finding(RULE.code, RULE.level, message, request.span, related, _claim(sent))
    for request in remote_requests(model.php_files):
        sent = request.sent
        if request.url == "same-site" or (request.url == "unknown" and request.current_credentials):
            continue  # a loopback to this site with the visitor's own cookies and a fresh nonce (Site Health)
        if sent.basic and sent.cookie is None:
            continue
        extra = " to a URL that is not built from the site's own URL"
        if request.forwards:
            yield Finding(
                RULE.code,
                RULE.level,
                f"{_WHO['php']} forwards the visitor's cookies ($_COOKIE, with wordpress_logged_in_… for a logged-in "
                f"visitor){' and X-WP-Nonce' if sent.nonce else ''} with {request.via}(){extra}: it hands the visitor's "
                "login session to that host, and as REST authentication it cannot last (without a nonce core runs the "
                "request as user 0; with one, the nonce dies with the session). For calls between sites use an "
                "Application Password (HTTP Basic auth, WordPress 5.6+).",
                request.span,
                # Whose session travels is the visitor's, to a host that may not even know the cookie: claim only
                # what holds either way.
                claim=_NONCE if sent.nonce is not None else _COOKIE_IGNORED,
            )
            continue
        message, related = _message(_WHO["php"], f"{request.via}()", sent, request.span, extra)
        yield Finding(RULE.code, RULE.level, message, request.span, related, _claim(sent))
