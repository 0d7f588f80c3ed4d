"""The facts cache (analyzer.cache): a rerun parses only what changed, and reports exactly what an uncached
scan of the same tree reports — after an edit, a deletion, a damaged entry, a new analyzer version, and with
two scans sharing the folder at once."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

import analyzer
import analyzer.scan
from analyzer import cache
from analyzer.cli import main
from analyzer.formatters import OutputContext, render
from analyzer.scan import ScanOptions, scan

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "fixtures" / "demo-plugin"


@pytest.fixture
def plugin(tmp_path: Path) -> Path:
    copy = tmp_path / "acme-forms"
    shutil.copytree(DEMO, copy)
    return copy


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files parsed (not taken from the cache), in order."""
    parsed: list[str] = []
    real = analyzer.scan.facts_of

    def counting(rel: str, data: bytes):
        parsed.append(rel)
        return real(rel, data)

    monkeypatch.setattr(analyzer.scan, "facts_of", counting)
    return parsed


def _report(path: Path, cache_dir: Path | None, jobs: int = 1) -> tuple[str, str]:
    """The JSON and SARIF reports of a scan."""
    result = scan([path], ScanOptions(cache_dir=cache_dir, jobs=jobs))
    context = OutputContext()
    return render("json", result, context), render("sarif", result, context)


def _entries(cache_dir: Path) -> list[Path]:
    return sorted(p for p in cache_dir.rglob("*") if p.is_file() and p.name != "CACHEDIR.TAG")


def _headlines(report: tuple[str, str]) -> list[tuple[str, str, int]]:
    document = json.loads(report[0])
    return sorted((f["code"], f["path"], f["line"]) for f in document["findings"])


def test_a_rerun_parses_nothing_and_reports_the_same_bytes(plugin: Path, tmp_path: Path, parses: list[str]) -> None:
    uncached = _report(plugin, None)
    parsed_uncached = len(parses)
    parses.clear()
    cache_dir = tmp_path / "cache"
    assert _report(plugin, cache_dir) == uncached
    assert len(parses) == parsed_uncached > 0
    assert len(_entries(cache_dir)) == parsed_uncached
    parses.clear()
    assert _report(plugin, cache_dir) == uncached
    assert parses == []


def test_an_edited_file_is_parsed_again_and_the_findings_it_joins_into_change(plugin: Path, tmp_path: Path, parses: list[str]) -> None:
    cache_dir = tmp_path / "cache"
    before = _report(plugin, cache_dir)
    assert ("WPR005", "acme-forms.php", 30) in _headlines(before)  # its permission callback only returns true
    permissions = plugin / "includes" / "permissions.php"
    permissions.write_text(permissions.read_text().replace("return true;", "return current_user_can( 'manage_options' );"))
    parses.clear()
    after = _report(plugin, cache_dir)
    assert parses == ["includes/permissions.php"]  # the route's file came from the cache, the join still holds
    assert ("WPR005", "acme-forms.php", 30) not in _headlines(after)
    assert after == _report(plugin, None)


def test_a_deleted_file_takes_its_findings_with_it(plugin: Path, tmp_path: Path, parses: list[str]) -> None:
    cache_dir = tmp_path / "cache"
    controller = "includes/class-acme-forms-submissions-controller.php"
    assert ("WPR006", controller, 28) in _headlines(_report(plugin, cache_dir))
    (plugin / controller).unlink()
    parses.clear()
    after = _report(plugin, cache_dir)
    assert parses == []
    assert not [h for h in _headlines(after) if h[1] == controller]
    assert after == _report(plugin, None)


@pytest.mark.parametrize("damage", ["truncated", "garbage", "empty", "flipped", "not-facts"])
def test_a_damaged_entry_is_rebuilt(damage: str, plugin: Path, tmp_path: Path, parses: list[str]) -> None:
    cache_dir = tmp_path / "cache"
    expected = _report(plugin, cache_dir)
    entries = _entries(cache_dir)
    victim = max(entries, key=lambda p: p.stat().st_size)
    data = victim.read_bytes()
    if damage == "truncated":
        victim.write_bytes(data[: len(data) // 2])
    elif damage == "garbage":
        victim.write_bytes(os.urandom(len(data)))
    elif damage == "empty":
        victim.write_bytes(b"")
    elif damage == "flipped":
        victim.write_bytes(data[:-10] + bytes([data[-10] ^ 0xFF]) + data[-9:])
    else:  # a sound entry holding something else than an outcome
        victim.write_bytes(cache.encode(("not", "facts")))  # type: ignore[arg-type]
    parses.clear()
    assert _report(plugin, cache_dir) == expected
    assert len(parses) == 1
    assert victim.read_bytes() == data  # rebuilt as it was
    parses.clear()
    assert _report(plugin, cache_dir) == expected
    assert parses == []


def test_a_new_analyzer_version_misses_everything(plugin: Path, tmp_path: Path, parses: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    cache_dir = tmp_path / "cache"
    expected = _report(plugin, cache_dir)
    first = len(parses)
    old_spaces = {p.name for p in cache_dir.iterdir() if p.is_dir()}
    monkeypatch.setattr(analyzer, "__version__", analyzer.__version__ + ".post1")
    monkeypatch.setattr(cache, "_namespace", None)
    parses.clear()
    assert _report(plugin, cache_dir) == expected
    assert len(parses) == first
    assert len({p.name for p in cache_dir.iterdir() if p.is_dir()} - old_spaces) == 1


def test_the_namespace_follows_the_code_and_queries(monkeypatch: pytest.MonkeyPatch) -> None:
    """An edited extractor or query is a new namespace, without a version bump."""
    monkeypatch.setattr(cache, "_namespace", None)
    first = cache.namespace()
    real = cache._code_files

    def edited():
        files = real()
        name, path = next((n, p) for n, p in files if n.endswith(".scm"))
        return [*files, (name + "~", path)]

    monkeypatch.setattr(cache, "_code_files", edited)
    monkeypatch.setattr(cache, "_namespace", None)
    assert cache.namespace() != first
    assert any(n.startswith("php/") and n.endswith(".py") for n, _ in real())
    assert any(n.startswith("queries/php/") for n, _ in real())


def test_the_same_bytes_at_two_paths_are_two_entries(tmp_path: Path, parses: list[str]) -> None:
    """Facts carry their file's path in every span."""
    tree = tmp_path / "tree"
    tree.mkdir()
    route = "<?php\nregister_rest_route( 'a/v1', '/x', array( 'methods' => 'POST', 'callback' => 'f', 'permission_callback' => '__return_true' ) );\n"
    (tree / "one.php").write_text(route)
    cache_dir = tmp_path / "cache"
    _report(tree, cache_dir)
    shutil.copy(tree / "one.php", tree / "two.php")
    parses.clear()
    report = _report(tree, cache_dir)
    assert parses == ["two.php"]
    assert report == _report(tree, None)
    assert {h[1] for h in _headlines(report)} == {"one.php", "two.php"}


def test_a_file_that_could_not_be_analysed_is_not_cached(plugin: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A failure may be passing (memory): it is tried again next time rather than remembered."""
    real = analyzer.scan.facts_of
    calls: list[str] = []

    def failing(rel: str, data: bytes):
        calls.append(rel)
        if rel == "includes/permissions.php":
            return None, ["could not analyse this file (MemoryError: )"]
        return real(rel, data)

    monkeypatch.setattr(analyzer.scan, "facts_of", failing)
    cache_dir = tmp_path / "cache"
    _report(plugin, cache_dir)
    calls.clear()
    _report(plugin, cache_dir)
    assert calls == ["includes/permissions.php"]


def test_two_scans_at_once_share_the_folder(plugin: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    expected = _report(plugin, None)
    for _ in range(2):  # cold, then warm
        reports: list[tuple[str, str]] = []
        errors: list[BaseException] = []

        def run() -> None:
            try:
                reports.append(_report(plugin, cache_dir))
            except BaseException as error:  # pragma: no cover - reported below
                errors.append(error)

        threads = [threading.Thread(target=run) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not errors and reports == [expected] * 3
    # and two processes
    command = [sys.executable, "-m", "analyzer", "scan", str(plugin), "--format", "json", "--cache-dir", str(cache_dir), "--fail-on", "never"]
    shutil.rmtree(cache_dir)
    processes = [subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    outputs = [p.communicate(timeout=120) for p in processes]
    assert [p.returncode for p in processes] == [0, 0], outputs
    assert outputs[0][0] == outputs[1][0] and outputs[0][0]
    assert all(err == b"" for _, err in outputs)
    assert not [p for p in cache_dir.rglob(".tmp-*")]


def test_the_cli_caches_by_default_and_no_cache_writes_nothing(plugin: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    default = tmp_path / "default"
    monkeypatch.setenv("WP_REST_LINT_CACHE_DIR", str(default))
    assert main(["scan", str(plugin), "--format", "json", "--no-cache"]) == 1
    uncached = capsys.readouterr().out
    assert not default.exists()
    assert main(["scan", str(plugin), "--format", "json"]) == 1
    assert capsys.readouterr().out == uncached
    assert _entries(default)
    elsewhere = tmp_path / "elsewhere"
    assert main(["scan", str(plugin), "--format", "json", "--cache-dir", str(elsewhere)]) == 1
    assert capsys.readouterr().out == uncached
    assert _entries(elsewhere)
    assert main(["scan", str(plugin), "--no-cache", "--cache-dir", str(elsewhere)]) == 2
    assert "--cache-dir: not allowed with argument --no-cache" in capsys.readouterr().err


def test_the_default_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("WP_REST_LINT_CACHE_DIR", str(tmp_path / "a"))
    assert cache.default_dir() == tmp_path / "a"
    monkeypatch.delenv("WP_REST_LINT_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.default_dir() == tmp_path / "xdg" / "wp-rest-lint"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache.default_dir() == tmp_path / "home" / ".cache" / "wp-rest-lint"


def test_an_unusable_folder_is_one_warning_and_an_uncached_scan(plugin: Path, tmp_path: Path, capsys) -> None:
    assert main(["scan", str(plugin), "--format", "json", "--no-cache"]) == 1
    expected = capsys.readouterr().out
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    assert main(["scan", str(plugin), "--format", "json", "--cache-dir", str(blocker / "cache")]) == 1
    out, err = capsys.readouterr()
    assert out == expected
    assert err.startswith(f"wp-rest-lint: warning: cannot use the cache folder {blocker / 'cache'} (") and err.count("\n") == 1
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    assert main(["scan", str(plugin), "--format", "json", "--cache-dir", str(shared)]) == 1
    out, err = capsys.readouterr()
    assert out == expected and "other users can write to it" in err
    assert list(shared.iterdir()) == []


def test_a_folder_that_turns_read_only_mid_scan_costs_nothing(plugin: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    attempts: list[str] = []

    def full(folder, path, data):
        attempts.append(path.name)
        raise OSError(28, "No space left on device")

    cache.prepare(tmp_path / "cache")  # usable when the scan starts
    monkeypatch.setattr(cache, "_write_atomic", full)
    assert _report(plugin, tmp_path / "cache") == _report(plugin, None)
    assert len(attempts) == 3  # then it stops trying


def test_prune_drops_the_least_recently_used_down_to_three_quarters(tmp_path: Path) -> None:
    space = tmp_path / "ns" / "ab"
    space.mkdir(parents=True)
    for n in range(10):
        entry = space / f"entry{n}"
        entry.write_bytes(b"x" * 1000)
        os.utime(entry, (1000 + n, 1000 + n))
    stale = space / ".tmp-crashed"
    stale.write_bytes(b"x")
    os.utime(stale, (1, 1))
    fresh = space / ".tmp-writing"
    fresh.write_bytes(b"x")
    assert cache.prune(tmp_path, max_bytes=20_000) == 1  # under the bound: only the crashed writer's file
    assert cache.prune(tmp_path, max_bytes=8_000) == 4  # 10,000 bytes down to 6,000: the four oldest go
    assert sorted(p.name for p in space.iterdir()) == [".tmp-writing", *(f"entry{n}" for n in range(4, 10))]


def test_a_hit_is_recently_used(plugin: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    _report(plugin, cache_dir)
    for entry in _entries(cache_dir):
        os.utime(entry, (1000, 1000))
    _report(plugin, cache_dir)
    assert all(entry.stat().st_mtime > 1000 for entry in _entries(cache_dir))


def test_a_scan_that_writes_prunes_an_oversized_cache(plugin: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache_dir = tmp_path / "cache"
    old = cache_dir / ("0" * 32) / "00"
    old.mkdir(parents=True)
    (old / ("0" * 62)).write_bytes(b"x" * 50_000)
    os.utime(old / ("0" * 62), (1000, 1000))
    monkeypatch.setattr(cache, "MAX_BYTES", 60_000)
    _report(plugin, cache_dir)
    assert not (old / ("0" * 62)).exists()  # another version's entry, never touched: the first to go
    assert _entries(cache_dir)


def test_entries_round_trip_every_fixture(tmp_path: Path) -> None:
    """Every fixture's report is the same from a warm cache as from none (the pickling keeps every fact)."""
    cases = sorted(p for p in (ROOT / "fixtures" / "plugins").iterdir() if p.is_dir())
    for case in cases:
        cache_dir = tmp_path / case.name
        expected = _report(case, None)
        assert _report(case, cache_dir) == expected, case.name
        assert _report(case, cache_dir) == expected, case.name
