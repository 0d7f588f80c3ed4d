"""The wheel ships the queries: build it, install it into a fresh venv, scan the demo plugin with it."""

from __future__ import annotations

import json
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_installs_and_scans(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(dist), str(ROOT)],
        check=True,
    )
    (wheel,) = dist.glob("wp_rest_lint-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "analyzer/queries/php/rest_routes.scm" in names
    assert "analyzer/rules/observed.json" in names  # the rule pages' "Observed" sections
    assert not any(n.startswith(("tests/", "fixtures/")) for n in names)

    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", str(wheel)], check=True)
    # Run from a directory without the source tree, so only the installed package can be imported.
    done = subprocess.run(
        [str(env_dir / "bin" / "wp-rest-lint"), "scan", str(ROOT / "fixtures" / "demo-plugin"), "--format", "json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1, done.stderr
    codes = sorted(f["code"] for f in json.loads(done.stdout)["findings"])
    assert codes == ["WPR001", "WPR001", "WPR005", "WPR005", "WPR006", "WPR006", "WPR007", "WPR015", "WPR016"]
    module = subprocess.run([str(python), "-m", "analyzer", "rules"], cwd=tmp_path, capture_output=True, text=True)
    assert module.returncode == 0 and "WPR005" in module.stdout
    page = subprocess.run([str(python), "-m", "analyzer", "rule", "WPR013"], cwd=tmp_path, capture_output=True, text=True)
    assert page.returncode == 0 and "## Observed" in page.stdout and "rest_forbidden" in page.stdout.split("## Observed")[1]
