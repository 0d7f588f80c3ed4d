r"""## What it does
Finds permission callbacks that return a value which can be `0`, `''` or `[]` — `get_current_user_id()`, a
count, an option or meta value, `$request->get_param()`, an `(int)` cast, arithmetic, or such a literal —
instead of a boolean or a `WP_Error`. Core's `__return_zero`, `__return_empty_string` and
`__return_empty_array` used as the callback are reported too.

An option or transient returned as is (`get_option()`, `get_site_option()`, `get_transient()`) is looked up in
the plugin's own writes of the same key (`update_option`, `add_option`, `set_transient`, … with keys written
as literals, constants or class constants). WordPress stores values as strings: `true` is read back as
`'1'`, but `false` as `''` on every later request (checked on WordPress 6.1.9 — the route then answered a
visitor with 200). So the value is boolean, and the rule silent, only when every write of the key stores
`true` (or a non-zero number) or deletes it, and the default for a key never stored is `false`. When the
plugin does store a boolean — a comparison, `! …`, a `(bool)` cast, a function that returns one — the
finding names that write: its `false` is the `''` that lets visitors through. A key the plugin never
writes, a write whose key or value cannot be resolved, or a key opened to `register_setting()` keeps the
finding. Meta is always reported: a post, user or term without the key reads `''` (or `[]`).

## Why is this bad?
Failure stage: **permission** — it says yes. Core denies a request only when the callback returns exactly
`false` or `null` (or a `WP_Error`); every other value grants access. `get_current_user_id()` returns `0`
for a visitor, and `0` is not `false`: the anonymous request goes through with `200` (runtime test B14).

## Example
```php
'permission_callback' => function () {
    return get_current_user_id(); // 0 for visitors: still a grant
},
```

## Use instead
```php
'permission_callback' => function () {
    return is_user_logged_in(); // or: get_current_user_id() > 0
},
'permission_callback' => function () {
    return (bool) get_option( 'acme_api_open' ); // a stored switch: '' becomes false
},
```

## References
- [Adding Custom Endpoints: Permissions Callback](https://developer.wordpress.org/rest-api/extending-the-rest-api/adding-custom-endpoints/#permissions-callback)
- [CWE-863: Incorrect Authorization](https://cwe.mitre.org/data/definitions/863.html)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from analyzer import wordpress
from analyzer.findings import Claim, Finding, Related
from analyzer.model import PluginModel, RestEndpoint
from analyzer.php import behaviour, ir, stores
from analyzer.rules import _text
from analyzer.rules.base import Rule

RULE = Rule(
    code="WPR016",
    name="permission-callback-non-boolean",
    summary="A permission callback returns a value that can be 0, '' or [], which core treats as a grant.",
    level="error",
    confidence="high",
    queries=("php/rest_routes",),
    cwe=(863,),
    security_severity="7.5",
    references=(
        "https://developer.wordpress.org/rest-api/extending-the-rest-api/adding-custom-endpoints/#permissions-callback",
        "https://cwe.mitre.org/data/definitions/863.html",
    ),
)

_IDENTITY = ("get_current_user_id", "a user ID")
# A visitor passes the permission stage: 200, the callback runs as user 0 (B14).
_VISITOR_PASSES = Claim("permission", status=200, user="visitor")


def check(model: PluginModel) -> Iterator[Finding]:
    by_location: dict[object, tuple[str, list[RestEndpoint], ir.FunctionFact | None]] = {}
    grouped: dict[object, list[RestEndpoint]] = defaultdict(list)
    writes: dict[object, stores.Write] = {}
    for endpoint in model.rest_endpoints:
        permission = endpoint.permission
        cb = permission.callback
        if permission.status != "callable" or cb is None:
            continue
        if cb.kind == "core" and cb.name in wordpress.CORE_NON_BOOLEAN_GRANT:
            key = permission.span
            grouped[key].append(endpoint)
            by_location.setdefault(key, (f"'{cb.name}', which returns {wordpress.CORE_NON_BOOLEAN_GRANT[cb.name]}", grouped[key], None))
            continue
        if cb.function is None:
            continue
        for ret, reason, write in _non_boolean_returns(model, cb.function, cb.class_name):
            # A setting returned only to users who passed a capability check is their decision, not a
            # grant to everyone; a user ID or a deny value returned to everyone is the bug.
            if not reason.startswith(_IDENTITY) and behaviour.only_checked_users_reach(cb.function, ret):
                continue
            grouped[ret.span].append(endpoint)
            by_location.setdefault(ret.span, (reason, grouped[ret.span], cb.function))
            if write is not None:
                writes.setdefault(ret.span, write)

    for span, (reason, endpoints, fn) in by_location.items():
        first = endpoints[0]
        related: tuple[Related, ...] = (Related(first.registration, f"{_text.route(first)} is registered here"),)
        if span in writes:
            related += (Related(writes[span].span, f"{writes[span].function}() stores a boolean here"),)
        subject = "This permission callback returns" if fn is not None else "The permission callback is"
        message = (
            f"{subject} {reason} (for {_text.routes(endpoints)}): core denies only false, null or a WP_Error, so "
            f"0, '' and [] let whoever reaches this return through at the permission stage (a visitor, for a "
            f"user ID of 0). Return a boolean, e.g. is_user_logged_in() or get_current_user_id() > 0."
        )
        yield Finding(RULE.code, RULE.level, message, span, related, claim=_VISITOR_PASSES)


def _non_boolean_returns(model: PluginModel, fn: ir.FunctionFact, class_name: str | None):
    """Returns of ``fn`` that can be 0, '' or []: (return, reason, the boolean write that makes a stored
    value '' — or None). A part read from an option or transient that the plugin only ever sets to true (or
    deletes) is boolean and does not count (see analyzer.php.stores)."""
    for ret in fn.returns:
        for reason, node in behaviour.non_boolean_sources(ret.value, fn):
            verdict = model.stored_values.verdict(node, fn, class_name or fn.class_name, ret.offset)
            if verdict is not None and verdict.boolean:
                continue
            if verdict is not None:
                yield ret, reason + verdict.note, verdict.evidence
            else:
                yield ret, reason, None
            break
