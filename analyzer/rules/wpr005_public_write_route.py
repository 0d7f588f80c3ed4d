r"""## What it does
Finds REST routes that accept a write method (POST, PUT, PATCH or DELETE — including
`WP_REST_Server::CREATABLE`, `EDITABLE`, `DELETABLE`, `ALLMETHODS`, comma lists and arrays in any case)
whose `permission_callback` always grants: `'__return_true'`, a closure or arrow function that returns
`true`, or a named function or method (`'my_fn'`, `'Class::m'`, `[ $this, 'm' ]`, `[ self::class, 'm' ]`)
whose body only returns `true` — or a callback that returns more than `true` but never asks who is calling:
it checks only the request's shape (a honeypot field, a rate limit, a required parameter), or only a value
the plugin hands to every visitor (a `wp_rest` nonce localized into a front-end script, a "key" written in
its source). A callback that tests the user, a capability, a password, a signature, a stored secret or the
caller's address, or that calls anything the analyzer cannot see into, is left alone.

How loud depends on what the route's `callback` can do, followed through the plugin's own functions,
methods, closures and hooks (RULES.md "How loud"):

| what the callback can reach before a credential is checked | level |
|---|---|
| a privileged effect: site options, users / roles / log-in cookies, posts or meta of a post the request chooses, terms, others' comments, plugins and themes, files, write SQL on core tables or built from request data, a request to a URL or mail to an address the request supplies, code execution | **error**, naming the effect and its line |
| a call the analyzer cannot follow (a function outside the plugin, a method of an object it cannot resolve, a computed callee) | **warning**, naming it |
| only the plugin's own records (its own table, a counter, a transient, mail to a fixed address, a comment held for moderation) or nothing | **note**: public intake by design |
| anything, after a credential the visitor cannot obtain — a nonce, a capability, a password, a signature, a request value compared with a secret kept on the server — checked in the callback, in a helper that ends the request, in a required argument's `validate_callback`, or in a `rest_pre_dispatch` / `rest_request_before_callbacks` / `rest_authentication_errors` filter scoped to the route | **note**, naming the check |

A "secret" the plugin itself prints to every visitor (localized into a front-end script, echoed into a
page or a `data-*` attribute) or writes in its own source is no credential: the route keeps the level of its
effects, and the message shows where the value is printed. A login check (`is_user_logged_in()`) keeps out
visitors without an account but not subscribers: it does not lower a privileged effect. Writes to options or
meta count as the plugin's own records only when the request chooses neither the key nor the object and
supplies nothing of the value: a counter or a list the plugin appends to, or its own option (a literal name
that is not one of core's options such as `users_can_register` or `default_role`) set to a value the plugin
computes (a flag, a time, an error text). A fixed shell command, and a file at a path the plugin chose with
content it computes (its log, its cache directory), are its own records too.

## Why is this bad?
Failure stage: **permission**. Core calls the permission callback and lets the request through on any value
but `false`, `null` or a `WP_Error`; `true` lets everyone through. Without a nonce the request runs as user
0, so an anonymous visitor can do whatever the callback does: no 401, no 403, just `200`. Core itself uses
`__return_true` only on read routes and authorizes inside the callback. A public route that only takes in
what visitors send (an analytics beacon, a reaction, a sign-up) is fine by design and is a note; one that
changes the site for a stranger is the hole this rule exists for.

Read-only routes with `__return_true` are public on purpose and are not reported.

## Example
```php
register_rest_route( 'acme/v1', '/settings', array(
    'methods'             => WP_REST_Server::EDITABLE,
    'callback'            => 'acme_save_settings', // calls update_option( 'acme_settings', $request->get_json_params() )
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
A route that must stay public (a webhook, a beacon, a form) should verify what the request carries — a
signature or token compared with `hash_equals()` against a secret only the server knows — before it changes
anything, or only write the plugin's own records; validate every field and rate-limit it.

## References
- [Adding Custom Endpoints: Permissions Callback](https://developer.wordpress.org/rest-api/extending-the-rest-api/adding-custom-endpoints/#permissions-callback)
- [register_rest_route()](https://developer.wordpress.org/reference/functions/register_rest_route/)
- [CWE-862: Missing Authorization](https://cwe.mitre.org/data/definitions/862.html)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from analyzer import wordpress
from analyzer import wordpress_effects as wpe
from analyzer.findings import LEVEL_RANK, Claim, Finding, Related, ref
from analyzer.model import PluginModel, RestEndpoint
from analyzer.php import behaviour
from analyzer.rules import _exposure, _text
from analyzer.rules.base import Rule

RULE = Rule(
    code="WPR005",
    name="public-write-route",
    summary="A write route's permission_callback always grants: anyone can call it.",
    level="error",
    confidence="high",
    queries=("php/rest_routes", "php/auth_filters"),  # auth_filters: dispatch filters that may check a credential
    cwe=(862,),
    security_severity="8.1",
    levels="error when the callback reaches a privileged effect; warning when it reaches a call the analyzer cannot "
    "follow; note for public intake (own records only) and after a credential",
    references=(
        "https://developer.wordpress.org/rest-api/extending-the-rest-api/adding-custom-endpoints/#permissions-callback",
        "https://cwe.mitre.org/data/definitions/862.html",
    ),
)

# An anonymous request passes the permission stage and the callback runs as user 0 (unless the callback
# refuses it after a credential check, which then answers with its own error).
_ANYONE = Claim("permission", status=200, user="visitor")

CAPABILITY_FIX = (
    "Check a capability in the permission_callback, e.g. 'permission_callback' => function () { return "
    "current_user_can( 'manage_options' ); }"
)


def always_grants(model: PluginModel, endpoint: RestEndpoint):
    """The route's permission callback lets every caller through (:meth:`PluginModel.open_door`), or None."""
    return model.open_door(endpoint)


def level_of(exposure) -> str:
    """RULES.md "How loud" for a route anyone can call."""
    if exposure.cls == wpe.PRIVILEGED:
        return "error"
    if exposure.cls == wpe.UNKNOWN:
        return "warning"
    return "note"


def check(model: PluginModel) -> Iterator[Finding]:
    by_location: dict[object, list[RestEndpoint]] = defaultdict(list)
    for endpoint in model.rest_endpoints:
        if endpoint.write_methods and always_grants(model, endpoint):
            by_location[endpoint.permission.span or endpoint.span].append(endpoint)

    for span, endpoints in by_location.items():
        # Each route behind this permission_callback is judged on its own callback: one shared
        # '__return_true' must not let a verified webhook excuse an unverified sibling.
        judged = [(e, model.exposure(e)) for e in endpoints]
        level = max((level_of(x) for _, x in judged), key=LEVEL_RANK.__getitem__)
        same = [(e, x) for e, x in judged if level_of(x) == level]
        first, exposure = same[0]
        yield _finding(first, [e for e, _ in same], exposure, level, span, model.open_door(first))
    for endpoint in model.rest_endpoints:
        if endpoint.methods is None and (door := always_grants(model, endpoint)) is not None:
            yield _methods_unknown(endpoint, door)


def _methods_unknown(endpoint: RestEndpoint, door) -> Finding:
    """An open permission callback on a route whose methods could not be told: it may be a write route."""
    cb = endpoint.permission.callback
    related: list[Related] = []
    grants = _grants(cb, door, related)
    related.append(Related(endpoint.registration, f"{endpoint.display_path} is registered here"))
    reason = "; ".join(r.removeprefix("methods not known: ") for r in endpoint.unresolved) or "they are computed at run time"
    return Finding.explained(
        RULE.code,
        "warning",
        endpoint.permission.span or endpoint.span,
        headline=f"{endpoint.display_path} may accept writes from anyone",
        why=f"its permission_callback {grants}, and its methods could not be resolved ({reason}): if they include POST, "
        f"PUT, PATCH or DELETE, anyone can call it",
        fix=f"Make sure the route only serves reads, or {CAPABILITY_FIX[0].lower()}{CAPABILITY_FIX[1:]}; `wp-rest-lint routes` "
        f"shows what could not be resolved.",
        related=tuple(related),
    )


def _grants(cb, door, related: list[Related]) -> str:
    """How the permission callback lets everyone through, in words; adds its locations to ``related``."""
    name = _text.callback(cb)
    if not door.blind:
        if cb.function is not None and cb.function.kind in ("function", "method"):
            related.append(Related(cb.function.span, f"{name} only returns true"))
            return f"{ref(1, name)} only returns true"
        return f"{name} always returns true"
    if door.fn.kind in ("function", "method"):
        related.append(Related(door.fn.span, f"{name} never asks who is calling"))
        name = ref(len(related), name)
    if door.check is None:
        return f"{name} never asks who is calling (it tests no user, capability, nonce, password or secret) and returns true"
    check = door.check
    if check.printed is not None:
        related.append(Related(check.printed, f"handed to every visitor here ({check.printed_how})"))
        return f"{name} only checks {check.description}, a value the plugin hands to every visitor ({ref(len(related), check.printed_how)})"
    return f"{name} only checks {check.description}, which anyone with the plugin's source can read"


def _finding(first: RestEndpoint, endpoints: list[RestEndpoint], exposure, level: str, span, door) -> Finding:
    cb = first.permission.callback
    assert cb is not None
    related: list[Related] = []
    grants = _grants(cb, door, related)
    related.append(Related(first.registration, f"{_text.route(first)} is registered here"))
    phrases = _exposure.Phrases(related)
    routes = _text.routes(endpoints)
    if level == "error":
        reach = _exposure.reach(phrases, exposure)
        secret = _exposure.not_a_secret(phrases, exposure)
        login = _exposure.login_only(phrases, exposure)
        headline = f"{routes} accepts writes from anyone"
        why = f"its permission_callback {grants}, so core lets every caller through at the permission stage, and {reach}{login}.{secret}"
        fix = CAPABILITY_FIX + (", or compare the request's token with a secret only the server holds" if secret else "") + "."
    elif level == "warning":
        headline = f"{routes} accepts writes from anyone"
        why = f"its permission_callback {grants}, and {_exposure.reach(phrases, exposure)}"
        fix = f"Make sure nothing it reaches changes what a stranger must not change, or {CAPABILITY_FIX[0].lower()}{CAPABILITY_FIX[1:]}."
    elif exposure.credential is not None and not exposure.unprotected.effects:
        check = _exposure.credential(phrases, exposure)
        headline = f"{routes} is public by design"
        why = f"its permission_callback {grants}, and the request is refused unless {check} passes before the callback changes anything"
        fix = "Keep that check first; suppress this note with a reason if anonymous writes are intended."
    else:
        headline = f"{routes} is public intake by design"
        why = f"its permission_callback {grants}, and {_exposure.intake(phrases, exposure)}"
        if exposure.credential is not None:
            why += f" before {_exposure.credential(phrases, exposure)} is checked"
        fix = f"Keep it that way: {_exposure.INTAKE_ADVICE}."
    claim = None if exposure.credential is not None else _ANYONE
    return Finding.explained(RULE.code, level, span, headline=headline, why=why, fix=fix, related=tuple(phrases.related), claim=claim)
