"""Text for people, read at a glance (after ruff and rustc)::

    includes/rest.php:30:28: WPR005 [error] POST /acme/v1/settings accepts writes from anyone
       |
    30 |         'permission_callback' => 'acme_allow',
       |                                  ^^^^^^^^^^^^
      ::: includes/permissions.php:8:1
     8 | function acme_allow() {
       | ----------------------- acme_allow() only returns true
       why: its permission_callback acme_allow() (includes/permissions.php:8) only returns true, so …
       fix: Check a capability instead, e.g. …

The first line stays ``path:line:col: CODE [level] headline`` (editors and terminals jump to it). Every path
is relative to the same base, the current directory when the scan root lies under it. Findings are separated
by one blank line and hold none inside, so ``split("\\n\\n")`` yields them.
"""

from __future__ import annotations

import textwrap
import unicodedata

from analyzer.findings import LEVEL_RANK, Finding
from analyzer.formatters import OutputContext
from analyzer.scan import ScanResult
from analyzer.source import SourceFile, Span, printable_path

_COLORS = {"error": "\033[31m", "warning": "\033[33m", "note": "\033[36m"}
_BOLD, _DIM, _BLUE, _RESET = "\033[1m", "\033[2m", "\033[34m", "\033[0m"
TAB = 4
MAX_SNIPPET = 120  # display columns of a source line shown; minified JS has lines of 100 KB
WRAP = 100
MAX_LISTED = 10  # plugins named in the summary of a scan holding several


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _width(text: str) -> int:
    """Display columns: wide (CJK, emoji) characters take two, combining marks none."""
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _char_index(line: str, utf16_column: int) -> int:
    """The index in ``line`` of the character at a 1-based UTF-16 column."""
    units = 0
    for index, char in enumerate(line):
        if units >= utf16_column - 1:
            return index
        units += 2 if ord(char) > 0xFFFF else 1
    return len(line)


def _snippet(source: SourceFile, span: Span, marker: str) -> tuple[str, str] | None:
    """The span's first line (tabs expanded, long lines cut to a window around the span) and the marker
    line underneath; None for a blank line."""
    raw = source.line_text(span.line).rstrip()
    if not raw.strip():
        return None
    start = _char_index(raw, span.column)
    end = _char_index(raw, span.end_column) if span.end_line == span.line else len(raw)
    end = max(end, start + 1)
    # Expand tabs by hand so the marker lines up with what is shown.
    shown, positions = "", []
    for char in raw:
        positions.append(len(shown))
        shown += " " * (TAB - len(shown) % TAB) if char == "\t" else char
    positions.append(len(shown))
    first, last = positions[min(start, len(raw))], positions[min(end, len(raw))]
    cut = 0
    if _width(shown) > MAX_SNIPPET:
        cut = max(0, first - MAX_SNIPPET // 3)
        window = shown[cut : cut + MAX_SNIPPET]
        shown = ("…" if cut else "") + window + ("…" if cut + MAX_SNIPPET < len(shown) else "")
        offset = 1 if cut else 0
        first, last = first - cut + offset, min(last, cut + MAX_SNIPPET) - cut + offset
    pad = _width(shown[:first])
    return shown, " " * pad + marker * max(1, _width(shown[first:last]))


def _finding(finding: Finding, result: ScanResult, context: OutputContext, paint) -> list[str]:
    prefix = context.display_prefix
    span = finding.span
    level = paint(f"[{finding.level}]", _COLORS[finding.level])
    where = paint(f"{prefix}{printable_path(span.path)}:{span.line}:{span.column}:", _BOLD)

    snippets: list[tuple[int, tuple[str, str], str | None, str]] = []  # (line, (code, marker), header, label)
    source = result.sources.get(span.path)
    primary = _snippet(source, span, "^") if source is not None else None
    if primary is not None:
        snippets.append((span.line, primary, None, ""))
    # The first related location is where the fix usually goes (the callback's definition, the
    # wp_create_nonce() call): shown as a second snippet. The others are named in the why line.
    for related in finding.related[:1]:
        rspan = related.span
        if (rspan.path, rspan.line) == (span.path, span.line):
            continue
        rsource = result.sources.get(rspan.path)
        shown = _snippet(rsource, rspan, "-") if rsource is not None else None
        if shown is not None:
            header = f"{prefix}{printable_path(rspan.path)}:{rspan.line}:{rspan.column}"
            snippets.append((rspan.line, shown, header, related.message))

    parts = finding.explanation(prefix, frozenset({0}) if any(header for _, _, header, _ in snippets) else frozenset())
    lines = [f"{where} {paint(finding.code, _BOLD)} {level} {paint(parts.headline, _BOLD)}"]
    gutter = max((len(str(line)) for line, *_ in snippets), default=1)
    bar = paint(" " * gutter + " |", _DIM)
    if snippets:
        lines.append(bar)
    for line, (code, marker), header, label in snippets:
        if header is not None:
            lines.append(" " * gutter + paint("::: ", _DIM) + header)
        lines.append(paint(f"{line:>{gutter}} | ", _DIM) + code)
        color = _COLORS[finding.level] if header is None else _BLUE
        lines.append(bar + " " + paint(marker, color) + (f" {label}" if label else ""))

    indent = " " * (gutter + 1)
    if parts.why:  # prose is wrapped; the fix, often code, is not
        wrapped = textwrap.wrap(parts.why, WRAP - len(indent) - 5, break_on_hyphens=False, break_long_words=False)
        lines.append(f"{indent}{paint('why:', _BOLD)} {wrapped[0]}")
        lines.extend(f"{indent}     {more}" for more in wrapped[1:])
    if parts.fix:
        lines.append(f"{indent}{paint('fix:', _BOLD)} {parts.fix}")
    return lines


def render(result: ScanResult, context: OutputContext) -> str:
    def paint(text: str, code: str) -> str:
        return f"{code}{text}{_RESET}" if context.color and text else text

    blocks = ["\n".join(_finding(finding, result, context, paint)) for finding in result.findings]
    counts = {level: 0 for level in LEVEL_RANK}
    for finding in result.findings:
        counts[finding.level] += 1
    summary: list[str] = []
    seen = result.stats.files_seen
    if result.findings:
        parts = [_plural(counts[level], level) for level in ("error", "warning", "note") if counts[level]]
        with_findings = len({f.span.path for f in result.findings})
        summary.append(f"Found {_plural(len(result.findings), 'problem')} ({', '.join(parts)}) in {with_findings} of {_plural(seen, 'file')}.")
    else:
        summary.append(f"No problems found in {_plural(seen, 'file')}.")
    separate = [p for p in result.plugins if p.kind != "files"]
    if len(result.plugins) > 1 and separate:
        # Several plugins in one scan: say which were analysed apart, so a finding's plugin is clear.
        loose = sum(p.files for p in result.plugins if p.kind == "files")
        named = [f"{printable_path(context.display_prefix + p.path)} ({p.kind} {p.name})" for p in separate[:MAX_LISTED]]
        more = f" and {len(separate) - MAX_LISTED} more" if len(separate) > MAX_LISTED else ""
        outside = f"; {_plural(loose, 'file')} outside them" if loose else ""
        summary.append(f"Analysed each plugin and theme on its own: {', '.join(named)}{more}{outside}.")
    if result.bundles_skipped:
        count = len(result.bundles_skipped)
        copies = f"{count} compiled {'copy' if count == 1 else 'copies'}"
        first = printable_path(context.display_prefix + result.bundles_skipped[0])
        summary.append(f"Skipped {copies} of scanned sources ({first}…); --scan-bundles analyses them too.")
    blocks.append("\n".join(summary))
    return "\n\n".join(blocks) + "\n"
