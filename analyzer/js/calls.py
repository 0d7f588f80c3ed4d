"""What a call or a ``new`` evaluates to in browser code.

Recognised by method or callee: ``data-*`` reads (``getAttribute``, jQuery ``.data()`` / ``.attr()``),
storage reads (``localStorage.getItem( key )``), DOM elements and forms, ``JSON.stringify`` / ``JSON.parse``,
string operations that keep a URL's base (``toString``, ``trim``, ``replace``, ``replaceAll``, ``concat``,
``encodeURI`` …), ``new FormData`` / ``URLSearchParams`` / ``Headers`` / ``Blob`` / ``URL`` / ``Request``,
and instances of the file's own classes. A call of a function the file defines returns what the function
returns (:mod:`analyzer.js.functions`); a call of something imported from another module of the plugin is an
:class:`~analyzer.js.ir.Import` of its result. Any other call is a :class:`~analyzer.js.ir.CallV` by its
dotted callee, for the request recogniser and the plugin model.
"""

from __future__ import annotations

import re

from analyzer.js import ir
from analyzer.js.bindings import named, string_value

PASS_THROUGH = frozenset({"String", "encodeURIComponent", "encodeURI", "decodeURIComponent", "decodeURI", "escape", "unescape"})
_PASS_THROUGH_METHODS = frozenset({"toString", "trim", "valueOf", "trimEnd", "trimStart", "toLowerCase"})
STORAGES = {"localStorage": "localStorage", "sessionStorage": "sessionStorage", "localforage": "localStorage"}
_CALLEE_WRAPPERS = ("await_expression", "parenthesized_expression", "non_null_expression")


def _strip(fn):
    while fn is not None and fn.type in _CALLEE_WRAPPERS and named(fn):
        fn = named(fn)[0]
    return fn


def call_value(x, node, depth: int) -> ir.JExpr:
    span = x.span(node)
    fn = _strip(node.child_by_field_name("function"))
    args_node = node.child_by_field_name("arguments")
    args = named(args_node) if args_node is not None and args_node.type == "arguments" else []
    if fn is None:
        return ir.Unknown(span, "call")
    if fn.type == "member_expression":
        found = _method_call(x, node, fn, args, span, depth)
        if found is not None:
            return found
    name = x.callee(fn, depth)
    if name is None:
        target = x.value(fn, depth)
        if isinstance(target, ir.Func) or (isinstance(target, ir.Alt) and all(isinstance(o, ir.Func) for o in target.options)):
            return x.functions.returns_of(target, depth)
        if isinstance(target, ir.Import):  # import { client } from './api'; client() → what ./api exports as client()
            return ir.Import(span, target.module, target.name, (*target.path, "()"))
        return ir.Unknown(span, "call of an unknown function")
    if name == "JSON.stringify" and args:
        return ir.Json(span, x.value(args[0], depth))
    if name == "JSON.parse" and args:
        parsed = x.value(args[0], depth)
        if isinstance(parsed, ir.Alt):  # JSON.parse( localStorage.getItem( k ) || '{}' ): the stored copy
            parsed = next((o for o in parsed.options if isinstance(o, ir.StorageRead)), parsed)
        return parsed if isinstance(parsed, ir.StorageRead) else ir.Unknown(span, "JSON.parse")
    if name in PASS_THROUGH and args:
        return x.value(args[0], depth)
    if name == "jQuery" and args:
        first = x.value(args[0], depth)
        if isinstance(first, ir.Lit) and isinstance(first.value, str):
            return ir.Element(span, first.value)
        if isinstance(first, ir.Element):
            return first
        return ir.Element(span, None)
    return ir.CallV(span, name, tuple(x.value(a, depth) for a in args))


def _method_call(x, node, fn, args, span, depth: int) -> ir.JExpr | None:
    """Calls recognised by their method name, whatever the receiver; None when the method says nothing."""
    method = x.key_of(fn)
    receiver = fn.child_by_field_name("object")
    if method == "getAttribute" and args:
        name = string_value(args[0])
        if name and name.startswith("data-"):
            return ir.DataAttr(span, name[5:])
    if method in ("data", "attr") and len(args) == 1:
        name = string_value(args[0])
        if name:
            if method == "data":
                from analyzer.js.values import kebab

                return ir.DataAttr(span, kebab(name))
            if name.startswith("data-"):
                return ir.DataAttr(span, name[5:])
    if (method in _PASS_THROUGH_METHODS and not args) or method == "bind":  # f.bind( this ) is still f
        return x.value(receiver, depth)
    if method in ("replace", "replaceAll") and len(args) == 2:
        return _replace(x, receiver, args, span, depth, method)
    if method == "concat" and args:
        base = x.value(receiver, depth)
        if isinstance(base, (ir.Lit, ir.Concat, ir.Ref, ir.Alt, ir.Import)) and not (isinstance(base, ir.Lit) and not isinstance(base.value, str)):
            parts = [*(base.parts if isinstance(base, ir.Concat) else [base])]
            for arg in args:
                value = x.value(arg, depth)
                parts.extend(value.parts if isinstance(value, ir.Concat) else [value])
            return ir.Concat(span, tuple(parts))
    if method == "serialize" and not args:
        element = x.value(receiver, depth)
        return ir.Form(span, "serialize", element if isinstance(element, ir.Element) else None, ())
    if method == "getItem":
        store = x.callee(receiver, depth)
        if store is not None and store in STORAGES:
            key = x.value(args[0], depth) if args else None
            return ir.StorageRead(span, STORAGES[store], key.value if isinstance(key, ir.Lit) and isinstance(key.value, str) else None)
    if method in ("getElementById", "querySelector") and args:
        selector = string_value(args[0])
        if selector is not None and method == "getElementById":
            selector = "#" + selector
        return ir.Element(span, selector)
    if method == "closest" and args:
        return ir.Element(span, string_value(args[0]))
    return None


def _replace(x, receiver, args, span, depth: int, method: str) -> ir.JExpr:
    """``root.replace( /\\/$/, '' )`` keeps the URL's base: the result is the receiver, except that literal
    text is really replaced when everything is literal."""
    base = x.value(receiver, depth)
    pattern, replacement = args
    old, new = string_value(pattern), x.value(replacement, depth)
    if isinstance(base, ir.Lit) and isinstance(base.value, str) and isinstance(new, ir.Lit) and isinstance(new.value, str):
        if old is not None:
            return ir.Lit(span, base.value.replace(old, new.value, 1 if method == "replace" else -1))
        if pattern.type == "regex":
            regex = pattern.child_by_field_name("pattern")
            flags = pattern.child_by_field_name("flags")
            try:
                count = 0 if flags is not None and b"g" in flags.text else 1
                return ir.Lit(span, re.sub(regex.text.decode(), new.value.replace("$&", r"\g<0>"), base.value, count=count))
            except (re.error, AttributeError):
                return base
    return base


def new_value(x, node, depth: int) -> ir.JExpr:
    span = x.span(node)
    ctor = node.child_by_field_name("constructor")
    args_node = node.child_by_field_name("arguments")
    args = named(args_node) if args_node is not None else []
    name = x.callee(ctor, depth) if ctor is not None else None
    if name == "FormData":
        source = x.value(args[0], depth) if args else None
        if source is not None and not isinstance(source, ir.Element):
            source = ir.Element(source.span, None) if not isinstance(source, ir.Lit) else None
        return ir.Form(span, "formdata", source, ())
    if name == "URLSearchParams":
        init = x.value(args[0], depth) if args else None
        fields = init.props if isinstance(init, ir.Obj) else ()
        if isinstance(init, ir.Form):
            return ir.Form(span, "urlsearchparams", init.source, init.fields)
        return ir.Form(span, "urlsearchparams", None, fields)
    if name == "Headers":
        init = x.value(args[0], depth) if args else None
        return init if isinstance(init, ir.Obj) else ir.Obj(span, (), init is None)
    if name == "Blob":
        return _blob(x, args, span, depth)
    if name == "URL" and args:
        return _url(x, args, span, depth)
    if name is None and ctor is not None:
        target = x.value(ctor, depth)
        if isinstance(target, ir.Obj) and target.span in x.functions.classes:  # new Api(): an instance of the file's class
            return x.functions.instance(x.functions.classes[target.span], depth)
        if isinstance(target, ir.Import):
            return ir.Import(span, target.module, target.name, (*target.path, "new"))
        return ir.Unknown(span, "new of an unknown class")
    if name is None:
        return ir.Unknown(span, "new of an unknown class")
    return ir.CallV(span, "new " + name, tuple(x.value(a, depth) for a in args))


def _blob(x, args, span, depth: int) -> ir.Blob:
    """``new Blob( [ JSON.stringify( data ) ], { type: 'application/json' } )``."""
    value = None
    if args and args[0].type == "array":
        items = named(args[0])
        value = x.value(items[0], depth) if len(items) == 1 else None
    options = x.value(args[1], depth) if len(args) > 1 else None
    content_type = None
    if isinstance(options, ir.Obj):
        prop = options.get("type")
        if prop is not None and isinstance(prop.value, ir.Lit) and isinstance(prop.value.value, str):
            content_type = prop.value.value.lower()
        elif prop is not None:
            content_type = "?"
    return ir.Blob(span, value, content_type)


def _url(x, args, span, depth: int) -> ir.JExpr:
    """``new URL( path, base )`` as the URL string it makes: an absolute ``path`` stands alone; a path from
    the root (``/wp-json/…``) keeps only the base's origin; a relative one is appended to the base."""
    path = x.value(args[0], depth)
    if len(args) < 2:
        return path
    base = x.value(args[1], depth)
    first = path.parts[0] if isinstance(path, ir.Concat) and path.parts else path
    head = first.value if isinstance(first, ir.Lit) and isinstance(first.value, str) else None
    if head is not None and re.match(r"^([a-z][a-z\d+\-.]*:)?//", head, re.IGNORECASE):
        return path
    if head is not None and head.startswith("/"):
        origin = ir.CallV(base.span, "URL.origin", (base,))
        return ir.Concat(span, (origin, *(path.parts if isinstance(path, ir.Concat) else (path,))))
    parts = [*(base.parts if isinstance(base, ir.Concat) else [base]), *(path.parts if isinstance(path, ir.Concat) else [path])]
    return ir.Concat(span, tuple(parts))
