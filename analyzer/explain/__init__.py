"""``wp-rest-lint explain``: from the REST answer a developer is looking at to the stage that failed, what
never ran, the evidence that tells the causes apart, what to do first — and, with ``--path``, the line of
the plugin that causes it.

- :mod:`.inputs` reads a REST error body, a ``curl -i`` response or a HAR file;
- :mod:`.knowledge` holds what each answer means, as data;
- :mod:`.diagnose` decides which evidence rows the input shows;
- :mod:`.rank` scans the plugin and puts the findings on this route first;
- :mod:`.render` prints text or JSON.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from analyzer.explain import diagnose as diagnose_module
from analyzer.explain import inputs, rank, render
from analyzer.explain.knowledge import KNOWN_CODES

PROG = "wp-rest-lint"
_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")


class ExplainError(Exception):
    """One line for the user; exit 2."""


def add_parser(sub) -> None:
    e = sub.add_parser(
        "explain",
        help="explain a REST error: which stage failed, what never ran, what to check first",
        description="Explain a WordPress REST answer: a JSON error body, a raw response as `curl -i` prints it, or a HAR file.",
        allow_abbrev=False,
    )
    e.add_argument("response", nargs="?", metavar="RESPONSE", help="a file, - for stdin, or the JSON itself (default: stdin when piped)")
    e.add_argument("--entry", type=int, metavar="N", help="explain only entry N of a HAR file (1-based)")
    e.add_argument("--path", metavar="PLUGIN", help="scan PLUGIN and rank the findings that explain this answer on this route first")
    e.add_argument("--route", metavar="ROUTE", help="the route, e.g. /acme/v1/save (default: from the HAR or the request URL)")
    e.add_argument("--method", metavar="METHOD", help="the HTTP method (default: from the HAR)")
    e.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")


def _read(response: str | None) -> str:
    if response is None:
        if sys.stdin is None or sys.stdin.isatty():
            raise ExplainError("give the response to explain: a file, - for stdin, or the JSON itself (see 'wp-rest-lint explain --help')")
        response = "-"
    if response == "-":
        data = sys.stdin.buffer.read(inputs.MAX_INPUT + 1)
    elif response.lstrip().startswith(("{", "[")) or response.lstrip().startswith("HTTP/"):
        return response
    else:
        path = Path(response)
        if not path.is_file():
            raise ExplainError(f"no such file: {response} (give a file, - for stdin, or the JSON itself)")
        try:
            with path.open("rb") as handle:
                data = handle.read(inputs.MAX_INPUT + 1)
        except OSError as error:
            raise ExplainError(f"cannot read {response}: {error.strerror or error}") from None
    if len(data) > inputs.MAX_INPUT:
        raise ExplainError(f"the input is larger than {inputs.MAX_INPUT // (1024 * 1024)} MiB")
    return data.decode("utf-8", "replace")


def _route(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    route = inputs.route_of(value) if "://" in value or "rest_route=" in value else None
    if route is None:
        route = "/" + value.strip("/")
        route = re.sub(r"^/wp-json(?=/|$)", "", route) or "/"
    return route


def explain(text: str, *, entry: int | None = None, path: str | None = None, route: str | None = None, method: str | None = None):
    """The diagnoses of an input (raises inputs.InputError / ExplainError with one line for the user)."""
    exchanges = inputs.read(text, entry)
    diagnoses = []
    for exchange in exchanges:
        d = diagnose_module.diagnose(exchange)
        if d is None:
            if len(exchanges) > 1:
                continue  # a HAR: entries with codes explain does not know are left out
            code = exchange.code
            if code:
                raise ExplainError(
                    f"explain does not know the error code {code!r} (status {exchange.effective_status}): search the plugin "
                    f"(and the other active plugins) for {code!r} to find the code that returns it; explain knows "
                    f"{', '.join(KNOWN_CODES)}"
                )
            if exchange.form == "har" and not exchange.body.strip():
                raise ExplainError(f"{exchange.label} has no response body: save the HAR with content (\"Save all as HAR with content\")")
            raise ExplainError(f"{exchange.label} (status {exchange.effective_status}) is not a REST error explain knows, and not a success")
        diagnoses.append(d)
    if not diagnoses:
        raise ExplainError("none of the HAR's REST entries carries an answer explain knows")
    if method is not None and method.upper() not in _METHODS:
        raise ExplainError(f"--method {method}: not an HTTP method ({', '.join(_METHODS)})")
    if path is not None:
        _attach_plugin(diagnoses, Path(path), _route(route), method.upper() if method else None)
    return diagnoses


def _attach_plugin(diagnoses, plugin: Path, route: str | None, method: str | None) -> None:
    from analyzer.scan import scan

    if not plugin.exists():
        raise ExplainError(f"--path {plugin}: does not exist")
    result = scan([plugin])
    for error in result.errors:
        print(f"{PROG}: warning: {error.path}: {error.message}", file=sys.stderr)
    for d in diagnoses:
        x = d.exchange
        this_route = route or x.route
        this_method = method or x.method
        nonce_sent = None if x.request_headers is None else x.request_header("X-WP-Nonce") is not None
        ranked = rank.rank(result.findings, d.card.key, result.model, this_route, this_method)
        d.plugin = {
            "root": str(plugin),
            "route": this_route,
            "method": this_method,
            "notes": rank.route_notes(d.card.key, result.model, this_route, this_method, nonce_sent),
            "ranked": ranked,
        }
        diagnose_module.confirm(d, [r.finding for r in ranked if r.relevant and (r.on_route or this_route is None)])


def run(args) -> int:
    """The CLI subcommand: prints the explanation (exit 0) or one line on stderr (exit 2)."""
    try:
        text = _read(args.response)
        diagnoses = explain(text, entry=args.entry, path=args.path, route=args.route, method=args.method)
    except (inputs.InputError, ExplainError) as error:
        print(f"{PROG}: error: {error}", file=sys.stderr)
        return 2
    sys.stdout.write(render.as_data(diagnoses) if args.format == "json" else render.text(diagnoses))
    return 0
