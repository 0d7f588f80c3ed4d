"""The tree-sitter languages the analyzer parses, by name and by file extension."""

from __future__ import annotations

from functools import cache

import tree_sitter

PHP_EXTENSIONS = frozenset({".php", ".phtml", ".inc"})


def language_of(path: str) -> str | None:
    """The language a file is parsed as, from its extension; None when the analyzer does not read it."""
    dot = path.rfind(".")
    if dot == -1:
        return None
    ext = path[dot:].lower()
    if ext in PHP_EXTENSIONS:
        return "php"
    return None


@cache
def get(name: str) -> tree_sitter.Language:
    if name == "php":
        import tree_sitter_php

        # language_php, not language_php_only: plugin files mix HTML templates and PHP.
        return tree_sitter.Language(tree_sitter_php.language_php())
    raise KeyError(name)


def parser(name: str) -> tree_sitter.Parser:
    return tree_sitter.Parser(get(name))
