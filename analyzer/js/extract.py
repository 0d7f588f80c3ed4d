"""JS fact extraction: run ``queries/js`` on a JS / JSX / TS / TSX tree (or the ``<script>`` of a ``.vue`` /
``.svelte`` component) and turn what it captures into :mod:`analyzer.js.ir` facts.

The pieces, in the order a value is found:

- :mod:`analyzer.js.bindings` declares every name; :mod:`analyzer.js.scopes` finds the assignments that reach
  a use (several become an :class:`~analyzer.js.ir.Alt`);
- :mod:`analyzer.js.values` evaluates expressions, :mod:`analyzer.js.calls` calls and ``new``,
  :mod:`analyzer.js.functions` returns, parameters, classes and ``this``;
- :mod:`analyzer.js.requests` recognises requests and what configures them, :mod:`analyzer.js.transports`
  builds each request the way its library reads its options.

Where tracing stops is written in each module and, for users, in the README ("Where tracing stops in JS").
"""

from __future__ import annotations

import dataclasses

from analyzer import languages, queries, suppressions
from analyzer.js import bindings, ir, sfc
from analyzer.js.requests import RequestBuilder
from analyzer.js.values import MAX_DEPTH, ValueExtractor
from analyzer.source import SourceFile

__all__ = ["MAX_DEPTH", "extract", "parse"]


class _FileExtractor(ValueExtractor):
    def run(self) -> ir.JsFacts:
        captured = queries.load(self.language, "requests").captures(self.root)
        self.all_calls = captured.get("call", [])
        self.call_starts = [c.start_byte for c in self.all_calls]
        self.assigns = captured.get("assign", [])
        self.all_news = captured.get("new", [])
        self.binding_captures = queries.load(self.language, "bindings").captures(self.root)
        bindings.collect(self.scopes, self.source.path, self.binding_captures)
        self.collect_mutations(self.all_calls, self.assigns)
        builder = RequestBuilder(self)
        for node in self.all_calls:
            builder.call(node)
        for node in self.assigns:
            builder.assignment(node)
        for node in captured.get("new", ()):
            builder.construction(node)
        for node in captured.get("pair", ()):
            builder.pair(node)
        return ir.JsFacts(
            path=self.source.path,
            requests=tuple(builder.requests),
            defaults=tuple(builder.defaults),
            middlewares=tuple(builder.middlewares),
            storage_writes=tuple(builder.storage_writes),
            reads=tuple(self.reads),
            too_deep=self.too_deep,
            suppressions=tuple(suppressions.from_tree(self.source, self.root, self.language)),
            url_uses=tuple(builder.url_uses),
            exports=self._exports(),
            installs=tuple((name, self.value(node)) for name in sorted(self.installs) for node in self.installs[name]),
            pending=tuple(builder.pending),
            globals=self._page_globals() if self.placeholders else (),
        )

    def _page_globals(self) -> tuple[tuple[str, ir.JExpr], ...]:
        """``let acme = <?php echo wp_json_encode( … ) ?>;`` at the top of an inline script (or
        ``window.acme = …`` anywhere): a global other scripts of the page read."""
        found = []
        for node in self.binding_captures.get("declare", ()):
            name, value = node.child_by_field_name("name"), node.child_by_field_name("value")
            if name is not None and value is not None and name.type == "identifier" and self.scopes.scope_of(node).id == self.root.id:
                found.append((name.text.decode(), value))
        for node in self.assigns:
            left = node.child_by_field_name("left")
            if left is not None and left.type == "member_expression" and left.child_by_field_name("object").text == b"window":
                found.append((self.key_of(left), node.child_by_field_name("right")))
        out = []
        for name, value_node in found:
            value = self.value(value_node)
            if name and isinstance(value, (ir.Printed, ir.Obj)):
                out.append((name, value))
        return tuple(out)

    def _exports(self) -> tuple[tuple[str, ir.JExpr], ...]:
        """What other modules of the plugin can import from this one (ES exports and CommonJS)."""
        found: list[tuple[str, ir.JExpr]] = []
        for node in self.binding_captures.get("export", ()):
            declaration = node.child_by_field_name("declaration")
            value = node.child_by_field_name("value")
            default = any(c.type == "default" for c in node.children)
            if value is not None or (default and declaration is not None):
                found += self._exported("default", value if value is not None else declaration)
            elif value is not None:
                found += self._exported("default", value)
            elif declaration is not None and declaration.type in ("lexical_declaration", "variable_declaration"):
                for declarator in (c for c in declaration.named_children if c.type == "variable_declarator"):
                    name = declarator.child_by_field_name("name")
                    if name is not None and name.type == "identifier":
                        found += self._exported(name.text.decode(), declarator.child_by_field_name("value"))
            elif declaration is not None:
                name = declaration.child_by_field_name("name")
                if name is not None:
                    found += self._exported(name.text.decode(), declaration)
            else:
                for clause in (c for c in node.named_children if c.type == "export_clause"):
                    for spec in (c for c in clause.named_children if c.type == "export_specifier"):
                        name, alias = spec.child_by_field_name("name"), spec.child_by_field_name("alias")
                        if name is not None:
                            found += self._exported((alias or name).text.decode(), name)
        for node in self.assigns:  # module.exports = …, module.exports.x = …, exports.x = …
            left = node.child_by_field_name("left")
            written = left.text.decode("utf-8", "replace").replace(" ", "") if left is not None else ""
            if written == "module.exports":
                found += self._exported("default", node.child_by_field_name("right"))
            elif written.startswith(("module.exports.", "exports.")) and written.count(".") == written.startswith("module.") + 1:
                found += self._exported(written.rsplit(".", 1)[1], node.child_by_field_name("right"))
        return tuple(found)

    def _exported(self, name: str, node) -> list[tuple[str, ir.JExpr]]:
        if node is None:
            return []
        value = self.value(node)
        out = [(name, value)]
        if isinstance(value, ir.Func):  # export function client() { return axios.create( … ) }
            out.append((name + "()", self.functions.returns_of(value, 0)))
        if isinstance(value, ir.Obj) and value.span in self.functions.classes:  # export class Api {}: new Api()
            out.append((name + "new", self.functions.instance(self.functions.classes[value.span], 0)))
        return out


def extract(source: SourceFile, tree, language: str, placeholders: bool = False) -> ir.JsFacts:
    """All JS facts of one parsed file. ``placeholders``: the source is browser code masked out of another
    file (a PHP template, a component), where runs of underscores stand for what PHP prints."""
    return _FileExtractor(source, tree.root_node, language, placeholders).run()


def parse(source: SourceFile, language: str, placeholders: bool = False) -> ir.JsFacts:
    if language in sfc.LANGUAGES:  # .vue / .svelte: the <script> blocks, positioned as in the component
        masked, grammar = sfc.script_source(source.data)
        facts = parse(SourceFile(source.path, masked), grammar, placeholders)
        return dataclasses.replace(facts, path=source.path)
    tree = languages.parser(language).parse(source.data)
    return extract(source, tree, language, placeholders)
