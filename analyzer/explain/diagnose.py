"""From an :class:`~analyzer.explain.inputs.Exchange` to a :class:`Diagnosis`: the card that explains it, and
which of the card's evidence rows the input shows to apply, shows not to apply, or cannot tell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from analyzer.explain.inputs import Exchange
from analyzer.explain.knowledge import Card, Row, card_for
from analyzer.source import printable_path

APPLIES, POSSIBLE, RULED_OUT = "applies", "possible", "ruled out"
_LOGGED_IN = re.compile(r"(?:^|;\s*)wordpress_logged_in_[0-9a-f]*=", re.IGNORECASE)


@dataclass(frozen=True)
class Evidence:
    row: Row
    state: str  # applies | possible | ruled out
    seen: str  # what in the input decided it ('' when nothing did)


@dataclass
class Diagnosis:
    exchange: Exchange
    card: Card
    evidence: list[Evidence]
    observations: list[str]  # what the input shows, one line each
    plugin: dict | None = None  # --path: root, route, method, notes, ranked findings (analyzer.explain.rank)


# --- signals: (state, what was seen) -----------------------------------------------------------------


def _nonce_header(x: Exchange) -> str | None:
    return x.request_header("X-WP-Nonce")


def _query_nonce(x: Exchange) -> bool:
    if not x.url:
        return False
    try:
        return "_wpnonce" in parse_qs(urlsplit(x.url).query, keep_blank_values=True)
    except ValueError:
        return False


def _body_has(x: Exchange, key: str) -> bool:
    return bool(x.request_body) and key in (x.request_body or "")


def _cookie(x: Exchange) -> bool | None:
    """True: a logged_in cookie was sent; False: a Cookie header without it; None: the input does not say."""
    if x.request_headers is None:
        return None
    value = x.request_header("Cookie")
    if value is None:
        return None  # HAR exports often strip cookies: their absence proves nothing
    return bool(_LOGGED_IN.search(value))


def _basic(x: Exchange) -> bool | None:
    if x.request_headers is None:
        return None
    value = x.request_header("Authorization")
    return value is not None and value.strip().lower().startswith("basic")


def _signal(name: str, x: Exchange) -> tuple[str, str]:
    known = x.request_headers is not None
    nonce = _nonce_header(x)
    refreshed = x.response_header("X-WP-Nonce")
    if name == "refreshed_nonce":
        if x.form == "json":
            return POSSIBLE, ""
        return (APPLIES, f"X-WP-Nonce: {refreshed}") if refreshed else (RULED_OUT, "no X-WP-Nonce in the answer")
    if name == "no_refreshed_nonce":
        if x.form == "json":
            return POSSIBLE, ""
        return (RULED_OUT, f"X-WP-Nonce: {refreshed}") if refreshed else (APPLIES, "no X-WP-Nonce in the answer")
    if name == "doing_it_wrong":
        value = x.response_header("X-WP-DoingItWrong")
        if x.form == "json":
            return POSSIBLE, ""
        return (APPLIES, f"X-WP-DoingItWrong: {_short(value)}") if value else (RULED_OUT, "")
    if name == "cors_allowed":
        allowed = x.response_header("Access-Control-Allow-Origin")
        credentials = (x.response_header("Access-Control-Allow-Credentials") or "").lower() == "true"
        if x.form == "json":
            return POSSIBLE, ""
        return (APPLIES, f"Access-Control-Allow-Origin: {allowed}") if allowed and credentials else (RULED_OUT, "no CORS headers in the answer")
    if name == "params":
        params = x.data.get("params")
        if isinstance(params, dict) and params:
            return APPLIES, "; ".join(f"{k}: {v}" for k, v in params.items())
        if isinstance(params, list) and params:
            return APPLIES, ", ".join(str(p) for p in params)
        return POSSIBLE, ""
    if name == "json_error":
        message = x.data.get("json_error_message")
        return (APPLIES, f"json_error_message: {message}") if message else (POSSIBLE, "")
    if not known:
        return POSSIBLE, ""
    cookie = _cookie(x)
    basic = _basic(x)
    if name == "nonce_without_cookie":
        if nonce is None and not _query_nonce(x):
            return RULED_OUT, "no nonce was sent"
        if cookie is False:
            return APPLIES, "Cookie header without wordpress_logged_in_…"
        if cookie is True:
            return RULED_OUT, "Cookie: wordpress_logged_in_… was sent"
        return POSSIBLE, "the input shows no Cookie header (HAR exports often leave cookies out)"
    if name == "cross_origin":
        site = x.request_header("Sec-Fetch-Site")
        origin = x.request_header("Origin")
        target = _origin(x.url)
        if site:
            return (APPLIES if site.lower() in ("cross-site", "same-site") else RULED_OUT), f"Sec-Fetch-Site: {site}"
        if origin and target:
            return (APPLIES if origin.rstrip("/").lower() != target else RULED_OUT), f"Origin: {origin}"
        return POSSIBLE, ""
    if name == "nonce_empty":
        if nonce is None:
            return RULED_OUT, "no X-WP-Nonce header"
        value = nonce.strip().lower()
        return (APPLIES, f"X-WP-Nonce: {nonce!r}") if value in ("", "undefined", "null") else (RULED_OUT, "")
    if name == "wpnonce_param":
        if _query_nonce(x):
            return APPLIES, "_wpnonce in the query string"
        if _body_has(x, "_wpnonce"):
            return APPLIES, "_wpnonce in the request body"
        return RULED_OUT, ""
    if name == "no_nonce":
        if nonce is not None:
            return RULED_OUT, f"X-WP-Nonce: {nonce}"
        if _query_nonce(x):
            return RULED_OUT, "_wpnonce in the query string"
        return APPLIES, "no X-WP-Nonce header, no _wpnonce parameter"
    if name == "nonce_in_body":
        if nonce is not None or _query_nonce(x):
            return RULED_OUT, ""
        body = x.request_body or ""
        return (APPLIES, "a nonce key in the request body") if re.search(r"nonce|security", body, re.IGNORECASE) else (POSSIBLE, "")
    if name == "basic_and_cookie":
        if basic and cookie:
            return APPLIES, "Authorization: Basic … and Cookie: wordpress_logged_in_…"
        return (RULED_OUT, "") if not basic else (POSSIBLE, "")
    if name == "basic_only":
        if basic and cookie is not True:
            return APPLIES, "Authorization: Basic …"
        return RULED_OUT, ""
    if name == "basic":
        return (APPLIES, "Authorization: Basic …") if basic else (POSSIBLE, "")
    if name == "json_without_type":
        content_type = (x.request_header("Content-Type") or "").lower()
        body = (x.request_body or "").lstrip()
        if body.startswith(("{", "[")) and "json" not in content_type:
            return APPLIES, f"Content-Type: {content_type or '(none)'}"
        return RULED_OUT, ""
    return POSSIBLE, ""


def _origin(url: str | None) -> str | None:
    if not url:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower() if parts.scheme and parts.netloc else None


def _short(text: str | None, limit: int = 160) -> str:
    text = re.sub(r"<[^>]+>", "", text or "")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def observations(x: Exchange) -> list[str]:
    """What the input shows, in the order a developer reads a network panel."""
    seen: list[str] = []
    if x.method or x.url:
        seen.append(f"request: {x.method or '?'} {x.url or '?'}")
    if x.request_headers is not None:
        nonce = x.request_header("X-WP-Nonce")
        seen.append(f"X-WP-Nonce sent: {nonce!r}" if nonce is not None else "X-WP-Nonce sent: no")
        cookie = _cookie(x)
        seen.append(
            "wordpress_logged_in_ cookie sent: "
            + {True: "yes", False: "no (a Cookie header without it)", None: "not shown (HAR exports often leave cookies out)"}[cookie]
        )
        for name in ("Origin", "Sec-Fetch-Site", "Sec-Fetch-Mode"):
            value = x.request_header(name)
            if value:
                seen.append(f"{name}: {value}")
        if _basic(x):
            seen.append("Authorization: Basic … (an Application Password, if valid)")
    status = x.effective_status
    if status is not None:
        seen.append(f"status: {status}" + ("" if x.status is not None else " (from the body's data.status)"))
    if x.code:
        seen.append(f"code: {x.code}" + (f" — {_short(x.message)}" if x.message else ""))
    if x.form != "json":
        refreshed = x.response_header("X-WP-Nonce")
        seen.append(f"refreshed X-WP-Nonce in the answer: {'yes' if refreshed else 'no'}")
        for name in ("Allow", "X-WP-DoingItWrong", "Access-Control-Allow-Origin", "Access-Control-Allow-Credentials"):
            value = x.response_header(name)
            if value:
                seen.append(f"{name}: {_short(value)}")
    return seen


def confirm(d: Diagnosis, findings: list) -> None:
    """Evidence rows the plugin's own findings prove (``--path``): they apply, and say where."""
    from analyzer.explain.rank import EVIDENCE_FOR

    updated = []
    for e in d.evidence:
        proof = next((f for f in findings if EVIDENCE_FOR.get(f.code) and e.row.evidence.startswith(EVIDENCE_FOR[f.code])), None)
        if proof is not None and e.state != RULED_OUT:
            e = Evidence(e.row, APPLIES, f"{proof.code} at {printable_path(proof.span.path)}:{proof.span.line}")
        updated.append(e)
    order = {APPLIES: 0, POSSIBLE: 1, RULED_OUT: 2}
    d.evidence = sorted(updated, key=lambda e: order[e.state])


def diagnose(x: Exchange) -> Diagnosis | None:
    """The diagnosis of one exchange; None when explain does not know the answer's code."""
    card = card_for(x.code, x.effective_status, x.body)
    if card is None:
        return None
    evidence = []
    for row in card.rows:
        state, seen = _signal(row.signal, x) if row.signal else (POSSIBLE, "")
        evidence.append(Evidence(row, state, seen))
    order = {APPLIES: 0, POSSIBLE: 1, RULED_OUT: 2}
    evidence.sort(key=lambda e: order[e.state])
    return Diagnosis(x, card, evidence, observations(x))
