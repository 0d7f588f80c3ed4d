"""The tree-sitter languages the analyzer parses, by name and by file extension.

PHP files are parsed with ``language_php`` (HTML and PHP mixed). Browser code is parsed with
tree-sitter-javascript (``.js .jsx .mjs .cjs``; its grammar includes JSX) and tree-sitter-typescript
(``.ts`` and, with JSX, ``.tsx``). Python (``.py``, with libcst) and shell (``.sh .bash``) scripts are read
by analyzer.scripts, not by tree-sitter. The three JS-family grammars share the node types the JS queries use, so
``queries/js/*.scm`` is compiled once per grammar. Single-file components (``.vue``, ``.svelte``) are browser
code too: their ``<script>`` blocks are parsed with the JS or TS grammar (:mod:`analyzer.js.sfc`).
"""

from __future__ import annotations

from functools import cache

import tree_sitter

PHP_EXTENSIONS = frozenset({".php", ".phtml", ".inc"})
JS_EXTENSIONS = {".js": "javascript", ".jsx": "javascript", ".mjs": "javascript", ".cjs": "javascript", ".ts": "typescript", ".mts": "typescript", ".cts": "typescript", ".tsx": "tsx", ".vue": "vue", ".svelte": "svelte"}
JS_LANGUAGES = frozenset(JS_EXTENSIONS.values())
# Scripts that run outside the browser, read by analyzer.scripts (Python with libcst; shell line by line).
SCRIPT_EXTENSIONS = {".py": "python", ".sh": "shell", ".bash": "shell"}
SCRIPT_LANGUAGES = frozenset(SCRIPT_EXTENSIONS.values())


def language_of(path: str) -> str | None:
    """The language a file is parsed as, from its extension; None when the analyzer does not read it."""
    dot = path.rfind(".")
    if dot == -1:
        return None
    ext = path[dot:].lower()
    if ext in PHP_EXTENSIONS:
        return "php"
    if ext == ".ts" and path.lower().endswith(".d.ts"):
        return None  # type declarations: no code runs
    return JS_EXTENSIONS.get(ext) or SCRIPT_EXTENSIONS.get(ext)


def query_family(language: str) -> str:
    """The ``queries/<family>`` directory holding a language's queries."""
    return "js" if language in JS_LANGUAGES else language


@cache
def get(name: str) -> tree_sitter.Language:
    if name == "php":
        import tree_sitter_php

        # language_php, not language_php_only: plugin files mix HTML templates and PHP.
        return tree_sitter.Language(tree_sitter_php.language_php())
    if name == "javascript":
        import tree_sitter_javascript

        return tree_sitter.Language(tree_sitter_javascript.language())
    if name in ("typescript", "tsx"):
        import tree_sitter_typescript

        grammar = tree_sitter_typescript.language_tsx() if name == "tsx" else tree_sitter_typescript.language_typescript()
        return tree_sitter.Language(grammar)
    raise KeyError(name)


def parser(name: str) -> tree_sitter.Parser:
    return tree_sitter.Parser(get(name))
