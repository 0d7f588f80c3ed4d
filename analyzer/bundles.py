"""Sources and their compiled copies: report a bug once, in the file a developer edits.

A plugin built with @wordpress/scripts or webpack ships ``src/`` and the compiled ``build/`` (or ``dist/``).
Scanning both would report every client-side bug twice, once at a line nobody edits. A JS file is a compiled
copy, and skipped, when

- it sits under a ``build/`` or ``dist/`` directory whose parent also holds a ``src/`` directory with JS or
  TS files the scan reads; or
- its source map (``x.js.map`` next to it, or the file named by ``//# sourceMappingURL=``) lists ``sources``
  that are present in the scan.

A bundle with no sources beside it is the only copy and is scanned. ``--scan-bundles`` scans every copy.
"""

from __future__ import annotations

import json
import posixpath
import re
from pathlib import Path

from analyzer import languages

BUILD_DIRS = frozenset({"build", "dist"})
MAX_MAP_SIZE = 16 * 1024 * 1024
_MAP_COMMENT = re.compile(rb"//[#@]\s*sourceMappingURL=([^\s'\"]+)\s*$")
_SOURCE_PREFIX = re.compile(r"^(?:webpack|rollup|vite)://[^/]*/")


def _is_js(rel: str) -> bool:
    language = languages.language_of(rel)
    return language in languages.JS_LANGUAGES


def _sources_present(map_path: Path, rel_map: str, present: set[str]) -> bool:
    try:
        if map_path.stat().st_size > MAX_MAP_SIZE:
            return False
        data = json.loads(map_path.read_bytes())
    except (OSError, ValueError):
        return False
    sources = data.get("sources") if isinstance(data, dict) else None
    if not isinstance(sources, list):
        return False
    base = posixpath.dirname(rel_map)
    root = data.get("sourceRoot") if isinstance(data.get("sourceRoot"), str) else ""
    for source in sources:
        if not isinstance(source, str) or "node_modules" in source:
            continue
        cleaned = _SOURCE_PREFIX.sub("", source).split("?")[0]
        candidates = {posixpath.normpath(cleaned.lstrip("./")) if cleaned.startswith("./") else posixpath.normpath(cleaned)}
        candidates.add(posixpath.normpath(posixpath.join(base, root, cleaned)))
        if any(c in present for c in candidates):
            return True
        if any(p.endswith("/" + c.lstrip("./")) for c in candidates for p in present):
            return True
    return False


def compiled_copies(root: Path, files: list[str]) -> dict[str, str]:
    """Compiled JS files whose sources the scan also reads, with the reason each is skipped."""
    present = {f for f in files if _is_js(f)}
    source_dirs = set()
    for f in present:
        parts = f.split("/")
        source_dirs.update("/".join(parts[: i + 1]) for i, part in enumerate(parts[:-1]) if part == "src")
    copies: dict[str, str] = {}
    for rel in sorted(present):
        parts = rel.split("/")
        for i, part in enumerate(parts[:-1]):
            if part in BUILD_DIRS:
                parent = "/".join(parts[:i])
                src = posixpath.join(parent, "src") if parent else "src"
                if src in source_dirs:
                    copies[rel] = f"compiled copy of {src}/"
                break
        if rel in copies:
            continue
        map_rel = rel + ".map"
        path = root / rel
        if not (root / map_rel).is_file():
            try:
                with path.open("rb") as handle:
                    handle.seek(max(0, path.stat().st_size - 4096))
                    tail = handle.read()
            except OSError:
                continue
            match = _MAP_COMMENT.search(tail.rstrip())
            if not match or match.group(1).startswith(b"data:"):
                continue
            map_rel = posixpath.normpath(posixpath.join(posixpath.dirname(rel), match.group(1).decode("utf-8", "replace")))
        if (root / map_rel).is_file() and _sources_present(root / map_rel, map_rel, present - {rel}):
            copies[rel] = f"compiled from sources listed in {map_rel}"
    return copies


def block_json_files(root: Path, files: list[str]) -> list[tuple[str, dict]]:
    """The block.json files next to the scanned files (they name the script handles register_block_type
    generates)."""
    found = []
    directories = sorted({posixpath.dirname(f) for f in files})
    seen: set[str] = set()
    for directory in directories:
        rel = posixpath.join(directory, "block.json") if directory else "block.json"
        if rel in seen:
            continue
        seen.add(rel)
        path = root / rel
        try:
            if path.is_file() and path.stat().st_size < 1024 * 1024:
                data = json.loads(path.read_bytes())
                if isinstance(data, dict):
                    found.append((rel, data))
        except (OSError, ValueError):
            continue
    return found
