"""Phrases several rules use to describe the model's facts to a developer."""

from __future__ import annotations

from analyzer.model import Callback, RestEndpoint

METHOD_ORDER = ("GET", "POST", "PUT", "PATCH", "DELETE")


def methods(endpoint: RestEndpoint) -> str:
    if endpoint.methods is None:
        return "(methods not known)"
    ordered = [m for m in METHOD_ORDER if m in endpoint.methods] + sorted(endpoint.methods - set(METHOD_ORDER))
    return ", ".join(ordered)


def route(endpoint: RestEndpoint) -> str:
    return f"{methods(endpoint)} {endpoint.display_path}"


def routes(endpoints: list[RestEndpoint]) -> str:
    """'POST /a/v1/x' or 'POST /a/v1/x and 2 more routes'."""
    names = sorted({route(e) for e in endpoints})
    if len(names) == 1:
        return names[0]
    return f"{names[0]} and {len(names) - 1} more route{'s' if len(names) > 2 else ''}"


def callback(cb: Callback) -> str:
    if cb.kind == "core":
        return f"'{cb.name}'"
    if cb.function is not None and cb.function.kind in ("function", "method"):
        return cb.function.display_name
    return cb.name
