"""The rule registry: an explicit tuple of rule modules, in code order.

Each module has its documentation as its docstring, a ``RULE`` (metadata) and a pure ``check(model)``.
"""

from __future__ import annotations

from types import ModuleType

from analyzer.rules import (
    wpr001_nonce_wrong_action,
    wpr002_nonce_in_unread_body,
    wpr003_nonce_without_cookies,
    wpr004_nonce_persisted,
    wpr005_public_write_route,
    wpr006_permission_callback_missing,
    wpr007_rest_auth_check_disabled,
    wpr008_nonce_sent_cross_origin,
    wpr009_hardcoded_rest_prefix,
    wpr010_cookie_auth_outside_browser,
    wpr011_localized_handle_unregistered,
    wpr012_nonce_refresh_over_rest,
    wpr013_nonce_missing,
    wpr014_rest_nonce_verified_wrongly,
    wpr015_rest_route_not_found,
    wpr016_permission_callback_non_boolean,
    wpr900_unused_suppression,
    wpr901_invalid_suppression,
)
from analyzer.rules.base import Rule

REGISTRY: tuple[ModuleType, ...] = (
    wpr001_nonce_wrong_action,
    wpr002_nonce_in_unread_body,
    wpr003_nonce_without_cookies,
    wpr004_nonce_persisted,
    wpr005_public_write_route,
    wpr006_permission_callback_missing,
    wpr007_rest_auth_check_disabled,
    wpr008_nonce_sent_cross_origin,
    wpr009_hardcoded_rest_prefix,
    wpr010_cookie_auth_outside_browser,
    wpr011_localized_handle_unregistered,
    wpr012_nonce_refresh_over_rest,
    wpr013_nonce_missing,
    wpr014_rest_nonce_verified_wrongly,
    wpr015_rest_route_not_found,
    wpr016_permission_callback_non_boolean,
    wpr900_unused_suppression,
    wpr901_invalid_suppression,
)

BY_CODE: dict[str, ModuleType] = {module.RULE.code: module for module in REGISTRY}


def rule(code: str) -> Rule:
    return BY_CODE[code].RULE


def select(select: list[str] | None, ignore: list[str] | None) -> tuple[ModuleType, ...]:
    """Rules enabled by ``--select`` / ``--ignore`` (codes or prefixes such as ``WPR0``)."""

    def matches(code: str, patterns: list[str]) -> bool:
        return any(code.startswith(p.strip().upper()) for p in patterns if p.strip())

    chosen = [m for m in REGISTRY if not select or matches(m.RULE.code, select)]
    return tuple(m for m in chosen if not ignore or not matches(m.RULE.code, ignore))
