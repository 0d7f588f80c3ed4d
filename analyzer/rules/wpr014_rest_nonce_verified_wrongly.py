r"""## What it does
Finds REST permission callbacks and route callbacks (and the plugin helpers they call) that check the
request's REST nonce against another action — `wp_verify_nonce( $request->get_header( 'X-WP-Nonce' ),
'acme' )`, `wp_verify_nonce( $_SERVER['HTTP_X_WP_NONCE'], 'acme' )`, `$_REQUEST['_wpnonce']` — or that call
`check_ajax_referer()` / `check_admin_referer()`.

Silent: `check_ajax_referer( $action, $arg, false )`, which returns false instead of dying (the plugin answers
the failure, and a form-encoded nonce in `$_REQUEST` can pass); `wp_verify_nonce( …, 'wp_rest' )`; a custom nonce read from another parameter, or through
`$request->get_param( '_wpnonce' )` (it may be a JSON field core never saw), and checked with its own action (it may travel next to a correct `X-WP-Nonce`, I2); the same calls in admin-ajax or admin-post
handlers.

## Why is this bad?
Failure stage: **permission**. The nonce in `X-WP-Nonce` / `_wpnonce` has already passed core's
`'wp_rest'` check, so checking it against another action always fails (`403 rest_forbidden`, I3); sending
a nonce of the other action instead fails core's check (`403 rest_cookie_invalid_nonce`, I4). The request
can never succeed. `check_ajax_referer()` and `check_admin_referer()` end a failing request with
`die( '-1' )`: the client gets HTTP 200 with body `-1` (I1).

## Example
```php
'permission_callback' => function ( $request ) {
    return wp_verify_nonce( $request->get_header( 'X-WP-Nonce' ), 'acme_save' );
},
```

## Use instead
Core already verified the REST nonce; check the capability:
```php
'permission_callback' => function () {
    return current_user_can( 'edit_posts' );
},
```

## References
- [wp_verify_nonce()](https://developer.wordpress.org/reference/functions/wp_verify_nonce/)
- [check_ajax_referer()](https://developer.wordpress.org/reference/functions/check_ajax_referer/)
"""

from __future__ import annotations

from collections.abc import Iterator

from analyzer.client import REST_ACTION
from analyzer.findings import Claim, Finding
from analyzer.model import PluginModel
from analyzer.php import behaviour, ir
from analyzer.php.evaluate import Env, Known
from analyzer.rules.base import Rule

RULE = Rule(
    code="WPR014",
    name="rest-nonce-verified-wrongly",
    summary="A REST callback verifies the REST nonce against another action, or calls check_ajax_referer().",
    level="error",
    confidence="high",
    queries=("php/scripts", "php/rest_routes"),
    references=("https://developer.wordpress.org/reference/functions/wp_verify_nonce/",),
)


def _rest_nonce_read(expr: ir.Expr | None, fn: ir.FunctionFact, depth: int = 0) -> bool:
    """Whether ``expr`` reads the nonce core checked: the X-WP-Nonce header or the _wpnonce parameter."""
    if expr is None or depth > 4:
        return False
    if isinstance(expr, ir.Var):
        assigns = [a for a in fn.assignments if isinstance(a.target, ir.Var) and a.target.name == expr.name]
        return any(_rest_nonce_read(a.value, fn, depth + 1) for a in assigns)
    if isinstance(expr, (ir.Op, ir.Ternary)):
        parts = [expr.left, expr.right] if isinstance(expr, ir.Op) else [expr.then, expr.otherwise]
        return any(_rest_nonce_read(p, fn, depth + 1) for p in parts)
    if isinstance(expr, ir.Call) and expr.args:  # sanitize_text_field( wp_unslash( … ) )
        return _rest_nonce_read(expr.args[0].value, fn, depth + 1)
    if isinstance(expr, ir.MethodCall) and expr.args:
        first = expr.args[0].value
        name = first.value.lower() if isinstance(first, ir.Lit) and isinstance(first.value, str) else ""
        if expr.name.lower() in ("get_header", "get_header_as_array"):
            return name.replace("-", "_") == "x_wp_nonce"
    if isinstance(expr, ir.Sub) and isinstance(expr.key, ir.Lit) and isinstance(expr.base, ir.Var):
        key = str(expr.key.value)
        if expr.base.name == "_SERVER":
            return key == "HTTP_X_WP_NONCE"
        if expr.base.name in ("_REQUEST", "_GET", "_POST"):
            return key == "_wpnonce"
    # $request->get_param( '_wpnonce' ) may be a JSON body field next to a correct header, where a custom
    # nonce works: not the nonce core checked, so not reported.
    return False


def _literal_prefix(expr: ir.Expr, fn: ir.FunctionFact, depth: int = 0) -> str | None:
    """The literal text a concatenation starts with (``'acme_share_' . $id`` → ``acme_share_``), through a
    variable assigned once in the same function."""
    if isinstance(expr, ir.Var) and depth < 3:
        assigns = [a for a in fn.assignments if isinstance(a.target, ir.Var) and a.target.name == expr.name]
        return _literal_prefix(assigns[0].value, fn, depth + 1) if len(assigns) == 1 else None
    if isinstance(expr, ir.Concat) and expr.parts and isinstance(expr.parts[0], ir.Lit) and isinstance(expr.parts[0].value, str):
        return expr.parts[0].value or None
    return None


def _handlers(model: PluginModel) -> dict[tuple[str, int], str]:
    """Functions that run while a REST request is served: callbacks, permission callbacks, their helpers
    and the closures inside them, with the route each belongs to."""
    found: dict[tuple[str, int], str] = {}
    frontier = []
    for endpoint in model.rest_endpoints:
        for cb in (endpoint.permission.callback, endpoint.callback):
            if cb is not None and cb.function is not None and cb.function.key not in found:
                found[cb.function.key] = endpoint.display_path
                frontier.append((cb.function, endpoint.display_path))
    for _ in range(behaviour.FOLLOW_DEPTH):
        next_frontier = []
        for fn, route in frontier:
            for site in fn.calls:
                target = behaviour._target(fn, site.call, model.index)
                if target is not None and target.key not in found:
                    found[target.key] = route
                    next_frontier.append((target, route))
        frontier = next_frontier
    return found


# check_ajax_referer() dies with -1 in an HTTP 200 (I1); a verify against another action always fails: with
# the wp_rest nonce core wants, the permission callback says no (I3).
_DIES = Claim("permission", status=200, body="-1")
_ALWAYS_FAILS = Claim("permission", status=403, code="rest_forbidden")


def check(model: PluginModel) -> Iterator[Finding]:
    client = model.client
    calls = [c for c in client.php.calls if c.name in ("wp_verify_nonce", "check_ajax_referer", "check_admin_referer")]
    if not calls:
        return
    handlers = _handlers(model)
    for call in calls:
        route = handlers.get(call.scope.key) or (handlers.get(call.scope.parent_key) if call.scope.parent_key else None)
        if route is None:
            continue
        if call.name in ("check_ajax_referer", "check_admin_referer"):
            if not behaviour.dies_on_failure(call.call):
                continue  # check_ajax_referer( …, false ) returns false: the plugin answers the failure itself
            yield Finding(
                RULE.code,
                RULE.level,
                f"{call.name}() runs while {route} serves a REST request: it looks for an admin-ajax/admin nonce in "
                f"$_REQUEST and, when it fails, ends the request with die( '-1' ) — the client gets HTTP 200 with body -1 "
                f"(stage: permission). Core already verified the REST nonce; check the user's capability instead.",
                call.call.span,
                claim=_DIES,
            )
            continue
        args = call.call.args
        if len(args) < 2 or not _rest_nonce_read(args[0].value, call.scope):
            continue
        # A method of an abstract base runs as each concrete subclass, whose properties it reads.
        actions = []
        for class_name in model.classes_running(call.scope):
            client.evaluator.reset()
            actions.append(client.evaluator.evaluate(args[1].value, Env(call.scope, class_name, call.offset)))
        action = actions[0]
        if all(isinstance(a, Known) for a in actions):
            if any(a.value == REST_ACTION or not isinstance(a.value, str) for a in actions):
                continue  # 'wp_rest' somewhere, or null / a number: not a wrong action we can name
            shown = actions[0].value
        elif isinstance(action, Known):
            continue
        else:
            prefix = _literal_prefix(args[1].value, call.scope)
            if prefix is None or REST_ACTION.startswith(prefix):
                continue  # computed: it might be 'wp_rest'
            shown = prefix + "…"  # 'acme_share_' . $id can never be 'wp_rest'
        action = Known(action.span, shown)
        yield Finding(
            RULE.code,
            RULE.level,
            f"The REST nonce is verified against '{action.value}' in {route}; core has already verified it against "
            f"'wp_rest', so this check always fails (403 rest_forbidden), and a '{action.value}' nonce would fail "
            f"core's check instead (403 rest_cookie_invalid_nonce). Stage: permission. Drop the check and test the "
            f"user's capability, or verify against 'wp_rest'.",
            call.call.span,
            claim=_ALWAYS_FAILS,
        )
