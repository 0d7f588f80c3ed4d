"""Checkstyle XML, the report PHPCS users already feed to cs2pr to annotate GitHub pull requests.

One ``<file>`` per file with findings, paths relative to the repository root; ``source`` is
``wp-rest-lint.<CODE>``.
"""

from __future__ import annotations

from itertools import groupby
from xml.sax.saxutils import quoteattr

from analyzer.formatters import OutputContext
from analyzer.scan import ScanResult
from analyzer.source import printable_path

SEVERITY = {"error": "error", "warning": "warning", "note": "info"}


def render(result: ScanResult, context: OutputContext) -> str:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<checkstyle version="4.3">']
    for path, findings in groupby(result.findings, key=lambda f: f.span.path):
        lines.append(f"  <file name={quoteattr(printable_path(context.uri_prefix + path))}>")
        for finding in findings:
            lines.append(
                f"    <error line=\"{finding.span.line}\" column=\"{finding.span.column}\" severity=\"{SEVERITY[finding.level]}\" "
                f"message={quoteattr(finding.plain_message(context.uri_prefix))} source=\"wp-rest-lint.{finding.code}\"/>"
            )
        lines.append("  </file>")
    lines.append("</checkstyle>")
    return "\n".join(lines) + "\n"
