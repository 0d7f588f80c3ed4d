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

import re
from dataclasses import dataclass, replace

from analyzer import wordpress
from analyzer.php import ir
from analyzer.php.behaviour import dies_on_failure, stops, test_polarity
from analyzer.php.flow import RequestReaders, Taint, assigned_values, is_wpdb, sql_text, walk, walk_traced
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
    identities: frozenset = frozenset()  # for kind "secret": the stored values compared with (demand-driven parsing)

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

    def __init__(self, index: SymbolIndex, printed: dict[tuple, tuple[Span, str]], readers: RequestReaders | None = None) -> None:
        self.index = index
        self.printed = printed  # source identity -> (where it is printed, how)
        self.readers = readers or RequestReaders(index)
        # Answers already worked out, keyed by the function, which of its parameters carry request data and the
        # follow depth left (a helper is asked the same question from every route that calls it).
        self._memo: dict[tuple, object] = {}

    def taint(self, fn: ir.FunctionFact, params) -> Taint:
        """Request data in ``fn``, given which parameters hold it."""
        return self.readers.taint(fn, params)

    def _remembered(self, key: tuple, anchor, compute):
        """``compute()``, once per ``key``; ``anchor`` (an expression the key names by ``id``) is kept with the
        answer so that a recycled id can never be mistaken for it."""
        entry = self._memo.get(key)
        if entry is not None and entry[0] is anchor:
            return entry[1]
        value = compute()
        self._memo[key] = (anchor, value)
        return value

    # --- what a value is ------------------------------------------------------------------------

    def _secret(self, expr: ir.Expr | None, fn: ir.FunctionFact, depth: int = 0, bindings: dict | None = None):
        """A server-side secret ``expr`` is computed from: ``(description, identities)``, where the identities
        (``("get_option", "acme_key")``, ``("constant", "ACME_KEY")``) are what the printed-value index knows.
        A description starting with ``source:`` names a value written in the plugin's own source."""
        bindings = bindings or {}
        seen: set[str] = set()
        pending = [expr]
        while pending:
            for node in walk(pending.pop()):
                if isinstance(node, ir.Call):
                    low = _name(node)
                    position = wordpress.SECRET_SOURCES.get(low)
                    if position is not None:
                        args = [a.value for a in node.args if not a.spread]
                        key_expr = args[position] if 0 <= position < len(args) else None
                        if isinstance(key_expr, ir.Var) and key_expr.name in bindings and not assigned_values(fn, key_expr.name):
                            key_expr = bindings[key_expr.name]
                        key = _literal(key_expr)
                        store = low.removeprefix("get_").replace("_", " ")
                        if not isinstance(key, str) or position < 0 or low == "wp_salt":
                            return f"{node.name}()", frozenset()
                        return f"the {store} '{key}'", frozenset({(low, key)})
                    target = self.index.function(node.name, fn.namespace) if depth < FOLLOW else None
                    if target is not None:
                        found = self._returned_secret(target, depth, _bind(target, node))
                        if found is not None:
                            return found
                elif isinstance(node, ir.Const) and not node.name.startswith("__"):
                    fact = self.index.constant(node.name, fn.namespace)
                    identity = frozenset({("constant", node.name)})
                    if fact is None:
                        return f"the constant {node.name} (defined outside the plugin, e.g. in wp-config.php)", identity
                    if isinstance(fact.value, ir.Lit):
                        return f"source:the constant {node.name}, written in the plugin's source ({fact.span.path}:{fact.span.line})", identity
                    found = self._secret(fact.value, fn, depth + 1)
                    if found is not None:
                        return found[0], found[1] | identity
                elif isinstance(node, ir.MethodCall) and is_wpdb(node.obj) and node.name.lower() in wordpress.WPDB_READS:
                    # A row of the database: the plugin's own store (``F_DB::get_option()`` reading wp_options).
                    return f"a value read from the database ($wpdb->{node.name}())", frozenset()
                elif isinstance(node, (ir.MethodCall, ir.StaticCall)) and depth < FOLLOW:
                    target = self._target(fn, node)
                    if target is not None:
                        found = self._returned_secret(target, depth, _bind(target, node))
                        if found is not None:
                            return found
                elif isinstance(node, ir.Var) and node.name not in seen:
                    seen.add(node.name)
                    values = assigned_values(fn, node.name)
                    pending.extend(values if values or node.name not in bindings else [bindings[node.name]])
                elif isinstance(node, ir.Prop) and isinstance(node.obj, ir.Var) and node.obj.name == "this" and depth < FOLLOW:
                    found = self._property_secret(fn.class_name, node.name, depth)
                    if found is not None:
                        return found
        return None

    def _returned_secret(self, fn: ir.FunctionFact, depth: int, bindings: dict | None = None):
        for ret in fn.returns:
            found = self._secret(ret.value, fn, depth + 1, bindings)
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
                    return f"source:the property ${name}, written in the plugin's source", frozenset()
        return None

    def _compare(self, left, right, fn: ir.FunctionFact, taint: Taint, span: Span, how: str, bindings: dict | None = None) -> Check | None:
        """``left`` and ``right`` compared: a secret check when one is request data and the other a secret."""
        for request_side, secret_side in ((left, right), (right, left)):
            # The secret side may carry request data too: an HMAC of the body keyed with the secret.
            if not taint.tainted(request_side):
                continue
            literal = _literal(secret_side)
            if isinstance(literal, str) and _looks_like_token(literal):
                return Check("source", f"{how} against a value written in the plugin's source", span)
            found = self._secret(secret_side, fn, 0, bindings)
            if found is None:
                continue
            description, identities = found
            if description.startswith("source:"):
                return Check("source", f"{how} against {description[7:]}", span)
            printed = self._printed(identities)
            if printed is not None:
                return Check("printed", f"{how} against {description}", span, printed=printed[0], printed_how=printed[1])
            return Check("secret", f"{how} against {description}", span, identities=identities)
        return None

    def _printed(self, identities) -> tuple[Span, str] | None:
        found = [self.printed[i] for i in sorted(identities) if i in self.printed]
        return found[0] if found else None

    # --- tests: calls and comparisons that verify something ---------------------------------------

    def test(self, node: ir.Expr, fn: ir.FunctionFact, taint: Taint, depth: int = 0, bindings: dict | None = None) -> Check | None:
        """The check ``node`` performs when it is evaluated as a condition, or None."""
        if isinstance(node, ir.Op) and node.op in ("===", "==", "!==", "!="):
            return self._compare(node.left, node.right, fn, taint, node.span, "a comparison", bindings)
        if not isinstance(node, (ir.Call, ir.MethodCall, ir.StaticCall)):
            return None
        low = _name(node)
        description = f"{node.name}()"
        if isinstance(node, ir.MethodCall) and is_wpdb(node.obj) and low in wordpress.WPDB_READS:
            return self._lookup(node, fn, taint)
        if isinstance(node, ir.Call) and low in _MEMBERSHIP_TESTS:
            return self._membership(node, low, fn, taint, bindings)
        if isinstance(node, ir.Call):
            if low in wordpress.NONCE_CHECK_FUNCTIONS:
                return self._nonce(node, low, description, fn, bindings)
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
                return self._compare(args[0], args[1], fn, taint, node.span, description, bindings) if len(args) >= 2 else None
        if depth >= FOLLOW:
            return None
        return self._remembered(("helper", id(node), fn, taint.params, depth), node, lambda: self._helper_test(node, fn, taint, depth))

    def _helper_test(self, node, fn: ir.FunctionFact, taint: Taint, depth: int) -> Check | None:
        target = self._target(fn, node)
        if target is None:
            return None
        # A plugin helper that verifies and returns the verdict: its arguments bind its parameters.
        inner = self.taint(target, (p.name for p, a in zip(target.params, node.args) if taint.tainted(a.value)))
        bound = _bind(target, node)
        for ret in target.returns:
            for sub in walk_traced(ret.value, target):
                found = self.test(sub, target, inner, depth + 1, bound)
                if found is not None:
                    return replace(found, description=f"{found.description} in {target.display_name}")
        for guard in target.guards:
            for sub in walk_traced(guard.condition, target):
                found = self.test(sub, target, inner, depth + 1, bound)
                if found is not None:
                    return replace(found, description=f"{found.description} in {target.display_name}")
        return None

    def _membership(self, node: ir.Call, low: str, fn: ir.FunctionFact, taint: Taint, bindings: dict | None) -> Check | None:
        """``isset( $stored[ md5( $request['signature'] ) ] )``, ``in_array( $token, $stored, true )``: the
        request's value must be an entry of a list kept on the server (subscription signatures, API keys)."""
        args = [a.value for a in node.args if not a.spread]
        pairs = []
        if low in ("isset", "empty"):
            pairs = [(a.key, a.base) for a in args if isinstance(a, ir.Sub) and a.key is not None]
        elif len(args) >= 2:
            pairs = [(args[0], args[1])]
        for key, stored in pairs:
            if not taint.tainted(key) or taint.supplies(stored, None, None):
                continue
            found = self._secret(stored, fn, 0, bindings)
            if found is None or found[0].startswith("source:"):
                continue
            description, identities = found
            printed = self._printed(identities)
            if printed is not None:
                return Check("printed", f"a look-up of the request's value in {description}", node.span, printed=printed[0], printed_how=printed[1])
            return Check("secret", f"a look-up of the request's value in {description}", node.span, identities=identities)
        return None

    def _lookup(self, node: ir.MethodCall, fn: ir.FunctionFact, taint: Taint) -> Check | None:
        """``$wpdb->get_row( $wpdb->prepare( '… WHERE consumer_secret = %s', $request_value ) )``: the row exists
        only for a caller who knows a stored key, so "no row" refuses the request."""
        sql = node.args[0].value if node.args else None
        if sql is None or not taint.tainted(sql):
            return None
        text = sql_text(sql, fn).lower()
        where = text.partition(" where ")[2]
        for column, _ in _COLUMN_TEST.findall(where):
            if any(word in column for word in wordpress.SECRET_COLUMN_WORDS):
                return Check("secret", f"a look-up of the request's value in the column {column} ($wpdb->{node.name}())", node.span)
        return None

    def _nonce(self, node: ir.Call, low: str, description: str, fn: ir.FunctionFact, bindings: dict | None) -> Check:
        """A nonce check: a credential when the nonce is bound to a user — unless the plugin prints a nonce of
        that action to every visitor, who then holds a valid user-0 nonce (DOMAIN §3.2, §1.9)."""
        args = [a.value for a in node.args if not a.spread]
        action_expr = args[1] if low == "wp_verify_nonce" and len(args) > 1 else (args[0] if low != "wp_verify_nonce" and args else None)
        if isinstance(action_expr, ir.Var) and bindings and action_expr.name in bindings and not assigned_values(fn, action_expr.name):
            action_expr = bindings[action_expr.name]
        action = _literal(action_expr)
        printed = self.printed.get(("nonce", action)) if isinstance(action, str) else None
        if printed is not None:
            return Check("printed", f"{description} of the '{action}' nonce", node.span, printed=printed[0], printed_how=printed[1])
        return Check("nonce", description, node.span)

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
        return list(self._remembered(("gates", fn, taint.params, depth), fn, lambda: tuple(self._gates(fn, taint, depth))))

    def _gates(self, fn: ir.FunctionFact, taint: Taint, depth: int) -> list[Check]:
        found: list[Check] = []
        for guard in fn.guards:
            polarity, checks = self._polarity(guard.condition, fn, taint, depth)
            if polarity == "negative" and checks and (stops(fn, guard.body_start, guard.body_end) or self._ends_in(fn, guard.body_start, guard.body_end, depth)):
                found.append(replace(checks[0], offset=guard.offset))
        for ret in fn.returns:
            # return verify( $request ) ? do_it( $request ) : new WP_Error( … );
            if isinstance(ret.value, ir.Ternary) and ret.value.then is not None:
                polarity, checks = self._polarity(ret.value.condition, fn, taint, depth)
                if polarity == "positive" and checks:
                    found.append(replace(checks[0], offset=ret.offset))
        for attempt in fn.tries:
            if not any(stops(fn, start, end) for start, end in attempt.catches):
                continue
            for site in fn.calls:
                if attempt.body_start <= site.offset < attempt.body_end:
                    check = self.test(site.call, fn, taint, depth)
                    if check is not None:
                        found.append(replace(check, offset=site.offset))
        for site in fn.calls:
            call = site.call
            if dies_on_failure(call):
                found.append(replace(self._nonce(call, _name(call), f"{call.name}()", fn, None), offset=site.offset))
                continue
            if depth < FOLLOW:
                target = self._target(fn, call)
                if target is not None:
                    inner = self.taint(target, (p.name for p, a in zip(target.params, call.args) if taint.tainted(a.value)))
                    for check in self._dying_gates(target, inner, depth + 1):
                        found.append(replace(check, offset=site.offset, description=f"{check.description} in {target.display_name}"))
                        break
        return sorted(found, key=lambda c: c.offset)

    def _dying_gates(self, fn: ir.FunctionFact, taint: Taint, depth: int) -> list[Check]:
        """Checks in a helper whose failure ends the whole request (not merely the helper): an exit, a
        wp_die(), wp_send_json_error() or a throw in the failing branch, or a helper that does so."""
        return list(self._remembered(("dying", fn, taint.params, depth), fn, lambda: tuple(self._dying_gates_of(fn, taint, depth))))

    def _dying_gates_of(self, fn: ir.FunctionFact, taint: Taint, depth: int) -> list[Check]:
        found = []
        for guard in fn.guards:
            polarity, checks = self._polarity(guard.condition, fn, taint, depth)
            if polarity == "negative" and checks and self._ends_in(fn, guard.body_start, guard.body_end, depth):
                found.append(checks[0])
        for site in fn.calls:
            call = site.call
            if dies_on_failure(call):
                found.append(self._nonce(call, _name(call), f"{call.name}()", fn, None))
            elif depth < FOLLOW:
                target = self._target(fn, call)
                if target is not None:
                    inner = self.taint(target, (p.name for p, a in zip(target.params, call.args) if taint.tainted(a.value)))
                    found.extend(self._dying_gates(target, inner, depth + 1))
        return found

    def _polarity(self, condition: ir.Expr, fn: ir.FunctionFact, taint: Taint, depth: int) -> tuple[str | None, list[Check]]:
        """Whether a branch on ``condition`` runs when its checks passed ("positive") or failed ("negative"),
        and the checks it makes."""
        polarity, checks = self._remembered(("polarity", id(condition), fn, taint.params, depth), condition, lambda: self._polarity_of(condition, fn, taint, depth))
        return polarity, list(checks)

    def _polarity_of(self, condition: ir.Expr, fn: ir.FunctionFact, taint: Taint, depth: int) -> tuple[str | None, tuple[Check, ...]]:
        checks: list[Check] = []

        def is_test(node) -> bool:
            check = self.test(node, fn, taint, depth)
            if check is not None:
                checks.append(check)
            return check is not None

        return test_polarity(condition, is_test, fn=fn), tuple(checks)

    def _ends_in(self, fn: ir.FunctionFact, start: int, end: int, depth: int) -> bool:
        """Code in ``[start, end)`` of ``fn`` ends the whole request: an exit, wp_die(), wp_send_json*(), a
        throw, or a call of a plugin helper that always does."""
        if any(start <= offset < end for offset in fn.exit_offsets):
            return True
        return any(start <= site.offset < end and self._always_ends(fn, site.call, depth + 1) for site in fn.calls)

    def _always_ends(self, fn: ir.FunctionFact, call, depth: int) -> bool:
        if depth > FOLLOW:
            return False
        return self._remembered(("ends", id(call), fn, depth), call, lambda: self._always_ends_of(fn, call, depth))

    def _always_ends_of(self, fn: ir.FunctionFact, call, depth: int) -> bool:
        target = self._target(fn, call)
        if target is None:
            return False
        inside_guards = [(g.body_start, g.body_end) for g in target.guards]
        unconditional = [o for o in target.exit_offsets if not any(a <= o < b for a, b in inside_guards)]
        if unconditional:
            return True
        return any(
            not any(a <= site.offset < b for a, b in inside_guards) and self._always_ends(target, site.call, depth + 1)
            for site in target.calls
        )

    def guarding(self, fn: ir.FunctionFact, offset: int, taint: Taint) -> tuple[Check | None, Check | None]:
        """The credential (if any) the code at ``offset`` of ``fn`` runs only after — inside ``if ( check )``
        or after ``if ( ! check ) { return … }`` — and the first would-be check there that is none."""
        seen: list[Check] = []
        for guard in fn.guards:
            polarity, checks = self._polarity(guard.condition, fn, taint, 0)
            inside = polarity == "positive" and guard.body_start <= offset < guard.body_end
            after = polarity == "negative" and guard.body_end <= offset and stops(fn, guard.body_start, guard.body_end)
            if inside or after:
                seen.extend(checks)
        credential = next((c for c in seen if c.lowers), None)
        return credential, next((c for c in seen if not c.lowers), None)

    def returns_verdict(self, fn: ir.FunctionFact) -> Check | None:
        """A validate_callback (or any function given request data as its first argument) whose returns are the
        result of a check: ``return hash_equals( ACME_TOKEN, $value );``, or a guard that returns early."""
        taint = self.taint(fn, (p.name for p in fn.params[:1]))
        for ret in fn.returns:
            for node in walk(ret.value):
                check = self.test(node, fn, taint)
                if check is not None:
                    return check
        gates = self.gates(fn, taint)
        return gates[0] if gates else None

    def mentions(self, fn: ir.FunctionFact) -> set[str]:
        """String literals written in ``fn``, and the literal values of constants it names (to tell whether a
        dispatch filter is scoped to a route: ``'/' . ACTIVITYPUB_REST_NAMESPACE``)."""
        from analyzer.php.flow import function_expressions

        found = set()
        for expr in function_expressions(fn):
            for node in walk(expr):
                if isinstance(node, ir.Const):
                    fact = self.index.constant(node.name, fn.namespace)
                    node = fact.value if fact is not None else node
                if isinstance(node, ir.Lit) and isinstance(node.value, str) and len(node.value) >= 3:
                    found.add(node.value)
        return found


# Membership tests: the request's value as a key of, or an entry in, a stored list.
_MEMBERSHIP_TESTS = frozenset({"isset", "empty", "array_key_exists", "in_array", "key_exists"})

# ``column = %s`` / ``t.column='%s'`` in a WHERE clause.
_COLUMN_TEST = re.compile(r"([a-z_][a-z0-9_.`]*)`?\s*=\s*('?%[sd]'?)")


def _looks_like_token(text: str) -> bool:
    """A literal that reads like a hard-coded key ('x8Fk2qLm9Zp4'), not a content type, an algorithm name or a
    route: long, no spaces or slashes, letters and digits mixed."""
    return len(text) >= 12 and not any(c in text for c in " /.:") and any(c.isdigit() for c in text) and any(c.isalpha() for c in text)


def _bind(target: ir.FunctionFact, call) -> dict:
    """The helper's parameters bound to the call's positional arguments (as written at the call)."""
    positional = [a.value for a in call.args if a.name is None and not a.spread]
    return {p.name: a for p, a in zip(target.params, positional)}


def _on_own_class(call) -> bool:
    if isinstance(call, ir.MethodCall):
        return isinstance(call.obj, ir.Var) and call.obj.name == "this"
    return isinstance(call, ir.StaticCall)


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
                elif low == "wp_create_nonce" and node.args and isinstance(_literal(node.args[0].value), str):
                    found.add(("nonce", _literal(node.args[0].value)))
            elif isinstance(node, ir.Const):
                found.add(("constant", node.name))
            elif isinstance(node, ir.Var) and node.name not in seen:
                seen.add(node.name)
                pending.extend(assigned_values(fn, node.name))
    return found
