"""How WPR005 and WPR006 describe what an open write route exposes (RULES.md "How loud").

The level policy is each rule's own; the phrases about effects and credentials are shared here so both rules
say the same thing the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

from analyzer import wordpress_effects as wpe
from analyzer.exposure import Exposure
from analyzer.findings import Related, ref
from analyzer.source import printable_path

INTAKE_ADVICE = (
    "validate and sanitize every field, rate-limit it, and if only logged-in users submit it, send and check a nonce"
)


@dataclass
class Phrases:
    """Message parts for one finding, collecting the related locations they link to."""

    related: list[Related]

    def link(self, span, label: str, note: str) -> str:
        self.related.append(Related(span, note))
        return ref(len(self.related), label)


def _effect(phrases: Phrases, exposure: Exposure) -> str:
    worst = exposure.worst
    assert worst is not None
    label = worst.what
    link = phrases.link(worst.span, label, f"{label}: {worst.why}" if worst.why else label)
    if worst.cls == wpe.PRIVILEGED:
        why = f" ({worst.why})" if worst.why else ""
        return f"the callback reaches {link}{why}"
    return f"the callback reaches {link}, which the analyzer cannot follow ({worst.why})"


def reach(phrases: Phrases, exposure: Exposure, who: str = "anonymous visitors") -> str:
    """'the callback reaches update_option() (…): anonymous visitors can change site options'."""
    worst = exposure.worst
    if worst is None:
        return "the callback changes nothing"
    text = _effect(phrases, exposure)
    if worst.cls == wpe.PRIVILEGED:
        text += f": {who} can {wpe.AREAS.get(worst.area, 'change the site')}"
    return text


def intake(phrases: Phrases, exposure: Exposure) -> str:
    """What a public-intake route does: 'only writes the plugin's own records (…)' or 'changes nothing'."""
    own = exposure.unprotected.of(wpe.OWN)
    if not own:
        return "the callback changes no state"
    first = own[0]
    link = phrases.link(first.span, first.what, f"{first.what}: {first.why}" if first.why else first.what)
    more = f" and {len(own) - 1} more" if len(own) > 1 else ""
    why = f", {first.why}" if first.why else ""
    return f"the callback only writes the plugin's own records ({link}{why}{more})"


def credential(phrases: Phrases, exposure: Exposure) -> str:
    check = exposure.credential
    assert check is not None
    return phrases.link(check.span, check.description, f"the request is refused unless {check.description} passes")


def not_a_secret(phrases: Phrases, exposure: Exposure) -> str:
    """' Its check hash_equals() … compares with a value printed to every visitor (…), so it stops no one.'"""
    check = exposure.printed_secret
    if check is None:
        return ""
    link = phrases.link(check.span, check.description, f"{check.description}: no secret")
    if check.kind == "bypass":
        return (
            f" The check {link} tests the route case-sensitively, but core matches routes regardless of case, so the "
            f"same route spelled in capitals skips it; compare with stripos() or strtolower() of the route."
        )
    if check.kind == "printed" and check.printed is not None:
        where = phrases.link(check.printed, check.printed_how, "the same value, handed to every visitor")
        return f" The callback's check {link} compares with a value the plugin hands to every visitor ({where}), so it stops no one."
    return f" The callback's check {link} compares with a value anyone can read in the plugin's source, so it stops no one."


def login_only(phrases: Phrases, exposure: Exposure) -> str:
    check = exposure.login_check
    if check is None or exposure.cls != wpe.PRIVILEGED:
        return ""
    return f" ({phrases.link(check.span, check.description, 'a login check: every subscriber passes it')} only keeps out visitors without an account)"


def where(span) -> str:
    return f"{printable_path(span.path)}:{span.line}"
