"""Facts about browser code (JS, JSX, TS, TSX): the values it sends and the requests it makes.

Extraction resolves what it can inside one file — the assignments that reach each use, what functions and
methods return, parameters from their call sites, object literals and their later mutations, ``FormData`` /
``URLSearchParams`` / ``Headers`` built up with ``append`` — and leaves what comes from PHP as :class:`Ref`
(a read of a global object path such as ``acmeSettings.nonce``) or :class:`DataAttr`, and what comes from
another module of the plugin as :class:`Import`, for the plugin model to join. A value that differs by
branch is an :class:`Alt` of the possibilities. Anything else becomes :class:`Unknown`, and rules stay
silent about it.
"""

from __future__ import annotations

from dataclasses import dataclass

from analyzer.source import Span


@dataclass(frozen=True, slots=True)
class JExpr:
    span: Span


@dataclass(frozen=True, slots=True)
class Lit(JExpr):
    """A string, number, boolean, null or undefined literal."""

    value: str | int | float | bool | None


@dataclass(frozen=True, slots=True)
class Concat(JExpr):
    """String concatenation or a template literal, parts in order."""

    parts: tuple[JExpr, ...]


@dataclass(frozen=True, slots=True)
class Ref(JExpr):
    """A read of a global: ``acmeSettings.nonce`` is Ref('acmeSettings', ('nonce',)); ``window.`` is dropped.
    A computed key the extractor could not read is ``None`` in the path."""

    root: str
    path: tuple[str | None, ...] = ()

    @property
    def dotted(self) -> str:
        return ".".join([self.root, *(p if p is not None else "[…]" for p in self.path)])


@dataclass(frozen=True, slots=True)
class Printed(JExpr):
    """What PHP prints into browser code at ``at`` (a ``<?php echo … ?>`` in a template script, a value
    concatenated into a script string), and ``path`` properties read from it; the plugin model looks the PHP
    value up by position."""

    at: Span
    path: tuple[str | None, ...] = ()


@dataclass(frozen=True, slots=True)
class DataAttr(JExpr):
    """A ``data-*`` attribute read: ``el.dataset.restNonce``, ``getAttribute('data-rest-nonce')``,
    ``$( el ).data( 'rest-nonce' )``; ``name`` is the attribute name after ``data-``, kebab-case."""

    name: str


@dataclass(frozen=True, slots=True)
class StorageRead(JExpr):
    """A value read back from ``localStorage`` / ``sessionStorage`` / ``document.cookie`` / IndexedDB;
    ``key`` is the item name when it is a literal."""

    store: str
    key: str | None = None


@dataclass(frozen=True, slots=True)
class Alt(JExpr):
    """One of several values: branches assigned different values (``if`` / ``else``, ``c ? a : b``), a
    function returns different values, or its call sites pass different arguments. ``fallback``: the
    options after the first are used only when the first is empty (``a || b``, ``a ?? b``)."""

    options: tuple[JExpr, ...]
    fallback: bool = False


@dataclass(frozen=True, slots=True)
class Import(JExpr):
    """A value exported by another module of the plugin: ``module`` is the plugin-relative path of the
    importing file's target without extension (``src/api``), ``name`` the export (``default`` for a default
    export), ``path`` properties read from it."""

    module: str
    name: str
    path: tuple[str | None, ...] = ()


@dataclass(frozen=True, slots=True)
class Blob(JExpr):
    """``new Blob( [ value ], { type } )``: a body whose Content-Type is ``content_type`` (None: none)."""

    value: JExpr | None
    content_type: str | None


@dataclass(frozen=True, slots=True)
class Prop:
    """A property of an object literal (or a header / form field added with ``append``); key None when it
    is computed or spread and could not be read."""

    key: str | None
    value: JExpr
    span: Span


@dataclass(frozen=True, slots=True)
class Obj(JExpr):
    props: tuple[Prop, ...]
    complete: bool = True  # False: a spread or computed key may add properties not listed

    def get(self, key: str) -> Prop | None:
        for prop in reversed(self.props):
            if prop.key == key:
                return prop
        return None

    def get_ci(self, key: str) -> list[Prop]:
        """Properties whose key equals ``key`` ignoring case (HTTP header names)."""
        low = key.lower()
        return [p for p in self.props if p.key is not None and p.key.lower() == low]


@dataclass(frozen=True, slots=True)
class Form(JExpr):
    """A form-encoded body: ``new FormData( form? )`` (kind ``formdata``), ``new URLSearchParams( … )``
    (``urlsearchparams``) or jQuery ``$( form ).serialize()`` (``serialize``); ``source`` is the form
    element it was built from, ``fields`` what was appended."""

    kind: str
    source: JExpr | None
    fields: tuple[Prop, ...]


@dataclass(frozen=True, slots=True)
class Json(JExpr):
    """``JSON.stringify( value )``."""

    value: JExpr


@dataclass(frozen=True, slots=True)
class Element(JExpr):
    """A DOM element picked by a selector: ``document.getElementById( 'x' )`` → selector ``#x``,
    ``querySelector( '#x' )``, ``$( '#x' )``; used to join a form with the PHP template that prints it."""

    selector: str | None


@dataclass(frozen=True, slots=True)
class CallV(JExpr):
    """Any other call, by its dotted callee (``axios.create``, ``new XMLHttpRequest``, ``wp.url.addQueryArgs``)."""

    callee: str
    args: tuple[JExpr, ...]


@dataclass(frozen=True, slots=True)
class Func(JExpr):
    """A function value; ``headers`` are the ``setRequestHeader( k, v )`` calls it makes on its first
    parameter (jQuery ``beforeSend``). ``getter``: a ``get x() { … }`` accessor, read as its return value."""

    headers: tuple[Prop, ...]
    getter: bool = False


@dataclass(frozen=True, slots=True)
class Unknown(JExpr):
    reason: str = ""


# --- Facts ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Request:
    """An HTTP request the code makes.

    transport: ``fetch``, ``jquery``, ``axios``, ``xhr``, ``api-fetch``, ``wp-api-request`` or ``beacon``
    (``navigator.sendBeacon``: a POST that carries cookies and cannot carry headers).
    method: upper-case, or None when not known. body_kind: ``none``, ``json``, ``form`` (urlencoded),
    ``formdata`` (multipart), ``text`` or ``unknown``. ``query`` holds parameters sent in the query string
    by the transport's own options (jQuery GET ``data``, axios ``params``).
    """

    transport: str
    span: Span  # the call expression
    url: JExpr | None
    url_span: Span | None  # the URL argument as written at the call
    path: JExpr | None  # apiFetch / wp.apiRequest ``path``
    method: str | None
    headers: tuple[Prop, ...]
    body: JExpr | None
    body_kind: str
    body_fields: tuple[Prop, ...]
    query: tuple[Prop, ...]
    credentials: Prop | None  # fetch ``credentials``
    with_credentials: Prop | None  # XHR / jQuery ``xhrFields`` / axios ``withCredentials``
    instance: str | None = None  # axios instance (its declaration) whose defaults apply
    base_url: JExpr | None = None  # axios instance ``baseURL``
    complete: bool = True  # False: options the extractor could not read may add headers, a body or credentials


@dataclass(frozen=True, slots=True)
class Defaults:
    """Headers every request of a transport gets: ``$.ajaxSetup``, ``axios.defaults.headers``, an
    ``axios.create`` instance's ``headers``, an interceptor setting ``config.headers``."""

    transport: str  # jquery | axios
    instance: str | None  # None: the global transport
    headers: tuple[Prop, ...]
    span: Span
    base_url: JExpr | None = None  # axios.defaults.baseURL


@dataclass(frozen=True, slots=True)
class NonceMiddleware:
    """``apiFetch.use( apiFetch.createNonceMiddleware( value ) )`` or ``apiFetch.nonceMiddleware.nonce = value``."""

    value: JExpr
    span: Span


@dataclass(frozen=True, slots=True)
class StorageWrite:
    """A value written to ``localStorage`` / ``sessionStorage`` / ``document.cookie`` / IndexedDB; ``key``
    is the item name when it is a literal."""

    store: str
    value: JExpr
    span: Span
    key: str | None = None


@dataclass(frozen=True, slots=True)
class UrlUse:
    """A URL handed to something other than a request call: a data library's config object (``url``,
    ``baseURL``, ``endpoint``, ``server: { url }``, ``ajax: { url }``) or the page location
    (``location.href = …``, ``location.assign( … )``). ``where`` names the position for messages."""

    where: str
    value: JExpr
    span: Span


@dataclass(frozen=True, slots=True)
class PendingCall:
    """A call on a receiver this file cannot resolve but the plugin model may: a value imported from another
    module (``api.get( … )``) or a property a framework installs on every component (``this.$http.post( … )``).
    ``args`` are the evaluated arguments with their spans."""

    receiver: JExpr
    method: str | None  # None: the receiver itself is called
    args: tuple[tuple[JExpr, Span], ...]
    span: Span


@dataclass(frozen=True, slots=True)
class JsFacts:
    path: str
    requests: tuple[Request, ...]
    defaults: tuple[Defaults, ...]
    middlewares: tuple[NonceMiddleware, ...]
    storage_writes: tuple[StorageWrite, ...]
    reads: tuple[JExpr, ...]  # Ref / DataAttr / StorageRead / Printed values requests and stores use, for fact lines
    too_deep: bool = False
    suppressions: tuple = ()
    url_uses: tuple[UrlUse, ...] = ()
    exports: tuple[tuple[str, JExpr], ...] = ()  # (export name or 'default', value)
    installs: tuple[tuple[str, JExpr], ...] = ()  # framework-wide properties: Vue.prototype.$http = …
    globals: tuple[tuple[str, JExpr], ...] = ()  # page globals an inline script declares from what PHP prints
    pending: tuple[PendingCall, ...] = ()
