"""Script handles a plugin can rely on without registering them: core's own, and the ones
``register_block_type`` generates from a ``block.json``."""

from __future__ import annotations

CORE_HANDLES = frozenset(
    {
        "jquery", "jquery-core", "jquery-migrate", "jquery-ui-core", "jquery-ui-dialog", "jquery-ui-sortable", "jquery-ui-datepicker",
        "underscore", "backbone", "heartbeat", "common", "utils", "admin-bar", "thickbox", "media-upload", "lodash", "moment",
        "react", "react-dom", "react-jsx-runtime", "regenerator-runtime", "editor", "quicktags", "postbox", "dashboard", "jquery-form",
    }
)


def core_handle(handle: str) -> bool:
    return handle in CORE_HANDLES or handle.startswith(("wp-", "jquery-ui-"))


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
