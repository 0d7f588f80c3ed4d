"""Find the files of a plugin: walk the tree, honour .gitignore and the excludes, keep what we parse."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pathspec

from analyzer import languages

# Third-party code, VCS data and minified bundles are not the plugin's own source.
DEFAULT_EXCLUDES = ("vendor/", "node_modules/", ".git/", "*.min.js")


# Bundled libraries: never scanned for findings, but read when the plugin's own code calls into them (a
# route helper trait from a Composer package, a base controller class).
LIBRARY_DIRS = ("vendor/",)


@dataclass
class Discovery:
    root: Path  # the scan root: paths are reported relative to it
    files: list[str] = field(default_factory=list)  # POSIX paths relative to root, sorted
    problems: list[tuple[str, str]] = field(default_factory=list)  # (path, what went wrong)
    library_files: list[str] = field(default_factory=list)  # under LIBRARY_DIRS: definitions only


def _spec(patterns: list[str]) -> pathspec.PathSpec:
    return pathspec.GitIgnoreSpec.from_lines(patterns)


def scan_root(paths: list[Path]) -> Path:
    """The directory findings are reported relative to: the PATH itself, or the common parent."""
    resolved = [p.resolve() for p in paths]
    dirs = [p if p.is_dir() else p.parent for p in resolved]
    if len(dirs) == 1:
        return dirs[0]
    return Path(os.path.commonpath([str(d) for d in dirs]))


def discover(paths: list[Path], excludes: list[str] | None = None, defaults: tuple[str, ...] = DEFAULT_EXCLUDES) -> Discovery:
    """Files under ``paths`` that the analyzer parses, minus ``defaults``, .gitignore and ``excludes``."""
    root = scan_root(paths)
    found = Discovery(root)
    exclude_spec = _spec([*defaults, *(excludes or [])])
    seen: set[str] = set()
    for path in paths:
        resolved = path.resolve()
        if not resolved.exists():
            continue  # a file given on standard input that is not on disk yet
        if resolved.is_file():
            rel = resolved.relative_to(root).as_posix()
            if languages.language_of(rel) and rel not in seen:
                seen.add(rel)
                found.files.append(rel)
            continue
        for rel in _walk(root, resolved, exclude_spec, found):
            if rel not in seen:
                seen.add(rel)
                found.files.append(rel)
    found.files.sort()
    found.library_files = library_files(root, root, excludes, defaults, seen)
    return found


def library_files(root: Path, base: Path, excludes: list[str] | None, defaults: tuple[str, ...], seen: set[str]) -> list[str]:
    """The files of the bundled libraries (LIBRARY_DIRS) directly under ``base``, relative to ``root``."""
    library_spec = _spec([p for p in defaults if p not in LIBRARY_DIRS] + list(excludes or []))
    found: list[str] = []
    for library in (d for d in LIBRARY_DIRS if d in defaults):
        top = base / library.rstrip("/")
        if top.is_dir() and not top.is_symlink():
            ignored: list[str] = []
            for rel in _walk(root, top, library_spec, Discovery(root, problems=ignored)):  # type: ignore[arg-type]
                if rel not in seen:
                    found.append(rel)
    return sorted(found)


def _walk(root: Path, top: Path, exclude_spec: pathspec.PathSpec, found: Discovery):
    """Iterative walk; directory symlinks are not followed, file symlinks only when they stay in root."""
    stack: list[tuple[Path, list[tuple[Path, pathspec.PathSpec]]]] = [(top, [])]
    while stack:
        directory, ignores = stack.pop()
        ignores = list(ignores)
        gitignore = directory / ".gitignore"
        try:
            if gitignore.is_file():
                ignores.append((directory, _spec(gitignore.read_text(encoding="utf-8", errors="replace").splitlines())))
        except OSError as error:
            found.problems.append((gitignore.relative_to(root).as_posix(), f"cannot read .gitignore: {error.strerror}"))
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError as error:
            found.problems.append((directory.relative_to(root).as_posix() or ".", f"cannot list directory: {error.strerror}"))
            continue
        subdirs = []
        for entry in entries:
            path = Path(entry.path)
            rel = path.relative_to(root).as_posix()
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
                is_link = entry.is_symlink()
            except OSError:
                continue
            if not is_dir and languages.language_of(entry.name) is None:
                continue  # cheap test first: most files of a plugin are not source we read
            check = rel + "/" if is_dir else rel
            if exclude_spec.match_file(check) or _ignored(path, is_dir, ignores):
                continue
            if is_dir:
                subdirs.append(path)
                continue
            if is_link:
                problem = _link_problem(path, root)
                if problem is not None:
                    found.problems.append((rel, problem))
                    continue
            try:
                regular = entry.is_file(follow_symlinks=True)
            except OSError:
                regular = False
            if not regular:  # a FIFO or a device named *.php would block or never end
                found.problems.append((rel, "not a regular file: skipped"))
                continue
            yield rel
        for sub in reversed(subdirs):
            stack.append((sub, ignores))


def _link_problem(path: Path, root: Path) -> str | None:
    """Why a symbolic link is not followed, or None when it stays inside the scan root."""
    try:
        target = path.resolve(strict=True)
    except RuntimeError:
        return "symbolic link loop: not followed"
    except OSError:
        return "broken symbolic link: not followed"
    try:
        target.relative_to(root)
    except ValueError:
        return "symbolic link to outside the scan root: not followed"
    return None


def _ignored(path: Path, is_dir: bool, ignores: list[tuple[Path, pathspec.PathSpec]]) -> bool:
    for base, spec in ignores:
        rel = path.relative_to(base).as_posix() + ("/" if is_dir else "")
        if spec.match_file(rel):
            return True
    return False
