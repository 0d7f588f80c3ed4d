"""The plugin model: facts from every file, joined once, for rules to read.

Server side, it resolves every ``register_rest_route`` call into endpoints (:mod:`analyzer.php.routes`), the
``rest_authentication_errors`` hooks, and — on demand — what each endpoint exposes: the effects its callback
can reach and the credential checked before them (:mod:`analyzer.exposure`). Client side, it joins nonces and
requests with the routes (:mod:`analyzer.client`). Where resolution gives up the model says so (``None``
methods, an ``unknown`` permission with its reason, an ``unknown`` effect) and rules stay silent or say what
could not be followed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from analyzer import wordpress
from analyzer.php import behaviour, ir, stores
from analyzer.php.evaluate import Env, Evaluator, Known, Value
from analyzer.php.hooks import HookIndex
from analyzer.php.routes import (  # noqa: F401  (re-exported: rules import them from the model)
    MAX_INSTANCES,
    Callback,
    Permission,
    RestEndpoint,
    RouteResolver,
    looks_like_permission_key,
)
from analyzer.php.symbols import SymbolIndex
from analyzer.source import Span


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


class PluginModel:
    """All facts of one plugin, joined."""

    def __init__(self, php_files: Iterable[ir.PhpFacts], js_files: Iterable = (), block_files: Iterable = (), script_files: Iterable = ()) -> None:
        self.php_files = tuple(sorted(php_files, key=lambda f: f.path))
        self.js_files = tuple(sorted(js_files, key=lambda f: f.path))
        # Scripts that run outside the browser (analyzer.scripts.ir.ScriptFacts): Python, Node, shell.
        self.script_files = tuple(sorted(script_files, key=lambda f: f.path))
        self.block_files = tuple(block_files)
        self._client = None
        self._exposure = None
        self._stored_values = None
        self.index = SymbolIndex(self.php_files)
        self.hooks = HookIndex(self.index)
        self.evaluator = Evaluator(self.index, self.hooks)
        self.routes = RouteResolver(self.index, self.evaluator)
        self.rest_endpoints: tuple[RestEndpoint, ...] = tuple(self.routes.resolve(self.php_files))
        self.errors: list[tuple[str, str]] = self.routes.errors  # (path, message): constructs whose resolution failed
        self._rest_handlers = self._rest_handler_keys()
        self.auth_filters: tuple[AuthFilter, ...] = tuple(self._resolve_auth_filters())

    @property
    def routes_failed(self) -> bool:
        """A register_rest_route call could not be resolved at all (client rules must not claim a route is missing)."""
        return self.routes.routes_failed

    # --- what endpoints expose (used by rules and `wp-rest-lint routes`) ------------------------------

    @property
    def exposures(self):
        """The analysis behind :meth:`exposure` (:class:`analyzer.exposure.ExposureAnalyzer`), built on first use."""
        if self._exposure is None:
            from analyzer.exposure import ExposureAnalyzer

            self._exposure = ExposureAnalyzer(self.php_files, self.index, self.evaluator, self.hooks, self.resolve_callable)
        return self._exposure

    def exposure(self, endpoint: RestEndpoint):
        """The effects ``endpoint``'s callback can reach and the credential checked before them
        (:class:`analyzer.exposure.Exposure`)."""
        return self.exposures.of(endpoint)

    def open_door(self, endpoint: RestEndpoint):
        """``endpoint``'s permission callback lets every caller through (:class:`analyzer.php.permission.OpenDoor`):
        ``__return_true``, a function that only returns true, or one that never asks who is calling; else None."""
        from analyzer.php.permission import OpenDoor

        permission = endpoint.permission
        cb = permission.callback
        if permission.status != "callable" or cb is None:
            return None
        if cb.kind == "core":
            return OpenDoor(None) if cb.name in wordpress.CORE_ALWAYS_TRUE else None
        if cb.function is None:
            return None
        if behaviour.always_true(cb.function):
            return OpenDoor(cb.function)
        return self.exposures.permissions.open_door(cb.function)

    def unchecked_true_returns(self, fn: ir.FunctionFact):
        """Returns of a rest_authentication_errors callback that answer ``true`` without a credential of the
        request's own checked first: (return, how it can be true, a would-be check that is none or None)."""
        finder = self.exposures.credentials
        taint = finder.taint(fn, (p.name for p in fn.params))
        found = []
        for ret, why in behaviour.true_returns(fn):
            credential, fake = finder.guarding(fn, ret.offset, taint)
            # A capability or login test is passed by the cookie alone: it is what the nonce protects, not a
            # credential the request carries.
            if credential is None or credential.kind in ("capability", "login"):
                found.append((ret, why, credential if credential is not None else fake))
        return found

    # --- callables and classes ------------------------------------------------------------------------

    def resolve_callable(self, value: Value, env: Env) -> Callback:
        return self.routes.resolve_callable(value, env)

    def classes_running(self, scope: ir.FunctionFact) -> list[str | None]:
        """The classes ``$this`` / ``static`` can be while ``scope`` runs."""
        return self.routes.classes_running(scope)

    # --- rest_authentication_errors ---------------------------------------------------------------

    def _resolve_auth_filters(self) -> Iterator[AuthFilter]:
        for facts in self.php_files:
            for hook in facts.hooks:
                if not (isinstance(hook.hook, ir.Lit) and hook.hook.value == "rest_authentication_errors"):
                    continue  # a dispatch filter: see analyzer.exposure
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

    @property
    def stored_values(self):
        """Writes of options and transients (:class:`analyzer.php.stores.StoredValues`), built on first use."""
        if self._stored_values is None:
            self._stored_values = stores.StoredValues(self.index, self.evaluator)
        return self._stored_values

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

    def server_demands(self, callbacks: bool = True) -> set[tuple[str, str]]:
        """What files not parsed yet may hold that would change the answer (demand-driven parsing):

        - ``("define", name)``: a function, class or constant looked up and not found;
        - ``("call", name)``: call sites of a wrapper whose parameters reach register_rest_route, or
          ``new`` sites of a class whose routes did not resolve (they bind its constructor);
        - ``("extends", name)``: subclasses of an abstract class whose methods register routes, or of a class
          whose routes did not resolve (a subclass may supply what is missing);
        - ``("hook", name)``: files that add callbacks to a filter a route table passes through;
        - ``("mention", name)``: files naming an option or constant a route's credential check compares with
          (they may print it to every visitor, which makes it no secret);
        - and the writes of an option or transient a permission callback returns (see ``stores.demands``).
        The client side asks for its own (``ClientModel.demands``). Names are lower-cased short names. ``callbacks=False`` leaves out what following the write routes'
        callbacks asks for (the expensive part: a caller asks for it once the rest is answered).
        """
        stored = stores.demands(self)  # first: resolving the keys notes the constants not found yet
        printed: set[tuple[str, str]] = set()
        for endpoint in self.rest_endpoints if callbacks else ():  # following callbacks notes the functions not found yet
            if endpoint.write_methods:
                exposure = self.exposure(endpoint)
                # Files that may print a secret the route compares with (a template echoing the option).
                for check in (exposure.credential,):
                    if check is not None:
                        printed |= {("mention", key.lower()) for _, key in check.identities}
        wanted = {("define", name) for name in self.index.misses} | stored | printed
        wanted |= {("hook", name.lower()) for name in self.evaluator.filtered_hooks}
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
                    unresolved = (call.span.path, call.offset) in self.routes.unresolved_calls
                    if (cls is not None and cls.abstract) or unresolved:
                        wanted.add(("extends", short))
                    if unresolved:
                        wanted.add(("call", short))  # new Class( … ) sites bind its constructor
        return wanted
