#!/usr/bin/env python3
"""The GitHub Action's scan step: runs wp-rest-lint with the action's inputs (from INPUT_* environment
variables, never from expressions pasted into a script) and writes the step outputs.

It writes SARIF, optionally prints annotations, and records the exit code the gate step applies after the
upload, so findings reach code scanning even when the job is going to fail.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def _output(name: str, value: str) -> None:
    path = os.environ.get("GITHUB_OUTPUT")
    if path:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(f"{name}={value}\n")
    else:
        print(f"{name}={value}")


def main() -> int:
    executable = [sys.executable, "-m", "analyzer"]
    target = _env("INPUT_PATH", ".") or "."
    sarif = _env("INPUT_SARIF_FILE", "wp-rest-lint.sarif") or "wp-rest-lint.sarif"
    fail_on = _env("INPUT_FAIL_ON", "warning") or "warning"
    try:
        extra = shlex.split(_env("INPUT_ARGS"))
    except ValueError as error:
        print(f"::error title=wp-rest-lint::the 'args' input cannot be parsed: {error}")
        return 2
    common = [target, *extra]
    if _env("INPUT_CONFIG"):
        common += ["--config", _env("INPUT_CONFIG")]

    scan = subprocess.run([*executable, "scan", *common, "--format", "sarif", "-o", sarif, "--fail-on", fail_on])
    if scan.returncode not in (0, 1):
        print(f"::error title=wp-rest-lint::the scan failed (exit code {scan.returncode}); see the log above")
        _output("exit-code", str(scan.returncode))
        return 0  # the gate step fails the job; nothing to upload

    count = len(json.loads(Path(sarif).read_text(encoding="utf-8"))["runs"][0].get("results", []))
    _output("sarif-file", sarif)
    _output("findings-count", str(count))
    _output("exit-code", str(scan.returncode))

    if _env("INPUT_ANNOTATIONS", "true").lower() == "true" and count:
        subprocess.run([*executable, "scan", *common, "--format", "github", "--fail-on", "never"])
    print(f"wp-rest-lint: {count} finding{'s' if count != 1 else ''}; SARIF written to {sarif}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
