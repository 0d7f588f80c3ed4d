"""Findings: what a rule reports, where, and with which evidence."""

from __future__ import annotations

import re
from dataclasses import dataclass

from analyzer.source import Span, printable_path

LEVELS = ("note", "warning", "error")
LEVEL_RANK = {"note": 0, "warning": 1, "error": 2}

# A reference to related location N inside a message. Rules write it with ref(); formatters render it
# as "label (path:line)" for people and as SARIF's "[label](N)" link (§3.11.6) for code scanning.
REFERENCE = re.compile(r"\{ref:(\d+):([^}]*)\}")


def ref(index: int, label: str) -> str:
    """Mark ``label`` in a message as a link to related location ``index`` (1-based)."""
    return "{ref:%d:%s}" % (index, label.replace("}", ")"))


@dataclass(frozen=True, slots=True)
class Related:
    """Evidence elsewhere (often in another file): a callback's definition, the route it belongs to."""

    span: Span
    message: str


@dataclass(frozen=True, slots=True)
class Finding:
    """One reported problem. ``message`` may reference ``related[i]`` with ``ref(i + 1, label)``."""

    code: str
    level: str
    message: str
    span: Span
    related: tuple[Related, ...] = ()

    @property
    def sort_key(self) -> tuple:
        s = self.span
        return (s.path, s.line, s.column, self.code, s.end_line, s.end_column, self.message)

    def plain_message(self) -> str:
        """The message with each ``[label](N)`` written as ``label (path:line)``, for people."""

        def replace(match: re.Match) -> str:
            index, label = int(match.group(1)) - 1, match.group(2)
            if 0 <= index < len(self.related):
                where = self.related[index].span
                return f"{label} ({printable_path(where.path)}:{where.line})"
            return label

        return REFERENCE.sub(replace, self.message)
