"""Where a scan's reports go, and what the terminal shows while it runs.

``--format`` (alias ``--output-format``) takes ``NAME`` or ``NAME:FILE`` and can be repeated, so one scan
writes several reports (``--format sarif:out.sarif --format text``); ``-o FILE`` is the file of the one
format given without one. Every target is checked before the scan starts, so a typo in a path costs no
scan. The progress bar is drawn on stderr when it is a terminal, never in a pipe or a CI log.
"""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from analyzer import selection
from analyzer.formatters import FORMATS


class OutputError(ValueError):
    """A report that cannot be written where it was asked to go; the message says why, in one line."""


@dataclass(frozen=True)
class Output:
    format: str
    file: Path | None  # None: standard output


def parse_spec(value: str) -> Output:
    """``NAME`` or ``NAME:FILE`` (argparse type)."""
    name, colon, file = value.partition(":")
    name = name.strip().lower()
    if name not in FORMATS:
        raise ValueError(f"unknown format {name!r}{selection.did_you_mean(name, list(FORMATS))}; formats: {', '.join(FORMATS)}")
    if colon and not file:
        raise ValueError(f"'{value}' names no file after the colon (FORMAT:FILE)")
    return Output(name, Path(file) if file else None)


def plan(specs: list[Output] | None, output: str | None) -> list[Output]:
    """The reports to write: ``--format`` specs with ``-o`` applied; at most one goes to standard output."""
    outputs = list(specs or [Output("text", None)])
    if output is not None:
        unplaced = [o for o in outputs if o.file is None]
        if len(unplaced) != 1:
            raise OutputError(
                f"-o {output} is the file of the one format given without a file, but {len(unplaced)} are; "
                f"write FORMAT:FILE instead"
            )
        outputs = [Output(o.format, Path(output)) if o.file is None else o for o in outputs]
    to_stdout = [o.format for o in outputs if o.file is None]
    if len(to_stdout) > 1:
        raise OutputError(f"only one report can go to standard output ({', '.join(to_stdout)} would); give the others a file: --format {to_stdout[1]}:FILE")
    files = [o.file.resolve() for o in outputs if o.file is not None]
    if len(files) != len(set(files)):
        raise OutputError("two reports would be written to the same file")
    for target in outputs:
        if target.file is not None:
            check_writable(target.file)
    return outputs


def check_writable(path: Path, what: str = "the report") -> None:
    """Fail now, in one line, if ``path`` cannot be written (a folder, under a file, not writable)."""
    if path.is_dir():
        raise OutputError(f"cannot write {what} to {path}: it is a directory")
    existing = path.parent
    while not existing.exists():
        if existing == existing.parent:
            break
        existing = existing.parent
    if existing.exists() and not existing.is_dir():
        raise OutputError(f"cannot write {what} to {path}: {existing} is not a directory")
    target = path if path.exists() else existing
    if not os.access(target, os.W_OK):
        raise OutputError(f"cannot write {what} to {path}: permission denied")


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def use_color(stream) -> bool:
    """Colour for people on a terminal: never with NO_COLOR, always with FORCE_COLOR (no-color.org)."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return bool(getattr(stream, "isatty", lambda: False)())


def interactive(stream) -> bool:
    """A person watching a terminal: not a pipe, not a CI log (CI systems set CI), not a dumb terminal."""
    if os.environ.get("CI") or os.environ.get("TERM") == "dumb":
        return False
    return bool(getattr(stream, "isatty", lambda: False)())


class ProgressBar:
    """``wp-rest-lint: parsing PHP [#####.....] 120/357`` on one redrawn stderr line, for scans that take
    longer than half a second, on a terminal only; the line is erased when the scan ends."""

    DELAY = 0.5
    INTERVAL = 0.1
    WIDTH = 24

    def __init__(self, stream, prog: str, clock=time.monotonic) -> None:
        self.stream = stream
        self.prog = prog
        self.clock = clock
        self.enabled = interactive(stream)
        self.start = clock()
        self.drawn_at = 0.0
        self.shown = False

    def __call__(self, phase: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        now = self.clock()
        if now - self.start < self.DELAY or (now - self.drawn_at < self.INTERVAL and done < total):
            return
        self.drawn_at = now
        filled = self.WIDTH * done // total if total else self.WIDTH
        line = f"{self.prog}: {phase} [{'#' * filled}{'.' * (self.WIDTH - filled)}] {done}/{total}"
        columns = shutil.get_terminal_size((80, 24)).columns
        self.stream.write("\r\033[K" + line[: max(10, columns - 1)])
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self.shown = False
