"""Claims several rules make, and what a request that runs as user 0 gets from the routes it calls.

A claim is what a finding's message promises the request will get (see ``analyzer.findings.Claim``); the
live suite (tests/live) checks each against a real WordPress in a real browser.
"""

from __future__ import annotations

from analyzer import wordpress
from analyzer.findings import Claim
from analyzer.php import behaviour

INVALID_NONCE = "rest_cookie_invalid_nonce"

# Core checked the nonce against 'wp_rest' and it failed (A3-A6, F1).
COOKIE_NONCE_FAILS = Claim("cookie-nonce", status=403, code=INVALID_NONCE)
# The login cookie did not travel, so the nonce was checked for user 0 and failed (A7).
NO_COOKIE = Claim("transport", status=403, code=INVALID_NONCE)
# The request works: 200, as the user whose cookie the browser sent.
WORKS = Claim(status=200, user="logged-in")
# Sent with the cookie to another origin: the browser sends it only to the same site (Lax by default).
WITH_CREDENTIALS_ELSEWHERE = Claim(
    "transport",
    when=(("same-site", WORKS), ("cross-site", NO_COOKIE)),
)

_IDENTITY = ("get_current_user_id", "a user ID")


def _grants_visitor(endpoint) -> str | None:
    """How the route's permission stage lets user 0 through, or None when it does not (or is not known)."""
    permission = endpoint.permission
    if permission.status in ("missing", "misspelt"):
        return "it has no permission_callback"
    if permission.status == "non_callable":
        return None if permission.literal.startswith("true") else f"its permission_callback is {permission.literal}"
    cb = permission.callback
    if permission.status != "callable" or cb is None:
        return None
    if cb.kind == "core":
        if cb.name in wordpress.CORE_ALWAYS_TRUE:
            return f"its permission_callback is '{cb.name}'"
        if cb.name in wordpress.CORE_NON_BOOLEAN_GRANT:
            return f"its permission_callback '{cb.name}' returns {wordpress.CORE_NON_BOOLEAN_GRANT[cb.name]}"
        return None
    fn = cb.function
    if fn is None:
        return None
    if behaviour.always_true(fn):
        return "its permission_callback always returns true"
    for ret, reason in behaviour.non_boolean_returns(fn):
        if reason.startswith(_IDENTITY) and not behaviour.only_checked_users_reach(fn, ret):
            return f"its permission callback returns {reason}; core denies only false and null"
    return None


def visitor_answer(model, endpoints, needs_user) -> tuple[Claim, str]:
    """What a request that runs as user 0 gets from ``endpoints`` (the routes it may reach), in words.

    ``needs_user(model, endpoint)`` names the user check a permission callback makes (WPR013's test)."""
    anonymous = Claim("anonymous", user="visitor")
    if not endpoints:
        return anonymous, "200 on public routes, 401 rest_forbidden where a capability is checked"
    grants = [_grants_visitor(e) for e in endpoints]
    if all(grants):
        return Claim("anonymous", status=200, user="visitor"), f"{grants[0]}, so it answers 200 — to user 0, not to the logged-in user"
    checks = [needs_user(model, e) for e in endpoints]
    if all(checks) and not any(grants):
        return Claim("anonymous", status=401, code="rest_forbidden", user="visitor"), f"the permission check ({checks[0]}) refuses user 0: 401 rest_forbidden"
    return anonymous, "200 on public routes, 401 rest_forbidden where a capability is checked"
