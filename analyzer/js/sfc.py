"""Single-file components: the browser code of a ``.vue`` or ``.svelte`` file.

The component is turned into a JS source of the same length: the content of every ``<script>`` block (Vue's
``<script>`` and ``<script setup>``, Svelte's instance and ``context="module"`` scripts) is kept, everything
else becomes spaces, newlines stay. Lines and columns are the component's own. ``lang="ts"`` (or ``tsx``)
on any block selects the TypeScript grammar. Templates (``@click="…"``, ``{#await fetch( … )}``) are not
analysed.
"""

from __future__ import annotations

import re

LANGUAGES = frozenset({"vue", "svelte"})

_BLOCK = re.compile(rb"<script\b([^>]*)>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
_LANG = re.compile(rb"""\blang\s*=\s*["']?(ts|tsx|typescript)\b""", re.IGNORECASE)


def script_source(data: bytes) -> tuple[bytes, str]:
    """(the component's script blocks in place of their text, the grammar to parse them with)."""
    out = bytearray()
    position = 0
    grammar = "javascript"
    for match in _BLOCK.finditer(data):
        attributes = match.group(1)
        lang = _LANG.search(attributes)
        if lang:
            grammar = "tsx" if lang.group(1).lower() == b"tsx" else "typescript"
        out += re.sub(rb"[^\n]", b" ", data[position : match.start(2)])
        out += match.group(2)
        position = match.end(2)
    out += re.sub(rb"[^\n]", b" ", data[position:])
    return bytes(out), grammar
