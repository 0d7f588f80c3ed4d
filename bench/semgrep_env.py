"""semgrep for the comparison: its own venv (bench/.semgrep-venv, made by ``--install-semgrep``), its version,
the scan command the installed version accepts, and a check of bench/semgrep-rules.yml."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
VENV = HERE / ".semgrep-venv"
RULES = HERE / "semgrep-rules.yml"
# No metrics, no version check: nothing leaves the machine, and no network wait is timed.
ENV = {**os.environ, "SEMGREP_SEND_METRICS": "off", "SEMGREP_ENABLE_VERSION_CHECK": "0", "NO_COLOR": "1"}
_MARKUP = re.compile(r".\x08|\x1b\[[0-9;]*m")  # man-page overstrike and ANSI colours in --help


def _bin(name: str) -> Path:
    return VENV / ("Scripts" if os.name == "nt" else "bin") / name


def install() -> bool:
    """Create the venv and pip-install semgrep into it; True when its semgrep runs."""
    print(f"semgrep: installing into {VENV} …", flush=True)
    steps = [[sys.executable, "-m", "venv", str(VENV)], [str(_bin("python")), "-m", "pip", "install", "--quiet", "--upgrade", "semgrep"]]
    for step in steps:
        if subprocess.run(step, check=False).returncode != 0:
            print(f"semgrep: install failed ({' '.join(step)})")
            return False
    return find() is not None


def find() -> Path | None:
    exe = _bin("semgrep")
    return exe if exe.exists() else None


def _output(argv: list[str]) -> tuple[int, str]:
    done = subprocess.run(argv, capture_output=True, text=True, env=ENV, stdin=subprocess.DEVNULL, check=False)
    return done.returncode, _MARKUP.sub("", done.stdout + done.stderr)


def version(exe: Path) -> str:
    code, out = _output([str(exe), "--version"])
    return out.strip().splitlines()[-1] if code == 0 and out.strip() else "unknown version"


def scan_argv(exe: Path, target: Path) -> tuple[list[str], str]:
    """The measured command, with the flags this semgrep accepts; and how many jobs it runs."""
    _, help_text = _output([str(exe), "scan", "--help"])
    argv = [str(exe), "scan", "--config", str(RULES)]
    for flag in ("--metrics=off", "--disable-version-check", "--json", "--quiet"):
        if flag.split("=")[0] in help_text:
            argv.append(flag)
    jobs = "its default jobs"
    if re.search(r"(^|\s)(-j|--jobs)\b", help_text):
        argv += ["-j", "1"]  # one process, like the analyzer's --jobs 1
        jobs = "-j 1"
    return [*argv, str(target)], jobs


def validate(exe: Path) -> tuple[bool, str]:
    """semgrep's own ``--validate`` (run once, after installing: offline it spends minutes failing to fetch
    semgrep's rule lints, and then falls back on :func:`check`)."""
    code, out = _output([str(exe), "scan", "--validate", "--config", str(RULES), "--metrics=off"])
    if code == 0:
        return True, "rules valid (semgrep --validate)"
    if "semgrep-rule-lints" not in out:  # anything but the lint download is about our rules
        return False, out.strip()[-2000:]
    valid, checked = check(exe)
    return valid, f"{checked}; semgrep --validate could not fetch its rule lints (offline)"


def check(exe: Path) -> tuple[bool, str]:
    """(the rule file is usable, what was checked): every rule compiles, run on an empty folder (a bad
    pattern or schema is a JSON error)."""
    with tempfile.TemporaryDirectory() as empty:
        argv, _ = scan_argv(exe, Path(empty))
        code, out = _output(argv)
    try:
        errors = json.loads(out[out.index("{") :])["errors"]
    except (ValueError, KeyError):
        return False, out.strip()[-2000:]
    if code not in (0, 1) or errors:
        return False, json.dumps(errors, indent=1)[-2000:] if errors else out.strip()[-2000:]
    return True, "rules compile"
