"""Browser code written inside PHP strings: the text handed to ``wp_add_inline_script()`` /
``wp_print_inline_script_tag()``, and ``<script>`` elements in strings a plugin echoes — single- or
double-quoted, heredoc or nowdoc, concatenated or ``sprintf``-ed, or held in a variable first.

:mod:`analyzer.php.scripts` hands over the string as pieces (literal text and value slots, each with its PHP
span). Here they are joined into a JS source that keeps to the PHP file's lines where it can: each piece
starts on the line it is written on (a newline inside a ``'…'`` or ``"…"`` JS string is written as a line
continuation, which JS drops from the value), unless that would split a token or end a ``//`` comment; a
value slot becomes a run of underscores. The JS extractor reads that source through :class:`MappedSource`,
which reports every span in the PHP file's own lines and columns (each piece remembers where it came from);
a run of underscores is a placeholder the plugin model resolves to the slot's PHP value
(``ScriptFacts.script_outputs``).
"""

from __future__ import annotations

import bisect
import re

from analyzer import languages
from analyzer.js import ir
from analyzer.source import SourceFile, Span

PLACEHOLDER = "____"
_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)(?:</script\s*>|$)", re.IGNORECASE | re.DOTALL)
_NOT_JS = re.compile(r"""\b(?:src\s*=|type\s*=\s*["']?(?!text/javascript|module|application/javascript)[\w/+-]+)""", re.IGNORECASE)


class _Writer:
    """Builds the JS text piece by piece, keeping lines aligned and remembering where each piece came from."""

    def __init__(self) -> None:
        self.out: list[str] = []
        self.row = 0
        self.col = 0
        self.segments: dict[int, list[tuple[int, int, int]]] = {}  # row -> [(JS byte column, PHP line, PHP column)]
        self.state = ""  # the JS lexer state: '', a quote, '//' or '/*'
        self.escaped = False

    def _char(self, ch: str) -> None:
        self.out.append(ch)
        if ch == "\n":
            self.row += 1
            self.col = 0
        else:
            self.col += len(ch.encode("utf-8"))
        self._lex(ch)

    def _lex(self, ch: str) -> None:
        state = self.state
        if state in ("'", '"', "`"):
            if self.escaped:
                self.escaped = False
            elif ch == "\\":
                self.escaped = True
            elif ch == state:
                self.state = ""
        elif state == "//":
            if ch == "\n":
                self.state = ""
        elif state == "/*":
            if ch == "/" and self.out[-2:-1] == ["*"]:
                self.state = ""
        elif ch in ("'", '"', "`"):
            self.state = ch
        elif ch in ("/", "*") and self.out[-2:-1] == ["/"]:
            self.state = "//" if ch == "/" else "/*"

    def move_to(self, line: int, column: int, following: str) -> None:
        if self.row >= line - 1:
            return
        # A piece at the start of a line continues a heredoc (whose line breaks the PHP IR does not keep):
        # the break is real. Between concatenated pieces a break is only whitespace, and must not split a
        # token or end a // comment.
        if column > 1 and (self.state == "//" or (not self.state and self.out and _word(self.out[-1]) and _word(following[:1]))):
            return
        while self.row < line - 1:
            if self.state in ("'", '"'):
                self._char("\\")  # a line continuation keeps the JS string's value
            self._char("\n")

    def write(self, text: str, span: Span, slot: bool) -> None:
        self.move_to(span.line, span.column, PLACEHOLDER if slot else text)
        self.segments.setdefault(self.row, []).append((self.col, span.line, span.column))
        if slot:
            for ch in PLACEHOLDER:
                self._char(ch)
            return
        line = span.line
        for ch in text:
            if ch == "\n" and line < span.end_line:  # a newline written in the PHP source
                self._char("\n")
                line += 1
                self.segments.setdefault(self.row, []).append((0, line, 1))
            elif ch in "\r\n":
                self._char(" ")  # a "\n" escape: not a line of the PHP file
            else:
                self._char(ch)

    def text(self) -> str:
        return "".join(self.out)


def _word(ch: str) -> bool:
    return bool(ch) and (ch.isalnum() or ch in "_$")


def build(script) -> tuple[str, dict[int, list[tuple[int, int, int]]]] | None:
    """The JS of an :class:`~analyzer.php.scripts.EmbeddedScript` and its column map; None when there is none."""
    pieces = list(script.pieces)
    if not script.whole:
        pieces = _script_parts(pieces)
        if not pieces:
            return None
    writer = _Writer()
    for piece in pieces:
        if piece.text is None:
            writer.write("", piece.span, True)
        elif piece.text:
            writer.write(piece.text, piece.span, False)
    text = writer.text()
    return (text, writer.segments) if text.strip() else None


def _script_parts(pieces) -> list:
    """The parts of an echoed HTML string inside ``<script>`` elements that hold JS."""
    joined = ""
    starts = []
    for piece in pieces:
        starts.append(len(joined))
        joined += piece.text if piece.text is not None else "\x00"
    kept = []
    for match in _SCRIPT.finditer(joined):
        if _NOT_JS.search(match.group(1)):
            continue
        lo, hi = match.start(2), match.end(2)
        for piece, start in zip(pieces, starts, strict=True):
            length = len(piece.text) if piece.text is not None else 1
            end = start + length
            if end <= lo or start >= hi:
                continue
            if piece.text is None:
                kept.append(piece)
            else:
                cut = piece.text[max(lo - start, 0) : min(hi, end) - start]
                kept.append(type(piece)(cut, None, piece.span))
    return kept


class MappedSource(SourceFile):
    """The JS text of an embedded script, reporting spans in the PHP file's lines and columns."""

    def __init__(self, path: str, text: str, segments: dict[int, list[tuple[int, int, int]]]) -> None:
        super().__init__(path, text.encode("utf-8"))
        object.__setattr__(self, "_segments", {row: sorted(s) for row, s in segments.items()})

    def _point(self, row: int, byte_column: int) -> tuple[int, int]:
        """(PHP line, PHP column) of a JS position: from the piece written there."""
        segments = self._segments.get(row)
        if not segments:
            return row + 1, byte_column + 1
        i = bisect.bisect_right(segments, (byte_column, 1 << 30, 1 << 30)) - 1
        js_col, php_line, php_col = segments[max(i, 0)]
        return php_line, php_col + max(byte_column - js_col, 0)

    def span(self, start_point, end_point) -> Span:
        (srow, scol), (erow, ecol) = start_point, end_point
        line, column = self._point(srow, scol)
        end_line, end_column = self._point(erow, ecol - 1) if ecol > 0 else self._point(erow, 0)
        return Span(self.path, line, column, max(end_line, line), end_column + (1 if ecol > 0 else 0))


def facts(path: str, script) -> ir.JsFacts | None:
    """The JS facts of one embedded script, spans in the PHP file."""
    built = build(script)
    if built is None:
        return None
    from analyzer.js.extract import extract

    text, segments = built
    source = MappedSource(path, text, segments)
    try:
        tree = languages.parser("javascript").parse(source.data)
        found = extract(source, tree, "javascript", placeholders=True)
    except Exception:  # the PHP facts stand; this script is simply not analysed
        return None
    import dataclasses

    return dataclasses.replace(found, suppressions=())
