r"""## What it does
Finds REST routes that accept a write method (POST, PUT, PATCH or DELETE — including
`WP_REST_Server::CREATABLE`, `EDITABLE`, `DELETABLE`, `ALLMETHODS`, comma lists and arrays in any case)
whose `permission_callback` always grants: `'__return_true'`, a closure or arrow function that returns
`true`, or a named function or method (`'my_fn'`, `'Class::m'`, `[ $this, 'm' ]`, `[ self::class, 'm' ]`)
whose body only returns `true`.

A write route that is public by design — its `callback` verifies a nonce, token, signature or capability
itself and stops the request when it fails (`if ( ! wp_verify_nonce( … ) ) return new WP_Error( … );`;
contact forms, beacons, webhooks) — is reported as a `note` that says so. A verification function that is
merely called (to mint a token, to pick a post status) does not make a route public by design.

## Why is this bad?
Failure stage: **permission**. Core calls the permission callback and lets the request through on any value
but `false`, `null` or a `WP_Error`; `true` lets everyone through. Without a nonce the request runs as user
0, so an anonymous visitor can create, change or delete whatever the callback touches: no 401, no 403,
just `200`. Core itself uses `__return_true` only on read routes and authorizes inside the callback.

Read-only routes with `__return_true` are public on purpose and are not reported.

## Example
```php
register_rest_route( 'acme/v1', '/settings', array(
    'methods'             => WP_REST_Server::EDITABLE,
    'callback'            => 'acme_save_settings',
    'permission_callback' => '__return_true',
) );
```

## Use instead
```php
register_rest_route( 'acme/v1', '/settings', array(
    'methods'             => WP_REST_Server::EDITABLE,
    'callback'            => 'acme_save_settings',
    'permission_callback' => function () {
        return current_user_can( 'manage_options' );
    },
) );
```
If the route must stay public, verify what the request carries (a signature, a token, a nonce) at the top of
the callback, and suppress the note with a reason.

## References
- [Adding Custom Endpoints: Permissions Callback](https://developer.wordpress.org/rest-api/extending-the-rest-api/adding-custom-endpoints/#permissions-callback)
- [register_rest_route()](https://developer.wordpress.org/reference/functions/register_rest_route/)
- [CWE-862: Missing Authorization](https://cwe.mitre.org/data/definitions/862.html)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from analyzer import wordpress
from analyzer.findings import Finding, Related, ref
from analyzer.model import PluginModel, RestEndpoint
from analyzer.php import behaviour
from analyzer.rules import _text
from analyzer.rules.base import Rule

RULE = Rule(
    code="WPR005",
    name="public-write-route",
    summary="A write route's permission_callback always grants: anyone can call it.",
    level="error",
    confidence="high",
    queries=("php/rest_routes",),
    cwe=(862,),
    security_severity="8.1",
    levels="error; note when the callback verifies the request itself",
    references=(
        "https://developer.wordpress.org/rest-api/extending-the-rest-api/adding-custom-endpoints/#permissions-callback",
        "https://cwe.mitre.org/data/definitions/862.html",
    ),
)


def _always_grants(endpoint: RestEndpoint) -> bool:
    permission = endpoint.permission
    cb = permission.callback
    if permission.status != "callable" or cb is None:
        return False
    if cb.kind == "core":
        return cb.name in wordpress.CORE_ALWAYS_TRUE
    return cb.function is not None and behaviour.always_true(cb.function)


def check(model: PluginModel) -> Iterator[Finding]:
    by_location: dict[object, list[RestEndpoint]] = defaultdict(list)
    for endpoint in model.rest_endpoints:
        if endpoint.write_methods and _always_grants(endpoint):
            by_location[endpoint.permission.span or endpoint.span].append(endpoint)

    for span, endpoints in by_location.items():
        # Each route behind this permission_callback is judged on its own callback: one shared
        # '__return_true' must not let a verified webhook excuse an unverified sibling.
        verified: list[tuple[RestEndpoint, object]] = []
        unverified: list[RestEndpoint] = []
        for endpoint in endpoints:
            handler = endpoint.callback
            gate = model.credential_check(handler.function) if handler is not None and handler.function is not None else None
            if gate is None:
                unverified.append(endpoint)
            else:
                verified.append((endpoint, gate))
        first = (unverified or [e for e, _ in verified])[0]
        cb = first.permission.callback
        assert cb is not None
        related: list[Related] = []
        if cb.function is not None and cb.function.kind in ("function", "method"):
            related.append(Related(cb.function.span, f"{_text.callback(cb)} only returns true"))
            grants = f"{ref(1, _text.callback(cb))} only returns true"
        else:
            grants = f"{_text.callback(cb)} always returns true"
        related.append(Related(first.registration, f"{_text.route(first)} is registered here"))

        if unverified:
            message = (
                f"{_text.routes(unverified)} accepts writes from anyone: its permission_callback {grants}, so core "
                f"lets every request through at the permission stage and anonymous visitors run the callback as "
                f"user 0. Check a capability instead, e.g. 'permission_callback' => function () {{ return "
                f"current_user_can( 'edit_posts' ); }}."
            )
            yield Finding(RULE.code, RULE.level, message, span, tuple(related))
            continue
        gate = verified[0][1]
        related.append(Related(gate.span, f"the callback stops the request unless {gate.description} passes"))
        message = (
            f"{_text.routes([e for e, _ in verified])} is public by design: its permission_callback {grants}, and "
            f"the callback stops the request unless {ref(len(related), gate.description)} passes. Keep that check "
            f"first in the callback; suppress this note with a reason if anonymous writes are intended."
        )
        yield Finding(RULE.code, "note", message, span, tuple(related))
