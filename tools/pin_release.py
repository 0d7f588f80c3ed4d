#!/usr/bin/env python3
"""Point the README's Action and pre-commit blocks at the current release: ``python tools/pin_release.py``.

Run it after tagging the release commit (``git tag vX.Y.Z <commit>``, X.Y.Z being analyzer.__version__):
the Action is pinned to the tag's commit SHA with a ``# vX.Y.Z`` comment, pre-commit to the tag, and the
version in the README's JSON example follows. tests/test_release.py fails until the pins are current.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analyzer import __version__  # noqa: E402

ACTION_PIN = re.compile(r"(uses: wp-rest-lint/wp-rest-lint@)[0-9a-f]{40} # v[\w.]+")
PRE_COMMIT_PIN = re.compile(r"(repo: https://github.com/wp-rest-lint/wp-rest-lint\n\s+rev: )\S+")
JSON_VERSION = re.compile(r'("tool": \{"name": "wp-rest-lint", "version": ")[^"]+(")')


def pinned(readme: str, sha: str, version: str) -> str:
    readme = ACTION_PIN.sub(lambda m: f"{m.group(1)}{sha} # v{version}", readme)
    readme = PRE_COMMIT_PIN.sub(lambda m: f"{m.group(1)}v{version}", readme)
    return JSON_VERSION.sub(lambda m: f"{m.group(1)}{version}{m.group(2)}", readme)


def main(argv: list[str]) -> int:
    ref = argv[0] if argv else f"v{__version__}"
    done = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--verify", f"{ref}^{{commit}}"], capture_output=True, text=True)
    if done.returncode != 0:
        print(f"pin_release: {ref} is not a commit here; tag the release first: git tag v{__version__} <commit>", file=sys.stderr)
        return 2
    sha = done.stdout.strip()
    path = ROOT / "README.md"
    text = path.read_text(encoding="utf-8")
    new = pinned(text, sha, __version__)
    if new != text:
        path.write_text(new, encoding="utf-8")
        print(f"README.md pinned to {sha} (v{__version__})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
