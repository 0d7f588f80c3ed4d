"""Parse step: bytes → tree-sitter tree → facts, one parser per language reused across files."""

from __future__ import annotations

from analyzer import languages
from analyzer.php import ir
from analyzer.php.extract import extract, parser_input
from analyzer.source import SourceFile


class PhpParser:
    """Parses PHP files (``language_php``: HTML and PHP mixed) and extracts their facts."""

    def __init__(self) -> None:
        self._parser = languages.parser("php")

    def facts(self, source: SourceFile) -> ir.PhpFacts:
        """The facts of one file; exceptions propagate so the caller can report the file and go on."""
        tree = self._parser.parse(parser_input(source.data))
        return extract(source, tree)
