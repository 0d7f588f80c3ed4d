"""Phrasing shared by the client-side rules: how a nonce and its PHP evidence are named in a message."""

from __future__ import annotations

from analyzer.client import NonceSource
from analyzer.findings import Related, ref


def nonce_evidence(nonce: NonceSource, start: int = 1) -> tuple[str, tuple[Related, ...]]:
    """' created with action 'x' [here](1), printed by [wp_localize_script](2)', and the related locations."""
    related: list[Related] = []
    text = ""
    if nonce.creation is not None:
        related.append(Related(nonce.creation, f"wp_create_nonce: {nonce.action_text}"))
        text += f" is {ref(start, 'created with ' + nonce.action_text)}"
    if nonce.channel is not None and nonce.channel != nonce.creation:
        related.append(Related(nonce.channel, f"reaches JS as {nonce.via}" if nonce.via else "reaches JS here"))
        text += f" and {ref(start + len(related) - 1, 'handed to JS')}"
    return text, tuple(related)


def read_as(nonce: NonceSource) -> str:
    return f"`{nonce.via}`" if nonce.via else "the nonce"
