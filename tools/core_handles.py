#!/usr/bin/env python3
"""Generate the list of script handles WordPress core registers: ``analyzer/data/core_handles.txt``.

    python tools/core_handles.py /usr/share/wordpress > analyzer/data/core_handles.txt
    python tools/core_handles.py --merge analyzer/data/core_handles.txt /path/to/newer/wordpress > new.txt

WPR011 treats a handle in that list as registered (core registers it on every request, before any plugin
runs). The handles come from ``wp-includes/script-loader.php`` — every ``$scripts->add( HANDLE, … )`` of
``wp_default_scripts``, ``wp_default_packages_vendor``, ``wp_register_tinymce_scripts``,
``wp_register_development_scripts`` and the rest — and from the packages asset file
``wp-includes/assets/script-loader-packages[.min].php`` (or ``.json`` in older releases), whose entries
``wp_default_packages_scripts`` registers as ``wp-<basename>``. Styles are not script handles and are left out.

script-loader.php is parsed with the analyzer's own tree-sitter PHP grammar, not with regular expressions:
handles are written as single- or double-quoted literals, across lines, next to ``$styles->add`` calls that
must not count, and inside commented-out code that must not count either; a syntax tree answers all of that,
and the same grammar is already a dependency. A handle that is not a literal is resolved from the loop that
binds it (``foreach ( $vendor_scripts as $handle => $deps )``, ``'wp-' . $script_name``); any other
computed handle stops the tool with an error, so a new construct in core is noticed rather than skipped.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analyzer import languages  # noqa: E402

LOADER = "wp-includes/script-loader.php"
ASSETS = ("script-loader-packages.php", "script-loader-packages.min.php", "script-loader-packages.json")
_VERSION = re.compile(rb"""\$wp_version\s*=\s*['"]([^'"]+)['"]""")


class Unresolved(Exception):
    """A ``$scripts->add()`` whose handle the tool cannot compute."""


def _named(node):
    return [c for c in node.children if c.is_named]


def _walk(node):
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(current.children))


def _string(node) -> str | None:
    """The value of a string literal without interpolation, else None."""
    if node.type not in ("string", "encapsed_string"):
        return None
    parts = _named(node)
    if any(p.type not in ("string_content", "string_value", "escape_sequence") for p in parts):
        return None  # interpolation
    text = node.text.decode()
    return text[1:-1] if len(text) >= 2 else None


def _enclosing(node, types: tuple[str, ...]):
    current = node.parent
    while current is not None and current.type not in types:
        current = current.parent
    return current


def _array_items(node) -> list[tuple[str | None, object]]:
    """(key or None, value node) of an array literal's elements."""
    items = []
    for element in _named(node):
        if element.type != "array_element_initializer":
            continue
        parts = _named(element)
        if len(parts) == 2:
            items.append((_string(parts[0]), parts[1]))
        elif len(parts) == 1:
            items.append((None, parts[0]))
    return items


def _assigned_array(function, name: str):
    """The array literal last assigned to ``$name`` in ``function`` (before use; core assigns once)."""
    found = None
    for node in _walk(function):
        if node.type == "assignment_expression":
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            if left is not None and left.text.decode() == f"${name}" and right is not None and right.type == "array_creation_expression":
                found = right
    return found


def _loop_values(call, variable: str) -> list[str]:
    """The strings a loop variable takes: ``foreach ( $list as [$key =>] $value )`` over an array literal
    assigned in the same function. For the key variable of a list that mixes ``'handle'`` and
    ``'handle' => deps`` (with ``$key = $value`` for the former, as wp_default_packages_vendor does), both."""
    loop = _enclosing(call, ("foreach_statement",))
    function = _enclosing(call, ("function_definition", "method_declaration"))
    while loop is not None:
        parts = _named(loop)
        source = parts[0] if parts else None
        pair = parts[1] if len(parts) > 1 else None
        key_var = value_var = None
        if pair is not None and pair.type == "pair":
            key_var, value_var = (p.text.decode()[1:] for p in _named(pair)[:2])
        elif pair is not None and pair.type == "variable_name":
            value_var = pair.text.decode()[1:]
        if variable in (key_var, value_var) and source is not None:
            if source.type == "array_creation_expression":
                array = source
            elif source.type == "variable_name" and function is not None:
                array = _assigned_array(function, source.text.decode()[1:])
            else:
                array = None
            if array is None:
                break
            items = _array_items(array)
            if variable == value_var:
                values = [_string(v) for k, v in items if _string(v) is not None]
                if len(values) == len(items):
                    return values
                break
            keys = [k for k, _ in items if k is not None]
            listed = [_string(v) for k, v in items if k is None]
            body = loop.text.decode()
            if listed and re.search(rf"\${re.escape(variable)}\s*=\s*\${re.escape(value_var or '')}\s*;", body):
                keys += [v for v in listed if v is not None]
            return keys
        loop = _enclosing(loop, ("foreach_statement",))
    raise Unresolved(f"line {call.start_point[0] + 1}: a loop variable ${variable} the tool cannot enumerate")


def _template(expr) -> list[str | tuple[str]] | None:
    """A handle expression as literal parts and ``(variable,)`` parts: ``'wp-' . $name``, ``"plupload-$h"``."""
    literal = _string(expr)
    if literal is not None:
        return [literal]
    if expr.type == "variable_name":
        return [(expr.text.decode()[1:],)]
    if expr.type == "encapsed_string":
        parts: list[str | tuple[str]] = []
        for part in _named(expr):
            if part.type in ("string_content", "string_value"):
                parts.append(part.text.decode())
            elif part.type == "variable_name":
                parts.append((part.text.decode()[1:],))
            else:
                return None
        return parts
    if expr.type == "binary_expression" and expr.child_by_field_name("operator").type == ".":
        left, right = _template(expr.child_by_field_name("left")), _template(expr.child_by_field_name("right"))
        return left + right if left is not None and right is not None else None
    return None


def _handles_of(call) -> list[str]:
    args = call.child_by_field_name("arguments")
    first = next((a for a in _named(args) if a.type == "argument"), None) if args is not None else None
    if first is None or not _named(first):
        raise Unresolved(f"line {call.start_point[0] + 1}: $scripts->add() without a handle")
    expr = _named(first)[0]
    template = _template(expr)
    variables = [p[0] for p in template or [] if isinstance(p, tuple)]
    if template is None or len(variables) > 1:
        raise Unresolved(f"line {call.start_point[0] + 1}: handle {expr.text.decode()!r} is computed")
    if not variables:
        return ["".join(template)]  # type: ignore[arg-type]
    return ["".join(value if isinstance(p, tuple) else p for p in template) for value in _loop_values(call, variables[0])]


def _package_loop(call) -> bool:
    """``$scripts->add( $handle, … )`` in wp_default_packages_scripts: its handles come from the asset file."""
    function = _enclosing(call, ("function_definition",))
    name = function.child_by_field_name("name") if function is not None else None
    return name is not None and name.text.decode() == "wp_default_packages_scripts"


def loader_handles(source: bytes) -> set[str]:
    """Every handle ``$scripts->add()`` registers in script-loader.php's source (packages aside)."""
    tree = languages.parser("php").parse(source)
    handles: set[str] = set()
    for node in _walk(tree.root_node):
        if node.type != "member_call_expression":
            continue
        obj, name = node.child_by_field_name("object"), node.child_by_field_name("name")
        if obj is None or name is None or obj.text != b"$scripts" or name.text != b"add":
            continue
        if _package_loop(node):
            continue
        handles.update(_handles_of(node))
    return handles


def package_handles(path: Path) -> set[str]:
    """``wp-<basename>`` for each entry of a packages asset file (``'a11y.min.js' => array( … )``)."""
    if path.suffix == ".json":
        names = list(json.loads(path.read_text(encoding="utf-8")))
    else:
        tree = languages.parser("php").parse(path.read_bytes())
        ret = next((n for n in _walk(tree.root_node) if n.type == "return_statement"), None)
        array = next((n for n in _walk(ret) if n.type == "array_creation_expression"), None) if ret is not None else None
        if array is None:
            raise Unresolved(f"{path}: no returned array")
        names = [k for k, _ in _array_items(array) if k is not None]
    handles = set()
    for name in names:
        base = name.rsplit("/", 1)[-1]
        for suffix in (".min.js", ".js"):
            if base.endswith(suffix):
                base = base[: -len(suffix)]
                break
        handles.add("wp-" + base)
    return handles


def wordpress_version(root: Path) -> str:
    match = _VERSION.search((root / "wp-includes" / "version.php").read_bytes())
    return match.group(1).decode() if match else "unknown"


def core_handles(root: Path) -> set[str]:
    """Every script handle core registers, from a WordPress tree at ``root``."""
    handles = loader_handles((root / LOADER).read_bytes())
    assets = [root / "wp-includes" / "assets" / name for name in ASSETS]
    present = [a for a in assets if a.is_file()]
    if not present:
        raise Unresolved(f"{root}: no wp-includes/assets/script-loader-packages file")
    for asset in present:
        handles |= package_handles(asset)
    return handles


def read_list(path: Path) -> tuple[list[str], set[str]]:
    """(header comment lines, handles) of a core_handles.txt."""
    header, handles = [], set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            header.append(line)
        elif line.strip():
            handles.add(line.strip())
    return header, handles


def render(handles: set[str], versions: list[str]) -> str:
    lines = [
        "# Script handles WordPress core registers on every request (wp-includes/script-loader.php and the",
        "# packages asset file), for WPR011. Generated by tools/core_handles.py from WordPress " + ", ".join(versions) + ".",
        "# Regenerate: python tools/core_handles.py [--merge analyzer/data/core_handles.txt] WORDPRESS_DIR",
        *sorted(handles),
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("wordpress", type=Path, help="a WordPress directory (holding wp-includes/)")
    parser.add_argument("--merge", type=Path, help="keep the handles of this existing list too (for older releases)")
    args = parser.parse_args(argv)
    try:
        handles = core_handles(args.wordpress)
    except (OSError, Unresolved) as error:
        print(f"core_handles: {error}", file=sys.stderr)
        return 1
    versions = [wordpress_version(args.wordpress)]
    if args.merge is not None:
        header, old = read_list(args.merge)
        handles |= old
        match = re.search(r"from WordPress (.+)\.$", header[1] if len(header) > 1 else "")
        versions = sorted(set(versions) | set(match.group(1).split(", ") if match else []))
    sys.stdout.write(render(handles, versions))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
