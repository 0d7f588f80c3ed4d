"""A small, parser-independent picture of PHP expressions and functions.

Extraction turns tree-sitter nodes into these frozen values once; the model evaluates them across files.
Rules never see tree-sitter nodes. Anything the extractor does not model becomes :class:`Opaque`, which
evaluates to "unknown", so rules stay silent instead of guessing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from analyzer.source import Span


@dataclass(frozen=True, slots=True)
class Expr:
    span: Span


@dataclass(frozen=True, slots=True)
class Lit(Expr):
    """A literal: str, int, float, bool or None."""

    value: str | int | float | bool | None


@dataclass(frozen=True, slots=True)
class ArrItem:
    key: Expr | None
    value: Expr
    spread: bool = False


@dataclass(frozen=True, slots=True)
class Arr(Expr):
    items: tuple[ArrItem, ...]


@dataclass(frozen=True, slots=True)
class Const(Expr):
    """A global constant (``ACME_NS``) or a magic constant (``__CLASS__``)."""

    name: str


@dataclass(frozen=True, slots=True)
class ClassConst(Expr):
    """``Scope::NAME``; scope is ``self``/``static``/``parent`` or a class name; NAME may be ``class``."""

    scope: str
    name: str


@dataclass(frozen=True, slots=True)
class StaticProp(Expr):
    scope: str
    name: str


@dataclass(frozen=True, slots=True)
class Prop(Expr):
    """``$obj->name``."""

    obj: Expr
    name: str


@dataclass(frozen=True, slots=True)
class Var(Expr):
    name: str


@dataclass(frozen=True, slots=True)
class Sub(Expr):
    """``$base[key]``; key None for ``$base[]``."""

    base: Expr
    key: Expr | None


@dataclass(frozen=True, slots=True)
class Concat(Expr):
    """String concatenation or interpolation, in order."""

    parts: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class Arg:
    value: Expr
    name: str | None = None
    spread: bool = False


@dataclass(frozen=True, slots=True)
class Call(Expr):
    """A call of a named function; ``name`` is as written, without a leading backslash."""

    name: str
    args: tuple[Arg, ...]


@dataclass(frozen=True, slots=True)
class MethodCall(Expr):
    obj: Expr
    name: str
    args: tuple[Arg, ...]


@dataclass(frozen=True, slots=True)
class StaticCall(Expr):
    scope: str
    name: str
    args: tuple[Arg, ...]


@dataclass(frozen=True, slots=True)
class New(Expr):
    cls: str
    args: tuple[Arg, ...]


@dataclass(frozen=True, slots=True)
class Closure(Expr):
    """An anonymous function or arrow function, with its body summary."""

    function: "FunctionFact"


@dataclass(frozen=True, slots=True)
class Op(Expr):
    """A binary operation; ``op`` as written (``===``, ``&&``, ``+``, ``??`` …)."""

    op: str
    left: Expr
    right: Expr


@dataclass(frozen=True, slots=True)
class Unary(Expr):
    op: str
    operand: Expr


@dataclass(frozen=True, slots=True)
class Cast(Expr):
    type: str
    operand: Expr


@dataclass(frozen=True, slots=True)
class Ternary(Expr):
    condition: Expr
    then: Expr | None  # None for ``a ?: b``
    otherwise: Expr


@dataclass(frozen=True, slots=True)
class Opaque(Expr):
    """Something the extractor does not model (its tree-sitter node type, for debugging)."""

    kind: str


# --- Function-level facts -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Param:
    name: str
    default: Expr | None = None
    variadic: bool = False


@dataclass(frozen=True, slots=True)
class Return:
    value: Expr | None
    span: Span
    offset: int = 0  # byte offset in its file: orders it against calls and guards


@dataclass(frozen=True, slots=True)
class Guard:
    """An ``if`` (or ``elseif``) directly in a function body: its condition and the byte range of its body."""

    condition: Expr
    offset: int
    body_start: int
    body_end: int


@dataclass(frozen=True, slots=True)
class TryCatch:
    """``try { … } catch ( … ) { … }``: the byte ranges of the try body and of each catch body."""

    body_start: int
    body_end: int
    catches: tuple[tuple[int, int], ...]


@dataclass(frozen=True, slots=True)
class Assign:
    """``target = value`` at byte ``offset`` of its file; target is Var, Sub or Prop."""

    target: Expr
    value: Expr
    offset: int


@dataclass(frozen=True, slots=True)
class CallSite:
    """A call made directly in a function body (not in a nested closure)."""

    call: Call | MethodCall | StaticCall
    offset: int


@dataclass(frozen=True, slots=True)
class DynamicCall:
    """A call whose target is computed at run time (``$fn()``, ``$this->$method()``, ``$class::$m()``,
    ``new $class()``): the analyzer cannot tell what runs, so an endpoint reaching it has unknown effects."""

    description: str  # the call as written, shortened
    span: Span
    offset: int
    args: tuple[Arg, ...] = ()
    callee: Expr | None = None  # the computed callee (``$fn``), when it is a plain expression


@dataclass(frozen=True, slots=True)
class Creation:
    """A ``new Class( … )`` made directly in a function body: binds the constructor's parameters."""

    new: New
    offset: int


@dataclass(frozen=True, slots=True)
class Foreach:
    """``foreach ( source as [key =>] value )``; ``value`` may be a list destructuring (then None)."""

    source: Expr
    key: str | None
    value: str | None
    span: Span
    offset: int = 0  # byte offset of the foreach: assignments after it may update the loop variables


@dataclass(frozen=True, eq=False, slots=True)
class FunctionFact:
    """A function, method, closure or arrow function, or a file's top-level code (kind ``file``).

    Identity-compared: two closures with the same text are still two functions.
    """

    kind: str  # function | method | closure | arrow | file
    name: str | None  # qualified for functions (``acme\\check``), bare for methods
    class_name: str | None  # qualified name of the enclosing class, for methods and closures in methods
    namespace: str
    params: tuple[Param, ...]
    returns: tuple[Return, ...]
    calls: tuple[CallSite, ...]
    assignments: tuple[Assign, ...]
    exits: bool  # exit / die / throw directly in the body
    exit_offsets: tuple[int, ...]  # where they are
    guards: tuple[Guard, ...]  # if / elseif statements, in order
    tries: tuple[TryCatch, ...]  # try blocks and their catch clauses
    creations: tuple[Creation, ...]  # new Class( … )
    compares: bool  # an equality comparison directly in the body
    uses: tuple[str, ...]  # closure ``use`` variables
    span: Span
    body_offset: int  # byte offset where the body starts
    key: tuple[str, int] = ("", 0)  # (path, start byte): identifies the function within the scan
    parent_key: tuple[str, int] | None = None  # the lexically enclosing function, for closures
    statics: tuple[str, ...] = ()  # ``static $name`` variables: they keep their value across calls
    dynamic_calls: tuple[DynamicCall, ...] = ()  # calls whose target is computed at run time
    loops: tuple[Foreach, ...] = ()  # foreach statements directly in the body: they bind variables
    _assigned: tuple | None = field(default=None, init=False, repr=False, compare=False)  # built on first use

    def assigned_by_name(self) -> dict[str, tuple[Expr, ...]]:
        """Values assigned to each variable (or into it: ``$v['k'] = …``, ``$v->p = …``), in order."""
        return self._assignment_index()[0]

    def last_plain_assignment(self, name: str) -> Expr | None:
        """The value last assigned to ``$name`` itself (not into an element of it)."""
        return self._assignment_index()[1].get(name)

    def _assignment_index(self) -> tuple:
        if self._assigned is None:
            by_root: dict[str, list] = {}
            last: dict[str, Expr] = {}
            for assign in self.assignments:
                name = root_variable(assign.target)
                if name is not None:
                    by_root.setdefault(name, []).append(assign.value)
                    if isinstance(assign.target, Var):
                        last[name] = assign.value
            object.__setattr__(self, "_assigned", ({k: tuple(v) for k, v in by_root.items()}, last))
        return self._assigned

    @property
    def display_name(self) -> str:
        if self.kind == "method":
            return f"{self.class_name.rsplit(chr(92), 1)[-1]}::{self.name}()" if self.class_name else f"{self.name}()"
        if self.kind == "function":
            return f"{self.name.rsplit(chr(92), 1)[-1]}()"
        return "closure" if self.kind == "closure" else ("arrow function" if self.kind == "arrow" else "file scope")


@dataclass(frozen=True, slots=True)
class ClassFact:
    name: str  # qualified
    parent: str | None  # qualified as written (resolved against the namespace where obvious)
    constants: tuple[tuple[str, Expr], ...]
    properties: tuple[tuple[str, Expr | None], ...]
    methods: tuple[FunctionFact, ...]
    span: Span
    traits: tuple[str, ...] = ()  # ``use SomeTrait;`` inside the class body
    abstract: bool = False


@dataclass(frozen=True, slots=True)
class ConstantFact:
    """``define( 'NAME', value )`` or top-level ``const NAME = value``."""

    name: str
    value: Expr
    span: Span


@dataclass(frozen=True, slots=True)
class RouteCall:
    """A ``register_rest_route`` call with its lexical context."""

    namespace: Expr | None
    route: Expr | None
    args: Expr | None
    override: Expr | None
    span: Span
    scope: FunctionFact
    foreach: tuple[Foreach, ...]  # enclosing loops, outermost first
    offset: int


@dataclass(frozen=True, slots=True)
class HookCall:
    """``add_filter`` / ``add_action`` / ``remove_filter`` / ``remove_all_filters`` on a hook of interest."""

    function: str
    hook: Expr
    callback: Expr | None
    priority: Expr | None
    span: Span
    scope: FunctionFact
    offset: int


@dataclass(frozen=True, slots=True)
class Output:
    """What a file prints: an ``echo`` / ``print`` / ``<?= … ?>`` value, with the HTML written just before
    the PHP block it opens (``<div data-nonce="`` or ``<script>var Acme = ``), if it opens one."""

    value: Expr
    span: Span
    offset: int
    html_before: str  # '' when the statement does not start a PHP block
    scope: "FunctionFact"
    in_script: bool = False  # printed inside an inline <script> element


@dataclass(frozen=True, slots=True)
class FormRange:
    """A ``<form …>`` … ``</form>`` in a file's bytes (template HTML or PHP strings), with its id and class."""

    start: int
    end: int
    form_id: str | None
    classes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PhpFacts:
    """Everything extracted from one PHP file."""

    path: str
    functions: tuple[FunctionFact, ...]  # named functions only
    classes: tuple[ClassFact, ...]
    constants: tuple[ConstantFact, ...]
    routes: tuple[RouteCall, ...]
    hooks: tuple[HookCall, ...]
    file_scope: FunctionFact
    all_functions: tuple[FunctionFact, ...] = ()  # every function-like, incl. methods and closures
    too_deep: bool = False  # some construct nested deeper than the extractor follows (see MAX_DEPTH)
    suppressions: tuple = ()  # wp-rest-lint: ignore … comments (analyzer.suppressions.Suppression)
    outputs: tuple[Output, ...] = ()
    forms: tuple[FormRange, ...] = ()


def root_variable(target: Expr) -> str | None:
    """``$a`` for ``$a``, ``$a['k'][]`` and ``$a->b``."""
    while isinstance(target, (Sub, Prop)):
        target = target.base if isinstance(target, Sub) else target.obj
    return target.name if isinstance(target, Var) else None
