"""Markdown: a heading with the counts and a table of findings, for a GitHub job summary
(``$GITHUB_STEP_SUMMARY``) or a pull-request comment. Paths are relative to the repository root."""

from __future__ import annotations

from analyzer.findings import LEVEL_RANK
from analyzer.formatters import OutputContext
from analyzer.scan import ScanResult
from analyzer.source import printable_path

MAX_ROWS = 500  # a job summary holds at most 1 MiB


def _cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").replace("<", "&lt;")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def render(result: ScanResult, context: OutputContext) -> str:
    names = {rule.RULE.code: rule.RULE.name for rule in result.rules}
    counts = {level: sum(1 for f in result.findings if f.level == level) for level in LEVEL_RANK}
    seen = _plural(result.stats.files_seen, "file")
    if not result.findings:
        return f"### wp-rest-lint: no problems found in {seen}\n"
    levels = ", ".join(_plural(counts[level], level) for level in ("error", "warning", "note") if counts[level])
    files = len({f.span.path for f in result.findings})
    lines = [
        f"### wp-rest-lint: {_plural(len(result.findings), 'problem')} ({levels}) in {files} of {seen}",
        "",
        "| level | rule | where | problem | fix |",
        "|---|---|---|---|---|",
    ]
    for finding in result.findings[:MAX_ROWS]:
        parts = finding.explanation(context.uri_prefix)
        where = f"{printable_path(context.uri_prefix + finding.span.path)}:{finding.span.line}"
        rule = f"{finding.code} {names.get(finding.code, '')}".strip()
        lines.append(f"| {finding.level} | {_cell(rule)} | `{_cell(where)}` | {_cell(parts.headline)} | {_cell(parts.fix)} |")
    if len(result.findings) > MAX_ROWS:
        lines += ["", f"… and {len(result.findings) - MAX_ROWS} more (see the SARIF report or the annotations)."]
    return "\n".join(lines) + "\n"
