"""SARIF: every log the fixtures produce validates against OASIS 2.1.0 and carries what GitHub needs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analyzer.findings import Finding, Related, ref
from analyzer.formatters import OutputContext, render
from analyzer.formatters.sarif import sarif_message
from analyzer.scan import scan
from analyzer.source import Span
from tests import sarif_check
from tests.test_fixtures import ALL_CASES, FIXTURES


def test_schema_is_the_official_one() -> None:
    import hashlib

    assert hashlib.sha256(sarif_check.schema_bytes()).hexdigest() == sarif_check.OASIS_SCHEMA_SHA256


def test_validator_rejects_what_github_would() -> None:
    good = json.loads(render("sarif", scan([FIXTURES / "demo-plugin"]), OutputContext()))
    bad_level = json.loads(json.dumps(good))
    bad_level["runs"][0]["results"][0]["level"] = "critical"
    assert list(sarif_check.validator().iter_errors(bad_level))
    bad_line = json.loads(json.dumps(good))
    bad_line["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0
    assert list(sarif_check.validator().iter_errors(bad_line))
    no_message = json.loads(json.dumps(good))
    del no_message["runs"][0]["results"][0]["message"]
    assert list(sarif_check.validator().iter_errors(no_message))


@pytest.mark.parametrize("case", ALL_CASES, ids=lambda p: p.relative_to(FIXTURES).as_posix())
def test_every_fixture_log_is_valid(case: Path) -> None:
    log = sarif_check.assert_valid_sarif(render("sarif", scan([case]), OutputContext(uri_prefix="plugins/x/")))
    for result in log["runs"][0]["results"]:
        assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].startswith("plugins/x/")


def test_demo_log_shape() -> None:
    log = sarif_check.assert_valid_sarif(render("sarif", scan([FIXTURES / "demo-plugin"]), OutputContext()))
    run = log["runs"][0]
    assert list(log)[:3] == ["$schema", "version", "runs"]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert rules["WPR005"]["name"] == "public-write-route"
    assert rules["WPR005"]["properties"]["security-severity"] == "8.1"
    assert "external/cwe/cwe-862" in rules["WPR005"]["properties"]["tags"]
    results = {(r["ruleId"], r["level"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in run["results"]}
    assert ("WPR005", "note", "acme-forms.php", 44) in results
    assert ("WPR016", "error", "includes/permissions.php", 17) in results
    # the cross-file WPR005 links its message to the callback's definition in another file
    settings = next(r for r in run["results"] if r["ruleId"] == "WPR005" and r["level"] == "error")
    assert "[acme\\_forms\\_allow()](1)" in settings["message"]["text"] or "[acme_forms_allow()](1)" in settings["message"]["text"]
    assert settings["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "includes/permissions.php"


def test_message_links_and_brackets_are_escaped() -> None:
    span = Span("a.php", 1, 1, 1, 2)
    finding = Finding("WPR005", "error", f"{ref(1, '[ $this, ' + chr(39) + 'm' + chr(39) + ' ]')} grants [always]", span, (Related(span, "x"),))
    assert sarif_message(finding) == "[\\[ $this, 'm' \\]](1) grants \\[always\\]"
    assert finding.plain_message() == "[ $this, 'm' ] (a.php:1) grants [always]"


def test_output_is_deterministic() -> None:
    first = render("sarif", scan([FIXTURES / "demo-plugin"]), OutputContext())
    second = render("sarif", scan([FIXTURES / "demo-plugin"]), OutputContext())
    assert first == second


def test_scan_errors_become_tool_execution_notifications(tmp_path: Path) -> None:
    (tmp_path / "plugin.php").write_text("<?php register_rest_route( 'a/v1', '/x', array( 'methods' => 'POST', 'callback' => 'f', 'permission_callback' => '__return_true' ) );")
    (tmp_path / "broken.php").symlink_to("/nonexistent/target.php")
    log = sarif_check.assert_valid_sarif(render("sarif", scan([tmp_path]), OutputContext()))
    notes = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert notes[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "broken.php"
    assert [r["ruleId"] for r in log["runs"][0]["results"]] == ["WPR005"]
