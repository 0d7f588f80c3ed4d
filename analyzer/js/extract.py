"""JS fact extraction: run ``queries/js`` on a JS / JSX / TS / TSX tree and turn what it captures into
:mod:`analyzer.js.ir` facts.

Names are resolved inside the file: a declaration (``const``, ``let``, ``var``, destructuring, an import or
``require``) is looked up from the innermost function scope outwards, and the binding written last before
the use wins. Objects, ``FormData``, ``URLSearchParams`` and ``Headers`` pick up the properties later added
to the same binding (``fd.append( k, v )``, ``headers[ k ] = v``). Tracing stops — the value is
:class:`~analyzer.js.ir.Unknown` — at function parameters (except jQuery's ``$``), return values of plugin
functions, conditionals and anything reassigned in a loop; a global that is never declared in the file is a
:class:`~analyzer.js.ir.Ref` for the model to join with what PHP prints.
"""

from __future__ import annotations

import bisect
import re

from analyzer import languages, queries
from analyzer.js import ir
from analyzer.source import SourceFile, Span

MAX_DEPTH = 48  # resolution depth (nested expressions plus names followed) before giving up with Unknown

SCOPE_NODES = frozenset(
    {"program", "function_declaration", "function_expression", "arrow_function", "method_definition", "function", "generator_function_declaration", "generator_function"}
)
_WRAPPERS = frozenset({"parenthesized_expression", "await_expression", "as_expression", "satisfies_expression", "non_null_expression", "type_assertion"})
_GLOBAL_OBJECTS = frozenset({"window", "globalThis", "self"})
_JQUERY = frozenset({"$", "jQuery"})
_MODULES = {
    "@wordpress/api-fetch": ("wp", ("apiFetch",)),
    "@wordpress/url": ("wp", ("url",)),
    "axios": ("axios", ()),
    "jquery": ("jQuery", ()),
}
_PASS_THROUGH = frozenset({"String", "encodeURIComponent", "encodeURI", "decodeURIComponent", "escape"})
_PASS_THROUGH_METHODS = frozenset({"toString", "trim", "valueOf"})
_STORAGES = {"localStorage": "localStorage", "sessionStorage": "sessionStorage", "localforage": "localStorage"}
_CAMEL = re.compile(r"[A-Z]")


def _kebab(name: str) -> str:
    """``dataset.restNonce`` reads ``data-rest-nonce``."""
    return _CAMEL.sub(lambda m: "-" + m.group(0).lower(), name)


def _named(node) -> list:
    return [c for c in node.named_children if c.type != "comment"]


def _text(node) -> str:
    return node.text.decode("utf-8", "replace")


def _string_value(node) -> str | None:
    """The value of a string literal node (escapes decoded), or None if it is not one."""
    if node is None or node.type != "string":
        return None
    raw = node.text[1:-1]
    if b"\\" not in raw:
        return raw.decode("utf-8", "replace")
    return _JS_ESCAPE.sub(_js_unescape, raw.decode("utf-8", "replace")).encode("utf-16", "surrogatepass").decode("utf-16", "replace")


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


class _FileExtractor:
    def __init__(self, source: SourceFile, root, language: str) -> None:
        self.source = source
        self.root = root
        self.language = language
        self.too_deep = False
        # (scope node id, name) -> [(offset, kind, node, extra)], kind: value | member | param | import
        self.decls: dict[tuple[int, str], list[tuple[int, str, object, object]]] = {}
        # (scope node id, name) -> calls made on the name (``fd.append(…)``) and assignments to its members
        self.member_calls: dict[tuple[int, str], list] = {}
        self.member_assigns: dict[tuple[int, str], list] = {}
        self.active: set[int] = set()
        self.memo: dict[int, ir.JExpr] = {}
        self.reads: list[ir.JExpr] = []

    def span(self, node) -> Span:
        return self.source.span_of(node)

    # --- scopes and bindings --------------------------------------------------------------------

    def scope_of(self, node):
        current = node.parent
        while current is not None:
            if current.type in SCOPE_NODES:
                return current
            current = current.parent
        return self.root

    def _declare(self, scope, name: str, offset: int, kind: str, node, extra=None) -> None:
        self.decls.setdefault((scope.id, name), []).append((offset, kind, node, extra))

    def _bind_pattern(self, pattern, value, scope, offset: int) -> None:
        """``const { a, b: c, d = 1 } = value`` binds a → value.a, c → value.b, d → value.d."""
        if pattern.type == "identifier":
            self._declare(scope, _text(pattern), offset, "value", value)
            return
        if pattern.type != "object_pattern":
            return  # array patterns: tracing stops (nothing is declared, uses become globals → see lookup)
        for child in _named(pattern):
            if child.type == "shorthand_property_identifier_pattern":
                self._declare(scope, _text(child), offset, "member", value, _text(child))
            elif child.type == "object_assignment_pattern":
                left = child.child_by_field_name("left")
                if left is not None and left.type == "shorthand_property_identifier_pattern":
                    self._declare(scope, _text(left), offset, "member", value, _text(left))
            elif child.type == "pair_pattern":
                key, target = child.child_by_field_name("key"), child.child_by_field_name("value")
                key_name = _text(key) if key is not None and key.type == "property_identifier" else _string_value(key)
                if target is not None and target.type == "assignment_pattern":
                    target = target.child_by_field_name("left")
                if target is not None and target.type == "identifier" and key_name is not None:
                    self._declare(scope, _text(target), offset, "member", value, key_name)

    def collect_bindings(self) -> None:
        captures = queries.load(self.language, "bindings").captures(self.root)
        for node in captures.get("declare", ()):
            name, value = node.child_by_field_name("name"), node.child_by_field_name("value")
            if name is None:
                continue
            scope = self.scope_of(node)
            if value is None:
                if name.type == "identifier":
                    self._declare(scope, _text(name), node.start_byte, "undefined", node)
                continue
            required = self._required_module(value)
            if required is not None and name.type == "identifier":
                self._declare(scope, _text(name), node.start_byte, "import", node, required)
                continue
            self._bind_pattern(name, value, scope, node.start_byte)
        for node in captures.get("function", ()):
            self._declare(self.scope_of(node), _text(node.child_by_field_name("name")), node.start_byte, "value", node)
        for node in captures.get("reassign", ()):
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            if left is not None and right is not None:
                self._declare_at_use(_text(left), node, "value", right)
        for node in captures.get("import", ()):
            source = node.child_by_field_name("source")
            module = _string_value(source)
            if module is None:
                continue
            target = _MODULES.get(module)
            for clause in _named(node):
                if clause.type != "import_clause":
                    continue
                for part in _named(clause):
                    if part.type == "identifier" and target is not None:  # default import
                        self._declare(self.root, _text(part), 0, "import", part, target)
                    elif part.type == "named_imports":
                        for spec in _named(part):
                            name, alias = spec.child_by_field_name("name"), spec.child_by_field_name("alias")
                            if name is None:
                                continue
                            local = _text(alias) if alias is not None else _text(name)
                            if target is not None:
                                self._declare(self.root, local, 0, "import", spec, (target[0], (*target[1], _text(name))))
                            else:
                                self._declare(self.root, local, 0, "param", spec)
        for node in captures.get("params", ()):
            scope = node.parent if node.parent is not None else self.root
            arguments = self._iife_arguments(scope)
            for position, param in enumerate(_named(node)):
                ident = param
                if param.type in ("required_parameter", "optional_parameter"):
                    ident = param.child_by_field_name("pattern") or param
                if ident.type == "assignment_pattern":
                    ident = ident.child_by_field_name("left") or ident
                if ident.type == "identifier":
                    if arguments is not None and position < len(arguments) and _text(ident) not in _JQUERY:
                        # ( function ( cfg ) { … } )( acmeSettings ): the parameter is the argument
                        self._declare(scope, _text(ident), -1, "value", arguments[position])
                    else:
                        self._declare(scope, _text(ident), -1, "param", ident)
        for node in captures.get("param", ()):
            self._declare(node.parent, _text(node), -1, "param", node)

    @staticmethod
    def _iife_arguments(function) -> list | None:
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
        return _named(args) if args is not None and args.type == "arguments" else None

    def _declare_at_use(self, name: str, node, kind: str, value) -> None:
        """An assignment ``x = …`` binds in the scope that declares ``x`` (else the file)."""
        scope = self._declaring_scope(name, node) or self.root
        self._declare(scope, name, node.start_byte, kind, value)

    def _declaring_scope(self, name: str, node):
        current = node
        while current is not None:
            if current.type in SCOPE_NODES and (current.id, name) in self.decls:
                return current
            current = current.parent
        return None

    @staticmethod
    def _required_module(value) -> tuple[str, tuple[str, ...]] | None:
        if value.type != "call_expression":
            return None
        fn, args = value.child_by_field_name("function"), value.child_by_field_name("arguments")
        if fn is None or _text(fn) != "require" or args is None:
            return None
        named = _named(args)
        module = _string_value(named[0]) if named else None
        return _MODULES.get(module or "")

    def binding(self, name: str, use) -> tuple[tuple[int, str], tuple[int, str, object, object]] | None:
        """The declaration ``name`` refers to at ``use``: innermost scope first, then the binding written
        last before the use (or the first one, for a use before any, e.g. in a callback)."""
        scope = self._declaring_scope(name, use)
        if scope is None:
            return None
        key = (scope.id, name)
        entries = self.decls[key]
        before = [e for e in entries if e[0] < use.start_byte]
        return key, (before[-1] if before else entries[0])

    def collect_mutations(self, calls, assigns) -> None:
        for node in calls:
            fn = node.child_by_field_name("function")
            if fn is None or fn.type != "member_expression":
                continue
            obj = fn.child_by_field_name("object")
            if obj is not None and obj.type == "identifier":
                found = self.binding(_text(obj), node)
                if found is not None:
                    self.member_calls.setdefault(found[0], []).append(node)
        for node in assigns:
            left = node.child_by_field_name("left")
            base = left
            while base is not None and base.type in ("member_expression", "subscript_expression"):
                base = base.child_by_field_name("object")
            if base is not None and base is not left and base.type == "identifier":
                found = self.binding(_text(base), node)
                if found is not None:
                    self.member_assigns.setdefault(found[0], []).append(node)

    # --- values ---------------------------------------------------------------------------------

    def value(self, node, depth: int = 0) -> ir.JExpr:
        if node is None:
            return ir.Unknown(self.span(self.root), "nothing")
        if depth > MAX_DEPTH:
            self.too_deep = True
            return ir.Unknown(self.span(node), "too deep")
        if node.id in self.active:
            return ir.Unknown(self.span(node), "cycle")
        memo = self.memo.get(node.id)
        if memo is not None:
            return memo
        self.active.add(node.id)
        try:
            result = self._value(node, depth + 1)
        finally:
            self.active.discard(node.id)
        self.memo[node.id] = result
        if isinstance(result, (ir.Ref, ir.DataAttr, ir.StorageRead)):
            self.reads.append(result)
        return result

    def _value(self, node, depth: int) -> ir.JExpr:
        span = self.span(node)
        kind = node.type
        if kind in _WRAPPERS:
            inner = _named(node)
            return self.value(inner[0], depth) if inner else ir.Unknown(span, kind)
        if kind == "string":
            return ir.Lit(span, _string_value(node))
        if kind == "template_string":
            parts: list[ir.JExpr] = []
            for child in node.children:
                if child.type == "string_fragment":
                    parts.append(ir.Lit(self.span(child), _text(child)))
                elif child.type == "template_substitution":
                    inner = _named(child)
                    parts.append(self.value(inner[0], depth) if inner else ir.Unknown(span, "empty substitution"))
            return ir.Concat(span, tuple(parts))
        if kind == "number":
            try:
                return ir.Lit(span, float(_text(node)))
            except ValueError:
                return ir.Unknown(span, "number")
        if kind in ("true", "false"):
            return ir.Lit(span, kind == "true")
        if kind in ("null", "undefined"):
            return ir.Lit(span, None)
        if kind == "identifier":
            return self._identifier(node, depth)
        if kind in ("member_expression", "subscript_expression"):
            return self._member(node, depth)
        if kind == "binary_expression":
            op = node.child_by_field_name("operator")
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            operator = _text(op) if op is not None else ""
            if operator == "+":
                parts = []
                for side in (left, right):
                    value = self.value(side, depth)
                    parts.extend(value.parts if isinstance(value, ir.Concat) else [value])
                return ir.Concat(span, tuple(parts))
            if operator in ("||", "??"):
                return self.value(left, depth)  # `Obj.nonce || ''`: the value that matters is the first
            return ir.Unknown(span, f"operator {operator}")
        if kind == "object":
            return self._object(node, depth, None)
        if kind in ("arrow_function", "function_expression", "function", "function_declaration"):
            return ir.Func(span, self._set_request_headers(node, depth))
        if kind == "call_expression":
            return self._call(node, depth)
        if kind == "new_expression":
            return self._new(node, depth)
        if kind == "assignment_expression":
            return self.value(node.child_by_field_name("right"), depth)
        return ir.Unknown(span, kind)

    def _identifier(self, node, depth: int) -> ir.JExpr:
        name = _text(node)
        span = self.span(node)
        if name == "undefined":
            return ir.Lit(span, None)
        found = self.binding(name, node)
        if found is None:
            if name in _JQUERY:
                return ir.Ref(span, "jQuery")
            return ir.Ref(span, name)
        key, (_, kind, target, extra) = found
        if kind == "param":
            if name in _JQUERY:  # (function( $ ) { … })( jQuery ), jQuery( function( $ ) { … } )
                return ir.Ref(span, "jQuery")
            if name in ("wp", "axios"):  # ( function( wp, axios ) { … } )( window.wp, window.axios )
                return ir.Ref(span, name)
            return ir.Unknown(span, f"parameter {name}")
        if kind == "import":
            root, path = extra
            return ir.Ref(span, root, path)
        if kind == "undefined":  # `declare const acme: Settings;` (TS) or `var acme;`: the global PHP prints
            return self._with_mutations(ir.Ref(span, name), key, depth)
        base = self.value(target, depth)
        if kind == "member":
            base = self._property(base, extra, span)
        return self._with_mutations(base, key, depth)

    def _with_mutations(self, base: ir.JExpr, key, depth: int) -> ir.JExpr:
        """Add what later code puts into the binding: ``fd.append( k, v )``, ``headers[ k ] = v``."""
        calls = self.member_calls.get(key, ())
        assigns = self.member_assigns.get(key, ())
        if not calls and not assigns:
            return base
        added: list[ir.Prop] = []
        for call in calls:
            fn = call.child_by_field_name("function")
            method = fn.child_by_field_name("property") if fn is not None else None
            if method is None or _text(method) not in ("append", "set"):
                continue
            args = _named(call.child_by_field_name("arguments"))
            if len(args) >= 2:
                added.append(ir.Prop(_string_value(args[0]), self.value(args[1], depth), self.span(call)))
        for assign in assigns:
            left = assign.child_by_field_name("left")
            if left is None or left.child_by_field_name("object") is None or left.child_by_field_name("object").type != "identifier":
                continue  # deeper writes (opts.headers.x = …) are not modelled
            added.append(ir.Prop(self._key_of(left), self.value(assign.child_by_field_name("right"), depth), self.span(assign)))
        if not added:
            return base
        if isinstance(base, ir.Obj):
            return ir.Obj(base.span, base.props + tuple(added), base.complete)
        if isinstance(base, ir.Form):
            return ir.Form(base.span, base.kind, base.source, base.fields + tuple(added))
        return base

    def _key_of(self, member) -> str | None:
        if member.type == "member_expression":
            prop = member.child_by_field_name("property")
            return _text(prop) if prop is not None else None
        index = member.child_by_field_name("index")
        return _string_value(index)

    def _property(self, base: ir.JExpr, key: str | None, span: Span) -> ir.JExpr:
        if isinstance(base, ir.Ref):
            if base.root in _GLOBAL_OBJECTS and not base.path and key is not None:
                return ir.Ref(span, "jQuery" if key in _JQUERY else key)
            return ir.Ref(span, base.root, (*base.path, key))
        if isinstance(base, ir.Obj):
            prop = base.get(key) if key is not None else None
            if prop is not None:
                return prop.value
            return ir.Unknown(span, f"no property {key}")
        if isinstance(base, ir.Element) and key == "dataset":
            return ir.CallV(span, "dataset", ())
        if isinstance(base, ir.StorageRead):  # JSON.parse( localStorage.getItem( k ) ).nonce: still the stored copy
            return base
        if isinstance(base, ir.CallV) and base.callee == "dataset" and key is not None:
            return ir.DataAttr(span, _kebab(key))
        return ir.Unknown(span, f"property {key} of an unknown value")

    def _member(self, node, depth: int) -> ir.JExpr:
        obj = node.child_by_field_name("object")
        key = self._key_of(node)
        if node.type == "member_expression" and key == "dataset":
            return ir.CallV(self.span(node), "dataset", ())
        if key is not None and obj is not None and obj.type == "member_expression":
            inner = obj.child_by_field_name("property")
            if inner is not None and _text(inner) == "dataset":  # el.dataset.restNonce, whatever el is
                return ir.DataAttr(self.span(node), _kebab(key))
        base = self.value(obj, depth)
        return self._property(base, key, self.span(node))

    def _object(self, node, depth: int, extra: tuple[ir.Prop, ...] | None) -> ir.Obj:
        props: list[ir.Prop] = []
        complete = True
        for child in _named(node):
            span = self.span(child)
            if child.type == "pair":
                key_node, value_node = child.child_by_field_name("key"), child.child_by_field_name("value")
                if key_node is None:
                    continue
                if key_node.type in ("property_identifier", "number"):
                    key = _text(key_node)
                elif key_node.type == "string":
                    key = _string_value(key_node)
                else:
                    key = None  # computed [ key ]
                    complete = False
                props.append(ir.Prop(key, self.value(value_node, depth), span))
            elif child.type == "shorthand_property_identifier":
                props.append(ir.Prop(_text(child), self._identifier(child, depth), span))
            elif child.type == "spread_element":
                inner = _named(child)
                value = self.value(inner[0], depth) if inner else ir.Unknown(span, "spread")
                if isinstance(value, ir.Obj):
                    props.extend(value.props)
                    complete = complete and value.complete
                else:
                    complete = False
            elif child.type == "method_definition":
                name = child.child_by_field_name("name")
                props.append(ir.Prop(_text(name) if name is not None else None, ir.Func(span, self._set_request_headers(child, depth)), span))
        return ir.Obj(self.span(node), tuple(props) + (extra or ()), complete)

    def _set_request_headers(self, fn, depth: int) -> tuple[ir.Prop, ...]:
        """``beforeSend: function( xhr ) { xhr.setRequestHeader( 'X-WP-Nonce', n ); }``."""
        params = fn.child_by_field_name("parameters") or fn.child_by_field_name("parameter")
        if params is None:
            return ()
        first = params if params.type == "identifier" else next(iter(_named(params)), None)
        if first is not None and first.type in ("required_parameter", "optional_parameter"):
            first = first.child_by_field_name("pattern")
        if first is None or first.type != "identifier":
            return ()
        name = _text(first)
        headers = []
        for call in self.calls_in(fn):
            callee = call.child_by_field_name("function")
            if callee is None or callee.type != "member_expression":
                continue
            obj, prop = callee.child_by_field_name("object"), callee.child_by_field_name("property")
            if obj is not None and _text(obj) == name and prop is not None and _text(prop) == "setRequestHeader":
                args = _named(call.child_by_field_name("arguments"))
                if len(args) >= 2:
                    headers.append(ir.Prop(_string_value(args[0]), self.value(args[1], depth), self.span(call)))
        return tuple(headers)

    def calls_in(self, node):
        """The calls inside ``node`` (calls are sorted by start byte: a bisect, not a scan of the file)."""
        first = bisect.bisect_left(self.call_starts, node.start_byte)
        last = bisect.bisect_left(self.call_starts, node.end_byte)
        return [c for c in self.all_calls[first:last] if c.end_byte <= node.end_byte]

    def callee(self, node, depth: int = 0) -> str | None:
        """The dotted name a call's function resolves to: ``jQuery.ajax``, ``wp.apiFetch``, ``axios.create``."""
        value = self.value(node, depth)
        if isinstance(value, ir.Ref):
            if any(p is None for p in value.path):
                return None
            return value.dotted
        return None

    def _call(self, node, depth: int) -> ir.JExpr:
        span = self.span(node)
        fn = node.child_by_field_name("function")
        while fn is not None and fn.type in ("await_expression", "parenthesized_expression", "non_null_expression") and _named(fn):
            fn = _named(fn)[0]
        args_node = node.child_by_field_name("arguments")
        args = _named(args_node) if args_node is not None and args_node.type == "arguments" else []
        if fn is None:
            return ir.Unknown(span, "call")
        if fn.type == "member_expression":
            method = _text(fn.child_by_field_name("property"))
            receiver = fn.child_by_field_name("object")
            if method == "getAttribute" and args:
                name = _string_value(args[0])
                if name and name.startswith("data-"):
                    return ir.DataAttr(span, name[5:])
            if method in ("data", "attr") and len(args) == 1:
                name = _string_value(args[0])
                if name:
                    if method == "data":
                        return ir.DataAttr(span, _kebab(name))
                    if name.startswith("data-"):
                        return ir.DataAttr(span, name[5:])
            if method in _PASS_THROUGH_METHODS and not args:
                return self.value(receiver, depth)
            if method == "serialize" and not args:
                return ir.Form(span, "serialize", self._element(receiver, depth), ())
            if method == "getItem":
                store = self.callee(receiver, depth)
                if store is not None and store in _STORAGES:
                    return ir.StorageRead(span, _STORAGES[store])
            if method in ("getElementById", "querySelector") and args:
                selector = _string_value(args[0])
                if selector is not None and method == "getElementById":
                    selector = "#" + selector
                return ir.Element(span, selector)
            if method in ("closest",) and args:
                return ir.Element(span, _string_value(args[0]))
        name = self.callee(fn, depth)
        if name is None:
            return ir.Unknown(span, "call of an unknown function")
        if name == "JSON.stringify" and args:
            return ir.Json(span, self.value(args[0], depth))
        if name == "JSON.parse" and args:
            parsed = self.value(args[0], depth)
            return parsed if isinstance(parsed, ir.StorageRead) else ir.Unknown(span, "JSON.parse")
        if name in _PASS_THROUGH and args:
            return self.value(args[0], depth)
        if name == "jQuery" and args:
            first = self.value(args[0], depth)
            if isinstance(first, ir.Lit) and isinstance(first.value, str):
                return ir.Element(span, first.value)
            if isinstance(first, ir.Element):
                return first
            return ir.Element(span, None)
        return ir.CallV(span, name, tuple(self.value(a, depth) for a in args))

    def _element(self, node, depth: int) -> ir.JExpr | None:
        value = self.value(node, depth)
        return value if isinstance(value, ir.Element) else None

    def _new(self, node, depth: int) -> ir.JExpr:
        span = self.span(node)
        ctor = node.child_by_field_name("constructor")
        args_node = node.child_by_field_name("arguments")
        args = _named(args_node) if args_node is not None else []
        name = self.callee(ctor, depth) if ctor is not None else None
        if name == "FormData":
            source = self.value(args[0], depth) if args else None
            if source is not None and not isinstance(source, ir.Element):
                source = ir.Element(source.span, None) if not isinstance(source, ir.Lit) else None
            return ir.Form(span, "formdata", source, ())
        if name == "URLSearchParams":
            init = self.value(args[0], depth) if args else None
            fields = init.props if isinstance(init, ir.Obj) else ()
            if isinstance(init, ir.Form):
                return ir.Form(span, "urlsearchparams", init.source, init.fields)
            return ir.Form(span, "urlsearchparams", None, fields)
        if name == "Headers":
            init = self.value(args[0], depth) if args else None
            return init if isinstance(init, ir.Obj) else ir.Obj(span, (), init is None)
        if name is None:
            return ir.Unknown(span, "new of an unknown class")
        return ir.CallV(span, "new " + name, tuple(self.value(a, depth) for a in args))

    # --- facts ------------------------------------------------------------------------------------

    def run(self) -> ir.JsFacts:
        captured = queries.load(self.language, "requests").captures(self.root)
        calls = sorted(captured.get("call", ()), key=lambda n: n.start_byte)
        assigns = sorted(captured.get("assign", ()), key=lambda n: n.start_byte)
        news = sorted(captured.get("new", ()), key=lambda n: n.start_byte)
        self.all_calls = calls
        self.call_starts = [c.start_byte for c in calls]
        self.assigns = assigns
        self.collect_bindings()
        self.collect_mutations(calls, assigns)
        from analyzer.js.requests import RequestBuilder

        builder = RequestBuilder(self)
        for node in calls:
            builder.call(node)
        for node in assigns:
            builder.assignment(node)
        for node in news:
            builder.construction(node)
        from analyzer import suppressions

        return ir.JsFacts(
            path=self.source.path,
            requests=tuple(builder.requests),
            defaults=tuple(builder.defaults),
            middlewares=tuple(builder.middlewares),
            storage_writes=tuple(builder.storage_writes),
            reads=tuple(self.reads),
            too_deep=self.too_deep,
            suppressions=tuple(suppressions.from_tree(self.source, self.root, self.language)),
        )


def extract(source: SourceFile, tree, language: str) -> ir.JsFacts:
    """All JS facts of one parsed file."""
    return _FileExtractor(source, tree.root_node, language).run()


def parse(source: SourceFile, language: str) -> ir.JsFacts:
    tree = languages.parser(language).parse(source.data)
    return extract(source, tree, language)
