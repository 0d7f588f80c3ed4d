"""JSON output. The schema is documented in README.md ("JSON output") and versioned by ``version``.

Compatible changes (new keys) keep the version; removing or changing the meaning of a key bumps it.
"""

from __future__ import annotations

import json

from analyzer import __version__
from analyzer.findings import LEVEL_RANK
from analyzer.formatters import OutputContext
from analyzer.scan import ScanResult
from analyzer.source import Span, printable_path

SCHEMA_VERSION = 1


def _location(span: Span) -> dict:
    return {
        "path": printable_path(span.path),
        "line": span.line,
        "column": span.column,
        "end_line": span.end_line,
        "end_column": span.end_column,
    }


def _plugin_path(result: ScanResult, path: str) -> str | None:
    """The folder of the plugin or theme the file was analysed with; None for files outside any."""
    plugin = result.plugin_of(path)
    return printable_path(plugin.path) if plugin is not None and plugin.kind != "files" else None


def render(result: ScanResult, context: OutputContext) -> str:
    names = {rule.RULE.code: rule.RULE.name for rule in result.rules}
    counts = {level: 0 for level in LEVEL_RANK}
    findings = []
    for finding in result.findings:
        counts[finding.level] += 1
        parts = finding.explanation()
        findings.append(
            {
                "code": finding.code,
                "name": names.get(finding.code, ""),
                "level": finding.level,
                "message": finding.plain_message(),
                "headline": parts.headline,
                "why": parts.why,
                "fix": parts.fix,
                **_location(finding.span),
                "plugin": _plugin_path(result, finding.span.path),
                "related": [{**_location(r.span), "message": r.message} for r in finding.related],
                **({"claim": finding.claim.as_dict()} if finding.claim is not None else {}),
            }
        )
    document = {
        "version": SCHEMA_VERSION,
        "tool": {"name": "wp-rest-lint", "version": __version__},
        "root": context.root_label,
        "findings": findings,
        "errors": [{"path": printable_path(e.path), "message": e.message} for e in result.errors],
        "plugins": [
            {"path": printable_path(p.path), "kind": p.kind, "name": p.name, "main_file": p.main_file and printable_path(p.main_file), "files": p.files}
            for p in result.plugins
        ],
        "summary": {
            "files_seen": result.stats.files_seen,
            "files_parsed": result.stats.files_parsed,
            "compiled_copies_skipped": [printable_path(p) for p in result.bundles_skipped],
            "findings": len(findings),
            "by_level": counts,
        },
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
