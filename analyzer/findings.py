"""Findings: what a rule reports, where, and with which evidence."""

from __future__ import annotations

import re
from dataclasses import dataclass

from analyzer.source import Span, printable_path

LEVELS = ("note", "warning", "error")
LEVEL_RANK = {"note": 0, "warning": 1, "error": 2}

# A reference to related location N inside a message. Rules write it with ref(); formatters render it
# as "label (path:line)" for people and as SARIF's "[label](N)" link (§3.11.6) for code scanning.
REFERENCE = re.compile(r"\{ref:(\d+):([^}]*)\}")


def ref(index: int, label: str) -> str:
    """Mark ``label`` in a message as a link to related location ``index`` (1-based)."""
    return "{ref:%d:%s}" % (index, label.replace("}", ")"))


@dataclass(frozen=True, slots=True)
class Related:
    """Evidence elsewhere (often in another file): a callback's definition, the route it belongs to."""

    span: Span
    message: str


# The failure stages a claim names (README "How a request fails"); "script": the page throws before sending.
STAGES = ("transport", "cookie-nonce", "anonymous", "permission", "route", "script")

# Who a request runs as: "visitor" (user 0, whatever cookie was sent) or "logged-in" (the user whose
# cookie the browser sent).
USERS = ("visitor", "logged-in")

# Conditions under which the answer differs, and what each means. A claim names the answer for each
# condition it knows about in ``when``; the live suite reproduces the conditions it can and says which not.
CONDITIONS = {
    "php-builtin": "on PHP's built-in web server (php -S)",
    "apache": "on Apache (plain permalinks: no rewrite rules)",
    "same-site": "when the other origin is on the same site (same host, another port; or a subdomain)",
    "cross-site": "when the other origin is another site (Chromium treats cookies without SameSite as Lax)",
    "same-site-form": "for a form on a same-site page (another origin) that POSTs to the route",
    "cross-site-form": "for another site's form that POSTs to the route within 2 minutes of login (Chromium)",
    "cross-site-form-late": "for another site's form that POSTs to the route later than 2 minutes after login (Chromium)",
    "forged-nonce": "when the request carries a _wpnonce, even a forged one",
    "optional-chaining": "when the script reads the value with optional chaining (Obj?.nonce)",
}


@dataclass(frozen=True, slots=True)
class Claim:
    """What the request a finding is about gets at run time — the answer its message promises, as data.

    A field left ``None`` claims nothing. The live suite (tests/live) runs each rule's probe in a browser
    and compares what it observed with every field a claim states; messages say the same in words.
    """

    stage: str | None = None  # where the request breaks (STAGES), or None when it does not break
    sent: bool = True  # False: no request leaves the page (the script throws first)
    status: int | None = None  # the HTTP status
    code: str | None = None  # the error code in the JSON body: rest_cookie_invalid_nonce, rest_forbidden …
    user: str | None = None  # who the route runs as (USERS)
    body: str | None = None  # a body that is not REST JSON: "html" (a web page), "-1", "0"
    when: tuple[tuple[str, "Claim"], ...] = ()  # (condition, answer) where the answer differs (CONDITIONS)

    def __post_init__(self) -> None:
        if self.stage is not None and self.stage not in STAGES:
            raise ValueError(f"unknown stage {self.stage}")
        if self.user is not None and self.user not in USERS:
            raise ValueError(f"unknown user {self.user}")
        for condition, _ in self.when:
            if condition not in CONDITIONS:
                raise ValueError(f"unknown condition {condition}")

    def under(self, condition: str | None) -> "Claim":
        """The answer under ``condition``: its own entry, else this claim without its conditions."""
        for name, claim in self.when:
            if name == condition:
                return claim
        return Claim(self.stage, self.sent, self.status, self.code, self.user, self.body)

    def as_dict(self) -> dict:
        """The stated fields only (JSON, SARIF properties, the docs)."""
        data: dict = {}
        for name in ("stage", "sent", "status", "code", "user", "body"):
            value = getattr(self, name)
            if value is not None and not (name == "sent" and value is True):
                data[name] = value
        if self.when:
            data["when"] = {name: claim.as_dict() for name, claim in self.when}
        return data


@dataclass(frozen=True, slots=True)
class Finding:
    """One reported problem. ``message`` may reference ``related[i]`` with ``ref(i + 1, label)``.

    ``claim`` is what the message says the request will get, as data (see Claim)."""

    code: str
    level: str
    message: str
    span: Span
    related: tuple[Related, ...] = ()
    claim: Claim | None = None

    @property
    def sort_key(self) -> tuple:
        s = self.span
        return (s.path, s.line, s.column, self.code, s.end_line, s.end_column, self.message)

    def plain_message(self) -> str:
        """The message with each ``[label](N)`` written as ``label (path:line)``, for people."""

        def replace(match: re.Match) -> str:
            index, label = int(match.group(1)) - 1, match.group(2)
            if 0 <= index < len(self.related):
                where = self.related[index].span
                return f"{label} ({printable_path(where.path)}:{where.line})"
            return label

        return REFERENCE.sub(replace, self.message)
