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
    assert ("WPR005/informational", "note", "acme-forms.php", 44) in results
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


def _demo_log(**context) -> dict:
    return sarif_check.assert_valid_sarif(render("sarif", scan([FIXTURES / "demo-plugin"]), OutputContext(**context)))


def test_a_note_is_not_a_high_security_alert() -> None:
    """GitHub takes a security alert's severity from the rule's security-severity, not the result's level:
    the 'public by design' note points at an informational descriptor without one."""
    run = _demo_log()["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    note = next(r for r in run["results"] if r["level"] == "note")
    descriptor = rules[note["ruleIndex"]]
    assert note["ruleId"] == descriptor["id"] == "WPR005/informational"
    assert "security-severity" not in descriptor["properties"] and "security" not in descriptor["properties"]["tags"]
    assert descriptor["properties"]["problem.severity"] == "recommendation"
    assert descriptor["defaultConfiguration"]["level"] == "note"
    errors = [r for r in run["results"] if r["ruleId"] == "WPR005"]
    assert errors and rules[errors[0]["ruleIndex"]]["properties"]["security-severity"] == "8.1"


def test_partial_fingerprints_survive_lines_moving(tmp_path) -> None:
    import shutil

    shutil.copytree(FIXTURES / "demo-plugin", tmp_path / "p")
    before = sarif_check.assert_valid_sarif(render("sarif", scan([tmp_path / "p"]), OutputContext()))["runs"][0]["results"]
    main = tmp_path / "p" / "acme-forms.php"
    main.write_text(main.read_text().replace("defined( 'ABSPATH' ) || exit;", "defined( 'ABSPATH' ) || exit;\n\n\n"))
    after = sarif_check.assert_valid_sarif(render("sarif", scan([tmp_path / "p"]), OutputContext()))["runs"][0]["results"]
    assert all(r["partialFingerprints"]["wpRestLintContextHash/v1"] for r in before)
    assert len({r["partialFingerprints"]["wpRestLintContextHash/v1"] for r in before}) == len(before)
    assert [r["partialFingerprints"] for r in before] == [r["partialFingerprints"] for r in after]
    moved = [(b["locations"][0]["physicalLocation"]["region"]["startLine"], a["locations"][0]["physicalLocation"]["region"]["startLine"]) for b, a in zip(before, after)]
    assert (30, 33) in moved


def test_wpr007_region_is_one_line() -> None:
    run = _demo_log()["runs"][0]
    (wpr007,) = [r for r in run["results"] if r["ruleId"] == "WPR007"]
    region = wpr007["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 78, "startColumn": 1, "endLine": 78, "endColumn": 65}
    # the evidence keeps its span
    assert all(r["locations"][0]["physicalLocation"]["region"]["startLine"] == r["locations"][0]["physicalLocation"]["region"]["endLine"] for r in run["results"])


def test_help_text_is_plain_and_markdown_is_markdown() -> None:
    rules = {r["id"]: r for r in _demo_log()["runs"][0]["tool"]["driver"]["rules"]}
    help_ = rules["WPR005"]["help"]
    assert "```" not in help_["text"] and "## " not in help_["text"] and "`" not in help_["text"]
    assert "What it does\n" in help_["text"] and "Adding Custom Endpoints: Permissions Callback (https://" in help_["text"]
    assert help_["markdown"].startswith("## What it does") and "```php" in help_["markdown"]


def test_tags_name_the_language_of_the_findings() -> None:
    run = _demo_log()["runs"][0]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert "javascript" in rules["WPR001"]["properties"]["tags"] and "php" not in rules["WPR001"]["properties"]["tags"]
    assert "php" in rules["WPR005"]["properties"]["tags"] and "javascript" not in rules["WPR005"]["properties"]["tags"]
    first_js = next(r for r in run["results"] if r["ruleId"] == "WPR001")
    assert first_js["properties"]["tags"] == ["javascript"]


def test_run_metadata_for_github(tmp_path) -> None:
    log = _demo_log(srcroot_uri="file:///work/repo/", category="wp-rest-lint/plugins/acme")
    run = log["runs"][0]
    assert run["tool"]["driver"]["informationUri"] == "https://github.com/wp-rest-lint/wp-rest-lint"
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == "file:///work/repo/"
    assert run["automationDetails"]["id"] == "wp-rest-lint/plugins/acme/"
