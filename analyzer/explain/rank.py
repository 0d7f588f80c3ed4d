"""``explain --path``: scan the plugin, and put first the findings that explain this answer on this route.

A finding explains an answer when its rule produces that answer (WPR001 a 403 rest_cookie_invalid_nonce,
WPR015 a 404 rest_no_route, …: :data:`RULES_FOR`) and it sits on a request to the route, or on the route's
registration. The route table comes from the model's ``rest_endpoints``.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from analyzer.findings import LEVEL_RANK, Finding
from analyzer.source import Span

# Rules whose findings produce each answer, most direct first (the card keys of knowledge.py).
RULES_FOR: dict[str, tuple[str, ...]] = {
    "rest_cookie_invalid_nonce": ("WPR001", "WPR003", "WPR011", "WPR004", "WPR012", "WPR014", "WPR008", "WPR010"),
    "rest_forbidden/401": ("WPR002", "WPR013", "WPR010", "WPR003"),
    "rest_cannot/401": ("WPR002", "WPR013", "WPR010", "WPR003"),
    "rest_not_logged_in": ("WPR002", "WPR013", "WPR010"),
    "rest_forbidden/403": ("WPR014", "WPR016"),
    "rest_cannot/403": ("WPR014",),
    "rest_no_route": ("WPR015",),
    "fatal": ("WPR006",),
    "ajax-referer": ("WPR014",),
    "incorrect_password": ("WPR010",),
    "success": ("WPR002", "WPR013", "WPR005", "WPR006", "WPR016", "WPR007"),
}


# Answers given after the route's permission check ran.
PERMISSION_RAN = frozenset({"rest_forbidden/401", "rest_forbidden/403", "rest_cannot/401", "rest_cannot/403", "rest_not_logged_in", "success", "fatal", "ajax-referer"})


# The evidence row (knowledge.py, by the start of its text) a finding of each rule proves.
EVIDENCE_FOR: dict[str, str] = {
    "WPR001": "the nonce was created with another action",
    "WPR003": "the request sent a nonce but no wordpress_logged_in_",
    "WPR008": "the request came from another origin",
    "WPR011": "the X-WP-Nonce header is empty",
    "WPR004": "the nonce is older than the page",
    "WPR012": "the nonce is older than the page",
    "WPR002": "the nonce travels only in a JSON body",
    "WPR013": "the request sent no X-WP-Nonce header",
    "WPR014": "the permission_callback verifies a nonce itself",
    "WPR015": "the path differs from the registered one",
    "WPR006": "the route registers 'permission_callback' => true",
}


@dataclass(frozen=True)
class Ranked:
    finding: Finding
    on_route: bool
    relevant: bool


def _route_regex(path: str) -> re.Pattern | None:
    try:
        return re.compile("^" + path.rstrip("/") + "/?$", re.IGNORECASE) if path != "/" else re.compile("^/$")
    except re.error:
        return None


def endpoint_matches(endpoint, route: str) -> bool:
    if endpoint.path is None:
        return False
    pattern = _route_regex(endpoint.path)
    return bool(pattern and pattern.match(route.rstrip("/") or "/"))


def _request_matches(request, route: str) -> bool:
    """Whether a client request's URL (unknown parts as wildcards) can be ``route``."""
    path = request.url.path
    if request.url.kind != "rest" or not path:
        return False
    pattern = "".join("[^/]+" if piece == "\x00" else re.escape(piece) for piece in re.split("(\x00)", path))
    return bool(re.fullmatch(pattern.rstrip("/") + "/?", route.rstrip("/") or "/", re.IGNORECASE))


def _inside(span: Span, outer: Span) -> bool:
    return span.path == outer.path and (outer.line, outer.column) <= (span.line, span.column) <= (outer.end_line, outer.end_column)


def _method_ok(methods, method: str | None) -> bool:
    if method is None or methods is None:
        return True
    return method in methods or (method == "HEAD" and "GET" in methods)


def route_spans(model, route: str | None, method: str | None) -> list[Span]:
    """Where the plugin touches ``route``: its requests to it and the route's registration."""
    if model is None or route is None:
        return []
    spans: list[Span] = []
    for request in model.client.requests:
        if _request_matches(request, route) and (method is None or request.method in (None, method)):
            spans.append(request.request.span)
    for endpoint in model.rest_endpoints:
        if endpoint_matches(endpoint, route) and _method_ok(endpoint.methods, method):
            spans.extend([endpoint.registration, endpoint.span])
    return spans


def rank(findings: list[Finding], card_key: str, model, route: str | None, method: str | None) -> list[Ranked]:
    wanted = RULES_FOR.get(card_key, ())
    spans = route_spans(model, route, method)
    ranked = []
    for finding in findings:
        # A finding's related locations count too (WPR014 sits in a callback defined elsewhere, its route is
        # related), except WPR015's: it names the *nearest* route, which is by definition another one.
        where = (finding.span,) if finding.code == "WPR015" else (finding.span, *(r.span for r in finding.related))
        on_route = any(_inside(s, outer) for outer in spans for s in where)
        ranked.append(Ranked(finding, on_route, finding.code in wanted))

    def key(r: Ranked):
        rule_rank = wanted.index(r.finding.code) if r.relevant else len(wanted)
        return (not (r.relevant and r.on_route), not r.relevant, not r.on_route, rule_rank, -LEVEL_RANK[r.finding.level], r.finding.sort_key)

    return sorted(ranked, key=key)


def _methods(endpoint) -> str:
    return ", ".join(sorted(endpoint.methods)) if endpoint.methods else "(methods not known)"


def _where(span: Span | None) -> str:
    return f"{span.path}:{span.line}" if span is not None else "?"


_GROUP = re.compile(r"\(\?P<\w+>(?:[^()\\]|\\.|\((?:[^()\\]|\\.)*\))*\)")


def _sample(endpoint_path: str, route: str) -> str:
    """The endpoint's path with each path parameter filled from the request's segment at the same place."""
    wanted = route.strip("/").split("/")
    parts = endpoint_path.strip("/").split("/")
    filled = [_GROUP.sub(lambda _m, i=i: wanted[i] if i < len(wanted) else "x", part) for i, part in enumerate(parts)]
    return "/" + "/".join(filled)


def nearest(endpoints: list, route: str, method: str | None):
    """The registered endpoint most like ``route`` (its parameters filled from the request), the method breaking ties."""

    def score(e) -> tuple[float, bool, str]:
        ratio = difflib.SequenceMatcher(None, route.lower(), _sample(e.path, route).lower()).ratio()
        return (ratio, _method_ok(e.methods, method) and method is not None, e.path)

    return max(endpoints, key=score)


def route_notes(card_key: str, model, route: str | None, method: str | None, nonce_sent: bool | None) -> list[str]:
    """What the route table says about this answer: the route's permission callback, the nearest route."""
    if model is None:
        return []
    endpoints = [e for e in model.rest_endpoints if e.path is not None]
    if route is None:
        return ["No route given: add --route /namespace/v1/path (and --method) to rank findings on it."] if card_key != "success" else []
    notes: list[str] = []
    here = [e for e in endpoints if endpoint_matches(e, route)]
    if card_key == "rest_no_route":
        if here:
            methods = sorted({m for e in here for m in (e.methods or ())})
            where = ", ".join(sorted({_where(e.registration) for e in here}))
            if method is not None and not any(_method_ok(e.methods, method) for e in here):
                notes.append(f"{route} is registered ({where}) for {', '.join(methods)} only, not {method}: use one of those, or add {method} to its 'methods'.")
            else:
                notes.append(f"{route} is registered ({where}) for {', '.join(methods) or 'methods not known'}: if it answers 404 on the site, the registration did not run there (inactive plugin, a condition, or not on rest_api_init).")
        elif endpoints:
            e = nearest(endpoints, route, method)
            notes.append(f"No route of the plugin matches {route}; the nearest is {_methods(e)} {e.path} ({_where(e.registration)}).")
        else:
            notes.append("The plugin registers no REST route the analyzer could resolve.")
        table = sorted({f"{_methods(e):<18} {e.path}  ({_where(e.registration)})" for e in endpoints})
        if table:
            notes.append("Routes the plugin registers:\n" + "\n".join("  " + line for line in table[:30]) + ("\n  …" if len(table) > 30 else ""))
        return notes
    chosen = [e for e in here if _method_ok(e.methods, method)] or here
    if not chosen:
        if endpoints:
            notes.append(f"The plugin registers no route matching {route}: the answer comes from another plugin or from core.")
        return notes
    not_run = "" if card_key in PERMISSION_RAN else " — it has not run for this answer"
    for e in chosen[:3]:
        p = e.permission
        if p.status == "callable" and p.callback is not None:
            cb = p.callback
            defined = f", defined at {_where(cb.definition)}" if cb.definition is not None else ""
            text = f"{_methods(e)} {e.path} ({_where(e.registration)}): permission_callback {cb.name} ({_where(p.span)}{defined}){not_run}."
        elif p.status in ("missing", "misspelt", "non_callable"):
            what = {"missing": "no permission_callback", "misspelt": f"a misspelt '{p.key}' key", "non_callable": f"permission_callback {p.literal}"}[p.status]
            text = f"{_methods(e)} {e.path} ({_where(e.registration)}) has {what} ({_where(p.span)})."
        else:
            text = f"{_methods(e)} {e.path} ({_where(e.registration)}): its permission_callback could not be resolved."
        notes.append(text)
    if card_key in ("rest_forbidden/401", "rest_forbidden/403", "rest_cannot/401", "rest_cannot/403", "rest_not_logged_in"):
        if nonce_sent is not None:
            notes.append("The failed request " + ("sent an X-WP-Nonce header." if nonce_sent else "sent no X-WP-Nonce header: no nonce reached the permission check, so it ran for user 0."))
        for request in model.client.requests:
            if _request_matches(request, route) and (method is None or request.method in (None, method)):
                r = request.request
                if request.carries_nonce:
                    how = "apiFetch adds core's nonce" if request.core_nonce else "it sends a nonce where core reads it"
                    notes.append(f"The plugin's request at {_where(r.span)} ({r.transport}): {how}.")
                else:
                    notes.append(f"The plugin's request at {_where(r.span)} ({r.transport}) sends no nonce core reads: it runs as user 0.")
    return notes
