"""Server-to-server requests in PHP (``wp_remote_*``, ``WP_Http``) that carry a browser's cookie credentials.

Read from the IR of the plugin's PHP: the options array of the call (inline, or an array variable of the
same function with the elements assigned to it later), its ``headers`` (``X-WP-Nonce``, a ``Cookie`` naming
``wordpress_logged_in_…`` / ``LOGGED_IN_COOKIE``, ``Authorization: Basic``) and ``cookies`` (``$_COOKIE``, or
a logged-in cookie). The URL is *same site* when it is built from ``home_url()``, ``site_url()``,
``rest_url()``, ``admin_url()`` and friends; *remote* when it is built from an absolute URL literal or an
option; *unknown* otherwise (a parameter, a property, a method's return value).
"""

from __future__ import annotations

from dataclasses import dataclass

from analyzer.php import ir
from analyzer.scripts.ir import LOGGED_IN, NONCE_HEADER, Sent
from analyzer.source import Span

REMOTE_FUNCTIONS = frozenset(
    {
        "wp_remote_get", "wp_remote_post", "wp_remote_head", "wp_remote_request",
        "wp_safe_remote_get", "wp_safe_remote_post", "wp_safe_remote_head", "wp_safe_remote_request",
    }
)
WP_HTTP_METHODS = frozenset({"request", "get", "post", "head"})
SITE_URL_FUNCTIONS = frozenset(
    {
        "home_url", "site_url", "rest_url", "get_rest_url", "admin_url", "get_admin_url", "network_home_url",
        "network_site_url", "network_admin_url", "get_home_url", "get_site_url", "includes_url", "content_url",
        "plugins_url", "wp_login_url", "get_permalink", "get_bloginfo",
    }
)
MAX_RESOLVE = 6


@dataclass(frozen=True, slots=True)
class RemoteRequest:
    via: str
    span: Span
    sent: Sent
    url: str  # same-site | remote | unknown
    current_credentials: bool  # forwards $_COOKIE, with a nonce minted in this request (or none)
    forwards: bool = False  # forwards $_COOKIE


def _name(call) -> str:
    return call.name.rsplit("\\", 1)[-1].lower()


def _children(node):
    for slot in getattr(node, "__slots__", ()):
        child = getattr(node, slot, None)
        if isinstance(child, ir.Expr) and not isinstance(child, ir.Closure):
            yield child
        elif isinstance(child, tuple):
            for item in child:
                if isinstance(item, ir.Expr):
                    yield item
                elif isinstance(item, (ir.ArrItem, ir.Arg)):
                    if getattr(item, "key", None) is not None:
                        yield item.key
                    yield item.value


def _walk(expr):
    stack = [expr]
    seen = 0
    while stack and seen < 2000:
        node = stack.pop()
        seen += 1
        if node is None:
            continue
        yield node
        stack.extend(_children(node))


def _lit(expr) -> str | None:
    return expr.value if isinstance(expr, ir.Lit) and isinstance(expr.value, str) else None


class _Function:
    def __init__(self, fn: ir.FunctionFact) -> None:
        self.fn = fn

    def resolve(self, expr, offset: int, depth: int = 0):
        """A variable's latest plain assignment in this function before ``offset``."""
        while isinstance(expr, ir.Var) and depth < MAX_RESOLVE:
            found = [a for a in self.fn.assignments if isinstance(a.target, ir.Var) and a.target.name == expr.name and a.offset < offset]
            if not found:
                return expr
            expr, depth = found[-1].value, depth + 1
        return expr

    def element_assigns(self, name: str, path: tuple[str, ...], offset: int) -> list[tuple[str, ir.Expr, ir.Assign]]:
        """``$name[ path… ][ 'key' ] = value`` assignments before ``offset``: (key, value, assignment)."""
        found = []
        for a in self.fn.assignments:
            if a.offset >= offset or not isinstance(a.target, ir.Sub):
                continue
            keys: list[str | None] = []
            node = a.target
            while isinstance(node, ir.Sub):
                keys.append(_lit(node.key) if node.key is not None else None)
                node = node.base
            if not isinstance(node, ir.Var) or node.name != name or None in keys:
                continue
            keys.reverse()
            if tuple(keys[:-1]) == path and keys:
                found.append((keys[-1], a.value, a))  # type: ignore[arg-type]
        return found

    def mentions_logged_in(self, expr, offset: int, depth: int = 0) -> bool:
        if depth > MAX_RESOLVE:
            return False
        for node in _walk(expr):
            text = _lit(node)
            if text is not None and LOGGED_IN in text.lower():
                return True
            if isinstance(node, ir.Const) and node.name.upper() == "LOGGED_IN_COOKIE":
                return True
            if isinstance(node, ir.Var):
                value = self.resolve(node, offset)
                if value is not node and self.mentions_logged_in(value, offset, depth + 1):
                    return True
        return False

    def fresh_nonce(self, expr, offset: int) -> bool:
        value = self.resolve(expr, offset)
        return isinstance(value, ir.Call) and _name(value) == "wp_create_nonce"

    def forwards_cookies(self, expr, offset: int) -> bool:
        value = self.resolve(expr, offset)
        return isinstance(value, ir.Var) and value.name == "_COOKIE"

    def items(self, expr, offset: int, path: tuple[str, ...], var: str | None = None) -> list[tuple[str, ir.Expr, Span]]:
        """(key, value, span) of an options array, inline or in a variable, with later element assignments."""
        if isinstance(expr, ir.Var):
            var = expr.name
            expr = self.resolve(expr, offset)
        found: list[tuple[str, ir.Expr, Span]] = []
        if isinstance(expr, ir.Arr):
            for item in expr.items:
                key = _lit(item.key) if item.key is not None else None
                if key is not None:
                    start = item.key.span if item.key is not None else item.value.span
                    span = Span(start.path, start.line, start.column, item.value.span.end_line, item.value.span.end_column)
                    found.append((key, item.value, span))
        if var is not None:
            for key, value, assign in self.element_assigns(var, path, offset):
                found.append((key, value, _join(assign.target.span, assign.value.span)))
        return found

    def sent(self, options, offset: int) -> tuple[Sent, bool, bool]:
        """What an options array sends, whether it forwards $_COOKIE, whether its nonce is minted here."""
        sent, forwards, fresh = Sent(), False, True
        var = options.name if isinstance(options, ir.Var) else None
        for key, value, span in self.items(options, offset, ()):
            low = key.lower()
            if low == "headers":
                inner_var = var if not isinstance(value, ir.Var) else None
                for name, header, where in self.items(value, offset, ("headers",) if inner_var else (), inner_var):
                    hl = name.strip().lower()
                    if hl == NONCE_HEADER:
                        sent |= Sent(nonce=where)
                        fresh = fresh and self.fresh_nonce(header, offset)
                    elif hl == "cookie" and self.mentions_logged_in(header, offset):
                        sent |= Sent(cookie=where)
                        forwards = forwards or any(isinstance(n, ir.Var) and n.name == "_COOKIE" for n in _walk(header))
                    elif hl == "authorization" and any((_lit(n) or "").lower().startswith("basic") for n in _walk(header)):
                        sent |= Sent(basic=True)
            elif low == "cookies":
                if self.forwards_cookies(value, offset):
                    sent |= Sent(cookie=span)
                    forwards = True
                elif self.mentions_logged_in(value, offset):
                    sent |= Sent(cookie=span)
        return sent, forwards, fresh

    def url_kind(self, url, offset: int) -> str:
        value = self.resolve(url, offset)
        nodes = list(_walk(value))
        for node in nodes:
            if isinstance(node, ir.Call) and _name(node) in SITE_URL_FUNCTIONS:
                return "same-site"
            if isinstance(node, ir.Var) and node is not value:
                inner = self.resolve(node, offset)
                if inner is not node and any(isinstance(n, ir.Call) and _name(n) in SITE_URL_FUNCTIONS for n in _walk(inner)):
                    return "same-site"
        literals = [_lit(n) or "" for n in nodes]
        for node in nodes:  # one level of variables: $base = 'https://hub.example.org'; $base . '/wp-json/…'
            if isinstance(node, ir.Var) and node is not value:
                inner = self.resolve(node, offset)
                if inner is not node:
                    literals += [_lit(n) or "" for n in _walk(inner)]
        if any(text.lstrip().lower().startswith(("http://", "https://", "//")) for text in literals):
            return "remote"
        if any(isinstance(n, ir.Call) and _name(n) in ("get_option", "get_site_option", "getenv") for n in nodes):
            return "remote"  # a URL the site was configured with: another site
        return "unknown"  # a parameter, a method's return value, a property: not known


def _join(a: Span, b: Span) -> Span:
    return Span(a.path, a.line, a.column, b.end_line, b.end_column)


def _is_wp_http(obj, fn: _Function, offset: int) -> bool:
    value = fn.resolve(obj, offset)
    if isinstance(value, ir.New) and value.cls.rsplit("\\", 1)[-1].lower() == "wp_http":
        return True
    return isinstance(value, ir.Call) and _name(value) == "_wp_http_get_object"


def remote_requests(php_files) -> list[RemoteRequest]:
    found: list[RemoteRequest] = []
    for facts in php_files:
        for scope in (facts.file_scope, *facts.all_functions):
            fn = _Function(scope)
            for site in scope.calls:
                call = site.call
                if isinstance(call, ir.Call) and _name(call) in REMOTE_FUNCTIONS:
                    via = _name(call)
                elif isinstance(call, ir.MethodCall) and call.name.lower() in WP_HTTP_METHODS and _is_wp_http(call.obj, fn, site.offset):
                    via = f"WP_Http::{call.name.lower()}"
                else:
                    continue
                args = [a.value for a in call.args if not a.spread]
                if len(args) < 2:
                    continue
                try:
                    sent, forwards, fresh = fn.sent(args[1], site.offset)
                except RecursionError:
                    continue
                if not sent:
                    continue
                current = forwards and (sent.nonce is None or fresh)
                found.append(RemoteRequest(via, call.span, sent, fn.url_kind(args[0], site.offset), current, forwards))
    return found
