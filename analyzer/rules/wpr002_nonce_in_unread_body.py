r"""## What it does
Finds a REST request that carries its nonce only in a body core never reads: a JSON body
(`JSON.stringify`, jQuery with a JSON `contentType`, axios object `data`), a form body of a request that is
not a POST, or a form field named anything but `_wpnonce` (`nonce`, `security`, `X-WP-Nonce` …) — while the
request sends no `X-WP-Nonce` header and no `_wpnonce` query parameter.

Silent: `_wpnonce` in `FormData`, `URLSearchParams` or jQuery form data on a POST (core reads it, B4, B5);
`apiFetch` (its middleware adds the header); admin-ajax requests (a body nonce is right there).

## Why is this bad?
Failure stage: **anonymous**. Core looks for the nonce only in `$_REQUEST['_wpnonce']` and the
`X-WP-Nonce` header. PHP fills `$_POST` only for form-encoded POST bodies, so a nonce anywhere else is not
seen: core treats the request as having no nonce and runs it as user 0, even with a valid login cookie
(B1–B3, B6, B7). Public routes answer 200 with the wrong user; capability checks answer 401 `rest_forbidden`.
Checking the body nonce in the permission callback does not help: the user is already 0 by then.

## Example
```js
fetch( acme.root + 'acme/v1/save', {
    method: 'POST',
    body: JSON.stringify( { nonce: acme.nonce, title } ),
} );
```

## Use instead
```js
fetch( acme.root + 'acme/v1/save', {
    method: 'POST',
    headers: { 'X-WP-Nonce': acme.nonce, 'Content-Type': 'application/json' },
    body: JSON.stringify( { title } ),
} );
```

## References
- [REST API Handbook: Authentication](https://developer.wordpress.org/rest-api/using-the-rest-api/authentication/#cookie-authentication)
- [PHP manual: $_POST](https://www.php.net/manual/en/reserved.variables.post.php)
"""

from __future__ import annotations

from collections.abc import Iterator

from analyzer.client import FORM_KEY, nonce_like_key
from analyzer.findings import Finding
from analyzer.model import PluginModel
from analyzer.rules import _claims
from analyzer.rules._client import nonce_evidence
from analyzer.rules.base import Rule
from analyzer.rules.wpr013_nonce_missing import needs_user

RULE = Rule(
    code="WPR002",
    name="nonce-in-unread-body",
    summary="A REST request carries its nonce only in a body core never reads, so it runs as user 0.",
    level="error",
    confidence="high",
    queries=("php/scripts", "js/requests"),
    references=("https://developer.wordpress.org/rest-api/using-the-rest-api/authentication/#cookie-authentication",),
)


def _why(kind: str, method: str | None, key: str | None) -> str | None:
    if kind == "json":
        return "a JSON body, which core never reads"
    if kind == "text":
        return "a text/plain body, which PHP does not parse into $_POST"
    if kind in ("form", "formdata") and method not in ("POST", None):
        return f"a form body of a {method} request (PHP fills $_POST only for POST)"
    if kind in ("form", "formdata") and method == "POST" and key != FORM_KEY:
        return f"the form field '{key}' (core reads only '_wpnonce')"
    return None


def check(model: PluginModel) -> Iterator[Finding]:
    for request in model.client.requests:
        if not request.is_rest or request.effective_header or not request.request.complete:
            continue
        if any(p.where == "query" for p in request.placements) or request.form_nonce:
            continue
        for placement in request.placements:
            if placement.where != "body":
                continue
            if placement.nonce.kind == "unknown" and not nonce_like_key(placement.key):
                continue
            why = _why(request.request.body_kind, request.method, placement.key)
            if why is None:
                continue
            evidence, related = nonce_evidence(placement.nonce)
            key = placement.key or "?"
            beacon = request.request.transport == "beacon"
            fix = (
                "navigator.sendBeacon cannot send headers: send _wpnonce in a FormData or URLSearchParams body, or in the URL's query."
                if beacon
                else "Send it as the X-WP-Nonce header."
            )
            claim, answer = _claims.visitor_answer(model, list(request.endpoints), needs_user)
            yield Finding(
                RULE.code,
                RULE.level,
                f"The nonce under '{key}'{evidence} travels in {why}; the request sends no X-WP-Nonce header "
                f"and no _wpnonce query, so core sees no nonce and runs it as user 0 (stage: anonymous: {answer}). "
                f"{fix}",
                placement.span,
                related,
                claim=claim,
            )
