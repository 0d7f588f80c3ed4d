"""Query tests: each query in queries/php compiles and captures exactly the facts it is for."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzer import languages, queries
from analyzer.php import ir
from analyzer.php.extract import extract
from analyzer.source import SourceFile

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "queries"


def facts_of(name: str) -> ir.PhpFacts:
    data = (FIXTURES / name).read_bytes()
    return extract(SourceFile(name, data), languages.parser("php").parse(data))


@pytest.mark.parametrize("name", queries.available("php"))
def test_every_query_compiles(name: str) -> None:
    assert queries.load("php", name).query.pattern_count > 0


def test_anchor_queries_declare_prefilter_tokens_that_they_match() -> None:
    for name in ("rest_routes", "auth_filters"):
        query = queries.load("php", name)
        assert query.prefilter, name
        text = (queries.query_dir() / "php" / f"{name}.scm").read_text()
        body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith(";"))
        for token in query.prefilter:
            # the token appears in a predicate of the query itself (letters may be spelled as [Xx] classes)
            assert token in body.lower() or all(f"[{c.upper()}{c}]" in body for c in token if c.isalpha()), token


def test_rest_routes_query_finds_calls_not_strings_or_comments() -> None:
    facts = facts_of("rest_routes.php")
    routes = [(r.namespace, r.route) for r in facts.routes]
    assert len(routes) == 3
    literal = [(n.value, r.value if isinstance(r, ir.Lit) else None) for n, r in routes]
    assert literal == [("acme/v1", "/direct"), ("acme/v1", "/named"), ("acme/v1", None)]
    looped = facts.routes[2]
    assert looped.scope.kind == "closure"
    assert [(f.value, f.key) for f in looped.foreach] == [("path", None)]
    assert facts.routes[0].span.line == 4 and facts.routes[0].span.column == 1


def test_auth_filters_query_matches_the_authentication_and_dispatch_filters_only() -> None:
    hooks = facts_of("auth_filters.php").hooks
    assert [(h.function, h.hook.value, h.span.line) for h in hooks] == [
        ("add_filter", "rest_authentication_errors", 2),
        ("add_filter", "rest_authentication_errors", 3),
        ("remove_filter", "rest_authentication_errors", 4),
        ("remove_all_filters", "rest_authentication_errors", 5),
        ("add_filter", "rest_pre_dispatch", 6),
        ("add_filter", "rest_request_before_callbacks", 8),
    ]
    assert isinstance(hooks[0].priority, ir.Lit) and hooks[0].priority.value == 5
    assert hooks[1].priority is None
    assert isinstance(hooks[2].callback, ir.Lit) and hooks[2].callback.value == "rest_cookie_check_errors"


def test_definitions_query_finds_functions_classes_traits_and_constants() -> None:
    facts = facts_of("definitions.php")
    assert [f.name for f in facts.functions] == ["Acme\\acme_check"]
    classes = {c.name: c for c in facts.classes}
    assert set(classes) == {"Acme\\Items_Controller", "Acme\\Acme_Perms"}
    controller = classes["Acme\\Items_Controller"]
    assert controller.parent == "WP_REST_Controller"
    assert [(n, v.value) for n, v in controller.constants] == [("NS", "acme/v2")]
    assert [(n, v.value) for n, v in controller.properties] == [("namespace", "acme/v1"), ("base", "things")]
    assert [m.name for m in controller.methods] == ["__construct", "check"]
    assert {c.name: c.value.value for c in facts.constants} == {"ACME_NS": "acme/v1", "Acme\\ACME_BASE": "items"}


def test_bodies_query_buckets_by_enclosing_function() -> None:
    (perm,) = facts_of("bodies.php").functions
    assert [type(r.value).__name__ for r in perm.returns] == ["Op"]  # the closure's return is its own
    assert [s.call.name for s in perm.calls] == ["get_current_user_id", "current_user_can", "wp_die"]
    assert perm.exits and perm.compares
    assert [a.target.name for a in perm.assignments] == ["user", "ok"]
    assert [p.name for p in perm.params] == ["request"]


def test_spans_use_utf16_columns() -> None:
    # ECOSYSTEM A4: in `$é = "😀"; echo` the echo starts at byte 14, UTF-16 column 12.
    data = '<?php\n$é = "😀"; register_rest_route( "a", "b", array() );'.encode()
    facts = extract(SourceFile("u.php", data), languages.parser("php").parse(data))
    (route,) = facts.routes
    line = '$é = "😀"; '
    assert route.span.line == 2
    assert route.span.column == len(line.encode("utf-16-le")) // 2 + 1 == 12
