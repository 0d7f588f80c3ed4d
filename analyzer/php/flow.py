"""Where a value inside one function comes from: the request, or the site.

Small, local and over-approximating on purpose. ``Taint`` says which of a function's variables may hold data
the HTTP request chose (the route callback's ``$request``, ``$_POST`` …, and everything computed from them);
the effect analysis uses it to tell "the request chooses which post is overwritten" from "the plugin bumps
its own counter", and the credential analysis to tell a request value from a server-side secret.
"""

from __future__ import annotations

from collections.abc import Iterator

from analyzer.php import ir

SUPERGLOBALS = frozenset({"_GET", "_POST", "_REQUEST", "_COOKIE", "_FILES", "_SERVER"})
# Reads of WordPress's stores: the value they return is what the site stored, whoever names the entry.
STORE_READS = frozenset(
    {
        "get_option", "get_site_option", "get_network_option", "get_blog_option", "get_post_meta", "get_user_meta",
        "get_term_meta", "get_comment_meta", "get_metadata", "get_transient", "get_site_transient", "get_theme_mod",
        "get_user_option", "get_post_field",
    }
)


def children(node: ir.Expr) -> Iterator[ir.Expr]:
    """The direct sub-expressions of ``node`` (closures are not entered: their body is another function)."""
    if isinstance(node, ir.Closure):
        return
    for slot in node.__slots__:
        if slot == "span":
            continue
        child = getattr(node, slot, None)
        if isinstance(child, ir.Expr):
            yield child
        elif isinstance(child, tuple):
            for item in child:
                if isinstance(item, ir.Expr):
                    yield item
                elif isinstance(item, ir.Arg):
                    yield item.value
                elif isinstance(item, ir.ArrItem):
                    if item.key is not None:
                        yield item.key
                    yield item.value


def walk(node: ir.Expr | None) -> Iterator[ir.Expr]:
    """``node`` and every expression inside it, iteratively (deep input must not overflow the stack)."""
    stack = [node] if node is not None else []
    while stack:
        current = stack.pop()
        yield current
        stack.extend(children(current))


def walk_traced(expr: ir.Expr | None, fn: ir.FunctionFact):
    """``expr`` and everything in it, with variables followed to what the function assigns them
    (``$ok = openssl_verify( … ) > 0; if ( ! $ok )``)."""
    seen: set[str] = set()
    pending = [expr]
    while pending:
        for node in walk(pending.pop()):
            yield node
            if isinstance(node, ir.Var) and node.name not in seen:
                seen.add(node.name)
                pending.extend(assigned_values(fn, node.name))


def function_expressions(fn: ir.FunctionFact) -> Iterator[ir.Expr]:
    """Every top-level expression of a function body the extractor kept: calls, assignments, conditions,
    returns, loops."""
    for site in fn.calls:
        yield site.call
    for assign in fn.assignments:
        yield assign.value
    for guard in fn.guards:
        yield guard.condition
    for ret in fn.returns:
        if ret.value is not None:
            yield ret.value
    for loop in fn.loops:
        yield loop.source


def same(a: ir.Expr | None, b: ir.Expr | None) -> bool:
    """Structurally equal expressions, wherever they were written (spans are ignored)."""
    if a is None or b is None or type(a) is not type(b):
        return a is None and b is None
    for slot in a.__slots__:
        if slot == "span":
            continue
        x, y = getattr(a, slot), getattr(b, slot)
        if isinstance(x, ir.Expr):
            if not same(x, y):
                return False
        elif isinstance(x, tuple):
            if not isinstance(y, tuple) or len(x) != len(y):
                return False
            for i, j in zip(x, y):
                if isinstance(i, ir.Arg):
                    if not (isinstance(j, ir.Arg) and i.name == j.name and i.spread == j.spread and same(i.value, j.value)):
                        return False
                elif isinstance(i, ir.ArrItem):
                    if not (isinstance(j, ir.ArrItem) and i.spread == j.spread and same(i.key, j.key) and same(i.value, j.value)):
                        return False
                elif i != j:
                    return False
        elif x != y:
            return False
    return True


root_variable = ir.root_variable  # ``$a`` for ``$a``, ``$a['k'][]`` and ``$a->b``


def assigned_values(fn: ir.FunctionFact, name: str) -> list[ir.Expr]:
    """Every value assigned to ``$name`` (or into it: ``$name['k'] = v``) in ``fn``, in order."""
    return list(fn.assigned_by_name().get(name, ()))


def _walk_values(node: ir.Expr | None) -> Iterator[ir.Expr]:
    from analyzer.wordpress_effects import CREATES

    stack = [node] if node is not None else []
    while stack:
        current = stack.pop()
        if isinstance(current, ir.Call) and current.name.rsplit("\\", 1)[-1].lower() in CREATES:
            continue
        yield current
        stack.extend(children(current))


class RequestReaders:
    """Which of the plugin's own functions hand back request data (``$this->bearer_token()`` reading
    ``$_SERVER``): a call of one is request data in the caller, whatever its arguments."""

    def __init__(self, index) -> None:
        self.index = index
        self._memo: dict[tuple[str, int], bool] = {}
        self._taints: dict[tuple, Taint] = {}

    def taint(self, fn: ir.FunctionFact, params) -> Taint:
        """The (shared, immutable once built) :class:`Taint` of ``fn`` given its request-carrying parameters."""
        key = (fn, frozenset(params))
        found = self._taints.get(key)
        if found is None:
            found = self._taints[key] = Taint(fn, key[1], self)
        return found

    def __call__(self, call: ir.Expr, fn: ir.FunctionFact) -> bool:
        target = self._target(call, fn)
        if target is None:
            return False
        if target.key not in self._memo:
            self._memo[target.key] = False  # recursion: not (yet) known to read the request
            taint = self.taint(target, ())
            self._memo[target.key] = any(taint.tainted(ret.value) for ret in target.returns)
        return self._memo[target.key]

    def _target(self, call: ir.Expr, fn: ir.FunctionFact) -> ir.FunctionFact | None:
        if isinstance(call, ir.Call):
            return self.index.function(call.name, fn.namespace)
        if isinstance(call, ir.MethodCall) and isinstance(call.obj, ir.Var) and call.obj.name == "this":
            return self.index.method(fn.class_name, call.name)
        if isinstance(call, ir.StaticCall):
            return self.index.method(fn.class_name if call.scope in ("self", "static", "parent") else call.scope, call.name)
        return None


class Taint:
    """The variables of one function that may hold request data, given which parameters do."""

    def __init__(self, fn: ir.FunctionFact, tainted_params: frozenset[str] = frozenset(), readers: RequestReaders | None = None) -> None:
        self.fn = fn
        self.params = tainted_params
        self.readers = readers
        self.names: set[str] = set(tainted_params)
        changed = True
        while changed:  # a fixpoint over the body's assignments and loops, order-insensitive
            changed = False
            for assign in fn.assignments:
                name = root_variable(assign.target)
                if name is not None and name not in self.names and self.tainted(assign.value):
                    self.names.add(name)
                    changed = True
            for loop in fn.loops:
                if self.tainted(loop.source):
                    for name in (loop.key, loop.value):
                        if name and name not in self.names:
                            self.names.add(name)
                            changed = True

    def tainted(self, expr: ir.Expr | None) -> bool:
        """``expr`` may carry data the request chose. The ID a creating call returns (``wp_insert_post()``) is the
        plugin's own, whatever the request put into the new object."""
        for node in _walk_values(expr):
            if isinstance(node, ir.Var) and (node.name in self.names or node.name in SUPERGLOBALS):
                return True
            if isinstance(node, ir.Lit) and node.value == "php://input":
                return True
            if self.readers is not None and isinstance(node, (ir.Call, ir.MethodCall, ir.StaticCall)) and self.readers(node, self.fn):
                return True
        return False

    def supplies(self, value: ir.Expr | None, read: str | None, key: ir.Expr | None) -> bool:
        """The request supplies content of ``value`` — not merely which entry of a stored value changes, nor
        which stored value is read (``get_post_meta( $request['id'], 'customer', true )`` is the site's data).

        A read of the same store and key (``get_post_meta( $id, 'votes' )`` before writing ``votes``) and array
        keys (``$votes[ $choice ]``) do not count: a counter the request picks and the plugin increments is the
        plugin's own record; an email, a title or a quantity the request sends is content.
        """
        seen: set[str] = set()
        stack = [value] if value is not None else []
        while stack:
            node = stack.pop()
            if isinstance(node, ir.Call):
                low = node.name.rsplit("\\", 1)[-1].lower()
                if (read is not None and low == read and any(same(a.value, key) for a in node.args)) or low in ("isset", "empty", "count"):
                    continue
                if low in STORE_READS:
                    continue  # what a store holds is the site's, even when the request names the entry
            if isinstance(node, ir.Sub):
                stack.append(node.base)
                continue
            if isinstance(node, ir.Lit) and node.value == "php://input":
                return True
            if isinstance(node, ir.Var):
                if node.name in self.params or node.name in SUPERGLOBALS:
                    return True
                if node.name not in seen:
                    seen.add(node.name)
                    stack.extend(assigned_values(self.fn, node.name))
                    stack.extend(loop.source for loop in self.fn.loops if node.name in (loop.key, loop.value))
                continue
            stack.extend(_value_children(node))
        return False


def _value_children(node: ir.Expr) -> Iterator[ir.Expr]:
    from analyzer.wordpress_effects import CREATES

    if isinstance(node, ir.Call) and node.name.rsplit("\\", 1)[-1].lower() in CREATES:
        return iter(())
    return children(node)


def is_wpdb(obj: ir.Expr) -> bool:
    """``$wpdb``, ``$this->wpdb``, ``$GLOBALS['wpdb']``: WordPress's database object."""
    if isinstance(obj, ir.Var):
        return obj.name == "wpdb"
    if isinstance(obj, ir.Prop):
        return obj.name == "wpdb"
    if isinstance(obj, ir.Sub) and isinstance(obj.base, ir.Var) and obj.base.name == "GLOBALS":
        return isinstance(obj.key, ir.Lit) and obj.key.value == "wpdb"
    return False


def sql_text(sql: ir.Expr | None, fn: ir.FunctionFact) -> str:
    """The literal text of a query, in order (``$wpdb->prepare( "DELETE FROM {$t} …" )`` → 'DELETE FROM ? …')."""
    for _ in range(6):
        if isinstance(sql, ir.MethodCall) and sql.name.lower() == "prepare" and sql.args:
            sql = sql.args[0].value
        elif isinstance(sql, ir.Var):
            values = assigned_values(fn, sql.name)
            if len(values) != 1:
                break
            sql = values[0]
        else:
            break
    if isinstance(sql, ir.Lit):
        return str(sql.value)
    if isinstance(sql, ir.Concat):
        return "".join(str(p.value) if isinstance(p, ir.Lit) else " ? " for p in sql.parts)
    return ""
