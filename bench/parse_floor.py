"""The parse floor, run by bench/bench.py as a child process: ``python bench/parse_floor.py MANIFEST``.

MANIFEST has one ``GRAMMAR<TAB>PATH`` line per file the analyzer parsed. Every file is read first, each
grammar's parser is built once, then every file is parsed once; only that loop is timed. Prints JSON:
``{"loop": seconds, "files": n, "bytes": n}``.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analyzer import languages  # noqa: E402


def main(manifest: str) -> int:
    files = []
    for line in Path(manifest).read_text(encoding="utf-8").splitlines():
        grammar, path = line.split("\t", 1)
        files.append((grammar, Path(path).read_bytes()))
    parsers = {grammar: languages.parser(grammar) for grammar in sorted({g for g, _ in files})}
    start = time.perf_counter()
    for grammar, data in files:
        parsers[grammar].parse(data)
    loop = time.perf_counter() - start
    print(json.dumps({"loop": loop, "files": len(files), "bytes": sum(len(data) for _, data in files)}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
