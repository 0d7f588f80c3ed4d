"""Inline suppressions, read from comment nodes (``//``, ``#`` and ``/* */`` in PHP; ``//`` and ``/* */`` in JS/TS;
``#`` in Python and shell scripts).

    'permission_callback' => '__return_true', // wp-rest-lint: ignore WPR005 -- public contact form
    // wp-rest-lint: ignore WPR006 -- registered for WP_DEBUG only          (covers the next line)
    /* wp-rest-lint: ignore-file WPR009 -- legacy endpoints, tracked in #123 */

A directive names one or more rules — codes, prefixes or names (``public-write-route``); the filter step
resolves them, refuses a directive that names none and reports a name that is no rule (WPR901). The text
after ``--`` is the reason.
"""

from __future__ import annotations

import io
import re
import tokenize
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
    if language in languages.SCRIPT_LANGUAGES:
        return _directives(hash_comments(source, language))
    return from_tree(source, languages.parser(language).parse(source.data).root_node, language)


_SHELL_COMMENT = re.compile(r"(?:^|(?<=[\s;|&]))#.*$")


def hash_comments(source: SourceFile, language: str) -> list[tuple[Span, str]]:
    """The ``#`` comments of a Python or shell script, with their spans (Python's tokenizer for Python, so a
    ``#`` inside a string is not a comment; a line scan where the tokenizer gives up, and for shell)."""
    text = source.data.decode("utf-8", "replace")
    found: list[tuple[Span, str]] = []
    if language == "python":
        try:
            for token in tokenize.generate_tokens(io.StringIO(text).readline):
                if token.type == tokenize.COMMENT:
                    (row, col), (erow, ecol) = token.start, token.end
                    found.append((Span(source.path, row, col + 1, erow, ecol + 1), token.string))
            return found
        except (tokenize.TokenError, SyntaxError, ValueError):
            found = []
    for row, line in enumerate(text.split("\n"), 1):
        match = _SHELL_COMMENT.search(line)
        if match:
            found.append((Span(source.path, row, match.start() + 1, row, match.end() + 1), match.group(0)))
    return found


def from_tree(source: SourceFile, root, language: str = "php") -> list[Suppression]:
    """Suppression directives in a tree already parsed (extraction calls this, so no file is parsed twice)."""
    if TOKEN not in source.data:
        return []
    comments = queries.load(language, "comments").captures(root).get("comment", [])
    return _directives([(source.span_of(node), node.text.decode("utf-8", "replace")) for node in comments])


def _directives(comments: list[tuple[Span, str]]) -> list[Suppression]:
    found = []
    for span, text in comments:
        for match in _DIRECTIVE.finditer(text):
            rest = match.group("rest").rstrip().removesuffix("*/").rstrip()
            spec, _, reason = rest.partition("--")
            tokens = tuple(t for t in re.split(r"[\s,]+", spec.strip()) if t)
            found.append(
                Suppression(
                    span=span,
                    file_level=match.group("kind") == "ignore-file",
                    codes=(),
                    reason=reason.strip(),
                    text=match.group(0).strip().removesuffix("*/").strip(),
                    tokens=tokens,
                )
            )
    return found
