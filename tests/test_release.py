"""Versions and pins: the changelog's top entry is the package version, and the README's Action and
pre-commit blocks point at that release (they pointed at a commit 20 commits old, without the client-side
rules, while --version said 0.1.0 at both)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from analyzer import __version__

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_changelog_top_entry_is_the_package_version() -> None:
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    entries = re.findall(r"^## (\S+)", changelog, re.M)
    assert entries and entries[0] == __version__, f"CHANGELOG.md starts with {entries[:1]}, the package is {__version__}"


def test_readme_pins_the_current_release() -> None:
    action = re.search(r"uses: wp-rest-lint/wp-rest-lint@([0-9a-f]{40}) # v(\S+)", README)
    assert action is not None and action.group(2) == __version__, "run python tools/pin_release.py after tagging the release"
    pre_commit = re.search(r"repo: https://github.com/wp-rest-lint/wp-rest-lint\n\s+rev: (\S+)", README)
    assert pre_commit is not None and pre_commit.group(1) == f"v{__version__}"
    assert f'"tool": {{"name": "wp-rest-lint", "version": "{__version__}"}}' in README


def _git(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True)


def test_the_pinned_commit_is_that_release() -> None:
    """The pinned commit carries this version (so it has today's rules), and is the tag's commit if the
    release tag exists here."""
    if _git("rev-parse", "--git-dir").returncode != 0:
        pytest.skip("not a git checkout (sdist): the pin cannot be looked up")
    sha = re.search(r"uses: wp-rest-lint/wp-rest-lint@([0-9a-f]{40})", README).group(1)
    shown = _git("show", f"{sha}:analyzer/__init__.py")
    assert shown.returncode == 0, f"the README pins {sha}, which is not in this repository; run python tools/pin_release.py"
    assert f'__version__ = "{__version__}"' in shown.stdout, f"the README pins {sha}, which is not version {__version__}"
    tag = _git("rev-parse", "--verify", f"v{__version__}^{{commit}}")
    if tag.returncode == 0:
        assert tag.stdout.strip() == sha, f"tag v{__version__} is {tag.stdout.strip()}, the README pins {sha}"
