"""What every rule module provides: its metadata (``RULE``) and a pure ``check(model)``."""

from __future__ import annotations

from dataclasses import dataclass

from analyzer.findings import LEVELS


@dataclass(frozen=True)
class Rule:
    code: str  # WPR005; never changes once released
    name: str  # slug naming the defect: public-write-route
    summary: str  # one sentence, for rule tables and SARIF shortDescription
    level: str  # default level: error | warning | note
    confidence: str  # very-high | high | medium | low (SARIF precision)
    queries: tuple[str, ...]  # "<language>/<query>" facts it needs; their prefilter tokens gate files
    cwe: tuple[int, ...] = ()
    security_severity: str | None = None  # CVSS-like score as a string, for security rules only
    references: tuple[str, ...] = ()
    levels: str | None = None  # when findings are not all at ``level``: how the level varies
    scripts: bool = False  # reads the scripts a plugin runs outside the browser (Python, Node, shell)

    @property
    def levels_text(self) -> str:
        return self.levels or self.level

    def __post_init__(self) -> None:
        if self.level not in LEVELS:
            raise ValueError(f"{self.code}: unknown level {self.level}")

    @property
    def is_security(self) -> bool:
        return self.security_severity is not None
