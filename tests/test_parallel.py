"""Parallel parsing (analyzer.workers): one pool per scan, started only for a batch worth it, largest files
first, results in input order — the reports are byte-identical for any --jobs value, cached or not."""

from __future__ import annotations

import multiprocessing
import shutil
from pathlib import Path

import pytest

from analyzer import workers
from analyzer.cli import main
from analyzer.formatters import OutputContext, render
from analyzer.rules import REGISTRY
from analyzer.scan import ScanOptions, scan

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
CASES = sorted([FIXTURES / "demo-plugin", *(p for p in (FIXTURES / "plugins").glob("*") if p.is_dir()), *(p for p in (FIXTURES / "projects").glob("*") if p.is_dir())])


@pytest.fixture
def pools(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Every batch is worth a pool; the pools started, by size."""
    started: list[int] = []
    real = multiprocessing.Pool

    def counting(processes, *args, **kwargs):
        started.append(processes)
        return real(processes, *args, **kwargs)

    monkeypatch.setattr(workers, "POOL_THRESHOLD_FORK", 0)
    monkeypatch.setattr(workers, "POOL_THRESHOLD_SPAWN", 0)
    monkeypatch.setattr(workers.multiprocessing, "Pool", counting)
    return started


def _report(path: Path, jobs: int, cache_dir: Path | None = None) -> tuple[str, str]:
    result = scan([path], ScanOptions(jobs=jobs, cache_dir=cache_dir))
    return render("json", result, OutputContext()), render("sarif", result, OutputContext())


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_any_jobs_value_gives_the_same_bytes(case: Path, pools: list[int], tmp_path: Path) -> None:
    serial = _report(case, 1)
    assert pools == []
    assert _report(case, 2) == serial
    assert _report(case, 3, tmp_path / "cache") == serial  # a pool filling the cache
    assert _report(case, 1, tmp_path / "cache") == serial  # read back by a serial scan
    assert all(size in (2, 3) for size in pools)


def test_workers_that_start_a_fresh_interpreter(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """spawn (macOS, Windows) and forkserver (Linux from Python 3.14): workers import the analyzer afresh."""
    case = FIXTURES / "plugins" / "vendored-libraries"
    serial = _report(case, 1)
    monkeypatch.setattr(workers, "POOL_THRESHOLD_FORK", 0)
    monkeypatch.setattr(workers, "POOL_THRESHOLD_SPAWN", 0)
    monkeypatch.setattr(workers.multiprocessing, "Pool", multiprocessing.get_context("spawn").Pool)
    assert _report(case, 2, tmp_path / "cache") == serial


def test_one_pool_for_a_scan_of_several_plugins_and_batches(pools: list[int], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("one", "two"):
        shutil.copytree(FIXTURES / "demo-plugin", tmp_path / "plugins" / name)
    batches: list[int] = []
    real = workers.ParseSession.outcomes

    def counting(self, files, work, report):
        batches.append(len(files))
        return real(self, files, work, report)

    monkeypatch.setattr(workers.ParseSession, "outcomes", counting)
    result = scan([tmp_path / "plugins"], ScanOptions(jobs=2))
    assert len(result.plugins) == 2 and len([b for b in batches if b > 1]) == 2
    assert pools == [2]
    assert multiprocessing.active_children() == []  # stopped when the scan ended


def test_a_small_batch_starts_no_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[int] = []
    monkeypatch.setattr(workers.multiprocessing, "Pool", lambda *a, **k: started.append(1))
    scan([FIXTURES / "demo-plugin"], ScanOptions(jobs=8))
    assert started == []


def test_the_pool_stops_when_the_scan_is_interrupted(pools: list[int], monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(model):
        raise KeyboardInterrupt

    monkeypatch.setattr(REGISTRY[0], "check", interrupted)
    with pytest.raises(KeyboardInterrupt):
        scan([FIXTURES / "demo-plugin"], ScanOptions(jobs=2))
    assert pools == [2]
    assert multiprocessing.active_children() == []
    assert workers.current() is None


def test_largest_files_first_small_ones_in_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workers, "CHUNK_BYTES", 100)
    files = [("a", b"x" * 10), ("b", b"x" * 500), ("c", b"x" * 40), ("d", b"x" * 60), ("e", b"x" * 200), ("f", b"x" * 10)]
    chunks = workers._chunks(files, [0, 1, 2, 3, 4, 5])
    assert [[index for index, _, _ in chunk] for chunk in chunks] == [[1], [4], [3, 2], [0, 5]]
    assert workers._chunks(files, [0, 2]) == [[(2, "c", files[2][1]), (0, "a", files[0][1])]]


def test_auto_jobs(monkeypatch: pytest.MonkeyPatch) -> None:
    assert 1 <= workers.auto_jobs() <= workers.MAX_AUTO_JOBS
    monkeypatch.setattr(workers.os, "sched_getaffinity", lambda _pid: set(range(64)), raising=False)
    monkeypatch.setattr(workers, "_cpu_quota", lambda: None)
    assert workers.auto_jobs() == workers.MAX_AUTO_JOBS
    monkeypatch.setattr(workers, "_cpu_quota", lambda: 2.5)  # docker --cpus 2.5
    assert workers.auto_jobs() == 2
    monkeypatch.setattr(workers, "_cpu_quota", lambda: 0.5)
    assert workers.auto_jobs() == 1
    monkeypatch.setattr(workers.os, "sched_getaffinity", lambda _pid: {0}, raising=False)
    monkeypatch.setattr(workers, "_cpu_quota", lambda: None)
    assert workers.auto_jobs() == 1


@pytest.mark.parametrize("value", ["auto", "1", "3"])
def test_jobs_option(value: str, capsys) -> None:
    assert main(["scan", str(FIXTURES / "demo-plugin"), "--format", "json", "--no-cache", "--jobs", value]) == 1
    assert '"findings"' in capsys.readouterr().out


@pytest.mark.parametrize("value", ["0", "-1", "many"])
def test_jobs_option_refuses(value: str, capsys) -> None:
    assert main(["scan", str(FIXTURES / "demo-plugin"), f"--jobs={value}"]) == 2
    assert f"--jobs: not 'auto' or a positive whole number: '{value}'" in capsys.readouterr().err
