"""Declare every name of a JS file in :class:`~analyzer.js.scopes.Scopes` from what ``queries/js/bindings.scm``
captured: declarations and destructuring, functions and classes, imports and ``require()``, assignments,
parameters (and what an immediately invoked function is called with), loop and catch variables.

Imports of ``@wordpress/api-fetch``, ``@wordpress/url``, ``axios`` and ``jquery`` become the globals they
are; an import of one of the plugin's own modules (a relative path) becomes an
:class:`~analyzer.js.ir.Import` for the plugin model to resolve; other packages are unknown.
"""

from __future__ import annotations

import posixpath
import re

from analyzer.js.scopes import Binding, Scopes

MODULES = {
    "@wordpress/api-fetch": ("wp", ("apiFetch",)),
    "@wordpress/url": ("wp", ("url",)),
    "axios": ("axios", ()),
    "jquery": ("jQuery", ()),
}
JQUERY = frozenset({"$", "jQuery"})


def named(node) -> list:
    return [c for c in node.named_children if c.type != "comment"]


def text(node) -> str:
    return node.text.decode("utf-8", "replace")


def string_value(node) -> str | None:
    """The value of a string literal node (escapes decoded), or None if it is not one."""
    if node is None or node.type != "string":
        return None
    raw = node.text[1:-1]
    if b"\\" not in raw:
        return raw.decode("utf-8", "replace")
    return unescape(raw)


# A JS string escape, decoded as JS does (an unknown escape is the character itself); not Python's
# unicode_escape, whose rules differ and which warns on escapes such as \$.
_JS_ESCAPE = re.compile(r"\\(u\{[0-9A-Fa-f]+\}|u[0-9A-Fa-f]{4}|x[0-9A-Fa-f]{2}|\r\n|.)", re.S)
_JS_SIMPLE = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0", "\n": "", "\r\n": "", "\u2028": "", "\u2029": ""}


def _js_unescape(match: re.Match) -> str:
    body = match.group(1)
    if body in _JS_SIMPLE:
        return _JS_SIMPLE[body]
    if body[0] in "ux" and len(body) > 1:
        code = int(body.strip("u{}x"), 16)
        return chr(code) if code <= 0x10FFFF else body
    return body


def unescape(raw: bytes) -> str:
    """JS source text with its escapes decoded (surrogate pairs joined)."""
    return _JS_ESCAPE.sub(_js_unescape, raw.decode("utf-8", "replace")).encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def module_target(specifier: str | None, importer: str):
    """What an import specifier names: ``('global', root, path)`` for a known package, ``('module', path)``
    for one of the plugin's own files (``src/api`` for ``./api`` imported by ``src/app.js``), else None."""
    if specifier is None:
        return None
    known = MODULES.get(specifier)
    if known is not None:
        return ("global", *known)
    if specifier.startswith(("./", "../")):
        joined = posixpath.normpath(posixpath.join(posixpath.dirname(importer), specifier))
        if joined.startswith(".."):
            return None
        return ("module", joined)
    return None


def required(value, importer: str):
    """The target of ``require( 'x' )``, if ``value`` is such a call."""
    if value is None or value.type != "call_expression":
        return None
    fn, args = value.child_by_field_name("function"), value.child_by_field_name("arguments")
    if fn is None or text(fn) != "require" or args is None:
        return None
    found = named(args)
    return module_target(string_value(found[0]) if found else None, importer)


def iife_arguments(function) -> list | None:
    """The arguments of an immediately invoked function expression, else None."""
    if function.type not in ("function_expression", "arrow_function", "function"):
        return None
    outer = function
    while outer.parent is not None and outer.parent.type == "parenthesized_expression":
        outer = outer.parent
    call = outer.parent
    if call is None or call.type != "call_expression" or call.child_by_field_name("function") != outer:
        return None
    args = call.child_by_field_name("arguments")
    return named(args) if args is not None and args.type == "arguments" else None


class _Collector:
    def __init__(self, scopes: Scopes, path: str) -> None:
        self.scopes = scopes
        self.path = path

    def declare(self, scope, name: str, kind: str, node, extra, at, offset: int | None = None) -> None:
        self.scopes.declare(scope, name, Binding(at.start_byte if offset is None else offset, kind, node, extra, at))

    def pattern(self, pattern, value, scope, at) -> None:
        """``const { a, b: c, d = 1 } = value`` binds a → value.a, c → value.b, d → value.d."""
        if pattern.type == "identifier":
            self.declare(scope, text(pattern), "value", value, None, at)
            return
        if pattern.type == "array_pattern":  # tracing stops: the names are declared, their values unknown
            for target in _identifiers(pattern):
                self.declare(scope, text(target), "unknown", target, None, at)
            return
        if pattern.type != "object_pattern":
            return
        for child in named(pattern):
            if child.type == "shorthand_property_identifier_pattern":
                self.declare(scope, text(child), "member", value, text(child), at)
            elif child.type == "object_assignment_pattern":
                left = child.child_by_field_name("left")
                if left is not None and left.type == "shorthand_property_identifier_pattern":
                    self.declare(scope, text(left), "member", value, text(left), at)
            elif child.type == "pair_pattern":
                key, target = child.child_by_field_name("key"), child.child_by_field_name("value")
                key_name = text(key) if key is not None and key.type == "property_identifier" else string_value(key)
                if target is not None and target.type == "assignment_pattern":
                    target = target.child_by_field_name("left")
                if target is not None and target.type == "identifier" and key_name is not None:
                    self.declare(scope, text(target), "member", value, key_name, at)

    def declarators(self, nodes) -> None:
        for node in nodes:
            name, value = node.child_by_field_name("name"), node.child_by_field_name("value")
            if name is None:
                continue
            scope = self.scopes.scope_of(node)
            if value is None:
                if name.type == "identifier":
                    self.declare(scope, text(name), "undefined", node, None, node)
                continue
            target = required(value, self.path)
            if target is not None and name.type == "identifier":
                self.declare(scope, text(name), "import", node, target if target[0] == "global" else (*target, "default"), node)
                continue
            self.pattern(name, value, scope, node)

    def imports(self, nodes) -> None:
        for node in nodes:
            target = module_target(string_value(node.child_by_field_name("source")), self.path)
            for clause in named(node):
                if clause.type != "import_clause":
                    continue
                for part in named(clause):
                    if part.type == "identifier":  # default import
                        self._import(text(part), target, "default", part)
                    elif part.type == "namespace_import":
                        ident = next((c for c in named(part) if c.type == "identifier"), None)
                        if ident is not None:
                            self._import(text(ident), target, "*", part)
                    elif part.type == "named_imports":
                        for spec in named(part):
                            name, alias = spec.child_by_field_name("name"), spec.child_by_field_name("alias")
                            if name is not None:
                                self._import(text(alias if alias is not None else name), target, text(name), spec)

    def _import(self, local: str, target, export: str, at) -> None:
        root = self.scopes.root
        if target is None:
            self.declare(root, local, "unknown", at, None, at)
        elif target[0] == "global":
            path = target[2] if export in ("default", "*") else (*target[2], export)
            self.declare(root, local, "import", at, ("global", target[1], path), at)
        else:
            self.declare(root, local, "import", at, ("module", target[1], export), at)

    def parameters(self, lists, singles) -> None:
        for node in lists:
            function = node.parent if node.parent is not None else self.scopes.root
            arguments = iife_arguments(function)
            for position, param in enumerate(named(node)):
                ident, default = param, None
                if param.type in ("required_parameter", "optional_parameter"):
                    ident = param.child_by_field_name("pattern") or param
                    default = param.child_by_field_name("value")
                if ident.type == "assignment_pattern":
                    ident, default = ident.child_by_field_name("left") or ident, ident.child_by_field_name("right")
                if ident.type == "object_pattern":  # function f( { url, nonce } ): members of the argument
                    self._param_members(ident, function, position, node)
                    continue
                if ident.type != "identifier":
                    for inner in _identifiers(ident):
                        self.declare(function, text(inner), "unknown", inner, None, node, -1)
                    continue
                name = text(ident)
                if arguments is not None and position < len(arguments) and name not in JQUERY:
                    # ( function ( cfg ) { … } )( acmeSettings ): the parameter is the argument
                    self.declare(function, name, "value", arguments[position], None, node, -1)
                else:
                    self.declare(function, name, "param", ident, (function, position, default, None), node, -1)
        for node in singles:
            self.declare(node.parent, text(node), "param", node, (node.parent, 0, None, None), node, -1)

    def _param_members(self, pattern, function, position: int, at) -> None:
        for child in named(pattern):
            key, ident, default = None, None, None
            if child.type == "shorthand_property_identifier_pattern":
                key, ident = text(child), child
            elif child.type == "object_assignment_pattern":
                ident, default = child.child_by_field_name("left"), child.child_by_field_name("right")
                key = text(ident) if ident is not None else None
            elif child.type == "pair_pattern":
                key_node, ident = child.child_by_field_name("key"), child.child_by_field_name("value")
                key = text(key_node) if key_node is not None and key_node.type == "property_identifier" else string_value(key_node)
                if ident is not None and ident.type == "assignment_pattern":
                    ident, default = ident.child_by_field_name("left"), ident.child_by_field_name("right")
            if ident is None or ident.type not in ("identifier", "shorthand_property_identifier_pattern"):
                for inner in _identifiers(child):
                    self.declare(function, text(inner), "unknown", inner, None, at, -1)
                continue
            self.declare(function, text(ident), "param", ident, (function, position, default, key), at, -1)


def _identifiers(pattern) -> list:
    """The names a destructuring pattern binds."""
    if pattern.type in ("identifier", "shorthand_property_identifier_pattern"):
        return [pattern]
    found = []
    for child in named(pattern):
        if child.type == "pair_pattern":
            child = child.child_by_field_name("value")
        elif child.type in ("assignment_pattern", "object_assignment_pattern"):
            child = child.child_by_field_name("left")
        if child is not None:
            found += _identifiers(child)
    return found


def collect(scopes: Scopes, path: str, captures: dict[str, list]) -> None:
    """Declare every name the ``bindings`` captures introduce (see module doc)."""
    collector = _Collector(scopes, path)
    collector.declarators(captures.get("declare", ()))
    for node in captures.get("function", ()):
        collector.declare(scopes.scope_of(node), text(node.child_by_field_name("name")), "value", node, None, node)
    for node in captures.get("class", ()):
        collector.declare(scopes.scope_of(node), text(node.child_by_field_name("name")), "value", node, None, node)
    collector.imports(captures.get("import", ()))
    collector.parameters(captures.get("params", ()), captures.get("param", ()))
    for node in captures.get("loop", ()):
        collector.declare(scopes.scope_of(node), text(node), "unknown", node, None, node)
    # Assignments bind in the scope that declares the name, so they come after every declaration.
    for node in captures.get("reassign", ()):
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if left is not None and right is not None:
            scopes.declare_at_use(text(left), node, Binding(node.start_byte, "value", right, None, node))
    for node in captures.get("augment", ()):
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        op = node.child_by_field_name("operator")
        if left is not None and right is not None:
            kind = "augment" if op is not None and text(op) == "+=" else "unknown"
            scopes.declare_at_use(text(left), node, Binding(node.start_byte, kind, right, left, node))
    scopes.finish()
