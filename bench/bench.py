#!/usr/bin/env python3
"""Benchmark a scan: ``python bench/bench.py DIR [--runs N]``.

Prints the median wall time of N full scans of DIR, the peak RSS of this process, how many files were seen,
passed the prefilter and were parsed (prefilter hits plus files parsed for a definition), the bytes parsed,
and the parse-only floor: the median time tree-sitter alone takes to parse those same files.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analyzer import languages  # noqa: E402
from analyzer.scan import scan  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    if not args.directory.is_dir():
        parser.error(f"not a directory: {args.directory}")

    walls = []
    result = None
    for _ in range(args.runs):
        start = time.perf_counter()
        result = scan([args.directory])
        walls.append(time.perf_counter() - start)
    assert result is not None

    php = languages.parser("php")
    sources = [source.data for source in result.sources.values()]
    floors = []
    for _ in range(args.runs):
        start = time.perf_counter()
        for data in sources:
            php.parse(data)
        floors.append(time.perf_counter() - start)

    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    stats = result.stats
    rows = [
        ("directory", str(args.directory)),
        ("runs", str(args.runs)),
        ("median wall time", f"{statistics.median(walls) * 1000:.0f} ms (min {min(walls) * 1000:.0f}, max {max(walls) * 1000:.0f})"),
        ("peak RSS", f"{peak_kib / 1024:.0f} MiB"),
        ("files seen", str(stats.files_seen)),
        ("files passed by the prefilter", str(stats.files_passed)),
        ("files parsed", str(stats.files_parsed)),
        ("bytes parsed", f"{stats.bytes_parsed:,}"),
        ("parse-only floor (same files)", f"{statistics.median(floors) * 1000:.0f} ms"),
        ("findings", str(len(result.findings))),
    ]
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        print(f"{key:<{width}}  {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
