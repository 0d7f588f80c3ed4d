"""The same scan gives the same bytes, whatever order tree-sitter yields captures in and whatever hash seed
the interpreter runs with.

The first test makes every query cursor return its captures and matches shuffled (names, lists and match
order) and checks that the JSON and SARIF of every fixture are byte-identical to an unshuffled scan: the
order is imposed in ``analyzer.queries`` and nothing downstream may depend on the cursor's. The second runs a
fixture whose names are assigned on several branches twenty times, in fresh interpreters with different
``PYTHONHASHSEED`` values, and compares the bytes.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from analyzer import queries
from analyzer.formatters import OutputContext, render
from analyzer.scan import scan

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
CASES = sorted(
    [FIXTURES / "demo-plugin", *(p for p in (FIXTURES / "plugins").glob("*") if p.is_dir()), *(p for p in (FIXTURES / "rules").glob("*/*") if p.is_dir())]
)
MULTI_BRANCH = FIXTURES / "rules" / "WPR009" / "branch-values-fallback"


class _ShuffledCursor:
    def __init__(self, cursor, rng: random.Random) -> None:
        self.cursor = cursor
        self.rng = rng

    def _shuffled(self, items: list) -> list:
        items = list(items)
        self.rng.shuffle(items)
        return items

    def captures(self, node) -> dict[str, list]:
        raw = self.cursor.captures(node)
        return {name: self._shuffled(raw[name]) for name in self._shuffled(list(raw))}

    def matches(self, node) -> list:
        raw = self.cursor.matches(node)
        return self._shuffled([(pattern, {name: self._shuffled(c[name]) for name in self._shuffled(list(c))}) for pattern, c in raw])


def _outputs(case: Path) -> tuple[str, str]:
    result = scan([case])
    context = OutputContext()
    return render("json", result, context), render("sarif", result, context)


def test_the_shuffle_really_reorders(monkeypatch: pytest.MonkeyPatch) -> None:
    """Guard for the test below: the patched cursor does change what the raw cursor returns."""
    from analyzer import languages

    code = b"fetch( a ); fetch( b ); fetch( c ); fetch( d ); fetch( e ); fetch( f );"
    tree = languages.parser("javascript").parse(code)
    query = queries.load("javascript", "requests").query
    plain = [n.start_byte for n in queries._cursor(query).captures(tree.root_node)["call"]]
    rng = random.Random(3)
    shuffled = [n.start_byte for n in _ShuffledCursor(queries._cursor(query), rng).captures(tree.root_node)["call"]]
    assert sorted(plain) == sorted(shuffled) and plain != shuffled
    original = queries._cursor
    monkeypatch.setattr(queries, "_cursor", lambda q: _ShuffledCursor(original(q), rng))
    assert [n.start_byte for n in queries.load("javascript", "requests").captures(tree.root_node)["call"]] == sorted(plain)


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.relative_to(FIXTURES).as_posix())
def test_shuffled_captures_give_byte_identical_reports(case: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = _outputs(case)
    original = queries._cursor
    for seed in (1, 2):
        rng = random.Random(seed)
        monkeypatch.setattr(queries, "_cursor", lambda q, rng=rng: _ShuffledCursor(original(q), rng))
        assert _outputs(case) == expected, f"seed {seed}"
        monkeypatch.setattr(queries, "_cursor", original)


def test_a_multi_branch_fixture_gives_the_same_bytes_in_twenty_runs() -> None:
    assert MULTI_BRANCH.is_dir()
    outputs = set()
    for run in range(20):
        env = {**os.environ, "PYTHONHASHSEED": str(run * 7919 + 1)}
        completed = subprocess.run(
            [sys.executable, "-m", "analyzer", "scan", str(MULTI_BRANCH), "--format", "sarif", "--fail-on", "never"],
            capture_output=True,
            env=env,
            check=True,
        )
        outputs.add(completed.stdout)
    assert len(outputs) == 1
    assert b"WPR009" in next(iter(outputs))
