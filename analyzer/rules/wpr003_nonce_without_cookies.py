r"""## What it does
Finds REST requests that carry a nonce but may not carry the login cookie it belongs to:

- `fetch` with `credentials: 'omit'` (error);
- a nonce sent to a provably cross-origin URL without `credentials: 'include'` (fetch), `withCredentials`
  (XHR, jQuery `xhrFields`, axios) (warning);
- `fetch` with no `credentials` option to a same-origin URL (note: the default `'same-origin'` works in every
  browser since 2019 — the note asks to say so explicitly).

Silent: `apiFetch` (it defaults to `credentials: 'include'`), jQuery and XHR to the same origin (they always
send cookies there), and anonymous requests with `credentials: 'omit'` that send no nonce (beacons, public
data).

## Why is this bad?
Failure stage: **transport**. A nonce is bound to the logged-in user and session. Without the cookie core
checks the nonce for user 0 and it fails: `403 rest_cookie_invalid_nonce`, even on public routes (A7).

## Example
```js
fetch( url, { headers: { 'X-WP-Nonce': acme.nonce }, credentials: 'omit' } );
```

## Use instead
```js
fetch( url, { headers: { 'X-WP-Nonce': acme.nonce }, credentials: 'same-origin' } );
```
Or leave both out for an anonymous request.

## References
- [MDN: Request.credentials](https://developer.mozilla.org/en-US/docs/Web/API/Request/credentials)
- [MDN: XMLHttpRequest.withCredentials](https://developer.mozilla.org/en-US/docs/Web/API/XMLHttpRequest/withCredentials)
"""

from __future__ import annotations

from collections.abc import Iterator

from analyzer.findings import Finding
from analyzer.js import ir as js
from analyzer.js.requests import literal_string
from analyzer.model import PluginModel
from analyzer.rules._claims import NO_COOKIE, WITH_CREDENTIALS_ELSEWHERE, WORKS
from analyzer.rules.base import Rule

RULE = Rule(
    code="WPR003",
    name="nonce-without-cookies",
    summary="A REST request sends a nonce without the cookies it is bound to.",
    level="error",
    confidence="high",
    queries=("php/scripts", "js/requests"),
    references=(
        "https://developer.mozilla.org/en-US/docs/Web/API/Request/credentials",
        "https://developer.mozilla.org/en-US/docs/Web/API/XMLHttpRequest/withCredentials",
    ),
    levels="error (credentials 'omit'), warning (cross-origin without credentials), note (fetch without an explicit credentials option)",
)

_STAGE = "403 rest_cookie_invalid_nonce (stage: transport: the nonce is checked for user 0)"


def check(model: PluginModel) -> Iterator[Finding]:
    for request in model.client.requests:
        r = request.request
        nonce_sent = any(p.where in ("header", "query") for p in request.placements) or request.form_nonce
        if not nonce_sent or request.core_nonce:
            continue
        cross = request.url.cross_origin
        if not request.is_rest and not (cross and any(p.where == "header" for p in request.placements)):
            continue  # an X-WP-Nonce header marks a request meant for a WordPress REST API, wherever it goes
        if r.transport == "fetch":
            credentials = literal_string(r.credentials.value) if r.credentials is not None else None
            if r.credentials is not None and credentials is None:
                continue  # computed: not known
            if credentials == "omit":
                yield Finding(RULE.code, "error", f"credentials: 'omit' drops the login cookie, but the request sends a nonce, which then fails with {_STAGE}. Use credentials: 'same-origin' (or drop the nonce for an anonymous request).", r.credentials.span, claim=NO_COOKIE)
            elif credentials == "same-origin" and cross:
                yield Finding(RULE.code, "warning", f"credentials: 'same-origin' sends no cookie to {request.url.host}, but the request sends a nonce: {_STAGE}. Use credentials: 'include' (and a same-site host), or the localized REST root.", r.credentials.span, claim=NO_COOKIE)
            elif credentials is None and r.complete:
                if cross:
                    yield Finding(RULE.code, "warning", f"This fetch sends a nonce to {request.url.host} with no credentials option; the default 'same-origin' sends no cookie cross-origin, so it fails with {_STAGE}. Add credentials: 'include' (the browser sends the cookie only to a host on the same site), or use the localized REST root.", r.span, claim=NO_COOKIE)
                elif cross is False or request.url.kind == "rest":
                    yield Finding(RULE.code, "note", "This fetch sends a nonce with no credentials option; the default 'same-origin' sends the login cookie to this site in every current browser, but say so: add credentials: 'same-origin'.", r.span, claim=WORKS)
        elif r.transport in ("xhr", "jquery", "axios") and cross:
            if r.with_credentials is not None:
                value = r.with_credentials.value
                if not (isinstance(value, js.Lit) and value.value is False):
                    continue  # true, or computed: not reported
            if not r.complete:
                continue
            yield Finding(RULE.code, "warning", f"This request sends a nonce to {request.url.host} without withCredentials, so no cookie goes with it: {_STAGE}. Set withCredentials (xhrFields: {{ withCredentials: true }} for jQuery; the browser sends the cookie only to a host on the same site), or use the localized REST root.", r.span, claim=NO_COOKIE)
