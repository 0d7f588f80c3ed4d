"""Every rule module carries its full documentation and metadata; the registry is consistent."""

from __future__ import annotations

import re

import pytest

from analyzer import queries
from analyzer.rules import REGISTRY, docs


@pytest.mark.parametrize("module", REGISTRY, ids=lambda m: m.RULE.code)
def test_rule_has_doc_and_metadata(module) -> None:
    rule = module.RULE
    assert re.fullmatch(r"WPR\d{3}", rule.code)
    assert re.fullmatch(r"[a-z]+(-[a-z]+)+", rule.name)
    assert module.__name__.endswith(rule.code.lower() + "_" + rule.name.replace("-", "_"))
    assert rule.summary.endswith(".") and len(rule.summary) <= 120
    assert rule.confidence in ("very-high", "high", "medium", "low")
    sections = docs.sections(module)
    assert list(sections)[:5] == list(docs.REQUIRED_SECTIONS), list(sections)
    assert all(sections[s] for s in docs.REQUIRED_SECTIONS)
    assert "Failure stage" in sections["Why is this bad?"]
    assert "https://" in sections["References"]
    assert 0 < len(docs.full_description(module)) <= 1024
    for spec in rule.queries:
        language, _, name = spec.partition("/")
        assert name in queries.available(language)
    if rule.security_severity is not None:
        assert 0.0 < float(rule.security_severity) <= 10.0 and rule.cwe
    assert callable(module.check)


def test_registry_codes_are_unique_and_ordered() -> None:
    codes = [m.RULE.code for m in REGISTRY]
    assert codes == sorted(set(codes))


def _update_docs():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "tools" / "update_docs.py"
    spec = importlib.util.spec_from_file_location("update_docs", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_rule_pages_are_generated() -> None:
    """docs/rules/<CODE>.md are the rule docs plus what the live suite observed (analyzer/rules/observed.json)."""
    pages = _update_docs().rule_pages()
    for page, content in pages.items():
        assert page.exists() and page.read_text(encoding="utf-8") == content, (
            f"{page.name} is out of date: run python tools/update_docs.py"
        )


# Rules about the analyzer's own comments: nothing is sent to WordPress, so there is nothing to observe.
NOT_A_REQUEST = {"WPR900", "WPR901"}


@pytest.mark.parametrize("module", REGISTRY, ids=lambda m: m.RULE.code)
def test_every_rule_was_observed_live(module) -> None:
    """Each rule's findings were checked in a browser: a case its finding claims, and a corrected pattern,
    and the committed observations agree with the claims (tests/live checks them against the browser)."""
    from tests.live.test_live_rules import mismatches

    code = module.RULE.code
    rows = docs.observed_rows(code)
    if code in NOT_A_REQUEST:
        assert not rows
        assert "No live probe" in docs.observed_section(code)
        return
    claimed = [row for row in rows if code in row.get("claims", {})]
    corrected = [row for row in rows if code not in row["findings"]]
    assert claimed, f"{code}: no live case checks what its findings claim"
    assert corrected, f"{code}: no live case shows the corrected pattern working"
    for row in claimed:
        assert not mismatches(row["claims"][code], row["observed"]), (code, row["case"])
    for row in corrected:
        assert not mismatches(row["expected"], row["observed"]), (code, row["case"])
    section = docs.observed_section(code)
    assert section.startswith("## Observed") and "WordPress 6." in section and "Chromium" in section
    assert section in docs.as_page(module)


# Syntax newer than PHP 7.0, which WordPress still runs on: arrow functions (7.4), nullsafe calls and match (8.0).
_NEWER_PHP = re.compile(r"\bfn\s*\(|\?->|\bmatch\s*\(")


@pytest.mark.parametrize("module", REGISTRY, ids=lambda m: m.RULE.code)
def test_suggested_fix_in_the_docs_runs_on_old_php(module) -> None:
    assert not _NEWER_PHP.search(docs.sections(module)["Use instead"])


def test_suggested_fixes_in_findings_run_on_old_php() -> None:
    from pathlib import Path

    from analyzer.scan import scan

    fixtures = Path(__file__).resolve().parent.parent / "fixtures"
    cases = [fixtures / "demo-plugin", *sorted(p for p in fixtures.glob("*/*") if p.is_dir())]
    seen = 0
    for case in cases:
        for finding in scan([case]).findings:
            parts = finding.explanation()
            assert not _NEWER_PHP.search(parts.fix + " " + parts.why), f"{case.name}: {finding.code}: {parts.fix}"
            seen += bool(parts.fix)
    assert seen > 100
