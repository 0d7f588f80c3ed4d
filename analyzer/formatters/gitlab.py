"""GitLab Code Quality (``artifacts: reports: codequality``): a JSON array of issues.

Paths are relative to the repository root, as GitLab shows them in merge requests; each issue's fingerprint
survives code moving above it (analyzer.baseline.stable_ids), so GitLab tracks it as the same issue.
"""

from __future__ import annotations

import hashlib
import json

from analyzer import baseline
from analyzer.formatters import OutputContext
from analyzer.scan import ScanResult
from analyzer.source import printable_path

SEVERITY = {"error": "critical", "warning": "major", "note": "info"}


def render(result: ScanResult, context: OutputContext) -> str:
    issues = []
    for finding, stable in zip(result.findings, baseline.stable_ids(result.findings, result.sources), strict=True):
        span = finding.span
        issues.append(
            {
                "description": f"{finding.code}: {finding.plain_message(context.uri_prefix)}",
                "check_name": finding.code,
                "fingerprint": hashlib.md5(f"{finding.code}:{context.uri_prefix}{span.path}:{stable}".encode("utf-8", "surrogateescape"), usedforsecurity=False).hexdigest(),
                "severity": SEVERITY[finding.level],
                "location": {
                    "path": printable_path(context.uri_prefix + span.path),
                    "lines": {"begin": span.line, "end": span.end_line},
                },
            }
        )
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"
