"""Limits: memory does not grow with the number of files waiting to be searched; --jobs changes nothing."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import analyzer.scan
from analyzer.formatters import OutputContext, render
from analyzer.scan import ScanOptions, scan

DEMO = Path(__file__).resolve().parent.parent / "fixtures" / "demo-plugin"


def _large_plugin(root: Path, files: int = 160, size: int = 64 * 1024) -> None:
    root.mkdir()
    (root / "plugin.php").write_text(
        "<?php register_rest_route( 'big/v1', '/x', array( 'methods' => 'POST', 'callback' => 'f',"
        " 'permission_callback' => 'big_allow' ) );\n"
    )
    filler = "<?php\n" + "// " + "x" * 60 + "\n" * 1
    for i in range(files):
        body = filler * (size // len(filler))
        if i == files - 1:
            body += "function big_allow() { return true; }\n"
        (root / f"file{i:03}.php").write_text(body)


def _peak(root: Path) -> tuple[int, list[str]]:
    tracemalloc.start()
    try:
        result = scan([root])
        return tracemalloc.get_traced_memory()[1], [f.code for f in result.findings]
    finally:
        tracemalloc.stop()


def test_pending_files_are_not_all_kept_in_memory(tmp_path: Path, monkeypatch) -> None:
    _large_plugin(tmp_path / "plugin")  # 160 files x 64 KiB = 10 MiB waiting for the demand search
    monkeypatch.setattr(analyzer.scan, "PENDING_MEMORY", 512 * 1024)
    bounded, codes = _peak(tmp_path / "plugin")
    assert codes == ["WPR005"]  # big_allow() in the last file was still found
    monkeypatch.setattr(analyzer.scan, "PENDING_MEMORY", 1 << 40)
    unbounded, codes = _peak(tmp_path / "plugin")
    assert codes == ["WPR005"]
    # Measured: about 2.9 MB bounded, 10.8 MB when every file is kept.
    assert bounded < 5 * 1024 * 1024 and unbounded > 2.5 * bounded, (bounded, unbounded)


def test_jobs_do_not_change_the_output() -> None:
    one = render("sarif", scan([DEMO], ScanOptions(jobs=1)), OutputContext())
    two = render("sarif", scan([DEMO], ScanOptions(jobs=2)), OutputContext())
    assert one == two
