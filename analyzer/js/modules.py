"""The plugin's own JS modules, joined: what one file imports from another, and what a framework installs on
every component.

- ``import api from './api'`` in ``src/app.js`` reads the default export of ``src/api.js`` (or ``.ts``,
  ``.jsx``, ``.tsx``, ``.mjs``, ``.vue``, ``/index.js`` …); a named import reads that export; ``api()`` reads
  what an exported function returns, ``new Api()`` an instance of an exported class.
- ``this.$http`` in a component reads what ``Vue.prototype.$http = …`` or
  ``app.config.globalProperties.$http = …`` installed, in any file.
- ``acme.root`` in a script file reads what an inline script of a PHP template declared from the value
  PHP printed into it (``let acme = <?php echo wp_json_encode( … ) ?>;``).
- A call on such a receiver (:class:`~analyzer.js.ir.PendingCall`) becomes a request when the receiver turns
  out to be an axios instance, axios, apiFetch or jQuery.

Only files the scan parsed are known; an import of a file that was not parsed (or of a package) stays unknown.
Resolution follows at most :data:`MAX_HOPS` imports in a row.
"""

from __future__ import annotations

import dataclasses
import posixpath

from analyzer.js import ir, transports

MAX_HOPS = 6
_SUFFIXES = (".js", ".ts", ".jsx", ".tsx", ".mjs", ".cjs", ".vue", ".svelte", "/index.js", "/index.ts", "/index.jsx", "/index.tsx")


class Modules:
    def __init__(self, files, printed_by_php=frozenset()) -> None:
        self.exports: dict[str, dict[str, list[ir.JExpr]]] = {}
        self.installs: dict[str, list[ir.JExpr]] = {}
        self.globals: dict[str, list[ir.JExpr]] = {}
        for facts in files:
            for name, value in facts.globals:
                if name not in printed_by_php:  # PHP's own record of what it prints says more (the channel)
                    self.globals.setdefault(name, []).append(value)
            table = self.exports.setdefault(facts.path, {})
            for name, value in facts.exports:
                table.setdefault(name, []).append(value)
            for name, value in facts.installs:
                self.installs.setdefault(name, []).append(value)

    def _module(self, module: str) -> dict[str, list[ir.JExpr]] | None:
        if module in self.exports:
            return self.exports[module]
        for suffix in _SUFFIXES:
            found = self.exports.get(module + suffix)
            if found is not None:
                return found
        stem = posixpath.splitext(module)[0]  # './api.js' imported with its extension, from a .ts file
        return self.exports.get(stem + ".ts") if stem != module else None

    # --- values ---------------------------------------------------------------------------------

    def resolve(self, expr: ir.JExpr | None, hops: int = 0) -> ir.JExpr | None:
        """``expr`` with every import and installed ``this.$x`` replaced by what it names, where known."""
        if expr is None or hops > MAX_HOPS:
            return expr
        if isinstance(expr, ir.Import):
            return self._import(expr, hops)
        if isinstance(expr, ir.Ref) and expr.root == "this" and expr.path and expr.path[0] in self.installs:
            base = _alt(expr.span, [self.resolve(v, hops + 1) for v in self.installs[expr.path[0]]])
            return self._path(base, expr.path[1:], expr.span)
        if isinstance(expr, ir.Ref) and expr.root in self.globals:
            base = _alt(expr.span, list(self.globals[expr.root]))
            return self._path(base, expr.path, expr.span)
        if isinstance(expr, ir.Concat):
            return _same_or(expr, tuple(self.resolve(p, hops) for p in expr.parts), lambda parts: ir.Concat(expr.span, parts))
        if isinstance(expr, ir.Alt):
            return _same_or(expr, tuple(self.resolve(p, hops) for p in expr.options), lambda options: ir.Alt(expr.span, options, expr.fallback))
        if isinstance(expr, ir.Obj):
            props = tuple(dataclasses.replace(p, value=self.resolve(p.value, hops)) for p in expr.props)
            return expr if props == expr.props else ir.Obj(expr.span, props, expr.complete)
        if isinstance(expr, ir.Json):
            inner = self.resolve(expr.value, hops)
            return expr if inner is expr.value else ir.Json(expr.span, inner)
        if isinstance(expr, ir.CallV):
            return _same_or(expr, tuple(self.resolve(a, hops) for a in expr.args), lambda args: ir.CallV(expr.span, expr.callee, args))
        return expr

    def _import(self, expr: ir.Import, hops: int) -> ir.JExpr:
        table = self._module(expr.module)
        if table is None:
            return ir.Unknown(expr.span, f"import from {expr.module}")
        name, path = expr.name, expr.path
        if path and path[0] in ("()", "new") and (name + path[0]) in table:
            name, path = name + path[0], path[1:]
        if name == "*":  # import * as api: the module object
            if not path:
                return ir.Unknown(expr.span, "module namespace")
            name, path = path[0], path[1:]
        values = table.get(name) if name is not None else None
        if not values:
            return ir.Unknown(expr.span, f"{expr.module} exports no {name}")
        base = _alt(expr.span, [self.resolve(v, hops + 1) for v in values])
        return self._path(base, path, expr.span)

    def _path(self, base: ir.JExpr, path: tuple, span) -> ir.JExpr:
        for key in path:
            base = _property(base, key, span)
        return base

    # --- requests -------------------------------------------------------------------------------

    def request(self, request: ir.Request) -> ir.Request:
        """The request with imported values resolved in its URL, headers, query and body fields."""
        resolved = {
            "url": self.resolve(request.url),
            "path": self.resolve(request.path),
            "base_url": self.resolve(request.base_url),
            "headers": self._props(request.headers),
            "query": self._props(request.query),
            "body_fields": self._props(request.body_fields),
        }
        if all(resolved[k] is getattr(request, k) or resolved[k] == getattr(request, k) for k in resolved):
            return request
        return dataclasses.replace(request, **resolved)

    def _props(self, props: tuple[ir.Prop, ...]) -> tuple[ir.Prop, ...]:
        return tuple(dataclasses.replace(p, value=self.resolve(p.value)) for p in props)

    def pending(self, call: ir.PendingCall) -> ir.Request | None:
        receiver = self.resolve(call.receiver)
        args = [(self.resolve(value), span) for value, span in call.args]
        options = receiver.options if isinstance(receiver, ir.Alt) else (receiver,)
        for option in options:  # the same transport on every branch
            request = transports.from_receiver(call.span, option, call.method, args)
            if request is not None:
                return request
        return None


def _same_or(expr, items: tuple, build):
    original = expr.parts if isinstance(expr, ir.Concat) else (expr.options if isinstance(expr, ir.Alt) else expr.args)
    return expr if all(a is b for a, b in zip(items, original, strict=True)) else build(items)


def _alt(span, values: list[ir.JExpr]) -> ir.JExpr:
    unique: list[ir.JExpr] = []
    for value in values:
        if value not in unique:
            unique.append(value)
    return unique[0] if len(unique) == 1 else ir.Alt(span, tuple(unique))


def _property(base: ir.JExpr, key, span) -> ir.JExpr:
    if isinstance(base, ir.Alt):
        return _alt(span, [_property(o, key, span) for o in base.options])
    if isinstance(base, ir.Ref):
        return ir.Ref(span, base.root, (*base.path, key))
    if isinstance(base, ir.Printed):
        return ir.Printed(span, base.at, (*base.path, key))
    if isinstance(base, ir.Obj):
        prop = base.get(key) if key is not None else None
        return prop.value if prop is not None else ir.Unknown(span, f"no property {key}")
    return ir.Unknown(span, f"property {key} of an unknown value")
