"""Recognise requests, transport defaults, apiFetch nonce middleware and storage writes among the calls,
constructions and assignments the ``requests`` query captured; each transport's options are read the way
that library reads them (jQuery sends GET ``data`` in the query string, axios object ``data`` as JSON, …).
"""

from __future__ import annotations

from analyzer.js import ir

_FETCH = frozenset({"fetch"})
_JQUERY_CALLS = {"jQuery.ajax": None, "jQuery.post": "POST", "jQuery.get": "GET", "jQuery.getJSON": "GET"}
_AXIOS_METHODS = {"get": "GET", "delete": "DELETE", "head": "HEAD", "options": "OPTIONS", "post": "POST", "put": "PUT", "patch": "PATCH", "request": None}
_AXIOS_WITH_DATA = frozenset({"post", "put", "patch"})
# The last name of every callee a request, a default, a middleware or a storage write can be made with.
CALLEE_NAMES = frozenset(
    {"fetch", "ajax", "post", "get", "getJSON", "ajaxSetup", "axios", "request", "delete", "head", "options", "put", "patch",
     "create", "apiFetch", "apiRequest", "createNonceMiddleware", "use", "setItem", "add"}
)
_ASSIGNED = (b"cookie", b"Storage", b"defaults", b"nonceMiddleware")
_STORAGE_SETTERS = {"localStorage.setItem": "localStorage", "sessionStorage.setItem": "sessionStorage", "localforage.setItem": "localStorage"}


def _named(node) -> list:
    return [c for c in node.named_children if c.type != "comment"]


def unwrap(node):
    """``await client.get< T >( … )`` parses (in TS) as a call whose function is ``await client.get``."""
    while node is not None and node.type in ("await_expression", "parenthesized_expression", "non_null_expression"):
        named = _named(node)
        node = named[0] if named else None
    return node


def literal_string(value: ir.JExpr | None) -> str | None:
    if isinstance(value, ir.Lit) and isinstance(value.value, str):
        return value.value
    return None


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


def _query_string_fields(value: ir.JExpr) -> tuple[ir.Prop, ...]:
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


def _content_type(headers: tuple[ir.Prop, ...]) -> str | None:
    for prop in headers:
        if prop.key is not None and prop.key.lower() == "content-type":
            return (literal_string(prop.value) or "?").lower()
    return None


def classify_body(body: ir.JExpr | None, content_type: str | None) -> tuple[str, tuple[ir.Prop, ...]]:
    """(kind, fields) of a fetch / XHR body."""
    if body is None or (isinstance(body, ir.Lit) and body.value is None):
        return "none", ()
    if isinstance(body, ir.Json):
        return "json", body.value.props if isinstance(body.value, ir.Obj) else ()
    if isinstance(body, ir.Form):
        return ("formdata" if body.kind == "formdata" else "form"), body.fields
    if isinstance(body, (ir.Lit, ir.Concat)):
        if content_type is not None and "x-www-form-urlencoded" in content_type:
            return "form", _query_string_fields(body)
        if content_type is not None and "json" in content_type:
            return "json", ()
        return "text", _query_string_fields(body)
    return "unknown", ()


class RequestBuilder:
    def __init__(self, extractor) -> None:
        self.x = extractor
        self.requests: list[ir.Request] = []
        self.defaults: list[ir.Defaults] = []
        self.middlewares: list[ir.NonceMiddleware] = []
        self.storage_writes: list[ir.StorageWrite] = []

    def v(self, node) -> ir.JExpr | None:
        return self.x.value(node) if node is not None else None

    # --- calls ------------------------------------------------------------------------------------

    def call(self, node) -> None:
        fn = unwrap(node.child_by_field_name("function"))
        args_node = node.child_by_field_name("arguments")
        if fn is None or args_node is None or args_node.type != "arguments":
            return
        # Most calls of a bundle are nothing to us: look at the callee's last name before evaluating anything.
        last = fn.child_by_field_name("property") if fn.type == "member_expression" else fn
        if last is None or last.text.decode("utf-8", "replace") not in CALLEE_NAMES:
            return
        args = _named(args_node)
        name = self.x.callee(fn)
        if fn.type == "member_expression":
            method = fn.child_by_field_name("property").text.decode()
            receiver = fn.child_by_field_name("object")
            receiver_value = self.v(receiver)
            if isinstance(receiver_value, ir.CallV) and receiver_value.callee == "axios.create" and method in _AXIOS_METHODS:
                self._axios(node, method, args, instance=self._instance_id(receiver), config=receiver_value)
                return
            if method in ("put", "add") and b"objectStore" in receiver.text + self._bound_text(receiver) and args:
                self._store(node, "indexedDB", args[0])
                return
            if name is not None and name.endswith("interceptors.request.use") and args:
                self._interceptor(node, name, args[0])
                return
        if name is None:
            return
        if name in _FETCH:
            self._fetch(node, args)
        elif name in _JQUERY_CALLS:
            self._jquery(node, name, args)
        elif name == "jQuery.ajaxSetup" and args:
            options = self.v(args[0])
            if isinstance(options, ir.Obj):
                headers = self._jquery_headers(options)
                if headers:
                    self.defaults.append(ir.Defaults("jquery", None, headers, self.x.span(node)))
        elif name == "axios" or (name.startswith("axios.") and name[6:] in _AXIOS_METHODS):
            self._axios(node, name[6:] if name != "axios" else "", args, instance=None, config=None)
        elif name == "axios.create" and args:
            config = self.v(args[0])
            if isinstance(config, ir.Obj):
                headers, _ = _headers(config.get("headers").value if config.get("headers") else None)
                if headers:
                    self.defaults.append(ir.Defaults("axios", self._instance_id_of_call(node), headers, self.x.span(node)))
        elif name == "wp.apiFetch":
            self._api_fetch(node, args, "api-fetch")
        elif name == "wp.apiRequest":
            self._api_fetch(node, args, "wp-api-request")
        elif name == "wp.apiFetch.createNonceMiddleware" and args:
            self.middlewares.append(ir.NonceMiddleware(self.v(args[0]), self.x.span(node)))
        elif name in _STORAGE_SETTERS and len(args) >= 2:
            self._store(node, _STORAGE_SETTERS[name], args[1])

    def _bound_text(self, receiver) -> bytes:
        if receiver.type != "identifier":
            return b""
        found = self.x.binding(receiver.text.decode(), receiver)
        if found is None:
            return b""
        target = found[1][2]
        return getattr(target, "text", b"") or b""

    def _instance_id(self, receiver) -> str | None:
        if receiver.type == "identifier":
            found = self.x.binding(receiver.text.decode(), receiver)
            if found is not None:
                return f"{found[0][1]}@{found[1][0]}"  # name@offset of its declaration: stable across runs
        return None

    def _instance_id_of_call(self, node) -> str | None:
        parent = node.parent
        while parent is not None and parent.type in ("await_expression", "parenthesized_expression"):
            parent = parent.parent
        if parent is not None and parent.type == "variable_declarator":
            name = parent.child_by_field_name("name")
            if name is not None and name.type == "identifier":
                return self._instance_id(name)
        return f"anonymous@{node.start_byte}"  # export default axios.create( … ): an instance, never the global

    def _store(self, node, store: str, value_node) -> None:
        self.storage_writes.append(ir.StorageWrite(store, self.v(value_node), self.x.span(node)))

    def _interceptor(self, node, name: str, fn_node) -> None:
        """``axios.interceptors.request.use( ( config ) => { config.headers[ 'X-WP-Nonce' ] = n; … } )``."""
        if fn_node.type not in ("arrow_function", "function_expression", "function"):
            return
        params = fn_node.child_by_field_name("parameters") or fn_node.child_by_field_name("parameter")
        first = params if params is not None and params.type == "identifier" else (next(iter(_named(params)), None) if params is not None else None)
        if first is not None and first.type in ("required_parameter", "optional_parameter"):
            first = first.child_by_field_name("pattern")
        if first is None or first.type != "identifier":
            return
        config = first.text.decode()
        headers = []
        for assign in self.x.assigns:
            if not (fn_node.start_byte <= assign.start_byte < fn_node.end_byte):
                continue
            left = assign.child_by_field_name("left")
            obj = left.child_by_field_name("object") if left is not None else None
            if obj is not None and obj.type == "member_expression" and obj.text.decode().replace(" ", "") in (f"{config}.headers", f"{config}.headers.common"):
                headers.append(ir.Prop(self.x._key_of(left), self.v(assign.child_by_field_name("right")), self.x.span(assign)))
        if headers:
            receiver = name[: -len(".interceptors.request.use")]
            instance = None if receiver == "axios" else self._instance_id(node.child_by_field_name("function").child_by_field_name("object").child_by_field_name("object").child_by_field_name("object"))
            self.defaults.append(ir.Defaults("axios", instance, tuple(headers), self.x.span(node)))

    # --- transports ---------------------------------------------------------------------------

    def _fetch(self, node, args) -> None:
        if not args:
            return
        init = self.v(args[1]) if len(args) > 1 else None
        complete = init is None or (isinstance(init, ir.Obj) and init.complete)
        options = init if isinstance(init, ir.Obj) else ir.Obj(self.x.span(node), ())
        headers, headers_complete = _headers(options.get("headers").value if options.get("headers") else None)
        body_prop = options.get("body")
        kind, fields = classify_body(body_prop.value if body_prop else None, _content_type(headers))
        method_prop = options.get("method")
        self.requests.append(
            ir.Request(
                transport="fetch",
                span=self.x.span(node),
                url=self.v(args[0]),
                url_span=self.x.span(args[0]),
                path=None,
                method=_method(method_prop.value if method_prop else None, "GET"),
                headers=headers,
                body=body_prop.value if body_prop else None,
                body_kind=kind,
                body_fields=fields,
                query=(),
                credentials=options.get("credentials"),
                with_credentials=None,
                complete=complete and headers_complete,
            )
        )

    def _jquery_headers(self, options: ir.Obj) -> tuple[ir.Prop, ...]:
        headers: list[ir.Prop] = []
        prop = options.get("headers")
        if prop is not None and isinstance(prop.value, ir.Obj):
            headers.extend(prop.value.props)
        before = options.get("beforeSend")
        if before is not None and isinstance(before.value, ir.Func):
            headers.extend(before.value.headers)
        return tuple(headers)

    def _jquery(self, node, name: str, args) -> None:
        if not args:
            return
        fixed = _JQUERY_CALLS[name]
        span = self.x.span(node)
        first = self.v(args[0])
        complete = True
        if name == "jQuery.ajax":
            if isinstance(first, ir.Obj):
                options, url_prop = first, first.get("url")
                url, url_span = (url_prop.value, url_prop.span) if url_prop else (None, None)
            else:
                second = self.v(args[1]) if len(args) > 1 else None
                options = second if isinstance(second, ir.Obj) else ir.Obj(span, (), second is None)
                url, url_span = first, self.x.span(args[0])
            complete = options.complete
            method_prop = options.get("type") or options.get("method")
            method = _method(method_prop.value if method_prop else None, "GET")
            data_prop = options.get("data")
            data = data_prop.value if data_prop else None
            content_type = literal_string(options.get("contentType").value) if options.get("contentType") else None
        else:
            if isinstance(first, ir.Obj):  # $.post( { url, data, … } )
                options = first
                url_prop = first.get("url")
                url, url_span = (url_prop.value, url_prop.span) if url_prop else (None, None)
                data_prop = first.get("data")
                data = data_prop.value if data_prop else None
            else:
                options = ir.Obj(span, ())
                url, url_span = first, self.x.span(args[0])
                data = self.v(args[1]) if len(args) > 1 and args[1].type not in ("arrow_function", "function_expression", "function") else None
            method = fixed
            content_type = None
        headers = self._jquery_headers(options)
        query: tuple[ir.Prop, ...] = ()
        kind, fields = "none", ()
        if data is not None:
            if method in ("GET", "HEAD") and isinstance(data, (ir.Obj, ir.Form, ir.Lit, ir.Concat)):
                query = data.props if isinstance(data, ir.Obj) else (data.fields if isinstance(data, ir.Form) else _query_string_fields(data))
            elif isinstance(data, ir.Json) or (content_type and "json" in content_type.lower()):
                # A JSON Content-Type (even over an object jQuery form-encodes): PHP leaves $_POST empty.
                inner = data.value if isinstance(data, ir.Json) else data
                kind, fields = "json", (inner.props if isinstance(inner, ir.Obj) else ())
            elif isinstance(data, ir.Obj):
                kind, fields = "form", data.props
                complete = complete and data.complete
            elif isinstance(data, ir.Form):
                kind, fields = ("formdata" if data.kind == "formdata" else "form"), data.fields
            elif isinstance(data, (ir.Lit, ir.Concat)):
                kind, fields = "form", _query_string_fields(data)
            else:
                kind = "unknown"
        xhr_fields = options.get("xhrFields")
        with_credentials = xhr_fields.value.get("withCredentials") if xhr_fields is not None and isinstance(xhr_fields.value, ir.Obj) else None
        self.requests.append(
            ir.Request("jquery", span, url, url_span, None, method, headers, data, kind, fields, query, None, with_credentials, complete=complete)
        )

    def _axios(self, node, method: str, args, instance: str | None, config: ir.CallV | None) -> None:
        span = self.x.span(node)
        if not args:
            return
        url, url_span, data = None, None, None
        options: ir.JExpr | None = None
        if method in ("", "request"):
            first = self.v(args[0])
            if isinstance(first, ir.Obj):
                options = first
            else:
                url, url_span = first, self.x.span(args[0])
                options = self.v(args[1]) if len(args) > 1 else None
        else:
            url, url_span = self.v(args[0]), self.x.span(args[0])
            if method in _AXIOS_WITH_DATA:
                data = self.v(args[1]) if len(args) > 1 else None
                options = self.v(args[2]) if len(args) > 2 else None
            else:
                options = self.v(args[1]) if len(args) > 1 else None
        complete = options is None or (isinstance(options, ir.Obj) and options.complete)
        opts = options if isinstance(options, ir.Obj) else ir.Obj(span, ())
        if url is None and opts.get("url"):
            url, url_span = opts.get("url").value, opts.get("url").span
        if data is None and opts.get("data"):
            data = opts.get("data").value
        method_prop = opts.get("method")
        verb = _AXIOS_METHODS.get(method) if method not in ("", "request") else _method(method_prop.value if method_prop else None, "GET")
        headers, headers_complete = _headers(opts.get("headers").value if opts.get("headers") else None)
        if isinstance(data, ir.Obj):
            kind, fields = "json", data.props
        else:
            kind, fields = classify_body(data, _content_type(headers) or "json")
        params = opts.get("params")
        query = params.value.props if params is not None and isinstance(params.value, ir.Obj) else ()
        base_url = None
        with_credentials = opts.get("withCredentials")
        if config is not None and config.args and isinstance(config.args[0], ir.Obj):
            base = config.args[0].get("baseURL")
            base_url = base.value if base else None
            with_credentials = with_credentials or config.args[0].get("withCredentials")
        self.requests.append(
            ir.Request("axios", span, url, url_span, None, verb, headers, data, kind, fields, query, None, with_credentials, instance, base_url, complete and headers_complete)
        )

    def _api_fetch(self, node, args, transport: str) -> None:
        if not args:
            return
        options = self.v(args[0])
        span = self.x.span(node)
        if not isinstance(options, ir.Obj):
            self.requests.append(ir.Request(transport, span, None, None, None, None, (), None, "unknown", (), (), None, None, complete=False))
            return
        path, url = options.get("path"), options.get("url")
        method_prop = options.get("method")
        headers, headers_complete = _headers(options.get("headers").value if options.get("headers") else None)
        data, body = options.get("data"), options.get("body")
        if data is not None:
            kind = "json" if transport == "api-fetch" else ("form" if isinstance(data.value, ir.Obj) else "unknown")
            fields = data.value.props if isinstance(data.value, ir.Obj) else ()
            payload = data.value
        else:
            kind, fields = classify_body(body.value if body else None, _content_type(headers))
            payload = body.value if body else None
        self.requests.append(
            ir.Request(
                transport,
                span,
                url.value if url else None,
                url.span if url else (path.span if path else None),
                path.value if path else None,
                _method(method_prop.value if method_prop else None, "GET"),
                headers,
                payload,
                kind,
                fields,
                (),
                options.get("credentials"),
                None,
                complete=options.complete and headers_complete,
            )
        )

    # --- assignments and constructions --------------------------------------------------------

    def assignment(self, node) -> None:
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if left is None or right is None or left.type not in ("member_expression", "subscript_expression"):
            return
        if not any(word in left.text for word in _ASSIGNED):
            return
        target = self.x.value(left)
        written = left.text.decode("utf-8", "replace").replace(" ", "")
        if written in ("document.cookie", "window.document.cookie"):
            self._store(node, "cookie", right)
            return
        if isinstance(target, ir.Ref):
            dotted = target.dotted
            if target.root in ("localStorage", "sessionStorage") and len(target.path) == 1:
                self._store(node, target.root, right)
            elif dotted == "wp.apiFetch.nonceMiddleware.nonce":
                self.middlewares.append(ir.NonceMiddleware(self.v(right), self.x.span(node)))
            elif target.root == "axios" and target.path[:2] == ("defaults", "headers"):
                self.defaults.append(ir.Defaults("axios", None, self._default_headers(target.path, right, node), self.x.span(node)))
            elif target.root == "axios" and target.path == ("defaults", "baseURL"):
                self.defaults.append(ir.Defaults("axios", None, (), self.x.span(node), self.v(right)))
            return
        # instance.defaults.headers.common[ 'X-WP-Nonce' ] = n
        base = left
        chain = []
        while base is not None and base.type in ("member_expression", "subscript_expression"):
            chain.append(self.x._key_of(base))
            base = base.child_by_field_name("object")
        chain.reverse()
        if base is not None and base.type == "identifier" and chain[:2] == ["defaults", "headers"]:
            instance_value = self.x.value(base)
            if isinstance(instance_value, ir.CallV) and instance_value.callee == "axios.create":
                self.defaults.append(ir.Defaults("axios", self._instance_id(base), self._default_headers(tuple(chain), right, node), self.x.span(node)))

    def _default_headers(self, path: tuple, right, node) -> tuple[ir.Prop, ...]:
        """``defaults.headers.common[ 'X-WP-Nonce' ] = n`` (one header) or ``defaults.headers.common = { … }``."""
        value = self.v(right)
        if path[-1] in ("common", "post", "put", "patch", "delete", "get", "headers") and isinstance(value, ir.Obj):
            return value.props
        return (ir.Prop(path[-1], value, self.x.span(node)),)

    def construction(self, node) -> None:
        """``const xhr = new XMLHttpRequest(); xhr.open( m, url ); xhr.setRequestHeader( k, v ); xhr.send( b )``."""
        ctor = node.child_by_field_name("constructor")
        if ctor is None or not ctor.text.endswith(b"XMLHttpRequest") or self.x.callee(ctor) != "XMLHttpRequest":
            return
        parent = node.parent
        if parent is None or parent.type not in ("variable_declarator", "assignment_expression"):
            return
        name = parent.child_by_field_name("name") or parent.child_by_field_name("left")
        if name is None or name.type != "identifier":
            return
        found = self.x.binding(name.text.decode(), name)
        if found is None:
            return
        key = found[0]
        opened = None
        headers: list[ir.Prop] = []
        body = None
        for call in self.x.member_calls.get(key, ()):
            method = call.child_by_field_name("function").child_by_field_name("property").text.decode()
            args = _named(call.child_by_field_name("arguments"))
            if method == "open" and len(args) >= 2:
                opened = (call, args)
            elif method == "setRequestHeader" and len(args) >= 2:
                headers.append(ir.Prop(_string_of(self.x, args[0]), self.v(args[1]), self.x.span(call)))
            elif method == "send" and args:
                body = self.v(args[0])
        with_credentials = None
        for assign in self.x.member_assigns.get(key, ()):
            left = assign.child_by_field_name("left")
            if self.x._key_of(left) == "withCredentials":
                with_credentials = ir.Prop("withCredentials", self.v(assign.child_by_field_name("right")), self.x.span(assign))
        if opened is None:
            return
        call, args = opened
        headers_t = tuple(headers)
        kind, fields = classify_body(body, _content_type(headers_t))
        self.requests.append(
            ir.Request("xhr", self.x.span(call), self.v(args[1]), self.x.span(args[1]), None, _method(self.v(args[0]), None), headers_t, body, kind, fields, (), None, with_credentials)
        )


def _string_of(extractor, node) -> str | None:
    value = extractor.value(node)
    return literal_string(value)

