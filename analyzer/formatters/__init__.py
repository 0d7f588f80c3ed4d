"""Output formats. Each module exposes ``render(result, context) -> str``; none of them decides anything."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from analyzer.scan import ScanResult


@dataclass(frozen=True)
class OutputContext:
    """How paths and colours are presented; computed by the CLI from the environment."""

    display_prefix: str = ""  # prepended to scan-root-relative paths for people (text): "plugins/acme/"
    uri_prefix: str = ""  # scan root relative to the git root, POSIX, for SARIF URIs: "plugins/acme/"
    color: bool = False
    root_label: str = "."  # the scan root as the user named it
    srcroot_uri: str | None = None  # file:///…/ URI of the folder uri_prefix is relative to (SARIF %SRCROOT%)
    category: str = "wp-rest-lint"  # SARIF automationDetails category: code scanning keeps one analysis per category


# What each format is for; the order is the order of --help.
DESCRIPTIONS = {
    "text": "for people (default)",
    "json": "documented JSON",
    "sarif": "SARIF 2.1.0 for GitHub code scanning",
    "github": "GitHub Actions annotations",
    "gitlab": "GitLab Code Quality",
    "checkstyle": "Checkstyle XML (cs2pr, Jenkins)",
    "junit": "JUnit XML",
    "markdown": "a Markdown table (GitHub job summary)",
}
FORMATS = tuple(DESCRIPTIONS)


def _render(name: str) -> Callable[[ScanResult, OutputContext], str]:
    """The formatter's ``render``; only the module asked for is imported (SARIF's object model is not
    loaded to print text)."""
    import importlib

    module = {"json": "json_format"}.get(name, name)
    if name not in DESCRIPTIONS:
        raise KeyError(name)
    return importlib.import_module(f"analyzer.formatters.{module}").render


def render(name: str, result: ScanResult, context: OutputContext) -> str:
    return _render(name)(result, context)
