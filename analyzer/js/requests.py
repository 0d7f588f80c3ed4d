"""Recognise requests, transport defaults, apiFetch nonce middleware, storage writes and URLs handed to
libraries or the page location among the calls, constructions, assignments and object properties the
``requests`` query captured. The request itself is built from the evaluated arguments by
:mod:`analyzer.js.transports`; a call on a receiver only another module can resolve is kept as a
:class:`~analyzer.js.ir.PendingCall` for the plugin model.
"""

from __future__ import annotations

from analyzer.js import ir, transports
from analyzer.js.bindings import named, string_value, text
from analyzer.js.transports import AXIOS_METHODS, JQUERY_CALLS, instance_id, literal_string

# The last name of every callee a request, a default, a middleware or a storage write can be made with.
CALLEE_NAMES = frozenset(
    {"fetch", "ajax", "post", "get", "getJSON", "ajaxSetup", "axios", "request", "delete", "head", "options", "put", "patch",
     "create", "apiFetch", "apiRequest", "createNonceMiddleware", "use", "setItem", "add", "sendBeacon", "assign", "replace"}
)
URL_KEYS = frozenset({"url", "baseURL", "baseUrl", "endpoint", "apiUrl", "apiURL", "restUrl", "restURL"})
_ASSIGNED = (b"cookie", b"Storage", b"defaults", b"nonceMiddleware", b"location")
_STORAGE_SETTERS = {"localStorage.setItem": "localStorage", "sessionStorage.setItem": "sessionStorage", "localforage.setItem": "localStorage"}
_LOCATIONS = frozenset({"location", "location.href", "document.location", "document.location.href"})


def unwrap(node):
    """``await client.get< T >( … )`` parses (in TS) as a call whose function is ``await client.get``."""
    while node is not None and node.type in ("await_expression", "parenthesized_expression", "non_null_expression"):
        inner = named(node)
        node = inner[0] if inner else None
    return node


class RequestBuilder:
    def __init__(self, extractor) -> None:
        self.x = extractor
        self.requests: list[ir.Request] = []
        self.defaults: list[ir.Defaults] = []
        self.middlewares: list[ir.NonceMiddleware] = []
        self.storage_writes: list[ir.StorageWrite] = []
        self.url_uses: list[ir.UrlUse] = []
        self.pending: list[ir.PendingCall] = []
        self.aliases = _aliases(extractor.scopes)

    def v(self, node) -> ir.JExpr | None:
        return self.x.value(node) if node is not None else None

    def args(self, nodes) -> list[transports.Arg]:
        return [(self.x.value(n), self.x.span(n)) for n in nodes]

    def _add(self, request: ir.Request | None) -> None:
        if request is not None:
            self.requests.append(request)

    # --- calls ------------------------------------------------------------------------------------

    def call(self, node) -> None:
        fn = unwrap(node.child_by_field_name("function"))
        args_node = node.child_by_field_name("arguments")
        if fn is None or args_node is None or args_node.type != "arguments":
            return
        # Most calls of a bundle are nothing to us: look at the callee's last name before evaluating anything.
        last = fn.child_by_field_name("property") if fn.type == "member_expression" else fn
        if last is None or (text(last) not in CALLEE_NAMES and not (fn.type == "identifier" and text(fn) in self.aliases)):
            return
        if text(last) in ("assign", "replace") and b"location" not in fn.text:
            return  # string.replace( … ): only location.replace( url ) matters here
        args = named(args_node)
        span = self.x.span(node)
        name = self.x.callee(fn)
        if fn.type == "member_expression":
            method = text(fn.child_by_field_name("property"))
            receiver = fn.child_by_field_name("object")
            receiver_value = self.v(receiver)
            if isinstance(receiver_value, ir.CallV) and receiver_value.callee == "axios.create" and method in AXIOS_METHODS:
                self._add(transports.axios(span, method, self.args(args), receiver_value))
                return
            if _pending_receiver(receiver_value) and (method in AXIOS_METHODS or method in ("ajax", "getJSON")):
                self.pending.append(ir.PendingCall(receiver_value, method, tuple(self.args(args)), span))
                return
            if method in ("put", "add") and b"objectStore" in receiver.text + self._bound_text(receiver) and args:
                self._store(node, "indexedDB", args[0], None)
                return
            if name is not None and name.endswith("interceptors.request.use") and args:
                self._interceptor(node, name, args[0])
                return
        if name is None:
            target = self.v(fn)
            if isinstance(target, ir.Import):
                self.pending.append(ir.PendingCall(target, None, tuple(self.args(args)), span))
            return
        if name == "fetch":
            self._add(transports.fetch(span, self.args(args)))
        elif name == "navigator.sendBeacon":
            self._add(transports.beacon(span, self.args(args)))
        elif name in JQUERY_CALLS:
            self._add(transports.jquery(span, name, self.args(args)))
        elif name == "jQuery.ajaxSetup" and args:
            options = self.v(args[0])
            if isinstance(options, ir.Obj):
                headers = transports.jquery_headers(options)
                if headers:
                    self.defaults.append(ir.Defaults("jquery", None, headers, span))
        elif name == "axios" or (name.startswith("axios.") and name[6:] in AXIOS_METHODS):
            self._add(transports.axios(span, name[6:] if name != "axios" else "", self.args(args), None))
        elif name == "axios.create" and args:
            config = self.v(args[0])
            if isinstance(config, ir.Obj):
                headers = config.get("headers")
                if headers is not None and isinstance(headers.value, ir.Obj) and headers.value.props:
                    self.defaults.append(ir.Defaults("axios", instance_id(ir.CallV(span, name, ())), headers.value.props, span))
        elif name == "wp.apiFetch":
            self._add(transports.api_fetch(span, self.args(args), "api-fetch"))
        elif name == "wp.apiRequest":
            self._add(transports.api_fetch(span, self.args(args), "wp-api-request"))
        elif name == "wp.apiFetch.createNonceMiddleware" and args:
            self.middlewares.append(ir.NonceMiddleware(self.v(args[0]), span))
        elif name in _STORAGE_SETTERS and len(args) >= 2:
            self._store(node, _STORAGE_SETTERS[name], args[1], literal_string(self.v(args[0])))
        elif name in ("location.assign", "location.replace") and args:
            self.url_uses.append(ir.UrlUse("the page location", self.v(args[0]), self.x.span(args[0])))

    def _bound_text(self, receiver) -> bytes:
        if receiver.type != "identifier":
            return b""
        found = self.x.binding(text(receiver), receiver)
        if found is None:
            return b""
        return getattr(found[1].node, "text", b"") or b""

    def _store(self, node, store: str, value_node, key: str | None) -> None:
        self.storage_writes.append(ir.StorageWrite(store, self.v(value_node), self.x.span(node), key))

    def _interceptor(self, node, name: str, fn_node) -> None:
        """``axios.interceptors.request.use( ( config ) => { config.headers[ 'X-WP-Nonce' ] = n; … } )``."""
        if fn_node.type not in ("arrow_function", "function_expression", "function"):
            return
        params = fn_node.child_by_field_name("parameters") or fn_node.child_by_field_name("parameter")
        first = params if params is not None and params.type == "identifier" else (next(iter(named(params)), None) if params is not None else None)
        if first is not None and first.type in ("required_parameter", "optional_parameter"):
            first = first.child_by_field_name("pattern")
        if first is None or first.type != "identifier":
            return
        config = text(first)
        headers = []
        for assign in self.x.assigns:
            if not (fn_node.start_byte <= assign.start_byte < fn_node.end_byte):
                continue
            left = assign.child_by_field_name("left")
            obj = left.child_by_field_name("object") if left is not None else None
            if obj is not None and obj.type == "member_expression" and text(obj).replace(" ", "") in (f"{config}.headers", f"{config}.headers.common"):
                headers.append(ir.Prop(self.x.key_of(left), self.v(assign.child_by_field_name("right")), self.x.span(assign)))
        if not headers:
            return
        instance = None
        if name != "axios.interceptors.request.use":
            interceptors = node.child_by_field_name("function").child_by_field_name("object").child_by_field_name("object")
            owner = self.v(interceptors.child_by_field_name("object"))
            instance = instance_id(owner) if isinstance(owner, ir.CallV) and owner.callee == "axios.create" else name
        self.defaults.append(ir.Defaults("axios", instance, tuple(headers), self.x.span(node)))

    # --- assignments, constructions, object properties ---------------------------------------

    def assignment(self, node) -> None:
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if left is None or right is None or left.type not in ("member_expression", "subscript_expression"):
            return
        if not any(word in left.text for word in _ASSIGNED):
            return
        target = self.x.value(left)
        written = text(left).replace(" ", "")
        if written in ("document.cookie", "window.document.cookie"):
            self._store(node, "cookie", right, None)
            return
        if isinstance(target, ir.Ref):
            dotted = target.dotted
            if dotted in _LOCATIONS:
                self.url_uses.append(ir.UrlUse("the page location", self.v(right), self.x.span(right)))
            elif target.root in ("localStorage", "sessionStorage") and len(target.path) == 1:
                self._store(node, target.root, right, target.path[0])
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
            chain.append(self.x.key_of(base))
            base = base.child_by_field_name("object")
        chain.reverse()
        if base is not None and chain[:2] == ["defaults", "headers"]:
            instance = self.x.value(base)
            if isinstance(instance, ir.CallV) and instance.callee == "axios.create":
                self.defaults.append(ir.Defaults("axios", instance_id(instance), self._default_headers(tuple(chain), right, node), self.x.span(node)))

    def _default_headers(self, path: tuple, right, node) -> tuple[ir.Prop, ...]:
        """``defaults.headers.common[ 'X-WP-Nonce' ] = n`` (one header) or ``defaults.headers.common = { … }``."""
        value = self.v(right)
        if path[-1] in ("common", "post", "put", "patch", "delete", "get", "headers") and isinstance(value, ir.Obj):
            return value.props
        return (ir.Prop(path[-1], value, self.x.span(node)),)

    def pair(self, node) -> None:
        """``{ url: '/wp-json/…' }`` in a data library's config (``server: { url }``, ``ajax: { url }``)."""
        key_node, value_node = node.child_by_field_name("key"), node.child_by_field_name("value")
        if key_node is None or value_node is None:
            return
        key = string_value(key_node) if key_node.type == "string" else text(key_node)
        if key in URL_KEYS:
            self.url_uses.append(ir.UrlUse(f"the '{key}' of a configuration object", self.v(value_node), self.x.span(value_node)))

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
        found = self.x.binding(text(name), name)
        if found is None:
            return
        key = found[0]
        opened = None
        headers: list[ir.Prop] = []
        body = None
        for call in self.x.member_calls.get(key, ()):
            method = text(call.child_by_field_name("function").child_by_field_name("property"))
            args = named(call.child_by_field_name("arguments"))
            if method == "open" and len(args) >= 2:
                opened = (call, args)
            elif method == "setRequestHeader" and len(args) >= 2:
                headers.append(ir.Prop(literal_string(self.v(args[0])), self.v(args[1]), self.x.span(call)))
            elif method == "send" and args:
                body = self.v(args[0])
        with_credentials = None
        for assign in self.x.member_assigns.get(key, ()):
            left = assign.child_by_field_name("left")
            if self.x.key_of(left) == "withCredentials":
                with_credentials = ir.Prop("withCredentials", self.v(assign.child_by_field_name("right")), self.x.span(assign))
        if opened is None:
            return
        call, args = opened
        headers_t = tuple(headers)
        kind, fields = transports.classify_body(body, transports.content_type(headers_t))
        method = literal_string(self.v(args[0]))
        self.requests.append(
            ir.Request("xhr", self.x.span(call), self.v(args[1]), self.x.span(args[1]), None, method.strip().upper() if method else None, headers_t, body, kind, fields, (), None, with_credentials)
        )


_ALIASED = tuple(name.encode() for name in sorted(CALLEE_NAMES - {"get", "post", "use", "add", "create", "request", "options", "head", "delete", "put", "patch"}))


def _aliases(scopes) -> frozenset[str]:
    """Names bound to a transport under another name: ``const api = window.wp.apiFetch``,
    ``const { apiFetch: fetcher } = wp``, ``const send = navigator.sendBeacon.bind( navigator )``."""
    found = set()
    for (_, name), bindings in scopes.decls.items():
        for binding in bindings:
            if binding.kind == "member" and binding.extra in CALLEE_NAMES:
                found.add(name)
            elif binding.kind == "value" and binding.node is not None and binding.node.end_byte - binding.node.start_byte < 200:
                if any(token in binding.node.text for token in _ALIASED):
                    found.add(name)
    return frozenset(found)


def _pending_receiver(value: ir.JExpr | None) -> bool:
    """A receiver only the plugin model can resolve: an import of the plugin's own module, or ``this.$x``."""
    if isinstance(value, ir.Import):
        return True
    return isinstance(value, ir.Ref) and value.root == "this" and len(value.path) == 1
