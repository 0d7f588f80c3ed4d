"""The formats people feed to their tools: GitLab Code Quality, Checkstyle (cs2pr), JUnit, Markdown;
several reports from one scan; rules as JSON; a file on standard input for editors."""

from __future__ import annotations

import io
import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import analyzer.cli
from analyzer.cli import main

DEMO = Path(__file__).resolve().parent.parent / "fixtures" / "demo-plugin"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """The demo plugin inside a git checkout, as CI sees it: report paths are relative to the repository."""
    (tmp_path / ".git").mkdir()
    shutil.copytree(DEMO, tmp_path / "acme-forms")
    return tmp_path


def test_gitlab_code_quality(repo: Path, capsys) -> None:
    main(["scan", str(repo / "acme-forms"), "--format", "gitlab"])
    issues = json.loads(capsys.readouterr().out)
    first = issues[0]
    assert set(first) == {"description", "check_name", "fingerprint", "severity", "location"}
    assert first["check_name"] == "WPR005" and first["severity"] == "critical"
    assert first["location"] == {"path": "acme-forms/acme-forms.php", "lines": {"begin": 30, "end": 30}}
    assert {i["severity"] for i in issues} == {"critical", "major", "info"}
    assert len({i["fingerprint"] for i in issues}) == len(issues)
    # fingerprints survive code moving above the findings
    plugin = repo / "acme-forms" / "acme-forms.php"
    plugin.write_text(plugin.read_text().replace("defined( 'ABSPATH' ) || exit;", "defined( 'ABSPATH' ) || exit;\n\n// moved\n"))
    main(["scan", str(repo / "acme-forms"), "--format", "gitlab"])
    moved = json.loads(capsys.readouterr().out)
    assert [i["fingerprint"] for i in moved] == [i["fingerprint"] for i in issues]
    assert moved[0]["location"]["lines"]["begin"] == 33


def test_checkstyle_for_cs2pr(repo: Path, capsys) -> None:
    main(["scan", str(repo / "acme-forms"), "--format", "checkstyle"])
    out = capsys.readouterr().out
    root = ET.fromstring(out)
    assert root.tag == "checkstyle"
    files = {f.get("name"): f for f in root}
    assert "acme-forms/includes/permissions.php" in files
    (error,) = files["acme-forms/includes/permissions.php"]
    assert error.attrib | {"message": ""} == {"line": "17", "column": "2", "severity": "error", "message": "", "source": "wp-rest-lint.WPR016"}
    assert error.get("message").startswith("This permission callback returns get_current_user_id()")
    severities = {e.get("severity") for f in root for e in f}
    assert severities == {"error", "warning", "info"}


def test_junit(repo: Path, capsys, tmp_path: Path) -> None:
    main(["scan", str(repo / "acme-forms"), "--format", "junit"])
    suites = ET.fromstring(capsys.readouterr().out)
    assert suites.get("failures") == "9"
    case = suites.find("testsuite/testcase")
    assert case.get("classname") == "acme-forms/acme-forms.php" and case.get("name") == "WPR005 at line 30, column 28"
    assert case.find("failure").get("message") == "POST, PUT /acme-forms/v1/settings accepts writes from anyone"
    clean = tmp_path / "clean"
    clean.mkdir()
    (clean / "a.php").write_text("<?php echo 1;\n")
    assert main(["scan", str(clean), "--format", "junit"]) == 0
    suites = ET.fromstring(capsys.readouterr().out)
    assert suites.get("failures") == "0" and suites.find("testsuite/testcase").get("name") == "no problems found in 1 files"


def test_markdown_table(repo: Path, capsys) -> None:
    main(["scan", str(repo / "acme-forms"), "--format", "markdown"])
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "### wp-rest-lint: 9 problems (7 errors, 1 warning, 1 note) in 4 of 4 files"
    assert lines[2] == "| level | rule | where | problem | fix |"
    assert lines[4].startswith("| error | WPR005 public-write-route | `acme-forms/acme-forms.php:30` | POST, PUT /acme-forms/v1/settings accepts writes from anyone |")


def test_several_reports_from_one_scan(repo: Path, capsys, monkeypatch) -> None:
    calls = []
    real = analyzer.cli.scan
    monkeypatch.setattr(analyzer.cli, "scan", lambda *a, **k: calls.append(1) or real(*a, **k))
    monkeypatch.setenv("NO_COLOR", "1")
    out = repo / "out"
    argv = ["scan", str(repo / "acme-forms"), "--output-format", f"sarif:{out / 'r.sarif'}", "--format", "text", "--format", f"json:{out / 'r.json'}"]
    assert main(argv) == 1
    assert calls == [1]
    assert capsys.readouterr().out.rstrip().endswith("in 4 of 4 files.")
    assert json.loads((out / "r.sarif").read_text())["version"] == "2.1.0"
    assert json.loads((out / "r.json").read_text())["summary"]["findings"] == 9
    # -o is the file of the format given without one
    assert main(["scan", str(repo / "acme-forms"), "--format", "json", "--format", f"sarif:{out / 's.sarif'}", "-o", str(out / "j.json")]) == 1
    assert json.loads((out / "j.json").read_text())["version"] == 1 and (out / "s.sarif").is_file()
    assert capsys.readouterr().out == ""


def test_rules_as_json(capsys) -> None:
    assert main(["rules", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    rule = next(r for r in data["rules"] if r["code"] == "WPR005")
    assert rule["name"] == "public-write-route" and rule["level"] == "error" and rule["cwe"] == ["CWE-862"]
    assert rule["url"].endswith("/docs/rules/WPR005.md")
    assert [r["code"] for r in data["rules"]] == sorted(r["code"] for r in data["rules"])


def _stdin(monkeypatch, text: str) -> None:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(text.encode())))


def test_stdin_with_the_file_name_analyses_its_plugin(repo: Path, capsys, monkeypatch) -> None:
    """An editor sends the unsaved buffer: it replaces the file on disk, the rest of its plugin is read,
    and only that file is reported on."""
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.chdir(repo)
    name = "acme-forms/includes/permissions.php"
    fixed = (repo / name).read_text().replace("return get_current_user_id();", "return is_user_logged_in();")
    _stdin(monkeypatch, fixed)
    assert main(["scan", "-", "--stdin-filename", name, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["findings"] == []
    # the bug is found through the route registered in another file, which is not on stdin
    _stdin(monkeypatch, (repo / name).read_text())
    assert main(["scan", "-", "--stdin-filename", name]) == 1
    out = capsys.readouterr().out
    assert out.startswith(f"{name}:17:2: WPR016 [error]") and "acme-forms.php:" not in out.split("\n\n")[0].splitlines()[0]


def test_stdin_of_a_new_file_outside_any_project(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    _stdin(monkeypatch, "<?php add_filter( 'rest_authentication_errors', '__return_true' );\n")
    assert main(["scan", "-", "--stdin-filename", "new.php", "--format", "json"]) == 1
    assert [(f["code"], f["path"]) for f in json.loads(capsys.readouterr().out)["findings"]] == [("WPR007", "new.php")]
    assert main(["scan", "--stdin-filename", "new.php"]) == 2
    assert "give '-' as the PATH" in capsys.readouterr().err
