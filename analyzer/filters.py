"""The filter step: what the rules found, less what the user has said not to report.

Per-path ignores from the configuration, inline suppressions (reporting those that suppress nothing or
name no code), then the baseline. Suppressed and baselined findings never reach any output.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

import pathspec

from analyzer import baseline as baseline_module
from analyzer import rules as rule_registry
from analyzer import selection
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
    baselined_findings: list[Finding] = field(default_factory=list)


def _per_path_ignored(finding: Finding, root: Path, config: Config | None, specs: list) -> bool:
    if config is None or config.base is None:
        return False
    relative = os.path.relpath(root / finding.span.path, config.base).replace(os.sep, "/")
    if relative.startswith("../"):
        return False
    return any(spec.match_file(relative) and any(finding.code.startswith(c) for c in codes) for spec, codes in specs)


def rule_codes() -> list[str]:
    return [m.RULE.code for m in rule_registry.REGISTRY]


def rule_names() -> list[str]:
    return [m.RULE.name for m in rule_registry.REGISTRY]


def _resolve(suppressions: list[Suppression]) -> tuple[list[Suppression], dict[Suppression, list[tuple[str, str]]]]:
    """Each directive with its rules resolved to codes, and what is wrong with the rules it names."""
    resolved: list[Suppression] = []
    invalid: dict[Suppression, list[tuple[str, str]]] = {}
    for suppression in suppressions:
        codes: list[str] = []
        problems: list[tuple[str, str]] = []  # (the token as written, a suggestion)
        for token in suppression.tokens:
            try:
                code = selection.resolve(token)
            except selection.UnknownRule:
                problems.append((f"'{token}'", selection.did_you_mean(token, rule_codes() + rule_names())))
                continue
            if code == selection.ALL:
                problems.append((f"'{token}'", " (a suppression names the rules it hides)"))
            else:
                codes.append(code)
        done = replace(suppression, codes=tuple(codes)) if suppression.tokens else suppression
        resolved.append(done)
        if problems:
            invalid[done] = problems
    return resolved, invalid


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

    suppressions, invalid = _resolve(suppressions)
    used: set[Suppression] = set()
    visible: list[Finding] = []
    for finding in kept:
        covering = [s for s in suppressions if s.codes and s.covers(finding.span.path, finding.span.line, finding.code)]
        if covering:
            used.update(covering)
        else:
            visible.append(finding)
    outcome = FilterOutcome([], suppressed=len(kept) - len(visible))

    invalid_code, unused_code = wpr901_invalid_suppression.RULE.code, wpr900_unused_suppression.RULE.code
    for suppression in suppressions:
        problems = invalid.get(suppression)
        if (problems or not suppression.codes) and invalid_code in enabled:
            if problems:
                headline = f"'{suppression.text}' names {'a rule that does not exist' if len(problems) == 1 else 'rules that do not exist'}"
                named = ", ".join(token for token, _ in problems)
                hint = problems[0][1] if len(problems) == 1 else ""
                why = f"{named} {'is no rule' if len(problems) == 1 else 'are no rules'}{hint}, and a mistyped rule suppresses nothing"
                fix = "Name rules as 'wp-rest-lint rules' lists them, and put the reason after '--'."
            else:
                headline = f"'{suppression.text}' names no rule, so it is refused"
                why = "a blanket suppression would hide every finding on the line, including ones nobody has seen"
                fix = "Name the rule: 'wp-rest-lint: ignore WPR005 -- reason'."
            visible.append(Finding.explained(invalid_code, "warning", suppression.span, headline=headline, why=why, fix=fix))
        if suppression.codes and suppression not in used and any(any(code.startswith(c) for c in suppression.codes) for code in enabled):
            if unused_code in enabled:
                where = "in this file" if suppression.file_level else "on this line or the next"
                visible.append(
                    Finding.explained(
                        unused_code,
                        "warning",
                        suppression.span,
                        headline=f"'{suppression.text}' suppresses nothing",
                        why=f"no {', '.join(suppression.codes)} finding {where}",
                        fix="Remove the comment.",
                    )
                )

    if baseline is not None:
        visible, outcome.baselined_findings, outcome.stale = baseline_module.apply(visible, baseline, sources)
        outcome.baselined = len(outcome.baselined_findings)
    outcome.findings = sorted(set(visible), key=lambda f: f.sort_key)
    return outcome
