"""The filter step: what the rules found, less what the user has said not to report.

Per-path ignores from the configuration, inline suppressions (reporting those that suppress nothing or
name no code), then the baseline. Suppressed and baselined findings never reach any output.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pathspec

from analyzer import baseline as baseline_module
from analyzer.config import Config
from analyzer.findings import Finding
from analyzer.rules import wpr900_unused_suppression, wpr901_invalid_suppression
from analyzer.source import SourceFile
from analyzer.suppressions import Suppression


@dataclass
class FilterOutcome:
    findings: list[Finding]
    suppressed: int = 0
    baselined: int = 0
    stale: list[baseline_module.Entry] = field(default_factory=list)


def _per_path_ignored(finding: Finding, root: Path, config: Config | None, specs: list) -> bool:
    if config is None or config.base is None:
        return False
    relative = os.path.relpath(root / finding.span.path, config.base).replace(os.sep, "/")
    if relative.startswith("../"):
        return False
    return any(spec.match_file(relative) and any(finding.code.startswith(c) for c in codes) for spec, codes in specs)


def apply(
    findings: list[Finding],
    *,
    root: Path,
    enabled: set[str],
    suppressions: list[Suppression],
    config: Config | None,
    baseline: list[baseline_module.Entry] | None,
    sources: dict[str, SourceFile],
) -> FilterOutcome:
    specs = [(pathspec.GitIgnoreSpec.from_lines([pattern]), codes) for pattern, codes in (config.per_path_ignores if config else ())]
    kept = [f for f in findings if not _per_path_ignored(f, root, config, specs)]

    used: set[Suppression] = set()
    visible: list[Finding] = []
    for finding in kept:
        covering = [s for s in suppressions if s.codes and s.covers(finding.span.path, finding.span.line, finding.code)]
        if covering:
            used.update(covering)
        else:
            visible.append(finding)
    outcome = FilterOutcome([], suppressed=len(kept) - len(visible))

    for suppression in suppressions:
        if not suppression.codes:
            if wpr901_invalid_suppression.RULE.code in enabled:
                message = (
                    f"'{suppression.text}' names no rule code, so it is refused and suppresses nothing. Name the "
                    f"code: 'wp-rest-lint: ignore WPR005 -- reason'."
                )
                visible.append(Finding(wpr901_invalid_suppression.RULE.code, "warning", message, suppression.span))
        elif suppression not in used and any(any(code.startswith(c) for c in suppression.codes) for code in enabled):
            if wpr900_unused_suppression.RULE.code in enabled:
                where = "in this file" if suppression.file_level else "on this line or the next"
                message = (
                    f"'{suppression.text}' suppresses nothing: no {', '.join(suppression.codes)} finding {where}. "
                    f"Remove the comment."
                )
                visible.append(Finding(wpr900_unused_suppression.RULE.code, "warning", message, suppression.span))

    if baseline is not None:
        visible, outcome.baselined, outcome.stale = baseline_module.apply(visible, baseline, sources)
    outcome.findings = sorted(set(visible), key=lambda f: f.sort_key)
    return outcome
