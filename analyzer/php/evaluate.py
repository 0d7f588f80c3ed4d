"""Symbolic evaluation of PHP IR against the plugin-wide symbol table.

Evaluates what a plugin passes to ``register_rest_route`` and friends: literals, constants (``define``,
``const``, class constants), properties (``$this->namespace`` from the declaration or the constructor),
local variables assigned earlier in the same function, ``foreach`` bindings, closure ``use`` variables,
concatenation and interpolation, ``wp_parse_args`` / ``array_merge`` / ``sprintf``, and plugin helpers
(functions and methods) that return a value, with their parameters bound to the caller's arguments.

Where it gives up — a filter, an option, a database value, a cycle, a budget exhausted — the result is
:class:`Unknown` and the rules stay silent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from analyzer import wordpress
from analyzer.php import ir
from analyzer.php.symbols import SymbolIndex
from analyzer.source import Span

MAX_CALL_DEPTH = 12
STEP_BUDGET = 20_000


@dataclass(frozen=True, slots=True)
class Value:
    span: Span | None


@dataclass(frozen=True, slots=True)
class Known(Value):
    value: str | int | float | bool | None
    origin: str = ""  # how a value not written as a literal came about, for messages


@dataclass(frozen=True, slots=True)
class ArrayV(Value):
    items: tuple[tuple[str | int, Value], ...]
    complete: bool = True  # False: keys not listed here may exist (merged with something unknown)

    def get(self, key: str | int) -> Value | None:
        for k, v in reversed(self.items):
            if k == key:
                return v
        return None

    def keys(self) -> list[str | int]:
        return [k for k, _ in self.items]

    def key_span(self, key: str | int) -> Span | None:
        return dict(self.key_spans).get(key) if self.key_spans else None

    key_spans: tuple[tuple[str | int, Span | None], ...] = ()


@dataclass(frozen=True, slots=True)
class ObjectV(Value):
    cls: str | None


@dataclass(frozen=True, slots=True)
class ClosureV(Value):
    function: ir.FunctionFact
    class_name: str | None


@dataclass(frozen=True, slots=True)
class Unknown(Value):
    reason: str = ""


def unknown(reason: str, span: Span | None = None) -> Unknown:
    return Unknown(span, reason)


@dataclass(frozen=True)
class Env:
    """Where an expression is evaluated: the function, its class, the position, and bound variables."""

    function: ir.FunctionFact
    class_name: str | None
    offset: int
    bindings: Mapping[str, Value] = field(default_factory=dict)
    depth: int = 0
    # For each bound variable, the byte offset after which assignments in the function update it (the
    # foreach that bound it; -1 for parameters, which the whole body may reassign).
    bound_at: Mapping[str, int] = field(default_factory=dict)

    def at(self, offset: int) -> "Env":
        return Env(self.function, self.class_name, offset, self.bindings, self.depth + 1, self.bound_at)


def php_string(value: Value) -> str | None:
    """PHP's string conversion of a known scalar; None when not known."""
    if not isinstance(value, Known):
        return None
    v = value.value
    if v is True:
        return "1"
    if v is False or v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _array_key(value: Value) -> str | int | None:
    if not isinstance(value, Known):
        return None
    v = value.value
    if isinstance(v, bool):
        return int(v)
    if v is None:
        return ""
    if isinstance(v, float):
        return int(v)
    if isinstance(v, str) and v.isdigit() and (v == "0" or not v.startswith("0")):
        return int(v)
    return v


def merge_arrays(arrays: list[Value], span: Span | None) -> Value:
    """``array_merge`` semantics: string keys override, integer keys are appended and renumbered."""
    items: list[tuple[str | int, Value]] = []
    key_spans: dict[str | int, Span | None] = {}
    complete = True
    for array in arrays:
        if not isinstance(array, ArrayV):
            return unknown("merge with an unknown array", span)
        complete = complete and array.complete
        spans = dict(array.key_spans)
        for k, v in array.items:
            if isinstance(k, int):
                items.append((len([1 for kk, _ in items if isinstance(kk, int)]), v))
            else:
                items = [(kk, vv) for kk, vv in items if kk != k]
                items.append((k, v))
                key_spans[k] = spans.get(k)
    return ArrayV(span, tuple(items), complete, tuple(key_spans.items()))


class Evaluator:
    """Evaluates IR expressions; one instance per model, with a step budget per top-level call."""

    def __init__(self, index: SymbolIndex, hooks=None) -> None:
        self.index = index
        self.hooks = hooks  # analyzer.php.hooks.HookIndex: the plugin's own filters, for apply_filters()
        self.filtered_hooks: set[str] = set()  # hooks apply_filters() was evaluated on (demand-driven parsing)
        self._setters: dict[tuple, list] = {}  # (class, property) -> the methods that assign it, and where
        self._steps = 0
        self._active: set[tuple] = set()

    def reset(self) -> None:
        """Start a fresh step budget (each top-level question gets its own)."""
        self._steps = 0
        self._active.clear()

    def evaluate(self, expr: ir.Expr | None, env: Env) -> Value:
        """Evaluate ``expr`` from scratch (resets the step budget)."""
        self.reset()
        return self.eval(expr, env)

    # --- dispatch ---------------------------------------------------------------------------------

    def eval(self, expr: ir.Expr | None, env: Env) -> Value:
        if expr is None:
            return unknown("missing")
        self._steps += 1
        if self._steps > STEP_BUDGET or env.depth > MAX_CALL_DEPTH:
            return unknown("evaluation budget exhausted", expr.span)
        method = getattr(self, "_eval_" + type(expr).__name__, None)
        if method is None:
            return unknown(f"not modelled: {type(expr).__name__}", expr.span)
        return method(expr, env)

    def _eval_Lit(self, expr: ir.Lit, env: Env) -> Value:
        return Known(expr.span, expr.value)

    def _eval_Opaque(self, expr: ir.Opaque, env: Env) -> Value:
        return unknown(expr.kind, expr.span)

    def _eval_Arr(self, expr: ir.Arr, env: Env) -> Value:
        items: list[tuple[str | int, Value]] = []
        key_spans: dict[str | int, Span | None] = {}
        next_index = 0
        complete = True
        for item in expr.items:
            value = self.eval(item.value, env)
            if item.spread:
                if not isinstance(value, ArrayV):
                    return unknown("spread of an unknown array", expr.span)
                merged = merge_arrays([ArrayV(expr.span, tuple(items), complete, tuple(key_spans.items())), value], expr.span)
                assert isinstance(merged, ArrayV)
                items, complete, key_spans = list(merged.items), merged.complete, dict(merged.key_spans)
                next_index = max([k + 1 for k, _ in items if isinstance(k, int)], default=0)
                continue
            if item.key is None:
                key: str | int | None = next_index
            else:
                key = _array_key(self.eval(item.key, env))
                if key is None:
                    return unknown("array key not known", expr.span)
            if isinstance(key, int):
                next_index = max(next_index, key + 1)
            items = [(k, v) for k, v in items if k != key]
            items.append((key, value))
            key_spans[key] = item.key.span if item.key is not None else item.value.span
        return ArrayV(expr.span, tuple(items), complete, tuple(key_spans.items()))

    def _eval_Concat(self, expr: ir.Concat, env: Env) -> Value:
        out = []
        for part in expr.parts:
            value = self.eval(part, env)
            text = php_string(value)
            if text is None:
                why = value.reason if isinstance(value, Unknown) and value.reason else "not a string"
                return unknown(f"a part of the string is not known ({why})", expr.span)
            out.append(text)
        return Known(expr.span, "".join(out))

    def _eval_Closure(self, expr: ir.Closure, env: Env) -> Value:
        return ClosureV(expr.span, expr.function, expr.function.class_name or env.class_name)

    def _eval_New(self, expr: ir.New, env: Env) -> Value:
        return ObjectV(expr.span, self._scope_class(expr.cls, env))

    def _eval_Ternary(self, expr: ir.Ternary, env: Env) -> Value:
        truth = self.truth(expr.condition, env)
        if truth is None:
            return unknown("conditional value", expr.span)
        if expr.then is None:  # a ?: b
            return self.eval(expr.condition, env) if truth else self.eval(expr.otherwise, env)
        return self.eval(expr.then if truth else expr.otherwise, env)

    def truth(self, condition: ir.Expr, env: Env) -> bool | None:
        """Whether ``condition`` holds, when the evaluator can tell: ``isset()``, ``empty()``,
        ``is_callable()``, ``is_array()``, ``!``, ``&&``, ``||``, ``===`` of known values, a known value."""
        if isinstance(condition, ir.Unary) and condition.op == "!":
            inner = self.truth(condition.operand, env)
            return None if inner is None else not inner
        if isinstance(condition, ir.Op) and condition.op in ("&&", "and", "||", "or"):
            left, right = self.truth(condition.left, env), self.truth(condition.right, env)
            if condition.op in ("&&", "and"):
                return False if False in (left, right) else (True if left and right else None)
            return True if True in (left, right) else (False if left is False and right is False else None)
        if isinstance(condition, ir.Op) and condition.op in ("===", "!==", "==", "!="):
            left, right = self.eval(condition.left, env), self.eval(condition.right, env)
            if not (isinstance(left, Known) and isinstance(right, Known)):
                return None
            equal = left.value == right.value and (condition.op in ("==", "!=") or type(left.value) is type(right.value))
            return equal if condition.op in ("===", "==") else not equal
        if isinstance(condition, ir.Call):
            name = condition.name.rsplit("\\", 1)[-1].lower()
            values = self._args(condition.args, env)
            if name == "isset":
                if any(isinstance(v, Unknown) for v in values):
                    return None
                return all(not (isinstance(v, Known) and v.value is None) for v in values)
            if name == "empty" and len(values) == 1:
                return None if _truthy(values[0]) is None else not _truthy(values[0])
            if name == "is_array" and len(values) == 1:
                return None if isinstance(values[0], Unknown) else isinstance(values[0], ArrayV)
            if name == "is_string" and len(values) == 1:
                return isinstance(values[0].value, str) if isinstance(values[0], Known) else (False if isinstance(values[0], (ArrayV, ClosureV, ObjectV)) else None)
            if name == "is_callable" and len(values) == 1:
                return self._callable(values[0])
            return None
        return _truthy(self.eval(condition, env))

    def _callable(self, value: Value) -> bool | None:
        if isinstance(value, ClosureV):
            return True
        if isinstance(value, Known):
            if not isinstance(value.value, str) or not value.value:
                return False
            text = value.value.lstrip("\\")
            if "::" in text:
                cls, _, method = text.partition("::")
                return True if self.index.method(cls, method) is not None else None
            return True if self.index.function(text) is not None or text.lower() in wordpress.CALLABLE_CORE_NAMES else None
        if isinstance(value, ArrayV):
            if len(value.items) != 2:
                return False
            target, method = value.items[0][1], value.items[1][1]
            cls = target.cls if isinstance(target, ObjectV) else target.value if isinstance(target, Known) and isinstance(target.value, str) else None
            if cls and isinstance(method, Known) and isinstance(method.value, str) and self.index.method(cls, method.value) is not None:
                return True
            return None
        return None

    def _eval_Op(self, expr: ir.Op, env: Env) -> Value:
        if expr.op == "+":
            left, right = self.eval(expr.left, env), self.eval(expr.right, env)
            if isinstance(left, ArrayV) and isinstance(right, ArrayV):
                # Array union: keys of the left operand win.
                keys = set(left.keys())
                extra = tuple((k, v) for k, v in right.items if k not in keys)
                spans = left.key_spans + tuple((k, sp) for k, sp in right.key_spans if k not in keys)
                return ArrayV(left.span, left.items + extra, left.complete and right.complete, spans)
            return unknown("operator +", expr.span)
        if expr.op == "??":
            left = self.eval(expr.left, env)
            if isinstance(left, Known) and left.value is None:
                return self.eval(expr.right, env)  # unset or null: the fallback
            if not isinstance(left, Unknown):
                return left
        return unknown(f"operator {expr.op}", expr.span)

    def _eval_Unary(self, expr: ir.Unary, env: Env) -> Value:
        return unknown("unary operator", expr.span)

    def _eval_Cast(self, expr: ir.Cast, env: Env) -> Value:
        inner = self.eval(expr.operand, env)
        if expr.type in ("int", "integer"):
            return _to_int(inner, expr.span)
        if expr.type in ("string",) and isinstance(inner, Known):
            text = php_string(inner)
            return Known(expr.span, text) if text is not None else unknown("cast", expr.span)
        if expr.type in ("array",) and isinstance(inner, ArrayV):
            return inner
        return unknown("cast", expr.span)

    # --- names ------------------------------------------------------------------------------------

    def _scope_class(self, scope: str, env: Env) -> str | None:
        if scope == "static":
            return env.class_name  # late static binding: the class the code runs for
        if scope == "self":
            return env.function.class_name or env.class_name  # the class the code is written in
        if scope == "parent":
            return self.index.parent_class(env.class_name)
        cls = self.index.class_(scope, env.function.namespace)
        return cls.name if cls is not None else scope

    def _eval_Const(self, expr: ir.Const, env: Env) -> Value:
        name = expr.name
        upper = name.upper()
        if upper == "__CLASS__":
            return Known(expr.span, env.class_name or "")
        if upper == "__NAMESPACE__":
            return Known(expr.span, env.function.namespace)
        if upper == "__FUNCTION__" and env.function.name:
            return Known(expr.span, env.function.name)
        if upper == "__METHOD__" and env.function.name:
            return Known(expr.span, f"{env.class_name}::{env.function.name}" if env.class_name else env.function.name)
        if upper in wordpress.PHP_CONSTANTS:
            return Known(expr.span, wordpress.PHP_CONSTANTS[upper])
        fact = self.index.constant(name, env.function.namespace)
        if fact is None:
            return unknown(f"constant {name} not defined in the plugin", expr.span)
        guard = ("const", name)
        if guard in self._active:
            return unknown("constant cycle", expr.span)
        self._active.add(guard)
        try:
            scope = self.index.by_key.get((fact.span.path, -1), env.function)
            return self.eval(fact.value, Env(scope, None, 0, {}, env.depth + 1))
        finally:
            self._active.discard(guard)

    def _eval_ClassConst(self, expr: ir.ClassConst, env: Env) -> Value:
        cls = self._scope_class(expr.scope, env)
        if expr.name.lower() == "class":
            return Known(expr.span, cls) if cls else unknown("class name", expr.span)
        short = (cls or "").rsplit("\\", 1)[-1]
        if short.lower() == "wp_rest_server" and expr.name in wordpress.REST_SERVER_CONSTANTS:  # class names ignore case
            return Known(expr.span, wordpress.REST_SERVER_CONSTANTS[expr.name])
        value = self.index.class_constant(cls, expr.name)
        if value is None:
            return unknown(f"class constant {cls}::{expr.name}", expr.span)
        guard = ("cconst", cls, expr.name)
        if guard in self._active:
            return unknown("constant cycle", expr.span)
        self._active.add(guard)
        try:
            return self.eval(value, Env(env.function, cls, 0, {}, env.depth + 1))
        finally:
            self._active.discard(guard)

    def _eval_StaticProp(self, expr: ir.StaticProp, env: Env) -> Value:
        cls = self._scope_class(expr.scope, env)
        return self._property(cls, expr.name, env, expr.span)

    def _eval_Prop(self, expr: ir.Prop, env: Env) -> Value:
        obj = self.eval(expr.obj, env)
        if not isinstance(obj, ObjectV):
            return unknown("property of an unknown object", expr.span)
        return self._property(obj.cls, expr.name, env, expr.span)

    def _property(self, cls: str | None, name: str, env: Env, span: Span) -> Value:
        guard = ("prop", cls, name)
        if guard in self._active:
            return unknown("property cycle", span)
        self._active.add(guard)
        try:
            # 1. assigned earlier in the function being evaluated (e.g. register_routes sets it first)
            if env.function.class_name and env.function.class_name == cls:
                assigned = self._last_property_assignment(env.function, name, env.offset)
                if assigned is not None:
                    return self.eval(assigned.value, Env(env.function, cls, assigned.offset, env.bindings, env.depth + 1))
            # 2. assigned in a constructor of the class or its ancestors
            for klass in self.index.lineage(self.index.class_(cls)):
                for method in klass.methods:
                    if method.name and method.name.lower() == "__construct":
                        assigned = self._last_property_assignment(method, name, 1 << 62)
                        if assigned is not None:
                            return self._constructed(method, assigned, cls, env)
            # 3. the declared default (a declaration without one is null, unless another method sets it)
            default, declared_in = self.index.property_default(cls, name)
            if default is not None:
                return self.eval(default, Env(env.function, cls, 0, {}, env.depth + 1))
            elsewhere = self._set_elsewhere(cls, name, env)
            if elsewhere is not None:
                return elsewhere
            if declared_in is not None:
                return Known(span, None, f"the property ${name} is declared without a value")
            if self._never_set(cls, name):
                return Known(span, None, f"the property ${name} is never set")
            return unknown(f"property {name} not known", span)
        finally:
            self._active.discard(guard)

    def _set_elsewhere(self, cls: str | None, name: str, env: Env) -> Value | None:
        """A property without a default that the class's other methods set (an init() that fills
        ``self::$namespace`` or ``self::$instance = new self()`` before routes are registered): the value they
        all agree on; None when no method sets it."""
        setters = self._setters.get((cls, name))
        if setters is None:
            setters = [
                (method, assigned)
                for klass in self.index.lineage(self.index.class_(cls))
                for method in klass.methods
                for assigned in [self._last_property_assignment(method, name, 1 << 62)]
                if assigned is not None
            ]
            self._setters[(cls, name)] = setters
        values = [
            self.eval(assigned.value, Env(method, cls, assigned.offset, {}, env.depth + 1))
            for method, assigned in setters
            if method is not env.function
        ]
        if not values:
            return None
        first = values[0]
        if isinstance(first, Unknown) or any(v != first for v in values[1:]):
            return unknown(f"property {name} is set in several places", first.span)
        return first

    def _constructed(self, ctor: ir.FunctionFact, assigned: ir.Assign, cls: str | None, env: Env) -> Value:
        """A property set in a constructor; when it comes from the constructor's parameters, the value the
        plugin's ``new Class( … )`` expressions pass (if they all agree)."""
        inner = Env(ctor, cls, assigned.offset, {}, env.depth + 1)
        value = self.eval(assigned.value, inner)
        if not isinstance(value, Unknown) or not ctor.params or cls is None:
            return value
        results: list[Value] = []
        for caller, site in self.index.sites_creating(cls)[:8]:
            caller_env = Env(caller, caller.class_name, site.offset, {}, env.depth + 1)
            bindings = self.bind(ctor, site.new.args, caller_env)
            results.append(self.eval(assigned.value, Env(ctor, cls, assigned.offset, bindings, env.depth + 1, {p: -1 for p in bindings})))
        if results and all(r == results[0] for r in results) and not isinstance(results[0], Unknown):
            return results[0]
        return value

    def _never_set(self, cls: str | None, name: str) -> bool:
        """No class of the (fully known) lineage declares, assigns or magically provides the property."""
        lineage = self.index.lineage(self.index.class_(cls))
        if not lineage or lineage[-1].parent:
            return False  # a parent outside the plugin may declare it
        for klass in lineage:
            for method in klass.methods:
                if method.name and method.name.lower() == "__get":
                    return False
                if self._last_property_assignment(method, name, 1 << 62) is not None:
                    return False
            if klass.traits:
                return False
        # Assigned from outside the class ($controller->name = …) anywhere in the plugin?
        for fn in self.index.by_key.values():
            for assign in fn.assignments:
                if isinstance(assign.target, ir.Prop) and assign.target.name == name:
                    return False
        return True

    @staticmethod
    def _last_property_assignment(fn: ir.FunctionFact, name: str, before: int) -> ir.Assign | None:
        found = None
        for assign in fn.assignments:
            if assign.offset >= before:
                break
            target = assign.target
            if isinstance(target, (ir.Prop, ir.StaticProp)) and target.name == name:
                if isinstance(target, ir.StaticProp) or (isinstance(target.obj, ir.Var) and target.obj.name == "this"):
                    found = assign
        return found

    # --- variables --------------------------------------------------------------------------------

    def _eval_Var(self, expr: ir.Var, env: Env) -> Value:
        name = expr.name
        if name == "this" and name not in env.bindings:
            return ObjectV(expr.span, env.class_name) if env.class_name else unknown("$this outside a class", expr.span)
        guard = ("var", env.function.key, name, env.offset)
        if guard in self._active:
            return unknown("variable cycle", expr.span)
        self._active.add(guard)
        try:
            return self._variable(name, env, expr.span)
        finally:
            self._active.discard(guard)

    def _variable(self, name: str, env: Env, span: Span) -> Value:
        """The value of ``$name`` at ``env.offset``: the last assignment before it (after the loop or call
        that bound it, if bound), then element updates ``$name[k] = v`` / ``$name[] = v`` in order."""
        fn = env.function
        bound = name in env.bindings
        after = env.bound_at.get(name, -1) if bound else -1
        base: ir.Assign | None = None
        updates: list[ir.Assign] = []
        for assign in fn.assignments:
            if assign.offset >= env.offset:
                break
            if assign.offset <= after:
                continue
            target = assign.target
            if isinstance(target, ir.Var) and target.name == name:
                base, updates = assign, []
            elif isinstance(target, ir.Sub) and _sub_root(target) == name:
                updates.append(assign)  # nested $a['x']['y'] = … makes the value unknown below
        if base is not None:
            value = self.eval(base.value, env.at(base.offset))
        elif bound:
            value = env.bindings[name]
        elif (name in fn.uses or fn.kind == "arrow") and fn.parent_key is not None:  # arrow functions capture all
            parent = self.index.by_key.get(fn.parent_key)
            if parent is None:
                return unknown(f"${name} from an unknown scope", span)
            value = self.eval(ir.Var(span, name), Env(parent, env.class_name, fn.key[1], {}, env.depth + 1))
        else:
            return unknown(f"${name} is not assigned in scope", span)
        for update in updates:
            target = update.target
            assert isinstance(target, ir.Sub)
            if not isinstance(value, ArrayV) or not isinstance(target.base, ir.Var):
                return unknown(f"${name} modified in a way not modelled", span)
            element = self.eval(update.value, env.at(update.offset))
            if target.key is None:
                next_index = max([k + 1 for k in value.keys() if isinstance(k, int)], default=0)
                value = ArrayV(value.span, value.items + ((next_index, element),), value.complete, value.key_spans)
                continue
            key = _array_key(self.eval(target.key, env.at(update.offset)))
            if key is None:
                return unknown(f"${name}[…] with an unknown key", span)
            items = tuple((k, v) for k, v in value.items if k != key) + ((key, element),)
            spans = tuple((k, s) for k, s in value.key_spans if k != key) + ((key, target.span),)
            value = ArrayV(value.span, items, value.complete, spans)
        return value

    def _eval_Sub(self, expr: ir.Sub, env: Env) -> Value:
        base = self.eval(expr.base, env)
        if not isinstance(base, ArrayV) or expr.key is None:
            return unknown("element of an unknown array", expr.span)
        key = _array_key(self.eval(expr.key, env))
        if key is None:
            return unknown("unknown array key", expr.span)
        found = base.get(key)
        if found is None:
            return unknown("no such array key", expr.span) if not base.complete else Known(expr.span, None)
        return found

    # --- calls ------------------------------------------------------------------------------------

    def _args(self, args: tuple[ir.Arg, ...], env: Env) -> list[Value]:
        return [self.eval(a.value, env) for a in args if not a.spread]

    def _eval_Call(self, expr: ir.Call, env: Env) -> Value:
        name = expr.name.rsplit("\\", 1)[-1].lower()
        if name in ("wp_parse_args", "array_merge", "array_replace"):
            values = self._args(expr.args, env)
            if name == "wp_parse_args":
                if len(values) < 2:
                    return values[0] if values and isinstance(values[0], ArrayV) else unknown("wp_parse_args", expr.span)
                merged = merge_arrays([values[1], values[0]], expr.span)
            else:
                merged = merge_arrays(values, expr.span)
            if isinstance(merged, ArrayV):
                # Report at the most specific array (the route's own definition), not at the call.
                specific = values[0] if name == "wp_parse_args" else values[-1]
                return ArrayV(specific.span or expr.span, merged.items, merged.complete, merged.key_spans)
            return merged
        if name == "sprintf":
            values = self._args(expr.args, env)
            texts = [php_string(v) for v in values]
            if not texts or any(t is None for t in texts):
                return unknown("sprintf of unknown values", expr.span)
            try:
                return Known(expr.span, _php_sprintf(texts[0], texts[1:]))
            except (ValueError, IndexError):
                return unknown("sprintf format", expr.span)
        if name in ("trailingslashit", "untrailingslashit", "trim", "ltrim", "rtrim", "strtolower", "strtoupper"):
            values = self._args(expr.args, env)
            text = php_string(values[0]) if values else None
            if text is None or len(values) > 1:
                return unknown(name, expr.span)
            result = {
                "trailingslashit": lambda s: s.rstrip("/\\") + "/",
                "untrailingslashit": lambda s: s.rstrip("/\\"),
                "trim": str.strip,
                "ltrim": str.lstrip,
                "rtrim": str.rstrip,
                "strtolower": str.lower,
                "strtoupper": str.upper,
            }[name](text)
            return Known(expr.span, result)
        if name == "has_filter":
            values = self._args(expr.args, env)
            names = tuple(php_string(v) for v in values[:2])
            priority = wordpress.CORE_FILTER_PRIORITIES.get(names) if len(names) == 2 else None
            return Known(expr.span, priority) if priority is not None else unknown("has_filter", expr.span)
        if name in ("intval", "absint") and len(expr.args) == 1:
            value = _to_int(self.eval(expr.args[0].value, env), expr.span)
            if name == "absint" and isinstance(value, Known):
                return Known(expr.span, abs(value.value))
            return value
        if name in ("apply_filters", "apply_filters_ref_array") and self.hooks is not None and len(expr.args) >= 2:
            return self._filtered(expr, env)
        if name in wordpress.OPAQUE_FUNCTIONS:
            return unknown(f"value of {name}()", expr.span)
        fn = self.index.function(expr.name, env.function.namespace)
        if fn is None:
            return unknown(f"{expr.name}() is not a plugin function", expr.span)
        return self.call(fn, expr.args, env, None, expr.span)

    def _eval_MethodCall(self, expr: ir.MethodCall, env: Env) -> Value:
        obj = self.eval(expr.obj, env)
        if not isinstance(obj, ObjectV):
            return unknown("method of an unknown object", expr.span)
        fn = self.index.method(obj.cls, expr.name)
        if fn is None:
            return unknown(f"method {expr.name} not found", expr.span)
        return self.call(fn, expr.args, env, obj.cls, expr.span)

    def _eval_StaticCall(self, expr: ir.StaticCall, env: Env) -> Value:
        cls = self._scope_class(expr.scope, env)
        fn = self.index.method(cls, expr.name)
        if fn is None:
            return unknown(f"method {expr.name} not found", expr.span)
        return self.call(fn, expr.args, env, cls if expr.scope != "parent" else env.class_name, expr.span)

    def _filtered(self, expr: ir.Call, env: Env) -> Value:
        """``apply_filters( 'hook', $value, … )``: the value the plugin ships, passed through the plugin's own
        callbacks on that hook in priority order (what other plugins add is not known, as everywhere)."""
        hook = php_string(self.eval(expr.args[0].value, env))
        if expr.name.rsplit("\\", 1)[-1].lower() == "apply_filters_ref_array":
            passed = self.eval(expr.args[1].value, env)
            value = passed.items[0][1] if isinstance(passed, ArrayV) and passed.items else unknown("filtered value", expr.span)
        else:
            value = self.eval(expr.args[1].value, env)
        if hook is None:
            return unknown("value of apply_filters() on a hook not known", expr.span)
        self.filtered_hooks.add(hook)
        for callback in self.hooks.callbacks(hook):
            fn = callback.function
            if not fn.params:
                continue
            value = self.returned(fn, {fn.params[0].name: value}, callback.class_name, expr.span, env.depth)
            if isinstance(value, Unknown):
                return value
        return value

    def call(self, fn: ir.FunctionFact, args: tuple[ir.Arg, ...], env: Env, class_name: str | None, span: Span) -> Value:
        """The value a plugin helper returns, with its parameters bound to the caller's arguments."""
        if ("call", fn.key) in self._active:
            return unknown("recursive helper", span)
        return self.returned(fn, self.bind(fn, args, env), class_name, span, env.depth)

    def returned(self, fn: ir.FunctionFact, bindings: dict[str, Value], class_name: str | None, span: Span, depth: int) -> Value:
        """The value ``fn`` returns with its parameters bound to ``bindings``: the one value all its returns
        agree on, else unknown."""
        guard = ("call", fn.key)
        if guard in self._active:
            return unknown("recursive helper", span)
        returns = [r for r in fn.returns if r.value is not None]
        if not returns:
            return unknown(f"{fn.display_name} returns nothing known", span)
        self._active.add(guard)
        try:
            # Returns are evaluated after every assignment of the body (return offsets are not kept).
            inner = Env(fn, class_name or fn.class_name, 1 << 62, bindings, depth + 1, {p: -1 for p in bindings})
            values = [self.eval(ret.value, inner) for ret in returns]
            first = values[0]
            if all(v == first for v in values[1:]):
                return first
            return unknown(f"{fn.display_name} returns different values", span)
        finally:
            self._active.discard(guard)

    def bind(self, fn: ir.FunctionFact, args: tuple[ir.Arg, ...], env: Env) -> dict[str, Value]:
        """Parameter bindings for calling ``fn`` with ``args`` evaluated in ``env``."""
        bindings: dict[str, Value] = {}
        positional = [a for a in args if a.name is None and not a.spread]
        named = {a.name: a for a in args if a.name}
        for i, param in enumerate(fn.params):
            if param.variadic:
                break
            arg = named.get(param.name) or (positional[i] if i < len(positional) else None)
            if arg is not None:
                bindings[param.name] = self.eval(arg.value, env)
            elif param.default is not None:
                bindings[param.name] = self.eval(param.default, Env(fn, fn.class_name, 0, {}, env.depth + 1))
        return bindings


def _truthy(value: Value) -> bool | None:
    """PHP's truthiness of a value the evaluator knows; None when it cannot tell."""
    if isinstance(value, Known):
        return bool(value.value) and value.value != "0"
    if isinstance(value, ArrayV):
        return bool(value.items) if value.complete or value.items else None
    if isinstance(value, (ClosureV, ObjectV)):
        return True
    return None


def _to_int(value: Value, span: Span) -> Value:
    """PHP's (int) of a known scalar."""
    if not isinstance(value, Known):
        return unknown("intval of an unknown value", span)
    v = value.value
    if isinstance(v, bool) or v is None:
        return Known(span, int(bool(v)))
    if isinstance(v, (int, float)):
        return Known(span, int(v))
    digits = ""
    for ch in v.strip():
        if ch.isdigit() or (not digits and ch in "+-"):
            digits += ch
        else:
            break
    try:
        return Known(span, int(digits))
    except ValueError:
        return Known(span, 0)


def _sub_root(target: ir.Expr) -> str | None:
    while isinstance(target, ir.Sub):
        target = target.base
    return target.name if isinstance(target, ir.Var) else None


def _php_sprintf(fmt: str, args: list[str]) -> str:
    out, i, n = [], 0, 0
    while i < len(fmt):
        c = fmt[i]
        if c != "%":
            out.append(c)
            i += 1
            continue
        spec = fmt[i + 1 : i + 2]
        if spec == "%":
            out.append("%")
        elif spec in ("s", "d"):
            out.append(args[n] if spec == "s" else str(int(float(args[n] or 0))))
            n += 1
        else:
            raise ValueError(spec)
        i += 2
    return "".join(out)
