"""The plugin's route table as a reviewer reads it: every endpoint with its permission, effects and verdict.

``wp-rest-lint routes`` prints it; a scan's summary says how many endpoints were found, how many the analyzer
resolved, and how many it could not check (``--statistics`` lists those with their place and reason). The
verdicts are the rules' own (WPR005, WPR006): the table and the findings never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

from analyzer import wordpress
from analyzer.model import PluginModel, RestEndpoint
from analyzer.rules import _text
from analyzer.rules import wpr005_public_write_route as wpr005
from analyzer.rules import wpr006_permission_callback_missing as wpr006
from analyzer.source import Span


@dataclass(frozen=True, slots=True)
class Unresolved:
    """An endpoint the analyzer could not check: where it is registered and why."""

    span: Span
    route: str
    reason: str


@dataclass(frozen=True, slots=True)
class EndpointCounts:
    found: int
    resolved: int
    unresolved: tuple[Unresolved, ...]


@dataclass(frozen=True, slots=True)
class Route:
    """One row of the route table."""

    plugin: str  # the plugin's folder ("" for the scan root)
    methods: str
    path: str
    registration: Span
    permission: str  # "acme_can() (includes/perm.php:8)", "missing", "unresolved: …"
    permission_at: Span | None
    effects: str  # "privileged: update_option() — the request supplies …", "read-only", …
    effects_at: Span | None
    verdict: str  # "open to anyone — WPR005 error", "checked by …", "not checked: …"
    rule: str | None  # the rule whose finding the verdict is, if any
    level: str | None


def endpoints(plugins) -> EndpointCounts:
    """How many endpoints the plugins' models hold, resolved and not (``plugins``: PluginScan list)."""
    found = resolved = 0
    unresolved: list[Unresolved] = []
    for plugin in plugins:
        if plugin.model is None:
            continue
        for endpoint in plugin.model.rest_endpoints:
            found += 1
            if endpoint.resolved:
                resolved += 1
            else:
                unresolved.append(Unresolved(endpoint.registration, endpoint.display_path, "; ".join(endpoint.unresolved)))
    return EndpointCounts(found, resolved, tuple(sorted(unresolved, key=lambda u: (u.span.path, u.span.line, u.route))))


def _where(span: Span | None) -> str:
    return f" ({span.path}:{span.line})" if span is not None else ""


def _permission(endpoint: RestEndpoint) -> tuple[str, Span | None]:
    permission = endpoint.permission
    cb = permission.callback
    if permission.status == "callable" and cb is not None:
        at = cb.definition or permission.span
        return f"{_text.callback(cb)}{_where(at)}", at
    if permission.status == "missing":
        return "missing", endpoint.span
    if permission.status == "misspelt":
        return f"missing (misspelt as '{permission.key}')", permission.span
    if permission.status == "non_callable":
        return f"{permission.literal} (not a callable)", permission.span
    return f"unresolved: {permission.reason or 'not known'}", permission.span


def _effects(model: PluginModel, endpoint: RestEndpoint):
    if not endpoint.write_methods:
        return "read-only method", None, None
    exposure = model.exposure(endpoint)
    worst = exposure.effects.worst
    if worst is None:
        return "none (changes no state)", None, exposure
    text = f"{worst.cls}: {worst.what}{_where(worst.span)}" + (f" — {worst.why}" if worst.why else "")
    more = len(exposure.effects.effects) - 1
    if more:
        text += f" (+{more} more)"
    if exposure.credential is not None:
        text += f"; after {exposure.credential.description}{_where(exposure.credential.span)}"
    return text, worst.span, exposure


def _verdict(model, endpoint: RestEndpoint, exposure) -> tuple[str, str | None, str | None]:
    if not endpoint.resolved:
        return f"not checked: {'; '.join(endpoint.unresolved)}", None, None
    status = endpoint.permission.status
    if status in ("missing", "misspelt", "non_callable"):
        level = wpr006.level_of(endpoint, exposure)
        return f"open to anyone: no usable permission_callback — WPR006 {level}", "WPR006", level
    if wpr005.always_grants(model, endpoint):
        if not endpoint.write_methods:
            return "public read (permission_callback always grants)", None, None
        level = wpr005.level_of(exposure)
        what = "public intake" if level == "note" and exposure.credential is None else "open to anyone"
        if exposure.credential is not None:
            what = f"public, refused unless {exposure.credential.description} passes"
        return f"{what} — WPR005 {level}", "WPR005", level
    cb = endpoint.permission.callback
    if cb is not None and cb.kind == "core" and cb.name in wordpress.CORE_DENY:
        return "closed to everyone", None, None
    return "checked by its permission_callback", None, None


def routes(plugins) -> list[Route]:
    """Every endpoint of every analysed plugin, in the order of the files that register them."""
    rows: list[Route] = []
    for plugin in plugins:
        model = plugin.model
        if model is None:
            continue
        for endpoint in sorted(model.rest_endpoints, key=lambda e: (e.registration.path, e.registration.line, e.display_path)):
            permission, permission_at = _permission(endpoint)
            effects, effects_at, exposure = _effects(model, endpoint) if endpoint.resolved else ("not followed", None, None)
            if endpoint.path_unknown and endpoint.resolved:
                verdict_note = f" (its full path is not known: {endpoint.path_unknown})"
            else:
                verdict_note = ""
            verdict, rule, level = _verdict(model, endpoint, exposure)
            verdict += verdict_note
            rows.append(
                Route(plugin.path, _text.methods(endpoint), endpoint.display_path, endpoint.registration, permission,
                      permission_at, effects, effects_at, verdict, rule, level)
            )
    return rows

