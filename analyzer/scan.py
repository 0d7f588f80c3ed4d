"""The pipeline: discover → prefilter → parse and extract facts → plugin model → rules → filter.

``scan()`` is the one entry point; the CLI, the benchmark and the tests all call it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from analyzer import languages, prefilter, rules as rule_registry
from analyzer.discover import discover
from analyzer.findings import Finding
from analyzer.model import PluginModel
from analyzer.php import ir
from analyzer.parse import PhpParser
from analyzer.source import SourceFile

MAX_DEMAND_ROUNDS = 6


@dataclass(frozen=True)
class ScanError:
    """A file (or directory) the scan could not read or parse; the scan went on without it."""

    path: str
    message: str


@dataclass
class ScanStats:
    files_seen: int = 0  # files discovered with an extension the analyzer reads
    files_passed: int = 0  # of those, files holding a prefilter token
    files_parsed: int = 0  # files parsed: prefilter hits plus files parsed for a definition they hold
    bytes_parsed: int = 0


@dataclass
class ScanResult:
    root: Path
    findings: list[Finding]
    errors: list[ScanError]
    stats: ScanStats
    rules: tuple[ModuleType, ...]
    sources: dict[str, SourceFile] = field(default_factory=dict)  # parsed files, for snippets and columns
    model: PluginModel | None = None


@dataclass(frozen=True)
class ScanOptions:
    select: list[str] | None = None
    ignore: list[str] | None = None
    exclude: list[str] | None = None


class _Parsed:
    """Parsed files and their facts, growing as the model asks for more definitions."""

    def __init__(self, result: ScanResult) -> None:
        self.result = result
        self.parser = PhpParser()
        self.facts: list[ir.PhpFacts] = []

    def add(self, rel: str, data: bytes) -> None:
        source = SourceFile(rel, data)
        try:
            facts = self.parser.facts(source)
        except Exception as error:  # one odd file must not cost the findings of every other file
            self.result.errors.append(ScanError(rel, f"could not analyse this file ({type(error).__name__}: {error})"))
            return
        self.result.sources[rel] = source
        self.result.stats.files_parsed += 1
        self.result.stats.bytes_parsed += len(data)
        self.facts.append(facts)


def _demand_needles(demands: set[tuple[str, str]]) -> tuple[bytes, ...]:
    """Plain substrings one of which a file answering ``demands`` contains (lower-cased source)."""
    needles: set[bytes] = set()
    for kind, name in demands:
        n = name.encode()
        if kind == "define":
            needles.update([b"function " + n, b"function &" + n, b"class " + n, b"trait " + n, b"interface " + n])
            needles.update([b"const " + n, b"'" + n + b"'", b'"' + n + b'"'])
        elif kind == "call":
            needles.add(n + b"(")
        elif kind == "extends":
            needles.update([b"extends " + n, b"\\" + n])
    return tuple(sorted(needles))


class _DemandMatcher:
    """The exact shapes of what the demands ask for, checked on the few files the needles let through.

    Each pattern starts with a literal (``function``, ``class``, ``define``, ``extends`` …) so the regex
    engine can skip ahead; one alternation over everything would try every position of a file.
    """

    def __init__(self, demands: set[tuple[str, str]]) -> None:
        def names(kind: str) -> bytes:
            return b"|".join(re.escape(n.encode()) for k, n in sorted(demands) if k == kind)

        self.patterns: list[re.Pattern[bytes]] = []
        defined = names("define")
        if defined:
            for keyword in (rb"function\s+&?", rb"class\s+", rb"trait\s+", rb"interface\s+", rb"const\s+"):
                self.patterns.append(re.compile(keyword + rb"(?:" + defined + rb")\b"))
            self.patterns.append(re.compile(rb"define\s*\(\s*['\"]\\?(?:" + defined + rb")['\"]"))
        extended = names("extends")
        if extended:
            self.patterns.append(re.compile(rb"extends\s+\\?(?:[\w\\]+\\)?(?:" + extended + rb")\b"))
        self.calls = [n.encode() + b"(" for k, n in sorted(demands) if k == "call"]

    def matches(self, low: bytes) -> bool:
        if any(pattern.search(low) for pattern in self.patterns):
            return True
        for needle in self.calls:  # name( not preceded by a name character or $
            at = low.find(needle)
            while at != -1:
                before = low[at - 1 : at]
                if not (before.isalnum() or before in (b"_", b"$")):
                    return True
                at = low.find(needle, at + 1)
        return False


def _read_libraries(discovery) -> dict[str, bytes]:
    found: dict[str, bytes] = {}
    for rel in discovery.library_files:
        try:
            found[rel] = (discovery.root / rel).read_bytes()
        except OSError:
            continue  # a library file we cannot read only matters if asked for; skip it quietly
    return found


def scan(paths: list[Path], options: ScanOptions | None = None) -> ScanResult:
    """Scan a plugin (the PATHs) and return findings sorted by path, line, column and code."""
    options = options or ScanOptions()
    enabled = rule_registry.select(options.select, options.ignore)
    discovery = discover(paths, options.exclude)
    result = ScanResult(discovery.root, [], [ScanError(p, m) for p, m in discovery.problems], ScanStats(), enabled)
    tokens = prefilter.tokens_for(enabled)
    parsed = _Parsed(result)

    pending: dict[str, bytes] = {}  # read but not parsed: candidates for demand-driven parsing
    for rel in discovery.files:
        if languages.language_of(rel) != "php":
            continue
        result.stats.files_seen += 1
        try:
            data = (discovery.root / rel).read_bytes()
        except OSError as error:
            result.errors.append(ScanError(rel, f"cannot read: {error.strerror or error}"))
            continue
        if tokens and prefilter.passes(data, tokens):
            result.stats.files_passed += 1
            parsed.add(rel, data)
        else:
            pending[rel] = data

    # Library code (vendor/) that registers routes or hooks is parsed like the plugin's own, because the
    # plugin's calls into it carry the routes; the rest of it only when a definition is asked for.
    for rel, data in _read_libraries(discovery).items():
        if tokens and prefilter.passes(data, tokens):
            parsed.add(rel, data)
        else:
            pending[rel] = data

    model = PluginModel(parsed.facts)

    # Demand-driven: parse the files that define what the anchors refer to (a permission callback in
    # another file, a constant, a parent class), call a route-registering wrapper, or extend a class that
    # registers routes; then resolve again.
    lowered: dict[str, bytes] = {}
    searched: set[tuple[str, str]] = set()  # demands already looked for in every pending file
    for _ in range(MAX_DEMAND_ROUNDS):
        if not parsed.facts or not pending:
            break
        wanted = model.demands() - searched
        if not wanted:
            break
        searched |= wanted
        needles = _demand_needles(wanted)
        matcher = None
        added = False
        for rel in sorted(pending):
            low = lowered.get(rel)
            if low is None:
                low = lowered[rel] = pending[rel].lower()
            if not any(needle in low for needle in needles):
                continue
            # Confirm with the exact shapes, on the few files the substrings let through.
            matcher = matcher or _DemandMatcher(wanted)
            if matcher.matches(low):
                parsed.add(rel, pending.pop(rel))
                lowered.pop(rel, None)
                added = True
        if not added:
            break
        model = PluginModel(parsed.facts)

    # Library code (vendor/) was read for its definitions; what it registers is reported at the plugin's
    # own lines (the route table, the permission callback), never inside the library.
    result.model = model
    library_paths = set(discovery.library_files)
    result.errors.extend(ScanError(path, message) for path, message in model.errors)
    findings: set[Finding] = set()
    for rule in enabled:
        try:
            findings.update(rule.check(model))
        except Exception as error:  # a failing rule must not cost the other rules' findings
            result.errors.append(ScanError(".", f"rule {rule.RULE.code} failed ({type(error).__name__}: {error})"))
    result.findings = sorted((f for f in findings if f.span.path not in library_paths), key=lambda f: f.sort_key)
    result.errors.sort(key=lambda e: (e.path, e.message))
    return result
