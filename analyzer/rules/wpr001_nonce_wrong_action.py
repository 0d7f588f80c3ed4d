r"""## What it does
Follows each nonce from `wp_create_nonce( ACTION )` in PHP — through `wp_localize_script`,
`wp_add_inline_script`, an inline `<script>` in a template, a `data-*` attribute or a `wp_nonce_field()` in a
form — to the REST request that sends it, and reports a nonce made with an action other than `'wp_rest'`
(or with no action at all, i.e. `-1`) placed where core reads it: the `X-WP-Nonce` header, a `_wpnonce`
query parameter, a `_wpnonce` field of a form POST, or `apiFetch.createNonceMiddleware( … )`.

## Why is this bad?
Failure stage: **cookie-nonce**. Core verifies the REST nonce with `wp_verify_nonce( $nonce, 'wp_rest' )`,
and the action cannot be changed. A nonce of any other action fails for every user, every time:
`403 rest_cookie_invalid_nonce` "Cookie check failed" (runtime tests A3, A4). A form field `_wpnonce` of
another action wins over a correct header, because core reads `$_REQUEST['_wpnonce']` first (A11, B8).

## Example
```php
wp_localize_script( 'acme-admin', 'acmeSettings', array(
    'nonce' => wp_create_nonce( 'acme_admin' ),
) );
```
```js
fetch( acmeSettings.root + 'acme/v1/items', { headers: { 'X-WP-Nonce': acmeSettings.nonce } } );
```

## Use instead
```php
'nonce' => wp_create_nonce( 'wp_rest' ),
```
Keep custom nonces for admin-ajax, or send them under another key next to a correct `X-WP-Nonce`.

## References
- [REST API Handbook: Authentication, cookie authentication](https://developer.wordpress.org/rest-api/using-the-rest-api/authentication/#cookie-authentication)
- [wp_create_nonce()](https://developer.wordpress.org/reference/functions/wp_create_nonce/)
- [CWE-352: Cross-Site Request Forgery](https://cwe.mitre.org/data/definitions/352.html)
"""

from __future__ import annotations

from collections.abc import Iterator

from analyzer.client import REST_ACTION, NonceSource
from analyzer.findings import Finding, Related, ref
from analyzer.model import PluginModel
from analyzer.php.scripts import DEFAULT_ACTION, NonceV
from analyzer.rules._claims import COOKIE_NONCE_FAILS
from analyzer.rules._client import nonce_evidence
from analyzer.rules.base import Rule

RULE = Rule(
    code="WPR001",
    name="nonce-wrong-action",
    summary="A nonce created with an action other than 'wp_rest' is sent where core checks the REST nonce.",
    level="error",
    confidence="high",
    queries=("php/scripts", "js/requests"),
    references=(
        "https://developer.wordpress.org/rest-api/using-the-rest-api/authentication/#cookie-authentication",
        "https://developer.wordpress.org/reference/functions/wp_create_nonce/",
    ),
)

_FIX = "Create it with wp_create_nonce( 'wp_rest' )."


def _message(where: str, nonce: NonceSource, related_start: int = 1) -> tuple[str, tuple[Related, ...]]:
    evidence, related = nonce_evidence(nonce, related_start)
    return (
        f"{where}{evidence}; core verifies it against 'wp_rest', so every request fails with 403 "
        f"rest_cookie_invalid_nonce (stage: cookie-nonce). {_FIX}",
        related,
    )


def check(model: PluginModel) -> Iterator[Finding]:
    client = model.client
    for request in client.requests:
        if not request.is_rest:
            continue
        for placement in request.placements:
            nonce = placement.nonce
            if not nonce.wrong_action:
                continue
            if placement.where == "header" and request.core_nonce:
                continue  # apiFetch's middleware replaces a caller's X-WP-Nonce with core's own (DOMAIN §5.7)
            if placement.where == "header":
                where = f"The X-WP-Nonce header ({nonce.via or 'this value'})"
            elif placement.where == "query":
                where = "The _wpnonce query parameter"
            elif placement.where == "body" and placement.key == "_wpnonce" and request.body_read:
                where = "The form field _wpnonce (sent in this POST body; core reads it before the X-WP-Nonce header)"
            else:
                continue
            message, related = _message(where, nonce)
            yield Finding(RULE.code, RULE.level, message, placement.span, related, claim=COOKIE_NONCE_FAILS)
    for facts in client.js_files:
        for middleware in facts.middlewares:
            nonce = client.nonce_source(middleware.value)
            if nonce is not None and nonce.wrong_action:
                message, related = _message("apiFetch's nonce middleware is given a nonce that", nonce)
                yield Finding(RULE.code, RULE.level, message, middleware.span, related, claim=COOKIE_NONCE_FAILS)
    for middleware in client.php.middlewares:
        value = middleware.value
        if isinstance(value, NonceV) and value.action is not None and value.action != REST_ACTION:
            action = "no action (-1)" if value.action == DEFAULT_ACTION else f"action '{value.action}'"
            yield Finding(
                RULE.code,
                RULE.level,
                f"The nonce printed into apiFetch's nonce middleware is {ref(1, 'created with ' + action)}; core verifies "
                f"it against 'wp_rest', so every apiFetch request fails with 403 rest_cookie_invalid_nonce (stage: "
                f"cookie-nonce). {_FIX}",
                middleware.span,
                (Related(value.creation, f"wp_create_nonce: {action}"),),
                claim=COOKIE_NONCE_FAILS,
            )
