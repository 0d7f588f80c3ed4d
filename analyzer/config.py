"""Configuration: ``.wp-rest-lint.toml`` or ``[tool.wp-rest-lint]`` in ``pyproject.toml``, found by walking up
from the scanned path (the nearest wins), or named with ``--config``. Command-line options override it.

Keys: ``select``, ``extend-select``, ``ignore`` (rule codes, prefixes or names; see analyzer.selection for
how they compose with the command line), ``per-path-ignores`` (glob → rules), ``exclude`` (replaces the
default excludes), ``extend-exclude`` (adds to them), ``fail-on``, ``scan-bundles`` (bool).

Every error names the file once, the key, and what is allowed.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from analyzer import selection

CONFIG_FILE = ".wp-rest-lint.toml"
SECTION = "wp-rest-lint"
FAIL_ON = ("error", "warning", "note", "never")
KEYS = ("select", "extend-select", "ignore", "per-path-ignores", "exclude", "extend-exclude", "fail-on", "scan-bundles")


class ConfigError(Exception):
    """A configuration file that cannot be used: the message names the file, the key and what is allowed."""


@dataclass(frozen=True)
class Config:
    path: Path | None = None  # the file it came from
    select: list[str] | None = None
    extend_select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    per_path_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (glob relative to the config's folder, codes)
    exclude: list[str] | None = None  # None: the default excludes
    extend_exclude: list[str] = field(default_factory=list)
    scan_bundles: bool = False
    fail_on: str | None = None

    @property
    def base(self) -> Path | None:
        return self.path.parent if self.path is not None else None


def find(start: Path) -> Path | None:
    """The nearest configuration file at or above ``start``."""
    directory = start if start.is_dir() else start.parent
    for folder in (directory, *directory.parents):
        candidate = folder / CONFIG_FILE
        if candidate.is_file():
            return candidate
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            try:
                data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
                continue  # someone else's broken pyproject is not ours to report
            if SECTION in data.get("tool", {}):
                return pyproject
    return None


def load(path: Path) -> Config:
    """Read and validate a configuration file."""
    if path.is_dir():
        raise ConfigError(f"{path}: is a directory; name the file ({CONFIG_FILE} or pyproject.toml)")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ConfigError(f"{path}: cannot read: {error.strerror or error}") from None
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from None
    where = ""
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get(SECTION)
        where = f"[tool.{SECTION}]: "
        if data is None:
            raise ConfigError(f"{path}: has no [tool.{SECTION}] section")
        if not isinstance(data, dict):
            raise ConfigError(f"{path}: [tool.{SECTION}] must be a table")

    def fail(key: str, problem: str) -> ConfigError:
        return ConfigError(f"{path}: {where}'{key}' {problem}")

    for key in data:
        if key not in KEYS:
            hint = selection.did_you_mean(key.replace("_", "-"), list(KEYS))  # fail_on → fail-on
            raise ConfigError(f"{path}: {where}unknown key '{key}'{hint}; allowed: {', '.join(KEYS)}")

    def strings(key: str) -> list[str] | None:
        value = data.get(key)
        if value is None:
            return None
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise fail(key, "must be a list of strings")
        return value

    def codes(key: str, value: list[str] | None) -> list[str] | None:
        if value is None:
            return None
        if key == "select" and not value:
            raise fail(key, "is empty, so no rule would run; leave it out to run every rule")
        out = []
        for token in value:
            try:
                out.append(selection.resolve(token))
            except selection.UnknownRule as error:
                raise fail(key, f"has an {error} (see 'wp-rest-lint rules')") from None
        return out

    per_path: list[tuple[str, tuple[str, ...]]] = []
    raw = data.get("per-path-ignores", {})
    if not isinstance(raw, dict):
        raise fail("per-path-ignores", 'must be a table of glob = ["CODE", …]')
    for pattern, value in raw.items():
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise fail("per-path-ignores", f'entry {pattern!r} must be a list of codes, e.g. ["WPR006"]')
        per_path.append((pattern, tuple(codes("per-path-ignores", value) or ())))

    fail_on = data.get("fail-on")
    if fail_on is not None and fail_on not in FAIL_ON:
        raise fail("fail-on", f"is {fail_on!r}; allowed: {', '.join(FAIL_ON)}")
    scan_bundles = data.get("scan-bundles", False)
    if not isinstance(scan_bundles, bool):
        raise fail("scan-bundles", f"is {scan_bundles!r}; allowed: true, false")
    return Config(
        scan_bundles=scan_bundles,
        path=path,
        select=codes("select", strings("select")),
        extend_select=codes("extend-select", strings("extend-select")) or [],
        ignore=codes("ignore", strings("ignore")) or [],
        per_path_ignores=tuple(per_path),
        exclude=strings("exclude"),
        extend_exclude=strings("extend-exclude") or [],
        fail_on=fail_on,
    )
