r"""## What it does
Finds a request to one of the plugin's own REST routes whose permission callback needs a logged-in user
(`current_user_can()`, `is_user_logged_in()` …), sent with no nonce at all: no `X-WP-Nonce` header (own,
`$.ajaxSetup`, axios defaults or instance headers), no `_wpnonce` query or form field.

Silent for `apiFetch` and `wp.apiRequest` (they add core's nonce) and for public routes.

## Why is this bad?
Failure stage: **anonymous**. Without a nonce, core ignores the login cookie and runs the request as user 0
(§1.6, A1), so the permission callback says no: `401 rest_forbidden` for every user (B10).

What the request gets depends on the route and the plugin, and the message says which:

- a permission callback that checks a capability or login refuses user 0: `401 rest_forbidden`;
- a permission callback that *returns* `get_current_user_id()` lets user 0 through (core denies only
  `false`, `null` or a `WP_Error`): `200`, but the route runs as a visitor and sees no user (B14);
- when the plugin switches core's nonce check off (see WPR007), the cookie alone logs the user in: the
  request runs as the logged-in user — it "works", and so does the same request from any page that can make
  the browser send the cookie (CSRF).

## Example
```js
fetch( acme.root + 'acme/v1/settings', { method: 'POST', body: form } );
```

## Use instead
```js
fetch( acme.root + 'acme/v1/settings', { method: 'POST', body: form, headers: { 'X-WP-Nonce': acme.nonce } } );
```
with `'nonce' => wp_create_nonce( 'wp_rest' )` localized, or use `apiFetch`.

## References
- [REST API Handbook: Authentication](https://developer.wordpress.org/rest-api/using-the-rest-api/authentication/#cookie-authentication)
"""

from __future__ import annotations

from collections.abc import Iterator

from analyzer import wordpress
from analyzer.findings import Claim, Finding, Related, ref
from analyzer.model import PluginModel
from analyzer.php import behaviour
from analyzer.rules import _claims
from analyzer.rules.base import Rule

RULE = Rule(
    code="WPR013",
    name="nonce-missing",
    summary="A request to the plugin's own capability-checked route sends no nonce, so it runs as user 0.",
    level="warning",
    confidence="high",
    queries=("php/scripts", "js/requests"),
    references=("https://developer.wordpress.org/rest-api/using-the-rest-api/authentication/#cookie-authentication",),
)

USER_CHECKS = frozenset({"current_user_can", "is_user_logged_in", "user_can", "current_user_can_for_blog", "wp_get_current_user", "get_current_user_id", "is_super_admin"})


def needs_user(model: PluginModel, endpoint) -> str | None:
    permission = endpoint.permission
    cb = permission.callback
    if permission.status != "callable" or cb is None:
        return None
    if cb.kind == "core" and (cb.name in wordpress.CORE_USER_CHECKS or cb.name.lower().endswith(wordpress.CORE_CONTROLLER_WRITE_CHECKS)):
        return f"{cb.name}()"
    if cb.function is not None:
        evidence = behaviour.find_call(cb.function, model.index, USER_CHECKS)
        if evidence is not None:
            return evidence.description
    return None


_SWITCHED_OFF = "switches core's nonce check off"


def _check_switched_off(model: PluginModel) -> Finding | None:
    """WPR007's finding that lets a nonce-less cookie request keep its user, if the plugin has one."""
    from analyzer.rules import wpr007_rest_auth_check_disabled as wpr007

    for finding in wpr007.check(model):
        if finding.level == "error" and finding.claim is not None and finding.claim.user == "logged-in":
            return finding
    return None


def check(model: PluginModel) -> Iterator[Finding]:
    switched_off: Finding | None | bool = False  # computed on first need
    for request in model.client.requests:
        if not request.is_rest or request.core_nonce or not request.endpoints or not request.request.complete:
            continue
        if request.placements or request.method == "OPTIONS":
            continue  # some nonce is sent (another rule judges where); OPTIONS is answered without a permission check
        checks = [(e, needs_user(model, e)) for e in request.endpoints]
        if not all(check for _, check in checks):
            continue
        endpoint, what = checks[0]
        fix = (
            "navigator.sendBeacon cannot send headers: add _wpnonce (a wp_rest nonce) to its FormData body or the URL's query."
            if request.request.transport == "beacon"
            else "Send X-WP-Nonce with a wp_rest nonce, or use apiFetch."
        )
        related = [Related(endpoint.permission.span or endpoint.registration, f"permission check of {endpoint.display_path}")]
        if switched_off is False:
            switched_off = _check_switched_off(model)
        if switched_off is not None:
            related.append(Related(switched_off.span, "core's nonce check is switched off here"))
            yield Finding(
                RULE.code,
                RULE.level,
                f"This request to {ref(1, endpoint.display_path)} sends no nonce, but the plugin "
                f"{ref(2, _SWITCHED_OFF)}, so the cookie alone logs the user in: it runs as the "
                f"logged-in user, and the permission check ({what}) decides as for any logged-in request — the same "
                f"request from another page that makes the browser send the cookie works too (CSRF). Send X-WP-Nonce "
                f"with a wp_rest nonce (or use apiFetch), and keep core's check.",
                request.request.span,
                tuple(related),
                claim=Claim(user="logged-in"),
            )
            continue
        claim, answer = _claims.visitor_answer(model, [endpoint], needs_user)
        if claim.status == 200:
            yield Finding(
                RULE.code,
                RULE.level,
                f"This request to {ref(1, endpoint.display_path)} sends no nonce; core then ignores the login cookie "
                f"and runs it as user 0, and {answer} (stage: anonymous; the route sees no logged-in user). {fix}",
                request.request.span,
                tuple(related),
                claim=claim,
            )
            continue
        yield Finding(
            RULE.code,
            RULE.level,
            f"This request to {ref(1, endpoint.display_path)} sends no nonce; core then ignores the login cookie and "
            f"runs it as user 0, so the permission check ({what}) refuses everyone: 401 rest_forbidden (stage: "
            f"anonymous). {fix}",
            request.request.span,
            tuple(related),
            claim=Claim("anonymous", status=401, code="rest_forbidden", user="visitor"),
        )
