"""Regenerate the function lists the effect analysis reads (analyzer/data/*.txt).

- ``wordpress_functions.txt``: every function WordPress core defines (wp-includes, wp-admin/includes), found
  with the analyzer's own PHP parser. A call to one of these that the effect table (analyzer/wordpress_effects.py)
  does not list is a read or a formatting helper — unless its name says it writes (see WRITE_VERBS there).
- ``core_options.txt``: the options WordPress core itself reads (the defaults ``populate_options()`` writes,
  and the network options ``populate_network_meta()`` writes, plus those core creates later). Writing one
  of these changes the site, whatever the value.
- ``php_functions.txt``: PHP's internal functions (``get_defined_functions()['internal']`` of the php-cli this
  runs), so a call to ``array_map`` or ``strlen`` is known not to be an unresolved plugin call.

Usage: python tools/function_lists.py [WORDPRESS_DIR] [--php PHP]   (default /usr/share/wordpress, php)
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analyzer import languages  # noqa: E402

DATA = ROOT / "analyzer" / "data"


def wordpress_version(wordpress: Path) -> str:
    text = (wordpress / "wp-includes" / "version.php").read_text(encoding="utf-8", errors="replace")
    match = re.search(r"\$wp_version\s*=\s*'([^']+)'", text)
    return match.group(1) if match else "unknown"


def core_functions(wordpress: Path) -> set[str]:
    """Names of the functions (not methods) defined in core's PHP, lower-cased."""
    parser = languages.parser("php")
    names: set[str] = set()
    for folder in ("wp-includes", "wp-admin/includes"):
        for path in sorted((wordpress / folder).rglob("*.php")):
            data = path.read_bytes()
            if b"function" not in data:
                continue
            stack = [parser.parse(data).root_node]
            while stack:
                node = stack.pop()
                if node.type == "function_definition":
                    name = node.child_by_field_name("name")
                    if name is not None:
                        names.add(name.text.decode().lower())
                if node.type not in ("class_declaration", "interface_declaration", "trait_declaration"):
                    stack.extend(node.children)
    return names


# Options core creates outside populate_options() / populate_network_meta(): the role table (under the table
# prefix, matched by suffix), cron, widgets, the language, plugin bookkeeping.
LATER_OPTIONS = {
    "user_roles", "cron", "sidebars_widgets", "recently_activated", "wplang", "fresh_site", "initial_db_version",
    "db_upgraded", "can_compress_scripts", "new_admin_email", "theme_switched", "auto_core_update_notified",
    "active_sitewide_plugins", "site_admins", "current_theme", "theme_mods_", "widget_", "auto_update_plugins",
    "auto_update_themes", "recovery_keys", "recovery_mode_email_last_sent", "wp_user_roles",
}


def core_options(wordpress: Path) -> set[str]:
    """Option names core writes at install time (the keys of the defaults in wp-admin/includes/schema.php),
    and LATER_OPTIONS, lower-cased. A name ending in '_' is a prefix (widget_, theme_mods_)."""
    text = (wordpress / "wp-admin" / "includes" / "schema.php").read_text(encoding="utf-8", errors="replace")
    names = set(LATER_OPTIONS)
    for function in ("populate_options", "populate_network_meta"):
        start = text.find(f"function {function}")
        if start < 0:
            continue
        end = text.find("\nfunction ", start + 10)
        block = text[start : end if end > 0 else len(text)]
        names.update(m.lower() for m in re.findall(r"^\s*'([A-Za-z_0-9]+)'\s*=>", block, re.M))
    return names


def php_functions(php: str) -> tuple[str, set[str]]:
    version = subprocess.run([php, "-r", "echo PHP_VERSION;"], check=True, capture_output=True, text=True).stdout.strip()
    listing = subprocess.run(
        [php, "-r", 'echo implode("\\n", get_defined_functions()["internal"]);'], check=True, capture_output=True, text=True
    ).stdout
    return version, {name.strip().lower() for name in listing.splitlines() if name.strip()}


def write(path: Path, header: str, names: set[str]) -> None:
    path.write_text(f"# {header}\n" + "\n".join(sorted(names)) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("wordpress", nargs="?", default="/usr/share/wordpress")
    parser.add_argument("--php", default="php")
    args = parser.parse_args(argv)
    wordpress = Path(args.wordpress)
    DATA.mkdir(parents=True, exist_ok=True)
    names = core_functions(wordpress)
    write(DATA / "wordpress_functions.txt", f"Functions defined by WordPress {wordpress_version(wordpress)} core (tools/function_lists.py)", names)
    options = core_options(wordpress)
    write(DATA / "core_options.txt", f"Options of WordPress {wordpress_version(wordpress)} core (tools/function_lists.py)", options)
    version, builtins = php_functions(args.php)
    write(DATA / "php_functions.txt", f"Internal functions of PHP {version} (tools/function_lists.py)", builtins)
    print(f"{len(names)} WordPress functions, {len(options)} core options, {len(builtins)} PHP functions")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
