"""Text for people: ``path:line:col: CODE [level] message``, the source line, and a summary."""

from __future__ import annotations

from analyzer.findings import LEVEL_RANK
from analyzer.formatters import OutputContext
from analyzer.scan import ScanResult
from analyzer.source import printable_path

_COLORS = {"error": "\033[31m", "warning": "\033[33m", "note": "\033[36m"}
_BOLD, _DIM, _RESET = "\033[1m", "\033[2m", "\033[0m"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def render(result: ScanResult, context: OutputContext) -> str:
    def paint(text: str, code: str) -> str:
        return f"{code}{text}{_RESET}" if context.color else text

    lines: list[str] = []
    for finding in result.findings:
        span = finding.span
        where = paint(f"{context.display_prefix}{printable_path(span.path)}:{span.line}:{span.column}:", _BOLD)
        level = paint(f"[{finding.level}]", _COLORS[finding.level])
        lines.append(f"{where} {paint(finding.code, _BOLD)} {level} {finding.plain_message()}")
        source = result.sources.get(span.path)
        if source is not None:
            text = source.line_text(span.line).rstrip().expandtabs(4)
            if text.strip():
                gutter = f"{span.line:>5} | "
                lines.append(paint(gutter, _DIM) + text)
        lines.append("")
    counts = {level: 0 for level in LEVEL_RANK}
    for finding in result.findings:
        counts[finding.level] += 1
    scanned = _plural(result.stats.files_seen, "file")
    if result.findings:
        parts = [_plural(counts[level], level) for level in ("error", "warning", "note") if counts[level]]
        lines.append(f"Found {_plural(len(result.findings), 'problem')} ({', '.join(parts)}) in {scanned}.")
    else:
        lines.append(f"No problems found in {scanned}.")
    if result.bundles_skipped:
        count = len(result.bundles_skipped)
        copies = f"{count} compiled {'copy' if count == 1 else 'copies'}"
        lines.append(f"Skipped {copies} of scanned sources ({printable_path(result.bundles_skipped[0])}…); --scan-bundles analyses them too.")
    return "\n".join(lines) + "\n"
