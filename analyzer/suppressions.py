"""Inline suppressions, read from comment nodes (``//``, ``#`` and ``/* */`` in PHP; ``//`` and ``/* */`` in JS/TS).

    'permission_callback' => '__return_true', // wp-rest-lint: ignore WPR005 -- public contact form
    // wp-rest-lint: ignore WPR006 -- registered for WP_DEBUG only          (covers the next line)
    /* wp-rest-lint: ignore-file WPR009 -- legacy endpoints, tracked in #123 */

A directive names one or more rules — codes, prefixes or names (``public-write-route``); the filter step
resolves them, refuses a directive that names none and reports a name that is no rule (WPR901). The text
after ``--`` is the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from analyzer import languages, queries
from analyzer.source import SourceFile, Span

TOKEN = queries.load("php", "comments").prefilter[0].encode()  # b"wp-rest-lint:"
_DIRECTIVE = re.compile(r"wp-rest-lint:\s*(?P<kind>ignore-file|ignore)\b(?P<rest>[^\n]*)")


@dataclass(frozen=True)
class Suppression:
    span: Span  # the comment
    file_level: bool
    codes: tuple[str, ...]  # the rules it suppresses (codes or prefixes); empty: suppresses nothing
    reason: str
    text: str  # the directive as written, for messages
    tokens: tuple[str, ...] = ()  # the rules as written; the filter step resolves them into ``codes``

    def covers(self, path: str, line: int, code: str) -> bool:
        if path != self.span.path or not any(code.startswith(c) for c in self.codes):
            return False
        return self.file_level or line in (self.span.line, self.span.end_line + 1)


def find(source: SourceFile) -> list[Suppression]:
    """Suppression directives in the comments of one file that was not parsed for facts."""
    if TOKEN not in source.data:
        return []
    language = languages.language_of(source.path) or "php"
    return from_tree(source, languages.parser(language).parse(source.data).root_node, language)


def from_tree(source: SourceFile, root, language: str = "php") -> list[Suppression]:
    """Suppression directives in a tree already parsed (extraction calls this, so no file is parsed twice)."""
    if TOKEN not in source.data:
        return []
    found = []
    for node in queries.load(language, "comments").captures(root).get("comment", []):
        text = node.text.decode("utf-8", "replace")
        for match in _DIRECTIVE.finditer(text):
            rest = match.group("rest").rstrip().removesuffix("*/").rstrip()
            spec, _, reason = rest.partition("--")
            tokens = tuple(t for t in re.split(r"[\s,]+", spec.strip()) if t)
            found.append(
                Suppression(
                    span=source.span_of(node),
                    file_level=match.group("kind") == "ignore-file",
                    codes=(),
                    reason=reason.strip(),
                    text=match.group(0).strip().removesuffix("*/").strip(),
                    tokens=tokens,
                )
            )
    return found
