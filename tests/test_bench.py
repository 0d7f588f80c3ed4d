"""bench/: the measurements it takes (a child's own peak RSS, not the bench's), the comment a warm run appends
and takes back, the flags it looks for, a whole quick run on the demo plugin, and the semgrep rules it ships
(when bench/.semgrep-venv exists)."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
sys.path.insert(0, str(BENCH))

import children  # noqa: E402
import workspace  # noqa: E402

_spec = importlib.util.spec_from_file_location("bench_main", BENCH / "bench.py")
bench_main = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_main)


def _tree_digest(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(root)).encode() + path.read_bytes() + str(path.stat().st_mtime_ns).encode())
    return digest.hexdigest()


def test_child_rusage_is_the_childs_own_not_the_benchs() -> None:
    ballast = bytearray(300 * 1024 * 1024)  # the bench holds a scan in memory; a forked child would count it
    ballast[:: 4096] = b"\x01" * len(ballast[:: 4096])
    small = children.run([sys.executable, "-c", "pass"])
    big = children.run([sys.executable, "-c", "b = bytearray(200 * 1024 * 1024); b[::4096] = b'1' * len(b[::4096]); raise SystemExit(3)"])
    del ballast
    assert small.returncode == 0 and small.rss_kib < 100 * 1024
    assert big.returncode == 3 and big.rss_kib > 200 * 1024
    assert big.wall > 0 and big.cpu > 0


def test_a_command_that_cannot_start_is_a_failed_run() -> None:
    assert children.run(["/nonexistent/command"]).returncode == 127


@pytest.mark.parametrize(
    ("name", "data", "line"),
    [
        ("a.php", b"<?php\necho 1;\n", b"// bench 1\n"),
        ("a.php", b"<?php echo 1; ?>\n<p>html</p>", b"\n<?php /* bench 1 */ ?>\n"),
        ("a.js", b"f();", b"\n// bench 1\n"),
        ("a.py", b"x = 1\n", b"# bench 1\n"),
        ("a.vue", b"<template/>\n", b"<!-- bench 1 -->\n"),
    ],
)
def test_the_warm_run_comment_suits_the_language(name: str, data: bytes, line: bytes) -> None:
    assert workspace.comment(Path(name), data, 1) == line


def test_touch_changes_one_file_each_time_and_puts_it_back(tmp_path: Path) -> None:
    path = tmp_path / "a.php"
    path.write_bytes(b"<?php\necho 1;\n")
    os.utime(path, ns=(1_000_000_000, 2_000_000_000))
    touch = workspace.Touch(path)
    touch.apply()
    first = path.read_bytes()
    touch.restore()
    touch.apply()
    assert first != path.read_bytes() and first.startswith(b"<?php\necho 1;\n")  # new content every run
    touch.restore()
    assert path.read_bytes() == b"<?php\necho 1;\n" and path.stat().st_mtime_ns == 2_000_000_000


def test_flags_are_read_from_the_options_not_the_usage_line() -> None:
    usage = "usage: wp-rest-lint scan [--jobs N] [--auto-thing]\n\noptions:\n"
    assert bench_main.flags_in_help(usage + "  --jobs N, -j N        parse with N processes (default: 1)\n") == set()
    wrapped = "  --jobs N, -j N        parse with N processes, or\n                        auto: one per core\n  --cache-dir DIR       x\n  --no-cache            y\n"
    assert bench_main.flags_in_help(usage + wrapped) == {"--jobs auto", "--cache-dir", "--no-cache"}


def test_a_quick_run_writes_the_table_and_leaves_the_directory_alone(tmp_path: Path) -> None:
    demo = ROOT / "fixtures" / "demo-plugin"
    before = _tree_digest(demo)
    out = tmp_path / "bench.md"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, str(BENCH / "bench.py"), str(demo), "--runs", "1", "--markdown", str(out)], capture_output=True, text=True, env=env, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    table = out.read_text(encoding="utf-8")
    assert table.startswith("Machine: ") and "| variant | median wall | min–max |" in table
    assert "| cold -j1 | " in table and "| parse floor (whole process) | " in table
    assert "Parsed by the analyzer: 4 files" in table
    assert _tree_digest(demo) == before


SEMGREP_PHP = """<?php
register_rest_route( 'acme/v1', '/save', array(
	'methods'             => 'POST',
	'callback'            => 'acme_save',
	'permission_callback' => '__return_true',
) );
register_rest_route( 'acme/v1', '/read', array( 'methods' => 'GET', 'callback' => 'r', 'permission_callback' => '__return_true' ) );
register_rest_route( 'acme/v1', '/items', [ [
	'methods'             => WP_REST_Server::CREATABLE,
	'callback'            => 'acme_create',
	'permission_callback' => function () { return true; },
] ] );
register_rest_route( 'acme/v1', '/open', array( 'methods' => 'GET', 'callback' => 'acme_get' ) );
wp_verify_nonce( $_POST['n'], 'acme' );
if ( ! wp_verify_nonce( $_POST['n'], 'acme' ) ) { exit; }
wp_localize_script( 'acme', 'acme', array( 'nonce' => wp_create_nonce( 'acme' ) ) );
wp_localize_script( 'acme', 'acmeRest', array( 'nonce' => wp_create_nonce( 'wp_rest' ) ) );
"""
SEMGREP_JS = """fetch('/wp-json/acme/v1/save', { method: 'POST', credentials: 'same-origin' });
fetch('/wp-json/acme/v1/save', { credentials: 'include', headers: { 'X-WP-Nonce': acme.nonce } });
fetch('/wp-json/acme/v1/save', { credentials: 'include', headers: { 'Content-Type': 'application/json' } });
fetch('https://example.com/api', { credentials: 'include' });
"""


@pytest.mark.skipif(not (BENCH / ".semgrep-venv").is_dir(), reason="no bench/.semgrep-venv (python bench/bench.py --install-semgrep)")
def test_the_semgrep_rules_find_what_they_say(tmp_path: Path) -> None:
    import semgrep_env

    exe = semgrep_env.find()
    assert exe is not None
    valid, checked = semgrep_env.check(exe)
    assert valid, checked
    (tmp_path / "a.php").write_text(SEMGREP_PHP)
    (tmp_path / "b.js").write_text(SEMGREP_JS)
    argv, jobs = semgrep_env.scan_argv(exe, tmp_path)
    assert jobs == "-j 1"
    done = subprocess.run(argv, capture_output=True, text=True, env=semgrep_env.ENV, timeout=300, check=False)
    document = json.loads(done.stdout)
    found = sorted((r["path"].rsplit("/", 1)[-1], r["start"]["line"], r["check_id"].rsplit(".", 1)[-1]) for r in document["results"])
    assert found == [
        ("a.php", 2, "wp-rest-public-write-route"),
        ("a.php", 8, "wp-rest-public-write-route"),
        ("a.php", 13, "wp-rest-permission-callback-missing"),
        ("a.php", 14, "wp-verify-nonce-unchecked"),
        ("a.php", 16, "wp-localize-nonce-not-wp-rest"),
        ("b.js", 1, "wp-rest-fetch-without-nonce"),
        ("b.js", 3, "wp-rest-fetch-without-nonce"),
    ]
