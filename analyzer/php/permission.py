"""Whether a permission callback that is not ``__return_true`` still lets every caller through.

Core calls the permission callback and lets the request in unless it returns false, null or a WP_Error. A
callback can say no to some requests and still never ask *who* is calling:

- it checks only the request's shape — a honeypot field, a rate limit per address, a required parameter —
  and otherwise returns ``true``: anyone who sends the right shape passes;
- it verifies only a value the plugin hands to every visitor — a ``wp_rest`` nonce localized into a
  front-end script (a logged-out visitor's user-0 nonce verifies for every logged-out caller), a "key"
  written in the plugin's source.

Such a callback is judged like ``__return_true`` (RULES.md "How loud"): the route's level follows what its
callback can reach. The judgement is conservative: any call the analysis cannot see into (an unknown
function, a method of an unresolved object, a filter a site could hook), any test of the current user,
capability, password, signature or stored secret, and any test of the caller's address (an IP allowlist)
means the callback may tell callers apart, and the route is left to the other rules.
"""

from __future__ import annotations

from dataclasses import dataclass

from analyzer import wordpress
from analyzer import wordpress_effects as wpe
from analyzer.php import ir
from analyzer.php.credentials import FOLLOW, Check, CredentialFinder
from analyzer.php.flow import assigned_values, children, walk, walk_traced

# Calls whose answer depends on who is calling, or that hand the decision to code the analysis cannot see.
_ASKS_WHO = (
    wordpress.USER_CHECK_FUNCTIONS
    | wordpress.PASSWORD_CHECK_FUNCTIONS
    | wordpress.SIGNATURE_CHECK_FUNCTIONS
    | frozenset({"apply_filters", "apply_filters_ref_array", "apply_filters_deprecated", "wp_get_session_token", "rest_get_authenticated_app_password", "get_current_user"})
)
# $_SERVER keys that carry the caller's address: a test of one is an address allowlist.
_ADDRESS_KEYS = frozenset({"REMOTE_ADDR", "HTTP_X_FORWARDED_FOR", "HTTP_X_REAL_IP", "HTTP_CLIENT_IP", "HTTP_CF_CONNECTING_IP"})
# Functions an address passes through on its way into a rate-limit key, not into a comparison.
_HASHES = frozenset({"md5", "sha1", "hash", "crc32", "wp_hash", "hash_hmac", "base64_encode", "sanitize_key"})
# Functions that match a value against a list or a pattern.
_MATCHERS = frozenset({"in_array", "array_search", "strpos", "stripos", "str_starts_with", "str_contains", "preg_match", "fnmatch", "hash_equals", "strcmp", "array_key_exists"})
# WordPress functions an address passes through unchanged.
_PASS_THROUGH = frozenset({"sanitize_text_field", "wp_unslash", "filter_var", "trim", "rest_is_ip_address"})


@dataclass(frozen=True, slots=True)
class OpenDoor:
    """A permission callback that lets every caller through, and the would-be check it makes, if any."""

    fn: ir.FunctionFact | None  # None: a core callable (__return_true)
    check: Check | None = None  # a check of a value every visitor holds (kind printed or source)
    blind: bool = False  # it returns more than true, but never asks who is calling


class PermissionJudge:
    """Tells permission callbacks that never ask who is calling; one per model (it shares the credential
    finder, which knows what the plugin prints to visitors)."""

    def __init__(self, credentials: CredentialFinder) -> None:
        self.credentials = credentials
        self.index = credentials.index
        self._memo: dict[tuple[str, int], OpenDoor | None] = {}

    def open_door(self, fn: ir.FunctionFact) -> OpenDoor | None:
        """``fn``, a permission callback, returns a grant for every caller who sends the right request."""
        if fn.key not in self._memo:
            self._memo[fn.key] = self._judge(fn)
        return self._memo[fn.key]

    def _judge(self, fn: ir.FunctionFact) -> OpenDoor | None:
        taint = self.credentials.taint(fn, (p.name for p in fn.params[:1]))
        verdict = self._verdict(fn, taint, 0)
        if verdict is None or verdict[0] != "grant":
            return None
        shown: list[Check] = [verdict[1]] if verdict[1] is not None else []
        if self._asks_who(fn, taint, 0, set(), shown) is False:
            return OpenDoor(fn, shown[0] if shown else None, blind=True)
        return None

    def _verdict(self, fn: ir.FunctionFact, taint, depth: int) -> tuple[str, Check | None] | None:
        """("grant", check) when some return of ``fn`` grants and every other refuses, ("deny", None) when every
        return refuses, None when a return cannot be read as either."""
        grants = False
        shown: Check | None = None
        for ret in fn.returns:
            kind = self._return(ret, fn, taint, depth)
            if kind is None:
                return None
            if kind[0] == "grant":
                grants = True
                shown = shown or kind[1]
        return ("grant", shown) if grants else ("deny", None)

    def _return(self, ret: ir.Return, fn: ir.FunctionFact, taint, depth: int) -> tuple[str, Check | None] | None:
        value = ret.value
        if _denies(value):
            return "deny", None
        if _grants(value):
            return "grant", None
        if isinstance(value, ir.Var):
            if _inside_error_test(fn, ret, value.name):
                return "deny", None  # if ( is_wp_error( $result ) ) { return $result; }
            values = assigned_values(fn, value.name)
            if len(values) != 1:
                return None
            value = values[0]
        if isinstance(value, (ir.Call, ir.MethodCall, ir.StaticCall)) and depth < FOLLOW:
            target = self.credentials._target(fn, value)
            if target is not None:
                # return self::rate_limit( $request ): the helper's own verdict.
                inner = self.credentials.taint(target, (p.name for p, a in zip(target.params, value.args) if taint.tainted(a.value)))
                return self._verdict(target, inner, depth + 1)
        checks = [c for c in (self.credentials.test(node, fn, taint) for node in walk(value)) if c is not None]
        if checks and all(c.kind in ("printed", "source") for c in checks) and _only_tests(value):
            return "grant", checks[0]
        return None

    def _asks_who(self, fn: ir.FunctionFact, taint, depth: int, seen: set, shown: list) -> bool | None:
        """False when nothing in ``fn`` (and the plugin helpers it calls) depends on the caller; True when
        something does; None when something cannot be seen into. Checks of values every visitor holds are
        added to ``shown``."""
        if fn.key in seen:
            return False
        seen.add(fn.key)
        conditions = [g.condition for g in fn.guards] + [r.value for r in fn.returns if r.value is not None]
        for condition in conditions:
            for node in walk_traced(condition, fn):
                check = self.credentials.test(node, fn, taint, depth) if isinstance(node, (ir.Op, ir.Call, ir.MethodCall, ir.StaticCall)) else None
                if check is not None and check.kind not in ("printed", "source"):
                    return True
                if check is not None:
                    shown.append(check)
            if _tests_address(condition, fn):
                return True
        for site in fn.calls:
            call = site.call
            if isinstance(call, ir.Call):
                name = call.name.rsplit("\\", 1)[-1].lower()
                if name in _ASKS_WHO:
                    return True
                if name in wordpress.NONCE_CHECK_FUNCTIONS:
                    check = self.credentials.test(call, fn, taint, depth)
                    if check is None or check.kind != "printed":
                        return True
                    shown.append(check)
                    continue
                if name in wpe.php_functions() or name in wpe.LANGUAGE_CONSTRUCTS or name in wordpress.HARMLESS_FUNCTIONS:
                    continue
            elif isinstance(call, ir.MethodCall) and isinstance(call.obj, ir.Var) and call.obj.name in taint.params:
                continue  # the request's own getters
            target = self.credentials._target(fn, call) if depth < FOLLOW else None
            if target is not None:
                inner = self.credentials.taint(target, (p.name for p, a in zip(target.params, call.args) if taint.tainted(a.value)))
                verdict = self._asks_who(target, inner, depth + 1, seen, shown)
                if verdict is not False:
                    return verdict
                continue
            if isinstance(call, ir.Call) and name in wpe.wordpress_functions():
                continue  # a core function that is no user test (get_transient, sanitize_text_field …)
            return None
        if fn.dynamic_calls:
            return None
        return False


def _denies(value: ir.Expr | None) -> bool:
    """A return that refuses: false, null, a WP_Error, ``__return_false()``."""
    if value is None:
        return True
    if isinstance(value, ir.Lit):
        return value.value in (False, None)
    if isinstance(value, ir.Call) and value.name.rsplit("\\", 1)[-1].lower() in wordpress.CORE_DENY:
        return True
    return isinstance(value, ir.New) and value.cls.rsplit("\\", 1)[-1].lower() == "wp_error"


def _grants(value: ir.Expr | None) -> bool:
    """A return that lets the request in whatever happened before: true, ``__return_true()``."""
    if isinstance(value, ir.Lit):
        return value.value is True
    return isinstance(value, ir.Call) and value.name.rsplit("\\", 1)[-1].lower() in wordpress.CORE_ALWAYS_TRUE


def _only_tests(value: ir.Expr) -> bool:
    """``(bool) wp_verify_nonce( … )``, ``! empty( … ) && hash_equals( … )``: a return that is the result of
    its tests, not a value that could be anything."""
    if isinstance(value, ir.Cast):
        return _only_tests(value.operand)
    if isinstance(value, ir.Unary) and value.op == "!":
        return _only_tests(value.operand)
    if isinstance(value, ir.Op):
        return value.op in wordpress.BOOLEAN_OPERATORS
    return isinstance(value, (ir.Call, ir.MethodCall, ir.StaticCall))


def _inside_error_test(fn: ir.FunctionFact, ret: ir.Return, name: str) -> bool:
    """``ret`` is in the body of ``if ( is_wp_error( $name ) )`` (or ``$name instanceof WP_Error``)."""
    for guard in fn.guards:
        if not guard.body_start <= ret.offset < guard.body_end:
            continue
        cond = guard.condition
        if isinstance(cond, ir.Call) and cond.name.rsplit("\\", 1)[-1].lower() == "is_wp_error" and cond.args:
            arg = cond.args[0].value
            if isinstance(arg, ir.Var) and arg.name == name:
                return True
        if isinstance(cond, ir.Op) and cond.op == "instanceof" and isinstance(cond.left, ir.Var) and cond.left.name == name:
            return True
    return False


def _tests_address(condition: ir.Expr, fn: ir.FunctionFact) -> bool:
    """``condition`` matches the caller's address against something (an allowlist): a comparison with a value
    that is not empty, or a matching function (in_array, strpos, preg_match …) given the address."""
    for node in walk_traced(condition, fn):
        if isinstance(node, ir.Op) and node.op in ("==", "===", "!=", "!==", "<>"):
            for side, other in ((node.left, node.right), (node.right, node.left)):
                empty = isinstance(other, ir.Lit) and other.value in (None, "", False, 0)
                if not empty and _reads_address(side, fn):
                    return True
        elif isinstance(node, ir.Call) and node.name.rsplit("\\", 1)[-1].lower() in _MATCHERS:
            if any(_reads_address(a.value, fn) for a in node.args):
                return True
        elif isinstance(node, ir.Sub) and node.key is not None and _reads_address(node.key, fn):
            return True  # $allowed[ $ip ]
    return False


def _reads_address(expr: ir.Expr, fn: ir.FunctionFact) -> bool:
    """``expr`` is the caller's address, through variables and PHP's own functions (not through a hash into a
    rate-limit key, nor a call of WordPress or the plugin)."""
    seen: set[str] = set()
    pending = [expr]
    while pending:
        node = pending.pop()
        if isinstance(node, ir.Sub) and isinstance(node.base, ir.Var) and node.base.name == "_SERVER":
            if isinstance(node.key, ir.Lit) and node.key.value in _ADDRESS_KEYS:
                return True
        if isinstance(node, ir.Var):
            if node.name not in seen:
                seen.add(node.name)
                pending.extend(assigned_values(fn, node.name))
            continue
        if isinstance(node, ir.Call):
            name = node.name.rsplit("\\", 1)[-1].lower()
            if name in _HASHES or (name not in wpe.php_functions() and name not in _PASS_THROUGH):
                continue
        if isinstance(node, (ir.MethodCall, ir.StaticCall, ir.New, ir.Closure)):
            continue
        pending.extend(children(node))
    return False
