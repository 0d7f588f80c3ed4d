#!/usr/bin/env python3
"""Regenerate what comes from the rule modules and the demo: ``python tools/update_docs.py``.

README.md's rule table and sample output, and docs/rules/<CODE>.md. tests/test_readme.py fails when any
of them is out of date, naming this script.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analyzer.rules import REGISTRY, docs  # noqa: E402

DOCS = ROOT / "docs" / "rules"

START, END = "<!-- rules:start -->", "<!-- rules:end -->"
SAMPLE_START, SAMPLE_END = "<!-- sample:start -->", "<!-- sample:end -->"


def rule_table() -> str:
    lines = ["| code | name | level | what it finds |", "|---|---|---|---|"]
    for module in REGISTRY:
        rule = module.RULE
        lines.append(f"| {rule.code} | `{rule.name}` | {rule.levels_text} | {rule.summary} |")
    return "\n".join(lines)


def demo_sample() -> str:
    """The first three findings of the README's first command, and its summary."""
    import contextlib
    import io
    import os

    from analyzer.cli import main

    previous, no_color = os.getcwd(), os.environ.get("NO_COLOR")
    out = io.StringIO()
    try:
        os.chdir(ROOT)
        os.environ["NO_COLOR"] = "1"
        with contextlib.redirect_stdout(out):
            main(["scan", "fixtures/demo-plugin"])
    finally:
        os.chdir(previous)
        if no_color is None:
            del os.environ["NO_COLOR"]
        else:
            os.environ["NO_COLOR"] = no_color
    blocks = out.getvalue().strip().split("\n\n")
    return "```text\n" + "\n\n".join(blocks[:3] + [blocks[-1]]) + "\n```"


def _replace(readme: str, start: str, end: str, body: str) -> str:
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
    if not pattern.search(readme):
        raise SystemExit(f"README.md has no {start} … {end} section")
    return pattern.sub(lambda _: f"{start}\n{body}\n{end}", readme)


def updated(readme: str) -> str:
    readme = _replace(readme, START, END, rule_table())
    return _replace(readme, SAMPLE_START, SAMPLE_END, demo_sample())


def rule_pages() -> dict[Path, str]:
    """docs/rules/<CODE>.md for every rule, from its module docstring."""
    return {DOCS / f"{module.RULE.code}.md": docs.as_page(module) for module in REGISTRY}


def main() -> int:
    path = ROOT / "README.md"
    text = path.read_text(encoding="utf-8")
    new = updated(text)
    if new != text:
        path.write_text(new, encoding="utf-8")
        print("README.md updated")
    DOCS.mkdir(parents=True, exist_ok=True)
    pages = rule_pages()
    for page, content in pages.items():
        if not page.exists() or page.read_text(encoding="utf-8") != content:
            page.write_text(content, encoding="utf-8")
            print(f"{page.relative_to(ROOT)} updated")
    for stale in set(DOCS.glob("*.md")) - set(pages):
        stale.unlink()
        print(f"{stale.relative_to(ROOT)} removed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
