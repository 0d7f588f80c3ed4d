r"""## What it does
Finds REST endpoints registered without a usable `permission_callback`: the key is missing, misspelt
(`permissions_callback`, `permission_cb`, `'permission-callback'` …), or holds a literal that is not a
callable (`null`, `false`, `''`, `true`). Remember that `methods` defaults to `GET` when omitted.

On read-only routes it is a warning. On write routes the level follows what the route's callback can do
(RULES.md "How loud", as WPR005 judges it): an **error** when it reaches a privileged effect (options, users,
posts of a request-chosen object, files, …) or a call the analyzer cannot follow; a **warning** — the floor,
since core itself flags a missing callback — when it only writes the plugin's own records, changes nothing, or
checks a credential (a nonce, a capability, a signature, a secret kept on the server) before it acts. The
message names the effect or the check.
`'permission_callback' => true` is always a warning: core does call it, and on PHP 8 the request fails
with a `TypeError` (HTTP 500) — broken, not public. (Checked on WordPress 6.1.9 with PHP 8.2.36: an
anonymous POST to such a route gets 500, "call_user_func(): Argument #1 ($callback) must be a valid
callback", from class-wp-rest-server.php line 1144; the same request to a `false` route gets 200.)

## Why is this bad?
Failure stage: **permission** — there is none. Core skips the permission check when the callback is empty,
so the route is public. Since WordPress 5.5 a missing key raises a `_doing_it_wrong` notice, but only under
`WP_DEBUG`; `false` and `''` pass core's `isset()` test and raise nothing at all. A developer who wrote
`'permission_callback' => false` to mean "deny" gets the opposite: everyone is let in (`200`).

## Example
```php
register_rest_route( 'acme/v1', '/orders/(?P<id>\d+)', array(
    'methods'              => 'DELETE',
    'callback'             => array( $this, 'delete_order' ),
    'permissions_callback' => array( $this, 'can_manage' ), // misspelt: core never reads it
) );
```

## Use instead
```php
register_rest_route( 'acme/v1', '/orders/(?P<id>\d+)', array(
    'methods'             => 'DELETE',
    'callback'            => array( $this, 'delete_order' ),
    'permission_callback' => array( $this, 'can_manage' ),
) );
```
For a route that is meant to be public, say so with `'permission_callback' => '__return_true'`.

## References
- [Adding Custom Endpoints: Permissions Callback](https://developer.wordpress.org/rest-api/extending-the-rest-api/adding-custom-endpoints/#permissions-callback)
- [WordPress 5.5: REST API changes (permission_callback required)](https://make.wordpress.org/core/2020/07/22/rest-api-changes-in-wordpress-5-5/)
- [CWE-862: Missing Authorization](https://cwe.mitre.org/data/definitions/862.html)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from analyzer import wordpress_effects as wpe
from analyzer.findings import LEVEL_RANK, Claim, Finding, Related
from analyzer.model import PluginModel, RestEndpoint
from analyzer.rules import _exposure, _text
from analyzer.rules.base import Rule

RULE = Rule(
    code="WPR006",
    name="permission-callback-missing",
    summary="An endpoint has no usable permission_callback, so core treats it as public.",
    level="error",
    confidence="very-high",
    queries=("php/rest_routes", "php/auth_filters"),  # auth_filters: dispatch filters that may check a credential
    cwe=(862,),
    security_severity="7.5",
    levels="error on write routes whose callback reaches a privileged or unknown effect; warning on other write "
    "routes, on read-only routes and for `true`",
    references=(
        "https://developer.wordpress.org/rest-api/extending-the-rest-api/adding-custom-endpoints/#permissions-callback",
        "https://cwe.mitre.org/data/definitions/862.html",
    ),
)

_STATUSES = ("missing", "misspelt", "non_callable")


def level_of(endpoint: RestEndpoint, exposure) -> str:
    """Write routes: error for privileged or unknown effects, else warning (the floor); read routes: warning."""
    if not endpoint.write_methods:
        return "warning"
    return "error" if exposure is not None and exposure.cls in (wpe.PRIVILEGED, wpe.UNKNOWN) else "warning"


def check(model: PluginModel) -> Iterator[Finding]:
    by_location: dict[tuple, list[RestEndpoint]] = defaultdict(list)
    for endpoint in model.rest_endpoints:
        permission = endpoint.permission
        if permission.status in _STATUSES:
            by_location[(permission.span or endpoint.span, permission.status)].append(endpoint)

    for (span, status), endpoints in by_location.items():
        judged = [(e, model.exposure(e) if e.write_methods else None) for e in endpoints]
        level = max((level_of(e, x) for e, x in judged), key=LEVEL_RANK.__getitem__)
        first, exposure = next((e, x) for e, x in judged if level_of(e, x) == level)
        permission = first.permission
        writes = any(e.write_methods for e in endpoints)
        unknown_methods = any(e.methods is None for e in endpoints)
        what = _text.routes(endpoints)
        if unknown_methods and not writes:
            what += " (its methods could not be resolved)"
        related: list[Related] = [Related(first.registration, f"{_text.route(first)} is registered here")]
        phrases = _exposure.Phrases(related)
        consequence = _consequence(phrases, exposure) if writes else "anyone can read what it returns"
        fix = "Add 'permission_callback' with a capability check, or '__return_true' if it is meant to be public."
        if status == "missing":
            headline = f"{what} has no permission_callback"
            why = (
                f"with nothing to call at the permission stage, core serves it to anyone ({consequence}); the only trace "
                f"is a _doing_it_wrong notice under WP_DEBUG"
            )
        elif status == "misspelt":
            headline = f"'{permission.key}' is not a key core reads"
            why = f"so {what} has no permission_callback and the permission stage lets everyone through ({consequence})"
            fix = "Rename the key to 'permission_callback'."
        elif permission.literal.startswith("true"):
            # true is not empty, so core calls it: call_user_func( true, … ) throws a TypeError on PHP 8.
            level = "warning"
            headline = "'permission_callback' => true is not a callable"
            why = f"core calls it at the permission stage, and on PHP 8 every request to {what} fails there with a TypeError (HTTP 500)"
            fix = "Use '__return_true' for a public route, or a capability check."
        else:
            headline = f"'permission_callback' => {permission.literal} is not a callable"
            why = (
                f"core skips an empty callback at the permission stage (and raises no notice for false or ''), so {what} "
                f"is public ({consequence})"
            )
            fix = "Use '__return_false' to deny, or a capability check."
        if status == "non_callable" and permission.literal.startswith("true"):
            claim = Claim("permission", status=500)
        elif exposure is not None and exposure.credential is not None:
            claim = None  # the callback answers a stranger with its own error
        else:
            claim = Claim("permission", status=200, user="visitor")
        yield Finding.explained(RULE.code, level, span, headline=headline, why=why, fix=fix, related=tuple(phrases.related), claim=claim)


def _consequence(phrases: _exposure.Phrases, exposure) -> str:
    """What anonymous visitors can do through the open write route, as far as the model can tell."""
    if exposure is None:
        return "anonymous visitors can write through it"
    if exposure.cls == wpe.PRIVILEGED:
        return _exposure.reach(phrases, exposure) + _exposure.login_only(phrases, exposure)
    if exposure.cls == wpe.UNKNOWN:
        return _exposure.reach(phrases, exposure)
    if exposure.credential is not None:
        return f"though the callback refuses the request unless {_exposure.credential(phrases, exposure)} passes"
    return f"anonymous visitors can write through it; {_exposure.intake(phrases, exposure)}"
