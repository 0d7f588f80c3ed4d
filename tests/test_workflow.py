"""Configuration, suppressions, baselines, GitHub annotations, statistics and report-only mode, through
main(argv) as a user runs them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from analyzer.cli import main
from analyzer.outputs import ProgressBar
from analyzer.formatters.github import escape_data, escape_property
from tests import sarif_check

DEMO = Path(__file__).resolve().parent.parent / "fixtures" / "demo-plugin"


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    target = tmp_path / "acme-forms"
    shutil.copytree(DEMO, target)
    return target


def _codes(capsys) -> list[tuple[str, str, int]]:
    data = json.loads(capsys.readouterr().out)
    return [(f["code"], f["path"], f["line"]) for f in data["findings"]]


# --- configuration -------------------------------------------------------------------------------


def test_config_file_found_upward_selects_and_ignores(demo: Path, capsys) -> None:
    (demo.parent / ".wp-rest-lint.toml").write_text('ignore = ["WPR016"]\nper-path-ignores = { "acme-forms/includes/*.php" = ["WPR006"] }\n')
    main(["scan", str(demo), "--format", "json"])
    codes = _codes(capsys)
    assert ("WPR016", "includes/permissions.php", 17) not in codes
    assert ("WPR006", "includes/class-acme-forms-submissions-controller.php", 28) not in codes
    assert ("WPR006", "acme-forms.php", 37) in codes


def test_pyproject_section_and_fail_on(demo: Path, capsys) -> None:
    (demo / "pyproject.toml").write_text('[tool.wp-rest-lint]\nselect = ["WPR005"]\nfail-on = "never"\n')
    assert main(["scan", str(demo), "--format", "json"]) == 0
    assert {c for c, _, _ in _codes(capsys)} == {"WPR005"}
    assert main(["scan", str(demo), "--format", "json", "--fail-on", "error"]) == 1  # the command line wins
    capsys.readouterr()


def test_exclude_replaces_and_extend_exclude_adds(demo: Path, capsys) -> None:
    (demo / ".wp-rest-lint.toml").write_text('extend-exclude = ["includes/", "assets/"]\n')
    main(["scan", str(demo), "--format", "json"])
    assert {p for _, p, _ in _codes(capsys)} == {"acme-forms.php"}


@pytest.mark.parametrize(
    "content, message",
    [
        ('selct = ["WPR005"]\n', "unknown key 'selct' (did you mean 'select'?); allowed: select, extend-select, ignore, per-path-ignores, exclude, extend-exclude, fail-on, scan-bundles"),
        ('fail_on = "error"\n', "unknown key 'fail_on' (did you mean 'fail-on'?)"),
        ('fail-on = "sometimes"\n', "'fail-on' is 'sometimes'; allowed: error, warning, note, never"),
        ('ignore = ["XYZ9"]\n', "'ignore' has an unknown rule 'XYZ9' (see 'wp-rest-lint rules')"),
        ('ignore = ["WPR16"]\n', "'ignore' has an unknown rule 'WPR16' (did you mean 'WPR016'?)"),
        ("select = []\n", "'select' is empty, so no rule would run"),
        ("select = 'WPR005'\n", "'select' must be a list of strings"),
        ("select = [\n", "not valid TOML"),
    ],
)
def test_bad_config_exits_2_naming_file_and_key(demo: Path, capsys, content: str, message: str) -> None:
    config = demo / ".wp-rest-lint.toml"
    config.write_text(content)
    assert main(["scan", str(demo)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"wp-rest-lint: error: {config}: ") and message in err and err.count("\n") == 1
    assert err.count(".wp-rest-lint.toml") == 1  # the file is named once


def test_explicit_config(demo: Path, tmp_path: Path, capsys) -> None:
    config = tmp_path / "strict.toml"
    config.write_text('select = ["WPR007"]\n')
    main(["scan", str(demo), "--format", "json", "--config", str(config)])
    assert {c for c, _, _ in _codes(capsys)} == {"WPR007"}
    assert main(["scan", str(demo), "--config", str(tmp_path / "missing.toml")]) == 2
    assert "configuration file does not exist" in capsys.readouterr().err


# --- suppressions and baseline ----------------------------------------------------------------------


def test_suppressed_findings_never_reach_sarif(demo: Path, capsys) -> None:
    plugin = demo / "acme-forms.php"
    plugin.write_text(
        plugin.read_text().replace(
            "'permission_callback' => 'acme_forms_allow',",
            "'permission_callback' => 'acme_forms_allow', // wp-rest-lint: ignore WPR005 -- settings are public on this site",
        )
    )
    main(["scan", str(demo), "--format", "sarif"])
    log = sarif_check.assert_valid_sarif(capsys.readouterr().out)
    lines = {(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in log["runs"][0]["results"]}
    assert ("WPR005", 30) not in lines and ("WPR005/informational", 44) in lines
    assert not any("suppressions" in r for r in log["runs"][0]["results"])
    assert main(["scan", str(demo), "--statistics"]) == 1
    assert "(1 suppressed)" in capsys.readouterr().out


def test_baseline_survives_code_moving_and_reports_only_new_and_stale(demo: Path, tmp_path: Path, capsys) -> None:
    baseline = tmp_path / "baseline.json"
    assert main(["scan", str(demo), "--write-baseline", str(baseline)]) == 0
    assert "wrote 9 findings to the baseline" in capsys.readouterr().err
    assert main(["scan", str(demo), "--baseline", str(baseline), "--format", "json"]) == 0
    assert _codes(capsys) == []

    plugin = demo / "acme-forms.php"
    text = plugin.read_text()
    # Code moves: twenty lines inserted at the top shift every finding down; nothing becomes "new".
    text = text.replace("defined( 'ABSPATH' ) || exit;", "defined( 'ABSPATH' ) || exit;\n" + "// moved\n" * 20)
    # A new bug, and one old bug fixed.
    text = text.replace("'permission_callback' => false,", "'permission_callback' => 'acme_forms_can_manage',")
    text += "\nadd_filter( 'rest_authentication_errors', '__return_true' );\n"
    plugin.write_text(text)
    assert main(["scan", str(demo), "--baseline", str(baseline), "--format", "json"]) == 1
    captured = capsys.readouterr()
    assert [(c, p) for c, p, _ in _codes_from(captured.out)] == [("WPR007", "acme-forms.php")]
    assert "stale entry WPR006 in acme-forms.php matches no finding any more" in captured.err


def _codes_from(out: str) -> list[tuple[str, str, int]]:
    return [(f["code"], f["path"], f["line"]) for f in json.loads(out)["findings"]]


def test_bad_baseline_is_a_usage_error(demo: Path, tmp_path: Path, capsys) -> None:
    bad = tmp_path / "b.json"
    bad.write_text('{"version": 99}')
    assert main(["scan", str(demo), "--baseline", str(bad)]) == 2
    assert "not a wp-rest-lint baseline" in capsys.readouterr().err


# --- GitHub annotations, statistics, report-only, progress -------------------------------------------


def test_github_annotations(capsys) -> None:
    assert main(["scan", str(DEMO), "--format", "github"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 9
    first = lines[0]
    assert first.startswith("::error file=fixtures/demo-plugin/acme-forms.php,line=30,endLine=30,col=28,endColumn=46,title=WPR005 public-write-route::")
    assert "::notice file=fixtures/demo-plugin/acme-forms.php,line=44," in "\n".join(lines)
    assert escape_data("50% done\r\nnext") == "50%25 done%0D%0Anext"
    assert escape_property("a:b,c%") == "a%3Ab%2Cc%25"


def test_statistics_table(capsys) -> None:
    assert main(["scan", str(DEMO), "--statistics"]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "    2  WPR001  nonce-wrong-action",
        "    2  WPR005  public-write-route",
        "    2  WPR006  permission-callback-missing",
        "    1  WPR007  rest-auth-check-disabled",
        "    1  WPR015  rest-route-not-found",
        "    1  WPR016  permission-callback-non-boolean",
        "    9  total",
    ]


def test_only_files_reports_on_given_files_with_the_whole_plugin_analysed(demo: Path, capsys, monkeypatch) -> None:
    (demo / ".wp-rest-lint.toml").write_text("")  # marks the project root
    monkeypatch.chdir(demo)
    # permissions.php holds WPR016, found only through the route registered in the controller file.
    main(["scan", "--only-files", "includes/permissions.php", "--format", "json"])
    assert _codes(capsys) == [("WPR016", "includes/permissions.php", 17)]
    # split over two invocations (as pre-commit may do), the union is the whole-file answer
    main(["scan", "--only-files", "acme-forms.php", "--format", "json"])
    first = _codes(capsys)
    main(["scan", "--only-files", "includes/class-acme-forms-submissions-controller.php", "--format", "json"])
    second = _codes(capsys)
    assert {c for c, _, _ in first} == {"WPR005", "WPR006", "WPR007"} and second == [
        ("WPR006", "includes/class-acme-forms-submissions-controller.php", 28)
    ]
    (demo / "README.md").write_text("# Acme Forms\n")
    assert main(["scan", "--only-files", "README.md"]) == 0  # nothing to report in a file we do not read
    capsys.readouterr()


class _Stream:
    def __init__(self, tty: bool) -> None:
        self.written = ""
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty

    def write(self, text: str) -> None:
        self.written += text

    def flush(self) -> None:
        pass


class _Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_progress_bar_after_half_a_second_on_a_terminal(monkeypatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("TERM", raising=False)
    stream, clock = _Stream(tty=True), _Clock()
    bar = ProgressBar(stream, "wp-rest-lint", clock)
    bar("parsing PHP", 3, 357)
    assert stream.written == ""  # fast scans print nothing
    clock.now += 0.6
    bar("parsing PHP", 120, 357)
    bar("parsing PHP", 121, 357)  # redrawn at most every 0.1 s
    clock.now += 0.2
    bar("parsing PHP", 357, 357)
    bar.close()
    assert stream.written == (
        "\r\033[Kwp-rest-lint: parsing PHP [########................] 120/357"
        "\r\033[Kwp-rest-lint: parsing PHP [########################] 357/357"
        "\r\033[K"
    )


@pytest.mark.parametrize("tty, env", [(False, {}), (True, {"CI": "true"}), (True, {"TERM": "dumb"})])
def test_no_progress_bar_in_pipes_and_ci_logs(monkeypatch, tty: bool, env: dict[str, str]) -> None:
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("TERM", raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    stream, clock = _Stream(tty=tty), _Clock()
    bar = ProgressBar(stream, "wp-rest-lint", clock)
    clock.now += 5
    bar("parsing PHP", 120, 357)
    bar.close()
    assert stream.written == ""


def test_the_scan_reports_progress_while_it_parses(tmp_path: Path) -> None:
    """A long scan tells the bar how far each phase is, file by file (core's first 7 s showed nothing)."""
    from analyzer.scan import scan

    for i in range(5):
        (tmp_path / f"r{i}.php").write_text(f"<?php register_rest_route( 'a/v1', '/r{i}', array( 'methods' => 'GET', 'callback' => 'f', 'permission_callback' => '__return_true' ) );\n")
    calls: list[tuple[str, int, int]] = []
    scan([tmp_path], progress=lambda phase, done, total: calls.append((phase, done, total)))
    assert [c for c in calls if c[0] == "parsing PHP"] == [("parsing PHP", n, 5) for n in range(1, 6)]
    assert ("reading", 5, 5) in calls


# --- rule selection composes like ruff's ------------------------------------------------------------


@pytest.mark.parametrize(
    "config, argv, codes",
    [
        # --ignore on the command line adds to the configuration's ignore
        ('ignore = ["WPR016"]\n', ["--ignore", "WPR001,WPR015"], {"WPR005", "WPR006", "WPR007"}),
        # --select replaces the configuration's selection (and its ignore)
        ('select = ["WPR00"]\nignore = ["WPR016"]\n', ["--select", "WPR016"], {"WPR016"}),
        # --extend-select adds to it
        ('select = ["WPR005"]\n', ["--extend-select", "WPR007"], {"WPR005", "WPR007"}),
        # a rule name works where a code does, here and in the configuration
        ('ignore = ["nonce-wrong-action"]\n', ["--select", "public-write-route,WPR001,rest-route-not-found"], {"WPR001", "WPR005", "WPR015"}),
        ('select = ["public-write-route"]\n', [], {"WPR005"}),
        # a more specific select in the same layer beats a broader ignore
        ("", ["--select", "WPR005", "--ignore", "WPR00"], {"WPR005"}),
        ("", ["--select", "ALL", "--ignore", "WPR00"], {"WPR015", "WPR016"}),
    ],
)
def test_selection_composes_with_the_configuration(demo: Path, capsys, config: str, argv: list[str], codes: set[str]) -> None:
    (demo / ".wp-rest-lint.toml").write_text(config)
    main(["scan", str(demo), "--format", "json", *argv])
    assert {c for c, _, _ in _codes(capsys)} == codes


# --- baselines ------------------------------------------------------------------------------------------


def test_writing_a_baseline_over_itself_keeps_what_still_matches(demo: Path, tmp_path: Path, capsys) -> None:
    baseline = tmp_path / "baseline.json"
    assert main(["scan", str(demo), "--write-baseline", str(baseline)]) == 0
    before = json.loads(baseline.read_text())["findings"]
    assert len(before) == 9
    plugin = demo / "acme-forms.php"
    plugin.write_text(plugin.read_text().replace("'permission_callback' => false,", "'permission_callback' => 'acme_forms_can_manage',"))
    assert main(["scan", str(demo), "--baseline", str(baseline), "--write-baseline", str(baseline)]) == 0
    err = capsys.readouterr().err
    assert "wrote 8 findings to the baseline" in err and "dropped 1 stale" in err
    after = json.loads(baseline.read_text())["findings"]
    assert [e for e in before if not (e["code"] == "WPR006" and e["path"] == "acme-forms.php")] == after
    assert main(["scan", str(demo), "--baseline", str(baseline), "--format", "json"]) == 0
    assert _codes(capsys) == []


def test_a_baseline_written_for_some_rules_keeps_the_others(demo: Path, tmp_path: Path, capsys) -> None:
    baseline = tmp_path / "baseline.json"
    main(["scan", str(demo), "--write-baseline", str(baseline)])
    main(["scan", str(demo), "--select", "WPR005", "--baseline", str(baseline), "--write-baseline", str(baseline)])
    assert len(json.loads(baseline.read_text())["findings"]) == 9
    capsys.readouterr()


def test_stale_entries_only_for_rules_that_ran(demo: Path, tmp_path: Path, capsys) -> None:
    baseline = tmp_path / "baseline.json"
    main(["scan", str(demo), "--write-baseline", str(baseline)])
    capsys.readouterr()
    assert main(["scan", str(demo), "--select", "WPR005", "--baseline", str(baseline), "--format", "json"]) == 0
    captured = capsys.readouterr()
    assert _codes_from(captured.out) == [] and "stale" not in captured.err
    # nor for files a pre-commit run does not report on
    assert main(["scan", "--only-files", str(demo / "includes" / "permissions.php"), "--baseline", str(baseline)]) == 0
    assert "stale" not in capsys.readouterr().err


# --- --only-files with a folder ------------------------------------------------------------------------


def test_only_files_with_a_folder_reports_the_files_under_it(demo: Path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(demo)
    main(["scan", "--only-files", "includes", "--format", "json"])
    assert {(c, p) for c, p, _ in _codes(capsys)} == {
        ("WPR006", "includes/class-acme-forms-submissions-controller.php"),
        ("WPR016", "includes/permissions.php"),
    }
    main(["scan", "--only-files", "includes/", "assets/js/admin.js", "--format", "json"])
    assert {c for c, _, _ in _codes(capsys)} == {"WPR001", "WPR006", "WPR015", "WPR016"}
