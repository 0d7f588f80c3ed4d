"""The WordPress knowledge behind effects (analyzer/wordpress_effects.py) is consistent and current."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from analyzer import wordpress_effects as wpe

ROOT = Path(__file__).resolve().parent.parent
WORDPRESS = Path("/usr/share/wordpress")


def test_every_entry_has_a_known_policy_and_the_arguments_it_reads() -> None:
    needs = {
        "tainted": ("target",),
        "url": ("target",),
        "address": ("target",),
        "object": ("target",),
        "insert_post": ("target",),
        "store": ("key",),
        "object_meta": ("target", "key"),
        "user_meta": ("target", "key"),
    }
    for name, write in wpe.FUNCTIONS.items():
        assert write.policy in wpe.POLICIES, name
        for field in needs.get(write.policy, ()):
            assert getattr(write, field) is not None, f"{name}: policy {write.policy} needs {field}"
        if write.policy in ("always", "tainted", "object", "object_meta", "user_meta", "insert_post", "store", "url", "address"):
            assert write.area in wpe.AREAS or write.area in ("transients", "cache", "schedule", "session"), name


def test_areas_are_ordered_and_described() -> None:
    assert set(wpe.AREA_ORDER) == set(wpe.AREAS)


def test_core_writes_are_core_functions() -> None:
    """What the table says of a WordPress function names one that exists (a typo would silently never match)."""
    core = wpe.wordpress_functions()
    php = wpe.php_functions()
    unknown = sorted(name for name in wpe.FUNCTIONS if name not in core and name not in php and not name.startswith("wc_") and name not in wpe.LANGUAGE_CONSTRUCTS)
    # A few are older or newer than the shipped core list; anything else is a typo.
    assert set(unknown) <= {"create_function", "wpmu_delete_user", "wpmu_create_user", "wpmu_activate_signup", "wpmu_create_blog", "include", "include_once", "require", "require_once", "eval", "assert", "stick_post", "unstick_post", "wp_cache_flush_runtime", "wp_cache_flush_group", "wp_update_user_counts", "set_current_user", "curl_init"}, unknown  # curl: an extension this php-cli lacks


@pytest.mark.skipif(not (WORDPRESS / "wp-includes" / "version.php").exists(), reason="Debian's wordpress package is not installed (apt-get install wordpress)")
def test_shipped_function_list_covers_the_installed_wordpress(tmp_path: Path) -> None:
    """tools/function_lists.py regenerates the list from a WordPress tree; the shipped one must hold them all."""
    script = (ROOT / "tools" / "function_lists.py").read_text()
    assert "def core_functions" in script
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import function_lists  # noqa: PLC0415
    finally:
        sys.path.remove(str(ROOT / "tools"))
    regenerated = function_lists.core_functions(WORDPRESS)
    missing = sorted(regenerated - wpe.wordpress_functions())
    assert not missing, f"{len(missing)} core functions missing from analyzer/data/wordpress_functions.txt, e.g. {missing[:5]}: run python tools/function_lists.py"


def test_php_function_list_covers_the_running_php_when_there_is_one() -> None:
    try:
        listing = subprocess.run(["php", "-r", 'echo implode("\\n", get_defined_functions()["internal"]);'], capture_output=True, text=True, timeout=30)
    except FileNotFoundError:
        pytest.skip("php-cli is not installed (apt-get install php-cli)")
    names = {n.strip().lower() for n in listing.stdout.splitlines() if n.strip()}
    core_names = {"strlen", "array_map", "hash_equals", "json_encode", "file_put_contents"}
    assert core_names <= names and core_names <= wpe.php_functions()
