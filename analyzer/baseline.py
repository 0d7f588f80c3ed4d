"""Baselines: adopt the analyzer on a legacy plugin by recording today's findings, then report only new ones.

An entry matches a finding by rule, path and a fingerprint of the code around it — the finding's line and
its nearest non-blank neighbours, whitespace folded — never by line number, so findings survive code
moving above them. Entries that match nothing any more are reported as stale.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from analyzer.findings import Finding
from analyzer.source import SourceFile

VERSION = 1


class BaselineError(Exception):
    """A baseline file that cannot be read."""


def _folded(text: str) -> str:
    return " ".join(text.split())


def fingerprint(finding: Finding, source: SourceFile | None) -> str:
    context = [finding.code, finding.span.path]
    if source is not None:
        lines = source.data.decode("utf-8", "replace").splitlines()
        index = finding.span.line - 1
        before = next((_folded(lines[i]) for i in range(index - 1, -1, -1) if lines[i].strip()), "")
        after = next((_folded(lines[i]) for i in range(index + 1, len(lines)) if lines[i].strip()), "")
        context += [before, _folded(lines[index]) if index < len(lines) else "", after]
    return hashlib.sha256("\n".join(context).encode("utf-8", "surrogateescape")).hexdigest()[:20]


@dataclass(frozen=True)
class Entry:
    code: str
    path: str
    fingerprint: str
    message: str = ""


def write(path: Path, findings: list[Finding], sources: dict[str, SourceFile], kept: list[Entry] | None = None) -> int:
    """Record ``findings``, plus ``kept`` entries of the previous baseline that this scan could not check."""
    entries = sorted(
        [*(Entry(f.code, f.span.path, fingerprint(f, sources.get(f.span.path)), f.plain_message()) for f in findings), *(kept or [])],
        key=lambda e: (e.path, e.code, e.fingerprint),
    )
    document = {
        "version": VERSION,
        "tool": "wp-rest-lint",
        "findings": [{"code": e.code, "path": e.path, "fingerprint": e.fingerprint, "message": e.message} for e in entries],
    }
    # A file name that is not UTF-8 (kept as surrogates) is written as a JSON \udcXX escape, read back as is.
    path.write_bytes((json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8", "backslashreplace"))
    return len(entries)


def load(path: Path) -> list[Entry]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise BaselineError(f"{path}: cannot read: {error.strerror or error}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BaselineError(f"{path}: not a wp-rest-lint baseline (invalid JSON: {error})") from None
    if not isinstance(document, dict) or document.get("version") != VERSION or not isinstance(document.get("findings"), list):
        raise BaselineError(f"{path}: not a wp-rest-lint baseline (version {VERSION} expected; write one with --write-baseline)")
    try:
        return [Entry(e["code"], e["path"], e["fingerprint"], e.get("message", "")) for e in document["findings"]]
    except (KeyError, TypeError):
        raise BaselineError(f"{path}: malformed entry (needs code, path and fingerprint)") from None


def apply(findings: list[Finding], entries: list[Entry], sources: dict[str, SourceFile]) -> tuple[list[Finding], list[Finding], list[Entry]]:
    """Findings not in the baseline, the findings it matched, and the entries that matched nothing."""
    remaining = Counter((e.code, e.path, e.fingerprint) for e in entries)
    kept: list[Finding] = []
    matched: list[Finding] = []
    for finding in sorted(findings, key=lambda f: f.sort_key):
        key = (finding.code, finding.span.path, fingerprint(finding, sources.get(finding.span.path)))
        if remaining[key] > 0:
            remaining[key] -= 1
            matched.append(finding)
        else:
            kept.append(finding)
    stale = []
    for entry in entries:
        key = (entry.code, entry.path, entry.fingerprint)
        if remaining[key] > 0:
            remaining[key] -= 1
            stale.append(entry)
    return kept, matched, stale


def stable_ids(findings: list[Finding], sources: dict[str, SourceFile]) -> list[str]:
    """An id per finding that survives code moving above it: the baseline fingerprint (rule, path, the
    code around the finding) and, for findings sharing one, their order in the file (``<hash>:<n>``).
    Used where a tool tracks findings across runs: SARIF partialFingerprints, GitLab's fingerprint."""
    seen: Counter[str] = Counter()
    ids = []
    for finding in findings:
        hashed = fingerprint(finding, sources.get(finding.span.path))
        seen[hashed] += 1
        ids.append(f"{hashed}:{seen[hashed]}")
    return ids
