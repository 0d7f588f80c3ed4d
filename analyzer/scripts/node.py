"""Requests with cookie credentials in Node scripts: JS/TS files that run under Node, not in a browser.

A file is a Node script when it starts with a ``node`` shebang, or loads what only Node has in a statement of
its own at the top level (``const x = require( … )``, ``import … from …``, unindented): ``node:*`` modules, ``http``, ``https``, ``fs``,
``child_process``, ``node-fetch`` or ``undici``, or takes ``process.argv`` apart. (``axios`` and ``fetch`` alone
say nothing: browser code uses them too; nor does a lazy ``import( 'fs' )`` inside a universal library.) Browser code
keeps going through the browser pipeline (analyzer.js); a Node script goes only through this one.

Requests: calls of ``fetch``, ``axios`` (and its ``get``/``post``/… and ``create``), ``http(s).request`` /
``get``, ``undici.request`` and friends, whose options carry ``headers`` — an object literal, a ``new
Headers( … )``, or a variable of the file holding one (``h.set( k, v )`` / ``h[ k ] = v`` included).
"""

from __future__ import annotations

import re

from analyzer import languages
from analyzer.scripts.ir import LOGGED_IN, NONCE_HEADER, ScriptFacts, ScriptRequest, Sent
from analyzer.source import SourceFile

_SHEBANG = re.compile(rb"\A(?:\xef\xbb\xbf)?#![^\n]*\bnode\b")
# A top-level statement (unindented) that loads what only Node has, or reads the command line. Universal
# libraries load 'fs' lazily inside functions (import( 'fs' ), an indented, guarded require): those stay
# browser code.
_NODE_ONLY = re.compile(
    rb"""^(?:(?:const|let|var)\s[^\n=]*=\s*(?:await\s+)?require\s*\(\s*|import\s[^\n]*?\bfrom\s*|import\s+|require\s*\(\s*)"""
    rb"""['"](?:node:[\w/]+|https?|fs|fs/promises|child_process|node-fetch|undici)['"]"""
    rb"""|^(?:const|let|var)\s[^\n=]*=\s*process\.argv\b""",
    re.MULTILINE,
)
_CALLS = frozenset({"fetch", "request", "get", "post", "put", "patch", "delete", "head", "axios", "create", "stream"})
MAX_RESOLVE = 8
_NAMES = ("identifier", "shorthand_property_identifier")


def is_node_script(data: bytes) -> bool:
    return bool(_SHEBANG.match(data)) or bool(_NODE_ONLY.search(data))


def _text(node) -> str:
    return node.text.decode("utf-8", "replace")


def _string(node) -> str | None:
    if node is None:
        return None
    if node.type == "string":
        return _text(node)[1:-1]
    if node.type == "template_string" and not any(c.type == "template_substitution" for c in node.named_children):
        return _text(node)[1:-1]
    if node.type in ("property_identifier", "identifier"):
        return _text(node)
    return None


class _File:
    def __init__(self, source: SourceFile, root) -> None:
        self.source = source
        self.decls: dict[str, list] = {}
        self.mutations: dict[str, list] = {}  # name -> [(key node, value node, whole node)]
        self.calls = []
        stack = [root]
        while stack:
            node = stack.pop()
            kind = node.type
            if kind == "variable_declarator":
                name, value = node.child_by_field_name("name"), node.child_by_field_name("value")
                if name is not None and value is not None and name.type == "identifier":
                    self.decls.setdefault(_text(name), []).append(value)
            elif kind == "assignment_expression":
                left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
                if left is not None and left.type == "identifier" and right is not None:
                    self.decls.setdefault(_text(left), []).append(right)
                elif left is not None and left.type == "subscript_expression":
                    obj, index = left.child_by_field_name("object"), left.child_by_field_name("index")
                    if obj is not None and obj.type == "identifier" and index is not None:
                        self.mutations.setdefault(_text(obj), []).append((index, right, node))
            elif kind in ("call_expression", "new_expression"):
                self.calls.append(node)
                function = node.child_by_field_name("function") or node.child_by_field_name("constructor")
                if function is not None and function.type == "member_expression":
                    obj, prop = function.child_by_field_name("object"), function.child_by_field_name("property")
                    args = self._args(node)
                    if obj is not None and obj.type == "identifier" and prop is not None and _text(prop) in ("set", "append") and len(args) >= 2:
                        self.mutations.setdefault(_text(obj), []).append((args[0], args[1], node))
            stack.extend(reversed(node.children))

    @staticmethod
    def _args(node) -> list:
        arguments = node.child_by_field_name("arguments")
        return [c for c in arguments.named_children if c.type != "comment"] if arguments is not None else []

    def span(self, node):
        return self.source.span_of(node)

    def resolve(self, node, depth: int = 0):
        while node is not None and node.type in (*_NAMES, "parenthesized_expression", "await_expression") and depth < MAX_RESOLVE:
            if node.type not in _NAMES:
                named = [c for c in node.named_children if c.type != "comment"]
                node = named[0] if named else None
                continue
            values = self.decls.get(_text(node))
            if not values:
                break
            node, depth = values[-1], depth + 1
        return node

    def mentions_logged_in(self, node, depth: int = 0) -> bool:
        if node is None or depth > MAX_RESOLVE:
            return False
        if LOGGED_IN in _text(node).lower():
            return True
        stack = [node]
        while stack:
            current = stack.pop()
            if current.type == "identifier":
                value = self.resolve(current)
                if value is not None and value is not current and self.mentions_logged_in(value, depth + 1):
                    return True
            stack.extend(current.named_children)
        return False

    def pair(self, key, value, whole) -> Sent:
        name = _string(self.resolve(key) if key is not None and key.type == "identifier" and key.parent is not None and key.parent.type != "pair" else key)
        if name is None:
            return Sent()
        low = name.strip().lower()
        if low == NONCE_HEADER:
            return Sent(nonce=self.span(whole))
        if low == "cookie" and self.mentions_logged_in(value):
            return Sent(cookie=self.span(whole))
        if low == "authorization" and value is not None and "basic" in _text(self.resolve(value) or value).lower()[:12]:
            return Sent(basic=True)
        return Sent()

    def headers(self, node, depth: int = 0) -> Sent:
        if node is None or depth > MAX_RESOLVE:
            return Sent()
        sent = Sent()
        if node.type in _NAMES:
            for key, value, whole in self.mutations.get(_text(node), []):
                sent |= self.pair(key, value, whole)
            resolved = self.resolve(node)
            if resolved is not None and resolved is not node:
                sent |= self.headers(resolved, depth + 1)
            return sent
        if node.type == "new_expression":
            args = self._args(node)
            return self.headers(args[0], depth + 1) if args else sent
        if node.type == "object":
            for child in node.named_children:
                if child.type == "pair":
                    sent |= self.pair(child.child_by_field_name("key"), child.child_by_field_name("value"), child)
                elif child.type == "spread_element" and child.named_children:
                    sent |= self.headers(child.named_children[0], depth + 1)
        return sent

    def options(self, node, depth: int = 0) -> Sent:
        node = self.resolve(node)
        if node is None or node.type != "object" or depth > MAX_RESOLVE:
            return Sent()
        sent = Sent()
        for child in node.named_children:
            if child.type == "pair":
                key = _string(child.child_by_field_name("key"))
                value = child.child_by_field_name("value")
                if key == "headers":
                    sent |= self.headers(value)
                elif key == "auth":
                    sent |= Sent(basic=True)
            elif child.type == "shorthand_property_identifier" and _text(child) == "headers":
                sent |= self.headers(child)
            elif child.type == "spread_element" and child.named_children:
                sent |= self.options(child.named_children[0], depth + 1)
        return sent

    def requests(self) -> list[ScriptRequest]:
        found = []
        for call in self.calls:
            function = call.child_by_field_name("function") or call.child_by_field_name("constructor")
            if function is None:
                continue
            if function.type == "member_expression":
                prop = function.child_by_field_name("property")
                name = _text(prop) if prop is not None else ""
                via = _text(function)
            else:
                name = via = _text(function)
            if call.type == "new_expression" and name != "Request":
                continue
            if call.type == "call_expression" and name not in _CALLS:
                continue
            sent = Sent()
            for arg in self._args(call):
                sent |= self.options(arg)
            if sent:
                found.append(ScriptRequest(via if len(via) <= 40 else name, self.span(call), sent))
        return found


def extract(source: SourceFile, language: str = "javascript") -> ScriptFacts:
    tree = languages.parser(language).parse(source.data)
    return ScriptFacts(source.path, "node", tuple(sorted(_File(source, tree.root_node).requests(), key=lambda r: (r.span.line, r.span.column))))
