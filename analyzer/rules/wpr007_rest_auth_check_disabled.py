r"""## What it does
Finds code that switches off core's REST cookie-nonce check:
- `add_filter( 'rest_authentication_errors', … )` with a callback that can return `true` without verifying a
  credential of the request itself: `'__return_true'`, `'is_user_logged_in'`, closures or functions that
  `return true` (also conditionally) or return a login / capability test;
- a callback running after core's check (priority above 100, `PHP_INT_MAX`) that turns the error core returned
  (`rest_cookie_invalid_nonce`) into `null`, `true` or `false` — the request then runs as the cookie's user with a
  forged nonce — unless it drops the user to 0 first (`wp_set_current_user( 0 )`), which is what core does
  without a nonce anyway;
- `remove_filter( 'rest_authentication_errors', 'rest_cookie_check_errors', 100 )`;
- `remove_all_filters( 'rest_authentication_errors' )`.

An authentication scheme of the plugin's own is not a bypass and is not reported: a callback that returns
`true` only after it has verified something the request carries against a secret the visitor cannot obtain —
`hash_equals()` of a header with an option, a constant from wp-config.php or meta, an HMAC keyed with one, a
signature (`openssl_verify()`), a password (`wp_authenticate()`), a nonce. A check that the cookie alone passes
(`is_user_logged_in()`, `current_user_can()`) is no such credential, and neither is a comparison with a value
the plugin prints to every visitor or writes in its own source: the message names that check.

A `remove_filter` of `rest_cookie_check_errors` without priority 100 removes nothing; it is reported as a
warning that says so. Callbacks that return a `WP_Error`, or pass a non-null `$result` through, are fine.
Filters added inside a route's callback or permission callback are not reported: core applied
`rest_authentication_errors` before dispatch, so they change nothing for REST authentication. Removing the
check in code that also removes core's cookie validators from `determine_current_user` is a note: core then
logs no one in by cookie, and the plugin's own cookie handling must carry the CSRF check.

## Why is this bad?
Failure stage: **cookie-nonce** — skipped. `rest_cookie_check_errors` runs at priority 100 and returns early
when an earlier callback already answered `true`, so the nonce is never read: a logged-in user's cookie alone
authenticates REST requests, and any site can make the browser send them (classic CSRF). At a priority
above 100 nonce-less requests still drop to user 0, but any garbage `_wpnonce` keeps the cookie user, which
hides the bypass from casual testing.

## Example
```php
add_filter( 'rest_authentication_errors', function ( $result ) {
    if ( is_user_logged_in() ) {
        return true; // "the user is logged in, skip the nonce"
    }
    return $result;
} );
```

## Use instead
```php
add_filter( 'rest_authentication_errors', function ( $result ) {
    if ( ! empty( $result ) ) {
        return $result;
    }
    if ( ! is_user_logged_in() ) {
        return new WP_Error( 'rest_not_logged_in', 'You are not logged in.', array( 'status' => 401 ) );
    }
    return $result;
} );
```
Send the `wp_rest` nonce from the browser (`X-WP-Nonce`) instead of removing the check; use Application
Passwords for clients outside the browser.

## References
- [REST API Handbook: Authentication (cookie authentication and nonces)](https://developer.wordpress.org/rest-api/using-the-rest-api/authentication/)
- [rest_authentication_errors filter](https://developer.wordpress.org/reference/hooks/rest_authentication_errors/)
- [CWE-352: Cross-Site Request Forgery](https://cwe.mitre.org/data/definitions/352.html)
"""

from __future__ import annotations

from collections.abc import Iterator

from analyzer import wordpress
from analyzer.findings import Claim, Finding, Related, ref
from analyzer.model import AuthFilter, PluginModel
from analyzer.php import behaviour
from analyzer.rules.base import Rule

RULE = Rule(
    code="WPR007",
    name="rest-auth-check-disabled",
    summary="Code switches off core's REST cookie-nonce check (CSRF on every REST route).",
    level="error",
    confidence="high",
    queries=("php/auth_filters",),
    cwe=(352,),
    security_severity="8.8",
    levels="error; warning for a remove_filter that removes nothing; note when cookie login is also removed",
    references=(
        "https://developer.wordpress.org/rest-api/using-the-rest-api/authentication/",
        "https://cwe.mitre.org/data/definitions/352.html",
    ),
)

CORE_CHECK = "rest_cookie_check_errors"
CORE_PRIORITY = 100

# What a request from a logged-in browser gets. Without a nonce it keeps the cookie user (C1, C4): from the
# plugin's own pages, from a same-site page's form, and from another site's form within 2 minutes of login
# (Chromium's Lax+POST; later, and for cross-site fetch, the cookie is not sent).
_COOKIE_ALONE = Claim(
    "cookie-nonce",
    user="logged-in",
    when=(
        ("same-site-form", Claim("cookie-nonce", user="logged-in")),
        ("cross-site-form", Claim("cookie-nonce", user="logged-in")),
        ("cross-site-form-late", Claim("anonymous", user="visitor")),
    ),
)
# After core's check (priority > 100): no nonce still means user 0 (J1), but any _wpnonce keeps the user (J2).
_FORGED_NONCE = Claim("anonymous", user="visitor", when=(("forged-nonce", Claim("cookie-nonce", user="logged-in")),))
# A remove_filter that removes nothing: core's check stays, a nonce-less request runs as user 0 (C3).
_CHECK_STAYS = Claim("anonymous", user="visitor")


def _claim(priority: int | None) -> Claim:
    return _FORGED_NONCE if priority is not None and priority > CORE_PRIORITY else _COOKIE_ALONE


def _priority_effect(priority: int | None) -> str:
    if priority is None:
        return "so the cookie-nonce stage is skipped"
    if priority < CORE_PRIORITY:
        return f"at priority {priority}, before core's check at 100, so the cookie-nonce stage never reads the nonce"
    return (
        f"at priority {priority}, after core's check: the cookie-nonce stage lets any _wpnonce, even a forged "
        f"one, keep the cookie user"
    )


def _added(model: PluginModel, hook: AuthFilter) -> Iterator[Finding]:
    cb = hook.callback
    if cb is None:
        return
    effect = _priority_effect(hook.priority)
    late = hook.priority is not None and hook.priority > CORE_PRIORITY
    alone = "a logged-in user's cookie with any _wpnonce, even a forged one," if late else "a logged-in user's cookie alone"
    fix = "Send the wp_rest nonce (X-WP-Nonce) from the browser instead, or Application Passwords outside it."
    if cb.kind == "core" and cb.name in ("__return_true", "is_user_logged_in", "is_super_admin"):
        message = (
            f"add_filter( 'rest_authentication_errors', '{cb.name}' ) tells core every request is already "
            f"authenticated ({effect}): {alone} then authenticates REST requests from any "
            f"page the browser sends it from (CSRF: same-site pages always; in Chromium, other sites' forms within "
            f"2 minutes of login; in browsers without SameSite=Lax by default, any site). {fix}"
        )
        yield Finding(RULE.code, RULE.level, message, hook.span, claim=_claim(hook.priority))
        return
    if late and cb.kind == "core" and cb.name in ("__return_null", "__return_false"):
        yield _swallowed(hook, None)
        return
    if cb.function is None or cb.function.name and cb.function.name.lower() in wordpress.CORE_AUTH_CALLBACKS:
        return
    returns = model.unchecked_true_returns(cb.function)
    if not returns:
        swallowed = behaviour.swallowed_errors(cb.function) if hook.priority is None or late else []
        if swallowed:
            yield _swallowed(hook, swallowed[0])
        return
    ret, why, fake = returns[0]
    related = [Related(ret.span, f"the callback can {why}")]
    unverified = "without verifying anything the request carries"
    if fake is not None and fake.kind in ("capability", "login"):
        related.append(Related(fake.span, f"{fake.description}: the cookie alone passes it"))
        unverified = f"after {ref(2, fake.description)}, which the login cookie alone passes"
    elif fake is not None:
        related.append(Related(fake.span, f"{fake.description}: no credential"))
        where = f", printed at {fake.printed.path}:{fake.printed.line}" if fake.printed is not None else ""
        unverified = f"after {ref(2, fake.description)}, which compares with no secret (a value anyone can read{where})"
    message = (
        f"This rest_authentication_errors callback can {ref(1, why)} {unverified} ({effect}): {alone} then "
        f"authenticates REST requests from any page the browser sends it from (CSRF: same-site pages always; in "
        f"Chromium, other sites' forms within 2 minutes of login). Return $result (or a WP_Error) instead of true. {fix}"
    )
    yield Finding(RULE.code, RULE.level, message, hook.span, tuple(related), claim=_claim(hook.priority))


def _swallowed(hook: AuthFilter, ret) -> Finding:
    """A late callback that turns core's rest_cookie_invalid_nonce error into null / true / false (J2)."""
    at = f"at priority {hook.priority}" if hook.priority is not None else "at a priority the analyzer cannot tell"
    related = (Related(ret.span, "the error core returned is replaced here"),) if ret is not None else ()
    what = ref(1, "answers with something other than the error") if ret is not None else "answers null"
    message = (
        f"This rest_authentication_errors callback runs {at}, after core's cookie-nonce check, and {what} when core "
        f"has already refused the request with rest_cookie_invalid_nonce: a request carrying any _wpnonce, even a "
        f"forged one, then runs as the logged-in user whose cookie the browser sent (CSRF). Return $result, or "
        f"replace the error with another WP_Error."
    )
    return Finding(RULE.code, RULE.level, message, hook.span, related, claim=_FORGED_NONCE)


def _removed(hook: AuthFilter) -> Iterator[Finding]:
    if hook.function == "remove_all_filters":
        if hook.priority_given and hook.priority not in (CORE_PRIORITY, None):
            return
        message = (
            "remove_all_filters( 'rest_authentication_errors' ) also removes core's rest_cookie_check_errors, so the "
            "cookie-nonce stage is gone and a cookie alone authenticates REST requests from any page the browser sends "
            "it from (CSRF). Remove only your own callbacks, by name and priority."
        )
        yield Finding(RULE.code, RULE.level, message, hook.span, claim=_COOKIE_ALONE)
        return
    cb = hook.callback
    if cb is None or cb.name.strip("'\\").lower() != CORE_CHECK:
        return
    if hook.priority == CORE_PRIORITY and hook.cookie_auth_removed:
        message = (
            "remove_filter( 'rest_authentication_errors', 'rest_cookie_check_errors', 100 ) removes core's "
            "cookie-nonce stage, and this code also removes core's cookie validators from determine_current_user, "
            "so core no longer logs anyone in by cookie. If your own determine_current_user callback accepts "
            "cookies, it must check a nonce (or the Origin) itself, or any site can make requests as your users."
        )
        yield Finding(RULE.code, "note", message, hook.span)
    elif hook.priority == CORE_PRIORITY:
        message = (
            "remove_filter( 'rest_authentication_errors', 'rest_cookie_check_errors', 100 ) removes core's "
            "cookie-nonce stage: a logged-in user's cookie alone then authenticates REST requests from any page the "
            "browser sends it from (CSRF). Keep the check and send the wp_rest nonce as X-WP-Nonce."
        )
        yield Finding(RULE.code, RULE.level, message, hook.span, claim=_COOKIE_ALONE)
    elif hook.priority is not None:
        at = "the default priority 10" if not hook.priority_given else f"priority {hook.priority}"
        message = (
            f"This remove_filter of rest_cookie_check_errors uses {at}, but core added it at priority 100, so it "
            f"removes nothing (it returns false) and the nonce check stays. If the intent was to disable the check, "
            f"don't: send the wp_rest nonce instead; otherwise delete the call."
        )
        yield Finding(RULE.code, "warning", message, hook.span, claim=_CHECK_STAYS)


def check(model: PluginModel) -> Iterator[Finding]:
    for hook in model.auth_filters:
        if hook.in_rest_handler:
            continue  # added during dispatch, after core applied the filter for this request: no effect
        if hook.function == "add_filter":
            yield from _added(model, hook)
        else:
            yield from _removed(hook)
