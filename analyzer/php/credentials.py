"""Which credential an endpoint checks before it acts, and where — or why a would-be check is none.

A credential is something the visitor cannot obtain (RULES.md "How loud"): a user-bound nonce, a capability,
a password, a signature, or a request value compared with a secret kept on the server (an option, a constant
from wp-config.php, meta, an HMAC keyed with one). It counts when a failed check ends the request before the
effects: a branch of the callback that returns or exits, a helper that ends the request itself (``wp_die``,
``exit``, ``wp_send_json_error``, a ``throw``), a ``WP_Error`` the callback returns, a required argument's
``validate_callback``, or a ``rest_pre_dispatch`` / ``rest_request_before_callbacks`` /
``rest_authentication_errors`` callback that is scoped to the route.

Not a credential: a value the plugin prints to every visitor (localized into a front-end script, echoed into a
template or a ``data-*`` attribute) or writes in its own source. Such a check is reported with where the
"secret" is printed, and the route keeps the level of its effects.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from analyzer import wordpress
from analyzer.php import ir
from analyzer.php.behaviour import test_polarity
from analyzer.php.flow import Taint, assigned_values, walk
from analyzer.php.symbols import SymbolIndex
from analyzer.source import Span

FOLLOW = 4  # plugin helpers a check may hide behind

# Kinds that stop a stranger. "login" stops visitors without an account, but not every subscriber.
LOWERING_KINDS = frozenset({"nonce", "capability", "password", "signature", "secret"})


@dataclass(frozen=True, slots=True)
class Check:
    """A verification in the code: what it checks, where, and whether it really is a credential."""

    kind: str  # nonce | capability | login | password | signature | secret | printed | source
    description: str  # "hash_equals() against the option 'acme_secret'"
    span: Span
    offset: int = -1  # where, in the callback, the request is refused (-1: before the callback runs)
    printed: Span | None = None  # for kind "printed": where the value is handed to every visitor
    printed_how: str = ""

    @property
    def lowers(self) -> bool:
        """A credential the visitor cannot obtain: the route's level may drop to a note."""
        return self.kind in LOWERING_KINDS


def _name(call) -> str:
    return call.name.rsplit("\\", 1)[-1].lower()


def _literal(expr: ir.Expr | None):
    return expr.value if isinstance(expr, ir.Lit) else None


class CredentialFinder:
    """Finds checks in a model's PHP; one per model (it knows what the plugin prints to visitors)."""

    def __init__(self, index: SymbolIndex, printed: dict[tuple, tuple[Span, str]]) -> None:
        self.index = index
        self.printed = printed  # source identity -> (where it is printed, how)

    # --- what a value is ------------------------------------------------------------------------

    def _secret(self, expr: ir.Expr | None, fn: ir.FunctionFact, depth: int = 0) -> tuple[str, tuple | None] | None:
        """A server-side secret ``expr`` is computed from: (description, identity for the printed check)."""
        seen: set[str] = set()
        pending = [expr]
        while pending:
            for node in walk(pending.pop()):
                if isinstance(node, ir.Call):
                    low = _name(node)
                    position = wordpress.SECRET_SOURCES.get(low)
                    if position is not None:
                        args = [a.value for a in node.args if not a.spread]
                        key = _literal(args[position]) if 0 <= position < len(args) else None
                        store = low.removeprefix("get_").replace("_", " ")
                        if key is None or position < 0 or low == "wp_salt":
                            return f"{node.name}()", None
                        return f"the {store} '{key}'", (low, key)
                    target = self.index.function(node.name, fn.namespace) if depth < FOLLOW else None
                    if target is not None:
                        found = self._returned_secret(target, depth)
                        if found is not None:
                            return found
                elif isinstance(node, ir.Const) and not node.name.startswith("__"):
                    fact = self.index.constant(node.name, fn.namespace)
                    if fact is None:
                        return f"the constant {node.name} (defined outside the plugin, e.g. in wp-config.php)", ("constant", node.name)
                    if isinstance(fact.value, ir.Lit):
                        return f"source:the constant {node.name}, written in the plugin's source ({fact.span.path}:{fact.span.line})", None
                    found = self._secret(fact.value, fn, depth + 1)
                    if found is not None:
                        return found
                elif isinstance(node, (ir.MethodCall, ir.StaticCall)) and depth < FOLLOW:
                    target = self.index.method(fn.class_name, node.name) if _on_own_class(node) else None
                    if target is not None:
                        found = self._returned_secret(target, depth)
                        if found is not None:
                            return found
                elif isinstance(node, ir.Var) and node.name not in seen:
                    seen.add(node.name)
                    pending.extend(assigned_values(fn, node.name))
                elif isinstance(node, ir.Prop) and isinstance(node.obj, ir.Var) and node.obj.name == "this" and depth < FOLLOW:
                    found = self._property_secret(fn.class_name, node.name, depth)
                    if found is not None:
                        return found
        return None

    def _returned_secret(self, fn: ir.FunctionFact, depth: int):
        for ret in fn.returns:
            found = self._secret(ret.value, fn, depth + 1)
            if found is not None:
                return found
        return None

    def _property_secret(self, class_name: str | None, name: str, depth: int):
        for cls in self.index.lineage(self.index.class_(class_name)):
            for method in cls.methods:
                for assign in method.assignments:
                    target = assign.target
                    if isinstance(target, ir.Prop) and target.name == name and isinstance(target.obj, ir.Var) and target.obj.name == "this":
                        found = self._secret(assign.value, method, depth + 1)
                        if found is not None:
                            return found
            for prop, default in cls.properties:
                if prop == name and isinstance(default, ir.Lit) and isinstance(default.value, str) and default.value:
                    return f"source:the property ${name}, written in the plugin's source", None
        return None

    def _compare(self, left: ir.Expr, right: ir.Expr, fn: ir.FunctionFact, taint: Taint, span: Span, how: str) -> Check | None:
        """``left`` and ``right`` compared: a secret check when one is request data and the other a secret."""
        for request_side, secret_side in ((left, right), (right, left)):
            # The secret side may carry request data too: an HMAC of the body keyed with the secret.
            if not taint.tainted(request_side):
                continue
            literal = _literal(secret_side)
            if isinstance(literal, str) and len(literal) >= 6:
                return Check("source", f"{how} against a value written in the plugin's source", span)
            found = self._secret(secret_side, fn)
            if found is None:
                continue
            description, identity = found
            if description.startswith("source:"):
                return Check("source", f"{how} against {description[7:]}", span)
            printed = self.printed.get(identity) if identity is not None else None
            if printed is not None:
                return Check("printed", f"{how} against {description}", span, printed=printed[0], printed_how=printed[1])
            return Check("secret", f"{how} against {description}", span)
        return None

    # --- tests: calls and comparisons that verify something ---------------------------------------

    def test(self, node: ir.Expr, fn: ir.FunctionFact, taint: Taint, depth: int = 0) -> Check | None:
        """The check ``node`` performs when it is evaluated as a condition, or None."""
        if isinstance(node, ir.Op) and node.op in ("===", "==", "!==", "!="):
            return self._compare(node.left, node.right, fn, taint, node.span, "a comparison")
        if not isinstance(node, (ir.Call, ir.MethodCall, ir.StaticCall)):
            return None
        low = _name(node)
        description = f"{node.name}()"
        if isinstance(node, ir.Call):
            if low in wordpress.NONCE_CHECK_FUNCTIONS:
                return Check("nonce", description, node.span)
            if low in wordpress.CAPABILITY_CHECK_FUNCTIONS:
                return Check("capability", description, node.span)
            if low in wordpress.PASSWORD_CHECK_FUNCTIONS:
                return Check("password", description, node.span)
            if low in wordpress.SIGNATURE_CHECK_FUNCTIONS:
                return Check("signature", description, node.span)
            if low in wordpress.LOGIN_CHECK_FUNCTIONS:
                return Check("login", description, node.span)
            if low in wordpress.COMPARE_FUNCTIONS:
                args = [a.value for a in node.args if not a.spread]
                return self._compare(args[0], args[1], fn, taint, node.span, description) if len(args) >= 2 else None
        if depth >= FOLLOW:
            return None
        target = self._target(fn, node)
        if target is None:
            return None
        # A plugin helper that verifies and returns the verdict: its arguments bind its parameters.
        inner = Taint(target, frozenset(p.name for p, a in zip(target.params, node.args) if taint.tainted(a.value)))
        for ret in target.returns:
            for sub in walk(ret.value):
                found = self.test(sub, target, inner, depth + 1)
                if found is not None:
                    return replace(found, description=f"{found.description} in {target.display_name}")
        for guard in target.guards:
            for sub in walk(guard.condition):
                found = self.test(sub, target, inner, depth + 1)
                if found is not None:
                    return replace(found, description=f"{found.description} in {target.display_name}")
        return None

    def _target(self, fn: ir.FunctionFact, call) -> ir.FunctionFact | None:
        if isinstance(call, ir.Call):
            target = self.index.function(call.name, fn.namespace)
        elif _on_own_class(call):
            scope = fn.class_name
            if isinstance(call, ir.StaticCall) and call.scope not in ("self", "static", "parent"):
                scope = call.scope
            target = self.index.method(scope, call.name)
        else:
            target = None
        return target if target is not fn else None

    # --- gates: checks whose failure ends the request -------------------------------------------

    def gates(self, fn: ir.FunctionFact, taint: Taint, depth: int = 0) -> list[Check]:
        """Checks in ``fn`` whose failure ends the request (a return of the callback, an exit), with the
        offset where they do; in order."""
        found: list[Check] = []
        for guard in fn.guards:
            holder: list[Check] = []

            def is_test(node, holder=holder) -> bool:
                check = self.test(node, fn, taint, depth)
                if check is not None:
                    holder.append(check)
                return check is not None

            polarity = test_polarity(guard.condition, is_test, fn=fn)
            if polarity == "negative" and holder and _stops(fn, guard.body_start, guard.body_end):
                found.append(replace(holder[0], offset=guard.offset))
        for attempt in fn.tries:
            if not any(_stops(fn, start, end) for start, end in attempt.catches):
                continue
            for site in fn.calls:
                if attempt.body_start <= site.offset < attempt.body_end:
                    check = self.test(site.call, fn, taint, depth)
                    if check is not None:
                        found.append(replace(check, offset=site.offset))
        for site in fn.calls:
            call = site.call
            if isinstance(call, ir.Call) and _name(call) in ("check_ajax_referer", "check_admin_referer"):
                found.append(Check("nonce", f"{call.name}()", call.span, site.offset))  # they die on failure
                continue
            if depth < FOLLOW:
                target = self._target(fn, call)
                if target is not None:
                    inner = Taint(target, frozenset(p.name for p, a in zip(target.params, call.args) if taint.tainted(a.value)))
                    for check in self._dying_gates(target, inner, depth + 1):
                        found.append(replace(check, offset=site.offset, description=f"{check.description} in {target.display_name}"))
                        break
        return sorted(found, key=lambda c: c.offset)

    def _dying_gates(self, fn: ir.FunctionFact, taint: Taint, depth: int) -> list[Check]:
        """Checks in a helper whose failure ends the whole request (not merely the helper): an exit, a
        wp_die(), wp_send_json_error() or a throw in the failing branch, or a helper that does so."""
        found = []
        for guard in fn.guards:
            holder: list[Check] = []

            def is_test(node, holder=holder) -> bool:
                check = self.test(node, fn, taint, depth)
                if check is not None:
                    holder.append(check)
                return check is not None

            if test_polarity(guard.condition, is_test, fn=fn) == "negative" and holder:
                if any(guard.body_start <= offset < guard.body_end for offset in fn.exit_offsets):
                    found.append(holder[0])
        for site in fn.calls:
            call = site.call
            if isinstance(call, ir.Call) and _name(call) in ("check_ajax_referer", "check_admin_referer"):
                found.append(Check("nonce", f"{call.name}()", call.span))
            elif depth < FOLLOW:
                target = self._target(fn, call)
                if target is not None:
                    inner = Taint(target, frozenset(p.name for p, a in zip(target.params, call.args) if taint.tainted(a.value)))
                    found.extend(self._dying_gates(target, inner, depth + 1))
        return found

    def returns_verdict(self, fn: ir.FunctionFact) -> Check | None:
        """A validate_callback (or any function given request data as its first argument) whose returns are the
        result of a check: ``return hash_equals( ACME_TOKEN, $value );``, or a guard that returns early."""
        taint = Taint(fn, frozenset(p.name for p in fn.params[:1]))
        for ret in fn.returns:
            for node in walk(ret.value):
                check = self.test(node, fn, taint)
                if check is not None:
                    return check
        gates = self.gates(fn, taint)
        return gates[0] if gates else None

    def mentions(self, fn: ir.FunctionFact) -> set[str]:
        """String literals written in ``fn`` (to tell whether a dispatch filter is scoped to a route)."""
        from analyzer.php.flow import function_expressions

        found = set()
        for expr in function_expressions(fn):
            for node in walk(expr):
                if isinstance(node, ir.Lit) and isinstance(node.value, str) and len(node.value) >= 3:
                    found.add(node.value)
        return found


def _on_own_class(call) -> bool:
    if isinstance(call, ir.MethodCall):
        return isinstance(call.obj, ir.Var) and call.obj.name == "this"
    return isinstance(call, ir.StaticCall)


def _stops(fn: ir.FunctionFact, start: int, end: int) -> bool:
    return any(start <= offset < end for offset in fn.exit_offsets) or any(start <= r.offset < end for r in fn.returns)


def secret_identity_of(expr: ir.Expr | None, fn: ir.FunctionFact) -> set[tuple]:
    """Identities of the stored values ``expr`` prints (``("get_option", "acme_key")``, ``("constant", "X")``),
    following the function's variables."""
    found: set[tuple] = set()
    seen: set[str] = set()
    pending = [expr]
    while pending:
        for node in walk(pending.pop()):
            if isinstance(node, ir.Call):
                low = _name(node)
                position = wordpress.SECRET_SOURCES.get(low)
                if position is not None and position >= 0:
                    args = [a.value for a in node.args if not a.spread]
                    key = _literal(args[position]) if position < len(args) else None
                    if isinstance(key, str):
                        found.add((low, key))
            elif isinstance(node, ir.Const):
                found.add(("constant", node.name))
            elif isinstance(node, ir.Var) and node.name not in seen:
                seen.add(node.name)
                pending.extend(assigned_values(fn, node.name))
    return found
