"""The plugin model: facts from every file, joined once, for rules to read.

Routes are resolved here — namespace, route, endpoints, methods and permission callbacks — with the
symbol table and the evaluator, so that every rule sees the same answer. Where resolution gives up the
model says so (``None`` methods, ``unknown`` permission status) and rules stay silent.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from analyzer import wordpress
from analyzer.php import behaviour, ir
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


@dataclass(frozen=True, slots=True)
class AuthFilter:
    """``add_filter`` / ``remove_filter`` / ``remove_all_filters`` on ``rest_authentication_errors``."""

    function: str
    callback: Callback | None
    priority: int | None  # None: not known
    priority_given: bool
    span: Span
    # Added while a REST request is already being served (inside a route's callback or permission
    # callback): core applied rest_authentication_errors before dispatch, so it changes nothing then.
    in_rest_handler: bool = False
    # The same code also removes core's cookie validators from determine_current_user: cookies no longer
    # log anyone in through core, so there is no cookie session for the nonce check to protect.
    cookie_auth_removed: bool = False


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


class PluginModel:
    """All facts of one plugin, joined."""

    def __init__(self, php_files: Iterable[ir.PhpFacts], js_files: Iterable = (), block_files: Iterable = (), script_files: Iterable = ()) -> None:
        self.php_files = tuple(sorted(php_files, key=lambda f: f.path))
        self.js_files = tuple(sorted(js_files, key=lambda f: f.path))
        # Scripts that run outside the browser (analyzer.scripts.ir.ScriptFacts): Python, Node, shell.
        self.script_files = tuple(sorted(script_files, key=lambda f: f.path))
        self.block_files = tuple(block_files)
        self._client = None
        self.index = SymbolIndex(self.php_files)
        self.evaluator = Evaluator(self.index)
        self._unresolved_calls: set[tuple[str, int]] = set()  # route calls with an unknown path or permission
        self.routes_failed = False  # a register_rest_route call could not be resolved at all
        self.errors: list[tuple[str, str]] = []  # (path, message): constructs whose resolution failed
        self.rest_endpoints: tuple[RestEndpoint, ...] = tuple(self._resolve_routes())
        self._rest_handlers = self._rest_handler_keys()
        self.auth_filters: tuple[AuthFilter, ...] = tuple(self._resolve_auth_filters())

    # --- behaviour of callbacks (used by rules) -----------------------------------------------------

    def credential_check(self, fn: ir.FunctionFact) -> behaviour.Evidence | None:
        return behaviour.credential_check(fn, self.index)

    def unchecked_true_returns(self, fn: ir.FunctionFact):
        return behaviour.unchecked_true_returns(fn, self.index)

    # --- callables ----------------------------------------------------------------------------------

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

    def _resolve_routes(self) -> Iterator[RestEndpoint]:
        seen: set[tuple] = set()
        for facts in self.php_files:
            for call in facts.routes:
                try:
                    endpoints = [e for env in self._environments(call) for e in self._route_endpoints(call, env)]
                except Exception as error:  # keep every other route
                    self.errors.append((call.span.path, f"line {call.span.line}: could not resolve this route ({type(error).__name__}: {error})"))
                    self.routes_failed = True  # client-side rules must not claim a route is missing
                    continue
                for endpoint in endpoints:
                    if endpoint.path is None or endpoint.permission.status == "unknown":
                        self._unresolved_calls.add((call.span.path, call.offset))
                    identity = (endpoint.span, endpoint.permission.span, endpoint.namespace, endpoint.route, endpoint.methods)
                    if identity not in seen:
                        seen.add(identity)
                        yield endpoint

    def _route_endpoints(self, call: ir.RouteCall, env: Env) -> Iterator[RestEndpoint]:
        ev = self.evaluator
        namespace = php_string(ev.evaluate(call.namespace, env))
        route = php_string(ev.evaluate(call.route, env))
        if call.args is None:
            return
        args = ev.evaluate(call.args, env)
        for endpoint in self._endpoint_values(args):
            yield self._endpoint(namespace, route, endpoint, call, env)

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

    def _endpoint(self, namespace: str | None, route: str | None, value: Value, call: ir.RouteCall, env: Env) -> RestEndpoint:
        span = value.span or call.span
        if not isinstance(value, ArrayV):
            return RestEndpoint(namespace, route, None, Permission("unknown", None), None, span, call.span)
        methods = self._methods(value)
        callback_value = value.get("callback")
        callback = self.resolve_callable(callback_value, env) if callback_value is not None else None
        return RestEndpoint(namespace, route, methods, self._permission(value, env), callback, span, call.span)

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
                return Permission("unknown", None)
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
            return Permission("unknown", value.span)
        return Permission("callable", value.span, self.resolve_callable(value, env))

    # --- rest_authentication_errors ---------------------------------------------------------------

    def _resolve_auth_filters(self) -> Iterator[AuthFilter]:
        for facts in self.php_files:
            for hook in facts.hooks:
                try:
                    yield self._auth_filter(hook)
                except Exception as error:  # keep every other hook
                    self.errors.append((hook.span.path, f"line {hook.span.line}: could not resolve this hook ({type(error).__name__}: {error})"))

    def _rest_handler_keys(self) -> set[tuple[str, int]]:
        keys = set()
        for endpoint in self.rest_endpoints:
            for cb in (endpoint.callback, endpoint.permission.callback):
                if cb is not None and cb.function is not None:
                    keys.add(cb.function.key)
        return keys

    def _inside_rest_handler(self, fn: ir.FunctionFact) -> bool:
        seen = 0
        current: ir.FunctionFact | None = fn
        while current is not None and seen < 16:
            if current.key in self._rest_handlers:
                return True
            current = self.index.by_key.get(current.parent_key) if current.parent_key else None
            seen += 1
        return False

    @staticmethod
    def _removes_cookie_validators(fn: ir.FunctionFact) -> bool:
        for site in fn.calls:
            call = site.call
            if not isinstance(call, ir.Call) or call.name.lower() not in ("remove_filter", "remove_all_filters") or not call.args:
                continue
            hook = call.args[0].value
            if isinstance(hook, ir.Lit) and hook.value == "determine_current_user":
                target = call.args[1].value if len(call.args) > 1 else None
                if call.name.lower() == "remove_all_filters" or (
                    isinstance(target, ir.Lit) and target.value == "wp_validate_logged_in_cookie"
                ):
                    return True
        return False

    def _auth_filter(self, hook: ir.HookCall) -> AuthFilter:
        env = Env(hook.scope, hook.scope.class_name, hook.offset)
        callback = None
        if hook.callback is not None:
            callback = self.resolve_callable(self.evaluator.evaluate(hook.callback, env), env)
        priority: int | None = 10  # add_filter's default
        if hook.priority is not None:
            value = self.evaluator.evaluate(hook.priority, env)
            known = isinstance(value, Known) and isinstance(value.value, int) and not isinstance(value.value, bool)
            priority = value.value if known else None
        return AuthFilter(
            hook.function,
            callback,
            priority,
            hook.priority is not None,
            hook.span,
            self._inside_rest_handler(hook.scope),
            self._removes_cookie_validators(hook.scope),
        )

    # --- for tests and tooling -------------------------------------------------------------------

    @property
    def client(self):
        """The client-side joins (:class:`analyzer.client.ClientModel`), built on first use."""
        if self._client is None:
            from analyzer.client import ClientModel

            self._client = ClientModel(self, self.js_files, self.block_files)
        return self._client

    def rest_handler(self, fn: ir.FunctionFact) -> bool:
        """Whether ``fn`` runs as a route's callback or permission callback."""
        return fn.key in self._rest_handlers

    def fact_lines(self) -> set[tuple[str, int]]:
        """(path, line) of every place the model holds a fact about: what an ``ok:`` annotation may name."""
        lines: set[tuple[str, int]] = set(self.client.fact_lines())
        from analyzer.scripts.php_remote import remote_requests

        for request in [r for f in self.script_files for r in f.requests] + remote_requests(self.php_files):
            lines.update((s.path, s.line) for s in (request.span, request.sent.nonce, request.sent.cookie) if s is not None)
        for e in self.rest_endpoints:
            for span in (e.span, e.registration, e.permission.span):
                if span is not None:
                    lines.add((span.path, span.line))
            if e.permission.callback is not None and e.permission.callback.function is not None:
                fn = e.permission.callback.function
                lines.add((fn.span.path, fn.span.line))
                lines.update((r.span.path, r.span.line) for r in fn.returns)
        for f in self.auth_filters:
            lines.add((f.span.path, f.span.line))
            if f.callback is not None and f.callback.function is not None:
                lines.update((r.span.path, r.span.line) for r in f.callback.function.returns)
        return lines

    def demands(self) -> set[tuple[str, str]]:
        """What files not parsed yet may hold that would change the answer (demand-driven parsing):

        - ``("define", name)``: a function, class or constant looked up and not found;
        - ``("call", name)``: call sites of a wrapper whose parameters reach register_rest_route, or
          ``new`` sites of a class whose routes did not resolve (they bind its constructor);
        - ``("extends", name)``: subclasses of an abstract class whose methods register routes, or of a class
          whose routes did not resolve (a subclass may supply what is missing);
        - and what the client-side joins miss (see ``ClientModel.demands``).
        Names are lower-cased short names.
        """
        wanted = {("define", name) for name in self.index.misses}
        for facts in self.php_files:
            for call in facts.routes:
                scope = call.scope
                if scope.kind in ("closure", "arrow") and scope.parent_key is not None:
                    scope = self.index.by_key.get(scope.parent_key, scope)
                if scope.kind in ("function", "method") and scope.params and scope.name:
                    wanted.add(("call", scope.name.rsplit("\\", 1)[-1].lower()))
                if scope.class_name:
                    cls = self.index.class_(scope.class_name)
                    short = scope.class_name.rsplit("\\", 1)[-1].lower()
                    unresolved = (call.span.path, call.offset) in self._unresolved_calls
                    if (cls is not None and cls.abstract) or unresolved:
                        wanted.add(("extends", short))
                    if unresolved:
                        wanted.add(("call", short))  # new Class( … ) sites bind its constructor
        wanted |= self.client.demands()
        return wanted
