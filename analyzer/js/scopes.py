"""Names in one JS file: the declaration a name refers to, and which of its assignments reach a use.

A name is looked up from the innermost function scope outwards (``let`` / ``const`` blocks are folded into
their function, a small over-approximation). Within the declaring scope the assignments that *reach* the use
are found structurally, by document position, without a control-flow graph:

- statements run in order, and an unconditional assignment replaces what came before;
- an ``if`` / ``else``, ``c ? a : b`` or ``switch`` contributes the values of every branch that falls
  through; when every branch assigns, what came before is gone;
- a branch that ends in ``return`` / ``throw`` / ``break`` / ``continue`` contributes nothing after it;
- a loop body, a ``catch`` block, the right side of ``&&`` / ``||`` / ``??`` and a callback defined earlier
  may or may not have run: their assignments are added to what came before;
- inside a loop, assignments later in the body reach a use through the next iteration;
- in a nested function (a callback, a method) the outer variable may hold any value assigned to it.

:meth:`Scopes.reaching` returns every binding that may reach; the value extractor turns several into an
:class:`~analyzer.js.ir.Alt`.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

FUNCTION_NODES = frozenset(
    {"function_declaration", "function_expression", "arrow_function", "method_definition", "function", "generator_function_declaration", "generator_function"}
)
SCOPE_NODES = FUNCTION_NODES | {"program"}
_DEFERRED = FUNCTION_NODES | {"class_declaration", "class"}  # bodies that do not run where they are written
_JUMPS = frozenset({"return_statement", "throw_statement", "break_statement", "continue_statement"})
_LOOPS = frozenset({"for_statement", "for_in_statement", "while_statement", "do_statement"})
_SHORT_CIRCUIT = frozenset({"&&", "||", "??"})


@dataclass(frozen=True, eq=False)
class Binding:
    """What a name is bound to at one place.

    kind: ``value`` (``node`` is the value expression), ``member`` (``node``'s property ``extra``, from
    destructuring), ``param`` (a function parameter: ``node`` is its identifier, ``extra`` its function and
    position), ``import`` (``extra`` is the module target), ``augment`` (``x += node``: ``at`` is the
    assignment), ``undefined`` (``let x;`` or ``declare const x``) or ``unknown`` (a loop or catch variable,
    an array pattern).
    """

    offset: int  # where it takes effect; -1: parameters, bound on entry to the function
    kind: str
    node: object
    extra: object
    at: object  # the declarator, assignment or parameter list: its position decides what it reaches


class Scopes:
    def __init__(self, root) -> None:
        self.root = root
        self.decls: dict[tuple[int, str], list[Binding]] = {}

    # --- declaring --------------------------------------------------------------------------------

    def scope_of(self, node):
        current = node.parent
        while current is not None:
            if current.type in SCOPE_NODES:
                return current
            current = current.parent
        return self.root

    def declare(self, scope, name: str, binding: Binding) -> None:
        self.decls.setdefault((scope.id, name), []).append(binding)

    def declare_at_use(self, name: str, node, binding: Binding) -> None:
        """An assignment ``x = …`` binds in the scope that declares ``x`` (else the file)."""
        scope = self.declaring_scope(name, node) or self.root
        self.declare(scope, name, binding)

    def declaring_scope(self, name: str, node):
        current = node
        while current is not None:
            if current.type in SCOPE_NODES and (current.id, name) in self.decls:
                return current
            current = current.parent
        return None

    def finish(self) -> None:
        """Order every binding list by position (captures arrive in document order, but parameters and
        assignments are declared in separate passes)."""
        for entries in self.decls.values():
            entries.sort(key=lambda b: (b.offset, b.at.start_byte, -b.at.end_byte))

    # --- resolving --------------------------------------------------------------------------------

    def binding(self, name: str, use) -> tuple[tuple[int, str], Binding] | None:
        """The declaration key of ``name`` at ``use`` and the last binding reaching it (for identity: an
        XHR object, an axios instance)."""
        found = self.reaching(name, use)
        if found is None:
            return None
        key, entries = found
        return key, entries[-1]

    def reaching(self, name: str, use) -> tuple[tuple[int, str], list[Binding]] | None:
        """The bindings of ``name`` that may reach ``use``, in document order; None for a global."""
        scope = self.declaring_scope(name, use)
        if scope is None:
            return None
        key = (scope.id, name)
        entries = self.decls[key]
        if len(entries) == 1:
            return key, entries
        live = _Walk(self, key, entries).live_at(scope, use)
        if not live:  # used before any binding runs (a hoisted function, a callback): any of them
            live = [b for b in entries if b.kind != "undefined"] or entries
        return key, sorted(set(live), key=entries.index)


class _Walk:
    """Reaching bindings of one name (see module doc)."""

    def __init__(self, scopes: Scopes, key, entries: list[Binding]) -> None:
        self.entries = entries
        self.starts = [b.at.start_byte for b in entries]
        self._ordered = self.starts == sorted(self.starts)  # parameters (offset -1) sort first but sit later
        self.by_at: dict[int, list[Binding]] = {}
        for b in entries:
            self.by_at.setdefault(b.at.id, []).append(b)

    def _inside(self, node) -> bool:
        if not self._ordered:
            return any(node.start_byte <= s < node.end_byte for s in self.starts)
        i = bisect.bisect_left(self.starts, node.start_byte)
        return i < len(self.starts) and self.starts[i] < node.end_byte

    def live_at(self, scope, use) -> list[Binding]:
        path = []
        node = use
        while node is not None and node.id != scope.id:
            path.append(node)
            node = node.parent
        path.reverse()
        live = [b for b in self.entries if b.offset < 0]  # parameters
        parent = scope
        for child in path:
            live = self._enter(parent, child, live, parent is scope)
            parent = child
        return live

    def _before(self, parent, child) -> list:
        """The direct children of ``parent`` before ``child`` that hold a binding of the name."""
        lo = bisect.bisect_left(self.starts, parent.start_byte)
        hi = bisect.bisect_left(self.starts, child.start_byte)
        found: list = []
        seen: set[int] = set()
        for binding in self.entries[lo:hi] if self._ordered else [b for b in self.entries if parent.start_byte <= b.at.start_byte < child.start_byte]:
            node = binding.at
            while node is not None and node.parent is not None and node.parent.id != parent.id:
                node = node.parent
            if node is not None and node.parent is not None and node.id not in seen:
                seen.add(node.id)
                found.append(node)
        found.sort(key=lambda n: n.start_byte)
        return found

    def _enter(self, parent, child, live: list[Binding], is_scope: bool) -> list[Binding]:
        """What is live at the start of ``child``, given what is live at the start of ``parent``."""
        kind = parent.type
        if kind in _DEFERRED and not is_scope:
            # A function body runs later: whatever the variable holds then (assignments outside it).
            outside = [b for b in self.entries if not (parent.start_byte <= b.at.start_byte < parent.end_byte)]
            return [b for b in outside if b.kind != "undefined"] or outside
        if kind in ("if_statement", "ternary_expression"):
            condition = parent.child_by_field_name("condition")
            return live if child == condition else _seq(live, self.out(condition))
        if kind == "binary_expression":
            left = parent.child_by_field_name("left")
            return live if child == left else _seq(live, self.out(left))
        if kind in _LOOPS:
            body = parent.child_by_field_name("body")
            for sibling in self._before(parent, child):
                if sibling != body:
                    live = _seq(live, self.out(sibling))
            if body is not None and child in (body, parent.child_by_field_name("condition"), parent.child_by_field_name("increment")):
                live = live + self.out(body)[0]  # assignments of earlier iterations
            return live
        if kind == "switch_body":  # an earlier case may fall through into this one
            for sibling in self._before(parent, child):
                live = live + self.out(sibling)[0]
            return live
        if kind == "try_statement":
            body = parent.child_by_field_name("body")
            if child == body:
                return live
            partial = live + self.out(body)[0]  # the body may have stopped anywhere
            handler = parent.child_by_field_name("handler")
            if handler is not None and child != handler:
                partial = partial + self.out(handler)[0]
            return partial
        for sibling in self._before(parent, child):  # statements and operands in order
            live = _seq(live, self.out(sibling))
        return live

    def out(self, node) -> tuple[list[Binding], bool, bool]:
        """(bindings live after ``node`` that it made, whether it always makes one, whether it falls through)."""
        if node is None:
            return [], False, True
        kind = node.type
        if kind in _JUMPS:
            return [], True, False
        own = self.by_at.get(node.id)
        if own is not None:
            return [own[-1]], True, True
        if not self._inside(node):
            return [], False, not _jumps(node)
        if kind in _DEFERRED:
            return [b for b in self.entries if node.start_byte <= b.at.start_byte < node.end_byte], False, True
        if kind == "if_statement":
            condition = self.out(node.child_by_field_name("condition"))
            consequence = self.out(node.child_by_field_name("consequence"))
            alternative = self.out(node.child_by_field_name("alternative"))
            return _seq_out(condition, _branches(consequence, alternative))
        if kind == "ternary_expression":
            condition = self.out(node.child_by_field_name("condition"))
            return _seq_out(condition, _branches(self.out(node.child_by_field_name("consequence")), self.out(node.child_by_field_name("alternative"))))
        if kind == "binary_expression":
            op = node.child_by_field_name("operator")
            if op is not None and op.type in _SHORT_CIRCUIT:
                left = self.out(node.child_by_field_name("left"))
                right = self.out(node.child_by_field_name("right"))
                return _seq_out(left, (right[0], False, True))
        if kind in _LOOPS:
            inner = self._sequence(node.named_children)
            return inner[0], inner[1] and kind == "do_statement", True
        if kind in ("switch_statement", "try_statement", "catch_clause"):
            values: list[Binding] = []
            for child in node.named_children:
                values += self.out(child)[0]
            return values, False, True
        return self._sequence(node.named_children)

    def _sequence(self, children) -> tuple[list[Binding], bool, bool]:
        live: list[Binding] = []
        definite = False
        for child in children:
            values, made, falls = self.out(child)
            if not falls:
                return live, definite, False
            if made:
                live, definite = list(values), True
            else:
                live = live + values
        return live, definite, True


def _seq(live: list[Binding], after: tuple[list[Binding], bool, bool]) -> list[Binding]:
    values, definite, _ = after
    return list(values) if definite else live + values


def _seq_out(first, second):
    if not first[2]:
        return first
    if second[1]:
        return second[0], True, second[2]
    return first[0] + second[0], first[1], second[2]


def _branches(a, b):
    """Two alternative paths: what either leaves behind (when it falls through)."""
    values = (a[0] if a[2] else []) + (b[0] if b[2] else [])
    definite = (not a[2] or a[1]) and (not b[2] or b[1]) and (a[2] or b[2])
    return values, definite, a[2] or b[2]


def _jumps(node) -> bool:
    """Whether ``node`` never falls through: a jump, or a block / if-else whose every path ends in one."""
    if node is None:
        return False
    if node.type in _JUMPS:
        return True
    if node.type == "statement_block":
        named = [c for c in node.named_children if c.type != "comment"]
        return bool(named) and _jumps(named[-1])
    if node.type == "else_clause":
        named = node.named_children
        return bool(named) and _jumps(named[-1])
    if node.type == "if_statement":
        alternative = node.child_by_field_name("alternative")
        return alternative is not None and _jumps(node.child_by_field_name("consequence")) and _jumps(alternative)
    return False
