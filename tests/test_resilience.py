"""A file, a route or a rule that trips the analyzer is reported, and every other finding still is."""

from __future__ import annotations

import shutil
from pathlib import Path

import analyzer.parse
from analyzer.php.routes import RouteResolver
from analyzer.rules import wpr016_permission_callback_non_boolean as wpr016
from analyzer.scan import scan

DEMO = Path(__file__).resolve().parent.parent / "fixtures" / "demo-plugin"
DEMO_CODES = ["WPR001", "WPR001", "WPR005", "WPR005", "WPR006", "WPR006", "WPR007", "WPR015", "WPR016"]


def _codes(result) -> list[str]:
    return sorted(f.code for f in result.findings)


def test_a_file_that_breaks_extraction_costs_only_itself(tmp_path: Path, monkeypatch) -> None:
    plugin = tmp_path / "plugin"
    shutil.copytree(DEMO, plugin)
    (plugin / "odd.php").write_text("<?php register_rest_route( 'odd/v1', '/x', array() );\n")
    real_extract = analyzer.parse.extract

    def flaky(source, tree):
        if source.path == "odd.php":
            raise AttributeError("simulated extractor bug")
        return real_extract(source, tree)

    monkeypatch.setattr(analyzer.parse, "extract", flaky)
    result = scan([plugin])
    assert _codes(result) == DEMO_CODES
    assert [(e.path, e.message) for e in result.errors] == [
        ("odd.php", "could not analyse this file (AttributeError: simulated extractor bug)")
    ]


def test_a_route_that_breaks_resolution_costs_only_itself(monkeypatch) -> None:
    real = RouteResolver._route_endpoints

    def flaky(self, call, env):
        if call.span.path == "acme-forms.php" and call.span.line == 34:  # the /settings/reset route
            raise KeyError("simulated evaluator bug")
        return real(self, call, env)

    monkeypatch.setattr(RouteResolver, "_route_endpoints", flaky)
    result = scan([DEMO])
    codes = _codes(result)
    # Only the reset route's WPR006 is gone, and WPR015 (the request's route might be the failed one).
    assert codes == ["WPR001", "WPR001", "WPR005", "WPR005", "WPR006", "WPR007", "WPR016"]
    assert [e.path for e in result.errors] == ["acme-forms.php"]
    assert "line 34: could not resolve this route (KeyError" in result.errors[0].message


def test_a_failing_rule_costs_only_its_own_findings(monkeypatch) -> None:
    def broken(model):
        raise RuntimeError("simulated rule bug")
        yield  # pragma: no cover

    monkeypatch.setattr(wpr016, "check", broken)
    result = scan([DEMO])
    assert _codes(result) == ["WPR001", "WPR001", "WPR005", "WPR005", "WPR006", "WPR006", "WPR007", "WPR015"]
    assert [e.message for e in result.errors] == ["rule WPR016 failed (RuntimeError: simulated rule bug)"]


def test_syntax_errors_and_html_only_files_do_not_stop_the_scan(tmp_path: Path) -> None:
    plugin = tmp_path / "plugin"
    shutil.copytree(DEMO, plugin)
    (plugin / "broken.php").write_text("<?php function ( { register_rest_route( 'x/v1', '/y', array( 'methods' => 'POST', \n")
    (plugin / "template.php").write_text("<div><p>Only HTML, register_rest_route mentioned in text.</p></div>\n")
    (plugin / "empty.php").write_text("")
    (plugin / "binary.php").write_bytes(b"\x00\xff\xfe<?php \x00 register_rest_route")
    result = scan([plugin])
    # The truncated call in broken.php has no endpoint array tree-sitter can recover: nothing to report.
    assert [(f.span.path, f.span.line, f.code) for f in result.findings] == [
        ("acme-forms.php", 30, "WPR005"),
        ("acme-forms.php", 37, "WPR006"),
        ("acme-forms.php", 44, "WPR005"),
        ("acme-forms.php", 78, "WPR007"),
        ("assets/js/admin.js", 8, "WPR001"),
        ("assets/js/admin.js", 16, "WPR015"),
        ("assets/js/admin.js", 18, "WPR001"),
        ("includes/class-acme-forms-submissions-controller.php", 28, "WPR006"),
        ("includes/permissions.php", 17, "WPR016"),
    ]
    assert [(e.path, e.message) for e in result.errors] == [("binary.php", "binary file (contains NUL bytes): skipped")]
    assert result.stats.files_seen == 8
