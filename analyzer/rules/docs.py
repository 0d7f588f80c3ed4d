"""Reading a rule module's docstring: the one text behind ``wp-rest-lint rule``, SARIF help and README."""

from __future__ import annotations

import functools
import inspect
import json
import re
from pathlib import Path
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
    return f"# {rule.code} {rule.name}\n\nLevel: {rule.level}. {rule.summary}\n\n{help_text(module)}"


# What the live suite saw (tests/live writes it; see its docstring) -------------------------------------------
OBSERVED = Path(__file__).with_name("observed.json")
_SITE = "http://127.0.0.1:8080"


@functools.lru_cache(maxsize=1)
def _observed() -> dict:
    try:
        return json.loads(OBSERVED.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def observed_rows(code: str) -> list[dict]:
    """The live cases about rule ``code``: those its findings claim, and the corrected patterns of its probes."""
    rows = []
    for name, cases in _observed().get("probes", {}).items():
        own = name.upper().startswith(code)
        rows.extend(row for row in cases if code in row["findings"] or (own and "expected" in row))
    return rows


def _user(user: str | None) -> str:
    return {"visitor": "as user 0", "logged-in": "as the logged-in user"}.get(user or "", f"as {user}" if user else "")


def describe(answer: dict | None) -> str:
    """'403 rest_cookie_invalid_nonce', '200, as user 0', 'no request (ReferenceError: …)' for a claim or an
    observation."""
    if answer is None:
        return "not observed"
    if answer.get("sent") is False:
        error = answer.get("error")
        return f"no request sent ({error})" if error else "no request sent"
    parts = [str(answer["status"])] if answer.get("status") is not None else []
    if answer.get("code"):
        parts[-1:] = [f"{parts[-1] if parts else ''} {answer['code']}".strip()]
    if answer.get("body") == "html":
        parts.append("an HTML page")
    elif answer.get("body") in ("-1", "0"):
        parts.append(f"body {answer['body']}")
    if answer.get("user"):
        parts.append(_user(answer["user"]))
    return ", ".join(parts) or "(states no status)"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def observed_section(code: str) -> str:
    """The "Observed" section of a rule's doc: the requests, the versions, and what came back."""
    data = _observed()
    rows = observed_rows(code)
    stated = [s for s in data.get("stated", []) if s["rule"] == code]
    if not rows:
        return "## Observed\n\nNo live probe: this rule is not about a request WordPress answers.\n"
    env = data["environment"]
    lines = [
        "## Observed",
        "",
        f"Live run on WordPress {env['wordpress']} (PHP {env['php']}, {env['server']}, MariaDB {env['mariadb']}) "
        f"in {env['browser']}, headless, with the probe plugins in `tests/live/probes/`. Each request was sent by "
        "the probe's page (or a form on another origin); the suite fails when a finding's claim and the browser "
        "disagree.",
        "",
        "| case | as | request | the finding says | observed |",
        "|---|---|---|---|---|",
    ]
    for row in rows:
        seen = row["observed"]
        request = seen.get("request", "—").replace(_SITE, "")
        if code in row.get("claims", {}):
            said = describe(row["claims"][code])
        else:
            said = f"no {code} finding; expected {describe(row.get('expected'))}"
        when = f" ({row['when']})" if row.get("when") else ""
        shown = describe(seen)
        body = seen.get("body")
        if seen.get("sent") and body and body != "html" and body not in ("-1", "0"):
            shown += f": `{body}`"
        lines.append(f"| {_cell(row['description'])}{when} | {row['as']} | `{_cell(request)}` | {_cell(said)} | {_cell(shown)} |")
    for item in stated:
        lines.append(f"| {_cell(item['request'])} ({item['condition']}) | admin | — | — | {_cell(describe(item['observed']))} — {_cell(item['source'])} |")
    return "\n".join(lines) + "\n"


def help_text(module: ModuleType) -> str:
    """The rule's doc with what the live run observed: SARIF help, ``wp-rest-lint rule``, docs/rules."""
    return f"{text(module)}\n\n{observed_section(module.RULE.code)}"


def plain_text(module: ModuleType) -> str:
    """:func:`help_text` without Markdown, for readers that show text as it is (SARIF ``help.text``): headings
    as lines of their own, code blocks indented, ``code``, **bold** and [links](url) as plain words, tables as
    rows of cells."""
    lines: list[str] = []
    in_code = False
    for line in help_text(module).splitlines():
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
        if re.match(r"^\|[-| ]+\|$", line):
            continue  # a table's header separator
        if line.startswith("|"):
            line = " — ".join(cell.strip().replace("\\|", "|") for cell in line.strip("|").split(" | "))
        line = re.sub(r"\[([^\]]*)\]\(([^)]*)\)", r"\1 (\2)", line)
        line = re.sub(r"\*\*([^*]+)\*\*", r"\1", line)
        lines.append(re.sub(r"`([^`]*)`", r"\1", line))
    return "\n".join(lines).strip() + "\n"
