"""A scan of a tree: the plugins and themes in it (analyzer.roots), each analysed on its own with
``analyse_plugin()``, then the filter step (per-path ignores, suppressions, baseline) over all of them.

``analyzer.scan.scan()`` is the entry point; it calls ``scan_project()``.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from analyzer import baseline as baseline_module
from analyzer import filters, languages, roots, suppressions, workers
from analyzer import rules as rule_registry
from analyzer.discover import DEFAULT_EXCLUDES, Discovery, discover
from analyzer.findings import Finding
from analyzer.scan import PluginScan, Progress, ScanError, ScanOptions, ScanResult, ScanStats, analyse_plugin
from analyzer.source import SourceFile, Span


def _first_line(finding: Finding, sources: dict[str, SourceFile]) -> Finding:
    """A finding's span cut to the line it starts on (up to that line's end). A 9-line add_filter call as
    the region of a code-scanning alert shows on a pull request only when all nine lines changed; the
    related locations keep their whole span."""
    span = finding.span
    source = sources.get(span.path)
    if span.end_line == span.line or source is None:
        return finding
    row = span.line - 1
    end = source.utf16_column(row, len(source.line_bytes(row).rstrip()))
    return replace(finding, span=Span(span.path, span.line, span.column, span.line, max(end, span.column + 1)))


def _parts(discovery: Discovery, found: list[roots.Root], excludes: list[str], defaults: tuple[str, ...]) -> list[tuple[roots.Root | None, Discovery]]:
    """The discovery cut along the plugins and themes it holds; files outside them form one more part."""
    if not found or (len(found) == 1 and not found[0].path):
        return [(found[0] if found else None, discovery)]
    parts: list[tuple[roots.Root | None, Discovery]] = []
    for root in found:
        files = [f for f in discovery.files if root.holds(f)]
        library = [f for f in discovery.library_files if root.holds(f)]
        parts.append((root, Discovery(discovery.root, files, [], library)))
    loose = [f for f in discovery.files if roots.owner(f, found) is None]
    if loose:
        library = [f for f in discovery.library_files if roots.owner(f, found) is None]
        parts.append((None, Discovery(discovery.root, loose, [], library)))
    return parts


def scan_project(paths: list[Path], options: ScanOptions | None = None, progress: Progress | None = None) -> ScanResult:
    """analyzer.scan.scan(): each plugin or theme among the PATHs analysed on its own (two plugins sharing a
    JS global do not mix), the files outside them together, then the filter step over everything.

    One parse session (analyzer.workers: the facts cache, the worker pool) serves the whole scan; its workers
    stop when the scan ends, however it ends."""
    options = options or ScanOptions()
    with workers.session(options.jobs, options.cache_dir):
        return _scan_project(paths, options, progress)


def _scan_project(paths: list[Path], options: ScanOptions, progress: Progress | None) -> ScanResult:
    report = progress or (lambda _phase, _done, _total: None)
    enabled = rule_registry.select(options.select, options.ignore)
    config = options.config
    defaults = tuple(config.exclude) if config is not None and config.exclude is not None else DEFAULT_EXCLUDES
    excludes = [*(config.extend_exclude if config is not None else []), *(options.exclude or [])]
    discovery = discover(paths, excludes, defaults)
    if options.stdin is not None and options.stdin[0] not in discovery.files and languages.language_of(options.stdin[0]):
        discovery.files = sorted([*discovery.files, options.stdin[0]])  # an unsaved buffer of a new file
    result = ScanResult(discovery.root, [], [ScanError(p, m) for p, m in discovery.problems], ScanStats(), enabled)

    parts = _parts(discovery, roots.find(discovery.root, discovery.files), excludes, defaults)
    found: list[Finding] = []
    directives: list[suppressions.Suppression] = []
    analysed: set[str] = set()
    for root, part in parts:
        if options.report_only is not None and not any(options.reports(f) for f in part.files):
            continue  # nothing of it is reported on (pre-commit passed files of another plugin)
        label = (root.path.rsplit("/", 1)[-1] or root.name) if root is not None and len(parts) > 1 else ""

        def part_report(phase: str, done: int, total: int, label: str = label) -> None:
            report(f"{label}: {phase}" if label else phase, done, total)

        analysis = analyse_plugin(part, options, enabled, result, part_report)
        analysed.update(part.files)
        found.extend(analysis.findings)
        directives.extend(analysis.directives)
        kind, name, main = (root.kind, root.name, root.main_file) if root is not None else ("files", "", None)
        result.plugins.append(PluginScan(root.path if root is not None else "", kind, name, main, len(part.files), analysis.model))
    result.model = result.plugins[0].model if len(result.plugins) == 1 else None
    result.bundles_skipped.sort()

    found = [_first_line(f, result.sources) for f in found if options.reports(f.span.path)]
    directives = [d for d in directives if options.reports(d.span.path)]
    codes = {rule.RULE.code for rule in enabled}
    baseline = options.baseline
    if baseline is not None:
        def checked(entry: baseline_module.Entry) -> bool:
            return entry.code in codes and entry.path in analysed and options.reports(entry.path)

        result.baseline_unchecked = [e for e in baseline if not checked(e)]
        baseline = [e for e in baseline if checked(e)]
    outcome = filters.apply(
        found,
        root=discovery.root,
        enabled=codes,
        suppressions=directives,
        config=config,
        baseline=baseline,
        sources=result.sources,
    )
    result.findings = outcome.findings
    result.suppressed, result.baselined, result.stale = outcome.suppressed, outcome.baselined, outcome.stale
    result.baselined_findings = outcome.baselined_findings
    result.errors.sort(key=lambda e: (e.path, e.message))
    return result
