"""The first pass over a Python file (libcst): imports and their aliases, and per function (and module) the
assignments, the mutations of header / cookie containers and sessions, and the calls, each with its position.
:mod:`analyzer.scripts.python` resolves them into requests.
"""

from __future__ import annotations

import libcst as cst
from libcst.metadata import PositionProvider


_MUTATORS = {
    ".headers.update": "headers-update", ".cookies.update": "cookies-update", ".cookies.set": "cookie-set",
    ".add_header": "add-header", ".putheader": "add-header", ".update": "update",
}


def _split_suffix(dotted: str, suffixes: dict[str, str], default: str | None) -> tuple[str | None, str | None]:
    """``self.session.headers.update`` → (``self.session``, ``headers-update``); the longest suffix wins."""
    for suffix in sorted(suffixes, key=len, reverse=True):
        if dotted.endswith(suffix) and len(dotted) > len(suffix):
            return dotted[: -len(suffix)], suffixes[suffix]
    return (dotted, default) if default is not None else (None, None)


def dotted(node: cst.BaseExpression) -> str | None:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = dotted(node.value)
        return f"{base}.{node.attr.value}" if base else None
    return None


def string(node: cst.BaseExpression | None) -> str | None:
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        try:
            value = node.evaluated_value
        except Exception:  # an odd prefix or escape: treat as unknown
            return None
        return value if isinstance(value, str) else (value.decode("utf-8", "replace") if isinstance(value, bytes) else None)
    return None


def texts(node: cst.CSTNode) -> list[str]:
    """Every literal string piece under ``node`` (f-string parts included)."""
    found: list[str] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, cst.SimpleString):
            text = string(current)
            if text is not None:
                found.append(text)
        elif isinstance(current, cst.FormattedStringText):
            found.append(current.value)
        else:
            stack.extend(current.children)
    return found


class Scope:
    def __init__(self, parent: Scope | None) -> None:
        self.parent = parent
        self.assigns: dict[str, list[tuple[tuple[int, int], cst.BaseExpression]]] = {}
        # name -> [(position, kind, node)]: kind ``item`` (d[k] = v: node is (key, value, whole)), ``update`` (d.update(x)),
        # ``headers-item`` / ``headers-update`` / ``cookies-item`` / ``cookies-update`` / ``cookie-set`` / ``add-header`` / ``auth``
        self.mutations: dict[str, list[tuple[tuple[int, int], str, object]]] = {}
        self.calls: list[tuple[tuple[int, int], cst.Call]] = []


class Collector(cst.CSTVisitor):
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self) -> None:
        self.module_scope = Scope(None)
        self.scopes = [self.module_scope]
        self.scope = self.module_scope
        self.aliases: dict[str, str] = {}  # local name -> qualified module / object

    def pos(self, node: cst.CSTNode) -> tuple[int, int]:
        start = self.get_metadata(PositionProvider, node).start
        return (start.line, start.column)

    # imports
    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            name = dotted(alias.name)
            if name is None:
                continue
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                self.aliases[alias.asname.name.value] = name
            else:
                self.aliases.setdefault(name.split(".")[0], name.split(".")[0])

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        module = dotted(node.module) if node.module is not None else None
        if module is None or isinstance(node.names, cst.ImportStar):
            return
        for alias in node.names:
            name = dotted(alias.name)
            if name is None:
                continue
            local = alias.asname.name.value if alias.asname is not None and isinstance(alias.asname.name, cst.Name) else name
            self.aliases[local] = f"{module}.{name}"

    # scopes
    def _push(self) -> None:
        self.scope = Scope(self.module_scope)
        self.scopes.append(self.scope)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._push()

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.scope = self.module_scope

    def visit_Lambda(self, node: cst.Lambda) -> None:
        return None

    # bindings
    def _bind(self, target: cst.BaseExpression, value: cst.BaseExpression, node: cst.CSTNode) -> None:
        if isinstance(target, cst.Name):
            self.scope.assigns.setdefault(target.value, []).append((self.pos(node), value))
        elif isinstance(target, cst.Subscript) and len(target.slice) == 1 and isinstance(target.slice[0].slice, cst.Index):
            key = target.slice[0].slice.value
            base = dotted(target.value)
            if base is None:
                return
            root, kind = _split_suffix(base, {".headers": "headers-item", ".cookies": "cookies-item"}, "item")
            if root is not None:
                self._mutate(root, (self.pos(node), kind, (key, value, node)))
        elif isinstance(target, cst.Attribute):
            base = dotted(target.value)
            if base is None:
                return
            if target.attr.value == "auth":
                self._mutate(base, (self.pos(node), "auth", value))
            elif base == "self":  # self.session = requests.Session(): other methods of the class use it too
                name = f"self.{target.attr.value}"
                self.scope.assigns.setdefault(name, []).append((self.pos(node), value))
                if self.scope is not self.module_scope:  # seen from the class's other methods (not this one: order counts here)
                    self.module_scope.assigns.setdefault(name, []).append(((10**9, id(self.scope)), value))

    def _mutate(self, root: str, entry) -> None:
        self.scope.mutations.setdefault(root, []).append(entry)
        if root.startswith("self.") and self.scope is not self.module_scope:
            self.module_scope.mutations.setdefault(root, []).append(((10**9, id(self.scope)), *entry[1:]))

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._bind(target.target, node.value, node)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._bind(node.target, node.value, node)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None and isinstance(node.asname.name, cst.Name):
            self.scope.assigns.setdefault(node.asname.name.value, []).append((self.pos(node), node.item))

    def visit_Call(self, node: cst.Call) -> None:
        self.scope.calls.append((self.pos(node), node))
        callee = dotted(node.func)
        if callee is None or "." not in callee:
            return
        root, kind = _split_suffix(callee, _MUTATORS, None)
        if root is not None and kind is not None and (kind != "update" or "." not in root or root.startswith("self.")):
            self._mutate(root, (self.pos(node), kind, node))


def walk(node: cst.CSTNode):
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(current.children)
