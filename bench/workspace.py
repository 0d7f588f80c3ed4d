"""The tree a benchmark runs on: a copy of DIR (the user's DIR is never written), the files the analyzer
parses in it (for the parse floor), and the one file each warm run finds changed."""

from __future__ import annotations

import os
import shutil
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path


def copy_tree(directory: Path, tmp: Path) -> Path:
    """DIR copied under ``tmp`` with its own folder name (symlinks kept as links)."""
    copy = tmp / "tree" / (directory.resolve().name or "root")
    shutil.copytree(directory, copy, symlinks=True)
    return copy


@dataclass
class Parsed:
    manifest: Path  # GRAMMAR<TAB>PATH lines, for bench/parse_floor.py
    files: int = 0
    bytes: int = 0
    by_grammar: Counter = field(default_factory=Counter)
    skipped: Counter = field(default_factory=Counter)  # language -> files read without tree-sitter
    touch: Path | None = None  # the file a warm run finds changed


def parsed_files(copy: Path, tmp: Path) -> Parsed:
    """Scan ``copy`` in this process once and list what it parsed, each file with the grammar it is parsed with.

    A file is listed as the analyzer parsed it: the bytes it read (CR line ends and UTF-16 converted) and, for
    .vue / .svelte, the <script> blocks in place. Node scripts are parsed with their JS grammar; Python and
    shell scripts have none (libcst and a line reader take them): they are counted as skipped. bench/bench.py
    checks the count against the one the CLI reports.
    """
    from analyzer import config as config_module
    from analyzer import languages
    from analyzer.js import sfc
    from analyzer.scan import ScanOptions, scan

    # As the CLI scans it: with the configuration found upward from DIR (its excludes, scan-bundles).
    found = config_module.find(copy.resolve())
    config = config_module.load(found) if found is not None else None
    result = scan([copy], ScanOptions(config=config, scan_bundles=bool(config and config.scan_bundles)))
    models = [p.model for p in result.plugins if p.model is not None]
    if models:
        read = {f.path for m in models for f in (*m.php_files, *m.js_files, *m.script_files)}
    else:
        read = set(result.sources)
    # Node scripts are parsed with their JS grammar; Python and shell scripts are not parsed by tree-sitter.
    scripts = {rel for rel in read if languages.language_of(rel) in languages.SCRIPT_LANGUAGES}
    tree_sitter = read - scripts
    parsed = Parsed(tmp / "floor.manifest")
    parsed.skipped.update(languages.language_of(rel) or "?" for rel in scripts)
    blobs = tmp / "floor"
    blobs.mkdir()
    lines, php = [], []
    for n, rel in enumerate(sorted(tree_sitter)):
        source = result.sources.get(rel)
        if source is None:
            continue
        path, data = result.root / rel, source.data
        grammar = languages.language_of(rel) or "php"
        if grammar in sfc.LANGUAGES:
            data, grammar = sfc.script_source(data)
        if grammar != languages.language_of(rel) or _differs(path, data):
            path = blobs / str(n)
            path.write_bytes(data)
        elif grammar == "php":
            php.append((len(data), rel))
        lines.append(f"{grammar}\t{path}")
        parsed.files += 1
        parsed.bytes += len(data)
        parsed.by_grammar[grammar] += 1
    parsed.manifest.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    candidates = sorted(php) or sorted((len(result.sources[r].data), r) for r in tree_sitter if r in result.sources)
    if candidates:  # a file of median size: a typical edit
        parsed.touch = result.root / candidates[len(candidates) // 2][1]
    return parsed


def _differs(path: Path, data: bytes) -> bool:
    try:
        return path.read_bytes() != data
    except OSError:
        return True


def comment(path: Path, data: bytes, n: int) -> bytes:
    """A line to append to ``path`` that changes no code: a comment in the file's language, numbered so that
    every warm run sees new content."""
    ext = path.suffix.lower()
    if ext in (".php", ".phtml", ".inc"):
        # After a closing ?> the file is back in HTML: open PHP again for the comment.
        in_html = data.rfind(b"?>") > max(data.rfind(b"<?php"), data.rfind(b"<?="))
        text = f"<?php /* bench {n} */ ?>" if in_html else f"// bench {n}"
    elif ext in (".py", ".sh", ".bash"):
        text = f"# bench {n}"
    elif ext in (".vue", ".svelte", ".html"):
        text = f"<!-- bench {n} -->"
    elif ext == ".css":
        text = f"/* bench {n} */"
    else:
        text = f"// bench {n}"
    return (b"" if data.endswith(b"\n") or not data else b"\n") + text.encode() + b"\n"


class Touch:
    """Append a comment to one file for a warm run, then put back its bytes and times."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.data = path.read_bytes()
        self.stat = path.stat()
        self.count = 0

    def apply(self) -> None:
        self.count += 1
        self.path.write_bytes(self.data + comment(self.path, self.data, self.count))

    def restore(self) -> None:
        self.path.write_bytes(self.data)
        os.utime(self.path, ns=(self.stat.st_atime_ns, self.stat.st_mtime_ns))
