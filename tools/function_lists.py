"""Regenerate the function lists the effect analysis reads (analyzer/data/*.txt).

- ``wordpress_functions.txt``: every function WordPress core defines (wp-includes, wp-admin/includes), found
  with the analyzer's own PHP parser. A call to one of these that the effect table (analyzer/wordpress_effects.py)
  does not list is a read or a formatting helper — unless its name says it writes (see WRITE_VERBS there).
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
    version, builtins = php_functions(args.php)
    write(DATA / "php_functions.txt", f"Internal functions of PHP {version} (tools/function_lists.py)", builtins)
    print(f"{len(names)} WordPress functions, {len(builtins)} PHP functions")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
