#!/usr/bin/env python3
"""The GitHub Action's scan step: runs wp-rest-lint with the action's inputs (from INPUT_* environment
variables, never from expressions pasted into a script) and writes the step outputs.

One scan writes the SARIF report, the annotations (to the log, as workflow commands) and the job summary
(a Markdown table, to $GITHUB_STEP_SUMMARY). The exit code is recorded for the gate step, which applies it
after the upload, so findings reach code scanning even when the job is going to fail. Whatever the inputs,
a problem is one ``::error`` line, never a traceback.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

# Options the action sets itself from its inputs; in `args` they would fight it.
RESERVED = {
    "--format": "the action writes SARIF, annotations and the job summary itself",
    "--output-format": "the action writes SARIF, annotations and the job summary itself",
    "-o": "use the sarif-file input",
    "--output": "use the sarif-file input",
    "--fail-on": "use the fail-on input",
    "--config": "use the config input",
    "--sarif-category": "use the category input",
    "--write-baseline": "write the baseline where you run wp-rest-lint yourself, commit it, and pass --baseline FILE",
    "--only-files": "the action scans whole plugins",
    "--stdin-filename": "the action scans files on disk",
    "--cache-dir": "the action keeps the facts cache itself; set the cache input to false to scan without it",
    "--no-cache": "set the cache input to false",
}


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def _output(name: str, value: str) -> None:
    path = os.environ.get("GITHUB_OUTPUT")
    if path:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(f"{name}={value}\n")
    else:
        print(f"{name}={value}")


def _error(message: str) -> None:
    print(f"::error title=wp-rest-lint::{message.replace('%', '%25').replace(chr(10), '%0A')}")


def _reserved(args: list[str]) -> str | None:
    for token in args:
        name = token.split("=", 1)[0]
        if name in RESERVED:
            return f"the 'args' input cannot hold {name}: {RESERVED[name]}"
        if token.startswith("-o") and not token.startswith("--"):
            return f"the 'args' input cannot hold -o: {RESERVED['-o']}"
    return None


def main() -> int:
    from analyzer import __version__

    _output("version", __version__)
    executable = [sys.executable, "-m", "analyzer"]
    target = _env("INPUT_PATH", ".") or "."
    sarif = _env("INPUT_SARIF_FILE", "wp-rest-lint.sarif") or "wp-rest-lint.sarif"
    fail_on = _env("INPUT_FAIL_ON", "warning") or "warning"
    try:
        extra = shlex.split(_env("INPUT_ARGS"))
    except ValueError as error:
        _error(f"the 'args' input cannot be parsed: {error}")
        return 2
    problem = _reserved(extra)
    if problem is not None:
        _error(problem)
        _output("exit-code", "2")
        return 0  # the gate step fails the job

    command = [*executable, "scan", target, *extra, "--format", f"sarif:{sarif}", "--fail-on", fail_on]
    if _env("INPUT_ANNOTATIONS", "true").lower() == "true":
        command += ["--format", "github"]
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        command += ["--format", f"markdown:{summary}"]
    if _env("INPUT_CONFIG"):
        command += ["--config", _env("INPUT_CONFIG")]
    if _env("INPUT_CATEGORY"):
        command += ["--sarif-category", _env("INPUT_CATEGORY")]
    # The folder the action's cache steps restore and save (action.yml).
    if _env("INPUT_CACHE", "true").lower() == "true" and os.environ.get("RUNNER_TEMP"):
        command += ["--cache-dir", str(Path(os.environ["RUNNER_TEMP"]) / "wp-rest-lint-cache")]
    else:
        command += ["--no-cache"]

    scan = subprocess.run(command)
    if scan.returncode not in (0, 1):
        _error(f"the scan failed (exit code {scan.returncode}): see the line above")
        _output("exit-code", str(scan.returncode))
        return 0  # the gate step fails the job; nothing to upload
    try:
        count = len(json.loads(Path(sarif).read_text(encoding="utf-8"))["runs"][0].get("results", []))
    except (OSError, ValueError, KeyError, IndexError) as error:
        _error(f"no SARIF report at {sarif}: {error}")
        _output("exit-code", "2")
        return 0
    _output("exit-code", str(scan.returncode))
    _output("sarif-file", sarif)
    _output("findings-count", str(count))
    print(f"wp-rest-lint {__version__}: {count} finding{'s' if count != 1 else ''}; SARIF written to {sarif}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as error:  # never a traceback in the job log
        _error(f"internal error: {type(error).__name__}: {error}")
        sys.exit(2)
