"""GitHub Actions workflow commands: one ``::error`` / ``::warning`` / ``::notice`` line per finding.

Paths are relative to the repository root, so the annotations land on the pull request's files. GitHub
shows at most 10 annotations of each level per step (and 50 per job): SARIF is the bulk channel.
"""

from __future__ import annotations

from analyzer.formatters import OutputContext
from analyzer.scan import ScanResult
from analyzer.source import printable_path

_COMMAND = {"error": "error", "warning": "warning", "note": "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(result: ScanResult, context: OutputContext) -> str:
    names = {rule.RULE.code: rule.RULE.name for rule in result.rules}
    lines = []
    for finding in result.findings:
        span = finding.span
        title = f"{finding.code} {names.get(finding.code, '')}".strip()
        properties = ",".join(
            [
                f"file={escape_property(printable_path(context.uri_prefix + span.path))}",
                f"line={span.line}",
                f"endLine={span.end_line}",
                f"col={span.column}",
                f"endColumn={span.end_column}",
                f"title={escape_property(title)}",
            ]
        )
        lines.append(f"::{_COMMAND[finding.level]} {properties}::{escape_data(finding.plain_message(context.uri_prefix))}")
    for error in result.errors:
        lines.append(f"::warning file={escape_property(printable_path(context.uri_prefix + error.path))},title=wp-rest-lint::{escape_data(error.message)}")
    return "\n".join(lines) + ("\n" if lines else "")
