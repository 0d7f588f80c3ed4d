"""JUnit XML, for CI systems that show test reports (GitLab, Jenkins, Azure): one test suite per file with
findings, one failed test case per finding; a clean scan is one passing test case."""

from __future__ import annotations

from itertools import groupby
from xml.sax.saxutils import escape, quoteattr

from analyzer.formatters import OutputContext
from analyzer.scan import ScanResult
from analyzer.source import printable_path


def render(result: ScanResult, context: OutputContext) -> str:
    total = len(result.findings)
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<testsuites name="wp-rest-lint" tests="{max(total, 1)}" failures="{total}" errors="0">',
    ]
    if not result.findings:
        lines += [
            '  <testsuite name="wp-rest-lint" tests="1" failures="0" errors="0">',
            f'    <testcase classname="wp-rest-lint" name={quoteattr(f"no problems found in {result.stats.files_seen} files")}/>',
            "  </testsuite>",
        ]
    for path, group in groupby(result.findings, key=lambda f: f.span.path):
        findings = list(group)
        name = printable_path(context.uri_prefix + path)
        lines.append(f'  <testsuite name={quoteattr(name)} tests="{len(findings)}" failures="{len(findings)}" errors="0">')
        for finding in findings:
            span = finding.span
            case = f"{finding.code} at line {span.line}, column {span.column}"
            parts = finding.explanation(context.uri_prefix)
            lines.append(f'    <testcase classname={quoteattr(name)} name={quoteattr(case)} file={quoteattr(name)} line="{span.line}">')
            body = escape(f"{name}:{span.line}:{span.column}: {finding.code} [{finding.level}] {finding.plain_message(context.uri_prefix)}")
            lines.append(f"      <failure type={quoteattr(finding.code)} message={quoteattr(parts.headline)}>{body}</failure>")
            lines.append("    </testcase>")
        lines.append("  </testsuite>")
    lines.append("</testsuites>")
    return "\n".join(lines) + "\n"
