"""The plugin's own hook callbacks: which functions it adds to which action or filter, at which priority.

Used where a hook's callbacks run as part of what is analysed: ``apply_filters( 'acme_routes', $routes )``
passes a route table through the plugin's own filters, and ``do_action( 'acme_saved' )`` inside a route's
callback runs the plugin's own actions.
"""

from __future__ import annotations

from dataclasses import dataclass

from analyzer.php import ir
from analyzer.php.callables import callable_target
from analyzer.php.evaluate import Env, Evaluator, Known
from analyzer.source import Span

ADDERS = ("add_filter", "add_action")


@dataclass(frozen=True, slots=True)
class HookCallback:
    hook: str
    function: ir.FunctionFact
    class_name: str | None
    priority: int
    span: Span  # the add_filter / add_action call


class HookIndex:
    """Built lazily from the symbol table's call sites; one per model (it shares the model's evaluator)."""

    def __init__(self, index) -> None:
        self.index = index
        self.evaluator = Evaluator(index)  # its own: building the index must not reset an evaluation under way
        self._by_hook: dict[str, list[HookCallback]] | None = None

    def _build(self) -> dict[str, list[HookCallback]]:
        found: dict[str, list[HookCallback]] = {}
        for adder in ADDERS:
            for fn, site in self.index.call_sites.get(adder, []):
                call = site.call
                args = [a.value for a in call.args if not a.spread and a.name is None]
                if len(args) < 2 or not isinstance(args[0], ir.Lit) or not isinstance(args[0].value, str):
                    continue
                env = Env(fn, fn.class_name, site.offset)
                try:
                    target = callable_target(self.evaluator.evaluate(args[1], env), self.index)
                    priority = self.evaluator.evaluate(args[2], env) if len(args) > 2 else Known(None, 10)
                except RecursionError:  # pathological input: this callback is simply not known
                    continue
                if target is None:
                    continue
                level = priority.value if isinstance(priority, Known) and isinstance(priority.value, int) else 10
                found.setdefault(args[0].value, []).append(HookCallback(args[0].value, target[0], target[1], level, call.span))
        for callbacks in found.values():
            callbacks.sort(key=lambda h: (h.priority, h.span))
        return found

    def callbacks(self, hook: str | None) -> list[HookCallback]:
        """The plugin functions added to ``hook``, in the order WordPress runs them."""
        if hook is None:
            return []
        if self._by_hook is None:
            self._by_hook = {}  # re-entrancy (apply_filters while building) sees no callbacks
            self._by_hook = self._build()
        return self._by_hook.get(hook, [])

    def hooks_of(self, fn: ir.FunctionFact) -> set[str]:
        """The hooks ``fn`` is added to."""
        if self._by_hook is None:
            self.callbacks("")
        assert self._by_hook is not None
        return {h.hook for callbacks in self._by_hook.values() for h in callbacks if h.function is fn}
