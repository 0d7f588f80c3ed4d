"""Browser code: the JS queries compile for every grammar, each transport's options are read the way the
library reads them, URLs are matched to routes as core matches them, compiled copies are skipped, and no
input makes the JS extractor raise (hypothesis)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analyzer import bundles, languages, queries
from analyzer.client import DYNAMIC, _route_matches, block_handles
from analyzer.js import ir
from analyzer.js.extract import parse
from analyzer.scan import ScanOptions, scan
from analyzer.source import SourceFile

GRAMMARS = ("javascript", "typescript", "tsx")


@pytest.mark.parametrize("grammar", GRAMMARS)
@pytest.mark.parametrize("name", queries.available("js"))
def test_js_queries_compile_for_every_grammar(name: str, grammar: str) -> None:
    assert queries.load(grammar, name).query.pattern_count > 0


@pytest.mark.parametrize(
    ("path", "language"),
    [("a.js", "javascript"), ("a.JSX", "javascript"), ("a.mjs", "javascript"), ("a.cjs", "javascript"), ("a.ts", "typescript"), ("a.tsx", "tsx"), ("types.d.ts", None), ("a.json", None)],
)
def test_language_of_browser_files(path: str, language: str | None) -> None:
    assert languages.language_of(path) == language


def facts(code: str, path: str = "a.js") -> ir.JsFacts:
    return parse(SourceFile(path, code.encode()), languages.language_of(path) or "javascript")


def only(code: str, path: str = "a.js") -> ir.Request:
    found = facts(code, path).requests
    assert len(found) == 1, found
    return found[0]


def keys(props) -> list[str | None]:
    return [p.key for p in props]


def test_fetch_options_through_a_local_object_and_formdata_appends() -> None:
    r = only(
        """
        const { nonce } = window.acmeCfg;
        const body = new FormData( document.getElementById( 'acme-form' ) );
        body.append( '_wpnonce', nonce );
        const init = { method: 'post', headers: { 'X-WP-Nonce': nonce }, body, credentials: 'omit' };
        fetch( acmeCfg.root + 'acme/v1/items', init );
        """
    )
    assert (r.transport, r.method, r.body_kind) == ("fetch", "POST", "formdata")
    assert keys(r.headers) == ["X-WP-Nonce"] and r.headers[0].value == ir.Ref(r.headers[0].value.span, "acmeCfg", ("nonce",))
    assert keys(r.body_fields) == ["_wpnonce"]
    assert isinstance(r.body, ir.Form) and isinstance(r.body.source, ir.Element) and r.body.source.selector == "#acme-form"
    assert r.credentials is not None and r.credentials.value.value == "omit"


def test_jquery_get_data_goes_to_the_query_and_json_content_type_makes_a_json_body() -> None:
    get = only("jQuery.get( cfg.root + 'x/v1/y', { _wpnonce: cfg.nonce } );")
    assert (get.transport, get.method, get.body_kind, keys(get.query)) == ("jquery", "GET", "none", ["_wpnonce"])
    post = only("$.ajax( { url: u, type: 'POST', contentType: 'application/json', data: { nonce: n } } );")
    assert (post.method, post.body_kind, keys(post.body_fields)) == ("POST", "json", ["nonce"])


def test_jquery_before_send_headers_and_iife_dollar() -> None:
    r = only("( function ( $, cfg ) { $.ajax( { url: cfg.root, beforeSend: function ( xhr ) { xhr.setRequestHeader( 'X-WP-Nonce', cfg.nonce ); } } ); } )( jQuery, acmeCfg );")
    assert keys(r.headers) == ["X-WP-Nonce"] and r.headers[0].value.root == "acmeCfg"
    assert isinstance(r.url, ir.Ref) and r.url.dotted == "acmeCfg.root"


def test_axios_forms_instances_and_defaults() -> None:
    found = facts(
        """
        import axios from 'axios';
        const api = axios.create( { baseURL: cfg.root, headers: { 'X-WP-Nonce': cfg.nonce } } );
        axios.defaults.headers.common[ 'X-WP-Nonce' ] = cfg.nonce;
        api.post( 'items', { title: 't' } );
        axios( { url: '/x', method: 'delete', params: { _wpnonce: n } } );
        """
    )
    post, delete = sorted(found.requests, key=lambda r: r.span.line)
    assert (post.method, post.body_kind, post.instance is not None, isinstance(post.base_url, ir.Ref)) == ("POST", "json", True, True)
    assert (delete.method, keys(delete.query)) == ("DELETE", ["_wpnonce"])
    assert {(d.instance is None, p.key) for d in found.defaults for p in d.headers} == {(False, "X-WP-Nonce"), (True, "X-WP-Nonce")}


def test_xhr_is_one_request_at_open() -> None:
    r = only("const x = new XMLHttpRequest(); x.open( 'PUT', url ); x.setRequestHeader( 'X-WP-Nonce', n ); x.withCredentials = true; x.send( JSON.stringify( { a: 1 } ) );")
    assert (r.transport, r.method, r.body_kind, keys(r.headers)) == ("xhr", "PUT", "json", ["X-WP-Nonce"])
    assert r.with_credentials is not None and r.with_credentials.value.value is True


def test_api_fetch_import_path_data_and_nonce_middleware_in_typescript() -> None:
    found = facts(
        """
        import apiFetch from '@wordpress/api-fetch';
        declare const acme: { nonce: string };
        apiFetch.use( apiFetch.createNonceMiddleware( acme.nonce ) );
        export const save = async ( id: number ) => await apiFetch< { ok: boolean } >( { path: `/acme/v1/items/${ id }`, method: 'POST', data: { id } } );
        """,
        "a.ts",
    )
    (r,) = found.requests
    assert (r.transport, r.method, r.body_kind) == ("api-fetch", "POST", "json")
    assert isinstance(r.path, ir.Concat)
    (middleware,) = found.middlewares
    assert middleware.value == ir.Ref(middleware.value.span, "acme", ("nonce",))


def test_storage_writes_and_reads() -> None:
    found = facts(
        """
        localStorage.setItem( 'n', cfg.nonce );
        window.sessionStorage[ 'n' ] = cfg.nonce;
        document.cookie = 'n=' + cfg.nonce;
        fetch( u, { headers: { 'X-WP-Nonce': JSON.parse( localStorage.getItem( 'boot' ) ).nonce } } );
        """
    )
    assert [w.store for w in found.storage_writes] == ["localStorage", "sessionStorage", "cookie"]
    (r,) = found.requests
    assert isinstance(r.headers[0].value, ir.StorageRead)


def test_data_attribute_reads_in_every_spelling() -> None:
    found = facts(
        """
        fetch( a, { headers: { 'X-WP-Nonce': el.dataset.restNonce } } );
        fetch( b, { headers: { 'X-WP-Nonce': el.getAttribute( 'data-rest-nonce' ) } } );
        fetch( c, { headers: { 'X-WP-Nonce': $( '#x' ).data( 'restNonce' ) } } );
        """
    )
    assert [r.headers[0].value.name for r in found.requests] == ["rest-nonce"] * 3


def test_a_parameter_stops_tracing() -> None:
    r = only("function send( nonce ) { fetch( u, { headers: { 'X-WP-Nonce': nonce } } ); }")
    assert isinstance(r.headers[0].value, ir.Unknown)


def test_route_matching_by_regex_method_free() -> None:
    assert _route_matches("/acme/v1/items/(?P<id>\\d+)", "/acme/v1/items/42")
    assert not _route_matches("/acme/v1/items/(?P<id>\\d+)", "/acme/v1/items/draft")
    assert _route_matches("/acme/v1/items/(?P<id>\\d+)", f"/acme/v1/items/{DYNAMIC}")
    assert _route_matches("/acme/v1/lists/(?P<list>[0-9a-f]{10})", f"/acme/v1/lists/{DYNAMIC}")
    assert not _route_matches("/acme/v1/items", f"/acme/v1/item/{DYNAMIC}")
    assert _route_matches("/acme/v1/Items", "/acme/v1/items")  # core matches case-insensitively


def test_block_json_handles() -> None:
    data = {"name": "acme/map", "editorScript": "file:./index.js", "viewScript": ["file:./view.js", "leaflet", "file:./x.js"]}
    assert block_handles("acme/map", data) == ["acme-map-editor-script", "acme-map-view-script", "leaflet", "acme-map-view-script-3"]


def _tree(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


BUG = "fetch( '/wp-json/acme/v1/x', { credentials: 'same-origin' } );\n"


def test_compiled_copies_are_skipped_and_reported_once(tmp_path: Path) -> None:
    _tree(
        tmp_path,
        {
            "src/index.js": BUG,
            "build/index.js": BUG,
            "dist/app.js": BUG + "//# sourceMappingURL=app.js.map\n",
            "dist/app.js.map": json.dumps({"version": 3, "sources": ["webpack://acme/./src/index.js"]}),
            "legacy/only.js": BUG,
        },
    )
    files = ["build/index.js", "dist/app.js", "legacy/only.js", "src/index.js"]
    assert sorted(bundles.compiled_copies(tmp_path, files)) == ["build/index.js", "dist/app.js"]
    result = scan([tmp_path])
    assert sorted(f.span.path for f in result.findings) == ["legacy/only.js", "src/index.js"]
    assert result.bundles_skipped == ["build/index.js", "dist/app.js"]
    everything = scan([tmp_path], ScanOptions(scan_bundles=True))
    assert sorted(f.span.path for f in everything.findings) == ["build/index.js", "dist/app.js", "legacy/only.js", "src/index.js"]


def test_a_bundle_without_its_sources_is_scanned(tmp_path: Path) -> None:
    _tree(tmp_path, {"build/index.js": BUG, "build/index.js.map": json.dumps({"sources": ["webpack://acme/./src/index.js"]})})
    assert [f.span.path for f in scan([tmp_path]).findings] == ["build/index.js"]


CODE_PIECES = [
    "fetch(", "$.ajax({", "axios.post(", "apiFetch({ path:", "new XMLHttpRequest()", ".open('POST',", "})", ")", "(", "{", "}",
    "'X-WP-Nonce':", "acme.nonce", "JSON.stringify(", "new FormData(", ".append('_wpnonce',", "localStorage.setItem('n',",
    "`${", "}`", "=>", "const { a } =", "window.", "...", ",", ";", "\n", "/* */", "// x\n", "'", '"', "<div>", "</div>", "as any", ":",
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(CODE_PIECES), max_size=60), st.sampled_from(["a.js", "a.ts", "a.tsx", "a.jsx"]))
def test_the_js_extractor_never_raises_on_code_shaped_input(pieces: list[str], path: str) -> None:
    facts("".join(pieces), path)


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=400))
def test_the_js_extractor_never_raises_on_arbitrary_bytes(data: bytes) -> None:
    parse(SourceFile("a.js", data), "javascript")


SPACES = [" ", "\n", "\t", " /* c */ ", " // c\n"]
REQUEST = ["fetch", "(", "acme.root", "+", "'acme/v1/items'", ",", "{", "method", ":", "'POST'", ",", "headers", ":", "{", "'X-WP-Nonce'", ":", "acme.nonce", "}", ",", "body", ":", "JSON.stringify", "(", "{", "nonce", ":", "acme.nonce", "}", ")", "}", ")", ";"]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(SPACES), min_size=len(REQUEST), max_size=len(REQUEST)))
def test_whitespace_and_comments_do_not_change_what_is_extracted(spaces: list[str]) -> None:
    code = "".join(token + space for token, space in zip(REQUEST, spaces, strict=True))
    (r,) = facts(code).requests
    assert (r.method, r.body_kind, keys(r.headers), keys(r.body_fields)) == ("POST", "json", ["X-WP-Nonce"], ["nonce"])


def test_cross_language_finding_carries_the_php_evidence_in_sarif(tmp_path: Path) -> None:
    from analyzer.cli import main

    demo = Path(__file__).resolve().parent.parent / "fixtures" / "demo-plugin"
    out = tmp_path / "r.sarif"
    main(["scan", str(demo), "--format", "sarif", "-o", str(out)])
    results = json.loads(out.read_text())["runs"][0]["results"]
    wrong_action = [r for r in results if r["ruleId"] == "WPR001"]
    assert len(wrong_action) == 2
    for result in wrong_action:
        assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith("assets/js/admin.js")
        related = {r["id"]: r["physicalLocation"]["artifactLocation"]["uri"] for r in result["relatedLocations"]}
        assert all(uri.endswith("acme-forms.php") for uri in related.values()) and set(related) == {1, 2}
        assert "[created with action 'acme_forms'](1)" in result["message"]["text"]
        assert "[handed to JS](2)" in result["message"]["text"]
