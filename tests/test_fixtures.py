"""Every fixture plugin under fixtures/ is scanned and checked against its inline annotations."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzer.rules import REGISTRY
from tests.annotations import Expectation, check_case, read_annotations

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
RULE_CASES = sorted(p for p in (FIXTURES / "rules").glob("*/*") if p.is_dir())
SUPPRESSION_CASES = sorted(p for p in (FIXTURES / "suppressions").glob("*") if p.is_dir())
PLUGIN_CASES = sorted(p for p in (FIXTURES / "plugins").glob("*") if p.is_dir())  # whole plugins, as users bring them
PROJECT_CASES = sorted(p for p in (FIXTURES / "projects").glob("*") if p.is_dir())  # several plugins in one tree
ALL_CASES = [FIXTURES / "demo-plugin", *SUPPRESSION_CASES, *PLUGIN_CASES, *PROJECT_CASES, *RULE_CASES]
MODEL_RULES = [m for m in REGISTRY if m.RULE.queries]  # rules over the model; the rest come from the filter step


@pytest.mark.parametrize("case", ALL_CASES, ids=lambda p: p.relative_to(FIXTURES).as_posix())
def test_fixture_annotations(case: Path) -> None:
    _, problems = check_case(case)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("module", MODEL_RULES, ids=lambda m: m.RULE.code)
def test_every_rule_has_six_cases_with_bugs_and_look_alikes(module) -> None:
    code = module.RULE.code
    cases = [p for p in RULE_CASES if p.parent.name == code]
    assert len(cases) >= 6, f"{code} has {len(cases)} fixture cases, needs at least 6"
    expects = oks = 0
    for case in cases:
        annotations = read_annotations(case)
        expects += sum(1 for e in annotations.expected if e.code == code)
        oks += sum(1 for _, _, c in annotations.ok if c == code)
    assert expects >= 6, f"{code}: only {expects} bug expectations"
    assert oks >= 6, f"{code}: only {oks} look-alikes marked ok"


def test_suppression_rules_have_cases() -> None:
    codes = {e.code for case in SUPPRESSION_CASES for e in read_annotations(case).expected}
    assert {"WPR900", "WPR901"} <= codes


def test_demo_plugin_source_is_clean_code() -> None:
    """Users read the demo plugin: its expectations live in demo-plugin.expect, not in its comments."""
    demo = FIXTURES / "demo-plugin"
    for path in demo.rglob("*"):
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            assert "expect:" not in text and "ok: WPR" not in text, path
    annotations = read_annotations(demo)
    assert Expectation("acme-forms.php", 30, "WPR005", "error") in annotations.expected
    assert ("includes/permissions.php", 9, "WPR016") in annotations.ok
