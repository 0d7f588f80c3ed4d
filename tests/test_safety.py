"""Safety: the analyzer never runs or imports scanned code, writes nothing but its output file, and
every path it reports resolves inside the scan root.

Python's audit hooks see every file opened for writing, every import and every process started during
the scan, whatever code path does it.
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

from analyzer.cli import main
from analyzer.scan import scan

_EVENTS: list[tuple[str, tuple]] | None = None


def _hook(event: str, args: tuple) -> None:
    if _EVENTS is not None and (event in ("open", "import", "exec", "compile") or event.startswith(("subprocess", "os.", "shutil"))):
        _EVENTS.append((event, args))


sys.addaudithook(_hook)  # cannot be removed; records only inside audited()


@contextmanager
def audited():
    global _EVENTS
    events: list[tuple[str, tuple]] = []
    _EVENTS = events
    try:
        yield events
    finally:
        _EVENTS = None


def _writes(events) -> list[str]:
    found = []
    for event, args in events:
        if event == "open" and len(args) >= 3:
            path, mode, flags = args[0], args[1], args[2]
            writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
                isinstance(flags, int) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC)
            )
            if writing:
                found.append(os.fsdecode(path) if isinstance(path, (str, bytes)) else str(path))
    return found


def _booby_trapped_plugin(root: Path) -> Path:
    plugin = root / "plugin"
    (plugin / "includes").mkdir(parents=True)
    marker = root / "EXECUTED"
    (plugin / "plugin.php").write_text(
        "<?php\nfile_put_contents( '" + str(marker) + "', 'php ran' );\n"
        "register_rest_route( 'trap/v1', '/x', array( 'methods' => 'POST', 'callback' => 'f', 'permission_callback' => '__return_true' ) );\n"
    )
    python = f"open({str(marker)!r}, 'w').write('python ran')\n"
    for name in ("evil.py", "__init__.py", "conftest.py", "setup.py", "includes/__init__.py", "includes/helpers.py"):
        (plugin / name).write_text(python)
    (plugin / "build.sh").write_text(f"#!/bin/sh\ntouch {marker}\n")
    (plugin / "build.sh").chmod(0o755)
    (plugin / "package.json").write_text('{"scripts": {"postinstall": "touch ' + str(marker) + '"}}')
    return plugin


def test_scanned_code_is_never_executed_or_imported(tmp_path: Path) -> None:
    plugin = _booby_trapped_plugin(tmp_path)
    modules_before = set(sys.modules)
    with audited() as events:
        result = scan([plugin])
    assert [f.code for f in result.findings] == ["WPR005"]
    assert not (tmp_path / "EXECUTED").exists()
    started = [e for e, _ in events if e.startswith(("subprocess", "os.exec", "os.posix_spawn", "os.spawn", "os.system", "os.fork"))]
    assert started == []
    imported_from_plugin = [
        args for event, args in events if event == "import" and any(str(plugin) in str(a) for a in args if a is not None)
    ]
    assert imported_from_plugin == []
    new_modules = {name for name in set(sys.modules) - modules_before if "evil" in name or "helpers" in name or name == "conftest"}
    assert new_modules == set()


@pytest.mark.parametrize("cached", [False, True], ids=["no-cache", "cache"])
def test_the_only_files_written_are_the_output_and_the_cache(tmp_path: Path, monkeypatch, cached: bool) -> None:
    """Nothing is written into the plugin, the working directory or the home directory but the report — and,
    unless --no-cache, entries inside the facts cache folder."""
    plugin = _booby_trapped_plugin(tmp_path)
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    cache = tmp_path / "facts-cache"
    monkeypatch.setenv("WP_REST_LINT_CACHE_DIR", str(cache))
    output = work / "report.sarif"
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    with audited() as events:
        assert main(["scan", str(plugin), "--format", "sarif", "-o", str(output), *([] if cached else ["--no-cache"])]) == 1
    # A number is a descriptor opened earlier by name (the cache writes through tempfile.mkstemp's descriptor).
    writes = [w for w in _writes(events) if not w.isdigit()]
    assert [w for w in writes if not w.startswith(str(cache) + os.sep)] == [str(output)]
    after = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    new = sorted(set(after) - set(before))
    assert [p for p in new if p.parts[0] != "facts-cache"] == [Path("cwd/report.sarif")]
    if cached:
        assert any(p.is_file() for p in cache.rglob("*")), "no cache entry written"
    else:
        assert not cache.exists()


def test_reported_paths_resolve_inside_the_scan_root(tmp_path: Path) -> None:
    plugin = _booby_trapped_plugin(tmp_path)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.php").write_text(
        "<?php register_rest_route( 'out/v1', '/x', array( 'methods' => 'DELETE', 'callback' => 'f' ) );\n"
    )
    os.symlink(outside / "secret.php", plugin / "linked.php")
    os.symlink(outside, plugin / "linked-dir")
    os.symlink("../../outside/secret.php", plugin / "includes" / "relative.php")
    result = scan([plugin])
    root = plugin.resolve()
    findings = [f.span.path for f in result.findings] + [r.span.path for f in result.findings for r in f.related]
    assert findings
    for path in findings:
        (root / path).resolve(strict=True).relative_to(root)  # the analysed file itself is inside the root
    for error in result.errors:  # an error about a link names the link, which is inside the root
        (root / error.path).parent.resolve(strict=True).relative_to(root)
    assert "out/v1" not in " ".join(f.message for f in result.findings)
    assert sorted((e.path, e.message) for e in result.errors) == [
        ("includes/relative.php", "symbolic link to outside the scan root: not followed"),
        ("linked.php", "symbolic link to outside the scan root: not followed"),
    ]
