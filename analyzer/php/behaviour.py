"""What a callback body does, as far as REST permissions are concerned.

Pure functions over :class:`~analyzer.php.ir.FunctionFact` and the symbol table: does it always return
``true``, does it check the current user, does it verify a credential carried by the request, can it
return a value such as ``0`` / ``''`` / ``[]`` that core treats as a grant.
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
    return all(isinstance(s.call, ir.Call) and _call_name(s.call) in wordpress.HARMLESS_FUNCTIONS for s in fn.calls)


def _helpers(fn: ir.FunctionFact, index: SymbolIndex):
    """Plugin functions and methods that ``fn`` calls directly."""
    for site in fn.calls:
        call = site.call
        if isinstance(call, ir.Call):
            target = index.function(call.name, fn.namespace)
        elif isinstance(call, ir.MethodCall) and isinstance(call.obj, ir.Var) and call.obj.name == "this":
            target = index.method(fn.class_name, call.name)
        elif isinstance(call, ir.StaticCall):
            scope = fn.class_name if call.scope in ("self", "static", "parent") else call.scope
            target = index.method(scope, call.name)
        else:
            target = None
        if target is not None and target is not fn:
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


def user_check(fn: ir.FunctionFact, index: SymbolIndex) -> Evidence | None:
    """A capability or login check made by ``fn`` (or a helper it calls)."""
    return find_call(fn, index, wordpress.USER_CHECK_FUNCTIONS)


def credential_check(fn: ir.FunctionFact, index: SymbolIndex) -> Evidence | None:
    """A nonce, token, signature or capability verification made by ``fn`` itself or its helpers."""
    found = find_call(fn, index, wordpress.CREDENTIAL_CHECK_FUNCTIONS | wordpress.USER_CHECK_FUNCTIONS)
    if found is not None:
        return found
    # A request value named like a credential, compared in the body: a shared-secret check.
    if fn.compares:
        for site in fn.calls:
            call = site.call
            if isinstance(call, ir.MethodCall) and call.name.lower() in ("get_header", "get_param") and call.args:
                arg = call.args[0].value
                if isinstance(arg, ir.Lit) and isinstance(arg.value, str):
                    low = arg.value.lower()
                    if any(word in low for word in wordpress.CREDENTIAL_WORDS):
                        return Evidence(f"a comparison of the request's '{arg.value}'", call.span)
    return None


def _last_assignment(fn: ir.FunctionFact, name: str) -> ir.Expr | None:
    found = None
    for assign in fn.assignments:
        if isinstance(assign.target, ir.Var) and assign.target.name == name:
            found = assign.value
    return found


def non_boolean_reason(expr: ir.Expr | None, fn: ir.FunctionFact, depth: int = 0) -> str | None:
    """Why ``expr`` can evaluate to 0, '' or [] (which core treats as a grant), or None."""
    if expr is None or depth > 6:
        return None
    if isinstance(expr, ir.Lit):
        v = expr.value
        if v is not True and v is not False and v is not None and not v and not isinstance(v, bool):
            return f"the literal {v!r}" if v != "" else "an empty string"
        if v == "0":
            return "the string '0'"
        return None
    if isinstance(expr, ir.Arr):
        return "an array" if not expr.items else None
    if isinstance(expr, ir.Call):
        name = _call_name(expr)
        if name in wordpress.NON_BOOLEAN_FUNCTIONS:
            return f"{expr.name}(), which can return 0, '' or []"
        return None
    if isinstance(expr, ir.MethodCall):
        if expr.name.lower() in wordpress.NON_BOOLEAN_METHODS:
            return f"->{expr.name}(), which can return '' or null"
        return None
    if isinstance(expr, ir.Prop):
        if expr.name == "ID":
            return "a user ID, which is 0 for visitors"
        return None
    if isinstance(expr, ir.Cast):
        if expr.type in ("int", "integer", "string", "array", "float", "double"):
            return f"an ({expr.type}) cast"
        return None
    if isinstance(expr, ir.Op):
        if expr.op in ("+", "-", "*", "%", "/", "**", "&", "|", "^"):
            return f"arithmetic ({expr.op})"
        if expr.op in ("??", "?:"):
            return non_boolean_reason(expr.left, fn, depth + 1) or non_boolean_reason(expr.right, fn, depth + 1)
        return None
    if isinstance(expr, ir.Ternary):
        branches = [expr.condition if expr.then is None else expr.then, expr.otherwise]
        for branch in branches:
            reason = non_boolean_reason(branch, fn, depth + 1)
            if reason is not None:
                return reason
        return None
    if isinstance(expr, ir.Var):
        assigned = _last_assignment(fn, expr.name)
        return non_boolean_reason(assigned, fn, depth + 1) if assigned is not None else None
    return None


def non_boolean_returns(fn: ir.FunctionFact) -> list[tuple[ir.Return, str]]:
    """Returns of ``fn`` whose value can be 0, '' or []."""
    found = []
    for ret in fn.returns:
        reason = non_boolean_reason(ret.value, fn)
        if reason is not None:
            found.append((ret, reason))
    return found


def unchecked_true_returns(fn: ir.FunctionFact, index: SymbolIndex) -> list[tuple[ir.Return, str]]:
    """Returns of a ``rest_authentication_errors`` callback that answer ``true`` on the cookie alone.

    ``true`` (or a login / capability test, which the cookie alone satisfies) tells core that the request
    is authenticated, and rest_cookie_check_errors then returns early without checking the nonce (§1.2).
    A callback that verifies a credential of the request itself (a token, a signature) is not flagged.
    """
    if credential_check_strict(fn, index) is not None:
        return []
    found = []
    for ret in fn.returns:
        value = ret.value
        if isinstance(value, ir.Lit) and value.value is True:
            found.append((ret, "return true"))
        elif isinstance(value, ir.Call) and _call_name(value) in ("is_user_logged_in", "current_user_can", "user_can"):
            found.append((ret, f"return {value.name}(), true for any logged-in cookie"))
    return found


def credential_check_strict(fn: ir.FunctionFact, index: SymbolIndex) -> Evidence | None:
    """A verification of something the request carries (not merely who the cookie belongs to)."""
    return find_call(fn, index, wordpress.CREDENTIAL_CHECK_FUNCTIONS)
