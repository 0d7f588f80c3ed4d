"""The GitHub Action: action.yml and the README's workflow pass zizmor (offline) and GitHub's schemas; the
action's shell steps, run as a script with the environment the runner gives them, scan a fixture plugin
and produce the SARIF file and the outputs."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests import sarif_check

ROOT = Path(__file__).resolve().parent.parent
ACTION = yaml.safe_load((ROOT / "action.yml").read_text())
BIN = Path(sys.executable).parent


def _tool(name: str) -> str:
    found = shutil.which(name, path=str(BIN)) or shutil.which(name)
    assert found, f"{name} is a test dependency"
    return found


def _readme_workflow() -> str:
    readme = (ROOT / "README.md").read_text()
    return re.search(r"<!-- workflow:start -->\n```yaml\n(.*?)```\n<!-- workflow:end -->", readme, re.S).group(1)


@pytest.fixture(scope="module")
def workflow_repo(tmp_path_factory) -> Path:
    repo = tmp_path_factory.mktemp("repo")
    (repo / ".github" / "workflows").mkdir(parents=True)
    (repo / ".github" / "workflows" / "wp-rest-lint.yml").write_text(_readme_workflow())
    return repo


def test_zizmor_accepts_the_action_and_the_readme_workflow(workflow_repo: Path) -> None:
    for target in (ROOT / "action.yml", workflow_repo):
        done = subprocess.run([_tool("zizmor"), "--offline", "--no-progress", str(target)], capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr


def test_github_schemas_accept_them(workflow_repo: Path) -> None:
    checks = [("vendor.github-actions", ROOT / "action.yml"), ("vendor.github-workflows", workflow_repo / ".github/workflows/wp-rest-lint.yml")]
    for schema, path in checks:
        done = subprocess.run([_tool("check-jsonschema"), "--builtin-schema", schema, str(path)], capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr


def test_least_privilege_workflow() -> None:
    workflow = yaml.safe_load(_readme_workflow())
    assert workflow["permissions"] == {}
    triggers = workflow[True]  # YAML 1.1 reads the key 'on' as true
    assert set(triggers) == {"push", "pull_request"}
    (job,) = workflow["jobs"].values()
    # actions: read lets the upload read the workflow run on private repositories
    assert job["permissions"] == {"contents": "read", "security-events": "write", "actions": "read"}
    checkout, action = job["steps"]
    assert checkout["with"]["persist-credentials"] is False
    for uses in (checkout["uses"], action["uses"]):
        assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", uses), uses


def test_no_expressions_inside_run_scripts() -> None:
    for step in ACTION["runs"]["steps"]:
        assert "${{" not in step.get("run", ""), step["name"]
    pins = [s["uses"] for s in ACTION["runs"]["steps"] if "uses" in s]
    assert all(re.fullmatch(r"[\w./-]+@[0-9a-f]{40}", u) for u in pins), pins
    upload = next(s for s in ACTION["runs"]["steps"] if "upload-sarif" in s.get("uses", ""))
    assert upload["if"].startswith("always()") and "fork" in upload["continue-on-error"]


def _expand(value: str, inputs: dict[str, str], outputs: dict[str, str]) -> str:
    def replace(match: re.Match) -> str:
        expression = match.group(1).strip()
        if expression.startswith("inputs."):
            return inputs[expression.removeprefix("inputs.")]
        if expression.startswith("steps.scan.outputs."):
            return outputs.get(expression.removeprefix("steps.scan.outputs."), "")
        raise AssertionError(f"unexpected expression in env: {expression}")

    return re.sub(r"\$\{\{(.*?)\}\}", replace, value)


class ActionRun:
    """What the action's steps left: outputs, each step's exit code, the log, the job summary."""

    def __init__(self) -> None:
        self.outputs: dict[str, str] = {}
        self.codes: list[int] = []
        self.log = ""
        self.summary = ""


def _run_action(workspace: Path, runner_temp: Path, overrides: dict[str, str]) -> ActionRun:
    """Run the action's bash steps in order, as the runner would (bash -eo pipefail, env from the step)."""
    inputs = {name: str(spec.get("default", "")) for name, spec in ACTION["inputs"].items()} | overrides
    run = ActionRun()
    outputs = run.outputs
    codes = run.codes
    output_file = runner_temp / "github_output"
    for number, step in enumerate(ACTION["runs"]["steps"]):
        if "run" not in step:
            continue  # setup-python and upload-sarif are other actions
        if step["name"] == "Install wp-rest-lint" and (runner_temp / "wp-rest-lint-venv" / "bin" / "python").exists():
            codes.append(0)  # installed by an earlier test of this module: the same install again proves nothing
            continue
        output_file.write_text("")
        summary_file = runner_temp / f"step_summary_{number}"
        summary_file.write_text("")
        env = {
            "PATH": os.environ["PATH"],
            "HOME": os.environ.get("HOME", str(runner_temp)),
            "GITHUB_ACTION_PATH": str(ROOT),
            "RUNNER_TEMP": str(runner_temp),
            "GITHUB_OUTPUT": str(output_file),
            "GITHUB_STEP_SUMMARY": str(summary_file),
            "GITHUB_WORKSPACE": str(workspace),
        }
        env |= {key: _expand(str(value), inputs, outputs) for key, value in step.get("env", {}).items()}
        if "if" in step and "steps.scan.outputs.exit-code != ''" in step["if"] and not outputs.get("exit-code"):
            continue
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]], cwd=workspace, env=env, capture_output=True, text=True
        )
        codes.append(done.returncode)
        run.log += done.stdout + done.stderr
        run.summary += summary_file.read_text()
        for line in output_file.read_text().splitlines():
            key, _, value = line.partition("=")
            outputs[key] = value
        if done.returncode != 0:
            break
    return run


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> tuple[Path, Path]:
    workspace = tmp_path_factory.mktemp("workspace")
    shutil.copytree(ROOT / "fixtures" / "demo-plugin", workspace / "acme-forms")
    (workspace / ".git").mkdir()  # the workspace is a checkout: URIs are relative to it
    return workspace, tmp_path_factory.mktemp("runner-temp")


def test_action_steps_scan_and_set_outputs(workspace) -> None:
    """One scan writes the SARIF report, the annotations and the job summary."""
    from analyzer import __version__

    root, runner_temp = workspace
    run = _run_action(root, runner_temp, {"path": "acme-forms", "args": "--ignore 'WPR900,WPR901'"})
    assert run.codes == [0, 0, 1]  # installed, scanned, then the gate fails the job on the findings
    assert run.outputs["sarif-file"] == "wp-rest-lint.sarif" and run.outputs["findings-count"] == "9"
    assert run.outputs["version"] == __version__ and run.outputs["exit-code"] == "1"
    log = sarif_check.assert_valid_sarif((root / "wp-rest-lint.sarif").read_text())
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in log["runs"][0]["results"]}
    assert uris == {
        "acme-forms/acme-forms.php",
        "acme-forms/assets/js/admin.js",
        "acme-forms/includes/permissions.php",
        "acme-forms/includes/class-acme-forms-submissions-controller.php",
    }
    assert log["runs"][0]["automationDetails"]["id"] == "wp-rest-lint/acme-forms/"
    assert "::error file=acme-forms/acme-forms.php,line=30," in run.log  # annotations, from the same scan
    assert run.summary.startswith("### wp-rest-lint: 9 problems (6 errors, 2 warnings, 1 note) in 4 of 4 files\n")
    assert "| error | WPR005 public-write-route | `acme-forms/acme-forms.php:30` |" in run.summary


def test_action_with_fail_on_never_passes_the_job(workspace) -> None:
    root, runner_temp = workspace
    run = _run_action(
        root, runner_temp, {"path": "acme-forms", "fail-on": "never", "sarif-file": "out/r.sarif", "annotations": "false", "category": "acme"}
    )
    assert run.codes == [0, 0, 0]
    assert run.outputs["findings-count"] == "9" and run.outputs["sarif-file"] == "out/r.sarif"
    log = sarif_check.assert_valid_sarif((root / "out" / "r.sarif").read_text())
    assert log["runs"][0]["automationDetails"]["id"] == "acme/"
    assert "::error file=" not in run.log


def test_action_reports_a_bad_args_input(workspace) -> None:
    root, runner_temp = workspace
    run = _run_action(root, runner_temp, {"path": "acme-forms", "args": "--ignore 'unterminated"})
    assert run.codes == [0, 2] and "sarif-file" not in run.outputs


@pytest.mark.parametrize(
    "args, message",
    [
        ("--write-baseline base.json", "the 'args' input cannot hold --write-baseline: write the baseline where you run wp-rest-lint yourself"),
        ("--format=json", "the 'args' input cannot hold --format"),
        ("-oreport.txt", "the 'args' input cannot hold -o"),
        ("--fromat json", "unknown option '--fromat' (did you mean '--format'?)"),
    ],
)
def test_action_args_never_crash_it(workspace, args: str, message: str) -> None:
    root, runner_temp = workspace
    run = _run_action(root, runner_temp, {"path": "acme-forms", "args": args})
    assert run.codes == [0, 0, 2]  # the gate step fails the job with the scan's code
    assert message in run.log and "Traceback" not in run.log
    assert "sarif-file" not in run.outputs


def test_action_with_a_wrong_path_fails_loudly(workspace) -> None:
    root, runner_temp = workspace
    (root / "docs").mkdir(exist_ok=True)
    (root / "docs" / "index.md").write_text("# docs\n")
    run = _run_action(root, runner_temp, {"path": "docs"})
    assert run.codes == [0, 0, 2]
    assert "nothing to scan: docs holds no file the analyzer reads" in run.log
    run = _run_action(root, runner_temp, {"path": "acme-form"})
    assert run.codes == [0, 0, 2] and "path does not exist: acme-form" in run.log


def test_the_facts_cache_is_restored_before_the_scan_and_saved_after_it() -> None:
    steps = ACTION["runs"]["steps"]
    names = [s["name"] for s in steps]
    restore = steps[names.index("Restore the facts cache")]
    save = steps[names.index("Save the facts cache")]
    assert names.index("Install wp-rest-lint") < names.index("Restore the facts cache") < names.index("Scan") < names.index("Save the facts cache")
    assert restore["uses"].split("@")[0] == "actions/cache/restore" and save["uses"].split("@")[0] == "actions/cache/save"
    assert restore["uses"].split("@")[1] == save["uses"].split("@")[1]
    assert restore["with"]["path"] == save["with"]["path"] == "${{ runner.temp }}/wp-rest-lint-cache"
    key = restore["with"]["key"]
    for part in ("runner.os", "inputs.python-version", "steps.install.outputs.version", "github.sha"):
        assert part in key
    assert key.startswith(restore["with"]["restore-keys"].strip()) and key.endswith("${{ github.sha }}")
    assert save["with"]["key"] == "${{ steps.restore-cache.outputs.cache-primary-key }}"
    # saved when the scan fails the job on findings too, never when the cache is off
    assert save["if"].startswith("always()") and "inputs.cache == 'true'" in save["if"] and "inputs.cache == 'true'" in restore["if"]


def test_action_scans_with_the_cache_in_the_runner_temp_folder(workspace) -> None:
    root, runner_temp = workspace
    folder = runner_temp / "wp-rest-lint-cache"
    shutil.rmtree(folder, ignore_errors=True)
    run = _run_action(root, runner_temp, {"path": "acme-forms", "cache": "false", "fail-on": "never"})
    assert run.codes == [0, 0, 0] and not folder.exists()
    first = (root / "wp-rest-lint.sarif").read_text()
    for _ in range(2):  # cold, then warm
        run = _run_action(root, runner_temp, {"path": "acme-forms", "fail-on": "never"})
        assert run.codes == [0, 0, 0] and (root / "wp-rest-lint.sarif").read_text() == first
        assert [p for p in folder.rglob("*") if p.is_file() and p.name != "CACHEDIR.TAG"]
    run = _run_action(root, runner_temp, {"path": "acme-forms", "args": "--no-cache"})
    assert run.codes == [0, 0, 2] and "the 'args' input cannot hold --no-cache: set the cache input to false" in run.log
