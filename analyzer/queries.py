"""Loading and compiling the tree-sitter queries in ``queries/<language>/*.scm``.

Queries are compiled once per scan. A query file may declare the raw tokens a file must contain for the
query to match anything, in a comment line ``; prefilter: token …``; the prefilter takes its token list
from these lines, so there is no second, hand-kept list.

Everything a query returns is put in document order here, before any extractor reads it: captures by
position (outer node first when two start together), matches by the position of their captures. The order
tree-sitter's cursor yields is an implementation detail; a fact that depends on it would make two runs of
the same scan disagree. ``tests/test_determinism.py`` shuffles the cursor's output to prove nothing does.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import tree_sitter

from analyzer import languages


def query_dir() -> Path:
    """The queries shipped in the wheel (``analyzer/queries``), else the repository's ``queries/``."""
    packaged = resources.files("analyzer") / "queries"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parent.parent / "queries"


# Patterns never start deeper than this in a tree. Real code nests a few dozen levels; pathological input
# (50,000 nested closures) makes tree-sitter's query cursor superlinear without the bound.
MAX_START_DEPTH = 1000


def _cursor(query: tree_sitter.Query) -> tree_sitter.QueryCursor:
    cursor = tree_sitter.QueryCursor(query)
    cursor.set_max_start_depth(MAX_START_DEPTH)
    return cursor


@dataclass(frozen=True)
class CompiledQuery:
    language: str
    name: str
    query: tree_sitter.Query
    prefilter: tuple[str, ...]  # empty: the query is not an anchor for the prefilter

    def captures(self, node) -> dict[str, list]:
        """Captured nodes by capture name, each list in document order (names sorted too)."""
        raw = _cursor(self.query).captures(node)
        return {name: sorted(raw[name], key=node_order) for name in sorted(raw)}

    def matches(self, node) -> list[tuple[int, dict[str, list]]]:
        """Matches in document order of their captures (then by pattern), each capture list in order."""
        ordered = []
        for pattern, captured in _cursor(self.query).matches(node):
            captured = {name: sorted(captured[name], key=node_order) for name in sorted(captured)}
            ordered.append((pattern, captured))
        ordered.sort(key=_match_order)
        return ordered


def node_order(node) -> tuple[int, int, str]:
    """Document order: start first, the enclosing node before a child that starts at the same byte."""
    return (node.start_byte, -node.end_byte, node.type)


def _match_order(match: tuple[int, dict[str, list]]) -> tuple:
    pattern, captured = match
    positions = sorted(node_order(n) for nodes in captured.values() for n in nodes)
    return (positions, pattern, sorted(captured))


def _prefilter_tokens(text: str) -> tuple[str, ...]:
    tokens: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith(";") and stripped.lstrip("; ").startswith("prefilter:"):
            tokens.extend(stripped.split("prefilter:", 1)[1].split())
    return tuple(tokens)


@cache
def load(language: str, name: str) -> CompiledQuery:
    """Compile ``queries/<language>/<name>.scm`` (cached for the life of the process)."""
    path = query_dir() / languages.query_family(language) / f"{name}.scm"
    text = path.read_text(encoding="utf-8")
    # ``js`` names the family; its queries are compiled for each JS grammar a file is parsed with.
    grammar = "javascript" if language == "js" else language
    query = tree_sitter.Query(languages.get(grammar), text)
    return CompiledQuery(language, name, query, _prefilter_tokens(text))


def available(language: str) -> list[str]:
    return sorted(p.stem for p in (query_dir() / languages.query_family(language)).glob("*.scm"))
