r"""## What it does
Finds a REST nonce sent to an absolute URL on another host — a literal `https://api.example.com/…`, not
derived from `rest_url()`, `home_url()`, `site_url()` or `location.origin`.

## Why is this bad?
Failure stage: **transport**, and a leak. The nonce is the site's CSRF token for this user's session. Sent to a third party it leaks; WordPress
answers any origin's preflight with credentials allowed, so CORS is no barrier (DOMAIN §9.5, E1). And unless
the browser sends the login cookie along (same-site host, `credentials: 'include'`), the request fails with
`403 rest_cookie_invalid_nonce` (stage: **transport**, A7).

## Example
```js
fetch( 'https://api.example.com/acme/v1/sync', { headers: { 'X-WP-Nonce': acme.nonce } } );
```

## Use instead
Send the nonce only to the site's own REST root (`acme.root`, from `rest_url()`); authenticate to other
services with their own credentials.

## References
- [CWE-200: Exposure of Sensitive Information](https://cwe.mitre.org/data/definitions/200.html)
- [CWE-352: Cross-Site Request Forgery](https://cwe.mitre.org/data/definitions/352.html)
"""

from __future__ import annotations

from collections.abc import Iterator

from analyzer.findings import Finding
from analyzer.js import ir as js
from analyzer.js.requests import literal_string
from analyzer.model import PluginModel
from analyzer.rules._claims import NO_COOKIE, WITH_CREDENTIALS_ELSEWHERE
from analyzer.rules.base import Rule

RULE = Rule(
    code="WPR008",
    name="nonce-sent-cross-origin",
    summary="A REST nonce is sent to an absolute URL on another host.",
    level="warning",
    confidence="medium",
    queries=("php/scripts", "js/requests"),
    cwe=(200, 352),
    security_severity="5.3",
    references=("https://cwe.mitre.org/data/definitions/200.html", "https://cwe.mitre.org/data/definitions/352.html"),
)


def _sends_cookies(request) -> bool:
    """The request asks the browser to send cookies cross-origin: apiFetch (credentials 'include' by default),
    fetch with credentials 'include', XHR / jQuery / axios with withCredentials true."""
    r = request.request
    if r.transport == "api-fetch":
        return r.credentials is None or literal_string(r.credentials.value) == "include"
    if r.transport == "fetch":
        return r.credentials is not None and literal_string(r.credentials.value) == "include"
    value = r.with_credentials.value if r.with_credentials is not None else None
    return isinstance(value, js.Lit) and value.value is True


def check(model: PluginModel) -> Iterator[Finding]:
    for request in model.client.requests:
        if request.url.cross_origin is not True or request.request.url_span is None:
            continue
        placements = [p for p in request.placements if p.where in ("header", "query", "custom-header") or (p.where == "body" and p.nonce.kind != "unknown")]
        if not placements and not request.core_nonce:
            continue
        via = (placements[0].nonce.via or "a nonce") if placements else "added by apiFetch's nonce middleware"
        if _sends_cookies(request):
            answer = (
                "if it is this WordPress under another name, the browser sends the login cookie only when that host is "
                "on the same site (another port, a subdomain): 200 there, and 403 rest_cookie_invalid_nonce from another "
                "site, whose cookies Chromium withholds (SameSite=Lax by default)"
            )
            claim = WITH_CREDENTIALS_ELSEWHERE
        else:
            answer = "without the login cookie (not sent cross-origin) it fails with 403 rest_cookie_invalid_nonce"
            claim = NO_COOKIE
        yield Finding(
            RULE.code,
            RULE.level,
            f"The request sends the site's nonce ({via}) to {request.url.host}, another host: the CSRF token leaks to a "
            f"third party, and {answer} (stage: transport). Send nonces only to the site's REST root (rest_url()).",
            request.request.url_span,
            claim=claim,
        )
