"""What a call that leaves the plugin changes, and how bad that is: one :class:`Effect` per write.

:mod:`analyzer.php.effects` walks a callback through the plugin's own code; every call it meets that leaves
the plugin (a WordPress or PHP function, a ``$wpdb`` method) is classed here, with the knowledge in
:mod:`analyzer.wordpress_effects`: privileged when the request chooses what is written (another user, a post
by ID, a site option), ``own`` when the plugin writes its own records (its option, its counter row, its own
table), ``none`` for reads. The helpers below tell request-chosen targets from the plugin's own.
"""

from __future__ import annotations

from dataclasses import dataclass

from analyzer import wordpress_effects as wpe
from analyzer.php import ir
from analyzer.php.evaluate import Env, Known
from analyzer.php.flow import Taint, assigned_values, is_wpdb, same, sql_text, walk
from analyzer.php.flow import children as walk_children
from analyzer.source import Span



@dataclass(frozen=True, slots=True)
class Effect:
    """A state change (or an unknown) an endpoint's callback can reach."""

    cls: str  # privileged | own | unknown (wordpress_effects)
    area: str  # options, users, content, …; for unknown: "unresolved"
    what: str  # the call, for messages: "update_option()"
    why: str  # what makes it this class: "the option name comes from the request"
    span: Span  # the call
    entry: int = -1  # offset in the callback of the statement leading here (-1: unknown)

    @property
    def rank(self) -> int:
        return wpe.RANK[self.cls]


@dataclass(frozen=True, slots=True)
class Effects:
    """Everything one callback can change (state changes only; reads are left out)."""

    effects: tuple[Effect, ...]
    resolved: bool = True  # False: the callback itself could not be resolved

    @property
    def worst(self) -> Effect | None:
        """The effect a message names: the worst class, then the gravest area (code execution before users
        before files …), then the first in the code."""
        if not self.effects:
            return None
        return min(self.effects, key=lambda e: (-e.rank, wpe.AREA_ORDER.get(e.area, len(wpe.AREA_ORDER)), e.span))

    @property
    def cls(self) -> str:
        """The worst class: privileged, unknown, own, or none."""
        worst = self.worst
        return worst.cls if worst is not None else wpe.NONE

    def of(self, cls: str) -> list[Effect]:
        return [e for e in self.effects if e.cls == cls]


def arg_at(call, index: int | None) -> ir.Expr | None:
    if index is None:
        return None
    positional = [a.value for a in call.args if a.name is None and not a.spread]
    return positional[index] if index < len(positional) else None


def literal_text(expr: ir.Expr | None) -> str | None:
    return expr.value if isinstance(expr, ir.Lit) and isinstance(expr.value, str) else None


def _is_current_user(expr: ir.Expr | None) -> bool:
    for node in walk(expr):
        if isinstance(node, ir.Call) and node.name.rsplit("\\", 1)[-1].lower() in ("get_current_user_id", "wp_get_current_user"):
            return True
    return False


class WriteClassifier:
    """Classes the writes of calls that leave the plugin; mixed into :class:`~analyzer.php.effects.EffectAnalyzer`,
    whose ``evaluator`` and ``_literals`` (parameters bound to literals at the call) it reads."""

    evaluator: object
    _literals: dict[str, str]

    def _classify(self, write: wpe.Write, call: ir.Call, what: str, fn, taint: Taint) -> Effect | None:
        def effect(cls: str, why: str, area: str | None = None) -> Effect:
            return Effect(cls, area or write.area, what, why, call.span)

        target, key, value = arg_at(call, write.target), arg_at(call, write.key), arg_at(call, write.value)
        if isinstance(key, ir.Var) and key.name in self._literals:
            key = ir.Lit(key.span, self._literals[key.name])  # a wrapper's parameter, bound to its caller's literal
        elif isinstance(key, (ir.ClassConst, ir.Const, ir.Prop, ir.StaticProp)) and not taint.tainted(key):
            self.evaluator.reset()
            known = self.evaluator.eval(key, Env(fn, fn.class_name, 1 << 62))  # self::OPTION_NAME, $this->option
            if isinstance(known, Known) and isinstance(known.value, str):
                key = ir.Lit(key.span, known.value)
        policy = write.policy
        privileged_area = write.area in wpe.AREAS
        if policy == "always":
            return effect(wpe.PRIVILEGED if privileged_area else wpe.OWN, "")
        if policy == "own":
            return effect(wpe.OWN, "")
        if policy == "tainted":
            # Code runs on content the request supplies; reading a stored value it names is not that.
            if taint.supplies(target, None, None) if write.area == "code" else taint.tainted(target):
                return effect(wpe.PRIVILEGED, "the request chooses its argument")
            return None if write.area == "code" else effect(wpe.OWN, f"{_name(target, 'a fixed target')}, chosen by the plugin")
        if policy == "keys":
            if taint.supplies(target, None, None) and not _fixed_keys(target, fn):
                return effect(wpe.PRIVILEGED, "the request chooses the variables it sets")
            return None
        if policy == "command":
            if taint.tainted(target):
                return effect(wpe.PRIVILEGED, "the request supplies part of the command")
            return effect(wpe.OWN, "a fixed command the plugin runs", "commands")
        if policy == "path":
            if taint.tainted(target):
                return effect(wpe.PRIVILEGED, "the request chooses the path")
            if taint.tainted(value):
                return effect(wpe.PRIVILEGED, "the request supplies what the file holds")
            return effect(wpe.OWN, "a file the plugin chose, with content it computes", "own files")
        if policy == "url":
            return effect(wpe.PRIVILEGED, "the URL comes from the request") if taint.tainted(target) else None
        if policy == "address":
            if taint.tainted(target):
                return effect(wpe.PRIVILEGED, "the recipient comes from the request")
            return effect(wpe.OWN, "to a fixed address", "mail")
        if policy == "insert_post":
            return self._insert_post(target, fn, taint, effect)
        if policy == "store":
            if taint.tainted(key):
                return effect(wpe.PRIVILEGED, "the request chooses the option")
            if taint.supplies(value, write.read, key):
                return effect(wpe.PRIVILEGED, f"the request supplies what {_name(key, 'it')} holds")
            if self._deleted_entry(value, fn, taint):
                return effect(wpe.PRIVILEGED, f"the request chooses which entry of {_name(key, 'it')} is removed")
            names = _table_keys(key, fn) if literal_text(key) is None and not taint.tainted(key) else None
            if names and not taint.supplies(value, write.read, key) and not any(wpe.is_core_option(n) for n in names):
                # foreach ( array( array( 'option' => 'acme_a' ), … ) as $row ) update_option( $row['option'], 'yes' );
                shown = ", ".join(f"'{n}'" for n in names[:3]) + (" …" if len(names) > 3 else "")
                return effect(wpe.OWN, f"the plugin's own options ({shown}), set to values the plugin computes", "own options")
            literal = literal_text(key)
            if literal is not None and wpe.is_core_option(literal):
                return effect(wpe.PRIVILEGED, f"'{literal}' is an option WordPress itself reads")
            if value is not None and _reads_same(value, write.read, key, fn):
                return effect(wpe.OWN, f"{_name(key, 'its record')} is a counter the plugin keeps")
            if literal is not None and value is not None:
                return effect(wpe.OWN, f"the plugin's own option '{literal}', set to a value the plugin computes", "own options")
            return effect(wpe.PRIVILEGED, f"anyone can overwrite {_name(key, 'it')}")
        if policy == "object":
            chosen = _array_item(target, "ID", fn)
            if taint.tainted(chosen if chosen is not None else target):
                return effect(wpe.PRIVILEGED, "the request chooses which object")
            return effect(wpe.OWN, "an object the plugin chose")
        if policy in ("object_meta", "user_meta"):
            literal_key = literal_text(key) or ""
            if taint.tainted(key):
                return effect(wpe.PRIVILEGED, "the request chooses the meta key")
            if policy == "user_meta" and any(part in literal_key for part in wpe.CAPABILITY_META):
                return effect(wpe.PRIVILEGED, "it writes a user's capabilities")
            if policy == "user_meta" and _is_current_user(target):
                return effect(wpe.OWN, "the current user's own meta")
            if taint.tainted(target):
                # A counter the plugin keeps on any object (views, votes) is its own record; a value the request
                # supplies, an entry it removes, or a flag set afresh (paid, closed, spam) changes that object.
                counter = value is not None and _reads_same(value, write.read, key, fn)
                if counter and not taint.supplies(value, write.read, key) and not self._deleted_entry(value, fn, taint):
                    return effect(wpe.OWN, f"{_name(key, 'its meta')} is a counter the plugin keeps, on an object the request names")
                return effect(wpe.PRIVILEGED, "the request chooses the object")
            return effect(wpe.OWN, "meta of an object the plugin chose")
        return None

    def _insert_post(self, data, fn, taint: Taint, effect) -> Effect:
        if data is None:
            return effect(wpe.UNKNOWN, "its arguments are not known", "unresolved")
        for key in ("ID", "import_id"):
            if taint.tainted(_array_item(data, key, fn)):
                return effect(wpe.PRIVILEGED, "the request chooses which post is overwritten")
        post_type = _array_item(data, "post_type", fn)
        known_shape = _array_literal(data, fn) is not None
        if post_type is None and known_shape:
            return effect(wpe.PRIVILEGED, "it creates a 'post' (the default type)")
        if taint.tainted(post_type):
            return effect(wpe.PRIVILEGED, "the request chooses the post type")
        literal = literal_text(post_type)
        if literal is not None:
            if literal in wpe.CORE_POST_TYPES:
                return effect(wpe.PRIVILEGED, f"it creates a '{literal}'")
            return effect(wpe.OWN, f"a '{literal}' post of the plugin's own type")
        return effect(wpe.UNKNOWN, "the post type is not known", "unresolved")

    @staticmethod
    def _deleted_entry(value: ir.Expr | None, fn, taint: Taint) -> bool:
        """``unset( $stored[ $request_chosen ] )`` on the variable written back: the request deletes an entry."""
        if not isinstance(value, ir.Var):
            return False
        for site in fn.calls:
            call = site.call
            if isinstance(call, ir.Call) and call.name.lower() == "unset":
                for arg in call.args:
                    target = arg.value
                    if isinstance(target, ir.Sub) and isinstance(target.base, ir.Var) and target.base.name == value.name and taint.tainted(target.key):
                        return True
        return False

    def _wpdb(self, call: ir.MethodCall, taint: Taint, fn) -> tuple[Effect, ...]:
        name = call.name.lower()
        what = f"$wpdb->{call.name}()"
        if name in wpe.WPDB_WRITES:
            table = arg_at(call, 0)
            if taint.tainted(table):
                return (Effect(wpe.PRIVILEGED, "sql", what, "the request chooses the table", call.span),)
            core = _core_table(table)
            if core is not None:
                return (Effect(wpe.PRIVILEGED, "sql", what, f"it writes the core table {core}", call.span),)
            chosen = name in ("update", "delete") and taint.tainted(arg_at(call, 2 if name == "update" else 1))
            why = "rows the request chooses in the plugin's own table" if chosen else "a table of the plugin's own"
            return (Effect(wpe.OWN, "sql", what, why, call.span),)
        if name in wpe.WPDB_QUERY:
            sql = arg_at(call, 0)
            text = sql_text(sql, fn).lower().lstrip(" (\n\t\r")
            prepared = isinstance(sql, ir.MethodCall) and sql.name.lower() == "prepare"
            verb = next((v for v in wpe.SQL_WRITE_VERBS if text.startswith(v)), None)
            if text.startswith(("select", "show", "describe", "explain")):
                return ()
            if taint.tainted(sql) and not prepared:
                return (Effect(wpe.PRIVILEGED, "sql", what, "the SQL is built from request data", call.span),)
            core = _core_table(sql)
            if core == "options" and prepared and not taint.tainted(sql) and not _names_core_option(sql):
                # INSERT … ON DUPLICATE KEY UPDATE of the plugin's own counter row: an option it names, values it computes.
                return (Effect(wpe.OWN, "sql", what, "a row of the options table the plugin names, with values it computes", call.span),)
            if core is not None:
                return (Effect(wpe.PRIVILEGED, "sql", what, f"it writes the core table {core}", call.span),)
            if verb is None:
                return (Effect(wpe.UNKNOWN, "unresolved", what, "a query the analyzer cannot read", call.span),)
            return (Effect(wpe.OWN, "sql", what, "a table of the plugin's own", call.span),)
        return ()


# Functions that pass a string through: a callee built with them is still the request's choice.


_STRING_TRANSFORMS = frozenset(
    {
        "sanitize_key", "sanitize_text_field", "sanitize_title", "trim", "strtolower", "strtoupper", "ucfirst",
        "lcfirst", "str_replace", "preg_replace", "wp_unslash", "stripslashes", "urldecode", "rawurldecode",
        "base64_decode", "strval", "sprintf", "implode", "wp_strip_all_tags",
    }
)


def chosen_by_request(expr: ir.Expr | None, fn: ir.FunctionFact, taint: Taint) -> str | None:
    """Whether the request chooses the string ``expr`` evaluates to: "all" when it supplies it whole, the
    literal prefix when it supplies only the rest ('op_' . $request['op']), None when it does not choose it
    (a value from a filter, an option, a plugin function's result)."""
    if not taint.tainted(expr):
        return None
    prefix = ""
    node = expr
    for _ in range(8):
        if isinstance(node, ir.Var) and node.name not in taint.params:
            values = assigned_values(fn, node.name)
            if len(values) != 1:
                break
            node = values[0]
            continue
        if isinstance(node, ir.Concat) and node.parts and isinstance(node.parts[0], ir.Lit):
            prefix = str(node.parts[0].value)
            break
        break
    stack, seen = [expr], set()
    while stack:
        current = stack.pop()
        if isinstance(current, ir.Var):
            if current.name in taint.params or current.name in ("_GET", "_POST", "_REQUEST", "_COOKIE", "_SERVER"):
                return prefix or "all"
            if current.name not in seen:
                seen.add(current.name)
                stack.extend(assigned_values(fn, current.name))
            continue
        if isinstance(current, ir.Call) and current.name.rsplit("\\", 1)[-1].lower() not in _STRING_TRANSFORMS:
            continue  # the result of another function (a filter, an option …) is that function's choice
        if isinstance(current, ir.MethodCall) and not (isinstance(current.obj, ir.Var) and current.obj.name in taint.params):
            continue
        stack.extend(c for c in walk_children(current))
    return None


def _reads_same(value: ir.Expr, read: str | None, key: ir.Expr | None, fn: ir.FunctionFact) -> bool:
    """``value`` is computed from what the store holds under the same key (read-modify-write)."""
    if read is None or key is None:
        return False
    pending, seen = [value], set()
    while pending:
        for node in walk(pending.pop()):
            if isinstance(node, ir.Call) and node.name.rsplit("\\", 1)[-1].lower() == read and any(same(a.value, key) for a in node.args):
                return True
            if isinstance(node, ir.Var) and node.name not in seen:
                seen.add(node.name)
                pending.extend(assigned_values(fn, node.name))
    return False


def looked_up_by_request(obj: ir.Expr, fn: ir.FunctionFact, taint: Taint) -> bool:
    """``obj`` is an object found by a value the request sent: ``wc_get_order( $request['id'] )``,
    ``Booking::find( $id )``, ``new WC_Order( $id )`` — not a query builder or a value object made from the
    request's data (``Query::insert( $t )->values( $data )``), whose method changes what the analyzer cannot tell."""
    seen: set[str] = set()
    pending = [obj]
    while pending:
        node = pending.pop()
        if isinstance(node, ir.Var):
            if node.name not in seen:
                seen.add(node.name)
                pending.extend(assigned_values(fn, node.name))
            continue
        if isinstance(node, ir.Ternary):
            pending.extend(n for n in (node.then if node.then is not None else node.condition, node.otherwise) if n is not None)
        elif isinstance(node, ir.Op) and node.op in ("??", "?:", "||", "or"):
            pending.extend((node.left, node.right))
        elif isinstance(node, ir.New) and any(taint.tainted(a.value) for a in node.args):
            return True
        elif isinstance(node, (ir.Call, ir.MethodCall, ir.StaticCall)):
            name = node.name.rsplit("\\", 1)[-1].lower()
            if any(verb in name for verb in wpe.LOOKUP_VERBS) and any(taint.tainted(a.value) for a in node.args):
                return True
    return False


def decoded_request(obj: ir.Expr, fn: ir.FunctionFact, taint: Taint) -> bool:
    """``obj`` is the request's data itself, decoded — not an object the plugin looked up by it: every value the
    variable is given is a request parameter, a method of one, a cast, or a decoder (json_decode …) of them."""
    pending, seen, found = [obj], set(), False
    while pending:
        node = pending.pop()
        if isinstance(node, ir.Cast):
            pending.append(node.operand)
        elif isinstance(node, ir.Var):
            if node.name in taint.params:
                found = True
            elif node.name not in seen:
                seen.add(node.name)
                values = assigned_values(fn, node.name)
                if not values:
                    return False
                pending.extend(values)
        elif isinstance(node, ir.Call) and node.name.rsplit("\\", 1)[-1].lower() in wpe.DECODERS:
            found = True
        elif isinstance(node, ir.MethodCall) and isinstance(node.obj, ir.Var) and node.obj.name in taint.params:
            found = True
        else:
            return False
    return found


def visitor_session(obj: ir.Expr) -> bool:
    """``WC()->cart`` and friends: the visitor's own shopping session."""
    return (
        isinstance(obj, ir.Prop)
        and obj.name in wpe.VISITOR_SESSION_PROPS
        and isinstance(obj.obj, ir.Call)
        and obj.obj.name.rsplit("\\", 1)[-1].lower() == "wc"
    )


def _name(key: ir.Expr | None, fallback: str) -> str:
    literal = literal_text(key)
    return f"'{literal}'" if literal is not None else fallback


def _core_table(expr: ir.Expr | None) -> str | None:
    """A core table named in ``expr``: ``$wpdb->posts``, ``$wpdb->prefix . 'options'``, a literal ``wp_users``."""
    nodes = list(walk(expr))
    for node in nodes:
        if isinstance(node, ir.Prop) and node.name in wpe.CORE_TABLES and is_wpdb(node.obj):
            return node.name
    for i, node in enumerate(nodes):
        if isinstance(node, ir.Concat):
            parts = node.parts
            for a, b in zip(parts, parts[1:]):
                if isinstance(a, ir.Prop) and a.name in ("prefix", "base_prefix") and isinstance(b, ir.Lit) and isinstance(b.value, str):
                    word = b.value.strip().split()[0] if b.value.strip() else ""
                    if word.strip("`") in wpe.CORE_TABLES:
                        return word.strip("`")
        literal = literal_text(node)
        if literal:
            for word in literal.replace("`", " ").replace(",", " ").split():
                if word.startswith("wp_") and word[3:] in wpe.CORE_TABLES:
                    return word[3:]
    return None


def _table_keys(key: ir.Expr | None, fn: ir.FunctionFact) -> list[str] | None:
    """The literal names ``key`` takes when it is a loop variable over an array literal the function wrote
    (``foreach ( $defs as $d ) … $d['option']``, ``foreach ( array( 'a', 'b' ) as $name ) … $name``)."""
    field = None
    if isinstance(key, ir.Sub) and isinstance(key.base, ir.Var) and isinstance(key.key, ir.Lit):
        field, key = key.key.value, key.base
    if not isinstance(key, ir.Var):
        return None
    loop = next((lp for lp in fn.loops if lp.value == key.name), None)
    if loop is None or assigned_values(fn, key.name):
        return None
    source = loop.source
    if isinstance(source, ir.Var):
        values = assigned_values(fn, source.name)
        source = values[0] if len(values) == 1 else None
    if not isinstance(source, ir.Arr) or not source.items:
        return None
    names = []
    for item in source.items:
        value = item.value
        if field is not None:
            value = next((i.value for i in value.items if isinstance(i.key, ir.Lit) and i.key.value == field), None) if isinstance(value, ir.Arr) else None
        if not (isinstance(value, ir.Lit) and isinstance(value.value, str)):
            return None
        names.append(value.value)
    return names


def _names_core_option(prepare: ir.MethodCall) -> bool:
    """A literal argument of ``$wpdb->prepare( … )`` that is one of core's option names."""
    return any(isinstance(a.value, ir.Lit) and isinstance(a.value.value, str) and wpe.is_core_option(a.value.value) for a in prepare.args[1:])


def _fixed_keys(expr: ir.Expr | None, fn: ir.FunctionFact) -> bool:
    """``expr`` was last given an array literal whose keys are all written in the source
    (``$data['border'] = array( 'style' => …, 'width' => … ); extract( $data['border'] );``)."""
    value = None
    for assign in fn.assignments:
        if same(assign.target, expr):
            value = assign.value
    return isinstance(value, ir.Arr) and bool(value.items) and all(isinstance(i.key, ir.Lit) and not i.spread for i in value.items)


def _array_literal(expr: ir.Expr | None, fn: ir.FunctionFact) -> ir.Arr | None:
    """The array literal ``expr`` is, directly or as the last value assigned to the variable it names."""
    if isinstance(expr, ir.Arr):
        return expr
    if isinstance(expr, ir.Var):
        for assign in reversed(fn.assignments):
            if isinstance(assign.target, ir.Var) and assign.target.name == expr.name:
                return assign.value if isinstance(assign.value, ir.Arr) else None
    return None


def _array_item(expr: ir.Expr | None, key: str, fn: ir.FunctionFact) -> ir.Expr | None:
    """The value under ``key`` in the array ``expr`` builds (its literal, or ``$a['key'] = …`` later)."""
    if isinstance(expr, ir.Var):
        for assign in reversed(fn.assignments):
            target = assign.target
            if isinstance(target, ir.Sub) and isinstance(target.base, ir.Var) and target.base.name == expr.name and literal_text(target.key) == key:
                return assign.value
    array = _array_literal(expr, fn)
    if array is None:
        return None
    for item in reversed(array.items):
        if item.key is not None and literal_text(item.key) == key:
            return item.value
    return None
