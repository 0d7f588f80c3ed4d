"""``wp-rest-lint routes [PATH]``: the route table of each plugin or theme, as text or JSON.

One block per endpoint — methods and route, where it is registered, its permission (the resolved callable and
its definition, or why it could not be resolved), what its callback can change, and the verdict the rules give
it — then how many endpoints were found, resolved and left unchecked.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from analyzer import __version__, inventory
from analyzer.scan import ScanOptions, scan
from analyzer.source import printable_path

PROG = "wp-rest-lint"


def add_parser(sub) -> None:
    r = sub.add_parser(
        "routes",
        help="list the plugin's REST routes: permission, effects and verdict of each (and what could not be checked)",
        allow_abbrev=False,
    )
    r.add_argument("paths", nargs="*", metavar="PATH", help="plugin directory (default: .)")
    r.add_argument("--format", choices=("text", "json"), default="text", help="text (default) or json")


def _span(span) -> dict | None:
    return {"path": printable_path(span.path), "line": span.line} if span is not None else None


def as_json(result, rows: list[inventory.Route], counts: inventory.EndpointCounts) -> str:
    plugins = []
    for plugin in result.plugins:
        mine = [r for r in rows if r.plugin == plugin.path]
        plugins.append(
            {
                "path": printable_path(plugin.path),
                "kind": plugin.kind,
                "name": plugin.name,
                "routes": [
                    {
                        "methods": r.methods,
                        "route": r.path,
                        "registered": _span(r.registration),
                        "permission": {"text": r.permission, "at": _span(r.permission_at)},
                        "effects": {"text": r.effects, "at": _span(r.effects_at)},
                        "verdict": {"text": r.verdict, "rule": r.rule, "level": r.level},
                    }
                    for r in mine
                ],
            }
        )
    document = {
        "version": 1,
        "tool": {"name": PROG, "version": __version__},
        "plugins": plugins,
        "summary": {"found": counts.found, "resolved": counts.resolved, "unresolved": len(counts.unresolved)},
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def as_text(result, rows: list[inventory.Route], counts: inventory.EndpointCounts) -> str:
    out: list[str] = []
    for plugin in result.plugins:
        mine = [r for r in rows if r.plugin == plugin.path]
        if len(result.plugins) > 1:
            title = plugin.name or plugin.path or "files outside any plugin"
            out.append(f"== {title} ({plugin.kind}{', ' + printable_path(plugin.path) if plugin.path else ''})\n")
        for r in mine:
            out.append(f"{r.methods} {r.path}  ({printable_path(r.registration.path)}:{r.registration.line})")
            out.append(f"    permission: {r.permission}")
            out.append(f"    effects:    {r.effects}")
            out.append(f"    verdict:    {r.verdict}")
            out.append("")
    if not rows:
        out.append("No REST routes found (register_rest_route).")
    unresolved = len(counts.unresolved)
    out.append(
        f"{counts.found} endpoint{'s' if counts.found != 1 else ''}: {counts.resolved} resolved, {unresolved} not checked"
        + (" (their verdict says why)" if unresolved else "")
        + "."
    )
    return "\n".join(out) + "\n"


def run(args) -> int:
    paths = [Path(p) for p in (args.paths or ["."])]
    for path in paths:
        if not path.exists():
            print(f"{PROG}: error: path does not exist: {path}", file=sys.stderr)
            return 2
    result = scan(paths, ScanOptions())
    rows = inventory.routes(result.plugins)
    counts = inventory.endpoints(result.plugins)
    sys.stdout.write(as_json(result, rows, counts) if args.format == "json" else as_text(result, rows, counts))
    return 0
