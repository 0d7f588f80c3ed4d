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
class Explanation:
    """A finding told in three parts, for people: what is wrong (short), why it fails, what to do."""

    headline: str
    why: str = ""
    fix: str = ""


@dataclass(frozen=True, slots=True)
class Finding:
    """One reported problem. ``message`` may reference ``related[i]`` with ``ref(i + 1, label)``.

    ``message`` is the whole story in prose (JSON, SARIF, annotations). ``headline``, ``why`` and ``fix`` are
    the same story in parts, for text output; a rule that sets none of them gets them cut from ``message``
    (see :func:`explain`). Build a finding from parts with :meth:`Finding.explained`. ``claim`` is what the
    message says the request will get, as data (see Claim).
    """

    code: str
    level: str
    message: str
    span: Span
    related: tuple[Related, ...] = ()
    claim: Claim | None = None
    headline: str = ""
    why: str = ""
    fix: str = ""

    @classmethod
    def explained(
        cls,
        code: str,
        level: str,
        span: Span,
        *,
        headline: str,
        why: str = "",
        fix: str = "",
        related: tuple[Related, ...] = (),
        claim: Claim | None = None,
    ) -> Finding:
        """A finding whose message is ``headline: why. fix``."""
        message = headline + (f": {why.rstrip('.')}." if why else ".") + (f" {fix}" if fix else "")
        return cls(code, level, message, span, tuple(related), claim, headline, why, fix)

    @property
    def sort_key(self) -> tuple:
        s = self.span
        return (s.path, s.line, s.column, self.code, s.end_line, s.end_column, self.message)

    def _render(self, text: str, prefix: str, bare: frozenset[int] = frozenset()) -> str:
        def replace(match: re.Match) -> str:
            index, label = int(match.group(1)) - 1, match.group(2)
            if index not in bare and 0 <= index < len(self.related):
                where = self.related[index].span
                return f"{label} ({printable_path(prefix + where.path)}:{where.line})"
            return label

        return REFERENCE.sub(replace, text)

    def plain_message(self, prefix: str = "") -> str:
        """The message with each reference written as ``label (path:line)``, for people; ``prefix`` is put
        before each path (the same base the report's own paths have)."""
        return self._render(self.message, prefix)

    def explanation(self, prefix: str = "", shown: frozenset[int] = frozenset()) -> Explanation:
        """Headline (references as bare labels), why and fix (references with their locations, except
        the related locations listed in ``shown`` (0-based), which the reader sees anyway)."""
        if self.headline:
            parts = Explanation(self.headline, self.why, self.fix)
        else:
            parts = explain(self.message)
        return Explanation(
            self._render(parts.headline, prefix, frozenset(range(len(self.related)))).rstrip("."),
            self._render(parts.why, prefix, shown),
            self._render(parts.fix, prefix, shown),
        )


LONG_HEADLINE = 90
_OPENERS, _CLOSERS = "([{", ")]}"


def _top_level(text: str) -> list[bool]:
    """For each character: is it outside (), [], {} and '…' / "…" quotes? An apostrophe inside a word
    (core's) is not a quote."""
    flags, depth, quote = [], 0, ""
    for i, ch in enumerate(text):
        before = text[i - 1] if i else " "
        after = text[i + 1] if i + 1 < len(text) else " "
        if quote:
            flags.append(False)
            if ch == quote and not after.isalnum():
                quote = ""
            continue
        if ch in "'\"" and not before.isalnum():
            quote = ch
            flags.append(False)
            continue
        if ch in _OPENERS:
            depth += 1
        elif ch in _CLOSERS:
            depth = max(0, depth - 1)
        flags.append(depth == 0 and ch not in _CLOSERS)
    return flags


def explain(message: str) -> Explanation:
    """Cut a one-paragraph message into headline, why and fix.

    The rules' messages read "<what is wrong>: <why it fails>. <What to do>." — the headline is the first
    sentence up to its first top-level colon or semicolon, the rest of that sentence is why, and the
    sentences after it are the fix. References ({ref:N:label}) are kept whole.
    """
    masked = REFERENCE.sub(lambda m: "\x00" * len(m.group(0)), message)
    top = _top_level(masked)
    end = len(message)
    for i in range(len(masked) - 2):
        if top[i] and masked[i] in ".?!" and masked[i + 1] == " " and masked[i + 2].isupper():
            end = i + 1
            break
    first, fix = message[:end].strip(), message[end:].strip()
    headline, why = first.rstrip("."), ""
    for i in range(len(first) - 1):
        # "credentials: 'omit' drops…" is not a headline and its reason: a headline has a few words.
        if top[i] and masked[i] in ":;" and masked[i + 1] == " " and len(first[:i].split()) >= 3:
            headline, why = first[:i].strip(), first[i + 1 :].strip().rstrip(".")
            break
    if len(headline) > LONG_HEADLINE:
        # Still long: the consequence ("…, so …") or a closing parenthesis belongs to why.
        flags = top[: len(headline)]
        at = next((i for i in range(len(headline)) if flags[i] and headline.startswith(", so ", i)), -1)
        if at > 0:
            headline, why = headline[:at], headline[at + 2 :] + (f"; {why}" if why else "")
        elif headline.endswith(")"):
            depth = 0
            for i in range(len(headline) - 1, -1, -1):
                depth += {")": 1, "(": -1}.get(headline[i], 0)
                if depth == 0:
                    inner = headline[i + 1 : -1]
                    headline = headline[:i].rstrip()
                    why = inner + (f"; {why}" if why else "")
                    break
    return Explanation(headline, why, fix)
