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


def _render(name: str) -> Callable[[ScanResult, OutputContext], str]:
    from analyzer.formatters import github, json_format, sarif, text

    return {"text": text.render, "json": json_format.render, "sarif": sarif.render, "github": github.render}[name]


FORMATS = ("text", "json", "sarif", "github")


def render(name: str, result: ScanResult, context: OutputContext) -> str:
    return _render(name)(result, context)
