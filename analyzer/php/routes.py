"""Routes: every ``register_rest_route`` call evaluated into endpoints — namespace, route, methods, callback,
permission callback — per loop iteration and per call site of a wrapper helper.

Where resolution gives up, the endpoint says why (``RestEndpoint.unresolved``): the scan counts such endpoints,
``wp-rest-lint routes`` lists them, and rules stay silent about them.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

from analyzer import wordpress
from analyzer.php import ir
from analyzer.php.evaluate import (
    ArrayV,
    ClosureV,
    Env,
    Evaluator,
    Known,
    ObjectV,
    Unknown,
    Value,
    php_string,
)
from analyzer.php.symbols import SymbolIndex
from analyzer.source import Span

MAX_INSTANCES = 256  # route instances per register_rest_route call (call sites × loop iterations)


@dataclass(frozen=True, slots=True)
class Callback:
    """A callable as the plugin passed it, resolved where possible.

    kind: ``plugin`` (body known: ``function``), ``core`` (a WordPress function such as ``__return_true``),
    or ``unknown`` (defined elsewhere, or not resolvable).
    """

    kind: str
    name: str
    span: Span | None
    function: ir.FunctionFact | None = None
    class_name: str | None = None

    @property
    def definition(self) -> Span | None:
        return self.function.span if self.function is not None else None


@dataclass(frozen=True, slots=True)
class Permission:
    """The ``permission_callback`` of an endpoint.

    status: ``callable`` (see ``callback``), ``missing``, ``misspelt`` (``key`` holds the spelling),
    ``non_callable`` (``literal`` holds the PHP literal) or ``unknown``.
    """

    status: str
    span: Span | None
    callback: Callback | None = None
    key: str | None = None
    literal: str | None = None
    reason: str = ""  # for ``unknown``: what could not be resolved


@dataclass(frozen=True, slots=True)
class RestEndpoint:
    """One endpoint (methods + callbacks) of a route registered with ``register_rest_route``."""

    namespace: str | None
    route: str | None
    methods: frozenset[str] | None  # None: not known
    permission: Permission
    callback: Callback | None
    span: Span  # the endpoint array
    registration: Span  # the register_rest_route call
    # Validate callbacks of the endpoint's required arguments: they run before the callback (§2.4).
    validators: tuple[Callback, ...] = ()
    unresolved: tuple[str, ...] = ()  # why the methods or the permission could not be told: not checked
    path_unknown: str | None = None  # why the namespace or route could not be told (checked all the same)

    @property
    def resolved(self) -> bool:
        """Checked: its methods and permission are known (an unknown path only blurs its name)."""
        return not self.unresolved

    @property
    def path(self) -> str | None:
        if self.namespace is None or self.route is None:
            return None
        return "/" + self.namespace.strip("/") + "/" + self.route.strip("/")

    @property
    def display_path(self) -> str:
        ns = self.namespace.strip("/") if self.namespace is not None else "…"
        route = self.route.strip("/") if self.route is not None else "…"
        return f"/{ns}/{route}"

    @property
    def write_methods(self) -> frozenset[str]:
        return (self.methods or frozenset()) & wordpress.WRITE_METHODS


def _php_literal(value: Known) -> str:
    v = value.value
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return repr(v)
    return str(v)


def _levenshtein(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


_PERMISSION_LIKE = re.compile(r"^perm(ission)?s?_?(call_?backs?|cbs?|checks?|callables?)$")


def looks_like_permission_key(key: str) -> bool:
    """A key that was meant to be ``permission_callback`` (core ignores it)."""
    norm = key.strip().lower().replace("-", "_").replace(" ", "_")
    if key == wordpress.PERMISSION_CALLBACK_KEY:
        return False
    return norm == wordpress.PERMISSION_CALLBACK_KEY or _levenshtein(norm, wordpress.PERMISSION_CALLBACK_KEY) <= 3 or bool(_PERMISSION_LIKE.match(norm))


def _var_names(expr: ir.Expr | None) -> Iterator[str]:
    """Variable names an expression mentions (iteratively; closures are not entered)."""
    stack = [expr]
    while stack:
        node = stack.pop()
        if node is None:
            continue
        if isinstance(node, ir.Var):
            yield node.name
            continue
        for name in getattr(node, "__slots__", ()):
            child = getattr(node, name, None)
            if isinstance(child, ir.Expr) and not isinstance(child, ir.Closure):
                stack.append(child)
            elif isinstance(child, tuple):
                for item in child:
                    if isinstance(item, ir.Expr):
                        stack.append(item)
                    elif isinstance(item, (ir.ArrItem, ir.Arg)):
                        stack.extend([getattr(item, "key", None), item.value])


class RouteResolver:
    """Evaluates the plugin's register_rest_route calls with the model's symbol table and evaluator."""

    def __init__(self, index: SymbolIndex, evaluator: Evaluator) -> None:
        self.index = index
        self.evaluator = evaluator
        self.errors: list[tuple[str, str]] = []  # (path, message): route calls whose resolution failed
        self.unresolved_calls: set[tuple[str, int]] = set()  # route calls with an unknown path or permission
        self.routes_failed = False  # a register_rest_route call could not be resolved at all

    def _core_controller(self, class_name: str) -> str | None:
        """The core REST controller (``WP_REST_Controller``, ``WP_REST_Posts_Controller`` …) the plugin's class
        extends, if its lineage ends in one."""
        lineage = self.index.lineage(self.index.class_(class_name))
        top = (lineage[-1].parent or "").lstrip("\\") if lineage else ""
        low = top.rsplit("\\", 1)[-1].lower()
        return top if low.startswith("wp_rest_") and low.endswith("_controller") else None

    def _inherited_core_method(self, class_name: str, method: str) -> str | None:
        """What an inherited method of a core controller is: WP_REST_Controller's permission checks and route
        handlers answer a WP_Error ("not implemented", 501) and change nothing; another core controller's
        permission check is core's own capability check."""
        core = self._core_controller(class_name)
        low = method.lower()
        if core is None:
            return None
        if core.lower() == "wp_rest_controller":
            if low.endswith("_permissions_check"):
                return "__return_false"
            return f"WP_REST_Controller::{method}" if low in wordpress.REST_CONTROLLER_METHODS else None
        return f"{core}::{method}" if low.endswith("_permissions_check") else None

    def _reads_reflection(self, scope: ir.FunctionFact) -> bool:
        """The function registering the route (or one enclosing it) reads attributes or doc comments through
        reflection."""
        current: ir.FunctionFact | None = scope
        for _ in range(8):
            if current is None:
                return False
            if _uses_reflection(current):
                return True
            current = self.index.by_key.get(current.parent_key) if current.parent_key else None
        return False

    def resolve_callable(self, value: Value, env: Env) -> Callback:
        span = value.span
        if isinstance(value, ClosureV):
            kind = "arrow function" if value.function.kind == "arrow" else "closure"
            return Callback("plugin", kind, span, value.function, value.class_name)
        if isinstance(value, Known) and isinstance(value.value, str):
            text = value.value.lstrip("\\")
            if "::" in text:
                cls, _, method = text.partition("::")
                fn = self.index.method(cls, method)
                return Callback("plugin" if fn else "unknown", f"'{value.value}'", span, fn, cls)
            low = text.lower()
            if low in wordpress.CORE_ALWAYS_TRUE | wordpress.CORE_DENY | wordpress.CORE_USER_CHECKS or low in wordpress.CORE_NON_BOOLEAN_GRANT:
                return Callback("core", low, span)
            fn = self.index.function(text)
            return Callback("plugin" if fn else "unknown", f"'{value.value}'", span, fn)
        if isinstance(value, ArrayV) and len(value.items) == 2:
            (k0, target), (k1, method) = value.items
            if k0 == 0 and k1 == 1 and isinstance(method, Known) and isinstance(method.value, str):
                cls = None
                label = "?"
                if isinstance(target, ObjectV):
                    cls = target.cls
                    label = "$this"
                elif isinstance(target, Known) and isinstance(target.value, str):
                    cls = target.value
                    label = f"'{target.value}'"
                method_name = method.value.rsplit("::", 1)[-1]
                fn = self.index.method(cls, method_name) if cls else None
                inherited = self._inherited_core_method(cls, method_name) if fn is None and cls else None
                if inherited is not None:
                    return Callback("core", inherited, span, None, cls)
                return Callback("plugin" if fn else "unknown", f"[ {label}, '{method.value}' ]", span, fn, cls)
        return Callback("unknown", "a callable the analyzer cannot resolve", span)

    # --- routes -------------------------------------------------------------------------------------

    def classes_running(self, scope: ir.FunctionFact) -> list[str | None]:
        """The classes ``$this`` / ``static`` can be while ``scope`` runs (see _classes_for)."""
        return self._classes_for(scope)

    def _classes_for(self, scope: ir.FunctionFact) -> list[str | None]:
        """Classes ``$this`` / ``static`` can be when ``scope`` runs: a method written in an (abstract) base
        class runs for each concrete subclass, whose overrides it then calls (late static binding)."""
        if not scope.class_name:
            return [None]
        own = self.index.class_(scope.class_name)
        concrete = [c.name for c in self.index.descendants(scope.class_name) if not c.abstract]
        if not concrete:
            return [scope.class_name]
        return ([scope.class_name] if own is not None and not own.abstract else []) + concrete

    def _environments(self, call: ir.RouteCall) -> Iterator[Env]:
        scope = call.scope
        used = set()
        for expr in (call.namespace, call.route, call.args):
            used.update(_var_names(expr))
        param_names = {p.name for p in scope.params}
        # (class of $this, bindings, where each binding starts)
        bases: list[tuple[str | None, dict[str, Value], dict[str, int]]] = [(c, {}, {}) for c in self._classes_for(scope)]
        if scope.kind in ("function", "method") and used & param_names:
            # A wrapper such as my_register( $route, $args ): evaluate once per call site.
            sites = self._wrapper_sites(scope)
            if sites:
                bases = []
                for caller, site, this in sites[:MAX_INSTANCES]:
                    self.evaluator.reset()
                    bindings = self.evaluator.bind(scope, site.call.args, Env(caller, caller.class_name, site.offset))
                    bases.append((this, bindings, {name: -1 for name in bindings}))
        produced = 0
        for class_name, bindings, bound_at in bases:
            for loop_bindings, loop_bound_at in self._loop_bindings(call, class_name, bindings, bound_at):
                produced += 1
                if produced > MAX_INSTANCES:
                    return
                yield Env(scope, class_name, call.offset, loop_bindings, 0, loop_bound_at)

    def _wrapper_sites(self, scope: ir.FunctionFact) -> list[tuple[ir.FunctionFact, ir.CallSite, str | None]]:
        """Call sites that run ``scope``, with the class ``$this`` has there. A method call counts only when
        its object (``$this``, ``self::``, ``$router`` …) is an instance of a class that has this method,
        so an unrelated ``->add_route()`` cannot feed arguments into the wrong wrapper."""
        found = []
        for caller, site in self.index.sites_calling(scope):
            call = site.call
            if scope.kind == "function":
                found.append((caller, site, None))
                continue
            env = Env(caller, caller.class_name, site.offset)
            if isinstance(call, ir.MethodCall):
                self.evaluator.reset()
                obj = self.evaluator.eval(call.obj, env)
                cls = obj.cls if isinstance(obj, ObjectV) else None
            elif isinstance(call, ir.StaticCall):
                cls = caller.class_name if call.scope in ("self", "static", "parent") else call.scope
            else:
                cls = None
            if cls is not None and self.index.method(cls, scope.name or "") is scope:
                found.append((caller, site, cls))
        return found

    def _loop_bindings(
        self, call: ir.RouteCall, class_name: str | None, bindings: dict[str, Value], bound_at: dict[str, int]
    ) -> Iterator[tuple[dict[str, Value], dict[str, int]]]:
        levels: list[list[dict[str, Value]]] = []
        starts: dict[str, int] = {}
        for loop in call.foreach:
            env = Env(call.scope, class_name, loop.offset, bindings, 0, bound_at)
            source = self.evaluator.evaluate(loop.source, env)
            for name in (loop.key, loop.value):
                if name:
                    starts[name] = loop.offset
            if not isinstance(source, ArrayV) or not source.items:
                levels.append([{}])  # unknown collection: its variables stay unknown
                continue
            iterations = []
            for key, value in source.items:
                binding: dict[str, Value] = {}
                if loop.key:
                    binding[loop.key] = Known(source.key_span(key) or loop.span, key)
                if loop.value:
                    binding[loop.value] = value
                iterations.append(binding)
            levels.append(iterations)
        for combination in itertools.islice(itertools.product(*levels), MAX_INSTANCES):
            merged = dict(bindings)
            merged_at = dict(bound_at)
            for binding in combination:
                merged.update(binding)
                merged_at.update({name: starts[name] for name in binding})
            yield merged, merged_at

    def resolve(self, php_files) -> Iterator[RestEndpoint]:
        """Every endpoint of every register_rest_route call in ``php_files``, each once."""
        seen: set[tuple] = set()
        for facts in php_files:
            for call in facts.routes:
                try:
                    endpoints = [e for env in self._environments(call) for e in self._route_endpoints(call, env)]
                except Exception as error:  # keep every other route
                    self.errors.append((call.span.path, f"line {call.span.line}: could not resolve this route ({type(error).__name__}: {error})"))
                    self.routes_failed = True  # client-side rules must not claim a route is missing
                    endpoints = [_unresolved(call, f"the analyzer failed on it ({type(error).__name__})")]
                for endpoint in endpoints:
                    if not endpoint.resolved or endpoint.path is None:
                        self.unresolved_calls.add((call.span.path, call.offset))
                    identity = (endpoint.span, endpoint.permission.span, endpoint.namespace, endpoint.route, endpoint.methods)
                    if identity not in seen:
                        seen.add(identity)
                        yield endpoint

    def _route_endpoints(self, call: ir.RouteCall, env: Env) -> Iterator[RestEndpoint]:
        ev = self.evaluator
        namespace_value, route_value = ev.evaluate(call.namespace, env), ev.evaluate(call.route, env)
        namespace, route = php_string(namespace_value), php_string(route_value)
        path_unknown = "; ".join(
            [f"namespace not known: {_reason(namespace_value)}"] * (namespace is None) + [f"route not known: {_reason(route_value)}"] * (route is None)
        ) or None
        if call.args is None:
            yield _unresolved(call, "no endpoint arguments were passed", namespace, route)
            return
        args = ev.evaluate(call.args, env)
        reflection = self._reads_reflection(call.scope)
        for value in self._endpoint_values(args):
            endpoint = replace(self._endpoint(namespace, route, value, call, env, ()), path_unknown=path_unknown)
            if reflection and (endpoint.unresolved or path_unknown):
                why = "declared by attributes or doc comments that this code reads through reflection"
                endpoint = replace(endpoint, unresolved=(why, *endpoint.unresolved))
            yield endpoint

    @staticmethod
    def _endpoint_values(args: Value) -> list[Value]:
        """register_rest_route's own reading of $args (§4.1): one endpoint, or a list of them."""
        if not isinstance(args, ArrayV):
            return [args]
        if args.get("callback") is not None:
            return [args]
        endpoints = [v for k, v in args.items if isinstance(k, int)]
        if not endpoints and not args.complete:
            return [Unknown(args.span, "endpoints not known")]
        return endpoints

    def _endpoint(
        self, namespace: str | None, route: str | None, value: Value, call: ir.RouteCall, env: Env, reasons: tuple[str, ...]
    ) -> RestEndpoint:
        span = value.span or call.span
        if not isinstance(value, ArrayV):
            why = reasons[-1] if reasons and "reflection" in reasons[-1] else f"endpoint arguments not known: {_reason(value)}"
            return RestEndpoint(namespace, route, None, Permission("unknown", None, reason=why), None, span, call.span, (), (*reasons, why) if why not in reasons else reasons)
        methods = self._methods(value)
        callback_value = value.get("callback")
        callback = self.resolve_callable(callback_value, env) if callback_value is not None else None
        permission = self._permission(value, env)
        if methods is None:
            reasons += (f"methods not known: {_reason(value.get('methods'))}",)
        if permission.status == "unknown":
            reasons += (f"permission_callback not known: {permission.reason}",)
        elif permission.callback is not None and permission.callback.kind == "unknown":
            reasons += (f"permission_callback {permission.callback.name} is not defined in the plugin",)
        return RestEndpoint(namespace, route, methods, permission, callback, span, call.span, self._validators(value, env), reasons)

    def _validators(self, endpoint: ArrayV, env: Env) -> tuple[Callback, ...]:
        """validate_callback of each required argument: core runs it before the permission check and the
        callback, and answers 400 when it fails (§2.4)."""
        args = endpoint.get("args")
        if not isinstance(args, ArrayV):
            return ()
        found = []
        for _, spec in args.items:
            if not isinstance(spec, ArrayV):
                continue
            required, validate = spec.get("required"), spec.get("validate_callback")
            if isinstance(required, Known) and required.value is True and validate is not None and not isinstance(validate, Unknown):
                found.append(self.resolve_callable(validate, env))
        return tuple(found)

    @staticmethod
    def _methods(endpoint: ArrayV) -> frozenset[str] | None:
        value = endpoint.get("methods")
        if value is None:
            return frozenset({"GET"}) if endpoint.complete else None  # core's default (§4.2)
        parts: list[Value] = list(v for _, v in value.items) if isinstance(value, ArrayV) else [value]
        methods: set[str] = set()
        for part in parts:
            text = php_string(part)
            if text is None:
                return None
            methods.update(m.strip().upper() for m in text.split(",") if m.strip())
        return frozenset(methods)

    def _permission(self, endpoint: ArrayV, env: Env) -> Permission:
        key = wordpress.PERMISSION_CALLBACK_KEY
        value = endpoint.get(key)
        if value is None:
            if not endpoint.complete:
                return Permission("unknown", None, reason="the endpoint array is merged with values not known")
            for other in endpoint.keys():
                if isinstance(other, str) and looks_like_permission_key(other):
                    return Permission("misspelt", endpoint.key_span(other) or endpoint.span, key=other)
            return Permission("missing", endpoint.span)
        if isinstance(value, Known):
            # null, false, '' and true are not callables: core skips the check (§2.6, B15, B21).
            if value.value is None or isinstance(value.value, bool) or value.value == "" or not isinstance(value.value, str):
                literal = _php_literal(value) + (f" ({value.origin})" if value.origin else "")
                return Permission("non_callable", value.span, literal=literal)
        if isinstance(value, Unknown):
            return Permission("unknown", value.span, reason=value.reason or "not known")
        return Permission("callable", value.span, self.resolve_callable(value, env))


def _reason(value: Value | None) -> str:
    if isinstance(value, Unknown) and value.reason:
        return value.reason
    return "not known" if value is None or isinstance(value, Unknown) else "not a string"


def _unresolved(call: ir.RouteCall, why: str, namespace: str | None = None, route: str | None = None) -> RestEndpoint:
    return RestEndpoint(namespace, route, None, Permission("unknown", None, reason=why), None, call.span, call.span, (), (why,))


_REFLECTION = re.compile(r"^(getattributes|getdoccomment|getmethods|newinstance|getarguments)$", re.IGNORECASE)


def _uses_reflection(scope: ir.FunctionFact) -> bool:
    return any(isinstance(site.call, ir.MethodCall) and _REFLECTION.match(site.call.name) for site in scope.calls) or any(
        c.new.cls.lower().startswith("reflection") for c in scope.creations
    )
