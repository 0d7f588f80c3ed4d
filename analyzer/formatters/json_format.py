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
                "related": [{**_location(r.span), "message": r.message} for r in finding.related],
            }
        )
    document = {
        "version": SCHEMA_VERSION,
        "tool": {"name": "wp-rest-lint", "version": __version__},
        "root": context.root_label,
        "findings": findings,
        "errors": [{"path": printable_path(e.path), "message": e.message} for e in result.errors],
        "summary": {
            "files_seen": result.stats.files_seen,
            "files_parsed": result.stats.files_parsed,
            "compiled_copies_skipped": [printable_path(p) for p in result.bundles_skipped],
            "findings": len(findings),
            "by_level": counts,
        },
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
