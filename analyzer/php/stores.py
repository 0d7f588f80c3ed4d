"""What the plugin stores under an option or transient key, for values read back from the database.

WPR016 reports a permission callback that returns ``get_option( 'acme_api_open' )``: the value can be ``''`` or
``0``, and core treats both as a grant. Whether it can depends on what was stored. This module finds every
write of the key in the plugin (``update_option``, ``add_option``, ``set_transient`` …, keys resolved by the
evaluator, constants and class constants included) and says what the read can return.

What WordPress does with a stored boolean, checked on WordPress 6.1.9 with MariaDB and no persistent object
cache (the usual site): the value goes through the database as a string. ``true`` is read back as ``'1'``, and
``false`` as ``''`` — on every later request, ``get_option()`` / ``get_transient()`` return ``''``, which
core's permission check lets through (a route whose callback returned such a value answered 200 to a
visitor). Only a value that is never false survives the trip as something core reads as intended; and a key
never written reads as the default (``false`` unless one is given). Meta is worse: a post, user or term
without the key reads as ``''`` (``$single``) or ``[]``.

So a read is *boolean* only when the plugin writes the key, every write stores ``true`` (or a non-zero
number) or deletes the key, and the default when nothing is stored is ``false`` / ``null`` / truthy. A write
whose key or value cannot be resolved, a key registered with ``register_setting`` (options.php and the REST
settings route write it), or no write at all (the value may come from elsewhere) leaves the read as it was:
unknown stays loud.
"""

from __future__ import annotations

from dataclasses import dataclass

from analyzer import wordpress
from analyzer.php import ir
from analyzer.php.behaviour import non_boolean_sources
from analyzer.php.evaluate import Env, Evaluator, Known, Value, php_string
from analyzer.php.symbols import SymbolIndex
from analyzer.source import Span


@dataclass(frozen=True, slots=True)
class Write:
    """A call that stores (or deletes) a value under a key of a store."""

    function: str  # as written: update_option, set_transient …
    span: Span
    key: str | None  # None: not resolved
    kind: str  # 'true' (never false), 'boolean' (may be false), 'other', 'delete'
    prefix: str = ""  # for an unresolved key: the literal start and end it is known to have
    suffix: str = ""

    def may_be(self, key: str) -> bool:
        if self.key is not None:
            return self.key == key
        return key.startswith(self.prefix) and key.endswith(self.suffix) and len(key) >= len(self.prefix) + len(self.suffix)


@dataclass(frozen=True, slots=True)
class Verdict:
    """What a store read can return, as far as the plugin's writes tell."""

    boolean: bool  # only false / null or a value core reads as a grant on purpose: not WPR016's case
    note: str = ""  # why it is still not boolean, for the message ('' when nothing more is known)
    evidence: Write | None = None


def _call_name(call: ir.Call) -> str:
    return call.name.rsplit("\\", 1)[-1].lower()


def _arg(call: ir.Call, index: int | None) -> ir.Expr | None:
    if index is None or index >= len(call.args) or any(a.spread or a.name for a in call.args[: index + 1]):
        return None
    return call.args[index].value


def _last_assignment(fn: ir.FunctionFact, name: str, before: int) -> ir.Expr | None:
    found = None
    for assign in fn.assignments:
        if assign.offset < before and isinstance(assign.target, ir.Var) and assign.target.name == name:
            found = assign.value
    return found


def boolean_shape(expr: ir.Expr | None, fn: ir.FunctionFact, before: int, depth: int = 0) -> bool:
    """``expr`` is a boolean by its form: a comparison, ``!``, ``&&`` / ``||``, a ``(bool)`` cast, a function
    known to return a boolean (wordpress.BOOLEAN_FUNCTIONS), ``true`` / ``false``, or a variable last set to one."""
    if expr is None or depth > 6:
        return False
    if isinstance(expr, ir.Lit):
        return isinstance(expr.value, bool)
    if isinstance(expr, ir.Const):
        return expr.name.lower() in ("true", "false")
    if isinstance(expr, ir.Unary):
        return expr.op == "!"
    if isinstance(expr, ir.Cast):
        return expr.type in ("bool", "boolean")
    if isinstance(expr, ir.Op):
        return expr.op in wordpress.BOOLEAN_OPERATORS
    if isinstance(expr, ir.Call):
        return _call_name(expr) in wordpress.BOOLEAN_FUNCTIONS
    if isinstance(expr, ir.Ternary):
        then = expr.condition if expr.then is None else expr.then
        return boolean_shape(then, fn, before, depth + 1) and boolean_shape(expr.otherwise, fn, before, depth + 1)
    if isinstance(expr, ir.Var):
        return boolean_shape(_last_assignment(fn, expr.name, before), fn, before, depth + 1)
    return False


def _never_false(value: Value) -> bool:
    """A known value that is stored as a non-empty string other than '0': true, or a non-zero number."""
    if not isinstance(value, Known):
        return False
    v = value.value
    return v is True or (isinstance(v, (int, float)) and not isinstance(v, bool) and v != 0)


class StoredValues:
    """Writes of options and transients in the parsed plugin files, by store; built on first use."""

    def __init__(self, index: SymbolIndex, evaluator: Evaluator) -> None:
        self.index = index
        self.evaluator = evaluator
        self._writes: dict[str, list[Write]] | None = None

    def writes(self, store: str) -> list[Write]:
        if self._writes is None:
            self._writes = {}
            for name, (kind, key_at, value_at) in sorted(wordpress.STORE_WRITES.items()):
                for fn, site in self.index.call_sites.get(name, []):
                    if isinstance(site.call, ir.Call) and _call_name(site.call) == name:
                        self._writes.setdefault(kind, []).append(self._write(fn, site, key_at, value_at))
        return self._writes.get(store, [])

    def _write(self, fn: ir.FunctionFact, site: ir.CallSite, key_at: int, value_at: int | None) -> Write:
        call = site.call
        assert isinstance(call, ir.Call)
        env = Env(fn, fn.class_name, site.offset)
        key_expr = _arg(call, key_at)
        key = php_string(self.evaluator.evaluate(key_expr, env)) if key_expr is not None else None
        prefix = suffix = ""
        if key is None and isinstance(key_expr, ir.Concat):
            prefix, suffix = self._known_ends(key_expr, env)
        if value_at is None:
            kind = "delete"
        elif value_at < 0:
            kind = "other"  # register_setting: options.php and the settings route store what was posted
        else:
            value_expr = _arg(call, value_at)
            if value_expr is not None and _never_false(self.evaluator.evaluate(value_expr, env)):
                kind = "true"
            elif boolean_shape(value_expr, fn, site.offset):
                kind = "boolean"
            else:
                kind = "other"
        return Write(call.name, call.span, key, kind, prefix, suffix)

    def _known_ends(self, expr: ir.Concat, env: Env) -> tuple[str, str]:
        texts = [php_string(self.evaluator.evaluate(part, env)) for part in expr.parts]
        prefix = "".join(t for t in _until_none(texts))
        suffix = "".join(reversed(list(_until_none(list(reversed(texts))))))
        return prefix, suffix

    def verdict(self, read: ir.Expr, fn: ir.FunctionFact, class_name: str | None, offset: int) -> Verdict | None:
        """What ``read`` (a call of a STORE_READS function in ``fn``) can return, or None when it is not a
        store read or nothing more is known than before."""
        if not isinstance(read, ir.Call):
            return None
        name = _call_name(read)
        if name not in wordpress.STORE_READS:
            return None
        store, key_at, default_at = wordpress.STORE_READS[name]
        if store == "meta":
            single = _arg(read, 2)
            empty = "''" if isinstance(single, ir.Lit) and single.value else "[]"
            return Verdict(False, f"; an object that never had this meta, or had false stored, reads back as {empty}")
        env = Env(fn, class_name, offset)
        key_expr = _arg(read, key_at)
        key = php_string(self.evaluator.evaluate(key_expr, env)) if key_expr is not None else None
        if key is None:
            return None
        writes = [w for w in self.writes(store) if w.may_be(key)]
        if not writes or any(w.key is None for w in writes) or all(w.kind == "delete" for w in writes):
            return None  # written elsewhere, or under a key the analyzer cannot read: unknown stays loud
        if any(w.kind == "other" for w in writes):
            return None
        default = _arg(read, default_at)
        if default is not None:
            value = self.evaluator.evaluate(default, env)
            ok = isinstance(value, Known) and (value.value is False or value.value is None or _never_false(value))
            if not ok:
                shown = default.value if isinstance(default, ir.Lit) else None
                what = "an empty string" if shown == "" else (f"{shown!r}" if shown is not None else "a value that may be 0 or ''")
                return Verdict(False, f"; until '{key}' is stored, {read.name}() returns its default, {what}")
        flagged = next((w for w in writes if w.kind == "boolean"), None)
        if flagged is None:
            return Verdict(True, evidence=writes[0])
        return Verdict(
            False,
            f"; the plugin stores a boolean under '{key}' ({flagged.function}() at {flagged.span.path}:{flagged.span.line}), "
            f"but WordPress saves false as '' and {read.name}() returns '' on later requests",
            flagged,
        )


def _until_none(texts):
    for text in texts:
        if text is None:
            return
        yield text


def demands(model) -> set[tuple[str, str]]:
    """Calls that write a store a permission callback returns a value of: every file that writes the key must
    be parsed before a read can be called boolean (the scan parses files on demand)."""
    wanted: set[tuple[str, str]] = set()
    for endpoint in model.rest_endpoints:
        callback = endpoint.permission.callback
        fn = callback.function if callback is not None else None
        if fn is None:
            continue
        for ret in fn.returns:
            for _, node in non_boolean_sources(ret.value, fn):
                if isinstance(node, ir.Call) and _call_name(node) in wordpress.STORE_READS:
                    store = wordpress.STORE_READS[_call_name(node)][0]
                    if store == "meta":
                        continue  # never boolean, whatever is written
                    wanted |= {("call", name) for name, (kind, _, _) in wordpress.STORE_WRITES.items() if kind == store}
                    # Resolve the keys now: a constant not found yet is asked for with the writes.
                    model.stored_values.verdict(node, fn, callback.class_name or fn.class_name, ret.offset)
    return wanted
