"""One entry point for the script extractors: a file's bytes and kind in, :class:`ScriptFacts` out, never
an exception (a file that trips an extractor comes back with ``error`` set)."""

from __future__ import annotations

from dataclasses import replace

from analyzer import suppressions
from analyzer.scripts import node, shell
from analyzer.scripts.ir import ScriptFacts, logs_in
from analyzer.source import SourceFile


def facts(rel: str, data: bytes, kind: str) -> ScriptFacts:
    """``kind``: ``python``, ``shell``, or the JS grammar of a Node script (``javascript``, ``typescript``, ``tsx``)."""
    source = SourceFile(rel, data)
    try:
        if kind == "python":
            from analyzer.scripts import python  # libcst: imported only when a plugin ships Python

            found = python.extract(source)
        elif kind == "shell":
            found = shell.extract(source)
        else:
            found = node.extract(source, kind)
        return replace(found, suppressions=tuple(suppressions.find(source)), logs_in=logs_in(data))
    except Exception as error:  # one odd file must not cost the findings of every other file
        return ScriptFacts(rel, kind, (), f"could not analyse this file ({type(error).__name__}: {error})")
