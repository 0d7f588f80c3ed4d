"""The plugin model resolves routes the way WordPress would: paths, methods and permission callbacks."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzer.scan import scan

RULES = Path(__file__).resolve().parent.parent / "fixtures" / "rules"
DEMO = RULES.parent / "demo-plugin"


def routes(case: Path) -> set[tuple[str | None, tuple[str, ...], str, str | None]]:
    model = scan([case]).model
    return {
        (e.path, tuple(sorted(e.methods or ())), e.permission.status, e.permission.callback.name if e.permission.callback else None)
        for e in model.rest_endpoints
    }


def test_constructor_arguments_from_new_sites_build_the_namespace() -> None:
    # $this->namespace = $this->plugin_name . '/v' . intval( $this->version ), with the values passed by
    # new Acme_Token_Auth_Public( $this->get_plugin_name(), $this->get_version() ) in another class.
    found = routes(RULES / "WPR005" / "token-issuing-routes")
    assert {path for path, *_ in found} == {
        "/acme-token/v1/token",
        "/acme-token/v1/token/validate",
        "/acme-token/v1/token/refresh",
        "/acme-token/v1/token/revoke",
    }
    assert ("/acme-token/v1/token/revoke", ("DELETE",), "callable", "__return_true") in found


def test_routes_registered_by_a_vendor_trait_from_a_plugin_table() -> None:
    assert routes(RULES / "WPR005" / "vendor-route-registrar") >= {
        ("/acme-loyalty/v1/points", ("GET",), "callable", "is_user_logged_in"),
        ("/acme-loyalty/v1/points/grant", ("POST",), "callable", "__return_true"),
    }


def test_class_names_ignore_case_and_undefined_properties_are_null() -> None:
    found = routes(RULES / "WPR006" / "property-fetch-and-class-case")
    assert ("/acme-log/v1/settings", ("PATCH", "POST", "PUT"), "non_callable", None) in found
    assert ("/acme-log/v1/entries", ("POST",), "missing", None) in found
    assert ("/acme-log/v1/entries", ("GET",), "callable", "[ $this, 'update_settings_permissions_check' ]") in found
    assert ("/acme-log/v1/entries/(?P<id>\\d+)", ("DELETE",), "callable", "[ 'Acme_Log_Endpoints', 'can_manage_log' ]") in found


def test_demo_controller_namespace_set_in_constructor_from_a_constant() -> None:
    found = routes(DEMO)
    assert ("/acme-forms/v1/submissions", ("POST",), "misspelt", None) in found
    assert ("/acme-forms/v1/submissions/(?P<id>[\\d]+)", ("DELETE",), "callable", "[ $this, 'delete_item_permissions_check' ]") in found
    assert ("/acme-forms/v1/settings", ("POST", "PUT"), "callable", "'acme_forms_allow'") in found


@pytest.mark.parametrize("case", sorted(p for p in RULES.glob("*/*") if p.is_dir()), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_fixture_route_resolves_to_a_path(case: Path) -> None:
    """Fixtures are written so that a reader can resolve every route's path, and so must the model; only
    cases named 'unresolvable' hold values from filters or options on purpose."""
    model = scan([case]).model
    unresolved = [str(e.registration) for e in model.rest_endpoints if e.path is None]
    if "unresolvable" not in case.name:
        assert unresolved == []
