"""Functions, methods, classes and ``this`` in one JS file: what a call returns, what a parameter holds, and
what ``this.x`` is.

- A call of a function the file defines (a declaration, a function or arrow value, an object-literal method,
  a class method, a getter read as a property) evaluates to what its ``return`` statements return — every
  one of them, as an :class:`~analyzer.js.ir.Alt` when they differ.
- A parameter holds what the function's call sites pass, when every call site is in this file and passes a
  known value; a function that escapes (passed as a callback, exported, mentioned anywhere but at a call)
  has call sites we cannot see, and its parameters stay :class:`~analyzer.js.ir.Unknown`.
- ``this`` is the object literal or class instance a method belongs to (arrow functions see through);
  a property it does not have may be one a framework installs on every component
  (``Vue.prototype.$http = …``, ``app.config.globalProperties.$http = …``), else it is left as
  ``Ref( 'this', ( name, ) )`` for the plugin model to look up among the installs of other files.
"""

from __future__ import annotations

import re
from collections import Counter

from analyzer.js import ir
from analyzer.js.bindings import named, string_value, text
from analyzer.js.scopes import FUNCTION_NODES
from analyzer.source import Span

_NESTED = FUNCTION_NODES | {"class_declaration", "class"}


def _is_static(member) -> bool:
    return any(c.type == "static" for c in member.children)


class Functions:
    def __init__(self, extractor) -> None:
        self.x = extractor
        self.nodes: dict[Span, object] = {}  # Func span -> its node
        self.classes: dict[Span, object] = {}  # class value span -> its node
        self._returns: dict[int, ir.JExpr] = {}
        self._sites: dict[int, list | None] = {}
        self._instances: dict[int, ir.Obj] = {}
        self._owners: dict[Span, object] = {}  # the value of a `this` -> the object literal or class it is
        self._building: set[int] = set()
        self._words: Counter | None = None
        self._by_name: dict[str, list] | None = None

    # --- function values and returns ------------------------------------------------------------

    def func(self, node, depth: int) -> ir.Func:
        span = self.x.span(node)
        self.nodes[span] = node
        getter = node.type == "method_definition" and any(c.type == "get" for c in node.children)
        return ir.Func(span, self.set_request_headers(node, depth), getter)

    def returns_of(self, value: ir.JExpr, depth: int) -> ir.JExpr:
        """What calling ``value`` returns (a Func, or an Alt of Funcs)."""
        if isinstance(value, ir.Alt):
            from analyzer.js.values import alt

            return alt(value.span, [self.returns_of(v, depth) for v in value.options], value.fallback)
        node = self.nodes.get(value.span) if isinstance(value, ir.Func) else None
        if node is None:
            return ir.Unknown(value.span, "call of an unknown function")
        return self.returns(node, depth)

    def returns(self, node, depth: int) -> ir.JExpr:
        known = self._returns.get(node.id)
        if known is not None:
            return known
        span = self.x.span(node)
        self._returns[node.id] = ir.Unknown(span, "recursive call")
        body = node.child_by_field_name("body")
        if body is None:
            result: ir.JExpr = ir.Unknown(span, "no body")
        elif body.type != "statement_block":  # ( x ) => expression
            result = self.x.value(body, depth)
        else:
            values = [self.x.value(named(r)[0], depth) for r in _returns(body) if named(r)]
            if not values:
                result = ir.Unknown(span, "returns nothing")
            else:
                from analyzer.js.values import alt

                result = alt(span, values)
        self._returns[node.id] = result
        return result

    # --- parameters -----------------------------------------------------------------------------

    def parameter(self, name: str, span: Span, extra, depth: int) -> ir.JExpr:
        function, position, default, member = extra
        sites = self.call_sites(function, depth)
        if not sites:
            return ir.Unknown(span, f"parameter {name}")
        values = []
        for call in sites:
            args_node = call.child_by_field_name("arguments")
            args = named(args_node) if args_node is not None else []
            if any(a.type == "spread_element" for a in args[: position + 1]):
                return ir.Unknown(span, f"parameter {name}")
            if position < len(args):
                value = self.x.value(args[position], depth)
                if member is not None:
                    value = self.x.property(value, member, span, depth)
                    if isinstance(value, ir.Unknown) and default is not None:
                        value = self.x.value(default, depth)
            elif default is not None:
                value = self.x.value(default, depth)
            else:
                value = ir.Lit(span, None)
            if isinstance(value, ir.Unknown):
                return ir.Unknown(span, f"parameter {name}")
            values.append(value)
        from analyzer.js.values import alt

        return alt(span, values)

    def _name(self, function) -> str | None:
        if function.type in ("function_declaration", "generator_function_declaration", "method_definition"):
            name = function.child_by_field_name("name")
            return text(name) if name is not None else None
        parent = function.parent
        while parent is not None and parent.type == "parenthesized_expression":
            parent = parent.parent
        if parent is None:
            return None
        if parent.type == "variable_declarator":
            name = parent.child_by_field_name("name")
        elif parent.type == "assignment_expression":
            name = parent.child_by_field_name("left")
            if name is not None and name.type == "member_expression":
                name = name.child_by_field_name("property")
        elif parent.type == "pair":
            name = parent.child_by_field_name("key")
            return string_value(name) if name is not None and name.type == "string" else (text(name) if name is not None else None)
        elif parent.type in ("field_definition", "public_field_definition"):
            name = parent.child_by_field_name("property") or parent.child_by_field_name("name")
        else:
            return None
        return text(name) if name is not None and name.type in ("identifier", "property_identifier") else None

    def call_sites(self, function, depth: int) -> list | None:
        """Every call of ``function`` in this file (``new C( … )`` for a constructor), or None when it may be
        called from elsewhere."""
        if function.id in self._sites:
            return self._sites[function.id]
        self._sites[function.id] = None
        if function.type == "method_definition" and self._name(function) == "constructor":
            sites = self._constructions(function, depth)
            self._sites[function.id] = sites
            return sites
        name = self._name(function)
        if name is None or _exported(function):
            return None
        span = self.x.span(function)
        sites = []
        # Anything else that mentions the name (a callback argument, an export list, a comment) may call it.
        # A method is mentioned as `.name`; a function by its bare name (once where it is declared).
        member = function.type == "method_definition" or (function.parent is not None and function.parent.type in ("pair", "field_definition", "public_field_definition"))
        candidates = self._calls_named().get(name, [])
        if not candidates or self._mentions(name, member) > len(candidates):
            return None
        for call in candidates:
            fn = call.child_by_field_name("function")
            value = self.x.value(fn, depth)
            if isinstance(value, ir.Func) and value.span == span:
                sites.append(call)
        if not sites or self._mentions(name, member) > len(sites):
            return None
        self._sites[function.id] = sites
        return sites

    def _mentions(self, name: str, member: bool) -> int:
        """Mentions of a function's name that are not its declaration."""
        return self._mention_count(name, True) if member else self._mention_count(name) - 1

    def _constructions(self, constructor, depth: int) -> list | None:
        """``new C( … )`` of the class whose constructor this is, when every one is in this file."""
        cls = constructor.parent.parent if constructor.parent is not None else None
        if cls is None or cls.type not in ("class_declaration", "class") or _exported(cls):
            return None
        name_node = cls.child_by_field_name("name")
        if name_node is None and cls.parent is not None and cls.parent.type == "variable_declarator":
            name_node = cls.parent.child_by_field_name("name")
        if name_node is None:
            return None
        name = text(name_node)
        sites = []
        for node in self.x.all_news:
            ctor = node.child_by_field_name("constructor")
            if ctor is None or text(ctor) != name:
                continue
            value = self.x.value(ctor, depth)
            if isinstance(value, ir.Obj) and self.classes.get(value.span) is not None and self.classes[value.span].id == cls.id:
                sites.append(node)
        if not sites or self._mention_count(name) - 1 > len(sites):
            return None
        return sites

    def _calls_named(self) -> dict[str, list]:
        """The file's calls by the last name of their callee (``f( … )``, ``this.f( … )``, ``obj.f( … )``)."""
        if self._by_name is None:
            self._by_name = {}
            for call in self.x.all_calls:
                fn = call.child_by_field_name("function")
                last = fn.child_by_field_name("property") if fn is not None and fn.type == "member_expression" else fn
                if last is not None and last.type in ("identifier", "property_identifier"):
                    self._by_name.setdefault(text(last), []).append(call)
        return self._by_name

    def _mention_count(self, name: str, member: bool = False) -> int:
        """How often ``name`` occurs in the file as a plain word (``member``: after a dot, ``x.name``), in code,
        strings and comments alike: every mention may be a use the call sites do not account for."""
        if self._words is None:
            data = self.x.source.data
            # Every word, then those written after a dot (words never contain a dot, so no word is counted
            # twice); counted in C, since bundles hold hundreds of thousands of words.
            dotted: Counter = Counter(_DOTTED_WORD.findall(data))
            plain: Counter = Counter(_WORD.findall(data))
            plain.subtract(dotted)
            # `get x() {}`, `static x`, `async x()`: the keyword is not a mention of a method named so
            for match in _KEYWORD_BEFORE_NAME.finditer(data):
                if data[match.start() - 1 : match.start()] not in (b"$", b"."):
                    plain[match.group(1)] -= 1
            self._words = (plain, dotted)
        return self._words[1 if member else 0][name.encode()]

    # --- this and classes -----------------------------------------------------------------------

    def _owner(self, node):
        """The object literal or class whose ``this`` a node sees (arrow functions see through), else None."""
        current = node.parent
        while current is not None:
            if current.type == "method_definition":
                owner = current.parent
                if owner is not None and owner.type == "class_body":
                    return owner.parent
                return owner if owner is not None and owner.type == "object" else None
            if current.type in ("function_expression", "function", "generator_function"):
                holder = current.parent
                if holder is not None and holder.type == "pair" and holder.parent is not None and holder.parent.type == "object":
                    return holder.parent
                return None
            if current.type in ("function_declaration", "generator_function_declaration"):
                return None
            if current.type in ("field_definition", "public_field_definition") and current.parent is not None:
                return current.parent.parent
            current = current.parent
        return None

    def this(self, node, depth: int) -> ir.JExpr:
        span = self.x.span(node)
        owner = self._owner(node)
        if owner is None:
            return ir.Ref(span, "this") if node.parent is not None else ir.Unknown(span, "this")
        value = self.x.value(owner, depth) if owner.type == "object" else self.instance(owner, depth)
        self._owners[value.span] = owner
        return value

    def this_property(self, base: ir.JExpr, key: str, span: Span, depth: int) -> ir.JExpr:
        """``this.key``: the method's own object (its property, or any ``this.key = …`` its methods write),
        else a property a framework installs, else a Ref."""
        from analyzer.js.values import alt

        options: list[ir.JExpr] = []
        if isinstance(base, ir.Obj):
            prop = base.get(key)
            if prop is not None:
                options.append(self.returns_of(prop.value, depth) if isinstance(prop.value, ir.Func) and prop.value.getter else prop.value)
            owner = self._owners.get(base.span)
            if owner is not None:
                for assign in self.x.assigns:
                    if not (owner.start_byte <= assign.start_byte < owner.end_byte):
                        continue
                    left = assign.child_by_field_name("left")
                    obj = left.child_by_field_name("object") if left is not None and left.type == "member_expression" else None
                    if obj is not None and obj.type == "this" and self.x.key_of(left) == key and self._owner(obj) is not None and self._owner(obj).id == owner.id:
                        options.append(self.x.value(assign.child_by_field_name("right"), depth))
        known = [o for o in options if not (isinstance(o, ir.Lit) and o.value is None)]  # `instance: null` until set
        if known or options:
            return alt(span, known or options)
        installed = self.x.installs.get(key)
        if installed:
            return alt(span, [self.x.value(v, depth) for v in installed])
        if isinstance(base, (ir.Obj, ir.Ref)):
            return ir.Ref(span, "this", (key,))
        return ir.Unknown(span, f"this.{key}")

    def statics(self, node, depth: int) -> ir.Obj:
        span = self.x.span(node)
        self.classes[span] = node
        return self._members(node, depth, static=True, span=span)

    def instance(self, node, depth: int) -> ir.Obj:
        known = self._instances.get(node.id)
        if known is not None:
            return known
        span = self.x.span(node)
        if node.id in self._building:
            return ir.Obj(span, (), False)
        self._building.add(node.id)
        try:
            result = self._members(node, depth, static=False, span=span)
        finally:
            self._building.discard(node.id)
        self._instances[node.id] = result
        return result

    def _members(self, node, depth: int, static: bool, span: Span) -> ir.Obj:
        body = node.child_by_field_name("body")
        props: list[ir.Prop] = []
        heritage = any(c.type == "class_heritage" for c in node.children)
        for member in named(body) if body is not None else []:
            if _is_static(member) != static:
                continue
            if member.type == "method_definition":
                name = member.child_by_field_name("name")
                if name is None:
                    continue
                if text(name) == "constructor":
                    props += self._constructor_fields(member, depth)
                    continue
                props.append(ir.Prop(text(name), self.func(member, depth), self.x.span(member)))
            elif member.type in ("field_definition", "public_field_definition"):
                name = member.child_by_field_name("property") or member.child_by_field_name("name")
                value = member.child_by_field_name("value")
                if name is not None:
                    props.append(ir.Prop(text(name), self.x.value(value, depth) if value is not None else ir.Lit(self.x.span(member), None), self.x.span(member)))
        return ir.Obj(span, tuple(props), not heritage)

    def _constructor_fields(self, method, depth: int) -> list[ir.Prop]:
        """``this.client = axios.create( … )`` in a constructor."""
        props = []
        for assign in self.x.assigns:
            if not (method.start_byte <= assign.start_byte < method.end_byte):
                continue
            left = assign.child_by_field_name("left")
            obj = left.child_by_field_name("object") if left is not None and left.type == "member_expression" else None
            if obj is not None and obj.type == "this":
                props.append(ir.Prop(self.x.key_of(left), self.x.value(assign.child_by_field_name("right"), depth), self.x.span(assign)))
        return props

    # --- jQuery beforeSend ----------------------------------------------------------------------

    def set_request_headers(self, fn, depth: int) -> tuple[ir.Prop, ...]:
        """``beforeSend: function( xhr ) { xhr.setRequestHeader( 'X-WP-Nonce', n ); }``."""
        params = fn.child_by_field_name("parameters") or fn.child_by_field_name("parameter")
        if params is None:
            return ()
        first = params if params.type == "identifier" else next(iter(named(params)), None)
        if first is not None and first.type in ("required_parameter", "optional_parameter"):
            first = first.child_by_field_name("pattern")
        if first is None or first.type != "identifier":
            return ()
        name = text(first)
        headers = []
        for call in self.x.calls_in(fn):
            callee = call.child_by_field_name("function")
            if callee is None or callee.type != "member_expression":
                continue
            obj, prop = callee.child_by_field_name("object"), callee.child_by_field_name("property")
            if obj is not None and text(obj) == name and prop is not None and text(prop) == "setRequestHeader":
                args = named(call.child_by_field_name("arguments"))
                if len(args) >= 2:
                    headers.append(ir.Prop(string_value(args[0]), self.x.value(args[1], depth), self.x.span(call)))
        return tuple(headers)


def _returns(body) -> list:
    """The return statements of a function body, not those of functions nested in it."""
    found = []
    stack = [body]
    while stack:
        node = stack.pop()
        if node.type == "return_statement":
            found.append(node)
            continue
        for child in node.named_children:
            if child.type not in _NESTED:
                stack.append(child)
    found.sort(key=lambda n: n.start_byte)
    return found


def _exported(node) -> bool:
    current = node
    while current is not None:
        if current.type == "export_statement":
            return True
        current = current.parent
    return False


_WORD = re.compile(rb"[A-Za-z_$][\w$]*")
_DOTTED_WORD = re.compile(rb"\.\s*([A-Za-z_$][\w$]*)")
_KEYWORD_BEFORE_NAME = re.compile(rb"\b(get|set|static|async)\s+[\w$#\[*]")
