"""Stored values (analyzer.php.stores): what a permission callback reads back from an option or transient."""

from __future__ import annotations

from pathlib import Path

from analyzer.scan import scan

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "rules" / "WPR016"


def _finding(result, path: str, line: int):
    (found,) = [f for f in result.findings if f.code == "WPR016" and (f.span.path, f.span.line) == (path, line)]
    return found


def test_a_stored_boolean_is_named_with_what_wordpress_reads_back() -> None:
    result = scan([FIXTURES / "stored-booleans-read-back-empty"])
    found = _finding(result, "inc/routes.php", 82)
    assert "stores a boolean under 'kiosk_mode_open' (update_option() at admin/settings.php:23)" in found.message
    assert "saves false as '' and get_option() returns '' on later requests" in found.message
    assert [(r.span.path, r.span.line) for r in found.related] == [("inc/routes.php", 11), ("admin/settings.php", 23)]
    meta = _finding(result, "inc/routes.php", 49)
    assert "never had this meta, or had false stored, reads back as ''" in meta.message
    # The key 'kiosk_mode_open' is written under a namespaced constant in a file that registers nothing,
    # defined in a third: both were parsed on demand.
    assert {"admin/settings.php", "kiosk-mode.php"} <= set(result.sources)


def test_writes_are_resolved_and_classified() -> None:
    result = scan([FIXTURES / "stored-flags-set-true-or-deleted"])
    writes = {(w.function, w.key, w.kind, w.prefix) for w in result.model.stored_values.writes("option")}
    assert ("add_option", "beacon_pro_api_open", "true", "") in writes
    assert ("delete_option", "beacon_pro_api_open", "delete", "") in writes
    assert ("update_site_option", "beacon_pro_beta", "true", "") in writes  # a define()d key, value 1
    assert ("update_option", None, "other", "beacon_pro_feature_") in writes  # a computed key: its known start
    assert ("update_option", "beacon_pro_label", "other", "") in writes
    transients = {(w.function, w.key, w.kind) for w in result.model.stored_values.writes("transient")}
    assert transients == {("set_transient", "beacon_pro_diagnostics_unlocked", "true"), ("delete_transient", "beacon_pro_diagnostics_unlocked", "delete")}
    default = _finding(result, "includes/class-beacon-api.php", 96)
    assert "until 'beacon_pro_api_open' is stored, get_option() returns its default, an empty string" in default.message
