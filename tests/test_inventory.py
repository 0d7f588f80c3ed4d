"""The route table (`wp-rest-lint routes`) and the endpoint counts every scan summary carries."""

from __future__ import annotations

import json
from pathlib import Path

from analyzer.cli import main

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
DEMO = FIXTURES / "demo-plugin"
ATTRIBUTES = FIXTURES / "plugins" / "attribute-routes"


def test_routes_text_names_permission_effect_and_verdict(capsys) -> None:
    assert main(["routes", str(DEMO)]) == 0
    out = capsys.readouterr().out
    block = out.split("\n\n")[1]
    assert block.splitlines() == [
        "POST, PUT /acme-forms/v1/settings  (acme-forms.php:27)",
        "    permission: acme_forms_allow() (includes/permissions.php:8)",
        "    effects:    privileged: update_option() (acme-forms.php:56) — the request supplies what 'acme_forms_settings' holds",
        "    verdict:    open to anyone — WPR005 error",
    ]
    assert "verdict:    public, refused unless wp_verify_nonce() passes — WPR005 note" in out
    assert "verdict:    open to anyone: no usable permission_callback — WPR006 error" in out
    assert out.endswith("7 endpoints: 7 resolved, 0 not checked.\n")


def test_routes_json(capsys) -> None:
    assert main(["routes", str(DEMO), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    routes = {(r["methods"], r["route"]): r for plugin in data["plugins"] for r in plugin["routes"]}
    settings = routes[("POST, PUT", "/acme-forms/v1/settings")]
    assert settings["verdict"] == {"text": "open to anyone — WPR005 error", "rule": "WPR005", "level": "error"}
    assert settings["permission"]["at"] == {"path": "includes/permissions.php", "line": 8}
    assert settings["effects"]["at"] == {"path": "acme-forms.php", "line": 56}
    assert routes[("GET", "/acme-forms/v1/submissions")]["verdict"]["rule"] is None
    assert data["summary"] == {"found": 7, "resolved": 7, "unresolved": 0}


def test_routes_read_by_reflection_are_reported_as_not_checked(capsys) -> None:
    assert main(["routes", str(ATTRIBUTES)]) == 0
    out = capsys.readouterr().out
    assert "not checked: declared by attributes or doc comments that this code reads through reflection" in out
    assert out.endswith("2 endpoints: 1 resolved, 1 not checked (their verdict says why).\n")


def test_scan_summaries_count_endpoints_and_statistics_list_the_unchecked(capsys) -> None:
    main(["scan", str(ATTRIBUTES), "--format", "json"])
    summary = json.loads(capsys.readouterr().out)["summary"]["endpoints"]
    assert summary["found"] == 2 and summary["resolved"] == 1
    assert [(u["path"], u["line"], u["route"]) for u in summary["unresolved"]] == [("src/Registrar.php", 13, "/acme-notes/v1/…")]
    assert "reflection" in summary["unresolved"][0]["reason"]

    main(["scan", str(ATTRIBUTES)])
    out = capsys.readouterr().out
    assert "REST endpoints: 2 found, 1 checked, 1 could not be checked (--statistics lists them" in out

    main(["scan", str(ATTRIBUTES), "--statistics"])
    lines = capsys.readouterr().out.splitlines()
    assert lines[-2] == "    2  REST endpoints: 1 resolved, 1 not checked"
    assert lines[-1].startswith("       src/Registrar.php:13: /acme-notes/v1/…: declared by attributes")


def test_sarif_run_carries_the_counts(capsys) -> None:
    main(["scan", str(ATTRIBUTES), "--format", "sarif"])
    run = json.loads(capsys.readouterr().out)["runs"][0]
    assert run["properties"]["endpoints"] == {"found": 2, "resolved": 1, "unresolved": 1}
