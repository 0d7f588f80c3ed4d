"""README.md stays true: its generated rule table, its two set-up commands, and .ci/run's use of them."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _shell_blocks() -> list[str]:
    return [block.strip() for block in re.findall(r"```sh\n(.*?)```", README, re.S)]


def test_rule_table_and_sample_are_generated() -> None:
    """The rule table comes from the rule modules, the sample from scanning the demo plugin."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("update_docs", ROOT / "tools" / "update_docs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.updated(README) == README, "README.md is out of date: run python tools/update_docs.py"


def test_exactly_two_setup_commands() -> None:
    blocks = _shell_blocks()
    assert len(blocks) == 2, blocks
    scan_command, test_command = blocks
    assert "pip install ." in scan_command and "wp-rest-lint scan fixtures/demo-plugin" in scan_command
    assert "pytest" in test_command


def test_ci_runs_the_readme_test_command() -> None:
    test_command = _shell_blocks()[1]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test_command in ci.splitlines()
