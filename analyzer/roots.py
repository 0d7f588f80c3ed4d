"""Where a plugin or theme starts, found the way WordPress finds it.

A plugin's main file is a PHP file directly in the plugin's folder whose header — the first 8 KiB, read by
``get_file_data()`` — has a ``Plugin Name:`` line; a theme is a folder whose ``style.css`` has a
``Theme Name:`` line. WordPress looks one level deep only, so a folder inside a plugin that happens to hold
another header (a bundled library such as Action Scheduler, a test fixture) belongs to the outer plugin. The
``plugins``, ``mu-plugins`` and ``themes`` folders hold plugins; they are never one (``hello.php`` sits in
``wp-content/plugins`` itself).

A scan of a folder holding several plugins (``wp-content/plugins``, a monorepo) analyses each as its own
plugin; files outside every plugin and theme are analysed together.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from pathlib import Path

HEADER_BYTES = 8192  # get_file_data() reads this much
CONTAINERS = frozenset({"plugins", "mu-plugins", "themes"})
# WordPress core's own folders never hold a plugin (wp-admin/includes/plugin.php documents the header with
# an example "Plugin Name:" line, which get_file_data() would read).
CORE_DIRS = frozenset({"wp-admin", "wp-includes"})
# get_file_data(): '/^(?:[ \t]*<?php)?[ \t\/*#@]*' . $field . ':(.*)$/mi'
_PLUGIN = re.compile(rb"^(?:[ \t]*<\?php)?[ \t/*#@]*Plugin Name:(.*)$", re.M | re.I)
_THEME = re.compile(rb"^(?:[ \t]*<\?php)?[ \t/*#@]*Theme Name:(.*)$", re.M | re.I)
_CLOSE = re.compile(r"\s*(?:\*/|\?>).*$")


@dataclass(frozen=True)
class Root:
    """A plugin or theme: its folder and main file relative to the scan root (POSIX; "" is the root)."""

    path: str
    kind: str  # "plugin" | "theme"
    name: str
    main_file: str

    def holds(self, rel: str) -> bool:
        return not self.path or rel == self.path or rel.startswith(self.path + "/")


def _header(path: Path, pattern: re.Pattern[bytes]) -> str | None:
    try:
        with path.open("rb") as handle:
            head = handle.read(HEADER_BYTES)
    except OSError:
        return None
    match = pattern.search(head.replace(b"\r", b"\n"))
    if match is None:
        return None
    name = _CLOSE.sub("", match.group(1).decode("utf-8", "replace")).strip()
    return name or None


def root_at(directory: Path, php_files: list[str] | None = None) -> tuple[str, str, str] | None:
    """(kind, name, main file name) when ``directory`` is a plugin or theme folder, else None.

    ``php_files`` are the names of the PHP files directly in it, when the caller already knows them.
    """
    if directory.name in CONTAINERS or CORE_DIRS.intersection(directory.parts):
        return None
    if php_files is None:
        try:
            php_files = sorted(p.name for p in directory.iterdir() if p.suffix.lower() == ".php" and p.is_file())
        except OSError:
            php_files = []
    for name in sorted(php_files):
        plugin = _header(directory / name, _PLUGIN)
        if plugin is not None:
            return "plugin", plugin, name
    style = directory / "style.css"
    if style.is_file():
        theme = _header(style, _THEME)
        if theme is not None:
            return "theme", theme, "style.css"
    return None


def find(scan_root: Path, files: list[str]) -> list[Root]:
    """The outermost plugin and theme folders at or under ``scan_root`` that hold any of ``files``."""
    by_dir: dict[str, list[str]] = {}
    for rel in files:
        directory, name = posixpath.split(rel)
        by_dir.setdefault(directory, [])
        if name.lower().endswith(".php"):
            by_dir[directory].append(name)
        while directory:  # every folder on the way down may be the root
            directory = posixpath.dirname(directory)
            by_dir.setdefault(directory, [])
    found: list[Root] = []
    for directory in sorted(by_dir, key=lambda d: (d.count("/") if d else -1, d)):
        if any(r.holds(directory) for r in found):
            continue  # inside a plugin already: WordPress looks one level deep
        located = root_at(scan_root / directory if directory else scan_root, by_dir[directory])
        if located is not None:
            kind, name, main = located
            found.append(Root(directory, kind, name, posixpath.join(directory, main) if directory else main))
    return sorted(found, key=lambda r: r.path)


def enclosing(path: Path, stop: Path | None) -> Path | None:
    """The outermost plugin or theme folder holding ``path`` (a file or folder), searching upward no
    further than ``stop`` (the git repository root, when there is one)."""
    start = path if path.is_dir() else path.parent
    outermost = None
    for directory in (start, *start.parents):
        if root_at(directory) is not None:
            outermost = directory
        if directory == stop:
            break
    return outermost


def owner(rel: str, roots: list[Root]) -> Root | None:
    """The root a file (relative to the scan root) belongs to."""
    return next((r for r in roots if r.holds(rel)), None)
