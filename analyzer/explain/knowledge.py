"""What each answer a cookie-authenticated REST request can get means, as data.

One :class:`Card` per error code (and status, where the status changes the meaning). Every sentence here is
checked against a live WordPress: the ids in ``refs`` are the runtime tests of the project's WordPress
notes (A3 = a nonce made with another action, and so on), and ``tests/data/explain/`` holds the answers
captured from WordPress 6.1.9 that the tests feed back through ``explain``.

Evidence rows name a *signal* (see :mod:`analyzer.explain.diagnose`): what in the input shows whether the
row applies. A row whose signal the input cannot show is printed as possible, never as a fact.
"""

from __future__ import annotations

from dataclasses import dataclass

# The failure stages (the rule catalog's table), plus the later ones a request can reach.
STAGES = {
    "transport": "the logged_in cookie did not reach WordPress with the nonce",
    "cookie-nonce": "cookie authentication ran and the nonce did not verify against 'wp_rest'",
    "anonymous": "no usable nonce reached core, so the request ran as user 0",
    "application-password": "an Application Password was sent and rejected",
    "route": "no route matches this path and method",
    "arguments": "the route matched, but its arguments did not validate",
    "permission": "the route's permission check said no to the user WordPress saw",
    "callback": "the route's own code failed or refused",
    "server": "PHP stopped with a fatal error",
    "none": "no stage failed: the request succeeded",
}

NOT_RUN_ALL = ("route matching", "argument validation", "the route's permission_callback", "the route's callback (your business logic)")
NOT_RUN_AFTER_ROUTE = ("argument validation", "the route's permission_callback", "the route's callback (your business logic)")
NOT_RUN_AFTER_ARGS = ("the route's permission_callback", "the route's callback (your business logic)")
NOT_RUN_CALLBACK = ("the route's callback (your business logic)",)


@dataclass(frozen=True)
class Row:
    """Evidence → likely cause → first check. ``signal`` names the test in diagnose.py."""

    evidence: str
    cause: str
    check: str
    signal: str = ""
    refs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Card:
    key: str  # the code, or code/status
    title: str
    stage: str
    reached: str
    cookie_auth: str
    failed_first: str
    not_run: tuple[str, ...]
    rows: tuple[Row, ...]
    do_first: tuple[str, ...]
    do_not_yet: tuple[str, ...]
    refs: tuple[str, ...] = ()


DONT_LOOSEN = "Do not loosen the route's permission_callback (e.g. to '__return_true'): it has not run, so it is not what failed."
DONT_ADMIN_COOKIES = (
    "Do not copy an administrator's cookies and nonce into a script or server-to-server call: they die with that "
    "browser session (logout, new login, 12–24 h). Scripts authenticate with an Application Password."
)
DONT_SECURITY_PLUGINS = "Do not disable security or cache plugins before the nonce and session evidence above is checked."
DONT_ROUTE = "Do not treat it as a missing route: routing had not happened yet when this answer was made."

_NONCE_ROWS = (
    Row(
        "the request sent a nonce but no wordpress_logged_in_… cookie",
        "the cookies did not travel (fetch credentials 'omit', a cross-origin or cross-site page, another host name "
        "than the one the cookie was set for, or a script outside the browser): core then checks the nonce for user 0, "
        "and a nonce minted for a logged-in user always fails",
        "the request's Cookie header in the network panel; the page's origin against the REST URL's",
        "nonce_without_cookie",
        ("A7",),
    ),
    Row(
        "the request came from another origin",
        "a cross-origin request sends cookies only with credentials 'include' (XHR: withCredentials), and Chromium does not send WordPress's "
        "cookies (they have no SameSite attribute, so count as Lax) on a fetch or XHR from another site",
        "the Origin / Sec-Fetch-Site request headers; fetch's credentials option",
        "cross_origin",
        ("A7", "E2"),
    ),
    Row(
        "the answer allows the request's origin with credentials (Access-Control-Allow-Origin, Allow-Credentials: true)",
        "WordPress's REST API allows every origin with credentials, so CORS did not block this request: the cookie or "
        "the nonce did",
        "the rows about cookies and the nonce",
        "cors_allowed",
        ("E1", "E2"),
    ),
    Row(
        "the X-WP-Nonce header is empty, 'undefined' or 'null'",
        "the localized object holding the nonce is missing or was printed on a handle that is never enqueued; an "
        "empty header still counts as a nonce, and fails",
        "the header's value in the network panel; that the object (e.g. wpApiSettings) exists on the page",
        "nonce_empty",
        ("A6",),
    ),
    Row(
        "a _wpnonce parameter is in the query string or form body",
        "core reads _wpnonce before the X-WP-Nonce header: a stale or other-action _wpnonce fails even when the header is right",
        "the request URL and form body for _wpnonce",
        "wpnonce_param",
        ("A11", "B8"),
    ),
    Row(
        "the nonce was created with another action than 'wp_rest' (or with none)",
        "core verifies only against 'wp_rest', so such a nonce fails for every user, every time",
        "the wp_create_nonce() call that makes this nonce (`wp-rest-lint explain --path PLUGIN` finds it)",
        "",
        ("A3", "A4"),
    ),
    Row(
        "the nonce is older than the page, or from another session",
        "a nonce is bound to the user's session: it dies on logout, on a new login, in another browser session, and "
        "12–24 h after it was made; a page cache or localStorage keeps serving the dead one",
        "reload the page (bypassing any page cache) and send the request again: if it then works, the nonce was stale",
        "",
        ("F1", "F3", "A9"),
    ),
)

_ANONYMOUS_ROWS = (
    Row(
        "the request sent no X-WP-Nonce header and no _wpnonce parameter",
        "with no nonce core sets the user to 0 even when a valid logged-in cookie was sent",
        "send the 'wp_rest' nonce as the X-WP-Nonce header (apiFetch does it for you)",
        "no_nonce",
        ("A1", "B10"),
    ),
    Row(
        "the nonce travels only in a JSON body (or a form body of PUT/PATCH/DELETE, or a key other than _wpnonce)",
        "core reads the nonce only from the X-WP-Nonce header and from _wpnonce in the query string or a POST form body",
        "where the request puts its nonce",
        "nonce_in_body",
        ("B1", "B2", "B3", "B6", "B7"),
    ),
    Row(
        "the answer carries no refreshed X-WP-Nonce header",
        "core sends a fresh nonce only when the request's nonce verified, so core saw no valid nonce here",
        "the request's X-WP-Nonce header",
        "no_refreshed_nonce",
        ("A2",),
    ),
    Row(
        "the request sent an Application Password and a wordpress_logged_in_… cookie",
        "with both, the cookie wins and the nonce rule applies: without a nonce the user is reset to 0",
        "drop the cookies from the script's requests (or send a nonce)",
        "basic_and_cookie",
        ("D2",),
    ),
    Row(
        "the request sent HTTP Basic credentials and no cookie",
        "a wrong Application Password (or an account password, which Basic auth does not accept) leaves the request "
        "anonymous instead of failing",
        "the user name and the Application Password (Users → Profile → Application Passwords)",
        "basic_only",
        ("D4", "D5"),
    ),
)

CARDS: dict[str, Card] = {}


def _add(card: Card) -> None:
    CARDS[card.key] = card


_add(
    Card(
        "rest_cookie_invalid_nonce",
        "Cookie check failed: the nonce did not verify",
        "cookie-nonce",
        "No. Core rejected the request while authenticating it, before looking for a route (rest_cookie_check_errors).",
        "Yes, and it failed: a nonce was sent, so core verified it against 'wp_rest' for the user the cookies identify "
        "(user 0 when no valid logged_in cookie arrived).",
        "wp_verify_nonce( nonce, 'wp_rest' ) returned false.",
        NOT_RUN_ALL,
        _NONCE_ROWS,
        (
            "Open the failed request in the browser's network panel: check that it carries the wordpress_logged_in_… cookie "
            "and an X-WP-Nonce that is not empty.",
            "Compare its X-WP-Nonce with wpApiSettings.nonce (or wp.apiFetch.nonceMiddleware.nonce) on a freshly loaded page.",
            "Find where the nonce is made: it must be wp_create_nonce( 'wp_rest' ) (`wp-rest-lint explain --path PLUGIN`).",
        ),
        (DONT_LOOSEN, DONT_ROUTE, DONT_SECURITY_PLUGINS, DONT_ADMIN_COOKIES),
        ("A3", "A4", "A6", "A7", "F3"),
    )
)

_add(
    Card(
        "rest_forbidden/401",
        "Forbidden, and WordPress saw no logged-in user",
        "anonymous",
        "Yes. The route matched and its arguments validated; its permission_callback ran and denied the request.",
        "Not in effect: 401 means no user was logged in when the permission check ran, so the request ran as user 0 "
        "(the cookie, if sent, was ignored for want of a nonce, or was not valid, or was not sent).",
        "The route's permission_callback returned false (or null) for user 0.",
        NOT_RUN_CALLBACK,
        _ANONYMOUS_ROWS,
        (
            "Check the failed request for an X-WP-Nonce header holding a 'wp_rest' nonce; send it there (or use apiFetch, "
            "which adds it).",
            "After the fix, the answer carries a refreshed X-WP-Nonce header: that is core confirming the nonce.",
        ),
        (
            "Do not loosen the route's permission_callback: it did its job — the request arrived as nobody.",
            DONT_ADMIN_COOKIES,
            DONT_SECURITY_PLUGINS,
        ),
        ("A1", "B10", "B13", "D2"),
    )
)

_add(
    Card(
        "rest_forbidden/403",
        "Forbidden for this logged-in user",
        "permission",
        "Yes. The route matched and its arguments validated; its permission_callback ran and denied the request.",
        "Passed: 403 means a user was logged in when the permission check ran (cookie and a valid nonce, or an "
        "Application Password).",
        "The route's permission_callback returned false (or null) for that user.",
        NOT_RUN_CALLBACK,
        (
            Row(
                "the answer carries a refreshed X-WP-Nonce header",
                "core verified the request's nonce: cookie authentication worked and the user is known",
                "which capability the permission_callback checks, and whether this user's role has it",
                "refreshed_nonce",
                ("B12",),
            ),
            Row(
                "the permission_callback verifies a nonce itself, with another action",
                "a header that passes core's 'wp_rest' check cannot pass a check for another action",
                "the permission_callback's wp_verify_nonce() / check_ajax_referer() calls",
                "",
                ("I3",),
            ),
        ),
        (
            "Find the route's permission_callback (`wp-rest-lint explain --path PLUGIN`) and the capability it asks for.",
            "Check that capability for the user who made the request (a subscriber has only 'read').",
        ),
        (
            "Do not loosen the permission_callback for everyone: it ran and judged this user.",
            "Do not chase the nonce: 403 rest_forbidden comes after the nonce check passed.",
            DONT_SECURITY_PLUGINS,
        ),
        ("B12", "I3"),
    )
)

_add(
    Card(
        "rest_not_logged_in",
        "The route's code needs a logged-in user and saw none",
        "anonymous",
        "Yes. The route matched; its own code (the permission check or the callback) refused user 0 — core's "
        "/wp/v2/users/me does this in its callback.",
        "Not in effect: the request ran as user 0.",
        "The route's callback found get_current_user_id() == 0.",
        ("the rest of the route's callback",),
        _ANONYMOUS_ROWS,
        (
            "Check the failed request for an X-WP-Nonce header holding a 'wp_rest' nonce; send it there (or use apiFetch).",
        ),
        (DONT_ADMIN_COOKIES, DONT_SECURITY_PLUGINS),
        ("A1",),
    )
)

_add(
    Card(
        "rest_no_route",
        "No route matches this path and method",
        "route",
        "No. No registered route matches this path with this method (a wrong method gets this 404 too; there is no 405).",
        "Authentication ran first and did not fail: a nonce that did not verify would have given 403 "
        "rest_cookie_invalid_nonce instead.",
        "Route matching.",
        NOT_RUN_AFTER_ROUTE,
        (
            Row(
                "the route exists for other methods",
                "a GET to a POST-only route, or a POST to a route registered without 'methods' (which defaults to GET)",
                "the route's 'methods' in register_rest_route",
                "",
                ("B16", "B19"),
            ),
            Row(
                "the path differs from the registered one",
                "a typo, a missing namespace version, or a path parameter whose regex does not match the value sent",
                "the site's route index: GET /wp-json/ (or ?rest_route=/) lists every route and its methods",
                "",
                (),
            ),
            Row(
                "the route is not registered on this request",
                "register_rest_route() runs only on rest_api_init, in a plugin that is active, and not behind a condition "
                "such as is_admin() (false on REST requests)",
                "the hook and conditions around register_rest_route()",
                "",
                (),
            ),
        ),
        (
            "Compare the method and path with the route table (`wp-rest-lint explain --path PLUGIN` lists the plugin's "
            "routes and the nearest one).",
        ),
        (
            "Do not change nonces, cookies or the permission_callback: authentication did not fail and the permission "
            "check never ran.",
        ),
        ("B16", "B19"),
    )
)

_PASSED_AUTH = (
    "Did not fail: authentication runs before routing and validation, so a nonce that did not verify would have "
    "answered 403 first. Whether a user was logged in shows in a refreshed X-WP-Nonce in the answer."
)
_VALIDATION_NOT = (
    "Do not loosen the permission_callback: it has not run yet — validation comes first, even for requests that "
    "would be refused.",
    "Do not chase the nonce: authentication did not fail.",
)

_add(
    Card(
        "rest_invalid_param",
        "An argument did not validate",
        "arguments",
        "Yes, the route matched; its argument validation (the 'args' schema or validate_callback) rejected a value.",
        _PASSED_AUTH,
        "Argument validation.",
        NOT_RUN_AFTER_ARGS,
        (
            Row(
                "the answer names the parameters and why",
                "a value of the wrong type or outside the schema ('enum', 'pattern', 'minimum', …)",
                "the value sent against the route's 'args' definition",
                "params",
                (),
            ),
        ),
        ("Send the value the route's 'args' schema accepts for each parameter the answer names.",),
        _VALIDATION_NOT,
        (),
    )
)

_add(
    Card(
        "rest_missing_callback_param",
        "A required argument is missing",
        "arguments",
        "Yes, the route matched; a parameter marked 'required' did not arrive.",
        _PASSED_AUTH,
        "Argument validation.",
        NOT_RUN_AFTER_ARGS,
        (
            Row(
                "the answer names the missing parameters",
                "the parameter was not sent, or was sent where WordPress does not read it",
                "the request's query string and body for those names",
                "params",
                (),
            ),
            Row(
                "the request has a JSON body without Content-Type: application/json",
                "WordPress parses a body as JSON only when the Content-Type says so",
                "the request's Content-Type header",
                "json_without_type",
                (),
            ),
        ),
        ("Send each parameter the answer names, in the query string, a form body, or a JSON body with Content-Type: application/json.",),
        _VALIDATION_NOT,
        (),
    )
)

_add(
    Card(
        "rest_invalid_json",
        "The JSON body does not parse",
        "arguments",
        "Yes, the route matched; the body declared as JSON could not be decoded.",
        _PASSED_AUTH,
        "Reading the request's JSON body.",
        NOT_RUN_AFTER_ARGS,
        (
            Row(
                "the answer names the JSON error",
                "the body is not JSON although Content-Type says application/json: an object sent without JSON.stringify "
                "('[object Object]'), a form encoding, or a truncated string",
                "the request payload in the network panel",
                "json_error",
                (),
            ),
        ),
        ("Send JSON.stringify( data ) with Content-Type: application/json, or apiFetch's data option.",),
        _VALIDATION_NOT,
        (),
    )
)

_add(
    Card(
        "rest_cannot/401",
        "The controller's permission check refused user 0",
        "anonymous",
        "Yes. The route matched; its permission check (a core controller's, e.g. create_item_permissions_check) refused the request.",
        "Not in effect: 401 means no user was logged in when the permission check ran, so the request ran as user 0.",
        "The route's permission check, for user 0.",
        NOT_RUN_CALLBACK,
        _ANONYMOUS_ROWS,
        ("Check the failed request for an X-WP-Nonce header holding a 'wp_rest' nonce; send it there (or use apiFetch).",),
        ("Do not loosen permissions or add capabilities: the request arrived as nobody.", DONT_ADMIN_COOKIES, DONT_SECURITY_PLUGINS),
        ("A1", "B10"),
    )
)

_add(
    Card(
        "rest_cannot/403",
        "The controller's permission check refused this user",
        "permission",
        "Yes. The route matched; its permission check (a core controller's, e.g. create_item_permissions_check) refused the request.",
        "Passed: 403 means a user was logged in when the permission check ran.",
        "The route's permission check, for that user: the user lacks the capability (e.g. edit_posts to create posts).",
        NOT_RUN_CALLBACK,
        (
            Row(
                "the answer carries a refreshed X-WP-Nonce header",
                "core verified the request's nonce: cookie authentication worked and the user is known",
                "the user's role and the capability the action needs",
                "refreshed_nonce",
                ("B12",),
            ),
        ),
        ("Check the user's role against the capability the action needs.",),
        ("Do not chase the nonce: this answer comes after the nonce check passed.", DONT_SECURITY_PLUGINS),
        ("B12",),
    )
)

_add(
    Card(
        "incorrect_password",
        "The Application Password was rejected",
        "application-password",
        "No. Authentication failed before any route ran.",
        "Not used: the request authenticated with HTTP Basic auth (an Application Password), which needs no nonce.",
        "The Application Password did not match the user.",
        NOT_RUN_ALL,
        (
            Row(
                "the request sent HTTP Basic credentials",
                "a mistyped or revoked Application Password, the wrong user name, or the account's login password (Basic "
                "auth accepts only Application Passwords)",
                "Users → Profile → Application Passwords: create a new one and send it with the user's login name",
                "basic",
                ("D4b", "D5"),
            ),
        ),
        (
            "Create a fresh Application Password for the user and send it as HTTP Basic auth (spaces in it may be kept or removed).",
        ),
        (DONT_ADMIN_COOKIES, DONT_LOOSEN),
        ("D4b",),
    )
)

_add(
    Card(
        "fatal",
        "A PHP fatal error (HTTP 500, \"There has been a critical error on this website\")",
        "server",
        "Not known from the answer alone: a fatal error can happen anywhere in PHP; the evidence below narrows it down.",
        "A refreshed X-WP-Nonce in the answer (below) shows the nonce check passed before the error.",
        "PHP stopped with a fatal error.",
        ("whatever came after the fatal error",),
        (
            Row(
                "the answer carries a refreshed X-WP-Nonce header",
                "the nonce verified, so the fatal error came after authentication: in the permission check or the route's code",
                "the PHP error log (WP_DEBUG_LOG writes wp-content/debug.log) for the file and line",
                "refreshed_nonce",
                (),
            ),
            Row(
                "the route registers 'permission_callback' => true (or another value that is not callable)",
                "core calls it and PHP throws a TypeError: every request to the route gets this 500",
                "the route's register_rest_route() call (`wp-rest-lint scan` reports it as WPR006)",
                "",
                (),
            ),
        ),
        ("Read the PHP error log for the fatal error's file and line.",),
        (DONT_SECURITY_PLUGINS, "Do not treat it as an authentication failure: a fatal error is a bug in PHP code."),
        (),
    )
)

_add(
    Card(
        "ajax-referer",
        "HTTP 200 with the body -1: check_ajax_referer() failed inside a REST request",
        "callback",
        "Yes. The route's code ran and called check_ajax_referer() (or check_admin_referer()), which died with -1.",
        "Not the problem: core's own check passed or did not apply; the route's code then checked an admin-ajax nonce.",
        "check_ajax_referer() found no valid nonce in $_REQUEST (it never reads the X-WP-Nonce header or a JSON body).",
        ("the rest of the route's callback",),
        (),
        ("Remove check_ajax_referer() from the REST callback: core already checked the 'wp_rest' nonce.",),
        ("Do not add the custom nonce to X-WP-Nonce: core would then reject it with 403.", DONT_LOOSEN),
        ("I1",),
    )
)

_add(
    Card(
        "success",
        "The request succeeded",
        "none",
        "Yes. The route ran.",
        "",
        "Nothing failed.",
        (),
        (
            Row(
                "the answer carries a refreshed X-WP-Nonce header",
                "core verified the request's nonce for the user the cookies identify: cookie authentication worked",
                "",
                "refreshed_nonce",
                ("A2",),
            ),
            Row(
                "the answer carries no refreshed X-WP-Nonce header",
                "core verified no nonce: unless the request carried an Application Password (or another non-cookie "
                "credential), or a plugin switched core's nonce check off, it ran as user 0 — a public route answers anyway, even when the browser sent a logged-in cookie",
                "send the 'wp_rest' nonce as X-WP-Nonce if the route should know the user",
                "no_refreshed_nonce",
                ("A1", "B15", "D1"),
            ),
            Row(
                "the answer carries X-WP-DoingItWrong",
                "with WP_DEBUG on, WordPress reports a notice in this header; once any route of the site lacks a "
                "permission_callback, every REST answer carries it",
                "the route named in the header",
                "doing_it_wrong",
                ("B15",),
            ),
        ),
        (),
        (),
        ("A1", "A2"),
    )
)


def card_for(code: str | None, status: int | None, body: str) -> Card | None:
    """The card for an answer, or None when explain does not know it."""
    if status is not None and 200 <= status < 300:
        if body.strip() == "-1":
            return CARDS["ajax-referer"]
        if code is None:
            return CARDS["success"]
    if code is None:
        if status in (500, None) and "critical error on this website" in body:
            return CARDS["fatal"]
        return None
    if code == "internal_server_error" and (status in (500, None)):
        return CARDS["fatal"]
    if code == "rest_forbidden" or code.startswith(("rest_cannot", "rest_forbidden_", "rest_user_cannot")):
        # Core's controllers name their permission refusals rest_cannot_*, rest_forbidden_* (context, status …)
        # and rest_user_cannot_*, all with rest_authorization_required_code(): 401 for user 0, 403 otherwise.
        base = "rest_forbidden" if code == "rest_forbidden" else "rest_cannot"
        return CARDS.get(f"{base}/{401 if status == 401 else 403}") if status in (401, 403) else None
    return CARDS.get(code)


KNOWN_CODES = (
    "rest_cookie_invalid_nonce", "rest_forbidden", "rest_not_logged_in", "rest_no_route", "rest_invalid_param",
    "rest_missing_callback_param", "rest_invalid_json", "rest_cannot_*", "rest_forbidden_*", "rest_user_cannot_*",
    "incorrect_password", "internal_server_error",
)
