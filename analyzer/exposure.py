"""What an endpoint exposes to whoever calls it: the effects its callback can reach, and the credential (if
any) that stands in front of them.

This joins :mod:`analyzer.php.effects` (what the callback changes) with :mod:`analyzer.php.credentials`
(what it verifies first, in the callback, a required argument's ``validate_callback``, or a dispatch filter
scoped to the route) and with what the plugin prints to every visitor (a "secret" printed there is none).
Rules read :class:`Exposure`; the level policy itself (RULES.md "How loud") lives in the rules.
"""

from __future__ import annotations

from dataclasses import dataclass

from analyzer import wordpress
from analyzer import wordpress_effects as wpe
from analyzer.php import ir
from analyzer.php.credentials import Check, CredentialFinder, secret_identity_of
from analyzer.php.effects import Effect, EffectAnalyzer, Effects
from analyzer.php.evaluate import Env
from analyzer.php.flow import Taint
from analyzer.php.hooks import HookIndex
from analyzer.php.routes import Callback, RestEndpoint
from analyzer.php.symbols import SymbolIndex
from analyzer.source import Span


@dataclass(frozen=True, slots=True)
class Exposure:
    """An endpoint's effects and the credential checked before them."""

    effects: Effects  # everything the callback can change
    unprotected: Effects  # what it can change before (or without) a credential
    credential: Check | None  # the first check that stops a stranger, if any
    non_credentials: tuple[Check, ...] = ()  # checks that stop nobody: printed or source "secrets", login only

    @property
    def cls(self) -> str:
        """The class of the worst effect reachable without a credential: privileged, unknown, own or none."""
        return self.unprotected.cls

    @property
    def worst(self) -> Effect | None:
        return self.unprotected.worst

    @property
    def printed_secret(self) -> Check | None:
        return next((c for c in self.non_credentials if c.kind in ("printed", "source")), None)

    @property
    def login_check(self) -> Check | None:
        return next((c for c in self.non_credentials if c.kind == "login"), None)


@dataclass(frozen=True, slots=True)
class DispatchFilter:
    """A callback on rest_pre_dispatch / rest_request_before_callbacks / rest_authentication_errors."""

    hook: str
    function: ir.FunctionFact
    span: Span


class ExposureAnalyzer:
    def __init__(self, php_files, index: SymbolIndex, evaluator, hooks: HookIndex, resolve_callable) -> None:
        self.index = index
        self.hooks = hooks
        self.effects = EffectAnalyzer(index, evaluator, lambda hook: [(h.function, h.class_name) for h in hooks.callbacks(hook)])
        self.credentials = CredentialFinder(index, self._printed(php_files))
        self.dispatch_filters = tuple(self._dispatch_filters(php_files, evaluator, resolve_callable))
        self._cache: dict[tuple, Exposure] = {}

    # --- what the plugin prints to every visitor --------------------------------------------------

    def _admin_only(self, fn: ir.FunctionFact) -> bool:
        """``fn`` runs only on admin screens: every hook it (or a function calling it) is added to is an admin
        hook. Not knowing the hook means not admin-only."""
        hooks = set(self.hooks.hooks_of(fn))
        for caller, _ in self.index.sites_calling(fn)[:16]:
            hooks |= self.hooks.hooks_of(caller)
        return bool(hooks) and all(h.startswith(wordpress.ADMIN_HOOK_PREFIXES) for h in hooks)

    def _printed(self, php_files) -> dict[tuple, tuple[Span, str]]:
        printed: dict[tuple, tuple[Span, str]] = {}

        def note(identities, span: Span, how: str) -> None:
            for identity in sorted(identities):
                printed.setdefault(identity, (span, how))

        for facts in php_files:
            for fn in (facts.file_scope, *facts.all_functions):
                for site in fn.calls:
                    call = site.call
                    if not isinstance(call, ir.Call):
                        continue
                    position = wordpress.PRINTING_FUNCTIONS.get(call.name.rsplit("\\", 1)[-1].lower())
                    if position is None:
                        continue
                    args = [a.value for a in call.args if not a.spread]
                    values = args if position < 0 else args[position : position + 1]
                    identities = set().union(*(secret_identity_of(v, fn) for v in values)) if values else set()
                    if identities and not self._admin_only(fn):
                        note(identities, call.span, f"{call.name}()")
            for output in facts.outputs:
                identities = secret_identity_of(output.value, output.scope)
                if identities and not self._admin_only(output.scope):
                    how = "a data-* attribute" if "data-" in output.html_before[-80:] else "the page"
                    note(identities, output.span, f"printed into {how}")
        return printed

    # --- dispatch filters ---------------------------------------------------------------------------

    def _dispatch_filters(self, php_files, evaluator, resolve_callable):
        from analyzer.php.callables import callable_target

        for facts in php_files:
            for hook in facts.hooks:
                name = hook.hook.value if isinstance(hook.hook, ir.Lit) else None
                if hook.function != "add_filter" or name not in wordpress.DISPATCH_HOOKS or hook.callback is None:
                    continue
                env = Env(hook.scope, hook.scope.class_name, hook.offset)
                target = callable_target(evaluator.evaluate(hook.callback, env), self.index)
                if target is not None:
                    yield DispatchFilter(name, target[0], hook.span)

    def _scoped_to(self, flt: DispatchFilter, endpoint: RestEndpoint) -> bool:
        """The filter names this route (or its namespace) in a literal: it is about this route."""
        path = (endpoint.path or "").strip("/").lower()
        if not path:
            return False
        for literal in self.credentials.mentions(flt.function):
            text = literal.strip().strip("/^$#@").lower()
            if len(text) >= 3 and "/" in text and path.startswith(text):
                return True
            if len(text) >= 3 and endpoint.namespace and text == endpoint.namespace.strip("/").lower():
                return True
        return False

    # --- per endpoint -------------------------------------------------------------------------------

    def of(self, endpoint: RestEndpoint) -> Exposure:
        callback = endpoint.callback
        key = (callback.function.key if callback and callback.function else None, callback.class_name if callback else None, endpoint.path, tuple(v.span for v in endpoint.validators))
        if key[0] is not None and key in self._cache:
            return self._cache[key]
        exposure = self._of(endpoint, callback)
        if key[0] is not None:
            self._cache[key] = exposure
        return exposure

    def _of(self, endpoint: RestEndpoint, callback: Callback | None) -> Exposure:
        if callback is None or callback.function is None:
            name = callback.name if callback is not None else "no callback"
            span = callback.span if callback is not None and callback.span is not None else endpoint.span
            effects = Effects((Effect(wpe.UNKNOWN, "unresolved", name, "the callback could not be resolved", span),), resolved=False)
            checks: list[Check] = []
        else:
            fn = callback.function
            effects = self.effects.of_callback(fn, callback.class_name or fn.class_name)
            checks = self.credentials.gates(fn, Taint(fn, frozenset(p.name for p in fn.params[:1])))
        # Checks that run before the callback: required arguments' validators, scoped dispatch filters.
        for validator in endpoint.validators:
            if validator.function is not None:
                check = self.credentials.returns_verdict(validator.function)
                if check is not None:
                    checks.insert(0, Check(check.kind, f"{check.description} in the argument's validate_callback", check.span, -1, check.printed, check.printed_how))
        for flt in self.dispatch_filters:
            if self._scoped_to(flt, endpoint):
                fn = flt.function
                for check in self.credentials.gates(fn, Taint(fn, frozenset(p.name for p in fn.params))):
                    checks.insert(0, Check(check.kind, f"{check.description} in a {flt.hook} filter", check.span, -1, check.printed, check.printed_how))
                    break
        credential = next((c for c in sorted(checks, key=lambda c: c.offset) if c.lowers), None)
        others = tuple(c for c in checks if not c.lowers)
        if credential is None:
            return Exposure(effects, effects, None, others)
        unprotected = tuple(e for e in effects.effects if 0 <= e.entry < credential.offset)
        return Exposure(effects, Effects(unprotected, effects.resolved), credential, others)

