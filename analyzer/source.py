"""Source files and spans.

Tree-sitter reports 0-based rows and 0-based UTF-8 *byte* columns. Everything downstream (text output,
JSON, SARIF with ``columnKind: utf16CodeUnits``) wants 1-based lines and 1-based UTF-16 code-unit
columns, so the conversion happens here and nowhere else.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

BOM = b"\xef\xbb\xbf"

# Byte-order marks of the wide encodings, longest first (UTF-32 LE starts like UTF-16 LE).
_WIDE_BOMS = (
    (b"\xff\xfe\x00\x00", "UTF-32LE", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "UTF-32BE", "utf-32-be"),
    (b"\xff\xfe", "UTF-16LE", "utf-16-le"),
    (b"\xfe\xff", "UTF-16BE", "utf-16-be"),
)


def wide_encoding(data: bytes) -> tuple[str, str, int] | None:
    """(name, Python codec, BOM length) of a UTF-16 / UTF-32 file, or None.

    With a byte-order mark the answer is certain. Without one, a file whose first two characters are ASCII
    with a NUL beside each (``<\\0?\\0`` — how ``<?php`` looks in UTF-16LE) is taken as UTF-16 of that byte order.
    """
    for bom, name, codec in _WIDE_BOMS:
        if data.startswith(bom):
            return name, codec, len(bom)
    if len(data) >= 4 and data[0] and data[2] and not data[1] and not data[3] and data[0] < 0x80 and data[2] < 0x80:
        return "UTF-16LE", "utf-16-le", 0
    if len(data) >= 4 and data[1] and data[3] and not data[0] and not data[2] and data[1] < 0x80 and data[3] < 0x80:
        return "UTF-16BE", "utf-16-be", 0
    return None


def to_utf8(data: bytes) -> tuple[bytes, str | None]:
    """A UTF-16 / UTF-32 file's text as UTF-8 bytes (without the byte-order mark; line ends kept, so lines
    stay those an editor shows), and the encoding's name. Anything else, or wide text that does not decode,
    is returned unchanged with None."""
    found = wide_encoding(data)
    if found is None:
        return data, None
    name, codec, skip = found
    try:
        return data[skip:].decode(codec).encode("utf-8"), name
    except UnicodeError:
        return data, None


def printable_path(path: str) -> str:
    """A path for people and JSON: bytes that are not UTF-8 (kept as surrogates by os.fsdecode) become
    U+FFFD instead of making the output unencodable."""
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _replacement_size(line: bytes, offset: int) -> int:
    """Bytes one U+FFFD stands for when a line is decoded leniently (a bad byte, or a truncated sequence)."""
    lead = line[offset]
    expected = 2 if 0xC0 <= lead < 0xE0 else 3 if 0xE0 <= lead < 0xF0 else 4 if 0xF0 <= lead < 0xF8 else 1
    size = 1
    while size < expected and offset + size < len(line) and 0x80 <= line[offset + size] < 0xC0:
        size += 1
    return size


def path_bytes(path: str) -> bytes:
    """The path's original bytes (for percent-encoding into a URI)."""
    return path.encode("utf-8", "surrogateescape")


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """A region of a scanned file: 1-based lines, 1-based UTF-16 columns, end column exclusive."""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A file read from disk: its path relative to the scan root (POSIX) and its bytes."""

    path: str
    data: bytes
    _line_starts: list[int] = field(default_factory=list, compare=False, repr=False)
    _ascii: list[bool] = field(default_factory=list, compare=False, repr=False)
    _wide: dict = field(default_factory=dict, compare=False, repr=False)  # row -> where its non-ASCII characters are

    def is_ascii(self) -> bool:
        if not self._ascii:
            self._ascii.append(self.data.isascii())
        return self._ascii[0]

    def line_starts(self) -> list[int]:
        if not self._line_starts:
            starts = [0]
            find = self.data.find
            pos = find(b"\n")
            while pos != -1:
                starts.append(pos + 1)
                pos = find(b"\n", pos + 1)
            self._line_starts.extend(starts)
        return self._line_starts

    def line_bytes(self, row: int) -> bytes:
        """The bytes of 0-based line ``row`` without its line end."""
        starts = self.line_starts()
        if row >= len(starts):
            return b""
        end = starts[row + 1] - 1 if row + 1 < len(starts) else len(self.data)
        return self.data[starts[row]:end].rstrip(b"\r")

    def line_text(self, line: int) -> str:
        """The text of 1-based ``line``, decoded leniently."""
        return self.line_bytes(line - 1).decode("utf-8", "replace")

    def utf16_column(self, row: int, byte_column: int) -> int:
        """Convert a 0-based byte column on 0-based ``row`` to a 1-based UTF-16 column."""
        if self.is_ascii():
            return byte_column + 1
        wide = self._wide.get(row)
        if wide is None:
            wide = self._wide[row] = self._wide_characters(row)
        starts, saved = wide
        # Each non-ASCII character before the column takes more bytes than UTF-16 code units.
        return byte_column + 1 - (saved[bisect.bisect_left(starts, byte_column)] if starts else 0)

    def _wide_characters(self, row: int) -> tuple[list[int], list[int]]:
        """Byte offsets of the line's non-ASCII characters, and how many bytes minus UTF-16 units precede each
        (a BOM on the first line counts whole: editors do not show it as a column)."""
        line = self.line_bytes(row)
        if line.isascii():
            return [], []
        starts: list[int] = []
        saved = [0]
        text = line.decode("utf-8", "replace")
        offset = 0
        for index, char in enumerate(text):
            if char < "\x80":
                offset += 1
                continue
            size = len(char.encode("utf-8")) if char != "\ufffd" else _replacement_size(line, offset)
            units = 0 if (row == 0 and index == 0 and line.startswith(BOM)) else (2 if ord(char) > 0xFFFF else 1)
            starts.append(offset)
            saved.append(saved[-1] + size - units)
            offset += size
        starts.append(len(line) + 1)
        return starts, saved

    def span(self, start_point: tuple[int, int], end_point: tuple[int, int]) -> Span:
        """A Span from tree-sitter points ``(row, byte_column)``."""
        (srow, scol), (erow, ecol) = start_point, end_point
        return Span(
            self.path,
            srow + 1,
            self.utf16_column(srow, scol),
            erow + 1,
            self.utf16_column(erow, ecol),
        )

    def span_of(self, node) -> Span:  # node: tree_sitter.Node
        start, end = node.start_point, node.end_point
        if self.is_ascii():  # the common case, and the hot path of extraction: columns are byte columns
            return Span(self.path, start[0] + 1, start[1] + 1, end[0] + 1, end[1] + 1)
        return self.span(tuple(start), tuple(end))
