"""The pre-commit hooks, run by the real pre-commit (try-repo) on a temporary git repository: a commit that
adds a bug fails, a clean one passes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
CLEAN = """<?php
/* Plugin Name: Hooked */
add_action( 'rest_api_init', function () {
\tregister_rest_route( 'hooked/v1', '/items', array(
\t\t'methods'             => 'POST',
\t\t'callback'            => 'hooked_create',
\t\t'permission_callback' => 'hooked_can_edit',
\t) );
} );
add_action( 'admin_enqueue_scripts', function () {
\twp_enqueue_script( 'hooked-admin', plugins_url( 'admin.js', __FILE__ ), array(), '1.0', true );
\twp_localize_script( 'hooked-admin', 'hookedSettings', array(
\t\t'root'  => esc_url_raw( rest_url( 'hooked/v1/' ) ),
\t\t'nonce' => wp_create_nonce( 'wp_rest' ),
\t) );
} );
"""
JS_OK = "fetch( hookedSettings.root + 'items', { method: 'POST', credentials: 'same-origin', headers: { 'X-WP-Nonce': hookedSettings.nonce } } );\n"
JS_BUG = JS_OK.replace("'items'", "'itemz'")
PERMISSIONS_OK = "<?php\nfunction hooked_can_edit() {\n\treturn current_user_can( 'edit_posts' );\n}\n"
PERMISSIONS_BUG = "<?php\nfunction hooked_can_edit() {\n\treturn get_current_user_id();\n}\n"


def _run(cmd: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def test_hooks_run_on_every_file_the_scan_reads() -> None:
    """A commit touching only admin.js must not be 'Skipped': the hooks match what discovery reads."""
    import re

    from analyzer.languages import JS_EXTENSIONS, PHP_EXTENSIONS

    for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text()):
        pattern = re.compile(hook["files"])
        for extension in sorted(PHP_EXTENSIONS | set(JS_EXTENSIONS)):
            assert pattern.search(f"assets/admin{extension}"), (hook["id"], extension)
        assert pattern.search("blocks/form/block.json") and pattern.search("block.json")
        for other in ("README.md", "style.css", "composer.json", "notblock.json", "x.php.txt"):
            assert not pattern.search(other), (hook["id"], other)


def test_manifest_is_what_pre_commit_expects() -> None:
    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    assert set(hooks) == {"wp-rest-lint", "wp-rest-lint-full"}
    assert hooks["wp-rest-lint"]["entry"] == "wp-rest-lint scan --only-files"
    assert hooks["wp-rest-lint-full"]["pass_filenames"] is False
    for hook in hooks.values():
        assert hook["language"] == "python" and hook["require_serial"] is True


def test_try_repo_fails_on_a_bug_and_passes_on_a_clean_commit(tmp_path: Path) -> None:
    pre_commit = shutil.which("pre-commit", path=str(Path(sys.executable).parent)) or shutil.which("pre-commit")
    assert pre_commit, "pre-commit is a test dependency"
    repo = tmp_path / "site"
    (repo / "wp-content" / "plugins" / "hooked").mkdir(parents=True)
    plugin = repo / "wp-content" / "plugins" / "hooked"
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.invalid",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.invalid",
        "NO_COLOR": "1",
    }
    env.pop("PYTHONPATH", None)
    _run(["git", "init", "-q", "-b", "main"], repo, env)
    (plugin / "hooked.php").write_text(CLEAN)
    (plugin / "permissions.php").write_text(PERMISSIONS_OK)
    (plugin / "admin.js").write_text(JS_OK)
    _run(["git", "add", "-A"], repo, env)
    _run(["git", "commit", "-qm", "clean plugin"], repo, env)

    # The bug is in permissions.php; the route that makes it a bug is in hooked.php, which is not staged.
    (plugin / "permissions.php").write_text(PERMISSIONS_BUG)
    _run(["git", "add", "wp-content/plugins/hooked/permissions.php"], repo, env)
    failing = _run([pre_commit, "try-repo", str(ROOT), "wp-rest-lint", "--verbose"], repo, env)
    assert failing.returncode == 1, failing.stdout + failing.stderr
    assert "wp-content/plugins/hooked/permissions.php:3:2: WPR016 [error]" in failing.stdout

    (plugin / "permissions.php").write_text(PERMISSIONS_OK.replace("edit_posts", "publish_posts"))
    _run(["git", "add", "-A"], repo, env)
    passing = _run([pre_commit, "try-repo", str(ROOT), "wp-rest-lint", "--verbose"], repo, env)
    assert passing.returncode == 0, passing.stdout + passing.stderr

    _run(["git", "commit", "-qm", "fix"], repo, env)

    # A commit touching only browser code is checked too (it was "Skipped"), against the PHP routes.
    (plugin / "admin.js").write_text(JS_BUG)
    _run(["git", "add", "-A"], repo, env)
    js_only = _run([pre_commit, "try-repo", str(ROOT), "wp-rest-lint", "--verbose"], repo, env)
    assert js_only.returncode == 1, js_only.stdout + js_only.stderr
    assert "wp-content/plugins/hooked/admin.js:1:" in js_only.stdout and "WPR015 [warning]" in js_only.stdout

    full = _run([pre_commit, "try-repo", str(ROOT), "wp-rest-lint-full", "--all-files"], repo, env)
    assert full.returncode == 1 and "WPR015" in full.stdout, full.stdout + full.stderr
    (plugin / "admin.js").write_text(JS_OK)
    full = _run([pre_commit, "try-repo", str(ROOT), "wp-rest-lint-full", "--all-files"], repo, env)
    assert full.returncode == 0, full.stdout + full.stderr
