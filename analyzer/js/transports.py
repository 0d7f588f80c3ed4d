"""Requests from evaluated arguments, one builder per transport, each reading its options the way that
library reads them: jQuery sends GET ``data`` in the query string, axios sends object ``data`` as JSON,
apiFetch ``data`` as JSON with core's nonce added, ``navigator.sendBeacon`` a POST that carries cookies and
no headers at all.

The builders work on values, not syntax, so the plugin model can use them too, for a call whose receiver
only another module resolves (``import api from './api'; api.post( … )``).
"""

from __future__ import annotations

from analyzer.js import ir
from analyzer.source import Span

Arg = tuple[ir.JExpr, Span]  # an evaluated argument and where it is written

JQUERY_CALLS = {"jQuery.ajax": None, "jQuery.post": "POST", "jQuery.get": "GET", "jQuery.getJSON": "GET"}
AXIOS_METHODS = {"get": "GET", "delete": "DELETE", "head": "HEAD", "options": "OPTIONS", "post": "POST", "put": "PUT", "patch": "PATCH", "request": None}
_AXIOS_WITH_DATA = frozenset({"post", "put", "patch"})


def literal_string(value: ir.JExpr | None) -> str | None:
    if isinstance(value, ir.Lit) and isinstance(value.value, str):
        return value.value
    return None


def instance_id(create: ir.CallV) -> str:
    """An axios instance is known by where ``axios.create`` is called: the same in every file that uses it."""
    return f"{create.span.path}:{create.span.line}:{create.span.column}"


def _method(value: ir.JExpr | None, default: str | None) -> str | None:
    if value is None:
        return default
    text = literal_string(value)
    return text.strip().upper() if text else None


def _headers(value: ir.JExpr | None) -> tuple[tuple[ir.Prop, ...], bool]:
    """Header properties and whether the list is complete."""
    if value is None:
        return (), True
    if isinstance(value, ir.Obj):
        return value.props, value.complete
    return (), False


def _prop(obj: ir.Obj, key: str) -> ir.JExpr | None:
    prop = obj.get(key)
    return prop.value if prop is not None else None


def query_string_fields(value: ir.JExpr) -> tuple[ir.Prop, ...]:
    """Fields of a string body or query written as ``'a=1&_wpnonce=' + nonce``."""
    parts = value.parts if isinstance(value, ir.Concat) else (value,)
    fields: list[ir.Prop] = []
    for i, part in enumerate(parts):
        text = literal_string(part)
        if text is None:
            continue
        pieces = text.split("&")
        for j, piece in enumerate(pieces):
            key, eq, rest = piece.partition("=")
            if not eq or not key:
                continue
            key = key.lstrip("?")
            if rest or j < len(pieces) - 1 or i + 1 >= len(parts):
                fields.append(ir.Prop(key, ir.Lit(part.span, rest), part.span))
            else:  # '…&_wpnonce=' + value
                fields.append(ir.Prop(key, parts[i + 1], parts[i + 1].span))
    return tuple(fields)


def content_type(headers: tuple[ir.Prop, ...]) -> str | None:
    for prop in headers:
        if prop.key is not None and prop.key.lower() == "content-type":
            return (literal_string(prop.value) or "?").lower()
    return None


def classify_body(body: ir.JExpr | None, ctype: str | None) -> tuple[str, tuple[ir.Prop, ...]]:
    """(kind, fields) of a fetch / XHR / beacon body."""
    if body is None or (isinstance(body, ir.Lit) and body.value is None):
        return "none", ()
    if isinstance(body, ir.Json):
        return "json", body.value.props if isinstance(body.value, ir.Obj) else ()
    if isinstance(body, ir.Form):
        return ("formdata" if body.kind == "formdata" else "form"), body.fields
    if isinstance(body, ir.Blob):
        inner = body.value.value if isinstance(body.value, ir.Json) else None
        fields = inner.props if isinstance(inner, ir.Obj) else ()
        if body.content_type is not None and "x-www-form-urlencoded" in body.content_type and body.value is not None:
            return "form", query_string_fields(body.value)
        if isinstance(body.value, ir.Json) or (body.content_type is not None and "json" in body.content_type):
            return "json", fields
        return "text", query_string_fields(body.value) if body.value is not None else ()
    if isinstance(body, (ir.Lit, ir.Concat)):
        if ctype is not None and "x-www-form-urlencoded" in ctype:
            return "form", query_string_fields(body)
        if ctype is not None and "json" in ctype:
            return "json", ()
        return "text", query_string_fields(body)
    return "unknown", ()


def _request(transport: str, span: Span, url: Arg | None, **fields) -> ir.Request:
    value, where = url if url is not None else (None, None)
    defaults = {"path": None, "method": None, "headers": (), "body": None, "body_kind": "none", "body_fields": (), "query": (), "credentials": None, "with_credentials": None}
    return ir.Request(transport, span, value, where, **{**defaults, **fields})


def fetch(span: Span, args: list[Arg]) -> ir.Request | None:
    """``fetch( url, init )`` and ``fetch( new Request( url, init ), init )``."""
    if not args:
        return None
    url = args[0]
    inits: list[ir.JExpr] = []
    if isinstance(url[0], ir.CallV) and url[0].callee == "new Request" and url[0].args:
        request = url[0]
        url = (request.args[0], request.args[0].span)
        if len(request.args) > 1:
            inits.append(request.args[1])
    if len(args) > 1:
        inits.append(args[1][0])
    complete = all(isinstance(i, ir.Obj) and i.complete for i in inits)
    props = tuple(p for i in inits if isinstance(i, ir.Obj) for p in i.props)
    options = ir.Obj(span, props)
    headers, headers_complete = _headers(_prop(options, "headers"))
    body = _prop(options, "body")
    kind, fields = classify_body(body, content_type(headers))
    return _request(
        "fetch", span, url, method=_method(_prop(options, "method"), "GET"), headers=headers, body=body, body_kind=kind,
        body_fields=fields, credentials=options.get("credentials"), complete=complete and headers_complete,
    )


def beacon(span: Span, args: list[Arg]) -> ir.Request | None:
    """``navigator.sendBeacon( url, data )``: always a POST with the site's cookies, never a header; a string
    body goes as text/plain, a Blob with its own type."""
    if not args:
        return None
    body = args[1][0] if len(args) > 1 else None
    kind, fields = classify_body(body, "text/plain")
    return _request("beacon", span, args[0], method="POST", body=body, body_kind=kind, body_fields=fields)


def jquery_headers(options: ir.Obj) -> tuple[ir.Prop, ...]:
    headers: list[ir.Prop] = []
    value = _prop(options, "headers")
    if isinstance(value, ir.Obj):
        headers.extend(value.props)
    before = _prop(options, "beforeSend")
    if isinstance(before, ir.Func):
        headers.extend(before.headers)
    return tuple(headers)


def jquery(span: Span, name: str, args: list[Arg]) -> ir.Request | None:
    if not args:
        return None
    first = args[0][0]
    complete = True
    url: Arg | None
    if name == "jQuery.ajax":
        if isinstance(first, ir.Obj):
            options, url_prop = first, first.get("url")
            url = (url_prop.value, url_prop.span) if url_prop else None
        else:
            second = args[1][0] if len(args) > 1 else None
            options = second if isinstance(second, ir.Obj) else ir.Obj(span, (), second is None)
            url = args[0]
        complete = options.complete
        method = _method(_prop(options, "type") or _prop(options, "method"), "GET")
        data = _prop(options, "data")
        ctype = literal_string(_prop(options, "contentType"))
    else:
        if isinstance(first, ir.Obj):  # $.post( { url, data, … } )
            options = first
            url_prop = first.get("url")
            url = (url_prop.value, url_prop.span) if url_prop else None
            data = _prop(first, "data")
        else:
            options = ir.Obj(span, ())
            url = args[0]
            data = args[1][0] if len(args) > 1 and not isinstance(args[1][0], ir.Func) else None
        method = JQUERY_CALLS[name]
        ctype = None
    query: tuple[ir.Prop, ...] = ()
    kind, fields = "none", ()
    if data is not None:
        if method in ("GET", "HEAD") and isinstance(data, (ir.Obj, ir.Form, ir.Lit, ir.Concat)):
            query = data.props if isinstance(data, ir.Obj) else (data.fields if isinstance(data, ir.Form) else query_string_fields(data))
        elif isinstance(data, ir.Json) or (ctype and "json" in ctype.lower()):
            # A JSON Content-Type (even over an object jQuery form-encodes): PHP leaves $_POST empty.
            inner = data.value if isinstance(data, ir.Json) else data
            kind, fields = "json", (inner.props if isinstance(inner, ir.Obj) else ())
        elif isinstance(data, ir.Obj):
            kind, fields = "form", data.props
            complete = complete and data.complete
        elif isinstance(data, ir.Form):
            kind, fields = ("formdata" if data.kind == "formdata" else "form"), data.fields
        elif isinstance(data, (ir.Lit, ir.Concat)):
            kind, fields = "form", query_string_fields(data)
        else:
            kind = "unknown"
    xhr_fields = _prop(options, "xhrFields")
    with_credentials = xhr_fields.get("withCredentials") if isinstance(xhr_fields, ir.Obj) else None
    return _request(
        "jquery", span, url, method=method, headers=jquery_headers(options), body=data, body_kind=kind, body_fields=fields,
        query=query, with_credentials=with_credentials, complete=complete,
    )


def axios(span: Span, method: str, args: list[Arg], create: ir.CallV | None) -> ir.Request | None:
    """``axios( config )``, ``axios( url, config )``, ``axios.get( url, config )``, ``axios.post( url, data,
    config )`` and the same on an instance made by ``create`` (whose config gives ``baseURL``)."""
    if not args:
        return None
    url: Arg | None = None
    data = None
    options: ir.JExpr | None = None
    if method in ("", "request"):
        if isinstance(args[0][0], ir.Obj):
            options = args[0][0]
        else:
            url = args[0]
            options = args[1][0] if len(args) > 1 else None
    else:
        url = args[0]
        if method in _AXIOS_WITH_DATA:
            data = args[1][0] if len(args) > 1 else None
            options = args[2][0] if len(args) > 2 else None
        else:
            options = args[1][0] if len(args) > 1 else None
    complete = options is None or (isinstance(options, ir.Obj) and options.complete)
    opts = options if isinstance(options, ir.Obj) else ir.Obj(span, ())
    if url is None and opts.get("url"):
        url = (opts.get("url").value, opts.get("url").span)
    if data is None:
        data = _prop(opts, "data")
    verb = AXIOS_METHODS.get(method) if method not in ("", "request") else _method(_prop(opts, "method"), "GET")
    headers, headers_complete = _headers(_prop(opts, "headers"))
    if isinstance(data, ir.Obj):
        kind, fields = "json", data.props
    else:
        kind, fields = classify_body(data, content_type(headers) or "json")
    params = _prop(opts, "params")
    query = params.props if isinstance(params, ir.Obj) else ()
    base_url = _prop(opts, "baseURL")
    with_credentials = opts.get("withCredentials")
    instance = None
    if create is not None:
        instance = instance_id(create)
        config = create.args[0] if create.args and isinstance(create.args[0], ir.Obj) else None
        if config is not None:
            base_url = base_url or _prop(config, "baseURL")
            with_credentials = with_credentials or config.get("withCredentials")
    return _request(
        "axios", span, url, method=verb, headers=headers, body=data, body_kind=kind, body_fields=fields, query=query,
        with_credentials=with_credentials, instance=instance, base_url=base_url, complete=complete and headers_complete,
    )


def api_fetch(span: Span, args: list[Arg], transport: str) -> ir.Request | None:
    """``apiFetch( { path | url, method, data | body, headers } )`` and ``wp.apiRequest( … )``."""
    if not args:
        return None
    options = args[0][0]
    if not isinstance(options, ir.Obj):
        return _request(transport, span, None, body_kind="unknown", complete=False)
    path, url = options.get("path"), options.get("url")
    namespace, endpoint = options.get("namespace"), options.get("endpoint")
    if transport == "wp-api-request" and path is None and url is None and namespace is not None and endpoint is not None:
        # wp.apiRequest( { namespace, endpoint } ) requests root + namespace + '/' + endpoint
        path = ir.Prop("path", ir.Concat(endpoint.span, (namespace.value, ir.Lit(endpoint.span, "/"), endpoint.value)), endpoint.span)
    headers, headers_complete = _headers(_prop(options, "headers"))
    data, body = options.get("data"), options.get("body")
    if data is not None:
        kind = "json" if transport == "api-fetch" else ("form" if isinstance(data.value, ir.Obj) else "unknown")
        fields = data.value.props if isinstance(data.value, ir.Obj) else ()
        payload = data.value
    else:
        kind, fields = classify_body(body.value if body else None, content_type(headers))
        payload = body.value if body else None
    where = url.span if url else (path.span if path else None)
    return _request(
        transport, span, (url.value if url else None, where), path=path.value if path else None,
        method=_method(_prop(options, "method") or (_prop(options, "type") if transport == "wp-api-request" else None), "GET"),
        headers=headers, body=payload, body_kind=kind, body_fields=fields,
        credentials=options.get("credentials"), complete=options.complete and headers_complete,
    )


def from_receiver(span: Span, receiver: ir.JExpr, method: str | None, args: list[Arg]) -> ir.Request | None:
    """A request made on a resolved receiver value: an axios instance or axios itself, apiFetch, jQuery."""
    if isinstance(receiver, ir.CallV) and receiver.callee == "axios.create" and method in AXIOS_METHODS:
        return axios(span, method, args, receiver)
    if not isinstance(receiver, ir.Ref) or None in receiver.path:
        return None
    name = receiver.dotted if method is None else f"{receiver.dotted}.{method}"
    if name == "axios" or (name.startswith("axios.") and name[6:] in AXIOS_METHODS):
        return axios(span, name[6:] if name != "axios" else "", args, None)
    if name == "wp.apiFetch":
        return api_fetch(span, args, "api-fetch")
    if name == "wp.apiRequest":
        return api_fetch(span, args, "wp-api-request")
    if name in JQUERY_CALLS:
        return jquery(span, name, args)
    if name == "fetch":
        return fetch(span, args)
    return None
