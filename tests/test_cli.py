"""The command line, through main(argv): exit codes, formats, selection, output files, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analyzer import __version__
from analyzer.cli import main
from tests import sarif_check

DEMO = Path(__file__).resolve().parent.parent / "fixtures" / "demo-plugin"


FIRST_FINDING = """\
fixtures/demo-plugin/acme-forms.php:30:28: WPR005 [error] POST, PUT /acme-forms/v1/settings accepts writes from anyone
   |
30 |         'permission_callback' => 'acme_forms_allow',
   |                                  ^^^^^^^^^^^^^^^^^^
  ::: fixtures/demo-plugin/includes/permissions.php:8:1
 8 | function acme_forms_allow() {
   | ----------------------------- acme_forms_allow() only returns true
   why: its permission_callback acme_forms_allow() only returns true, so core lets every caller
        through at the permission stage, and the callback reaches update_option()
        (fixtures/demo-plugin/acme-forms.php:56) (the request supplies what 'acme_forms_settings'
        holds): anonymous visitors can change site options.
   fix: Check a capability in the permission_callback, e.g. 'permission_callback' => function () { return current_user_can( 'manage_options' ); }."""


def test_scan_demo_text(capsys, monkeypatch) -> None:
    """Headline, the source line with a caret under the span, the related line where the fix goes, why and
    fix; every path relative to the current directory; the summary says how many files hold problems."""
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.chdir(DEMO.parent.parent)
    assert main(["scan", "fixtures/demo-plugin"]) == 1
    out = capsys.readouterr().out
    blocks = out.split("\n\n")
    assert blocks[0] == FIRST_FINDING
    assert "\033[" not in out
    assert out.endswith("\nFound 9 problems (6 errors, 2 warnings, 1 note) in 4 of 4 files.\nREST endpoints: 7 found, 7 checked.\n")
    # a path inside a message has the same base as the header's
    assert "(fixtures/demo-plugin/acme-forms.php:66)" in out and "(acme-forms.php:66)" not in out


def test_text_caret_lines_up_under_tabs_and_wide_characters(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "p.php").write_text(
        "<?php\nregister_rest_route( 'a/v1', '/x', array( 'methods' => 'POST', 'callback' => 'f',\n"
        "\t/* 日本 */ 'permission_callback' => '__return_true' ) );\n"
    )
    main(["scan", "."])
    lines = capsys.readouterr().out.splitlines()
    code, caret = lines[2], lines[3]
    assert code == "3 |     /* 日本 */ 'permission_callback' => '__return_true' ) );"
    start = caret.index("^")
    assert caret[start:].rstrip() == "^" * len("'__return_true'")
    # the caret starts under the quote: tab = 4 columns, each CJK character 2
    assert start == len("3 | ") + 4 + len("/* ") + 4 + len(" */ 'permission_callback' => ")


def test_text_shows_a_window_of_a_minified_line(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.chdir(tmp_path)
    filler = "var a=1;" * 2000
    (tmp_path / "p.php").write_text(
        "<?php /* " + filler + " */ register_rest_route( 'a/v1', '/x', array( 'methods' => 'POST', 'callback' => 'f', "
        "'permission_callback' => '__return_true' ) );\n"
    )
    main(["scan", "."])
    lines = capsys.readouterr().out.splitlines()
    code, caret = lines[2], lines[3]
    assert len(code) < 140 and code.startswith("1 | …") and "'__return_true'" in code
    assert code[caret.index("^") :].startswith("'__return_true'")
def test_no_path_scans_the_current_directory(capsys, monkeypatch) -> None:
    monkeypatch.chdir(DEMO)
    assert main(["scan", "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert {f["path"] for f in data["findings"]} >= {"acme-forms.php", "includes/permissions.php"}


def test_exit_codes_follow_fail_on(capsys) -> None:
    assert main(["scan", str(DEMO), "--fail-on", "never"]) == 0
    assert main(["scan", str(DEMO), "--fail-on", "error"]) == 1
    # only the note left: it does not fail a default run, but does with --fail-on note
    assert main(["scan", str(DEMO), "--select", "WPR005", "--ignore", "WPR006", "--fail-on", "error"]) == 1
    capsys.readouterr()


def test_note_alone_does_not_fail_by_default(tmp_path: Path, capsys) -> None:
    (tmp_path / "p.php").write_text(
        "<?php\nregister_rest_route( 'a/v1', '/hook', array( 'methods' => 'POST', 'callback' => 'acme_hook',\n"
        "  'permission_callback' => '__return_true' ) );\n"
        "function acme_hook( $r ) { if ( ! hash_equals( 'x', $r->get_header( 'x-sig' ) ) ) { return false; } return true; }\n"
    )
    assert main(["scan", str(tmp_path)]) == 0
    assert main(["scan", str(tmp_path), "--fail-on", "note"]) == 1
    assert "[note]" in capsys.readouterr().out


def test_select_and_ignore_by_code_and_prefix(capsys) -> None:
    main(["scan", str(DEMO), "--format", "json", "--select", "WPR006"])
    assert {f["code"] for f in json.loads(capsys.readouterr().out)["findings"]} == {"WPR006"}
    main(["scan", str(DEMO), "--format", "json", "--ignore", "WPR00"])
    assert {f["code"] for f in json.loads(capsys.readouterr().out)["findings"]} == {"WPR015", "WPR016"}


def test_json_schema(capsys) -> None:
    main(["scan", str(DEMO), "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert data["version"] == 1 and data["tool"] == {"name": "wp-rest-lint", "version": __version__}
    assert data["summary"]["by_level"] == {"note": 1, "warning": 2, "error": 6}
    assert data["summary"]["endpoints"] == {"found": 7, "resolved": 7, "unresolved": []}
    finding = data["findings"][0]
    assert set(finding) == {
        "code", "name", "level", "message", "headline", "why", "fix", "path", "line", "column", "end_line",
        "end_column", "plugin", "related", "claim",
    }  # fmt: skip
    assert finding["code"] == "WPR005" and finding["claim"] == {"stage": "permission", "status": 200, "user": "visitor"}
    assert finding["headline"] == "POST, PUT /acme-forms/v1/settings accepts writes from anyone"
    assert finding["fix"].startswith("Check a capability")
    assert data["errors"] == []


def test_sarif_to_file(tmp_path: Path, capsys) -> None:
    out = tmp_path / "r.sarif"
    assert main(["scan", str(DEMO), "--format", "sarif", "-o", str(out)]) == 1
    assert capsys.readouterr().out == ""
    log = sarif_check.assert_valid_sarif(out.read_text())
    uri = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    # inside this repository's git checkout, URIs are relative to the repository root
    if (DEMO.parent.parent / ".git").exists():
        assert uri.startswith("fixtures/demo-plugin/")


def test_sarif_uris_relative_to_git_root(tmp_path: Path, capsys) -> None:
    (tmp_path / ".git").mkdir()
    plugin = tmp_path / "wp-content" / "plugins" / "acme"
    plugin.mkdir(parents=True)
    (plugin / "a.php").write_text("<?php register_rest_route( 'a/v1', '/x', array( 'methods' => 'DELETE', 'callback' => 'f' ) );\n")
    main(["scan", str(plugin), "--format", "sarif"])
    log = sarif_check.assert_valid_sarif(capsys.readouterr().out)
    run = log["runs"][0]
    assert run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "wp-content/plugins/acme/a.php"
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == tmp_path.as_uri() + "/"
    # each plugin of a monorepo gets its own code-scanning category unless one is given
    assert run["automationDetails"]["id"] == "wp-rest-lint/wp-content/plugins/acme/"
    main(["scan", str(plugin), "--format", "sarif", "--sarif-category", "acme"])
    assert json.loads(capsys.readouterr().out)["runs"][0]["automationDetails"]["id"] == "acme/"


def test_missing_path_is_a_usage_error(capsys) -> None:
    assert main(["scan", "/no/such/plugin"]) == 2
    err = capsys.readouterr().err
    assert err.strip() == "wp-rest-lint: error: path does not exist: /no/such/plugin"


@pytest.mark.parametrize(
    "argv",
    [["scan", "--format", "xml"], ["scan", "--fail-on", "sometimes"], ["frobnicate"], [], ["scan", "--select", "XYZ1"], ["rule", "WPR999"]],
)
def test_usage_errors_exit_2(argv, capsys) -> None:
    assert main(argv) == 2
    assert capsys.readouterr().err.strip()


def test_rules_and_rule(capsys) -> None:
    assert main(["rules"]) == 0
    table = capsys.readouterr().out
    assert "WPR005  public-write-route" in table and "WPR016" in table
    assert main(["rule", "wpr007"]) == 0
    page = capsys.readouterr().out
    assert page.startswith("# WPR007 rest-auth-check-disabled")
    assert "## Why is this bad?" in page


def test_version(capsys) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"wp-rest-lint {__version__}"


def test_unreadable_symlink_is_reported_and_scan_goes_on(tmp_path: Path, capsys) -> None:
    (tmp_path / "a.php").write_text("<?php register_rest_route( 'a/v1', '/x', array( 'methods' => 'DELETE', 'callback' => 'f' ) );\n")
    (tmp_path / "outside.php").symlink_to("/etc/hostname")
    assert main(["scan", str(tmp_path), "--format", "json"]) == 1
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    assert [f["code"] for f in data["findings"]] == ["WPR006"]
    assert data["errors"] == [{"path": "outside.php", "message": "symbolic link to outside the scan root: not followed"}]
    assert captured.err.count("\n") == 1 and "outside.php" in captured.err


def test_internal_error_is_one_line(monkeypatch, capsys) -> None:
    import analyzer.cli

    def boom(*_args, **_kwargs):
        raise RuntimeError("kaboom")

    monkeypatch.setattr(analyzer.cli, "scan", boom)
    assert main(["scan", str(DEMO)]) == 2
    assert capsys.readouterr().err == "wp-rest-lint: internal error: RuntimeError: kaboom\n"


# --- errors are one line -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv, message",
    [
        (["scan", "--fromat", "json"], "wp-rest-lint scan: error: unknown option '--fromat' (did you mean '--format'?); see 'wp-rest-lint scan --help'"),
        (["scan", "--write", "b.json"], "wp-rest-lint scan: error: unknown option '--write' (did you mean '--write-baseline'?)"),
        (["sacn"], "wp-rest-lint: error: unknown command 'sacn' (did you mean 'scan'?); choose from scan, rules, rule"),
        (["scan", "--fail-on", "erorr"], "wp-rest-lint scan: error: unknown value for --fail-on 'erorr' (did you mean 'error'?)"),
        (["scan", "--format", "sarfi"], "wp-rest-lint scan: error: --format: unknown format 'sarfi' (did you mean 'sarif'?)"),
        (["scan", "--select", ""], "wp-rest-lint scan: error: --select: names no rule"),
        (["scan", "--ignore", "WPR16"], "wp-rest-lint scan: error: --ignore: unknown rule 'WPR16' (did you mean 'WPR016'?)"),
        (["scan", "--select", "WPR005", "--ignore", "WPR005"], "wp-rest-lint: error: no rule is left to run"),
        (["scan", "--format", "sarif", "--format", "json"], "wp-rest-lint: error: only one report can go to standard output"),
        (["rule", "public-write-rout"], "wp-rest-lint: error: unknown rule 'public-write-rout' (did you mean 'public-write-route'?)"),
        (["rule", "WPR999"], "wp-rest-lint: error: unknown rule 'WPR999'"),
        (["rules", "--format", "yaml"], "wp-rest-lint rules: error: unknown value for --format 'yaml'; choose from text, json"),
    ],
)
def test_usage_errors_are_one_line_on_the_subcommand(argv, message, capsys) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith(message) and err.count("\n") == 1, err


def test_no_arguments_prints_help(capsys) -> None:
    assert main([]) == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: wp-rest-lint") and "scan" in err and "rules" in err


@pytest.mark.parametrize("kind", ["directory", "under a file"])
def test_unwritable_output_fails_before_the_scan(kind: str, tmp_path: Path, capsys, monkeypatch) -> None:
    import analyzer.cli

    monkeypatch.setattr(analyzer.cli, "scan", lambda *a, **k: pytest.fail("scanned before checking -o"))
    (tmp_path / "file").write_text("")
    target = tmp_path if kind == "directory" else tmp_path / "file" / "report.sarif"
    assert main(["scan", str(DEMO), "--format", "sarif", "-o", str(target)]) == 2
    err = capsys.readouterr().err
    expected = "it is a directory" if kind == "directory" else f"{tmp_path / 'file'} is not a directory"
    assert err == f"wp-rest-lint: error: cannot write the report to {target}: {expected}\n"


def test_config_directory_is_named_as_such(tmp_path: Path, capsys) -> None:
    assert main(["scan", str(DEMO), "--config", str(tmp_path)]) == 2
    assert capsys.readouterr().err == f"wp-rest-lint: error: --config {tmp_path} is a directory; name the file (.wp-rest-lint.toml or pyproject.toml)\n"


def test_paths_may_follow_options(capsys) -> None:
    main(["scan", str(DEMO / "includes"), "--format", "json", str(DEMO / "assets")])
    assert json.loads(capsys.readouterr().out)["summary"]["files_seen"] == 3  # two PHP files and admin.js


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


@pytest.mark.parametrize("to_group", [True, False], ids=["terminal", "kill"])
def test_ctrl_c_exits_130_at_once_with_jobs(tmp_path: Path, to_group: bool) -> None:
    """Ctrl-C on a terminal reaches the whole process group, `kill -INT` only the main process: either way
    the scan stops in a moment with 130 and one line, and no parse worker is left behind."""
    import os
    import signal
    import subprocess
    import sys
    import time

    body = "".join(f"function acme_f{i}( $a ) {{ return array( 'k{i}' => $a + {i}, 'v' => array( 1, 2, 3 ) ); }}\n" for i in range(400))
    for n in range(120):
        (tmp_path / f"r{n}.php").write_text(
            f"<?php\nregister_rest_route( 'a/v1', '/r{n}', array( 'methods' => 'POST', 'callback' => 'f', 'permission_callback' => 'acme_f{n}' ) );\n{body}"
        )
    process = subprocess.Popen(
        # --no-cache: the second case must parse (and so start the pool) again
        [sys.executable, "-m", "analyzer", "scan", str(tmp_path), "--jobs", "2", "--format", "json", "--no-cache"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        # A shell's background jobs inherit SIGINT ignored (and Python then installs no handler): give the scan
        # the disposition an interactive terminal gives it.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        deadline = time.monotonic() + 120
        while len(_children(process.pid)) < 2 and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        workers = _children(process.pid)
        assert len(workers) >= 2, "the parse pool never started"
        if to_group:
            os.killpg(process.pid, signal.SIGINT)
        else:
            os.kill(process.pid, signal.SIGINT)
        try:
            _, err = process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            pytest.fail("the scan did not stop on Ctrl-C")
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
    assert process.returncode == 130
    assert err == "wp-rest-lint: interrupted\n"
    time.sleep(0.2)
    assert not [w for w in workers if Path(f"/proc/{w}").exists() and "Z" not in Path(f"/proc/{w}/stat").read_text().split()[2]]


# --- a run that checked nothing is not green -------------------------------------------------------


@pytest.mark.parametrize("content", [{}, {"README.md": "# x\n", "style.css": "body{}\n"}])
def test_nothing_to_scan_is_an_error(content: dict[str, str], tmp_path: Path, capsys) -> None:
    for name, text in content.items():
        (tmp_path / name).write_text(text)
    assert main(["scan", str(tmp_path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(f"wp-rest-lint: error: nothing to scan: {tmp_path} holds no file the analyzer reads (.inc .php")
    assert captured.err.count("\n") == 1


def test_pre_commit_file_lists_without_our_files_stay_green(tmp_path: Path, capsys) -> None:
    (tmp_path / "README.md").write_text("# x\n")
    assert main(["scan", "--only-files", str(tmp_path / "README.md")]) == 0
    assert main(["scan", "--only-files", str(tmp_path)]) == 0
    capsys.readouterr()
