#!/usr/bin/env python3
"""Regenerate the parts of README.md that come from the rule modules: ``python tools/update_docs.py``.

tests/test_readme.py fails when README.md is out of date, naming this script.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analyzer.rules import REGISTRY  # noqa: E402

START, END = "<!-- rules:start -->", "<!-- rules:end -->"


def rule_table() -> str:
    lines = ["| code | name | level | what it finds |", "|---|---|---|---|"]
    for module in REGISTRY:
        rule = module.RULE
        lines.append(f"| {rule.code} | `{rule.name}` | {rule.levels_text} | {rule.summary} |")
    return "\n".join(lines)


def updated(readme: str) -> str:
    pattern = re.compile(re.escape(START) + r".*?" + re.escape(END), re.S)
    if not pattern.search(readme):
        raise SystemExit(f"README.md has no {START} … {END} section")
    return pattern.sub(lambda _: f"{START}\n{rule_table()}\n{END}", readme)


def main() -> int:
    path = ROOT / "README.md"
    text = path.read_text(encoding="utf-8")
    new = updated(text)
    if new != text:
        path.write_text(new, encoding="utf-8")
        print("README.md updated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
