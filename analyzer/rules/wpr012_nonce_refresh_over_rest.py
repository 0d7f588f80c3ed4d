r"""## What it does
Finds code that hands out fresh REST nonces from a place that cannot mint a valid one:

- a REST route callback that creates `wp_create_nonce( 'wp_rest' )` (to return it);
- a `wp_ajax_nopriv_*` handler that creates a `wp_rest` nonce when no `wp_ajax_*` handler exists for the
  same action.

## Why is this bad?
Failure stage: **cookie-nonce**. A client asks for a new nonce because it has none that works, so the REST
request that asks carries no valid nonce: core has already set the user to 0 (§1.6). The nonce minted is a
visitor's nonce bound to the caller's session token, and fails with and without the cookie
(`403 rest_cookie_invalid_nonce`, H1–H3). A `nopriv`-only handler runs only for visitors, so logged-in users
never get a nonce from it.

## Example
```php
register_rest_route( 'acme/v1', '/nonce', array(
    'callback'            => fn() => array( 'nonce' => wp_create_nonce( 'wp_rest' ) ),
    'permission_callback' => '__return_true',
) );
```

## Use instead
Refresh through admin-ajax's logged-in `rest-nonce` action (`admin-ajax.php?action=rest-nonce`, GET), as
`apiFetch` does, or through the Heartbeat API's `rest_nonce`.

## References
- [Heartbeat API](https://developer.wordpress.org/plugins/javascript/heartbeat-api/)
- [wp_ajax_rest_nonce()](https://developer.wordpress.org/reference/functions/wp_ajax_rest_nonce/)
"""

from __future__ import annotations

from collections.abc import Iterator

from analyzer.client import REST_ACTION
from analyzer.findings import Claim, Finding, Related, ref
from analyzer.model import PluginModel
from analyzer.php.evaluate import Env, php_string
from analyzer.rules._claims import COOKIE_NONCE_FAILS
from analyzer.rules.base import Rule

RULE = Rule(
    code="WPR012",
    name="nonce-refresh-over-rest",
    summary="A REST route (or a nopriv-only admin-ajax handler) hands out wp_rest nonces that cannot verify.",
    level="warning",
    confidence="high",
    queries=("php/scripts", "php/rest_routes"),
    references=("https://developer.wordpress.org/plugins/javascript/heartbeat-api/",),
)


# A logged-in user's admin-ajax request finds no wp_ajax_ handler: admin-ajax answers 400 with body 0.
_NO_NONCE_FOR_USERS = Claim(status=400, body="0")


def _within(fn, creation) -> bool:
    return fn is not None and creation.scope.key == fn.key or (creation.scope.parent_key is not None and fn is not None and creation.scope.parent_key == fn.key)


def _unreported(fn, creations, reported: set) -> Iterator:
    """The wp_rest nonce creations inside ``fn`` (or its closures) not reported yet; marks them reported."""
    for creation in creations:
        if _within(fn, creation) and creation.value.creation not in reported:
            reported.add(creation.value.creation)
            yield creation


def check(model: PluginModel) -> Iterator[Finding]:
    client = model.client
    rest_nonces = [n for n in client.php.nonces if n.value.action == REST_ACTION]
    if not rest_nonces:
        return
    reported = set()
    for endpoint in model.rest_endpoints:
        cb = endpoint.callback
        fn = cb.function if cb is not None else None
        if fn is None:
            continue
        for creation in _unreported(fn, rest_nonces, reported):
            yield Finding(
                RULE.code,
                RULE.level,
                f"The callback of {ref(1, endpoint.display_path)} creates a wp_rest nonce to hand out; it is called "
                f"without a valid nonce, so core has already made the user 0 and the new nonce never verifies "
                f"(403 rest_cookie_invalid_nonce, stage: cookie-nonce). Refresh through admin-ajax "
                f"?action=rest-nonce (GET) or Heartbeat's rest_nonce.",
                creation.value.creation,
                (Related(endpoint.registration, f"register_rest_route {endpoint.display_path}"),),
                claim=COOKIE_NONCE_FAILS,
            )
    # wp_ajax_nopriv_X handlers with no wp_ajax_X twin
    hooks: dict[str, list] = {}
    for call in client.php.calls:
        if call.name != "add_action" or len(call.call.args) < 2:
            continue
        client.evaluator.reset()
        env = Env(call.scope, call.scope.class_name, call.offset)
        hook = php_string(client.evaluator.evaluate(call.call.args[0].value, env))
        if hook is None or not hook.startswith("wp_ajax_"):
            continue
        callback = model.resolve_callable(client.evaluator.evaluate(call.call.args[1].value, env), env)
        hooks.setdefault(hook, []).append((call, callback))
    for hook, entries in sorted(hooks.items()):
        if not hook.startswith("wp_ajax_nopriv_"):
            continue
        action = hook[len("wp_ajax_nopriv_"):]
        if f"wp_ajax_{action}" in hooks:
            continue
        for call, callback in entries:
            fn = callback.function
            for creation in _unreported(fn, rest_nonces, reported):
                yield Finding(
                    RULE.code,
                    RULE.level,
                    f"This wp_rest nonce is created in a handler hooked only to {ref(1, hook)}, which runs for "
                    f"logged-out visitors only: logged-in users never get a nonce from it. Hook wp_ajax_{action} too, "
                    f"or refresh through admin-ajax ?action=rest-nonce.",
                    creation.value.creation,
                    (Related(call.call.span, f"add_action( '{hook}' )"),),
                    claim=_NO_NONCE_FOR_USERS,
                )
