"""The pipeline: discover → prefilter → parse and extract facts → plugin model → rules → filter.

``scan()`` is the one entry point; the CLI, the benchmark and the tests all call it. Nothing a scanned file
contains can stop it: a file that cannot be read, is binary, too large or trips the extractor is reported
(``ScanResult.errors``) and every other file is still analysed.
"""

from __future__ import annotations

import dataclasses
import re
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from analyzer import baseline as baseline_module
from analyzer import bundles, filters, languages, prefilter, suppressions
from analyzer import rules as rule_registry
from analyzer.config import Config
from analyzer.discover import DEFAULT_EXCLUDES, discover
from analyzer.findings import Finding
from analyzer.js import extract as js_extract
from analyzer.js import inline
from analyzer.js import ir as js_ir
from analyzer.model import PluginModel
from analyzer.parse import PhpParser
from analyzer.php import ir
from analyzer.php.extract import MAX_DEPTH
from analyzer.source import SourceFile

MAX_DEMAND_ROUNDS = 6
MIB = 1024 * 1024
DEFAULT_MAX_FILE_SIZE = 4 * MIB  # 12x the largest PHP file of WordPress core; generated blobs are not worth parsing
PENDING_MEMORY = 128 * MIB  # unparsed files kept in memory for the demand search; the rest is re-read
_LONE_CR = re.compile(rb"\r(?!\n)")


@dataclass(frozen=True)
class ScanError:
    """A file (or directory) the scan could not read or fully analyse; the scan went on without it."""

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
    suppressed: int = 0  # findings hidden by inline suppressions or per-path ignores
    baselined: int = 0  # findings matched by the baseline
    stale: list[baseline_module.Entry] = field(default_factory=list)  # baseline entries that matched nothing
    bundles_skipped: list[str] = field(default_factory=list)  # compiled copies not analysed (sources were)


@dataclass(frozen=True)
class ScanOptions:
    select: list[str] | None = None
    ignore: list[str] | None = None
    exclude: list[str] | None = None
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    jobs: int = 1  # processes parsing files; the result is the same for any value
    config: Config | None = None  # per-path ignores and the exclude list come from here
    baseline: list[baseline_module.Entry] | None = None
    report_only: frozenset[str] | None = None  # report findings in these files only (scan-root relative)
    scan_bundles: bool = False  # also analyse compiled copies (build/, dist/) of sources the plugin ships


def _size(limit: int) -> str:
    return f"{limit / MIB:g} MiB" if limit >= MIB else f"{limit / 1024:g} KiB"


def read_source(root: Path, rel: str, limit: int) -> tuple[bytes | None, str | None]:
    """A file's bytes ready to parse, or the reason it is skipped.

    Lone CR line ends (old Mac files) become LF, byte for byte, so tree-sitter's rows match the lines an
    editor shows. Files with NUL bytes are binary, whatever their extension.
    """
    path = root / rel
    try:
        size = path.stat().st_size
        if size > limit:
            return None, f"larger than the {_size(limit)} limit (--max-file-size): skipped"
        data = path.read_bytes()
    except OSError as error:
        return None, f"cannot read: {error.strerror or error}"
    if b"\x00" in data:
        return None, "binary file (contains NUL bytes): skipped"
    if b"\r" in data and _LONE_CR.search(data):
        data = _LONE_CR.sub(b"\n", data)
    return data, None


def facts_of(rel: str, data: bytes) -> tuple[ir.PhpFacts | js_ir.JsFacts | None, list[str]]:
    """Parse and extract one file: its facts (None if it could not be analysed) and what to report about it.

    A module-level function so that ``--jobs`` can run it in worker processes.
    """
    notices: list[str] = []
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        notices.append(f"not valid UTF-8 (first bad byte at offset {error.start}): read leniently")
    language = languages.language_of(rel) or "php"
    try:
        if language == "php":
            facts = PhpParser().facts(SourceFile(rel, data))
        else:
            facts = js_extract.parse(SourceFile(rel, data), language)
    except Exception as error:  # one odd file must not cost the findings of every other file
        return None, [f"could not analyse this file ({type(error).__name__}: {error})"]
    if facts.too_deep:
        depth = MAX_DEPTH if language == "php" else js_extract.MAX_DEPTH
        notices.append(f"nested deeper than {depth} levels: the deeper part is not analysed")
    return facts, notices


def inline_js_facts(rel: str, data: bytes) -> js_ir.JsFacts | None:
    """The requests made by inline ``<script>`` elements of a PHP template (see analyzer.js.inline)."""
    if inline.TOKEN not in data and b"<SCRIPT" not in data:
        return None
    source = inline.script_source(data)
    if source is None or not prefilter.passes(source, prefilter.JS_TRANSPORTS):
        return None
    try:
        facts = js_extract.parse(SourceFile(rel, source), "javascript", placeholders=True)
    except Exception:  # the PHP facts of this file stand; its inline scripts are simply not analysed
        return None
    return dataclasses.replace(facts, suppressions=())


class _Parsed:
    """Parsed files and their facts, growing as the model asks for more definitions."""

    def __init__(self, result: ScanResult, jobs: int) -> None:
        self.result = result
        self.jobs = max(1, jobs)
        self.facts: list[ir.PhpFacts] = []
        self.js_facts: list[js_ir.JsFacts] = []

    def add(self, files: list[tuple[str, bytes]]) -> None:
        """Parse ``files`` (in parallel with --jobs); results are taken in input order, so any --jobs value
        gives the same model."""
        if self.jobs > 1 and len(files) > 1:
            with ProcessPoolExecutor(max_workers=min(self.jobs, len(files))) as pool:
                outcomes = list(pool.map(facts_of, [r for r, _ in files], [d for _, d in files], chunksize=4))
        else:
            outcomes = [facts_of(rel, data) for rel, data in files]
        for (rel, data), (facts, notices) in zip(files, outcomes, strict=True):
            self.result.errors.extend(ScanError(rel, notice) for notice in notices)
            if facts is None:
                continue
            self.result.sources[rel] = SourceFile(rel, data)
            self.result.stats.files_parsed += 1
            self.result.stats.bytes_parsed += len(data)
            if isinstance(facts, js_ir.JsFacts):
                self.js_facts.append(facts)
            else:
                self.facts.append(facts)
                inline = inline_js_facts(rel, data)
                if inline is not None:
                    self.js_facts.append(inline)


class _Pending:
    """Files read but not parsed: candidates for demand-driven parsing. Kept in memory up to a budget;
    beyond it they are read again from disk when searched, so memory does not grow with the tree."""

    def __init__(self, root: Path, limit: int) -> None:
        self.root = root
        self.limit = limit
        self.kept: dict[str, bytes | None] = {}
        self.size = 0

    def add(self, rel: str, data: bytes) -> None:
        if self.size + len(data) <= PENDING_MEMORY:
            self.kept[rel] = data
            self.size += len(data)
        else:
            self.kept[rel] = None

    def __bool__(self) -> bool:
        return bool(self.kept)

    def paths(self) -> list[str]:
        return sorted(self.kept)

    def data(self, rel: str) -> bytes | None:
        data = self.kept.get(rel)
        if data is None:
            data, _ = read_source(self.root, rel, self.limit)
        return data

    def take(self, rel: str) -> bytes | None:
        data = self.data(rel)
        kept = self.kept.pop(rel, None)
        if kept is not None:
            self.size -= len(kept)
        return data


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


def scan(paths: list[Path], options: ScanOptions | None = None, progress=None) -> ScanResult:
    """Scan a plugin (the PATHs) and return findings sorted by path, line, column and code.

    ``progress``, if given, is called with a short status line now and then (the CLI shows it on a TTY).
    """
    options = options or ScanOptions()
    report = progress or (lambda _message: None)
    enabled = rule_registry.select(options.select, options.ignore)
    config = options.config
    defaults = tuple(config.exclude) if config is not None and config.exclude is not None else DEFAULT_EXCLUDES
    excludes = [*(config.extend_exclude if config is not None else []), *(options.exclude or [])]
    discovery = discover(paths, excludes, defaults)
    result = ScanResult(discovery.root, [], [ScanError(p, m) for p, m in discovery.problems], ScanStats(), enabled)
    tokens = prefilter.tokens_for(enabled)
    parsed = _Parsed(result, options.jobs)
    pending = _Pending(discovery.root, options.max_file_size)

    js_tokens = prefilter.tokens_for(enabled, "js")
    anchors: list[tuple[str, bytes]] = []
    js_anchors: list[tuple[str, bytes]] = []
    directive_files: list[tuple[str, bytes]] = []  # files holding a wp-rest-lint: comment
    copies = bundles.compiled_copies(discovery.root, discovery.files) if not options.scan_bundles else {}
    result.bundles_skipped = sorted(copies)
    for number, rel in enumerate(discovery.files, 1):
        language = languages.language_of(rel)
        if language is None or rel in copies:
            continue
        if number % 200 == 0:
            report(f"reading {number}/{len(discovery.files)} files")
        result.stats.files_seen += 1
        data, problem = read_source(discovery.root, rel, options.max_file_size)
        if data is not None and suppressions.TOKEN in data:
            directive_files.append((rel, data))
        if data is None:
            result.errors.append(ScanError(rel, problem or "skipped"))
        elif language != "php":
            if js_tokens and prefilter.passes(data, js_tokens):
                js_anchors.append((rel, data))  # makes requests or writes storage; kept if it also concerns REST
        elif (tokens and prefilter.passes(data, tokens)) or (
            js_tokens and inline.TOKEN in data and prefilter.passes(data, prefilter.JS_TRANSPORTS) and prefilter.passes(data, prefilter.JS_RELEVANCE)
        ):  # a template whose inline <script> talks to the REST API is an anchor too
            result.stats.files_passed += 1
            anchors.append((rel, data))
        else:
            pending.add(rel, data)

    # Library code (vendor/) that registers routes or hooks is parsed like the plugin's own, because the
    # plugin's calls into it carry the routes; the rest of it only when a definition is asked for.
    for rel in discovery.library_files:
        data, _ = read_source(discovery.root, rel, options.max_file_size)
        if data is None:
            continue  # a library file we cannot read only matters if asked for
        if tokens and prefilter.passes(data, tokens):
            anchors.append((rel, data))
        else:
            pending.add(rel, data)
    report(f"parsing {len(anchors)} files")
    parsed.add(anchors)
    report("resolving routes")
    model = PluginModel(parsed.facts)
    # Browser code matters when it talks to this plugin's REST API or handles a nonce: a file that makes
    # requests is parsed if it also names a nonce, a REST prefix, apiFetch, or a global / namespace the
    # plugin's PHP prints or registers. A bundle full of unrelated fetches is left alone.
    later: list[tuple[str, bytes]] = []
    if js_anchors:
        needles = prefilter.js_relevance_needles(model.client.localized, model.client.namespaces)
        later = [(rel, data) for rel, data in js_anchors if not prefilter.passes(data, needles)]
        js_anchors = [(rel, data) for rel, data in js_anchors if prefilter.passes(data, needles)]
    result.stats.files_passed += len(js_anchors)
    parsed.add(js_anchors)
    # A component that calls an axios instance imported from the plugin's api.js, or this.$http installed
    # in its main.js, names no nonce itself: it is parsed when it imports what a parsed file exports.
    for _ in range(3):
        importers = prefilter.js_importers(later, parsed.js_facts)
        if not importers:
            break
        taken = {rel for rel, _ in importers}
        later = [(rel, data) for rel, data in later if rel not in taken]
        result.stats.files_passed += len(importers)
        parsed.add(importers)
    blocks = bundles.block_json_files(discovery.root, discovery.files) if parsed.js_facts or anchors else []
    model = PluginModel(parsed.facts, parsed.js_facts, blocks)

    # Demand-driven: parse the files that define what the anchors refer to (a permission callback in
    # another file, a constant, a parent class), call a route-registering wrapper, or extend a class that
    # registers routes; then resolve again.
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
        chosen: list[tuple[str, bytes]] = []
        for rel in pending.paths():
            data = pending.data(rel)
            if data is None:
                continue
            low = data.lower()
            if not any(needle in low for needle in needles):
                continue
            # Confirm with the exact shapes, on the few files the substrings let through.
            matcher = matcher or _DemandMatcher(wanted)
            if matcher.matches(low):
                taken = pending.take(rel)
                if taken is not None:
                    chosen.append((rel, taken))
        if not chosen:
            break
        parsed.add(chosen)
        model = PluginModel(parsed.facts, parsed.js_facts, blocks)

    result.model = model
    result.errors.extend(ScanError(path, message) for path, message in model.errors)
    findings: set[Finding] = set()
    for rule in enabled:
        try:
            findings.update(rule.check(model))
        except Exception as error:  # a failing rule must not cost the other rules' findings
            result.errors.append(ScanError(".", f"rule {rule.RULE.code} failed ({type(error).__name__}: {error})"))
    # vendor/ was read for its definitions; what it registers is reported at the plugin's own lines.
    library = set(discovery.library_files)
    found = [f for f in findings if f.span.path not in library]

    directives = [s for facts in [*parsed.facts, *parsed.js_facts] if facts.path not in library for s in facts.suppressions]
    for rel, data in directive_files:
        if rel not in result.sources:  # not parsed for facts: read its comments now
            found_here = suppressions.find(SourceFile(rel, data))
            if found_here:
                result.sources[rel] = SourceFile(rel, data)
                directives.extend(found_here)
    outcome = filters.apply(
        found,
        root=discovery.root,
        enabled={rule.RULE.code for rule in enabled},
        suppressions=directives,
        config=config,
        baseline=options.baseline,
        sources=result.sources,
    )
    result.findings = outcome.findings
    if options.report_only is not None:
        result.findings = [f for f in result.findings if f.span.path in options.report_only]
    result.suppressed, result.baselined, result.stale = outcome.suppressed, outcome.baselined, outcome.stale
    result.errors.sort(key=lambda e: (e.path, e.message))
    return result
