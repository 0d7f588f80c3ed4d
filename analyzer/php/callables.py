"""PHP callables as plugins pass them (``'fn'``, ``'Class::m'``, ``[ $this, 'm' ]``, ``[ Class::class, 'm' ]``,
closures), resolved to the plugin function that runs."""

from __future__ import annotations

from analyzer.php import ir
from analyzer.php.evaluate import ArrayV, ClosureV, Known, ObjectV, Value
from analyzer.php.symbols import SymbolIndex


def callable_target(value: Value, index: SymbolIndex) -> tuple[ir.FunctionFact, str | None] | None:
    """The plugin function ``value`` calls and the class ``$this`` is in it, or None (core, library, unknown)."""
    if isinstance(value, ClosureV):
        return value.function, value.class_name
    if isinstance(value, Known) and isinstance(value.value, str):
        text = value.value.lstrip("\\")
        if "::" in text:
            cls, _, method = text.partition("::")
            fn = index.method(cls, method)
            return (fn, cls) if fn is not None else None
        fn = index.function(text)
        return (fn, None) if fn is not None else None
    if isinstance(value, ArrayV) and len(value.items) == 2:
        (k0, target), (k1, method) = value.items
        if k0 == 0 and k1 == 1 and isinstance(method, Known) and isinstance(method.value, str):
            cls = None
            if isinstance(target, ObjectV):
                cls = target.cls
            elif isinstance(target, Known) and isinstance(target.value, str):
                cls = target.value
            fn = index.method(cls, method.value.rsplit("::", 1)[-1]) if cls else None
            return (fn, cls) if fn is not None else None
    return None
