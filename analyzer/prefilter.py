"""Skip files that cannot hold a fact any enabled rule needs, by a plain substring search on raw bytes.

The tokens come from the ``; prefilter:`` lines of the queries the enabled rules declare. A plain ``in`` per
token is several times faster than one regex alternation over a whole file.
"""

from __future__ import annotations

from collections.abc import Iterable
from types import ModuleType

from analyzer import queries


def tokens_for(rules: Iterable[ModuleType], family: str = "php") -> tuple[bytes, ...]:
    """The tokens of the ``family`` queries (``php`` or ``js``) the rules declare."""
    tokens: set[bytes] = set()
    for rule in rules:
        for spec in rule.RULE.queries:
            language, _, name = spec.partition("/")
            if language != family:
                continue
            tokens.update(t.encode() for t in queries.load(language, name).prefilter)
    return tuple(sorted(tokens))


def passes(data: bytes, tokens: tuple[bytes, ...]) -> bool:
    return any(token in data for token in tokens)


# A JS text that makes a request or writes storage (the requests query's first tokens, for inline scripts).
JS_TRANSPORTS = (b"fetch", b"ajax", b"axios", b"XMLHttpRequest", b"apiFetch", b"apiRequest", b".post(", b".get(", b"localStorage", b"sessionStorage", b"cookie")

# What makes a JS file that sends requests worth parsing: it names a nonce or the REST API.
JS_RELEVANCE = (b"nonce", b"Nonce", b"NONCE", b"wp-json", b"rest_route", b"rest_url", b"apiFetch", b"api-fetch", b"apiRequest", b"wpApiSettings")


def js_relevance_needles(localized_names: Iterable[str], namespaces: Iterable[str]) -> tuple[bytes, ...]:
    """JS_RELEVANCE plus the globals the plugin's PHP prints and its REST namespaces."""
    extra = {name.encode() for name in localized_names if name} | {ns.encode() for ns in namespaces if ns}
    return tuple(sorted(set(JS_RELEVANCE) | extra))


def js_importers(candidates: list[tuple[str, bytes]], parsed) -> list[tuple[str, bytes]]:
    """The candidate JS files that may import what a parsed file exports (by the exporter's file name in an
    import specifier) or use a property a parsed file installs on every component (``this.$http``)."""
    import posixpath

    needles: set[bytes] = set()
    for facts in parsed:
        if facts.exports:
            stem = posixpath.splitext(posixpath.basename(facts.path))[0].encode()
            if stem == b"index":
                stem = posixpath.basename(posixpath.dirname(facts.path)).encode()
            needles.update(b"/" + stem + end for end in (b"'", b'"', b".", b"/"))
        needles.update(b"." + name.encode() for name, _ in facts.installs)
    if not needles:
        return []
    ordered = tuple(sorted(needles))
    return [(rel, data) for rel, data in candidates if passes(data, ordered)]
