"""Inline-annotated fixture plugins, checked both ways.

A fixture case is a directory holding a small plugin. Its comments carry the expectations:

    'permission_callback' => '__return_true',   // expect: WPR005
    'permission_callback' => '__return_true',   // expect: WPR005:note
    'permission_callback' => 'acme_can_edit',   // ok: WPR005, WPR016

``expect: CODE[:level]`` — a finding of CODE, at that level (default: the rule's level), starts on this line.
``ok: CODE`` — a look-alike: no finding of CODE on this line, and the line must hold something the model
knows about (a route, a permission callback, a hook), so an ``ok`` cannot pass by pointing at nothing.

Every expectation must be reported and every reported finding must be expected.

A case whose source users read (the demo plugin) keeps its annotations out of it, in ``<case>.expect``
beside the directory: one ``PATH:LINE  expect: CODE | text of that line`` per line (see that file).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import tree_sitter

from analyzer import languages, source, suppressions
from analyzer.js import inline, sfc
from analyzer.rules import BY_CODE
from analyzer.scan import ScanResult, scan
from analyzer.source import SourceFile

_DIRECTIVE = re.compile(r"\b(expect|ok):\s*((?:WPR\d{3}(?::(?:error|warning|note))?\s*,?\s*)+)")
_ITEM = re.compile(r"(WPR\d{3})(?::(error|warning|note))?")


@dataclass(frozen=True, order=True)
class Expectation:
    path: str
    line: int
    code: str
    level: str


@dataclass
class Annotations:
    expected: set[Expectation]
    ok: set[tuple[str, int, str]]


def _comments(tree: tree_sitter.Tree):
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        if node.type == "comment":
            yield node
            continue
        stack.extend(node.children)


def _string_comments(tree: tree_sitter.Tree) -> list[tuple[bytes, int]]:
    """``// expect: …`` written as a JS comment inside a PHP heredoc or string (browser code in PHP)."""
    found = []
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        if node.type in ("heredoc_body", "nowdoc_body", "string_content", "string"):
            for offset, line in enumerate(node.text.split(b"\n")):
                at = line.find(b"// ")
                if at != -1 and _DIRECTIVE.search(line[at:].decode("utf-8", "replace")):
                    found.append((line[at:], node.start_point[0] + 1 + offset))
            continue
        stack.extend(node.children)
    return found


def read_annotations(case: Path) -> Annotations:
    expected: set[Expectation] = set()
    ok: set[tuple[str, int, str]] = set()
    for path in sorted(case.rglob("*")):
        if not path.is_file():
            continue
        language = languages.language_of(path.name)
        if language is None:
            continue
        rel = path.relative_to(case).as_posix()
        data, _ = source.to_utf8(path.read_bytes())  # as the scan reads it (UTF-16 fixtures)
        if language in languages.SCRIPT_LANGUAGES:  # Python and shell: '#' comments
            comments = [(span.line, text) for span, text in suppressions.hash_comments(SourceFile(rel, data), language)]
            _collect(comments, rel, expected, ok)
            continue
        if language in sfc.LANGUAGES:  # a component: the comments of its <script> blocks
            data, language = sfc.script_source(data)
        trees = [languages.parser(language).parse(data)]
        if language == "php" and inline.script_source(data) is not None:  # comments inside inline <script>
            trees.append(languages.parser("javascript").parse(inline.script_source(data)))
        texts = [(c.text, c.start_point[0] + 1) for tree in trees for c in _comments(tree)]
        if language == "php":  # JS comments inside heredocs and strings that hold browser code
            texts += _string_comments(trees[0])
        comments = [(line, raw.decode("utf-8", "replace")) for raw, line in texts]
        _collect(comments, rel, expected, ok)
    _read_expect_file(case, expected, ok)
    return Annotations(expected, ok)


def _collect(comments: list[tuple[int, str]], rel: str, expected: set[Expectation], ok: set[tuple[str, int, str]]) -> None:
    for line, text in comments:
        for kind, items in _DIRECTIVE.findall(text):
            for code, level in _ITEM.findall(items):
                if code not in BY_CODE:
                    raise AssertionError(f"{rel}:{line}: annotation names unknown rule {code}")
                if kind == "expect":
                    expected.add(Expectation(rel, line, code, level or BY_CODE[code].RULE.level))
                else:
                    ok.add((rel, line, code))


_EXPECT_LINE = re.compile(r"^(?P<path>\S+):(?P<line>\d+)\s+(?P<annotation>(?:expect|ok):[^|]*)\|\s*(?P<text>.*?)\s*$")


def _read_expect_file(case: Path, expected: set[Expectation], ok: set[tuple[str, int, str]]) -> None:
    """Annotations kept beside the case (``<case>.expect``), each checked against the line it names."""
    listing = case.parent / f"{case.name}.expect"
    if not listing.is_file():
        return
    for number, raw in enumerate(listing.read_text(encoding="utf-8").splitlines(), 1):
        if not raw.strip() or raw.startswith("#"):
            continue
        match = _EXPECT_LINE.match(raw)
        if match is None:
            raise AssertionError(f"{listing.name}:{number}: not 'PATH:LINE  expect: CODE  |  text of the line'")
        rel, line = match.group("path"), int(match.group("line"))
        lines = (case / rel).read_text(encoding="utf-8").splitlines()
        holds = lines[line - 1].strip() if 0 < line <= len(lines) else "(no such line)"
        if holds != match.group("text"):
            raise AssertionError(f"{listing.name}:{number}: {rel}:{line} should hold {match.group('text')!r}, it holds {holds!r}")
        _collect([(line, match.group("annotation"))], rel, expected, ok)


def check_case(case: Path) -> tuple[ScanResult, list[str]]:
    """Scan ``case`` and return the result with every mismatch, described for a developer."""
    annotations = read_annotations(case)
    result = scan([case])
    problems = [f"{e.path}: scan error: {e.message}" for e in result.errors]
    actual = {Expectation(f.span.path, f.span.line, f.code, f.level): f for f in result.findings}
    for missing in sorted(annotations.expected - set(actual)):
        problems.append(f"{missing.path}:{missing.line}: expected {missing.code} [{missing.level}], not reported")
    for extra in sorted(set(actual) - annotations.expected):
        problems.append(
            f"{extra.path}:{extra.line}: unexpected {extra.code} [{extra.level}]: {actual[extra].plain_message()}"
        )
    fact_lines = set().union(*(plugin.model.fact_lines() for plugin in result.plugins if plugin.model is not None))
    for path, src in result.sources.items():  # a suppression comment is something to mark ok, too
        fact_lines.update((path, s.span.line) for s in suppressions.find(src))
    for path, line, code in sorted(annotations.ok):
        if (path, line) not in fact_lines:
            problems.append(f"{path}:{line}: 'ok: {code}' is on a line the model holds no fact about")
    return result, problems
