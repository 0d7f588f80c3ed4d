"""Requests with cookie credentials in Python scripts, read with libcst.

Understood: ``requests``, ``httpx``, ``aiohttp``, ``urllib.request`` and ``http.client``, imported under any
alias; their request functions, sessions and clients (``requests.Session()``, ``httpx.Client( headers=… )``,
``async with aiohttp.ClientSession( cookies=… ) as s``, ``urllib.request.Request( url, headers=… )``); header
and cookie dicts written inline or built in a variable of the same function (or at module level), including
``d[k] = v``, ``d.update( … )``, ``**spread``, ``s.headers.update( … )``, ``s.cookies.set( … )`` and
``req.add_header( … )``. Tracing stops at function parameters, return values and other files: what is not
known is not reported.

:func:`extract` never raises: a file libcst cannot parse (a syntax error, Python 2) comes back with
``error`` set, and the scan reports it like any other file it could not read.
"""

from __future__ import annotations

import io
import tokenize

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider

from analyzer.scripts.ir import LOGGED_IN, NONCE_HEADER, ScriptFacts, ScriptRequest, Sent
from analyzer.scripts.python_collect import Collector, Scope, dotted, string, texts, walk
from analyzer.source import SourceFile, Span

MAX_RESOLVE = 8  # names followed through assignments before giving up
_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "request", "stream", "send"})
_MODULE_REQUESTS = {
    "requests": _METHODS - {"stream", "send"},
    "httpx": _METHODS - {"send"},
    "aiohttp": frozenset({"request"}),
    "urllib.request": frozenset({"urlopen"}),
}
_CLIENTS = frozenset(
    {
        "requests.Session", "requests.session", "requests.sessions.Session", "httpx.Client", "httpx.AsyncClient",
        "aiohttp.ClientSession", "urllib.request.Request", "http.client.HTTPConnection", "http.client.HTTPSConnection",
    }
)
_BASIC = frozenset({"requests.auth.HTTPBasicAuth", "httpx.BasicAuth", "aiohttp.BasicAuth", "requests.auth._basic_auth_str"})


class _Analyzer:
    def __init__(self, collector: Collector, source: SourceFile, wrapper: MetadataWrapper) -> None:
        self.c = collector
        self.source = source
        self.positions = wrapper.resolve(PositionProvider)
        self.lines = source.data.decode("utf-8", "replace").split("\n")

    def span(self, node: cst.CSTNode) -> Span:
        r: CodeRange = self.positions[node]
        return Span(self.source.path, r.start.line, self._col(r.start.line, r.start.column), r.end.line, self._col(r.end.line, r.end.column))

    def _col(self, line: int, column: int) -> int:
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        prefix = text[:column].lstrip("\ufeff") if line == 1 else text[:column]
        return len(prefix.encode("utf-16-le", "surrogatepass")) // 2 + 1

    def qualify(self, name: str | None) -> str | None:
        if name is None:
            return None
        head, _, rest = name.partition(".")
        target = self.c.aliases.get(head)
        if target is None:
            return None
        return f"{target}.{rest}" if rest else target

    # --- resolving names ------------------------------------------------------------------------

    def lookup(self, scope: Scope, name: str, before: tuple[int, int]) -> cst.BaseExpression | None:
        current: Scope | None = scope
        while current is not None:
            candidates = [v for p, v in current.assigns.get(name, []) if (p < before or current is not scope) and p != (10**9, id(scope))]
            if candidates:
                return candidates[-1]
            current = current.parent
        return None

    def mutations(self, scope: Scope, name: str, before: tuple[int, int]):
        current: Scope | None = scope
        found = []
        while current is not None:
            found += [(k, n) for p, k, n in current.mutations.get(name, []) if (p < before or current is not scope) and p != (10**9, id(scope))]
            current = current.parent
        return found

    def resolve(self, node: cst.BaseExpression, scope: Scope, before, depth: int = 0) -> cst.BaseExpression:
        while isinstance(node, cst.Name) and depth < MAX_RESOLVE:
            value = self.lookup(scope, node.value, before)
            if value is None:
                break
            node, depth = value, depth + 1
        return node

    def mentions_logged_in(self, node: cst.BaseExpression, scope: Scope, before, depth: int = 0) -> bool:
        if depth > MAX_RESOLVE:
            return False
        if any(LOGGED_IN in t.lower() for t in texts(node)):
            return True
        names = [n for n in walk(node) if isinstance(n, cst.Name)]
        for name in names[:16]:
            value = self.lookup(scope, name.value, before)
            if value is not None and value is not node and self.mentions_logged_in(value, scope, before, depth + 1):
                return True
        return False

    # --- what a value sends ---------------------------------------------------------------------

    def headers(self, node: cst.BaseExpression, scope: Scope, before, depth: int = 0) -> Sent:
        if depth > MAX_RESOLVE:
            return Sent()
        sent = Sent()
        if isinstance(node, cst.Name):
            for kind, item in self.mutations(scope, node.value, before):
                if kind in ("item", "headers-item"):
                    key, value, whole = item
                    sent |= self.header_pair(key, value, whole, scope, before)
                elif kind in ("update", "headers-update") and item.args:
                    sent |= self.headers(item.args[0].value, scope, before, depth + 1)
            resolved = self.resolve(node, scope, before)
            if resolved is not node:
                sent |= self.headers(resolved, scope, before, depth + 1)
            return sent
        if isinstance(node, cst.IfExp):  # {…} if nonce else {}
            return self.headers(node.body, scope, before, depth + 1) | self.headers(node.orelse, scope, before, depth + 1)
        if isinstance(node, cst.Dict):
            for element in node.elements:
                if isinstance(element, cst.StarredDictElement):
                    sent |= self.headers(element.value, scope, before, depth + 1)
                else:
                    sent |= self.header_pair(element.key, element.value, element, scope, before)
        elif isinstance(node, cst.Call) and dotted(node.func) == "dict":
            for arg in node.args:
                if arg.keyword is None:
                    sent |= self.headers(arg.value, scope, before, depth + 1)
        return sent

    def header_pair(self, key, value, whole, scope: Scope, before) -> Sent:
        name = string(self.resolve(key, scope, before)) if key is not None else None
        if name is None:
            return Sent()
        low = name.strip().lower()
        if low == NONCE_HEADER:
            return Sent(nonce=self.span(whole))
        if low == "cookie" and self.mentions_logged_in(value, scope, before):
            return Sent(cookie=self.span(whole))
        if low == "authorization" and any(t.strip().lower().startswith("basic") for t in texts(self.resolve(value, scope, before))):
            return Sent(basic=True)
        return Sent()

    def cookies(self, node: cst.BaseExpression, scope: Scope, before, depth: int = 0) -> Sent:
        if depth > MAX_RESOLVE:
            return Sent()
        sent = Sent()
        if isinstance(node, cst.Name):
            for kind, item in self.mutations(scope, node.value, before):
                if kind in ("item", "cookies-item"):
                    key, _, whole = item
                    if self.mentions_logged_in(key, scope, before):
                        sent |= Sent(cookie=self.span(whole))
                elif kind in ("update", "cookies-update") and item.args:
                    sent |= self.cookies(item.args[0].value, scope, before, depth + 1)
            resolved = self.resolve(node, scope, before)
            if resolved is not node:
                sent |= self.cookies(resolved, scope, before, depth + 1)
            return sent
        if isinstance(node, cst.Dict):
            for element in node.elements:
                if isinstance(element, cst.StarredDictElement):
                    sent |= self.cookies(element.value, scope, before, depth + 1)
                elif self.mentions_logged_in(element.key, scope, before):
                    sent |= Sent(cookie=self.span(element))
        return sent

    def auth(self, node: cst.BaseExpression, scope: Scope, before) -> Sent:
        node = self.resolve(node, scope, before)
        if isinstance(node, cst.Tuple) and len(node.elements) == 2:
            return Sent(basic=True)
        if isinstance(node, cst.Call) and self.qualify(dotted(node.func)) in _BASIC:
            return Sent(basic=True)
        return Sent()

    def call_options(self, call: cst.Call, scope: Scope, before, positional_headers: int | None = None) -> Sent:
        sent = Sent()
        for index, arg in enumerate(call.args):
            keyword = arg.keyword.value if arg.keyword is not None else None
            if keyword == "headers" or (keyword is None and index == positional_headers):
                sent |= self.headers(arg.value, scope, before)
            elif keyword == "cookies":
                sent |= self.cookies(arg.value, scope, before)
            elif keyword == "auth":
                sent |= self.auth(arg.value, scope, before)
        return sent

    def client_state(self, name: str, scope: Scope, before) -> tuple[str, cst.Call, Sent] | None:
        """The client object ``name`` holds (its constructor's qualified name and call) and what it sends."""
        value = self.lookup(scope, name, before)
        if value is not None:
            value = self.resolve(value, scope, before)
        if not isinstance(value, cst.Call):
            return None
        kind = self.qualify(dotted(value.func))
        if kind not in _CLIENTS:
            return None
        sent = self.call_options(value, scope, before, positional_headers=2 if kind == "urllib.request.Request" else None)
        for mutation, item in self.mutations(scope, name, before):
            if mutation == "headers-item":
                key, val, whole = item
                sent |= self.header_pair(key, val, whole, scope, before)
            elif mutation == "headers-update" and item.args:
                sent |= self.headers(item.args[0].value, scope, before)
            elif mutation == "cookies-item":
                key, _, whole = item
                if self.mentions_logged_in(key, scope, before):
                    sent |= Sent(cookie=self.span(whole))
            elif mutation == "cookies-update" and item.args:
                sent |= self.cookies(item.args[0].value, scope, before)
            elif mutation == "cookie-set" and item.args and self.mentions_logged_in(item.args[0].value, scope, before):
                sent |= Sent(cookie=self.span(item))
            elif mutation == "add-header" and len(item.args) >= 2:
                sent |= self.header_pair(item.args[0].value, item.args[1].value, item, scope, before)
            elif mutation == "auth":
                sent |= self.auth(item, scope, before)
        return kind, value, sent

    # --- requests -------------------------------------------------------------------------------

    def requests(self) -> list[ScriptRequest]:
        found: list[ScriptRequest] = []
        for scope in self.c.scopes:
            used_clients: set[str] = set()
            for before, call in scope.calls:
                request = self.request(call, scope, before, used_clients)
                if request is not None and request.sent:
                    found.append(request)
            found.extend(self.unused_clients(scope, used_clients))
        return found

    def request(self, call: cst.Call, scope: Scope, before, used_clients: set[str]) -> ScriptRequest | None:
        callee = dotted(call.func)
        qualified = self.qualify(callee)
        if qualified is not None:
            module, _, method = qualified.rpartition(".")
            if method in _MODULE_REQUESTS.get(module, ()):
                sent = self.call_options(call, scope, before)
                if module == "urllib.request" and call.args:  # urlopen( Request( … ) ) or urlopen( req )
                    target = call.args[0].value
                    if isinstance(target, cst.Name):
                        state = self.client_state(target.value, scope, before)
                        if state is not None:
                            used_clients.add(target.value)
                            sent |= state[2]
                    elif isinstance(target, cst.Call) and self.qualify(dotted(target.func)) == "urllib.request.Request":
                        sent |= self.call_options(target, scope, before, positional_headers=2)
                return ScriptRequest(qualified, self.span(call), sent)
        if callee is None or "." not in callee:
            return None
        receiver, _, method = callee.rpartition(".")
        if method == "open" and call.args and isinstance(call.args[0].value, cst.Name):  # opener.open( req )
            state = self.client_state(call.args[0].value.value, scope, before)
            if state is not None and state[0] == "urllib.request.Request":
                used_clients.add(call.args[0].value.value)
                return ScriptRequest("urllib.request.OpenerDirector.open", self.span(call), state[2])
        if method not in _METHODS:
            return None
        state = self.client_state(receiver, scope, before)
        if state is None:
            return None
        used_clients.add(receiver)
        kind, _, client_sent = state
        positional = 3 if kind.startswith("http.client") and method == "request" else None
        sent = client_sent | self.call_options(call, scope, before, positional_headers=positional)
        return ScriptRequest(f"{kind}().{method}", self.span(call), sent)

    def unused_clients(self, scope: Scope, used: set[str]) -> list[ScriptRequest]:
        """A session or a ``urllib.request.Request`` built with cookie credentials and handed on (returned, stored,
        passed to a helper that sends it): reported where it is built."""
        found = []
        for name in scope.assigns:
            if name in used:
                continue
            state = self.client_state(name, scope, (10**9, 0))
            if state is not None and state[2]:
                found.append(ScriptRequest(state[0] + "()", self.span(state[1]), state[2]))
        return found


MAX_BRACKET_DEPTH = 100  # CPython itself refuses 200; libcst's native parser overflows its stack far beyond
MAX_LOGICAL_LINE_TOKENS = 4000  # one statement of thousands of operators does the same


def _too_complex(text: str) -> str | None:
    """Why libcst must not be given this text (it would crash the process, not raise), or None.

    Python's own tokenizer (pure Python, no recursion) measures the bracket depth and the longest statement.
    """
    depth = tokens_in_line = 0
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.OP and token.string in "([{":
                depth += 1
                if depth > MAX_BRACKET_DEPTH:
                    return f"brackets nested deeper than {MAX_BRACKET_DEPTH} levels: not analysed"
            elif token.type == tokenize.OP and token.string in ")]}":
                depth = max(0, depth - 1)
            if token.type in (tokenize.NEWLINE, tokenize.ENDMARKER):
                tokens_in_line = 0
            else:
                tokens_in_line += 1
                if tokens_in_line > MAX_LOGICAL_LINE_TOKENS:
                    return f"a statement longer than {MAX_LOGICAL_LINE_TOKENS} tokens: not analysed"
    except (tokenize.TokenError, SyntaxError, ValueError):
        # Not valid Python: measure the raw text instead (brackets in strings count too, which only errs on the
        # safe side), and let libcst say where the syntax error is.
        depth = deepest = 0
        for char in text:
            if char in "([{":
                depth += 1
                deepest = max(deepest, depth)
            elif char in ")]}":
                depth = max(0, depth - 1)
        if deepest > MAX_BRACKET_DEPTH:
            return f"brackets nested deeper than {MAX_BRACKET_DEPTH} levels: not analysed"
        if max((len(line) for line in text.split("\n")), default=0) > MAX_LOGICAL_LINE_TOKENS:
            return f"a line longer than {MAX_LOGICAL_LINE_TOKENS} characters in a file that is not valid Python: not analysed"
    return None


def extract(source: SourceFile) -> ScriptFacts:
    """The requests of one Python file (never raises; see the module doc)."""
    try:
        text = source.data.decode("utf-8", "replace")
        problem = _too_complex(text)
        if problem is not None:
            return ScriptFacts(source.path, "python", (), problem)
        module = cst.parse_module(text)
    except cst.ParserSyntaxError as error:
        return ScriptFacts(source.path, "python", (), f"Python syntax error at line {error.editor_line}, column {error.editor_column}: not analysed")
    except RecursionError:
        return ScriptFacts(source.path, "python", (), "nested too deeply for the Python parser: not analysed")
    except Exception as error:  # the parser's own limits: one file, reported, never the whole scan
        return ScriptFacts(source.path, "python", (), f"could not parse this Python file ({type(error).__name__}): not analysed")
    try:
        wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
        collector = Collector()
        wrapper.visit(collector)
        requests = _Analyzer(collector, source, wrapper).requests()
    except RecursionError:
        return ScriptFacts(source.path, "python", (), "nested too deeply to analyse: not analysed")
    except Exception as error:  # a construct we did not foresee: report the file, keep the scan going
        return ScriptFacts(source.path, "python", (), f"could not analyse this file ({type(error).__name__}: {error})")
    unique = {(r.span, r.via): r for r in requests}
    return ScriptFacts(source.path, "python", tuple(sorted(unique.values(), key=lambda r: (r.span.line, r.span.column))))
