"""The client-side half of the plugin model: what PHP hands to the browser joined with what the browser
sends, once, for every client-side rule.

    wp_create_nonce( ACTION ) ─→ localized object / inline script / template / data-* / form field
        ─→ JS read (Obj.key, dataset.x, …) ─→ where the request places it (header, query, body, middleware)
    JS request URL ─→ REST root + path ─→ the plugin's route (namespace, path regex, method)

Where a join is not certain the answer is "unknown" and rules stay silent.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from analyzer import urls
from analyzer.handles import block_handles, core_handle
from analyzer.js import embedded
from analyzer.js import ir as js
from analyzer.js.modules import Modules
from analyzer.js.transports import literal_string
from analyzer.php import scripts
from analyzer.php.evaluate import ArrayV, Known, Value
from analyzer.php.scripts import DEFAULT_ACTION, JsonV, NonceV, UrlV
from analyzer.source import Span
from analyzer.urls import DYNAMIC, UrlInfo
from analyzer.urls import route_matches as _route_matches

__all__ = ["DYNAMIC", "UrlInfo", "ClientModel", "ClientRequest", "NonceSource", "Placement", "_route_matches", "block_handles", "core_handle"]

REST_ACTION = "wp_rest"
HEADER = "x-wp-nonce"
FORM_KEY = "_wpnonce"
_NONCE_KEY = re.compile(r"nonce|^security$|^_ajax_nonce$|^wpnonce$", re.IGNORECASE)
_HEX_NONCE = re.compile(r"^[0-9a-f]{10}$")


def nonce_like_key(key: str | None) -> bool:
    return key is not None and bool(_NONCE_KEY.search(key))


@dataclass(frozen=True, slots=True)
class NonceSource:
    """Where a nonce value in JS comes from.

    kind: ``plugin`` (a wp_create_nonce call of the plugin: ``action``, ``creation``), ``core`` (core's
    wp_rest nonce: wpApiSettings.nonce, apiFetch's middleware), ``stored`` (read back from storage),
    ``literal`` (a hard-coded 10-hex string) or ``unknown`` (nonce-like, origin not traced).
    """

    kind: str
    action: str | int | None = None
    creation: Span | None = None
    channel: Span | None = None  # the localize call / data attribute / form field that carries it
    via: str = ""  # how JS reads it, for messages (``acmeSettings.nonce``)

    @property
    def wrong_action(self) -> bool:
        return self.kind == "plugin" and self.action is not None and self.action != REST_ACTION

    @property
    def action_text(self) -> str:
        return "no action (-1)" if self.action == DEFAULT_ACTION else f"action '{self.action}'"


@dataclass(frozen=True, slots=True)
class Placement:
    """A nonce placed in a request: ``where`` is ``header``, ``query``, ``body`` or ``middleware``."""

    where: str
    key: str | None
    span: Span
    nonce: NonceSource


@dataclass(frozen=True, slots=True)
class ClientRequest:
    request: js.Request
    url: UrlInfo
    placements: tuple[Placement, ...]
    core_nonce: bool  # apiFetch / wp.apiRequest add core's wp_rest nonce themselves
    effective_header: bool  # an X-WP-Nonce header reaches core (own, transport defaults or core's)
    endpoints: tuple  # RestEndpoint matches (path and method)
    path_matches: tuple  # RestEndpoint matches by path only
    own_namespace: str | None  # the plugin namespace the path is in (every possibility's)
    routes: tuple = ()  # per possibility of the URL: (UrlInfo, endpoints, path matches, namespace)

    @property
    def method(self) -> str | None:
        return self.request.method

    @property
    def is_rest(self) -> bool:
        return self.url.kind == "rest"

    @property
    def carries_nonce(self) -> bool:
        return self.core_nonce or any(p.where in ("header", "query") for p in self.placements) or self.form_nonce

    @property
    def form_nonce(self) -> bool:
        return any(p.where == "body" and p.key == FORM_KEY and self.body_read for p in self.placements)

    @property
    def body_read(self) -> bool:
        """Core reads ``_wpnonce`` from this body: a form encoding sent with POST (B4, B5)."""
        return self.request.body_kind in ("form", "formdata") and self.request.method == "POST"


class ClientModel:
    def __init__(self, model, js_files, block_files=()) -> None:
        self.model = model
        self.php, self.evaluator = scripts.collect(model.php_files, model.index)
        # Browser code written in PHP strings (wp_add_inline_script, echoed <script>) is browser code too.
        written = [embedded.facts(s.pieces[0].span.path, s) for s in self.php.embedded if s.pieces]
        self.js_files = tuple(sorted([*js_files, *(f for f in written if f is not None)], key=lambda f: f.path))
        self.handles = {h.handle for h in self.php.handles}
        for path, data in block_files:
            name = data.get("name") if isinstance(data, dict) else None
            if isinstance(name, str):
                self.handles.update(block_handles(name, data))
                self.php.handles.append(scripts.ScriptHandle(f"{name} (block.json)", None, None))
        self.localized: dict[str, list[scripts.Localized]] = {}
        for item in self.php.localized:
            self.localized.setdefault(item.name, []).append(item)
        self.namespaces = {e.namespace.strip("/") for e in model.rest_endpoints if e.namespace}
        self.unresolved_namespace = any(e.namespace is None for e in model.rest_endpoints)
        self.defaults = [d for f in self.js_files for d in f.defaults]
        self.modules = Modules(self.js_files, frozenset(self.localized))
        self.stored = self._stored_nonces()
        found: list[js.Request] = []
        for facts in self.js_files:
            found += [self.modules.request(r) for r in facts.requests]
            found += [r for r in (self.modules.pending(p) for p in facts.pending) if r is not None]
        self.requests: tuple[ClientRequest, ...] = tuple(self._request(r) for r in found)
        self.url_uses: tuple[tuple[js.UrlUse, UrlInfo], ...] = tuple(
            (use, self.url_of(self.modules.resolve(use.value))) for facts in self.js_files for use in facts.url_uses
        )

    def demands(self) -> set[tuple[str, str]]:
        """Files to parse for the client-side joins, beyond the prefilter's anchors: script registrations
        when a localized handle is not known yet (WPR011 must not guess), and nonce fields when a form is
        posted to a REST route (B8)."""
        wanted: set[tuple[str, str]] = set()
        if any(not (handle in self.handles or core_handle(handle)) for _, handle, _ in self.php.handle_uses):
            wanted |= {("call", "wp_register_script"), ("call", "wp_enqueue_script"), ("call", "register_block_type")}
        if any(isinstance(r.request.body, js.Form) and r.request.body.source is not None for r in self.requests if r.is_rest):
            wanted.add(("call", "wp_nonce_field"))
        return wanted

    def fact_lines(self) -> set[tuple[str, int]]:
        """Lines holding a client-side fact: requests and what they place, stores, localize calls, nonces."""
        spans: list[Span | None] = []
        for request in self.requests:
            r = request.request
            spans += [r.span, r.url_span, r.credentials.span if r.credentials else None, r.with_credentials.span if r.with_credentials else None]
            spans += [p.span for p in (*r.headers, *r.body_fields, *r.query)]
            spans += [p.span for p in request.placements] + [info.site for info in request.url.possibilities]
        for facts in self.js_files:
            spans += [w.span for w in facts.storage_writes] + [m.span for m in facts.middlewares]
            # Reads of what PHP prints (and of storage), not of every global a file mentions.
            spans += [x.span for x in facts.reads if not isinstance(x, js.Ref) or self.php_value(x)[0] is not None]
            spans += [p.span for d in facts.defaults for p in d.headers] + [u.span for u in facts.url_uses]
        spans += [item.span for item in self.php.localized] + [n.value.creation for n in self.php.nonces]
        spans += [f.span for f in self.php.form_fields] + [a.span for a in self.php.data_attributes] + [m.span for m in self.php.middlewares]
        spans += [c.call.span for c in self.php.calls] + [h.span for h in self.php.handles]
        return {(span.path, span.line) for span in spans if span is not None}

    # --- values ----------------------------------------------------------------------------------

    def printed_at(self, span: Span) -> Value | None:
        """What PHP prints inside ``span`` of an inline script (a masked ``<?php echo … ?>``)."""
        for where, value in self.php.script_outputs:
            if where.path == span.path and (span.line, span.column) <= (where.line, where.column) <= (span.end_line, span.end_column):
                return value
        return None

    def php_value(self, expr: js.JExpr | None) -> tuple[Value | None, Span | None]:
        """The PHP value a JS expression reads (localized object, data attribute, a value printed into an
        inline script), with the channel span."""
        if isinstance(expr, js.Printed):  # printed right here: no separate channel
            return _walk(self.printed_at(expr.at), expr.path), None
        if isinstance(expr, js.Ref):
            if expr.root == "wpApiSettings" and expr.path == ("root",):
                return UrlV(None, "rest", "/"), None
            if expr.root == "ajaxurl" and not expr.path:
                return UrlV(None, "ajax", None), None
            if expr.root == "location" and expr.path in (("origin",), ("href",)):
                return UrlV(None, "site", None), None
            items = self.localized.get(expr.root)
            if not items or not expr.path:
                return None, None
            found: list[tuple[Value, Span]] = []
            for item in items:
                value = _walk(item.value, expr.path)
                if value is not None:
                    found.append((value, item.span))
            if not found:
                return None, None
            first = found[0]
            if all(_same(v, first[0]) for v, _ in found):
                return first
            return None, None
        if isinstance(expr, js.DataAttr):
            values = [a for a in self.php.data_attributes if a.name == expr.name]
            if values and all(_same(a.value, values[0].value) for a in values):
                return values[0].value, values[0].span
        return None, None

    def nonce_source(self, expr: js.JExpr | None, positional: bool = False) -> NonceSource | None:
        """Where a value placed in a request comes from, if it is a nonce; None when it is not one.

        ``positional``: the value sits where only a nonce goes (``X-WP-Nonce``, ``_wpnonce``). A value read
        back from storage is a nonce only there, or when what the plugin stored under that key is one.
        Possibilities (:class:`~analyzer.js.ir.Alt`) are combined: a fallback counts only when the first
        value is not a nonce, and branches must agree (see :func:`_combine`).
        """
        if expr is None:
            return None
        expr = self.modules.resolve(expr)
        if isinstance(expr, js.Alt):
            if expr.fallback:
                first = self.nonce_source(expr.options[0], positional)
                if first is not None:
                    return first
                return _combine([self.nonce_source(o, positional) for o in expr.options[1:] if not _empty(o)])
            return _combine([self.nonce_source(o, positional) for o in expr.options if not _empty(o)])
        if isinstance(expr, js.StorageRead):
            if positional or self._stored(expr):
                return NonceSource("stored", channel=expr.span, via=f"{expr.store}" + (f" '{expr.key}'" if expr.key else ""))
            return None
        if isinstance(expr, js.Lit):
            text = literal_string(expr)
            if text is not None and _HEX_NONCE.match(text):
                return NonceSource("literal", via=repr(text))
            return None
        if isinstance(expr, js.Ref):
            if (expr.root == "wpApiSettings" and expr.path == ("nonce",)) or expr.dotted == "wp.apiFetch.nonceMiddleware.nonce":
                return NonceSource("core", REST_ACTION, via=expr.dotted)
        value, channel = self.php_value(expr)
        via = expr.dotted if isinstance(expr, js.Ref) else (f"data-{expr.name}" if isinstance(expr, js.DataAttr) else "")
        if isinstance(expr, js.Printed):
            via = "the value printed into the script"
        if isinstance(value, NonceV):
            return NonceSource("plugin", value.action, value.creation, channel, via)
        if isinstance(value, (Known, UrlV)):
            return None  # a plain value (a URL, a flag), not a nonce
        name = expr.path[-1] if isinstance(expr, (js.Ref, js.Printed)) and expr.path else (expr.name if isinstance(expr, js.DataAttr) else None)
        if name is not None and nonce_like_key(name):
            return NonceSource("unknown", via=via)
        return None

    def _stored_nonces(self) -> set[tuple[str, str | None]]:
        """(store, key) of every storage write of a nonce the model can trace (not of one read back)."""
        found = set()
        for facts in self.js_files:
            for write in facts.storage_writes:
                source = self.nonce_in(self.modules.resolve(write.value))
                if source is not None and source.kind not in ("stored", "literal"):
                    found.add((write.store, write.key))
        return found

    def _stored(self, read: js.StorageRead) -> bool:
        return (read.store, read.key) in self.stored or (read.key is None and any(store == read.store for store, _ in self.stored))

    def nonce_in(self, expr: js.JExpr | None) -> NonceSource | None:
        """A nonce anywhere in a value written somewhere: itself, a part of a string built from it
        (``'n=' + nonce`` for a cookie), a property of an object or JSON."""
        if not hasattr(self, "stored"):
            self.stored = set()  # while the stored nonces themselves are being found
        if isinstance(expr, js.Concat):
            parts = expr.parts
        elif isinstance(expr, js.Json):
            return self.nonce_in(expr.value)
        elif isinstance(expr, js.Obj):
            parts = tuple(p.value for p in expr.props)
        else:
            return self.nonce_source(expr)
        for part in parts:
            found = self.nonce_in(part)
            if found is not None:
                return found
        return None

    # --- URLs ------------------------------------------------------------------------------------

    def url_info(self, request: js.Request) -> UrlInfo:
        if request.transport in ("api-fetch", "wp-api-request") and request.path is not None:
            infos = []
            for pieces, fallback, site in urls.variants(request.path):
                path, query = urls.path_text(pieces)
                infos.append(UrlInfo("rest", path, cross_origin=False, query=query, fallback=fallback, site=site))
            return urls.combine(infos)
        if request.url is None:
            return UrlInfo("rest" if request.transport in ("api-fetch", "wp-api-request") else "unknown")
        base_url = request.base_url
        if base_url is None and request.transport == "axios" and request.instance is None:
            base_url = next((d.base_url for d in self.defaults if d.transport == "axios" and d.instance is None and d.base_url is not None), None)
        return self.url_of(request.url, base_url)

    def url_of(self, url: js.JExpr, base_url: js.JExpr | None = None) -> UrlInfo:
        """What a URL value is, every possibility of it (see :mod:`analyzer.urls`)."""
        infos = []
        for pieces, fallback, site in urls.variants(url):
            if base_url is not None and pieces:
                head = self.php_value(pieces[0])[0] if isinstance(pieces[0], (js.Ref, js.DataAttr, js.Printed)) else None
                if not urls.absolute(pieces) and not isinstance(head, UrlV):
                    # axios combineURLs: base without its trailing slash, '/', the URL without its leading ones
                    pieces = urls.parts(base_url) + [js.Lit(url.span, "/")] + pieces
            info = urls.variant_info(pieces, self.php_value)
            infos.append(dataclasses.replace(info, fallback=fallback, site=site))
        return urls.combine(infos)

    # --- requests --------------------------------------------------------------------------------

    def _request(self, request: js.Request) -> ClientRequest:
        url = self.url_info(request)
        placements: list[Placement] = []
        for prop in self._headers(request):
            header = prop.key is not None and prop.key.lower() == HEADER
            source = self.nonce_source(prop.value, positional=header)
            if header:
                placements.append(Placement("header", prop.key, prop.span, source or NonceSource("unknown", via="header")))
            elif source is not None and (source.kind != "literal" or nonce_like_key(prop.key)):
                placements.append(Placement("custom-header", prop.key, prop.span, source))
        for prop in (*request.query, *url.query):
            source = self.nonce_source(prop.value, positional=prop.key == FORM_KEY)
            if prop.key == FORM_KEY:
                placements.append(Placement("query", prop.key, prop.span, source or NonceSource("unknown", via="query")))
        for prop in request.body_fields:
            source = self.nonce_source(prop.value, positional=prop.key == FORM_KEY)
            if source is not None and source.kind == "literal" and not nonce_like_key(prop.key):
                source = None  # ten hex digits under another key: an id, a checksum, a colour
            if source is not None or nonce_like_key(prop.key):
                placements.append(Placement("body", prop.key, prop.span, source or NonceSource("unknown", via=prop.key or "")))
        body = request.body
        if isinstance(body, js.Form) and body.kind in ("formdata", "serialize", "urlsearchparams"):
            for field in self.form_fields_of(body):
                placements.append(
                    Placement("body", field.name, body.span, NonceSource("plugin", field.value.action, field.span, field.span, f"wp_nonce_field in form {field.form_id or ''}".strip()))
                )
        core = request.transport in ("api-fetch", "wp-api-request")
        effective = core or any(p.where == "header" for p in placements)
        routes = tuple((info, *self.match_routes(info, request.method)) for info in url.possibilities)
        primary = [r for r in routes if not r[0].fallback] or list(routes)
        endpoints = tuple(dict.fromkeys(e for r in primary for e in r[1]))
        path_matches = tuple(dict.fromkeys(e for r in primary for e in r[2]))
        namespaces = {r[3] for r in primary}
        namespace = namespaces.pop() if len(namespaces) == 1 else None
        return ClientRequest(request, url, tuple(placements), core, effective, endpoints, path_matches, namespace, routes)

    def _headers(self, request: js.Request) -> tuple[js.Prop, ...]:
        own = request.headers
        if request.transport == "jquery":
            extra = tuple(p for d in self.defaults if d.transport == "jquery" for p in d.headers)
        elif request.transport == "axios":
            extra = tuple(p for d in self.defaults if d.transport == "axios" and (d.instance is None or d.instance == request.instance) for p in d.headers)
        else:
            extra = ()
        return own + extra

    def form_fields_of(self, form: js.Form) -> list[scripts.FormField]:
        """The PHP nonce fields inside the form a FormData / serialize() is built from, matched by the form's
        id or class; with no usable selector, the plugin's only nonce form if it has exactly one."""
        fields = [f for f in self.php.form_fields if f.name == FORM_KEY]
        if not fields or form.source is None:
            return []
        selector = form.source.selector if isinstance(form.source, js.Element) else None
        if selector:
            selector = selector.strip()
            if selector.startswith("#"):
                return [f for f in fields if f.form_id == selector[1:]]
            if selector.startswith("."):
                return [f for f in fields if selector[1:] in f.form_classes]
            return []
        forms = {(f.path, f.form_id, f.form_classes) for f in fields}
        return fields if len(forms) == 1 else []

    # --- routes ----------------------------------------------------------------------------------

    def namespace_of(self, path: str) -> str | None:
        for ns in sorted(self.namespaces, key=len, reverse=True):
            if path == "/" + ns or path.startswith("/" + ns + "/"):
                return ns
        return None

    def match_routes(self, url: UrlInfo, method: str | None) -> tuple[tuple, tuple, str | None]:
        if url.kind != "rest" or url.path is None or url.cross_origin is True:
            return (), (), None  # another host's REST API is not this plugin's
        namespace = self.namespace_of(url.path)
        if namespace is None:
            return (), (), None
        path = url.path.rstrip("/") or "/"
        by_path = []
        for endpoint in self.model.rest_endpoints:
            if endpoint.path is None:
                continue
            if _route_matches(endpoint.path, path):
                by_path.append(endpoint)
        wanted = {"GET"} if method == "HEAD" else ({method} if method else None)
        by_method = [e for e in by_path if wanted is None or method == "OPTIONS" or e.methods is None or (e.methods & wanted)]
        return tuple(by_method), tuple(by_path), namespace


def _same(a: Value, b: Value) -> bool:
    if isinstance(a, NonceV) and isinstance(b, NonceV):
        return a.action == b.action
    if isinstance(a, UrlV) and isinstance(b, UrlV):
        return (a.kind, a.path) == (b.kind, b.path)
    if isinstance(a, Known) and isinstance(b, Known):
        return a.value == b.value
    return False


def _walk(value: Value | None, path) -> Value | None:
    """``value[ a ][ b ]`` for a JS read ``x.a.b`` of what PHP prints."""
    for key in path:
        if isinstance(value, JsonV):
            value = value.value
        if isinstance(value, ArrayV) and key is not None:
            value = value.get(int(key) if key.isdigit() else key)
        else:
            return None
    return value.value if isinstance(value, JsonV) else value


def _empty(expr: js.JExpr) -> bool:
    """A placeholder for a missing value: ``undefined``, ``null``, ``''``, ``{}``, a property of ``{}``."""
    if isinstance(expr, js.Lit):
        return expr.value in (None, "")
    if isinstance(expr, js.Obj):
        return not expr.props
    return isinstance(expr, js.Unknown) and expr.reason.startswith("no property")


def _combine(sources: list[NonceSource | None]) -> NonceSource | None:
    """What several possibilities of a value say, taken together: the one source when they all agree (or all
    carry a wrong action), an untraced nonce when they are all nonces of different origins, and None when
    some possibility is not a nonce at all."""
    if not sources or any(s is None for s in sources):
        return None
    first = sources[0]
    if all((s.kind, s.action) == (first.kind, first.action) for s in sources) or all(s.wrong_action for s in sources):
        return first
    return NonceSource("unknown", via=first.via)
