"""What an endpoint exposes to whoever calls it: the effects its callback can reach, and the credential (if
any) that stands in front of them.

This joins :mod:`analyzer.php.effects` (what the callback changes) with :mod:`analyzer.php.credentials`
(what it verifies first, in the callback, a required argument's ``validate_callback``, or a dispatch filter
scoped to the route) and with what the plugin prints to every visitor (a "secret" printed there is none).
Rules read :class:`Exposure`; the level policy itself (RULES.md "How loud") lives in the rules.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from analyzer import wordpress
from analyzer import wordpress_effects as wpe
from analyzer.php import ir
from analyzer.php.behaviour import stops, test_polarity
from analyzer.php.credentials import Check, CredentialFinder, secret_identity_of
from analyzer.php.effects import Effect, EffectAnalyzer, Effects
from analyzer.php.evaluate import Env
from analyzer.php.flow import RequestReaders, function_expressions, walk
from analyzer.php.hooks import HookIndex
from analyzer.php.permission import PermissionJudge
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
        return next((c for c in self.non_credentials if c.kind in ("printed", "source", "bypass")), None)

    @property
    def login_check(self) -> Check | None:
        return next((c for c in self.non_credentials if c.kind == "login"), None)


@dataclass(frozen=True, slots=True)
class DispatchFilter:
    """A callback on rest_pre_dispatch / rest_request_before_callbacks / rest_authentication_errors."""

    hook: str
    function: ir.FunctionFact
    span: Span


def _guarded_for_users(fn: ir.FunctionFact, offset: int) -> bool:
    """A login or capability check in ``fn`` keeps visitors away from ``offset``."""
    def is_test(node) -> bool:
        return isinstance(node, ir.Call) and node.name.rsplit("\\", 1)[-1].lower() in _USER_TESTS

    for guard in fn.guards:
        polarity = test_polarity(guard.condition, is_test, fn=fn)
        if polarity == "positive" and guard.body_start <= offset < guard.body_end:
            return True
        if polarity == "negative" and guard.body_end <= offset and stops(fn, guard.body_start, guard.body_end):
            return True
    return False


_USER_TESTS = wordpress.CAPABILITY_CHECK_FUNCTIONS | frozenset({"is_user_logged_in", "is_admin"})
_CASELESS = frozenset({"stripos", "strncasecmp", "strcasecmp", "mb_stripos", "strtolower", "mb_strtolower", "str_contains_ci"})


def _ignores_case(fn: ir.FunctionFact, literal: str) -> bool:
    """The filter compares the route without regard to case: stripos(), strtolower() of the route, or a
    regular expression with the i flag."""
    for expr in function_expressions(fn):
        for node in walk(expr):
            if isinstance(node, ir.Call):
                name = node.name.rsplit("\\", 1)[-1].lower()
                if name in _CASELESS:
                    return True
                if name.startswith("preg_match") and node.args and isinstance(node.args[0].value, ir.Lit):
                    pattern = str(node.args[0].value.value)
                    if pattern and pattern[-1] != pattern[0] and "i" in pattern[pattern.rfind(pattern[0]) + 1 :]:
                        return True
    return False


class ExposureAnalyzer:
    def __init__(self, php_files, index: SymbolIndex, evaluator, hooks: HookIndex, resolve_callable) -> None:
        self.index = index
        self.hooks = hooks
        readers = RequestReaders(index)
        self.effects = EffectAnalyzer(index, evaluator, lambda hook: [(h.function, h.class_name) for h in hooks.callbacks(hook)], readers)
        self.credentials = CredentialFinder(index, self._printed(php_files), readers)
        self.permissions = PermissionJudge(self.credentials)
        self.dispatch_filters = tuple(self._dispatch_filters(php_files, evaluator, resolve_callable))
        self._cache: dict[tuple, Exposure] = {}

    # --- what the plugin prints to every visitor --------------------------------------------------

    def _private(self, fn: ir.FunctionFact, offset: int) -> bool:
        """What ``fn`` prints at ``offset`` reaches only some users: every hook it (or a function calling it)
        runs on is an admin hook, or a login or capability check guards the print. Not knowing the hook means
        not private."""
        if _guarded_for_users(fn, offset):
            return True
        hooks = set(self.hooks.hooks_of(fn))
        for caller, _ in self.index.sites_calling(fn)[:16]:
            hooks |= self.hooks.hooks_of(caller)
        return bool(hooks) and all(h.startswith(wordpress.ADMIN_HOOK_PREFIXES) for h in hooks)

    def _printed(self, php_files) -> dict[tuple, tuple[Span, str]]:
        printed: dict[tuple, tuple[Span, str]] = {}

        def note(identities, span: Span, how: str) -> None:
            for identity in sorted(identities):
                printed.setdefault(identity, (span, how))

        shortcodes = self._shortcode_callbacks()
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
                    if identities and not self._private(fn, site.offset):
                        note(identities, call.span, f"{call.name}()")
                if fn.key in shortcodes:
                    for ret in fn.returns:
                        identities = secret_identity_of(ret.value, fn)
                        if identities and not _guarded_for_users(fn, ret.offset):
                            note(identities, ret.span, f"the [{shortcodes[fn.key]}] shortcode")
            for output in facts.outputs:
                identities = secret_identity_of(output.value, output.scope)
                if identities and not self._private(output.scope, output.offset):
                    how = "a data-* attribute" if "data-" in output.html_before[-80:] else "the page"
                    note(identities, output.span, f"printed into {how}")
        return printed

    def _shortcode_callbacks(self) -> dict[tuple[str, int], str]:
        """Functions added with add_shortcode( tag, callback ): what they return is printed into the page."""
        from analyzer.php.callables import callable_target

        found = {}
        for fn, site in self.index.call_sites.get("add_shortcode", []):
            args = [a.value for a in site.call.args if not a.spread]
            if len(args) < 2 or not isinstance(args[0], ir.Lit):
                continue
            target = callable_target(self.hooks.evaluator.evaluate(args[1], Env(fn, fn.class_name, site.offset)), self.index)
            if target is not None:
                found[target[0].key] = str(args[0].value)
        return found

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

    def _scoped_to(self, flt: DispatchFilter, endpoint: RestEndpoint) -> str | None:
        """Whether the filter is about this route: it names the route (or its namespace) in a literal.
        ``"exact"`` when its test ignores case, as core's route matching does; ``"case"`` when a request
        spelling the route in other case slips past it (the test is case-sensitive); None when not scoped."""
        path = (endpoint.path or "").strip("/").lower()
        if not path:
            return None
        for literal in self.credentials.mentions(flt.function):
            text = literal.strip().strip("/^$#@").lower()
            if len(text) >= 3 and ("/" in text and path.startswith(text) or (endpoint.namespace and text == endpoint.namespace.strip("/").lower())):
                return "exact" if _ignores_case(flt.function, literal) else "case"
        return None

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
        if callback is not None and callback.kind == "core":
            effects = Effects(())  # a core callable used as the callback (WP_REST_Controller's, __return_…)
            checks: list[Check] = []
        elif callback is None or callback.function is None:
            name = callback.name if callback is not None else "no callback"
            span = callback.span if callback is not None and callback.span is not None else endpoint.span
            effects = Effects((Effect(wpe.UNKNOWN, "unresolved", name, "the callback could not be resolved", span),), resolved=False)
            checks: list[Check] = []
        else:
            fn = callback.function
            effects = self.effects.of_callback(fn, callback.class_name or fn.class_name)
            checks = self.credentials.gates(fn, self.credentials.taint(fn, (p.name for p in fn.params[:1])))
        # Checks that run before the callback: required arguments' validators, scoped dispatch filters.
        for validator in endpoint.validators:
            if validator.function is not None:
                check = self.credentials.returns_verdict(validator.function)
                if check is not None:
                    checks.insert(0, Check(check.kind, f"{check.description} in the argument's validate_callback", check.span, -1, check.printed, check.printed_how))
        for flt in self.dispatch_filters:
            scope = self._scoped_to(flt, endpoint)
            if scope is not None:
                fn = flt.function
                gates = self.credentials.gates(fn, self.credentials.taint(fn, (p.name for p in fn.params)))
                for check in sorted(gates, key=lambda c: not c.lowers)[:1]:  # the credential, if it checks one
                    if scope == "case" and check.lowers:
                        # Core matches routes case-insensitively (@^…$@i), get_route() keeps the client's spelling.
                        check = replace(check, kind="bypass", description=f"{check.description} in a {flt.hook} filter whose route test is case-sensitive")
                    else:
                        check = replace(check, description=f"{check.description} in a {flt.hook} filter")
                    checks.insert(0, replace(check, offset=-1))
                    break
        credential = next((c for c in sorted(checks, key=lambda c: c.offset) if c.lowers), None)
        others = tuple(c for c in checks if not c.lowers)
        if credential is None:
            return Exposure(effects, effects, None, others)
        unprotected = tuple(e for e in effects.effects if 0 <= e.entry < credential.offset)
        return Exposure(effects, Effects(unprotected, effects.resolved), credential, others)

