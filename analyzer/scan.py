"""The pipeline: discover → prefilter → parse and extract facts → plugin model → rules → filter.

``scan()`` is the one entry point; the CLI, the benchmark and the tests all call it. It finds the plugins and
themes among the discovered files (analyzer.roots), analyses each as its own plugin with
``analyse_plugin()`` — one model, one run of the rules — and the files outside them together, then filters
and sorts what the rules found (analyzer.project holds that orchestration). Nothing a scanned file contains can stop it: a file that cannot be read, is
binary, too large or trips the extractor is reported (``ScanResult.errors``) and every other file is still
analysed.
"""

from __future__ import annotations

import dataclasses
import gc
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from analyzer import baseline as baseline_module
from analyzer import bundles, languages, prefilter, source, suppressions, workers
from analyzer.config import Config
from analyzer.discover import Discovery
from analyzer.findings import Finding
from analyzer.js import extract as js_extract
from analyzer.js import inline
from analyzer.js import ir as js_ir
from analyzer.model import PluginModel
from analyzer.parse import PhpParser
from analyzer.php import ir
from analyzer.php.extract import MAX_DEPTH
from analyzer.scripts import extract as script_extract
from analyzer.scripts import ir as script_ir
from analyzer.scripts import node as node_scripts
from analyzer.source import SourceFile

MAX_DEMAND_ROUNDS = 10
MIB = 1024 * 1024
DEFAULT_MAX_FILE_SIZE = 4 * MIB  # 12x the largest PHP file of WordPress core; generated blobs are not worth parsing
_WORD = re.compile(rb"[a-z0-9_]+")
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
class PluginScan:
    """One plugin or theme of the scan, analysed on its own (or the files outside every plugin and theme)."""

    path: str  # its folder, relative to the scan root (POSIX; "" is the scan root itself)
    kind: str  # "plugin", "theme", or "files" for files outside any plugin or theme
    name: str  # from the Plugin Name: / Theme Name: header; "" for "files"
    main_file: str | None
    files: int  # files of it the scan read
    model: PluginModel | None = None


@dataclass
class ScanResult:
    root: Path
    findings: list[Finding]
    errors: list[ScanError]
    stats: ScanStats
    rules: tuple[ModuleType, ...]
    sources: dict[str, SourceFile] = field(default_factory=dict)  # parsed files, for snippets and columns
    model: PluginModel | None = None  # the plugin's model when the scan analysed exactly one (see plugins)
    suppressed: int = 0  # findings hidden by inline suppressions or per-path ignores
    baselined: int = 0  # findings matched by the baseline
    stale: list[baseline_module.Entry] = field(default_factory=list)  # baseline entries that matched nothing
    bundles_skipped: list[str] = field(default_factory=list)  # compiled copies not analysed (sources were)
    plugins: list[PluginScan] = field(default_factory=list)  # what was analysed, each on its own
    baselined_findings: list[Finding] = field(default_factory=list)  # findings the baseline hid
    # Baseline entries this scan could not check (their rule did not run, their file was not analysed or
    # not reported on): kept when the baseline is written again.
    baseline_unchecked: list[baseline_module.Entry] = field(default_factory=list)

    @property
    def endpoints(self):
        """How many REST endpoints the analysed plugins register, resolved and not (analyzer.inventory)."""
        from analyzer import inventory

        return inventory.endpoints(self.plugins)

    def plugin_of(self, path: str) -> PluginScan | None:
        """The plugin or theme a file (relative to the scan root) was analysed as part of."""
        for plugin in sorted(self.plugins, key=lambda p: -len(p.path)):
            if plugin.kind != "files" and (not plugin.path or path.startswith(plugin.path + "/")):
                return plugin
        return next((p for p in self.plugins if p.kind == "files"), None)


# progress(phase, done, total): called now and then during a scan (the CLI draws a bar on a terminal).
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class ScanOptions:
    select: list[str] | None = None
    ignore: list[str] | None = None
    exclude: list[str] | None = None
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    jobs: int = 1  # processes parsing files (analyzer.workers.auto_jobs() for --jobs auto); same result for any value
    # The facts cache folder (analyzer.cache; the CLI's default is analyzer.cache.default_dir()); None: no
    # cache. The result is the same with or without it.
    cache_dir: Path | None = None
    config: Config | None = None  # per-path ignores and the exclude list come from here
    baseline: list[baseline_module.Entry] | None = None
    # Report findings in these files only (scan-root relative; an entry ending in "/" is a folder).
    report_only: frozenset[str] | None = None
    scan_bundles: bool = False  # also analyse compiled copies (build/, dist/) of sources the plugin ships
    stdin: tuple[str, bytes] | None = None  # (scan-root relative path, content): an editor's unsaved buffer

    def reports(self, rel: str) -> bool:
        """Whether findings in ``rel`` are reported."""
        if self.report_only is None:
            return True
        return rel in self.report_only or any(rel.startswith(entry) for entry in self.report_only if entry.endswith("/"))


def _size(limit: int) -> str:
    return f"{limit / MIB:g} MiB" if limit >= MIB else f"{limit / 1024:g} KiB"


def read_source(root: Path, rel: str, limit: int, stdin: tuple[str, bytes] | None = None) -> tuple[bytes | None, str | None]:
    """A file's bytes ready to parse, or the reason it is skipped; with bytes, a notice to report (or None).

    Lone CR line ends (old Mac files) become LF, byte for byte, so tree-sitter's rows match the lines an
    editor shows. UTF-16 and UTF-32 text is converted to UTF-8 first, keeping its lines; other files with NUL
    bytes are binary, whatever their extension. ``stdin`` is a file whose content was given on standard
    input: it replaces what is on disk.
    """
    path = root / rel
    try:
        if stdin is not None and stdin[0] == rel:
            data = stdin[1]
        else:
            size = path.stat().st_size
            if size > limit:
                return None, f"larger than the {_size(limit)} limit (--max-file-size): skipped"
            data = path.read_bytes()
    except OSError as error:
        return None, f"cannot read: {error.strerror or error}"
    notice = None
    if b"\x00" in data:
        data, encoding = source.to_utf8(data)
        if encoding is not None and languages.language_of(rel) == "php":
            # PHP reads source as bytes: without zend.multibyte it prints a UTF-16 file as text, runs nothing.
            notice = f"{encoding} text: analysed as converted to UTF-8, but PHP does not run {encoding} source (unless zend.multibyte is on) — save it as UTF-8"
    if b"\x00" in data:
        return None, "binary file (contains NUL bytes): skipped"
    if b"\r" in data and _LONE_CR.search(data):
        data = _LONE_CR.sub(b"\n", data)
    return data, notice


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
    # Extraction allocates a great many small objects that all live on: the cyclic collector would walk the
    # growing heap again and again and free nothing. It is off while one file is extracted.
    collecting = gc.isenabled()
    gc.disable()
    try:
        if language == "php":
            facts = PhpParser().facts(SourceFile(rel, data))
        else:
            facts = js_extract.parse(SourceFile(rel, data), language)
    except Exception as error:  # one odd file must not cost the findings of every other file
        return None, [f"could not analyse this file ({type(error).__name__}: {error})"]
    finally:
        if collecting:
            gc.enable()
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


def _file_outcome(rel: str, data: bytes) -> tuple[ir.PhpFacts | js_ir.JsFacts | None, list[str], js_ir.JsFacts | None]:
    """A file's facts, the notices about it and, for PHP, the facts of its inline scripts: what a parse
    worker sends back and a facts cache entry holds (analyzer.workers, analyzer.cache)."""
    facts, notices = facts_of(rel, data)
    inline_facts = inline_js_facts(rel, data) if isinstance(facts, ir.PhpFacts) else None
    return facts, notices, inline_facts


class _Parsed:
    """Parsed files and their facts, growing as the model asks for more definitions.

    Files are parsed through the scan's parse session (analyzer.workers: the facts cache and the worker
    pool, shared by every plugin of the scan); without one (``analyse_plugin`` called on its own) each batch
    gets a session of its own, closed when the batch is done.
    """

    def __init__(self, result: ScanResult, jobs: int, report: Progress) -> None:
        self.result = result
        self.report = report
        self.facts: list[ir.PhpFacts] = []
        self.js_facts: list[js_ir.JsFacts] = []
        self.session = workers.current()
        self.jobs = max(1, jobs)

    def add(self, files: list[tuple[str, bytes]], phase: str = "parsing") -> None:
        """Parse ``files`` (in parallel with --jobs, from the cache when it holds them); results are taken in
        input order, so any --jobs value, cached or not, gives the same model."""
        session = self.session or workers.ParseSession(self.jobs)
        try:
            outcomes = session.outcomes(files, _file_outcome, lambda done, total: self.report(phase, done, total))
        finally:
            if session is not self.session:
                session.close()
        for (rel, data), (facts, notices, inline_facts) in zip(files, outcomes, strict=True):
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
                if inline_facts is not None:
                    self.js_facts.append(inline_facts)


class _Pending:
    """Files read but not parsed: candidates for demand-driven parsing. Kept in memory up to a budget;
    beyond it they are read again from disk when searched, so memory does not grow with the tree."""

    def __init__(self, root: Path, limit: int, stdin: tuple[str, bytes] | None = None) -> None:
        self.root = root
        self.limit = limit
        self.stdin = stdin
        self.kept: dict[str, bytes | None] = {}
        self.size = 0
        self._words: dict[bytes, list[int]] | None = None  # word -> pending files holding it (built on first use)
        self._order: list[str] = []

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
            data, _ = read_source(self.root, rel, self.limit, self.stdin)
        return data

    def candidates(self, names: set[str]) -> list[str]:
        """Pending files that contain one of ``names`` as a whole word (lower-cased), or, for a name that is
        not a plain word, as a substring. The words of every pending file are indexed once, on the first
        question, instead of searching every file again in every demand round."""
        if self._words is None:
            self._words = {}
            for number, rel in enumerate(self.paths()):
                data = self.data(rel)
                if data is None:
                    continue
                for word in set(_WORD.findall(data.lower())):
                    self._words.setdefault(word, []).append(number)
            self._order = self.paths()
        found: set[int] = set()
        odd = []
        for name in names:
            encoded = name.encode()
            if _WORD.fullmatch(encoded):
                found.update(self._words.get(encoded, ()))
            else:
                odd.append(encoded)
        chosen = [self._order[n] for n in sorted(found)]
        if odd:
            taken = set(chosen)
            chosen += [rel for rel in self._order if rel not in taken and any(o in (self.data(rel) or b"").lower() for o in odd)]
        return sorted(rel for rel in set(chosen) if rel in self.kept)

    def take(self, rel: str) -> bytes | None:
        data = self.data(rel)
        kept = self.kept.pop(rel, None)
        if kept is not None:
            self.size -= len(kept)
        return data


class _DemandMatcher:
    """The exact shapes of what the demands ask for, checked on the few files the word index lets through.

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
        mentioned = names("mention")
        if mentioned:
            self.patterns.append(re.compile(rb"(?<![\w$])(?:" + mentioned + rb")(?!\w)"))
        hooked = names("hook")
        if hooked:
            self.patterns.append(re.compile(rb"add_(?:filter|action)\s*\(\s*['\"](?:" + hooked + rb")['\"]"))
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


def _answering(pending: _Pending, wanted: set[tuple[str, str]]) -> list[tuple[str, bytes]]:
    """Take the pending files that answer ``wanted`` (see ``PluginModel.demands``)."""
    matcher = None
    chosen: list[tuple[str, bytes]] = []
    for rel in pending.candidates({name for _, name in wanted}):
        data = pending.data(rel)
        if data is None:
            continue
        # Confirm with the exact shapes, on the few files the word index lets through.
        matcher = matcher or _DemandMatcher(wanted)
        if matcher.matches(data.lower()):
            taken = pending.take(rel)
            if taken is not None:
                chosen.append((rel, taken))
    return chosen


@dataclass
class PluginAnalysis:
    """What the rules found in one plugin (before the filter step), and the comments that may suppress it."""

    findings: list[Finding]
    directives: list[suppressions.Suppression]
    model: PluginModel


def analyse_plugin(
    discovery: Discovery, options: ScanOptions, enabled: tuple[ModuleType, ...], result: ScanResult, report: Progress
) -> PluginAnalysis:
    """Analyse the files of one plugin: prefilter, parse, build its model, run the rules.

    Read errors, statistics and parsed sources go into ``result`` (shared by every plugin of a scan); what
    the rules found is returned unfiltered.
    """
    tokens = prefilter.tokens_for(enabled)
    parsed = _Parsed(result, options.jobs, report)
    pending = _Pending(discovery.root, options.max_file_size, options.stdin)

    js_tokens = prefilter.tokens_for(enabled, "js")
    anchors: list[tuple[str, bytes]] = []
    js_anchors: list[tuple[str, bytes]] = []
    directive_files: list[tuple[str, bytes]] = []  # files holding a wp-rest-lint: comment
    # Scripts that run outside the browser (Python, shell, Node): read by analyzer.scripts for the rules that ask.
    scripts_wanted = any(rule.RULE.scripts for rule in enabled)
    script_anchors: list[tuple[str, bytes, str]] = []
    copies = bundles.compiled_copies(discovery.root, discovery.files) if not options.scan_bundles else {}
    result.bundles_skipped.extend(sorted(copies))
    for number, rel in enumerate(discovery.files, 1):
        language = languages.language_of(rel)
        if language is None or rel in copies:
            continue
        report("reading", number, len(discovery.files))
        result.stats.files_seen += 1
        data, problem = read_source(discovery.root, rel, options.max_file_size, options.stdin)
        if data is not None and suppressions.TOKEN in data:
            directive_files.append((rel, data))
        if data is None:
            result.errors.append(ScanError(rel, problem or "skipped"))
            continue
        if problem is not None:  # read, with something to say about it (an encoding PHP does not run)
            result.errors.append(ScanError(rel, problem))
        if language in languages.SCRIPT_LANGUAGES or (language != "php" and node_scripts.is_node_script(data)):
            # A Node script is not browser code: only the script rules read it.
            if scripts_wanted and script_ir.has_tokens(data):
                result.stats.files_passed += 1
                script_anchors.append((rel, data, language))
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
    parsed.add(anchors, "parsing PHP")
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
    parsed.add(js_anchors, "parsing JS")
    # A component that calls an axios instance imported from the plugin's api.js, or this.$http installed
    # in its main.js, names no nonce itself: it is parsed when it imports what a parsed file exports.
    for _ in range(3):
        importers = prefilter.js_importers(later, parsed.js_facts)
        if not importers:
            break
        taken = {rel for rel, _ in importers}
        later = [(rel, data) for rel, data in later if rel not in taken]
        result.stats.files_passed += len(importers)
        parsed.add(importers, "parsing JS")
    blocks = bundles.block_json_files(discovery.root, discovery.files) if parsed.js_facts or anchors else []
    script_facts = []
    for rel, data, kind in script_anchors:
        facts = script_extract.facts(rel, data, kind)
        if facts.error is not None:
            result.errors.append(ScanError(rel, facts.error))  # a Python syntax error: reported, the scan goes on
            continue
        result.sources[rel] = SourceFile(rel, data)
        result.stats.files_parsed += 1
        result.stats.bytes_parsed += len(data)
        script_facts.append(facts)
    model = PluginModel(parsed.facts, parsed.js_facts, blocks, script_facts)

    # Demand-driven: parse the files that define what the anchors refer to (a permission callback in
    # another file, a constant, a parent class), call a route-registering wrapper, or extend a class that
    # registers routes; then resolve again.
    searched: set[tuple[str, str]] = set()  # demands already looked for in every pending file
    for _ in range(MAX_DEMAND_ROUNDS):
        if not parsed.facts or not pending:
            break
        # Cheapest questions first: routes and their tables; then what the write routes' callbacks call; the
        # client-side joins (which evaluate everything PHP prints) only once the server side asks for nothing more.
        asks = (lambda: model.server_demands(callbacks=False), model.server_demands, lambda: model.client.demands())
        chosen: list[tuple[str, bytes]] = []
        for ask in asks:
            wanted = ask() - searched
            if wanted:
                searched |= wanted
                chosen = _answering(pending, wanted)
                if chosen:
                    break
        if not chosen:
            break
        parsed.add(chosen, "parsing definitions")
        model = PluginModel(parsed.facts, parsed.js_facts, blocks, script_facts)

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

    directives = [s for facts in [*parsed.facts, *parsed.js_facts, *script_facts] if facts.path not in library for s in facts.suppressions]
    for rel, data in directive_files:
        if rel not in result.sources:  # not parsed for facts: read its comments now
            found_here = suppressions.find(SourceFile(rel, data))
            if found_here:
                result.sources[rel] = SourceFile(rel, data)
                directives.extend(found_here)
    return PluginAnalysis(found, directives, model)


def scan(paths: list[Path], options: ScanOptions | None = None, progress: Progress | None = None) -> ScanResult:
    """Scan the PATHs and return findings sorted by path, line, column and code.

    Each plugin or theme among the PATHs is analysed on its own by ``analyse_plugin()``; the orchestration
    (finding them, the filter step) lives in analyzer.project. ``progress``, if given, is called as the scan
    goes (the CLI draws a bar on a terminal).
    """
    from analyzer.project import scan_project

    return scan_project(paths, options, progress)
