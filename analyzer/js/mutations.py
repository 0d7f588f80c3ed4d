"""What later code adds to a binding: ``fd.append( k, v )`` and ``params.set( k, v )`` on a ``FormData`` /
``URLSearchParams`` / ``Headers``, ``headers[ k ] = v`` on an object, ``url.searchParams.set( k, v )`` on a
URL; and properties a framework installs on every component (``Vue.prototype.$http = …``,
``app.config.globalProperties.$http = …``). Deeper writes (``opts.headers.x = v``) are not modelled.
"""

from __future__ import annotations

import re

from analyzer.js import ir
from analyzer.js.bindings import named, string_value, text


def collect(x, calls_, assigns) -> None:
    """Record, per declaration key of ``x`` (a ValueExtractor), the calls and assignments that add to it."""
    for node in calls_:
        fn = node.child_by_field_name("function")
        if fn is None or fn.type != "member_expression":
            continue
        obj = fn.child_by_field_name("object")
        if obj is not None and obj.type == "member_expression":  # url.searchParams.set( k, v )
            prop, base = obj.child_by_field_name("property"), obj.child_by_field_name("object")
            if prop is not None and text(prop) == "searchParams" and base is not None and base.type == "identifier":
                found = x.binding(text(base), node)
                if found is not None:
                    x.search_params.setdefault(found[0], []).append(node)
            continue
        if obj is not None and obj.type == "identifier":
            found = x.binding(text(obj), node)
            if found is not None:
                x.member_calls.setdefault(found[0], []).append(node)
    for node in assigns:
        left = node.child_by_field_name("left")
        base = left
        while base is not None and base.type in ("member_expression", "subscript_expression"):
            base = base.child_by_field_name("object")
        if base is not None and base is not left and base.type == "identifier":
            found = x.binding(text(base), node)
            if found is not None:
                x.member_assigns.setdefault(found[0], []).append(node)
        written = text(left).replace(" ", "") if left is not None else ""
        match = re.search(r"\.(?:prototype|globalProperties)\.([$\w]+)$", written)
        if match:
            x.installs.setdefault(match.group(1), []).append(node.child_by_field_name("right"))

def apply(x, base: ir.JExpr, key, depth: int) -> ir.JExpr:
    """Add what later code puts into the binding: ``fd.append( k, v )``, ``headers[ k ] = v``, and
    ``url.searchParams.set( k, v )`` on a URL."""
    if isinstance(base, ir.Alt):
        return ir.Alt(base.span, tuple(apply(x, o, key, depth) for o in base.options), base.fallback)
    added: list[ir.Prop] = []
    for call in x.member_calls.get(key, ()):
        fn = call.child_by_field_name("function")
        method = fn.child_by_field_name("property") if fn is not None else None
        if method is None or text(method) not in ("append", "set"):
            continue
        args = named(call.child_by_field_name("arguments"))
        if len(args) >= 2:
            added.append(ir.Prop(string_value(args[0]), x.value(args[1], depth), x.span(call)))
    for assign in x.member_assigns.get(key, ()):
        left = assign.child_by_field_name("left")
        obj = left.child_by_field_name("object") if left is not None else None
        if obj is None or obj.type != "identifier":
            continue  # deeper writes (opts.headers.x = …) are not modelled
        added.append(ir.Prop(x.key_of(left), x.value(assign.child_by_field_name("right"), depth), x.span(assign)))
    if isinstance(base, ir.Obj) and added:
        return ir.Obj(base.span, base.props + tuple(added), base.complete)
    if isinstance(base, ir.Form) and added:
        return ir.Form(base.span, base.kind, base.source, base.fields + tuple(added))
    if isinstance(base, (ir.Concat, ir.Lit)) and x.search_params.get(key):
        return _with_query(x, base, x.search_params[key], depth)
    return base

def _with_query(x, base: ir.JExpr, calls_, depth: int) -> ir.JExpr:
    parts = list(base.parts) if isinstance(base, ir.Concat) else [base]
    has_query = any(isinstance(p, ir.Lit) and isinstance(p.value, str) and "?" in p.value for p in parts)
    for call in calls_:
        fn = call.child_by_field_name("function")
        method = fn.child_by_field_name("property") if fn is not None else None
        args = named(call.child_by_field_name("arguments"))
        key = string_value(args[0]) if args else None
        if method is None or text(method) not in ("append", "set") or len(args) < 2 or key is None:
            continue
        parts += [ir.Lit(x.span(call), ("&" if has_query else "?") + key + "="), x.value(args[1], depth)]
        has_query = True
    return ir.Concat(base.span, tuple(parts))
