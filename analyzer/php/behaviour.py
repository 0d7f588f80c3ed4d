"""What a callback body does, as far as REST permissions are concerned.

Pure functions over :class:`~analyzer.php.ir.FunctionFact` and the symbol table: does it always return
``true``, does it check the current user, can it return a value such as ``0`` / ``''`` / ``[]`` that core
treats as a grant, which branches run only when a test passed. Credentials (what a check verifies, and
whether it stops a stranger) are :mod:`analyzer.php.credentials`' job.
"""

from __future__ import annotations

from dataclasses import dataclass

from analyzer import wordpress
from analyzer.php import ir
from analyzer.php.symbols import SymbolIndex
from analyzer.source import Span

FOLLOW_DEPTH = 2  # how many levels of plugin helpers a check may hide behind


@dataclass(frozen=True, slots=True)
class Evidence:
    """A call or return that supports a verdict, for messages and related locations."""

    description: str
    span: Span


def _call_name(call: ir.Call | ir.MethodCall | ir.StaticCall) -> str:
    return call.name.rsplit("\\", 1)[-1].lower()


def always_true(fn: ir.FunctionFact) -> bool:
    """Every return is the literal ``true``, and nothing in the body could deny or stop first."""
    if not fn.returns or fn.exits:
        return False
    if any(not (isinstance(r.value, ir.Lit) and r.value.value is True) for r in fn.returns):
        return False
    return all(_harmless(site.call) for site in fn.calls)


def _harmless(call: ir.Call | ir.MethodCall | ir.StaticCall) -> bool:
    """A call that cannot deny the request: logging, formatting, and read-only getters on the request."""
    if isinstance(call, ir.Call):
        return _call_name(call) in wordpress.HARMLESS_FUNCTIONS
    if isinstance(call, ir.MethodCall) and isinstance(call.obj, ir.Var) and call.obj.name != "this":
        return call.name.lower().startswith(("get_", "has_"))
    return False


def _target(fn: ir.FunctionFact, call: ir.Call | ir.MethodCall | ir.StaticCall, index: SymbolIndex) -> ir.FunctionFact | None:
    """The plugin function or method a call in ``fn`` runs, when it can be told without evaluation."""
    if isinstance(call, ir.Call):
        target = index.function(call.name, fn.namespace)
    elif isinstance(call, ir.MethodCall) and isinstance(call.obj, ir.Var) and call.obj.name == "this":
        target = index.method(fn.class_name, call.name)
    elif isinstance(call, ir.StaticCall):
        target = index.method(fn.class_name if call.scope in ("self", "static", "parent") else call.scope, call.name)
    else:
        target = None
    return target if target is not fn else None


def _helpers(fn: ir.FunctionFact, index: SymbolIndex):
    """Plugin functions and methods that ``fn`` calls directly."""
    for site in fn.calls:
        target = _target(fn, site.call, index)
        if target is not None:
            yield target


def find_call(fn: ir.FunctionFact, index: SymbolIndex, names: frozenset[str], depth: int = FOLLOW_DEPTH) -> Evidence | None:
    """The first call of one of ``names`` in ``fn`` or in the plugin helpers it calls."""
    seen: set[tuple[str, int]] = set()
    frontier = [fn]
    for _ in range(depth + 1):
        next_frontier = []
        for current in frontier:
            if current.key in seen:
                continue
            seen.add(current.key)
            for site in current.calls:
                if _call_name(site.call) in names:
                    return Evidence(f"{site.call.name}()", site.call.span)
            next_frontier.extend(_helpers(current, index))
        frontier = next_frontier
    return None


def _last_assignment(fn: ir.FunctionFact, name: str) -> ir.Expr | None:
    return fn.last_plain_assignment(name)


def non_boolean_reason(expr: ir.Expr | None, fn: ir.FunctionFact, depth: int = 0) -> str | None:
    """Why ``expr`` can evaluate to 0, '' or [] (which core treats as a grant), or None."""
    sources = non_boolean_sources(expr, fn, depth)
    return sources[0][0] if sources else None


def non_boolean_sources(expr: ir.Expr | None, fn: ir.FunctionFact, depth: int = 0) -> list[tuple[str, ir.Expr]]:
    """Every part of ``expr`` that can make it 0, '' or [] (both sides of ``??``, each branch of a ternary,
    through variables), with the reason: a caller that proves one part boolean still sees the others."""
    if expr is None or depth > 6:
        return []
    if isinstance(expr, ir.Lit):
        v = expr.value
        if v is not True and v is not False and v is not None and not v and not isinstance(v, bool):
            return [(f"the literal {v!r}" if v != "" else "an empty string", expr)]
        if v == "0":
            return [("the string '0'", expr)]
        return []
    if isinstance(expr, ir.Arr):
        return [("an array", expr)] if not expr.items else []
    if isinstance(expr, ir.Call):
        name = _call_name(expr)
        if name in wordpress.NON_BOOLEAN_FUNCTIONS:
            return [(f"{expr.name}(), which can return 0, '' or []", expr)]
        return []
    if isinstance(expr, ir.MethodCall):
        if expr.name.lower() in wordpress.NON_BOOLEAN_METHODS:
            return [(f"->{expr.name}(), which can return '' or null", expr)]
        return []
    if isinstance(expr, ir.Prop):
        if expr.name == "ID":
            return [("a user ID, which is 0 for visitors", expr)]
        return []
    if isinstance(expr, ir.Cast):
        if expr.type in ("int", "integer", "string", "array", "float", "double"):
            return [(f"an ({expr.type}) cast", expr)]
        return []
    if isinstance(expr, ir.Op):
        if expr.op in ("+", "-", "*", "%", "/", "**", "&", "|", "^"):
            return [(f"arithmetic ({expr.op})", expr)]
        if expr.op in ("??", "?:"):
            return non_boolean_sources(expr.left, fn, depth + 1) + non_boolean_sources(expr.right, fn, depth + 1)
        return []
    if isinstance(expr, ir.Ternary):
        then = expr.condition if expr.then is None else expr.then
        return non_boolean_sources(then, fn, depth + 1) + non_boolean_sources(expr.otherwise, fn, depth + 1)
    if isinstance(expr, ir.Var):
        assigned = _last_assignment(fn, expr.name)
        return non_boolean_sources(assigned, fn, depth + 1) if assigned is not None else []
    return []


def non_boolean_returns(fn: ir.FunctionFact) -> list[tuple[ir.Return, str]]:
    """Returns of ``fn`` whose value can be 0, '' or []."""
    found = []
    for ret in fn.returns:
        reason = non_boolean_reason(ret.value, fn)
        if reason is not None:
            found.append((ret, reason))
    return found


_COOKIE_TESTS = frozenset({"is_user_logged_in", "current_user_can", "user_can", "is_super_admin"})
_LOGICAL = frozenset({"||", "&&", "or", "and", "xor", "??", "?:"})


def may_answer_true(expr: ir.Expr | None, fn: ir.FunctionFact, depth: int = 0) -> str | None:
    """How a ``rest_authentication_errors`` callback's return value can be ``true``, or None.

    ``true`` itself, or a login / capability test — which the cookie alone satisfies — possibly inside a
    ternary, a ``??`` or a boolean combination, or through a variable assigned earlier.
    """
    if expr is None or depth > 6:
        return None
    if isinstance(expr, ir.Lit):
        return "return true" if expr.value is True else None
    if isinstance(expr, ir.Call) and _call_name(expr) in _COOKIE_TESTS:
        return f"return {expr.name}(), true for any logged-in cookie"
    if isinstance(expr, ir.Ternary):
        for branch in (expr.condition if expr.then is None else expr.then, expr.otherwise):
            found = may_answer_true(branch, fn, depth + 1)
            if found is not None:
                return found
        return None
    if isinstance(expr, ir.Op) and expr.op in _LOGICAL:
        return may_answer_true(expr.left, fn, depth + 1) or may_answer_true(expr.right, fn, depth + 1)
    if isinstance(expr, ir.Var):
        assigned = _last_assignment(fn, expr.name)
        return may_answer_true(assigned, fn, depth + 1) if assigned is not None else None
    return None


def true_returns(fn: ir.FunctionFact) -> list[tuple[ir.Return, str]]:
    """Returns of a ``rest_authentication_errors`` callback that can answer ``true``, and how.

    ``true`` tells core the request is authenticated, and rest_cookie_check_errors then returns early
    without reading the nonce (§1.2). Whether a credential of the request is verified first is the model's
    question (PluginModel.unchecked_true_returns).
    """
    found = []
    for ret in fn.returns:
        why = may_answer_true(ret.value, fn)
        if why is not None:
            found.append((ret, why))
    return found


def swallowed_errors(fn: ir.FunctionFact) -> list[ir.Return]:
    """Returns of a late ``rest_authentication_errors`` callback that replace an error core already returned
    (``rest_cookie_invalid_nonce``) with ``null``, ``true`` or ``false``: a ``WP_Error`` result is tested and the
    branch answers something else — unless the user is dropped to 0 first, which is what core does without a
    nonce anyway."""
    if not fn.params:
        return []
    result = fn.params[0].name

    def about_error(node: ir.Expr) -> bool:
        stack = [node]
        while stack:
            current = stack.pop()
            if isinstance(current, ir.Call) and _call_name(current) == "is_wp_error" and current.args:
                arg = current.args[0].value
                if isinstance(arg, ir.Var) and arg.name == result:
                    return True
            if isinstance(current, ir.Lit) and current.value == "rest_cookie_invalid_nonce":
                return True
            for slot in getattr(current, "__slots__", ()):
                child = getattr(current, slot, None)
                if isinstance(child, ir.Expr):
                    stack.append(child)
        return False

    def erases(value: ir.Expr | None) -> bool:
        return isinstance(value, ir.Lit) and value.value in (None, True, False)

    dropped = [site.offset for site in fn.calls if _call_name(site.call) == "wp_set_current_user"]
    found = []
    for ret in fn.returns:
        value = ret.value
        if isinstance(value, ir.Ternary) and value.then is not None and about_error(value.condition) and erases(value.then):
            found.append(ret)
            continue
        if not erases(value) or any(offset < ret.offset for offset in dropped):
            continue
        if any(guard.body_start <= ret.offset < guard.body_end and about_error(guard.condition) for guard in fn.guards):
            found.append(ret)
    return found


_FLIP = {"positive": "negative", "negative": "positive"}


def test_polarity(condition: ir.Expr, is_test, depth: int = 0, fn: ir.FunctionFact | None = None) -> str | None:
    """'positive' when a branch on ``condition`` runs only if a test (``is_test(call)``) passed,
    'negative' when it runs if the test failed, None when that cannot be told. With ``fn``, a variable
    stands for the value last assigned to it (``$user = wp_authenticate( … ); if ( is_wp_error( $user ) )``)."""
    if depth > 6:
        return None
    if isinstance(condition, ir.Var) and fn is not None:
        assigned = _last_assignment(fn, condition.name)
        return test_polarity(assigned, is_test, depth + 1, fn) if assigned is not None else None
    if isinstance(condition, ir.Call) and _call_name(condition) in ("is_wp_error", "empty") and condition.args:
        inner = test_polarity(condition.args[0].value, is_test, depth + 1, fn)
        if inner is None and _call_name(condition) == "empty" and is_test(condition):
            return "negative"  # empty( $stored[ $request_value ] ): the look-up failed
        return _FLIP.get(inner or "")  # true when the test failed
    if isinstance(condition, (ir.Call, ir.MethodCall, ir.StaticCall)) and is_test(condition):
        return "positive"
    if isinstance(condition, ir.Unary) and condition.op == "!":
        inner = test_polarity(condition.operand, is_test, depth + 1, fn)
        return _FLIP.get(inner or "")
    if isinstance(condition, ir.Op) and condition.op == "instanceof" and _names_failure_class(condition.right):
        inner = test_polarity(condition.left, is_test, depth + 1, fn)
        return _FLIP.get(inner or "")  # ``$result instanceof WP_Error``: true when the test failed
    if isinstance(condition, ir.Op):
        sides = [test_polarity(condition.left, is_test, depth + 1, fn), test_polarity(condition.right, is_test, depth + 1, fn)]
        if condition.op in ("&&", "and") and "positive" in sides:
            return "positive"
        if condition.op in ("||", "or") and "negative" in sides:
            return "negative"
        # ``! a() && ! b()`` runs only when every test failed; ``a() || b()`` only when one passed.
        if condition.op in ("&&", "and") and sides == ["negative", "negative"]:
            return "negative"
        if condition.op in ("||", "or") and sides == ["positive", "positive"]:
            return "positive"
        if condition.op in ("===", "==", "!==", "!=") and is_test(condition):
            return "positive" if condition.op in ("===", "==") else "negative"  # the comparison is the check
        if condition.op in ("===", "==", "!==", "!="):
            literal = condition.right if isinstance(condition.right, ir.Lit) else condition.left if isinstance(condition.left, ir.Lit) else None
            test = next((side for side in sides if side), None)
            if literal is not None and test is not None:
                falsy = literal.value in (False, None, 0, "") or literal.value is False
                negated = condition.op in ("!==", "!=")
                return test if falsy == negated else {"positive": "negative", "negative": "positive"}[test]
    return None


def dies_on_failure(call) -> bool:
    """``check_ajax_referer()`` / ``check_admin_referer()`` that end a failing request with ``die( '-1' )`` — not
    ``check_ajax_referer( $action, $arg, false )``, which returns false for the plugin to answer."""
    if not isinstance(call, ir.Call):
        return False
    name = _call_name(call)
    if name not in wordpress.DYING_NONCE_CHECKS:
        return False
    position = wordpress.DYING_NONCE_CHECKS[name]
    if position is None:
        return True
    named = [a.value for a in call.args if a.name == "stop"]
    positional = [a.value for a in call.args if a.name is None and not a.spread]
    stop = named[0] if named else positional[position] if position < len(positional) else None
    return not (isinstance(stop, ir.Lit) and stop.value in (False, 0, None, ""))


def _names_failure_class(expr: ir.Expr) -> bool:
    """``WP_Error`` / ``WP_REST_Response`` on the right of ``instanceof``: what a failed check hands back."""
    name = getattr(expr, "name", None)
    return isinstance(name, str) and name.rsplit("\\", 1)[-1].lower() in wordpress.FAILURE_CLASSES


def _capability_test(call) -> bool:
    return isinstance(call, (ir.Call, ir.MethodCall, ir.StaticCall)) and _call_name(call) in wordpress.CAPABILITY_CHECK_FUNCTIONS


def stops(fn: ir.FunctionFact, start: int, end: int) -> bool:
    """Code in the byte range ``[start, end)`` of ``fn`` ends the request or the callback: a return (of any
    value — an error, a 401 response, an error array) or an exit."""
    return any(start <= offset < end for offset in fn.exit_offsets) or any(start <= r.offset < end for r in fn.returns)


def only_checked_users_reach(fn: ir.FunctionFact, ret: ir.Return) -> bool:
    """``ret`` runs only for users who passed a capability test: inside ``if ( test )``, or after
    ``if ( ! test ) { return false; }``. A login test is not enough: every subscriber passes it."""
    for guard in fn.guards:
        polarity = test_polarity(guard.condition, _capability_test, fn=fn)
        if polarity == "positive" and guard.body_start <= ret.offset < guard.body_end:
            return True
        if polarity == "negative" and guard.body_end <= ret.offset and stops(fn, guard.body_start, guard.body_end):
            return True
    return False
