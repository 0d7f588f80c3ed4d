"""Which rules run. Rules are named by code (``WPR005``), prefix (``WPR00``), name (``public-write-route``)
or ``ALL``, on the command line, in the configuration and in suppression comments.

Layers compose as ruff's do: the configuration first, then the command line. In each layer ``select``
replaces what the layers before it enabled, ``extend-select`` adds to it and ``ignore`` removes from it —
unless the same layer selects the rule with a more specific pattern (``select = ["WPR005"]`` with
``ignore = ["WPR00"]`` keeps WPR005).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from analyzer import rules as registry

ALL = "ALL"


class UnknownRule(ValueError):
    """A token that names no rule; the message says which and suggests the nearest."""


def _codes() -> list[str]:
    return [m.RULE.code for m in registry.REGISTRY]


def _names() -> dict[str, str]:
    return {m.RULE.name: m.RULE.code for m in registry.REGISTRY}


def did_you_mean(word: str, candidates: list[str]) -> str:
    """`` (did you mean 'X'?)`` for the nearest candidate, or an empty string."""
    close = difflib.get_close_matches(word, candidates, n=1, cutoff=0.6)
    if not close:
        lowered = {c.lower(): c for c in candidates}
        close = [lowered[c] for c in difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.6)]
    return f" (did you mean '{close[0]}'?)" if close else ""


def resolve(token: str) -> str:
    """The code or code prefix a token stands for (``ALL`` for every rule); UnknownRule if none."""
    word = token.strip()
    if word.upper() == ALL:
        return ALL
    names = _names()
    if word.lower() in names:
        return names[word.lower()]
    code = word.upper()
    if code and any(c.startswith(code) for c in _codes()):
        return code
    raise UnknownRule(f"unknown rule {word!r}{did_you_mean(word, _codes() + list(names))}")


def split(value: str) -> list[str]:
    """Tokens of a comma or space separated list."""
    return [t for t in value.replace(",", " ").split() if t]


def matches(code: str, pattern: str) -> bool:
    return pattern == ALL or code.startswith(pattern)


@dataclass(frozen=True)
class Layer:
    """One source's choice (the configuration file, the command line), as resolved codes or prefixes."""

    select: tuple[str, ...] | None = None  # None: keep what the layers before enabled
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()


def _specificity(code: str, patterns: tuple[str, ...]) -> int:
    """Length of the longest pattern matching ``code`` (ALL is the least specific); -1 when none does."""
    return max((0 if p == ALL else len(p) for p in patterns if matches(code, p)), default=-1)


def enabled(layers: list[Layer]) -> list[str]:
    """The codes of the rules that run, in registry order."""
    on = set(_codes())
    for layer in layers:
        chosen = {c for c in _codes() if any(matches(c, p) for p in layer.select)} if layer.select is not None else set(on)
        chosen |= {c for c in _codes() if any(matches(c, p) for p in layer.extend_select)}
        selecting = (layer.select or ()) + layer.extend_select
        for code in list(chosen):
            ignored = _specificity(code, layer.ignore)
            if ignored >= 0 and ignored >= _specificity(code, selecting):
                chosen.discard(code)
        on = chosen
    return [c for c in _codes() if c in on]
