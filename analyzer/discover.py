"""Find the files of a plugin: walk the tree, honour .gitignore and the excludes, keep what we parse."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import pathspec

from analyzer import languages

# Third-party code, VCS data and minified bundles are not the plugin's own source.
DEFAULT_EXCLUDES = ("vendor/", "vendors/", "vendor-prefixed/", "vendor_prefixed/", "node_modules/", ".git/", "*.min.js")


# Bundled libraries: never scanned for findings, but read when the plugin's own code calls into them (a
# route helper trait from a Composer package, a base controller class). Matched at any depth (lib/vendor/,
# includes/vendors/), like the excludes; a composer.json adds the directories it names (composer_library_dirs).
LIBRARY_DIRS = ("vendor/", "vendors/", "vendor-prefixed/", "vendor_prefixed/")  # vendor_prefixed/: php-scoper (Yoast SEO)
@dataclass
class Discovery:
    root: Path  # the scan root: paths are reported relative to it
    files: list[str] = field(default_factory=list)  # POSIX paths relative to root, sorted
    problems: list[tuple[str, str]] = field(default_factory=list)  # (path, what went wrong)
    library_files: list[str] = field(default_factory=list)  # under LIBRARY_DIRS: definitions only
    library_dirs: list[str] = field(default_factory=list)  # the library directories found (POSIX, root-relative)


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
    """Files under ``paths`` that the analyzer parses, minus ``defaults``, .gitignore and ``excludes``.

    Library directories among the defaults (and those a composer.json names, while ``vendor/`` is among
    them) are not the plugin's files: their files are listed apart, in ``library_files``, even when a
    .gitignore lists the directory (a Composer vendor/ usually is, and the plugin still runs its code).
    """
    root = scan_root(paths)
    found = Discovery(root)
    library = [d for d in LIBRARY_DIRS if d in defaults]
    exclude_spec = _spec([d for d in defaults if d not in library] + list(excludes or []))
    libraries = _Libraries(root, library, composer="vendor/" in library)
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
        for rel in _walk(root, resolved, exclude_spec, found, libraries):
            if rel not in seen:
                seen.add(rel)
                found.files.append(rel)
    found.files.sort()
    found.library_dirs = sorted(set(libraries.found))
    for top in found.library_dirs:
        for rel in _walk(root, root / top, exclude_spec, Discovery(root)):
            if rel not in seen:
                seen.add(rel)
                found.library_files.append(rel)
    found.library_files.sort()
    return found


def composer_library_dirs(data: object) -> list[str]:
    """Directories a composer.json puts third-party code in, relative to its folder: Composer's
    ``config.vendor-dir``, Strauss's ``extra.strauss.target_directory`` (default ``vendor-prefixed``) and
    Mozart's ``extra.mozart.dep_directory`` / ``classmap_directory``. Paths that leave the folder, are
    absolute on the machine or use Composer variables are ignored, and so is a directory the package's own
    ``autoload`` maps its own namespace to: Mozart may copy classes into the plugin's ``src/`` itself."""
    if not isinstance(data, dict):
        return []
    candidates: list[object] = []
    prefixes: list[str] = []  # the namespaces vendored code is moved into
    config = data.get("config")
    if isinstance(config, dict):
        candidates.append(config.get("vendor-dir"))
    extra = data.get("extra")
    if isinstance(extra, dict):
        strauss = extra.get("strauss")
        if isinstance(strauss, dict):
            candidates.append(strauss.get("target_directory", "vendor-prefixed"))
            prefixes.append(strauss.get("namespace_prefix"))
        mozart = extra.get("mozart")
        if isinstance(mozart, dict):
            candidates += [mozart.get("dep_directory"), mozart.get("classmap_directory")]
            prefixes.append(mozart.get("dep_namespace"))
    own = _own_autoload_dirs(data.get("autoload"), tuple(p for p in prefixes if isinstance(p, str) and p))
    dirs = []
    for value in candidates:
        path = _relative_dir(value)
        if path is not None and path not in own:
            dirs.append(path)
    return dirs


def _relative_dir(value: object) -> str | None:
    """A composer.json directory as a clean relative path (Mozart writes "/src/Dependencies/"), or None."""
    if not isinstance(value, str) or "$" in value or "\\" in value or value.startswith("~"):
        return None
    parts = [p for p in value.strip().split("/") if p not in ("", ".")]
    return "/".join(parts) if parts and ".." not in parts else None


def _own_autoload_dirs(autoload: object, vendored_prefixes: tuple[str, ...]) -> set[str]:
    """Directories the package autoloads its own classes from (not those of a vendored namespace)."""
    own: set[str] = set()
    if not isinstance(autoload, dict):
        return own
    for kind in ("psr-4", "psr-0"):
        mapping = autoload.get(kind)
        if not isinstance(mapping, dict):
            continue
        for namespace, paths in mapping.items():
            if isinstance(namespace, str) and vendored_prefixes and namespace.startswith(vendored_prefixes):
                continue
            for path in paths if isinstance(paths, list) else [paths]:
                rel = _relative_dir(path)
                if rel is not None:
                    own.add(rel)
    classmap = autoload.get("classmap")
    for path in classmap if isinstance(classmap, list) else []:
        rel = _relative_dir(path)
        if rel is not None:
            own.add(rel)
    return own


class _Libraries:
    """Which directories met during the walk hold bundled libraries."""

    def __init__(self, root: Path, names: list[str], composer: bool) -> None:
        self.root = root
        self.names = _spec(names) if names else None
        self.composer = composer
        self.anchored: set[str] = set()  # root-relative directories named by a composer.json
        self.found: list[str] = []

    def read_composer(self, directory: Path, found: Discovery) -> None:
        if not self.composer:
            return
        manifest = directory / "composer.json"
        try:
            data = json.loads(manifest.read_bytes().decode("utf-8-sig"))
        except (OSError, ValueError):
            found.problems.append((manifest.relative_to(self.root).as_posix(), "cannot read composer.json: its vendor directories are scanned as plugin code"))
            return
        base = directory.relative_to(self.root).as_posix()
        for rel in composer_library_dirs(data):
            self.anchored.add(rel if base == "." else f"{base}/{rel}")

    def holds(self, rel: str) -> bool:
        """``rel`` (a directory, root-relative) is a library directory; remembered."""
        if rel in self.anchored or (self.names is not None and self.names.match_file(rel + "/")):
            self.found.append(rel)
            return True
        return False


def _walk(root: Path, top: Path, exclude_spec: pathspec.PathSpec, found: Discovery, libraries: _Libraries | None = None):
    """Iterative walk; directory symlinks are not followed, file symlinks only when they stay in root.
    With ``libraries``, library directories are noted there and not entered."""
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
        if libraries is not None and any(entry.name == "composer.json" for entry in entries):
            libraries.read_composer(directory, found)
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
            if exclude_spec.match_file(check):
                continue
            if is_dir and libraries is not None and libraries.holds(rel):
                continue  # read apart, as library code, whatever .gitignore says
            if _ignored(path, is_dir, ignores):
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
