"""Script handles a plugin can rely on without registering them: core's own, and the ones
``register_block_type`` generates from a ``block.json``."""

from __future__ import annotations

from analyzer import wordpress


def core_handle(handle: str) -> bool:
    """A script handle WordPress core registers itself (see wordpress.core_script_handles)."""
    return handle in wordpress.core_script_handles() or handle.startswith(wordpress.CORE_HANDLE_PREFIXES)


_BLOCK_FIELDS = {"editorScript": "editor-script", "script": "script", "viewScript": "view-script", "viewScriptModule": "view-script-module"}


def block_handles(name: str, data: dict) -> list[str]:
    """Handles ``register_block_type`` generates for a block.json's ``file:`` scripts
    (``generate_block_asset_handle``): ``acme/gallery`` + editorScript → ``acme-gallery-editor-script``."""
    handles = []
    for field, suffix in _BLOCK_FIELDS.items():
        value = data.get(field)
        entries = value if isinstance(value, list) else [value]
        for index, entry in enumerate(entries):  # register_block_script_handle passes the array position
            if not isinstance(entry, str):
                continue
            if entry.startswith("file:"):
                handle = f"{name.replace('/', '-')}-{suffix}"
                handles.append(handle if index == 0 else f"{handle}-{index + 1}")
            else:
                handles.append(entry)  # a handle registered elsewhere
    return handles
