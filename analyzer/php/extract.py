"""PHP fact extraction: run the ``queries/php`` queries on a tree and turn what they capture into IR.

The queries find the anchors (route registrations, auth-filter hooks, definitions, and what each function
body returns, calls and assigns); this module converts the captured nodes to :mod:`analyzer.php.ir`
values. Conversion is depth-capped, so pathological nesting yields ``Opaque`` rather than a
RecursionError.
"""

from __future__ import annotations

import re

from analyzer import queries, suppressions, wordpress
from analyzer.php import ir
from analyzer.source import SourceFile

MAX_DEPTH = 64  # expression nesting converted before giving up with Opaque (and reporting the file)

_INCLUDES = {
    "include_expression": "include",
    "include_once_expression": "include_once",
    "require_expression": "require",
    "require_once_expression": "require_once",
}
FUNCTION_NODES = frozenset({"function_definition", "method_declaration", "anonymous_function", "arrow_function"})
CLASS_NODES = frozenset({"class_declaration", "trait_declaration", "interface_declaration", "enum_declaration"})
# tree-sitter-php 0.25 cannot parse a class constant named NAMESPACE (``const NAMESPACE = 'acme/v1';``,
# common in REST controllers): the whole class turns into ERROR nodes. The parser is given a copy with the
# name replaced by a placeholder of the same length, so every offset and column stays true.
_CONST_NAMESPACE = re.compile(rb"(?i)(\bconst\s+)namespace\b")
NAMESPACE_PLACEHOLDER = "NAMESPAC_"


def parser_input(data: bytes) -> bytes:
    """The bytes to hand to tree-sitter for ``data`` (see _CONST_NAMESPACE)."""
    if b"onst" not in data and b"ONST" not in data:
        return data
    return _CONST_NAMESPACE.sub(lambda m: m.group(1) + NAMESPACE_PLACEHOLDER.encode(), data)




def _named(node) -> list:
    """Named children without comments: tree-sitter reports comments as named nodes anywhere."""
    return [child for child in node.named_children if child.type != "comment"]


def _text(node) -> str:
    return node.text.decode("utf-8", "replace")


def _strip_ns(name: str) -> str:
    return name.lstrip("\\")


class _FileExtractor:
    """State for extracting one file; discarded afterwards."""

    def __init__(self, source: SourceFile, root) -> None:
        self.source = source
        self.root = root
        self.ir_memo: dict[int, ir.Expr] = {}
        self.function_memo: dict[int, ir.FunctionFact] = {}
        self.buckets: dict[int | None, dict[str, list]] = {}
        self.namespaces: list[tuple[int, int | None, str]] = []  # (start, end if braced, name)
        self.file_scope: ir.FunctionFact | None = None
        self.aliases: dict[str, str] = {}  # lower-cased alias -> qualified name, from ``use`` statements
        self.nesting = 0  # current depth of expr()/function() recursion
        self.too_deep = False
        self.function_owner: dict[int, object] = {}  # function node id -> enclosing function node (or None)
        self.class_owner: dict[int, object] = {}  # function/class node id -> enclosing class node (or None)

    # --- context -------------------------------------------------------------------------------

    def namespace_at(self, offset: int) -> str:
        current = ""
        for start, end, name in self.namespaces:
            if end is not None:
                if start <= offset < end:
                    return name
            elif start <= offset:
                current = name
        return current

    def enclosing_function(self, node):
        """The nearest function-like node around ``node`` (from the sweep in _index_owners)."""
        if node.id in self.function_owner:
            return self.function_owner[node.id]
        return _innermost(self._functions, node)

    def enclosing_class(self, node):
        if node.id in self.class_owner:
            return self.class_owner[node.id]
        return _innermost(self._classes, node)

    def _index_owners(self, scopes: list, captured: list) -> None:
        """For every captured node, its innermost enclosing function and class, in one sweep over byte
        ranges (scopes nest, so a stack suffices). Walking parents per node is quadratic on deep input."""
        self._functions = sorted((n for n in scopes if n.type in FUNCTION_NODES), key=lambda n: (n.start_byte, -n.end_byte))
        self._classes = sorted((n for n in scopes if n.type in CLASS_NODES), key=lambda n: (n.start_byte, -n.end_byte))
        for owners, pool in ((self.function_owner, self._functions), (self.class_owner, self._classes)):
            events = sorted(
                [(n.start_byte, 0, -n.end_byte, i, n) for i, n in enumerate(pool)]
                + [(n.start_byte, 1, -n.end_byte, i, n) for i, n in enumerate(captured)],
                key=lambda e: e[:4],
            )
            stack: list = []
            for start, kind, _, _, node in events:
                while stack and stack[-1].end_byte <= start:
                    stack.pop()
                if kind == 0:
                    # a scope: its own owner is the scope around it
                    owner = next((s for s in reversed(stack) if s.id != node.id), None)
                    owners.setdefault(node.id, owner if owner is not None and owner.end_byte >= node.end_byte else None)
                    stack.append(node)
                else:
                    top = next((s for s in reversed(stack) if s.id != node.id and s.end_byte >= node.end_byte), None)
                    owners.setdefault(node.id, top)

    def qualify(self, name: str, offset: int) -> str:
        ns = self.namespace_at(offset)
        return f"{ns}\\{name}" if ns else name

    def class_name_of(self, node) -> str | None:
        cls = self.enclosing_class(node)
        if cls is None:
            return None
        name = cls.child_by_field_name("name")
        return self.qualify(_text(name), cls.start_byte) if name is not None else None

    # --- expressions -----------------------------------------------------------------------------

    def expr(self, node) -> ir.Expr:
        memo = self.ir_memo.get(node.id)
        if memo is not None:
            return memo
        # One budget for all nesting: expressions inside closures inside expressions… never recurse deeper
        # than MAX_DEPTH levels in total, whatever the input.
        if self.nesting > MAX_DEPTH:
            self.too_deep = True
            return ir.Opaque(self.source.span_of(node), "too-deep")
        self.nesting += 1
        try:
            result = self._expr(node)
        finally:
            self.nesting -= 1
        self.ir_memo[node.id] = result
        return result

    def _expr(self, node) -> ir.Expr:
        span = self.source.span_of(node)
        t = node.type
        if t == "parenthesized_expression":
            inner = _named(node)
            return self.expr(inner[0]) if inner else ir.Opaque(span, t)
        if t == "string":
            return ir.Lit(span, self._single_quoted(node))
        if t in ("encapsed_string", "heredoc"):
            return self._interpolated(node, span)
        if t == "nowdoc":
            body = next((c for c in _named(node) if c.type == "nowdoc_body"), None)
            return ir.Lit(span, _text(body).removeprefix("\n") if body is not None else "")
        if t == "integer":
            return self._number(node, span, int)
        if t == "float":
            return self._number(node, span, float)
        if t == "boolean":
            return ir.Lit(span, _text(node).lower() == "true")
        if t == "null":
            return ir.Lit(span, None)
        if t in ("name", "qualified_name"):
            name = _strip_ns(_text(node))
            low = name.lower()
            if low in ("true", "false"):
                return ir.Lit(span, low == "true")
            if low == "null":
                return ir.Lit(span, None)
            return ir.Const(span, name)
        if t == "array_creation_expression":
            return ir.Arr(span, tuple(self._array_items(node)))
        if t == "variable_name":
            return ir.Var(span, _text(node)[1:])
        if t == "dynamic_variable_name":
            # "${name}" inside a string is the variable $name (deprecated since PHP 8.2, still common).
            named = _named(node)
            if len(named) == 1 and named[0].type == "name":
                return ir.Var(span, _text(named[0]))
            return ir.Opaque(span, t)
        if t in ("member_access_expression", "nullsafe_member_access_expression"):
            obj, name = node.child_by_field_name("object"), node.child_by_field_name("name")
            if obj is None or name is None or name.type != "name":
                return ir.Opaque(span, t)
            return ir.Prop(span, self.expr(obj), _text(name))
        if t == "scoped_property_access_expression":
            scope, name = node.child_by_field_name("scope"), node.child_by_field_name("name")
            if scope is None or name is None or name.type != "variable_name":
                return ir.Opaque(span, t)
            return ir.StaticProp(span, self._scope(scope, node.start_byte), _text(name)[1:])
        if t == "class_constant_access_expression":
            named = _named(node)
            if len(named) != 2 or named[1].type != "name":
                return ir.Opaque(span, t)
            return ir.ClassConst(span, self._scope(named[0], node.start_byte), _const_name(_text(named[1])))
        if t == "subscript_expression":
            named = _named(node)
            if not named:
                return ir.Opaque(span, t)
            key = self.expr(named[1]) if len(named) > 1 else None
            return ir.Sub(span, self.expr(named[0]), key)
        if t == "binary_expression":
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            op = node.child_by_field_name("operator")
            op_text = _text(op) if op is not None else self._operator(node)
            if left is None or right is None:
                return ir.Opaque(span, t)
            if op_text == ".":
                return ir.Concat(span, self._concat_parts(node))
            return ir.Op(span, op_text.lower(), self.expr(left), self.expr(right))
        if t == "unary_op_expression":
            operand = node.child_by_field_name("argument") or (_named(node)[-1] if _named(node) else None)
            if operand is None:
                return ir.Opaque(span, t)
            return ir.Unary(span, self._operator(node), self.expr(operand))
        if t == "cast_expression":
            typ, value = node.child_by_field_name("type"), node.child_by_field_name("value")
            if typ is None or value is None:
                return ir.Opaque(span, t)
            return ir.Cast(span, _text(typ).lower(), self.expr(value))
        if t == "conditional_expression":
            cond = node.child_by_field_name("condition")
            body = node.child_by_field_name("body")
            alt = node.child_by_field_name("alternative")
            if cond is None or alt is None:
                return ir.Opaque(span, t)
            return ir.Ternary(span, self.expr(cond), self.expr(body) if body is not None else None, self.expr(alt))
        if t == "function_call_expression":
            fn = node.child_by_field_name("function")
            if fn is None or fn.type not in ("name", "qualified_name"):
                return ir.Opaque(span, t)
            return ir.Call(span, _strip_ns(_text(fn)), self._args(node.child_by_field_name("arguments")))
        if t in ("member_call_expression", "nullsafe_member_call_expression"):
            obj, name = node.child_by_field_name("object"), node.child_by_field_name("name")
            if obj is None or name is None or name.type != "name":
                return ir.Opaque(span, t)
            return ir.MethodCall(span, self.expr(obj), _text(name), self._args(node.child_by_field_name("arguments")))
        if t == "scoped_call_expression":
            scope, name = node.child_by_field_name("scope"), node.child_by_field_name("name")
            if scope is None or name is None or name.type != "name":
                return ir.Opaque(span, t)
            return ir.StaticCall(span, self._scope(scope, node.start_byte), _text(name), self._args(node.child_by_field_name("arguments")))
        if t == "object_creation_expression":
            cls = next((c for c in _named(node) if c.type in ("name", "qualified_name")), None)
            args = next((c for c in _named(node) if c.type == "arguments"), None)
            if cls is None:
                return ir.Opaque(span, t)
            return ir.New(span, self._class_ref(cls, node.start_byte), self._args(args))
        if t in ("anonymous_function", "arrow_function"):
            return ir.Closure(span, self.function(node))
        if t in _INCLUDES:
            operand = _named(node)
            return ir.Call(span, _INCLUDES[t], (ir.Arg(self.expr(operand[-1])),) if operand else ())
        if t == "unset_statement":
            return ir.Call(span, "unset", tuple(ir.Arg(self.expr(c)) for c in _named(node)))
        if t == "shell_command_expression":
            return ir.Call(span, "shell_exec", (ir.Arg(self._interpolated(node, span)),))
        return ir.Opaque(span, t)

    @staticmethod
    def _operator(node) -> str:
        for child in node.children:
            if not child.is_named:
                return _text(child)
        return "?"

    def _number(self, node, span, kind) -> ir.Expr:
        raw = _text(node).replace("_", "")
        try:
            if kind is int:
                if len(raw) > 1 and raw[0] == "0" and raw[1].isdigit():
                    return ir.Lit(span, int(raw, 8))
                return ir.Lit(span, int(raw, 0))
            return ir.Lit(span, float(raw))
        except ValueError:
            return ir.Opaque(span, node.type)

    @staticmethod
    def _single_quoted(node) -> str:
        raw = node.text
        start = raw.find(b"'")
        body = raw[start + 1 : -1] if start != -1 and raw.endswith(b"'") else raw
        return body.replace(b"\\\\", b"\x00").replace(b"\\'", b"'").replace(b"\x00", b"\\").decode("utf-8", "replace")

    def _interpolated(self, node, span) -> ir.Expr:
        holder = node
        if node.type == "heredoc":
            holder = next((c for c in _named(node) if c.type == "heredoc_body"), None)
            if holder is None:
                return ir.Lit(span, "")
        parts: list[ir.Expr] = []
        for child in _named(holder):
            if child.type == "string_content":
                parts.append(ir.Lit(self.source.span_of(child), _text(child)))
            elif child.type == "escape_sequence":
                parts.append(ir.Lit(self.source.span_of(child), _decode_escape(child.text)))
            elif child.type == "text_interpolation":
                continue
            else:
                parts.append(self.expr(child))
        if all(isinstance(p, ir.Lit) for p in parts):
            return ir.Lit(span, "".join(str(p.value) for p in parts))
        return ir.Concat(span, tuple(parts))

    def _concat_parts(self, node) -> tuple[ir.Expr, ...]:
        # Flatten left-nested '.' chains iteratively: a . b . c parses as ((a . b) . c).
        parts: list[ir.Expr] = []
        stack = [node]
        while stack:
            current = stack.pop()
            if current.type == "binary_expression" and self._binary_op(current) == ".":
                left, right = current.child_by_field_name("left"), current.child_by_field_name("right")
                stack.append(right)
                stack.append(left)
            else:
                parts.append(self.expr(current))
        return tuple(parts)

    def _binary_op(self, node) -> str:
        op = node.child_by_field_name("operator")
        return _text(op) if op is not None else self._operator(node)

    def _array_items(self, node):
        for element in _named(node):
            if element.type != "array_element_initializer":
                continue
            named = _named(element)
            if not named:
                continue
            if named[0].type == "variadic_unpacking":
                inner = _named(named[0])
                if inner:
                    yield ir.ArrItem(None, self.expr(inner[0]), spread=True)
                continue
            has_key = any(not c.is_named and c.type == "=>" for c in element.children)
            if has_key and len(named) >= 2:
                yield ir.ArrItem(self.expr(named[0]), self.expr(named[1]))
            else:
                yield ir.ArrItem(None, self.expr(named[-1]))

    def _args(self, node) -> tuple[ir.Arg, ...]:
        if node is None:
            return ()
        args: list[ir.Arg] = []
        for arg in _named(node):
            if arg.type == "variadic_placeholder":
                continue
            if arg.type == "variadic_unpacking":
                inner = _named(arg)
                if inner:
                    args.append(ir.Arg(self.expr(inner[0]), spread=True))
                continue
            if arg.type != "argument":
                continue
            name = arg.child_by_field_name("name")
            value_nodes = [c for c in _named(arg) if name is None or c.id != name.id]
            if not value_nodes:
                continue
            value = value_nodes[-1]
            if value.type == "variadic_unpacking":
                inner = _named(value)
                if inner:
                    args.append(ir.Arg(self.expr(inner[0]), spread=True))
                continue
            args.append(ir.Arg(self.expr(value), _text(name) if name is not None else None))
        return tuple(args)

    def _scope(self, node, offset: int) -> str:
        if node.type == "relative_scope":
            return _text(node).lower()
        if node.type in ("name", "qualified_name"):
            return self._class_ref(node, offset)
        return "?"

    def _class_ref(self, node, offset: int) -> str:
        raw = _text(node)
        low = raw.lower()
        if low in ("self", "static", "parent"):
            return low
        if raw.startswith("\\"):
            return raw[1:]
        first, _, rest = raw.partition("\\")
        alias = self.aliases.get(first.lower())
        if alias is not None:
            return alias + ("\\" + rest if rest else "")
        # Relative names are kept as written; the model falls back to short-name lookup.
        return raw

    # --- functions --------------------------------------------------------------------------------

    def function(self, node) -> ir.FunctionFact:
        memo = self.function_memo.get(node.id)
        if memo is not None:
            return memo
        self.nesting += 1
        try:
            fact = self._function(node)
        finally:
            self.nesting -= 1
        self.function_memo[node.id] = fact
        return fact

    def _bucket(self, key) -> dict[str, list]:
        return self.buckets.get(key, {})

    def _function(self, node) -> ir.FunctionFact:
        t = node.type
        kind = {"function_definition": "function", "method_declaration": "method", "anonymous_function": "closure", "arrow_function": "arrow"}[t]
        name_node = node.child_by_field_name("name")
        name = None
        if name_node is not None:
            name = _text(name_node)
            if kind == "function":
                name = self.qualify(name, node.start_byte)
        params = self._params(node.child_by_field_name("parameters"))
        body = node.child_by_field_name("body")
        bucket = self._bucket(node.id)
        returns = [
            ir.Return(self.expr(_named(r)[0]) if _named(r) else None, self.source.span_of(r), r.start_byte)
            for r in bucket.get("return", ())
        ]
        if kind == "arrow" and body is not None:
            returns = [ir.Return(self.expr(body), self.source.span_of(body), body.start_byte)]
        uses: list[str] = []
        for child in _named(node):
            if child.type == "anonymous_function_use_clause":
                uses.extend(_text(v)[1:] for v in _named(child) if v.type == "variable_name")
                uses.extend(_text(_named(v)[0])[1:] for v in _named(child) if v.type == "by_ref" and _named(v))
        parent_key = None
        if kind in ("closure", "arrow"):
            # A key, not the parent fact itself: the parent's facts contain this closure.
            parent_node = self.enclosing_function(node)
            parent_key = (self.source.path, parent_node.start_byte if parent_node is not None else -1)
        return ir.FunctionFact(
            kind=kind,
            name=name,
            class_name=self.class_name_of(node),
            namespace=self.namespace_at(node.start_byte),
            params=params,
            returns=tuple(returns),
            calls=self._calls(bucket),
            assignments=self._assignments(bucket),
            exits=bool(bucket.get("exit")) or bool(self._exit_calls(bucket)),
            exit_offsets=tuple(sorted([n.start_byte for n in bucket.get("exit", ())] + self._exit_calls(bucket))),
            guards=self._guards(bucket),
            tries=self._tries(bucket),
            creations=self._creations(bucket),
            compares=bool(bucket.get("compare")),
            uses=tuple(uses),
            span=self.source.span_of(node),
            body_offset=body.start_byte if body is not None else node.start_byte,
            key=(self.source.path, node.start_byte),
            parent_key=parent_key,
            statics=tuple(_text(n) for n in bucket.get("static", ())),
            dynamic_calls=self._dynamic_calls(bucket),
            loops=tuple(loop for loop in map(self._foreach, bucket.get("foreach", ())) if loop is not None),
        )

    def _params(self, node) -> tuple[ir.Param, ...]:
        if node is None:
            return ()
        params = []
        for p in _named(node):
            if p.type not in ("simple_parameter", "variadic_parameter", "property_promotion_parameter"):
                continue
            name = p.child_by_field_name("name")
            if name is None:
                continue
            default = p.child_by_field_name("default_value")
            params.append(ir.Param(_text(name).lstrip("&")[1:], self.expr(default) if default is not None else None, p.type == "variadic_parameter"))
        return tuple(params)

    def _calls(self, bucket) -> tuple[ir.CallSite, ...]:
        sites = []
        for node in bucket.get("call", ()):
            call = self.expr(node)
            if isinstance(call, (ir.Call, ir.MethodCall, ir.StaticCall)):
                sites.append(ir.CallSite(call, node.start_byte))
        return tuple(sites)

    def _dynamic_calls(self, bucket) -> tuple[ir.DynamicCall, ...]:
        """Calls (and ``new``) whose target is computed: ``$fn()``, ``$this->$m()``, ``new $class()``."""
        found = []
        for node in [*bucket.get("call", ()), *bucket.get("new", ())]:
            if not isinstance(self.expr(node), ir.Opaque):
                continue
            if node.type == "function_call_expression":
                callee = node.child_by_field_name("function")
            elif node.type == "object_creation_expression":
                callee = next((c for c in _named(node) if c.type not in ("arguments", "name", "qualified_name")), None)
            else:
                callee = node.child_by_field_name("name")
            args = node.child_by_field_name("arguments") or next((c for c in _named(node) if c.type == "arguments"), None)
            text = " ".join(_text(node).split())
            found.append(
                ir.DynamicCall(
                    text if len(text) <= 60 else text[:57] + "…",
                    self.source.span_of(node),
                    node.start_byte,
                    self._args(args),
                    self.expr(callee) if callee is not None and callee.type == "variable_name" else None,
                )
            )
        return tuple(found)

    @staticmethod
    def _exit_calls(bucket) -> list[int]:
        offsets = []
        for node in bucket.get("call", ()):
            fn = node.child_by_field_name("function")
            if fn is not None and _text(fn).lstrip("\\").lower() in wordpress.EXIT_FUNCTIONS:
                offsets.append(node.start_byte)
        return offsets

    def _creations(self, bucket) -> tuple[ir.Creation, ...]:
        found = []
        for node in bucket.get("new", ()):
            new = self.expr(node)
            if isinstance(new, ir.New):
                found.append(ir.Creation(new, node.start_byte))
        return tuple(found)

    @staticmethod
    def _tries(bucket) -> tuple[ir.TryCatch, ...]:
        found = []
        for node in bucket.get("try", ()):
            body = node.child_by_field_name("body")
            if body is None:
                continue
            catches = []
            for clause in _named(node):
                if clause.type == "catch_clause":
                    catch_body = clause.child_by_field_name("body")
                    if catch_body is not None:
                        catches.append((catch_body.start_byte, catch_body.end_byte))
            found.append(ir.TryCatch(body.start_byte, body.end_byte, tuple(catches)))
        return tuple(found)

    def _guards(self, bucket) -> tuple[ir.Guard, ...]:
        guards = []
        for node in bucket.get("if", ()):
            condition = node.child_by_field_name("condition")
            body = node.child_by_field_name("body")
            if condition is None or body is None:
                continue
            guards.append(ir.Guard(self.expr(condition), node.start_byte, body.start_byte, body.end_byte))
        return tuple(guards)

    def _assignments(self, bucket) -> tuple[ir.Assign, ...]:
        assigns = []
        for node in bucket.get("assign", ()):
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            if left is None or right is None:
                continue
            if left.type == "list_literal":  # list( $a, $b ) = $v / [ 'k' => $a ] = $v: each variable gets its element
                value = self.expr(right)
                for key, element in _list_targets(left):
                    target = self.expr(element)
                    if isinstance(target, (ir.Var, ir.Sub, ir.Prop)):
                        span = self.source.span_of(element)
                        key_expr = self.expr(key) if key is not None else ir.Lit(span, _list_index(left, element))
                        assigns.append(ir.Assign(target, ir.Sub(span, value, key_expr), node.start_byte))
                continue
            target = self.expr(left)
            if not isinstance(target, (ir.Var, ir.Sub, ir.Prop, ir.StaticProp)):
                continue
            value = self.expr(right)
            if node.type == "augmented_assignment_expression":
                # $a .= 'x' is $a = $a . 'x'; $a += [ … ] is an array union; others become opaque values.
                op = self._operator(node).rstrip("=")
                span = self.source.span_of(node)
                value = ir.Concat(span, (target, value)) if op == "." else ir.Op(span, op, target, value)
            assigns.append(ir.Assign(target, value, node.start_byte))
        return tuple(assigns)

    # --- the file ---------------------------------------------------------------------------------

    def run(self) -> ir.PhpFacts:
        root = self.root
        definitions: dict[str, list] = {}
        self.define_matches: list[dict[str, list]] = []
        for _, match in queries.load("php", "definitions").matches(root):
            for capture, nodes in match.items():
                definitions.setdefault(capture, []).extend(nodes)
            if "define" in match:
                self.define_matches.append(match)
        for ns in definitions.get("namespace", ()):
            name = ns.child_by_field_name("name")
            body = ns.child_by_field_name("body")
            self.namespaces.append((ns.start_byte, ns.end_byte if body is not None else None, _text(name) if name is not None else ""))
        self.namespaces.sort()
        for use in definitions.get("use", ()):
            for clause in _named(use):
                if clause.type != "namespace_use_clause":
                    continue
                names = [c for c in _named(clause) if c.type in ("name", "qualified_name")]
                alias = clause.child_by_field_name("alias")
                target = next((c for c in names if alias is None or c.id != alias.id), None)
                if target is not None:
                    qualified = _text(target).lstrip("\\")
                    short = _text(alias) if alias is not None else qualified.rsplit("\\", 1)[-1]
                    self.aliases[short.lower()] = qualified

        body_captures = queries.load("php", "bodies").captures(root)
        scopes = queries.load("php", "scopes").captures(root).get("scope", [])
        captured = [n for nodes in body_captures.values() for n in nodes]
        captured += [n for nodes in definitions.values() for n in nodes]
        self._index_owners(scopes, captured + scopes)
        for capture, nodes in body_captures.items():
            for node in nodes:
                owner = self.enclosing_function(node)
                self.buckets.setdefault(owner.id if owner is not None else None, {}).setdefault(capture, []).append(node)
        for bucket in self.buckets.values():
            for nodes in bucket.values():
                nodes.sort(key=lambda n: n.start_byte)

        self.file_scope = ir.FunctionFact(
            kind="file", name=None, class_name=None, namespace="", params=(), returns=(),
            calls=self._calls(self._bucket(None)), assignments=self._assignments(self._bucket(None)),
            exits=False, exit_offsets=(), guards=(), tries=(), creations=self._creations(self._bucket(None)), compares=False, uses=(), span=self.source.span_of(root), body_offset=0,
            key=(self.source.path, -1),
        )

        functions = tuple(self.function(n) for n in definitions.get("function", ()))
        classes = tuple(self._class(n) for n in definitions.get("class", ()))
        constants = self._constants(definitions)
        routes = tuple(self._routes())
        hooks = tuple(self._hooks())
        # Closures reached only through bodies (e.g. a closure passed to add_action) still need facts.
        for bucket in list(self.buckets.values()):
            for node in bucket.get("call", ()):
                self.expr(node)
        outputs = tuple(self._outputs(body_captures))
        return ir.PhpFacts(
            outputs=outputs,
            forms=_forms(self.source.data),
            path=self.source.path,
            functions=functions,
            classes=classes,
            constants=constants,
            routes=routes,
            hooks=hooks,
            file_scope=self.file_scope,
            all_functions=tuple(self.function_memo.values()),
            too_deep=self.too_deep,
            suppressions=tuple(suppressions.from_tree(self.source, root)),
        )

    def _class(self, node) -> ir.ClassFact:
        name = self.qualify(_text(node.child_by_field_name("name")), node.start_byte)
        parent = None
        constants: list[tuple[str, ir.Expr]] = []
        properties: list[tuple[str, ir.Expr | None]] = []
        methods: list[ir.FunctionFact] = []
        traits: list[str] = []
        for child in _named(node):
            if child.type == "base_clause":
                base = next((c for c in _named(child) if c.type in ("name", "qualified_name")), None)
                if base is not None:
                    parent = self._class_ref(base, node.start_byte)
        body = node.child_by_field_name("body")
        for member in _named(body) if body is not None else ():
            if member.type == "const_declaration":
                for element in _named(member):
                    if element.type == "const_element":
                        parts = _named(element)
                        if len(parts) >= 2:
                            constants.append((_const_name(_text(parts[0])), self.expr(parts[-1])))
            elif member.type == "property_declaration":
                for element in _named(member):
                    if element.type == "property_element":
                        pname = element.child_by_field_name("name")
                        default = element.child_by_field_name("default_value")
                        if pname is not None:
                            properties.append((_text(pname)[1:], self.expr(default) if default is not None else None))
            elif member.type == "method_declaration":
                methods.append(self.function(member))
            elif member.type == "use_declaration":
                traits.extend(self._class_ref(c, node.start_byte) for c in _named(member) if c.type in ("name", "qualified_name"))
        abstract = any(c.type == "abstract_modifier" for c in node.children)
        return ir.ClassFact(
            name, parent, tuple(constants), tuple(properties), tuple(methods), self.source.span_of(node), tuple(traits), abstract
        )

    def _constants(self, definitions) -> tuple[ir.ConstantFact, ...]:
        found: list[ir.ConstantFact] = []
        for node in definitions.get("const", ()):
            if self.enclosing_class(node) is not None:
                continue
            for element in _named(node):
                parts = _named(element)
                if element.type == "const_element" and len(parts) >= 2:
                    found.append(ir.ConstantFact(self.qualify(_text(parts[0]), node.start_byte), self.expr(parts[-1]), self.source.span_of(element)))
        for match in self.define_matches:
            call, name, value = match["define"][0], match["define.name"][0], match["define.value"][0]
            name_ir = self.expr(name)
            value_nodes = _named(value)
            if isinstance(name_ir, ir.Lit) and isinstance(name_ir.value, str) and value_nodes:
                found.append(ir.ConstantFact(name_ir.value.lstrip("\\"), self.expr(value_nodes[-1]), self.source.span_of(call)))
        return tuple(found)

    def _scope_of(self, node) -> ir.FunctionFact:
        owner = self.enclosing_function(node)
        return self.function(owner) if owner is not None else self.file_scope

    def _foreach_chain(self, node) -> tuple[ir.Foreach, ...]:
        chain: list[ir.Foreach] = []
        parent = node.parent
        while parent is not None and parent.type not in FUNCTION_NODES:
            if parent.type == "foreach_statement":
                loop = self._foreach(parent)
                if loop is not None:
                    chain.append(loop)
            parent = parent.parent
        return tuple(reversed(chain))

    def _foreach(self, node) -> ir.Foreach | None:
        named = [c for c in _named(node) if node.field_name_for_child(_child_index(node, c)) != "body"]
        if not named:
            return None
        key = value = None
        binding = named[1] if len(named) > 1 else None
        if binding is not None and binding.type == "pair":
            k, v = _named(binding)[0], _named(binding)[-1]
            key = _text(k)[1:] if k.type == "variable_name" else None
            value = _var_name(v)
        elif binding is not None:
            value = _var_name(binding)
        return ir.Foreach(self.expr(named[0]), key, value, self.source.span_of(node), node.start_byte)

    def _outputs(self, captures):
        """``echo`` / ``print`` values and ``<?= … ?>`` expressions, with the HTML that precedes their block."""
        data = self.source.data
        statements = list(captures.get("echo", ()))
        for tag in captures.get("open_tag", ()):
            following = (tag.parent if tag.parent is not None and tag.parent.type == "text_interpolation" else tag).next_named_sibling
            if tag.text.strip() == b"<?=" and following is not None and following.type == "expression_statement":
                statements.append(following)
        for node in sorted(statements, key=lambda n: n.start_byte):
            values = [c for c in _named(node) if c.type not in ("comment",)]
            if node.type == "print_intrinsic":
                values = values[:1]
            html = ""
            previous = node.prev_sibling
            if previous is not None and previous.type == "text_interpolation" and previous.children and previous.children[-1].type == "php_tag":
                previous = previous.children[-1]
            if previous is not None and previous.type == "php_tag":
                # The HTML before this PHP block: from the previous ``?>`` (or the file start) to the tag.
                start = data.rfind(b"?>", 0, previous.start_byte)
                html = data[max(start + 2 if start != -1 else 0, previous.start_byte - 400) : previous.start_byte].decode("utf-8", "replace")
            elif previous is not None and previous.type == "text_interpolation":
                texts = [c for c in previous.children if c.type == "text"]
                if texts:
                    html = texts[-1].text[-400:].decode("utf-8", "replace")
            low = data[: node.start_byte].lower()
            in_script = low.rfind(b"<script") > low.rfind(b"</script")
            for value in values:
                yield ir.Output(self.expr(value), self.source.span_of(node), node.start_byte, html, self._scope_of(node), in_script)

    def _routes(self):
        for _, match in queries.load("php", "rest_routes").matches(self.root):
            call = match["call"][0]
            args = self._args(match["arguments"][0])
            pick = _argument_picker(args)
            yield ir.RouteCall(
                namespace=pick(0, "route_namespace") or pick(0, "namespace"),
                route=pick(1, "route"),
                args=pick(2, "args"),
                override=pick(3, "override"),
                span=self.source.span_of(call),
                scope=self._scope_of(call),
                foreach=self._foreach_chain(call),
                offset=call.start_byte,
            )

    def _hooks(self):
        for _, match in queries.load("php", "auth_filters").matches(self.root):
            call = match["call"][0]
            args = [a.value for a in self._args(call.child_by_field_name("arguments")) if not a.spread]
            if not args or args[0] != self.expr(match["hook"][0]):
                continue  # the hook name is not the first argument
            function = _text(match["function"][0]).lstrip("\\").lower()
            if function == "remove_all_filters":  # remove_all_filters( $hook_name, $priority = false )
                callback, priority = None, (args[1] if len(args) > 1 else None)
            else:
                callback, priority = (args[1] if len(args) > 1 else None), (args[2] if len(args) > 2 else None)
            yield ir.HookCall(
                function=function,
                hook=args[0],
                callback=callback,
                priority=priority,
                span=self.source.span_of(call),
                scope=self._scope_of(call),
                offset=call.start_byte,
            )


_FORM_OPEN = re.compile(rb"<form\b([^>]*)>", re.IGNORECASE)
_FORM_CLOSE = re.compile(rb"</form\s*>", re.IGNORECASE)
_ATTRIBUTE = re.compile(rb"""\b(id|class)\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)


def _forms(data: bytes) -> tuple[ir.FormRange, ...]:
    """Forms in the raw bytes: template HTML and HTML inside PHP strings alike."""
    if b"<form" not in data and b"<FORM" not in data:
        return ()
    found = []
    for match in _FORM_OPEN.finditer(data):
        close = _FORM_CLOSE.search(data, match.end())
        attributes = {m.group(1).lower().decode(): (m.group(2) or m.group(3) or b"").decode("utf-8", "replace") for m in _ATTRIBUTE.finditer(match.group(1))}
        found.append(
            ir.FormRange(match.start(), close.end() if close else len(data), attributes.get("id") or None, tuple(attributes.get("class", "").split()))
        )
    return tuple(found)


def _list_targets(node):
    """(key node or None, target node) for each slot of a list() / [ … ] destructuring."""
    for child in _named(node):
        if child.type == "pair" and len(_named(child)) >= 2:
            yield _named(child)[0], _named(child)[-1]
        elif child.type in ("variable_name", "subscript_expression", "member_access_expression"):
            yield None, child


def _list_index(node, element) -> int:
    """The position of ``element`` among the unkeyed slots of a destructuring (empty slots count)."""
    index = 0
    for child in node.children:
        if child.id == element.id:
            return index
        if child.type == ",":
            index += 1
    return index


def _innermost(pool: list, node):
    """The innermost node of ``pool`` (sorted by start) strictly containing ``node``; None if none."""
    best = None
    for candidate in pool:
        if candidate.start_byte > node.start_byte:
            break
        if candidate.id != node.id and candidate.end_byte >= node.end_byte:
            best = candidate
    return best


def _argument_picker(args: tuple[ir.Arg, ...]):
    """``pick(index, name)``: a call's argument by position or by PHP 8 named argument."""
    by_name = {a.name: a.value for a in args if a.name}
    positional = [a.value for a in args if not a.name and not a.spread]

    def pick(index: int, name: str) -> ir.Expr | None:
        if name in by_name:
            return by_name[name]
        return positional[index] if index < len(positional) else None

    return pick


def _child_index(parent, child) -> int:
    for i, c in enumerate(parent.children):
        if c.id == child.id:
            return i
    return -1


def _var_name(node) -> str | None:
    if node.type == "variable_name":
        return _text(node)[1:]
    if node.type == "by_ref" and _named(node):
        return _var_name(_named(node)[0])
    return None


def _const_name(name: str) -> str:
    return "NAMESPACE" if name == NAMESPACE_PLACEHOLDER else name


_PHP_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "v": "\v", "e": "\x1b", "f": "\f", "\\": "\\", "$": "$", '"': '"'}


def _decode_escape(raw: bytes) -> str:
    """One escape sequence of a double-quoted PHP string, as PHP reads it: an unknown one (``\\d`` in a
    route regex) stays as written. Not Python's unicode_escape, whose rules differ (and warn on ``\\$``)."""
    body = raw[1:].decode("utf-8", "replace")
    try:
        if body in _PHP_ESCAPES:
            return _PHP_ESCAPES[body]
        if body.startswith("u{") and body.endswith("}"):
            return chr(int(body[2:-1], 16))
        if body[:1] == "x" and 2 <= len(body) <= 3:
            return chr(int(body[1:], 16))
        if body.isdigit() and len(body) <= 3 and "8" not in body and "9" not in body:
            return chr(int(body, 8) & 0xFF)
    except ValueError:
        pass
    return raw.decode("utf-8", "replace")


def extract(source: SourceFile, tree) -> ir.PhpFacts:
    """All PHP facts of one parsed file."""
    return _FileExtractor(source, tree.root_node).run()
