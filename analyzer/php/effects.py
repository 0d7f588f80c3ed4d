"""What an endpoint's callback can change: its effects, followed through the plugin's own code.

From a route's ``callback`` the analysis follows plugin functions, methods (``$this->``, ``self::`` /
``static::`` / ``parent::``, objects the evaluator resolves, inherited and trait methods), constructors of
objects it creates, closures defined inside, callables handed to ``call_user_func`` / ``array_map`` …, and the
plugin's own callbacks on hooks it fires — to a bounded depth, each function once per taint pattern, cycles
cut. Every call that leaves the plugin is classed by :mod:`analyzer.php.writes`, with the knowledge in
:mod:`analyzer.wordpress_effects`; every call it cannot follow is an ``unknown`` effect that says what and where.

Each :class:`Effect` keeps ``entry``: the byte offset, in the callback itself, of the statement through which
it is reached, so a credential checked earlier in the callback can be told from one checked too late.
"""

from __future__ import annotations

from analyzer import wordpress_effects as wpe
from analyzer.php import ir
from analyzer.php.callables import callable_target
from analyzer.php.evaluate import Env, Evaluator, Known, ObjectV
from analyzer.php.flow import Taint, assigned_values, is_wpdb
from analyzer.php.symbols import SymbolIndex
from analyzer.php.writes import (  # noqa: F401  (Effects: re-exported for the exposure analysis)
    Effect,
    Effects,
    WriteClassifier,
    arg_at,
    chosen_by_request,
    decoded_request,
    literal_text,
    looked_up_by_request,
    visitor_session,
)

MAX_DEPTH = 12  # plugin functions followed below a callback
MAX_VISITS = 400  # functions analysed for one callback before the rest counts as unknown


class EffectAnalyzer(WriteClassifier):
    """Effects of callbacks, with results per function cached across the endpoints of one model."""

    def __init__(self, index: SymbolIndex, evaluator: Evaluator, hook_callbacks, readers=None) -> None:
        self.index = index
        self.readers = readers
        self.evaluator = evaluator
        self.hook_callbacks = hook_callbacks  # hook name -> plugin functions added to it (model)
        self._closures: dict[tuple[str, int], list[ir.FunctionFact]] = {}
        for fn in index.by_key.values():
            if fn.parent_key is not None:
                self._closures.setdefault(fn.parent_key, []).append(fn)
        self._cache: dict[tuple, tuple[Effect, ...]] = {}
        self._literals: dict[str, str] = {}  # parameters of the function being walked bound to a literal

    # --- entry point -----------------------------------------------------------------------------

    def of_callback(self, fn: ir.FunctionFact, class_name: str | None) -> Effects:
        """The effects ``fn`` can reach when WordPress calls it with the request as its first argument."""
        self._visits = 0
        tainted = frozenset(p.name for p in fn.params[:1])
        found = self._function(fn, class_name, tainted, top=True, depth=0, active=set())
        unique: dict[tuple, Effect] = {}
        for effect in found:
            unique.setdefault((effect.span, effect.cls, effect.area, effect.entry), effect)
        return Effects(tuple(sorted(unique.values(), key=lambda e: (e.span, e.cls))))

    # --- walking the plugin's code ----------------------------------------------------------------

    def _function(self, fn, class_name, tainted, *, top: bool, depth: int, active: set, literals: frozenset = frozenset()) -> tuple[Effect, ...]:
        """Effects of ``fn``; ``tainted`` names the parameters that hold request data, ``literals`` pairs the
        parameters the caller passed a literal with it (``t_main::update_option( 't_error', … )`` writes the
        option 't_error')."""
        key = (fn.key, class_name, tainted, literals)
        if not top and key in self._cache:
            return self._cache[key]
        if key in active:
            return ()  # recursion: what the cycle reaches is collected on its first pass
        self._visits += 1
        if depth > MAX_DEPTH or self._visits > MAX_VISITS:
            return (Effect(wpe.UNKNOWN, "unresolved", fn.display_name, "the call chain is too deep to follow", fn.span),)
        active.add(key)
        outer_literals = self._literals
        self._literals = {name: value for name, value in literals if not assigned_values(fn, name)}
        try:
            taint = self.readers.taint(fn, tainted) if self.readers is not None else Taint(fn, tainted, self.readers)
            found: list[Effect] = []

            def add(effects, offset: int) -> None:
                entry = offset if top else -1
                found.extend(Effect(e.cls, e.area, e.what, e.why, e.span, entry) if top else e for e in effects)

            for site in fn.calls:
                add(self._call(fn, class_name, site.call, site.offset, taint, depth, active), site.offset)
            for creation in fn.creations:
                add(self._construct(fn, creation.new, taint, depth, active), creation.offset)
            for dynamic in fn.dynamic_calls:
                add(self._dynamic(fn, class_name, dynamic, taint, depth, active), dynamic.offset)
            for closure in self._closures.get(fn.key, ()):
                # A closure written in the body runs in this request (array_map, usort, a shutdown hook …).
                inner = frozenset(n for n in closure.uses if n in taint.names) | frozenset(p.name for p in closure.params)
                add(self._function(closure, class_name, inner, top=False, depth=depth + 1, active=active), closure.key[1])
            result = tuple(found)
        finally:
            active.discard(key)
            self._literals = outer_literals
        if not top:
            self._cache[key] = result
        return result

    def _follow(self, target, class_name, call, fn, taint, depth, active, args=None) -> tuple[Effect, ...]:
        """Effects of a plugin function called with ``call``'s arguments (tainted ones taint its parameters)."""
        args = call.args if args is None else args
        positional = [a for a in args if a.name is None and not a.spread]
        named = {a.name: a for a in args if a.name}
        spread = any(a.spread for a in args)
        tainted = set()
        literals = set()
        for i, param in enumerate(target.params):
            arg = named.get(param.name) or (positional[i] if i < len(positional) else None)
            if (arg is not None and taint.tainted(arg.value)) or (spread and any(taint.tainted(a.value) for a in args if a.spread)):
                tainted.add(param.name)
            if param.variadic and any(taint.tainted(a.value) for a in positional[i:]):
                tainted.add(param.name)
            literal = self._literal_of(arg.value) if arg is not None and not param.variadic and not spread else None
            if isinstance(literal, str):
                literals.add((param.name, literal))
        return self._function(target, class_name, frozenset(tainted), top=False, depth=depth + 1, active=active, literals=frozenset(literals))

    def _literal_of(self, expr: ir.Expr | None) -> str | None:
        """The string ``expr`` is when written as a literal, or a parameter the caller bound to one."""
        if isinstance(expr, ir.Var) and expr.name in self._literals:
            return self._literals[expr.name]
        return literal_text(expr)

    def _call(self, fn, class_name, call, offset, taint, depth, active) -> tuple[Effect, ...]:
        if isinstance(call, ir.Call):
            return self._function_call(fn, class_name, call, taint, depth, active)
        if isinstance(call, ir.MethodCall):
            return self._method_call(fn, class_name, call, offset, taint, depth, active)
        return self._static_call(fn, class_name, call, taint, depth, active)

    def _function_call(self, fn, class_name, call: ir.Call, taint, depth, active) -> tuple[Effect, ...]:
        low = call.name.rsplit("\\", 1)[-1].lower()
        what = f"{call.name}()"
        if low in wpe.CALLABLE_RUNNERS:
            return self._callable(fn, class_name, call, arg_at(call, wpe.CALLABLE_RUNNERS[low]), taint, depth, active)
        if low in wpe.HOOK_FIRES:
            hook = arg_at(call, 0)
            if taint.tainted(hook):
                return (Effect(wpe.UNKNOWN, "unresolved", what, "the request names the hook it fires", call.span),)
            found: list[Effect] = []
            for target, target_class in self.hook_callbacks(literal_text(hook)):
                found.extend(self._function(target, target_class, frozenset(p.name for p in target.params), top=False, depth=depth + 1, active=active))
            return tuple(found)
        write = wpe.write_of(low)
        if write is not None:
            effect = self._classify(write, call, what, fn, taint)
            return (effect,) if effect is not None else ()
        if low in wpe.URL_READS:
            if taint.tainted(arg_at(call, 0)):
                return (Effect(wpe.PRIVILEGED, "outbound", what, "the URL or path comes from the request", call.span),)
            return ()
        if low in wpe.php_functions() or low in wpe.LANGUAGE_CONSTRUCTS or low in wpe.LIBRARY_ACCESSORS:
            return ()
        if low in wpe.wordpress_functions() or (low.startswith("wp_") and self.index.function(call.name, fn.namespace) is None):
            # wp_ is WordPress's own prefix (plugins may not use it): a newer core function than our list knows.
            if wpe.writes_by_name(low) and not wpe.reads_by_name(low) and not low.startswith(wpe.CORE_RUNTIME_PREFIXES):
                return (Effect(wpe.UNKNOWN, "unresolved", what, "a WordPress function whose effect is not modelled", call.span),)
            return ()
        target = self.index.function(call.name, fn.namespace)
        if target is not None:
            return self._follow(target, None, call, fn, taint, depth, active)
        if wpe.reads_by_name(low):
            return ()
        return (Effect(wpe.UNKNOWN, "unresolved", what, "not defined in the plugin", call.span),)

    def _receiver_class(self, fn, class_name, obj: ir.Expr, offset: int) -> str | None:
        if isinstance(obj, ir.Var) and obj.name == "this":
            return class_name or fn.class_name
        self.evaluator.reset()
        value = self.evaluator.eval(obj, Env(fn, class_name or fn.class_name, offset))
        return value.cls if isinstance(value, ObjectV) else None

    def _method_call(self, fn, class_name, call: ir.MethodCall, offset, taint, depth, active) -> tuple[Effect, ...]:
        name = call.name.lower()
        what = f"->{call.name}()"
        if is_wpdb(call.obj):
            return self._wpdb(call, taint, fn)
        if name in wpe.USER_METHODS:
            return (Effect(wpe.PRIVILEGED, "users", what, "it changes a user's roles or capabilities", call.span),)
        if name in wpe.FILESYSTEM_METHODS and (name == "extractto" or (isinstance(call.obj, ir.Var) and "filesystem" in call.obj.name.lower())):
            return (Effect(wpe.PRIVILEGED, "files", what, "it writes through the filesystem API", call.span),)
        if visitor_session(call.obj):
            return (Effect(wpe.OWN, "session", what, "the visitor's own cart or session", call.span),)
        cls = self._receiver_class(fn, class_name, call.obj, offset)
        if cls is not None:
            target = self.index.method(cls, call.name)
            if target is not None:
                return self._follow(target, cls, call, fn, taint, depth, active)
        if wpe.reads_by_name(name) or name in wpe.REQUEST_METHODS:
            return ()  # getters, and the request object's own API (get_param, set_param …)
        short = cls.rsplit("\\", 1)[-1] if cls else None
        area = wpe.PRIVILEGED_CLASSES.get(short.lower()) if short else None
        if area is not None and wpe.writes_by_name(name):
            return (Effect(wpe.PRIVILEGED, area, what, f"it changes a {short}", call.span),)
        if taint.tainted(call.obj) and wpe.writes_by_name(name):
            if decoded_request(call.obj, fn, taint):
                return ()  # a method of the request's own decoded data (json_decode( $request->get_body() )) stores nothing
            if looked_up_by_request(call.obj, fn, taint):
                return (Effect(wpe.PRIVILEGED, "content", what, "a write to an object the request chooses", call.span),)
        where = f"a {short} object" if short else "an object the analyzer cannot resolve"
        return (Effect(wpe.UNKNOWN, "unresolved", what, f"a method of {where}", call.span),)

    def _static_call(self, fn, class_name, call: ir.StaticCall, taint, depth, active) -> tuple[Effect, ...]:
        if call.scope in ("self", "static"):
            cls = class_name or fn.class_name if call.scope == "static" else fn.class_name
        elif call.scope == "parent":
            cls = self.index.parent_class(fn.class_name)
        else:
            found = self.index.class_(call.scope, fn.namespace)
            cls = found.name if found is not None else call.scope
        target = self.index.method(cls, call.name) if cls else None
        if target is not None:
            return self._follow(target, class_name if call.scope in ("self", "static", "parent") else cls, call, fn, taint, depth, active)
        if wpe.reads_by_name(call.name):
            return ()
        return (Effect(wpe.UNKNOWN, "unresolved", f"{call.scope}::{call.name}()", "a method outside the plugin", call.span),)

    def _construct(self, fn, new: ir.New, taint, depth, active) -> tuple[Effect, ...]:
        cls = self.index.class_(new.cls, fn.namespace)
        if cls is None:
            return ()  # a class of WordPress or a library: constructing it changes nothing the plugin can see
        ctor = self.index.method(cls.name, "__construct")
        if ctor is None:
            return ()
        return self._follow(ctor, cls.name, new, fn, taint, depth, active)

    def _dynamic(self, fn, class_name, dynamic: ir.DynamicCall, taint, depth, active) -> tuple[Effect, ...]:
        if dynamic.callee is not None:
            self.evaluator.reset()
            value = self.evaluator.eval(dynamic.callee, Env(fn, class_name or fn.class_name, dynamic.offset))
            target = callable_target(value, self.index)
            if target is not None:
                return self._follow(target[0], target[1], dynamic, fn, taint, depth, active, dynamic.args)
            chosen = chosen_by_request(dynamic.callee, fn, taint)
            if chosen == "all":
                return (Effect(wpe.PRIVILEGED, "code", dynamic.description, "the request chooses what is called", dynamic.span),)
            if chosen and dynamic.description.startswith("$this->") and (class_name or fn.class_name):
                # $this->{ 'op_' . $request['op'] }(): any method of the class with that prefix may run.
                found: list[Effect] = []
                for method in self._methods_with_prefix(class_name or fn.class_name, chosen):
                    found.extend(self._follow(method, class_name or fn.class_name, dynamic, fn, taint, depth, active, dynamic.args))
                return tuple(found) + (Effect(wpe.UNKNOWN, "unresolved", dynamic.description, f"the request picks a method named {chosen}…", dynamic.span),)
        return (Effect(wpe.UNKNOWN, "unresolved", dynamic.description, "the callee is computed at run time", dynamic.span),)

    def _methods_with_prefix(self, class_name: str, prefix: str) -> list[ir.FunctionFact]:
        methods: dict[str, ir.FunctionFact] = {}
        for cls in self.index.lineage(self.index.class_(class_name)):
            for method in cls.methods:
                if method.name and method.name.lower().startswith(prefix.lower()):
                    methods.setdefault(method.name.lower(), method)
        return list(methods.values())

    def _callable(self, fn, class_name, call, callee: ir.Expr | None, taint, depth, active) -> tuple[Effect, ...]:
        what = f"{call.name}()"
        if callee is None:
            return ()
        if chosen_by_request(callee, fn, taint) == "all":
            return (Effect(wpe.PRIVILEGED, "code", what, "the request chooses the callable", call.span),)
        if isinstance(callee, ir.Closure):
            return ()  # its body is a closure of this function, already followed
        self.evaluator.reset()
        value = self.evaluator.eval(callee, Env(fn, class_name or fn.class_name, 1 << 62))
        target = callable_target(value, self.index)
        if target is not None:
            return self._function(target[0], target[1], frozenset(p.name for p in target[0].params), top=False, depth=depth + 1, active=active)
        if isinstance(value, Known) and isinstance(value.value, str):
            name = value.value.lstrip("\\").lower()
            if name in wpe.php_functions() or (name in wpe.wordpress_functions() and not wpe.writes_by_name(name)):
                return ()
        return (Effect(wpe.UNKNOWN, "unresolved", what, "a callable the analyzer cannot resolve", call.span),)
