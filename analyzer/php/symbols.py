"""The plugin-wide symbol table: functions, classes, constants and call sites from every PHP file."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from analyzer.php import ir


def _short(name: str) -> str:
    return name.rsplit("\\", 1)[-1].lower()


class SymbolIndex:
    """Look-ups by PHP's own rules where they are cheap, falling back to a unique short name."""

    def __init__(self, files: Iterable[ir.PhpFacts]) -> None:
        self.functions: dict[str, ir.FunctionFact] = {}
        self._functions_short: dict[str, list[ir.FunctionFact]] = defaultdict(list)
        self.classes: dict[str, ir.ClassFact] = {}
        self._classes_short: dict[str, list[ir.ClassFact]] = defaultdict(list)
        self.constants: dict[str, ir.ConstantFact] = {}
        self.by_key: dict[tuple[str, int], ir.FunctionFact] = {}
        self.call_sites: dict[str, list[tuple[ir.FunctionFact, ir.CallSite]]] = defaultdict(list)
        # Short names looked up and not found: the scan parses files that define them (demand-driven).
        self.misses: set[str] = set()
        self.creations: dict[str, list[tuple[ir.FunctionFact, ir.Creation]]] = defaultdict(list)
        for facts in files:
            self._add(facts)

    def _add(self, facts: ir.PhpFacts) -> None:
        for fn in facts.functions:
            _prefer_shipped(self.functions, fn.name.lower(), fn)
            self._functions_short[_short(fn.name)].append(fn)
        for cls in facts.classes:
            _prefer_shipped(self.classes, cls.name.lower(), cls)
            self._classes_short[_short(cls.name)].append(cls)
        for const in facts.constants:
            self.constants.setdefault(const.name, const)
        for fn in (facts.file_scope, *facts.all_functions):
            self.by_key[fn.key] = fn
            for creation in fn.creations:
                self.creations[_short(creation.new.cls)].append((fn, creation))
            for site in fn.calls:
                call = site.call
                key = call.name.lower() if isinstance(call, ir.Call) else "::" + call.name.lower()
                self.call_sites[_short(key) if isinstance(call, ir.Call) else key].append((fn, site))

    # --- look-ups ---------------------------------------------------------------------------------

    def function(self, name: str, namespace: str = "") -> ir.FunctionFact | None:
        """A plugin function called as ``name`` from code in ``namespace`` (PHP's fallback to global)."""
        name = name.lstrip("\\")
        low = name.lower()
        if namespace and "\\" not in name:
            found = self.functions.get(f"{namespace}\\{name}".lower())
            if found is not None:
                return found
        found = self.functions.get(low)
        if found is not None:
            return found
        candidates = self._functions_short.get(_short(low), [])
        if not candidates:
            self.misses.add(_short(low))
        return candidates[0] if len(candidates) == 1 else None

    def constant(self, name: str, namespace: str = "") -> ir.ConstantFact | None:
        found = self.constants.get(name) or (self.constants.get(f"{namespace}\\{name}") if namespace else None)
        if found is None:
            self.misses.add(_short(name))
        return found

    def class_(self, name: str | None, namespace: str = "") -> ir.ClassFact | None:
        if not name:
            return None
        name = name.lstrip("\\")
        if namespace and "\\" not in name:
            found = self.classes.get(f"{namespace}\\{name}".lower())
            if found is not None:
                return found
        found = self.classes.get(name.lower())
        if found is not None:
            return found
        candidates = self._classes_short.get(_short(name), [])
        if not candidates:
            self.misses.add(_short(name))
        return candidates[0] if len(candidates) == 1 else None

    def lineage(self, cls: ir.ClassFact | None) -> list[ir.ClassFact]:
        """The class and its plugin-defined ancestors, nearest first (cycle-safe)."""
        chain: list[ir.ClassFact] = []
        seen: set[str] = set()
        while cls is not None and cls.name.lower() not in seen and len(chain) < 32:
            seen.add(cls.name.lower())
            chain.append(cls)
            cls = self.class_(cls.parent, cls.name.rpartition("\\")[0])
        return chain

    def method(self, class_name: str | None, method: str) -> ir.FunctionFact | None:
        """The method a call on ``class_name`` runs: the class's own, its traits', then its ancestors'."""
        low = method.lower()
        for cls in self.lineage(self.class_(class_name)):
            namespace = cls.name.rpartition("\\")[0]
            for owner in (cls, *(self.class_(t, namespace) for t in cls.traits)):
                for fn in owner.methods if owner is not None else ():
                    if fn.name and fn.name.lower() == low:
                        return fn
        return None

    def descendants(self, class_name: str | None) -> list[ir.ClassFact]:
        """Plugin classes that extend ``class_name``, directly or not."""
        target = self.class_(class_name)
        if target is None:
            return []
        found = []
        for cls in self.classes.values():
            if cls is not target and target in self.lineage(cls)[1:]:
                found.append(cls)
        return sorted(found, key=lambda c: c.name)

    def class_constant(self, class_name: str | None, name: str) -> ir.Expr | None:
        for cls in self.lineage(self.class_(class_name)):
            for const_name, value in cls.constants:
                if const_name == name:
                    return value
        return None

    def property_default(self, class_name: str | None, name: str) -> tuple[ir.Expr | None, str | None]:
        """The declared default of a property and the class declaring it."""
        for cls in self.lineage(self.class_(class_name)):
            for prop_name, value in cls.properties:
                if prop_name == name:
                    return value, cls.name
        return None, None

    def parent_class(self, class_name: str | None) -> str | None:
        cls = self.class_(class_name)
        if cls is None or not cls.parent:
            return None
        parent = self.class_(cls.parent, cls.name.rpartition("\\")[0])
        return parent.name if parent is not None else cls.parent

    def sites_creating(self, class_name: str) -> list[tuple[ir.FunctionFact, ir.Creation]]:
        """``new`` expressions that may create an instance of ``class_name`` (by short name)."""
        target = self.class_(class_name)
        return [
            (fn, site)
            for fn, site in self.creations.get(_short(class_name), [])
            if self.class_(site.new.cls, fn.namespace) is target
        ]

    def sites_calling(self, fn: ir.FunctionFact) -> list[tuple[ir.FunctionFact, ir.CallSite]]:
        """Call sites that may call ``fn`` (by name; methods by method name)."""
        if fn.kind == "function" and fn.name:
            return [(caller, site) for caller, site in self.call_sites.get(_short(fn.name), []) if self.function(site.call.name, caller.namespace) is fn]
        if fn.kind == "method" and fn.name:
            return list(self.call_sites.get("::" + fn.name.lower(), []))
        return []


# Folders of test suites: their stubs redefine the plugin's own classes and functions for PHPUnit.
_TEST_FOLDERS = frozenset({"tests", "test", "__tests__", "phpunit", "stubs", "spec", "specs"})


def _in_tests(path: str) -> bool:
    return any(part.lower() in _TEST_FOLDERS for part in path.replace("\\", "/").split("/")[:-1])


def _prefer_shipped(table: dict, name: str, fact) -> None:
    """The first definition of ``name`` wins, except that a definition the plugin ships replaces a test stub
    of the same name (``tests/stubs.php`` defining ``class wp_slimstat`` sorts before ``wp-slimstat.php``)."""
    current = table.get(name)
    if current is None or (_in_tests(current.span.path) and not _in_tests(fact.span.path)):
        table[name] = fact
