"""What a JS expression evaluates to, as an :mod:`analyzer.js.ir` value.

A name takes the value of every assignment that reaches it (:mod:`analyzer.js.scopes`); several become an
:class:`~analyzer.js.ir.Alt`. Objects, ``FormData``, ``URLSearchParams``, ``Headers`` and URLs pick up what
later code adds to the same binding (:mod:`analyzer.js.mutations`). Calls are evaluated in :mod:`analyzer.js.calls`; functions, methods,
classes and ``this`` in :mod:`analyzer.js.functions`. A global that is never declared in the file is a
:class:`~analyzer.js.ir.Ref` for the plugin model to join with what PHP prints; anything else not known is
:class:`~analyzer.js.ir.Unknown`.
"""

from __future__ import annotations

import bisect
import re

from analyzer.js import calls, ir, mutations
from analyzer.js.bindings import JQUERY, named, string_value, text, unescape
from analyzer.js.functions import Functions
from analyzer.js.scopes import Scopes
from analyzer.source import SourceFile, Span

MAX_DEPTH = 48  # resolution depth (nested expressions plus names followed) before giving up with Unknown
MAX_OPTIONS = 8  # an Alt with more possibilities than this is Unknown

_WRAPPERS = frozenset({"parenthesized_expression", "await_expression", "as_expression", "satisfies_expression", "non_null_expression", "type_assertion"})
GLOBAL_OBJECTS = frozenset({"window", "globalThis", "self"})
_CAMEL = re.compile(r"[A-Z]")
_PLACEHOLDER = re.compile(rb"_{3,}")


def kebab(name: str) -> str:
    """``dataset.restNonce`` reads ``data-rest-nonce``."""
    return _CAMEL.sub(lambda m: "-" + m.group(0).lower(), name)


def alt(span: Span, options, fallback: bool = False) -> ir.JExpr:
    """One value of several: nested alternatives flattened, duplicates dropped, a single one returned as is."""
    flat: list[ir.JExpr] = []
    for option in options:
        inner = option.options if isinstance(option, ir.Alt) and option.fallback == fallback else (option,)
        for value in inner:
            if value not in flat:
                flat.append(value)
    if len(flat) == 1:
        return flat[0]
    if len(flat) > MAX_OPTIONS:
        return ir.Unknown(span, "too many possibilities")
    return ir.Alt(span, tuple(flat), fallback)


class ValueExtractor:
    def __init__(self, source: SourceFile, root, language: str, placeholders: bool = False) -> None:
        self.source = source
        self.root = root
        self.language = language
        self.placeholders = placeholders  # the source is browser code masked out of a PHP file or an SFC
        self.scopes = Scopes(root)
        self.too_deep = False
        # declaration key -> calls made on the name (``fd.append(…)``), assignments to its members, URL searchParams
        self.member_calls: dict[tuple[int, str], list] = {}
        self.member_assigns: dict[tuple[int, str], list] = {}
        self.search_params: dict[tuple[int, str], list] = {}
        self.installs: dict[str, list] = {}  # Vue.prototype.$http = … : property name -> value nodes
        self.active: set[int] = set()
        self.memo: dict[int, ir.JExpr] = {}
        self.reads: list[ir.JExpr] = []
        self.all_calls: list = []
        self.all_news: list = []
        self.call_starts: list[int] = []
        self.assigns: list = []
        self.functions = Functions(self)

    def span(self, node) -> Span:
        return self.source.span_of(node)

    def span_bytes(self, start: int, end: int) -> Span:
        starts = self.source.line_starts()
        srow = bisect.bisect_right(starts, start) - 1
        erow = bisect.bisect_right(starts, end) - 1
        return self.source.span((srow, start - starts[srow]), (erow, end - starts[erow]))

    def binding(self, name: str, use):
        return self.scopes.binding(name, use)

    def calls_in(self, node):
        """The calls inside ``node`` (calls are sorted by start byte: a bisect, not a scan of the file)."""
        first = bisect.bisect_left(self.call_starts, node.start_byte)
        last = bisect.bisect_left(self.call_starts, node.end_byte)
        return [c for c in self.all_calls[first:last] if c.end_byte <= node.end_byte]

    # --- mutations of a binding (analyzer.js.mutations) ---------------------------------------

    def collect_mutations(self, calls_, assigns) -> None:
        mutations.collect(self, calls_, assigns)

    def with_mutations(self, base: ir.JExpr, key, depth: int) -> ir.JExpr:
        return mutations.apply(self, base, key, depth)

    def key_of(self, member) -> str | None:
        if member.type == "member_expression":
            prop = member.child_by_field_name("property")
            return text(prop) if prop is not None else None
        index = member.child_by_field_name("index")
        if index is not None and index.type == "number" and index.text.isdigit():
            return index.text.decode()
        return string_value(index)

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
        if isinstance(result, (ir.Ref, ir.DataAttr, ir.StorageRead, ir.Printed)):
            self.reads.append(result)
        return result

    def _value(self, node, depth: int) -> ir.JExpr:
        span = self.span(node)
        kind = node.type
        if kind in _WRAPPERS:
            inner = named(node)
            return self.value(inner[0], depth) if inner else ir.Unknown(span, kind)
        if kind == "string":
            return self._string(node, span)
        if kind == "template_string":
            parts: list[ir.JExpr] = []
            for child in node.children:
                if child.type == "string_fragment":
                    parts.extend(self._fragment(child))
                elif child.type == "template_substitution":
                    inner = named(child)
                    parts.append(self.value(inner[0], depth) if inner else ir.Unknown(span, "empty substitution"))
            return ir.Concat(span, tuple(parts))
        if kind == "number":
            try:
                return ir.Lit(span, float(text(node)))
            except ValueError:
                return ir.Unknown(span, "number")
        if kind in ("true", "false"):
            return ir.Lit(span, kind == "true")
        if kind in ("null", "undefined"):
            return ir.Lit(span, None)
        if kind == "identifier":
            return self._identifier(node, depth)
        if kind == "this":
            return self.functions.this(node, depth)
        if kind in ("member_expression", "subscript_expression"):
            return self._member(node, depth)
        if kind == "binary_expression":
            return self._binary(node, span, depth)
        if kind == "ternary_expression":
            return alt(span, [self.value(node.child_by_field_name("consequence"), depth), self.value(node.child_by_field_name("alternative"), depth)])
        if kind == "object":
            return self._object(node, depth)
        if kind == "array":  # [ a, b ][ 0 ]: an object with numeric keys
            items = named(node)
            props = tuple(ir.Prop(str(i), self.value(item, depth), self.span(item)) for i, item in enumerate(items) if item.type != "spread_element")
            return ir.Obj(span, props, all(item.type != "spread_element" for item in items))
        if kind in ("arrow_function", "function_expression", "function", "function_declaration", "generator_function", "generator_function_declaration"):
            return self.functions.func(node, depth)
        if kind in ("class_declaration", "class"):
            return self.functions.statics(node, depth)
        if kind == "call_expression":
            return calls.call_value(self, node, depth)
        if kind == "new_expression":
            return calls.new_value(self, node, depth)
        if kind == "assignment_expression":
            return self.value(node.child_by_field_name("right"), depth)
        if kind == "sequence_expression":
            inner = named(node)
            return self.value(inner[-1], depth) if inner else ir.Unknown(span, kind)
        return ir.Unknown(span, kind)

    def _binary(self, node, span: Span, depth: int) -> ir.JExpr:
        op = node.child_by_field_name("operator")
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        operator = text(op) if op is not None else ""
        if operator == "+":
            parts = []
            for side in (left, right):
                value = self.value(side, depth)
                parts.extend(value.parts if isinstance(value, ir.Concat) else [value])
            return ir.Concat(span, tuple(parts))
        if operator in ("||", "??"):  # `Obj.root || '/wp-json/'`: the second only when the first is empty
            return alt(span, [self.value(left, depth), self.value(right, depth)], fallback=True)
        if operator == "&&":  # `cfg && cfg.nonce`: the value that matters is the second
            return self.value(right, depth)
        return ir.Unknown(span, f"operator {operator}")

    def _string(self, node, span: Span) -> ir.JExpr:
        if self.placeholders and _PLACEHOLDER.search(node.text):
            parts = []
            for child in node.named_children:
                if child.type == "string_fragment":
                    parts.extend(self._fragment(child))
                else:  # an escape sequence
                    parts.append(ir.Lit(self.span(child), unescape(child.text)))
            parts = [p for p in parts if not (isinstance(p, ir.Lit) and p.value == "")]  # a line continuation
            if len(parts) == 1:  # '<?php echo $x ?>': the printed value itself
                return ir.Lit(span, parts[0].value) if isinstance(parts[0], ir.Lit) else parts[0]
            return ir.Concat(span, tuple(parts))
        return ir.Lit(span, string_value(node))

    def _fragment(self, node) -> list[ir.JExpr]:
        """A string fragment; in masked browser code, a run of underscores is where PHP prints a value and
        becomes :class:`~analyzer.js.ir.Printed` at that exact position."""
        raw = node.text
        if not self.placeholders or not _PLACEHOLDER.search(raw):
            return [ir.Lit(self.span(node), text(node))]
        parts: list[ir.JExpr] = []
        at = 0
        for match in _PLACEHOLDER.finditer(raw):
            if match.start() > at:
                parts.append(ir.Lit(self.span_bytes(node.start_byte + at, node.start_byte + match.start()), raw[at : match.start()].decode("utf-8", "replace")))
            at = self.span_bytes(node.start_byte + match.start(), node.start_byte + match.end())
            parts.append(ir.Printed(at, at))
            at = match.end()
        if at < len(raw):
            parts.append(ir.Lit(self.span_bytes(node.start_byte + at, node.end_byte), raw[at:].decode("utf-8", "replace")))
        return parts

    def _identifier(self, node, depth: int) -> ir.JExpr:
        name = text(node)
        span = self.span(node)
        if name == "undefined":
            return ir.Lit(span, None)
        if self.placeholders and _PLACEHOLDER.fullmatch(node.text):  # var acme = <?php echo wp_json_encode( … ) ?>;
            return ir.Printed(span, span)
        found = self.scopes.reaching(name, node)
        if found is None:
            if name in JQUERY:
                return ir.Ref(span, "jQuery")
            return ir.Ref(span, name)
        key, bindings = found
        values = [self._bound(name, span, key, b, depth) for b in bindings]
        return alt(span, values)

    def _bound(self, name: str, span: Span, key, binding, depth: int) -> ir.JExpr:
        kind, target, extra = binding.kind, binding.node, binding.extra
        if kind == "param":
            if name in JQUERY:  # (function( $ ) { … })( jQuery ), jQuery( function( $ ) { … } )
                return ir.Ref(span, "jQuery")
            if name in ("wp", "axios"):  # ( function( wp, axios ) { … } )( window.wp, window.axios )
                return ir.Ref(span, name)
            return self.with_mutations(self.functions.parameter(name, span, extra, depth), key, depth)
        if kind == "unknown":
            return ir.Unknown(span, f"{name} is not followed")
        if kind == "import":
            if extra[0] == "global":
                return ir.Ref(span, extra[1], extra[2])
            return ir.Import(span, extra[1], extra[2])
        if kind == "undefined":  # `declare const acme: Settings;` (TS) or `var acme;`: the global PHP prints
            return self.with_mutations(ir.Ref(span, name), key, depth)
        if kind == "augment":  # x += y: what x held before, then y
            before = self.value(extra, depth)
            parts = [*(before.parts if isinstance(before, ir.Concat) else [before]), self.value(target, depth)]
            return ir.Concat(span, tuple(parts))
        base = self.value(target, depth)
        if kind == "member":
            base = self.property(base, extra, span, depth)
        return self.with_mutations(base, key, depth)

    def property(self, base: ir.JExpr, key: str | None, span: Span, depth: int) -> ir.JExpr:
        if isinstance(base, ir.Alt):
            return alt(span, [self.property(o, key, span, depth) for o in base.options], base.fallback)
        if isinstance(base, ir.Ref):
            if base.root in GLOBAL_OBJECTS and not base.path and key is not None:
                return ir.Ref(span, "jQuery" if key in JQUERY else key)
            return ir.Ref(span, base.root, (*base.path, key))
        if isinstance(base, ir.Import):
            return ir.Import(span, base.module, base.name, (*base.path, key))
        if isinstance(base, ir.Printed):
            return ir.Printed(span, base.at, (*base.path, key))
        if isinstance(base, ir.Obj):
            prop = base.get(key) if key is not None else None
            if prop is not None:
                if isinstance(prop.value, ir.Func) and prop.value.getter:
                    return self.functions.returns_of(prop.value, depth)
                return prop.value
            return ir.Unknown(span, f"no property {key}")
        if isinstance(base, ir.Element) and key == "dataset":
            return ir.CallV(span, "dataset", ())
        if isinstance(base, ir.StorageRead):  # JSON.parse( localStorage.getItem( k ) ).nonce: still the stored copy
            return base
        if isinstance(base, ir.CallV) and base.callee == "dataset" and key is not None:
            return ir.DataAttr(span, kebab(key))
        if isinstance(base, (ir.Concat, ir.Lit)) and key == "href":  # new URL( … ).href
            return base
        return ir.Unknown(span, f"property {key} of an unknown value")

    def _member(self, node, depth: int) -> ir.JExpr:
        obj = node.child_by_field_name("object")
        key = self.key_of(node)
        span = self.span(node)
        if node.type == "member_expression" and key == "dataset":
            return ir.CallV(span, "dataset", ())
        if key is not None and obj is not None and obj.type == "member_expression":
            inner = obj.child_by_field_name("property")
            if inner is not None and text(inner) == "dataset":  # el.dataset.restNonce, whatever el is
                return ir.DataAttr(span, kebab(key))
        base = self.value(obj, depth)
        if obj is not None and obj.type == "this" and key is not None:
            return self.functions.this_property(base, key, span, depth)
        return self.property(base, key, span, depth)

    def _object(self, node, depth: int) -> ir.Obj:
        props: list[ir.Prop] = []
        complete = True
        for child in named(node):
            span = self.span(child)
            if child.type == "pair":
                key_node, value_node = child.child_by_field_name("key"), child.child_by_field_name("value")
                if key_node is None:
                    continue
                if key_node.type in ("property_identifier", "number"):
                    key = text(key_node)
                elif key_node.type == "string":
                    key = string_value(key_node)
                else:
                    key = None  # computed [ key ]
                    complete = False
                props.append(ir.Prop(key, self.value(value_node, depth), span))
            elif child.type == "shorthand_property_identifier":
                props.append(ir.Prop(text(child), self._identifier(child, depth), span))
            elif child.type == "spread_element":
                inner = named(child)
                value = self.value(inner[0], depth) if inner else ir.Unknown(span, "spread")
                if isinstance(value, ir.Obj):
                    props.extend(value.props)
                    complete = complete and value.complete
                else:
                    complete = False
            elif child.type == "method_definition":
                name = child.child_by_field_name("name")
                props.append(ir.Prop(text(name) if name is not None else None, self.functions.func(child, depth), span))
        return ir.Obj(self.span(node), tuple(props), complete)

    def callee(self, node, depth: int = 0) -> str | None:
        """The dotted name a call's function resolves to: ``jQuery.ajax``, ``wp.apiFetch``, ``axios.create``."""
        value = self.value(node, depth)
        if isinstance(value, ir.Alt) and value.fallback and isinstance(value.options[0], ir.Ref):
            value = value.options[0]  # ( window.wp || {} ).apiFetch: the global, when it is there
        if isinstance(value, ir.Alt):  # the same global on every branch
            names = {v.dotted for v in value.options if isinstance(v, ir.Ref) and None not in v.path}
            return names.pop() if len(names) == 1 and all(isinstance(v, ir.Ref) for v in value.options) else None
        if isinstance(value, ir.Ref):
            if any(p is None for p in value.path):
                return None
            return value.dotted
        return None
