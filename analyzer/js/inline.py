"""Browser code written inside PHP templates: ``<script> fetch( … ) </script>`` next to ``<?php … ?>``.

The template is turned into a JS source of the same length: everything outside inline ``<script>`` elements
becomes spaces, and each PHP block inside one becomes underscores (a valid identifier, or text inside a JS
string; a block over several lines keeps its underscores on the first line). Newlines are kept, so every line and column the JS extractor reports is the template's own. A value
made of underscores is where PHP prints something: the client-side model looks the printed PHP value up by
position (``ScriptFacts.script_outputs``). A ``<script>`` written inside PHP code (``echo '<script>…'``) is
not template HTML: :mod:`analyzer.js.embedded` reads it from the PHP string.
"""

from __future__ import annotations

import bisect
import re

_SCRIPT = re.compile(rb"<script\b([^>]*)>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
_PHP_BLOCK = re.compile(rb"<\?(?:php\b|=)?.*?(?:\?>|$)", re.DOTALL)
_NOT_JS = re.compile(rb"""\b(?:src\s*=|type\s*=\s*["']?(?!text/javascript|module|application/javascript)[\w/+-]+)""", re.IGNORECASE)
TOKEN = b"<script"


def _blank(chunk: bytes, fill: bytes) -> bytes:
    """``chunk`` with every byte but newlines replaced by ``fill``."""
    return re.sub(rb"[^\n]", fill, chunk)


def _placeholder(block: bytes) -> bytes:
    """A PHP block as one identifier: underscores on its first line, spaces on the lines after (a name
    broken by newlines would be several)."""
    first, newline, rest = block.partition(b"\n")
    return _blank(first, b"_") + (newline + _blank(rest, b" ") if newline else b"")


def script_source(data: bytes) -> bytes | None:
    """The JS of a PHP file's inline scripts, positioned as in the file; None when it has none."""
    if TOKEN not in data and b"<SCRIPT" not in data:
        return None
    out = bytearray()
    position = 0
    found = False
    blocks = [(m.start(), m.end()) for m in _PHP_BLOCK.finditer(data)]
    starts = [b[0] for b in blocks]
    for match in _SCRIPT.finditer(data):
        attributes, body = match.group(1), match.group(2)
        if _NOT_JS.search(attributes) or not body.strip() or _in_php(blocks, starts, match.start()):
            continue
        found = True
        start = match.start(2)
        out += _blank(data[position:start], b" ")
        out += _PHP_BLOCK.sub(lambda m: _placeholder(m.group(0)), body)
        position = match.end(2)
    if not found:
        return None
    out += _blank(data[position:], b" ")
    return bytes(out)


def _in_php(blocks: list[tuple[int, int]], starts: list[int], offset: int) -> bool:
    i = bisect.bisect_right(starts, offset) - 1
    return i >= 0 and blocks[i][0] <= offset < blocks[i][1]


def is_placeholder(text: str) -> bool:
    """A name or string the masking made out of a PHP block."""
    return len(text) >= 3 and set(text) == {"_"}
