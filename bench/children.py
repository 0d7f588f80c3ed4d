"""Run one measured command as a whole separate process: its wall time, CPU time and peak RSS.

The command is started by bench/launch.py, a small process that spawns it and reads its rusage with
``os.wait4`` (why: see there). On Linux that rusage covers the command and the descendants it waited for
(``--jobs`` workers, semgrep-core): CPU time is their sum, ``ru_maxrss`` the peak of the largest single
process among them (never below the launcher's own ~10 MiB), not a sum.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

LAUNCH = Path(__file__).with_name("launch.py")


@dataclass
class Sample:
    wall: float  # seconds, from the spawn to the reaped exit
    cpu: float  # user + system seconds
    rss_kib: int  # peak resident set size
    returncode: int
    out: bytes
    err: bytes


def run(argv: list[str], env: dict[str, str] | None = None, cwd: str | None = None) -> Sample:
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, tempfile.TemporaryDirectory() as tmp:
        result = Path(tmp) / "rusage.json"
        # -I -S: no site, no user paths: the launcher stays small (its memory is the RSS floor of the command).
        launcher = subprocess.run([sys.executable, "-I", "-S", str(LAUNCH), str(result), "--", *argv], stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=env, cwd=cwd, check=False)
        out.seek(0)
        err.seek(0)
        if launcher.returncode != 0 or not result.exists():
            return Sample(0.0, 0.0, 0, 127, out.read(), err.read())  # could not start the command
        usage = json.loads(result.read_text(encoding="utf-8"))
        return Sample(usage["wall"], usage["cpu"], usage["rss_kib"], usage["returncode"], out.read(), err.read())


@dataclass
class Spread:
    median: float
    low: float
    high: float


def spread(values: list[float]) -> Spread | None:
    return Spread(statistics.median(values), min(values), max(values)) if values else None


def seconds(value: float) -> str:
    if value < 0.01:
        return f"{value * 1000:.1f} ms"
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def span(s: Spread) -> str:
    """'12.1–13.0 s' (one unit for both ends)."""
    if s.high < 1:
        return f"{s.low * 1000:.0f}–{s.high * 1000:.0f} ms"
    return f"{s.low:.2f}–{s.high:.2f} s"
