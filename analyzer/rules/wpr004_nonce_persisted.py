r"""## What it does
Finds nonces kept beyond the page that printed them:

- JS: a nonce written to `localStorage`, `sessionStorage`, `document.cookie` or IndexedDB; a nonce read back
  from storage and sent (reported at the read); a hard-coded 10-hex-digit nonce literal in a request;
- PHP: a `wp_create_nonce()` result stored with `set_transient`, `set_site_transient`, `update_option`,
  `add_option`, `wp_cache_set`, `update_user_meta` or `add_user_meta`, or a `wp_rest` nonce kept in a `static`
  variable.

A value read back from storage counts as a nonce only when the plugin stored a nonce it can trace under that
key (`localStorage.setItem( 'acme-nonce', acme.nonce )`), or when the request sends it where only a nonce goes
(the `X-WP-Nonce` header, `_wpnonce`): a subscriber id or a cached list id kept in `localStorage` is not one.

## Why is this bad?
Failure stage: **cookie-nonce**. A nonce is bound to the user, the login session and a 12-hour tick. A stored
copy dies on logout, on a new login, in another session and after 12–24 hours, and from then on every
request fails with `403 rest_cookie_invalid_nonce` — public routes included (A7, A9, F1, F3). A nonce kept
server-side is shared between users and sessions and is wrong for all but one.

## Example
```js
localStorage.setItem( 'acmeNonce', acmeSettings.nonce );
// later, on another page or day:
headers: { 'X-WP-Nonce': localStorage.getItem( 'acmeNonce' ) }
```

## Use instead
Read the nonce the current page printed (`acmeSettings.nonce`), or use `apiFetch`, which refreshes it through
admin-ajax `rest-nonce`.

## References
- [wp_create_nonce()](https://developer.wordpress.org/reference/functions/wp_create_nonce/)
- [Nonces (Common APIs Handbook)](https://developer.wordpress.org/apis/security/nonces/)
"""

from __future__ import annotations

from collections.abc import Iterator

from analyzer.client import REST_ACTION
from analyzer.findings import Finding, Related, ref
from analyzer.model import PluginModel
from analyzer.php import ir
from analyzer.php.evaluate import ArrayV, Env, Value
from analyzer.php.scripts import STORE_FUNCTIONS, NonceV
from analyzer.rules._claims import COOKIE_NONCE_FAILS
from analyzer.rules._client import nonce_evidence
from analyzer.rules.base import Rule

RULE = Rule(
    code="WPR004",
    name="nonce-persisted",
    summary="A nonce is stored (browser storage, cookie, option, transient) or hard-coded, and will go stale.",
    level="warning",
    confidence="high",
    queries=("php/scripts", "js/requests"),
    references=("https://developer.wordpress.org/reference/functions/wp_create_nonce/", "https://developer.wordpress.org/apis/security/nonces/"),
)

_STALE = "it stops working on logout, a new login or after 12–24 h, and every request then fails with 403 rest_cookie_invalid_nonce"


def _nonce_in(value: Value, depth: int = 0) -> NonceV | None:
    if isinstance(value, NonceV):
        return value
    if isinstance(value, ArrayV) and depth < 4:
        for _, item in value.items:
            found = _nonce_in(item, depth + 1)
            if found is not None:
                return found
    return None


def check(model: PluginModel) -> Iterator[Finding]:
    client = model.client
    for facts in client.js_files:
        for write in facts.storage_writes:
            nonce = client.nonce_in(client.modules.resolve(write.value))
            if nonce is None or nonce.kind in ("stored", "literal"):
                continue
            evidence, related = nonce_evidence(nonce)
            yield Finding(RULE.code, RULE.level, f"A nonce ({nonce.via or 'a nonce'}){evidence} is written to {write.store}; {_STALE}. Read the nonce the page prints each time instead.", write.span, related, claim=COOKIE_NONCE_FAILS)
    reported = set()
    for request in client.requests:
        for placement in request.placements:
            nonce = placement.nonce
            if placement.where not in ("header", "custom-header", "query", "body"):
                continue
            if nonce.kind == "stored" and nonce.channel not in reported:
                reported.add(nonce.channel)
                yield Finding(RULE.code, RULE.level, f"The request's nonce is read back from {nonce.via}; a stored nonce is stale once the session changes: {_STALE}. Use the nonce the current page prints.", nonce.channel, claim=COOKIE_NONCE_FAILS)
            elif nonce.kind == "literal" and placement.span not in reported:
                reported.add(placement.span)
                yield Finding(RULE.code, RULE.level, f"A hard-coded nonce {nonce.via} is sent; it was valid for one user and session only: {_STALE}. Print a fresh wp_create_nonce( 'wp_rest' ) into the page.", placement.span, claim=COOKIE_NONCE_FAILS)
    for creation in client.php.nonces:
        scope = creation.scope
        # A static memo lives for one PHP request, where the user seldom changes; it matters for the REST
        # nonce, which core itself invalidates mid-request (the user becomes 0 when no nonce is sent).
        if not scope.statics or creation.value.action != REST_ACTION:
            continue
        for assign in scope.assignments:
            if isinstance(assign.target, ir.Var) and assign.target.name in scope.statics and assign.value.span == creation.value.creation:
                yield Finding(
                    RULE.code,
                    RULE.level,
                    f"The nonce is kept in static ${assign.target.name}, so every later call in the same process gets this copy "
                    f"(one user's, one tick's): under a persistent process or object cache it is served to others and goes "
                    f"stale: {_STALE}. Call wp_create_nonce() each time.",
                    creation.value.creation,
                    claim=COOKIE_NONCE_FAILS,
                )
    for call in client.php.calls:
        position = STORE_FUNCTIONS.get(call.name)
        if position is None or len(call.call.args) <= position:
            continue
        client.evaluator.reset()
        value = client.evaluator.evaluate(call.call.args[position].value, Env(call.scope, call.scope.class_name, call.offset))
        nonce = _nonce_in(value)
        if nonce is None:
            continue
        yield Finding(
            RULE.code,
            RULE.level,
            f"{call.name}() stores a {ref(1, 'wp_create_nonce() result')}; a nonce belongs to one user, session and 12-hour tick, so the stored copy is wrong for everyone else and soon for its owner: {_STALE}. Create the nonce when the page is rendered.",
            call.call.span,
            (Related(nonce.creation, "wp_create_nonce"),),
            claim=COOKIE_NONCE_FAILS,
        )
