"""Reading a rule module's docstring: the one text behind ``wp-rest-lint rule``, SARIF help and README."""

from __future__ import annotations

import inspect
import re
from types import ModuleType

REQUIRED_SECTIONS = ("What it does", "Why is this bad?", "Example", "Use instead", "References")


def text(module: ModuleType) -> str:
    return inspect.cleandoc(module.__doc__ or "")


def sections(module: ModuleType) -> dict[str, str]:
    """The ``## Heading`` sections of a rule's doc, in order."""
    found: dict[str, str] = {}
    current = None
    for line in text(module).splitlines():
        heading = re.match(r"^##\s+(.*?)\s*$", line)
        if heading:
            current = heading.group(1)
            found[current] = ""
        elif current is not None:
            found[current] += line + "\n"
    return {k: v.strip() for k, v in found.items()}


def full_description(module: ModuleType) -> str:
    """The first paragraph of "What it does", as plain text (SARIF fullDescription, at most 1024 chars)."""
    first = sections(module).get("What it does", "").split("\n\n", 1)[0]
    plain = re.sub(r"`([^`]*)`", r"\1", " ".join(first.split()))
    return plain if len(plain) <= 1024 else plain[:1021] + "..."


def as_page(module: ModuleType) -> str:
    """The whole doc as a Markdown page with a title line."""
    rule = module.RULE
    return f"# {rule.code} {rule.name}\n\nLevel: {rule.level}. {rule.summary}\n\n{text(module)}\n"


def plain_text(module: ModuleType) -> str:
    """The doc without Markdown, for readers that show text as it is (SARIF ``help.text``): headings as
    lines of their own, code blocks indented, ``code``, **bold** and [links](url) as plain words."""
    lines: list[str] = []
    in_code = False
    for line in text(module).splitlines():
        if line.startswith("```"):
            in_code = not in_code
            continue
        if in_code:
            lines.append("    " + line)
            continue
        heading = re.match(r"^#+\s+(.*)$", line)
        if heading:
            if lines and lines[-1]:
                lines.append("")
            lines.append(heading.group(1).strip())
            continue
        line = re.sub(r"\[([^\]]*)\]\(([^)]*)\)", r"\1 (\2)", line)
        line = re.sub(r"\*\*([^*]+)\*\*", r"\1", line)
        lines.append(re.sub(r"`([^`]*)`", r"\1", line))
    return "\n".join(lines).strip() + "\n"
