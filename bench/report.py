"""What bench/bench.py prints and writes: one table per directory, as plain text or Markdown."""

from __future__ import annotations

from dataclasses import dataclass, field

from children import Sample, Spread, seconds, span, spread

HEADER = ("variant", "median wall", "min–max", "CPU", "peak RSS", "÷ parse floor", "vs semgrep")


@dataclass
class Variant:
    """One measured command; ``argv`` is built afresh for every run (a fresh cache dir for a cold one)."""

    name: str
    kind: str  # "analyzer", "floor" or "semgrep"
    argv: object  # () -> list[str]
    before: object = None  # () -> None, run untimed before each run
    after: object = None  # () -> None, run untimed after each run
    samples: list[Sample] = field(default_factory=list)
    loops: list[float] = field(default_factory=list)  # floor: seconds of the parse loop alone
    counts: list[int] = field(default_factory=list)  # findings (analyzer) or results (semgrep)
    files_parsed: set[int] = field(default_factory=set)  # analyzer: files it says it parsed
    scanned: int | None = None  # semgrep: files it scanned
    reported_errors: int = 0  # semgrep: errors in its JSON (files it could not parse, timeouts)
    errors: list[str] = field(default_factory=list)  # runs that failed

    def wall(self) -> Spread | None:
        return spread([s.wall for s in self.samples])


@dataclass
class DirResult:
    directory: str
    runs: int
    variants: list[Variant]
    notes: list[str]  # lines printed above the table


def _ratio(value: float, base: float) -> str:
    if base <= 0:
        return ""
    return f"{value / base:.0f}×" if value / base >= 100 else f"{value / base:.1f}×"


def _versus(analyzer: float, semgrep: float) -> str:
    if analyzer <= 0 or semgrep <= 0:
        return ""
    factor = semgrep / analyzer
    return f"{factor:.1f}× faster" if factor >= 1 else f"{1 / factor:.1f}× slower"


def rows(result: DirResult) -> list[tuple[str, ...]]:
    floor = next((v for v in result.variants if v.kind == "floor"), None)
    floor_loop = spread(floor.loops).median if floor and floor.loops else 0.0
    semgrep = next((v for v in result.variants if v.kind == "semgrep"), None)
    semgrep_wall = semgrep.wall() if semgrep else None
    out = []
    for v in result.variants:
        wall = v.wall()
        if wall is None:
            out.append((v.name, "failed", "", "", "", "", ""))
            continue
        cpu = spread([s.cpu for s in v.samples])
        rss = spread([float(s.rss_kib) for s in v.samples])
        versus = _versus(wall.median, semgrep_wall.median) if v.kind == "analyzer" and semgrep_wall else ""
        out.append((v.name, seconds(wall.median), span(wall), seconds(cpu.median), f"{rss.median / 1024:.0f} MiB", _ratio(wall.median, floor_loop), versus))
    return out


def markdown(result: DirResult) -> str:
    lines = [f"### {result.directory}", ""]
    lines += [f"- {note}" for note in result.notes]
    lines += ["", "| " + " | ".join(HEADER) + " |", "| --- |" + " ---: |" * (len(HEADER) - 1)]
    lines += ["| " + " | ".join(row) + " |" for row in rows(result)]
    return "\n".join(lines) + "\n"


def text(result: DirResult) -> str:
    table = [HEADER, *rows(result)]
    widths = [max(len(row[i]) for row in table) for i in range(len(HEADER))]
    lines = [result.directory, *(f"  {note}" for note in result.notes), ""]
    for row in table:
        cells = [row[0].ljust(widths[0])] + [cell.rjust(width) for cell, width in zip(row[1:], widths[1:])]
        lines.append("  " + "  ".join(cells).rstrip())
    return "\n".join(lines) + "\n"
