"""Property-based tests for browser code: the assignments that reach a use are the ones a reference
interpreter says can, whatever the branching; the facts do not depend on the order the queries return
captures in; JS written in PHP strings is the same JS however the PHP splits and wraps it; and no shape of
the new constructs makes the extractor raise."""

from __future__ import annotations

import random

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from analyzer import queries
from analyzer.js import ir
from analyzer.js.extract import parse
from analyzer.js.values import MAX_OPTIONS
from analyzer.model import PluginModel
from analyzer.scan import facts_of
from analyzer.source import SourceFile
from tests.test_determinism import _ShuffledCursor

PROPERTIES = settings(max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
VALUES = ["a", "b", "c", "d", "e"]

# --- reaching assignments ---------------------------------------------------------------------------
# A statement is ("set", v), ("if", then, else_or_None), ("while", body) or ("return",) (only as the last
# statement of a then-block without an else, so the path that skips it falls through).


def _block(depth: int):
    statement = _statement(depth)
    return st.lists(statement, min_size=1, max_size=3)


def _statement(depth: int):
    leaf = st.builds(lambda v: ("set", v), st.sampled_from(VALUES))
    if depth <= 0:
        return leaf
    inner = _block(depth - 1)
    return st.one_of(
        leaf,
        st.builds(lambda a, b: ("if", a, b), inner, st.one_of(st.none(), inner)),
        st.builds(lambda a: ("if", a + [("return",)], None), inner),
        st.builds(lambda a: ("while", a), inner),
    )


def _render(block, indent: str = "\t") -> str:
    lines = []
    for n, statement in enumerate(block):
        kind = statement[0]
        if kind == "set":
            lines.append(f"{indent}url = '{statement[1]}';")
        elif kind == "return":
            lines.append(f"{indent}return;")
        elif kind == "while":
            lines.append(f"{indent}while ( more{n}() ) {{\n{_render(statement[1], indent + chr(9))}\n{indent}}}")
        else:
            text = f"{indent}if ( test{n}() ) {{\n{_render(statement[1], indent + chr(9))}\n{indent}}}"
            if statement[2] is not None:
                text += f" else {{\n{_render(statement[2], indent + chr(9))}\n{indent}}}"
            lines.append(text)
    return "\n".join(lines)


def _out(block, live: set[str]) -> tuple[set[str], bool]:
    """(values ``url`` may hold after ``block`` on the paths that fall through, whether any path does)."""
    for statement in block:
        kind = statement[0]
        if kind == "set":
            live = {statement[1]}
        elif kind == "return":
            return set(), False
        elif kind == "while":
            body, _ = _out(statement[1], live)
            live = live | body
        else:
            then, then_falls = _out(statement[1], live)
            other, other_falls = _out(statement[2], live) if statement[2] is not None else (live, True)
            live = (then if then_falls else set()) | (other if other_falls else set())
            if not (then_falls or other_falls):
                return set(), False
    return live, True


def _sets(block) -> int:
    count = 0
    for statement in block:
        if statement[0] == "set":
            count += 1
        elif statement[0] == "while":
            count += _sets(statement[1])
        elif statement[0] == "if":
            count += _sets(statement[1]) + (_sets(statement[2]) if statement[2] is not None else 0)
    return count


def _options(value: ir.JExpr) -> set:
    options = value.options if isinstance(value, ir.Alt) else (value,)
    return {o.value if isinstance(o, ir.Lit) else o for o in options}


@PROPERTIES
@given(_block(3))
def test_a_use_sees_exactly_the_assignments_that_reach_it(block) -> None:
    assume(_sets(block) < MAX_OPTIONS)  # beyond that many assignments the value is Unknown by design
    code = f"function send() {{\n\tlet url = 'init';\n{_render(block)}\n\treturn fetch( url );\n}}\n"
    expected, falls = _out(block, {"init"})
    (request,) = parse(SourceFile("a.js", code.encode()), "javascript").requests
    if falls:
        assert _options(request.url) == expected, code


# --- capture order --------------------------------------------------------------------------------

SHAPES = [
    "const api = {{ base() {{ return acme.root.replace( /\\/$/, '' ); }}, get( p ) {{ return fetch( this.base() + '/acme/v1/' + p ); }} }};\napi.get( '{0}' );",
    "class C {{ get http() {{ return axios.create( {{ baseURL: acme.root }} ); }} run() {{ return this.http.post( '{0}', {{ nonce: acme.nonce }} ); }} }}",
    "function f( p ) {{ if ( ! p ) {{ p = '{0}'; }} return fetch( acme.root + p ); }}\nf(); f( 'x/{0}' );",
    "let u = acme.root || '/wp-json/';\nif ( a ) {{ u = u + '{0}'; }} else {{ u += 'y'; }}\nfetch( u, {{ headers: {{ 'X-WP-Nonce': acme.nonce }} }} );",
    "const u = new URL( '{0}', acme.root );\nu.searchParams.set( '_wpnonce', acme.nonce );\nfetch( new Request( u.href, {{ method: 'POST' }} ) );",
    "navigator.sendBeacon( acme.root + '{0}', new Blob( [ JSON.stringify( {{ nonce: acme.nonce }} ) ], {{ type: 'application/json' }} ) );",
    "localStorage.setItem( 'n', acme.nonce );\nfetch( '/wp-json/{0}', {{ headers: {{ 'X-Token': localStorage.getItem( 'n' ) }} }} );",
    "Vue.prototype.$http = axios.create( {{ baseURL: acme.root }} );\nexport default {{ methods: {{ go() {{ return this.$http.get( '{0}' ); }} }} }};",
]


@PROPERTIES
@given(st.lists(st.tuples(st.sampled_from(SHAPES), st.sampled_from(["a/v1/x", "b/v2/y/1"])), min_size=1, max_size=5), st.integers(0, 2**16))
def test_js_facts_do_not_depend_on_the_order_of_captures(pieces, seed: int) -> None:
    code = "\n".join(shape.format(path) for shape, path in pieces).encode()
    expected = parse(SourceFile("a.js", code), "javascript")
    original = queries._cursor
    try:
        rng = random.Random(seed)
        queries._cursor = lambda q: _ShuffledCursor(original(q), rng)
        shuffled = parse(SourceFile("a.js", code), "javascript")
    finally:
        queries._cursor = original
    assert shuffled == expected


# --- JS in PHP strings ------------------------------------------------------------------------------

JS = 'fetch( "{root}acme/v1/items", {{ method: "POST", credentials: "same-origin", headers: {{ "X-WP-Nonce": "{nonce}" }} }} );'
PLUGIN = """<?php
add_action( 'rest_api_init', function () {{
	register_rest_route( 'acme/v1', '/items', array( 'methods' => 'POST', 'callback' => 'acme_items', 'permission_callback' => 'is_user_logged_in' ) );
}} );
add_action( 'wp_enqueue_scripts', function () {{
	wp_register_script( 'acme', '', array(), '1', true );
	{setup}
	wp_add_inline_script( 'acme', {expr} );
}} );
"""


@st.composite
def php_string_expression(draw) -> tuple[str, str, bool]:
    """The JS above as a PHP expression: literal text cut at random places into single- or double-quoted
    pieces (or a heredoc), joined by ' . ' with random line breaks, the root and nonce as PHP calls."""
    values = {"root": "esc_url_raw( rest_url() )", "nonce": "wp_create_nonce( 'acme_items' )"}
    text = JS.replace("{root}", "\x01").replace("{nonce}", "\x02").replace("{{", "{").replace("}}", "}")
    if draw(st.booleans()):  # a heredoc with interpolated variables, assigned first
        body = text.replace("\x01", "{$root}").replace("\x02", "{$nonce}")
        return "$js", f"$root = {values['root']};\n\t$nonce = {values['nonce']};\n\t$js = <<<JS\n{body}\nJS;", True
    cuts = sorted(draw(st.sets(st.integers(1, len(text) - 1), max_size=6)))
    chunks = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]
    parts = []
    for chunk in chunks:
        for i, piece in enumerate(chunk.replace("\x01", "\x00\x01\x00").replace("\x02", "\x00\x02\x00").split("\x00")):
            if piece == "\x01":
                parts.append(values["root"])
            elif piece == "\x02":
                parts.append(values["nonce"])
            elif piece:
                quoted = draw(st.booleans())
                parts.append('"' + piece.replace("\\", "\\\\").replace('"', '\\"').replace("$", "\\$") + '"' if quoted else "'" + piece.replace("\\", "\\\\").replace("'", "\\'") + "'")
    joiners = [draw(st.sampled_from([" . ", "\n\t\t. ", " .\n\t\t"])) for _ in parts[1:]]
    return parts[0] + "".join(j + p for j, p in zip(joiners, parts[1:], strict=True)), "", False


@PROPERTIES
@given(php_string_expression())
def test_js_written_in_php_strings_is_the_same_js_however_it_is_split(case) -> None:
    expr, setup, heredoc = case
    source = PLUGIN.format(expr=expr, setup=setup)
    facts, notices = facts_of("acme.php", source.encode())
    assert facts is not None, notices
    client = PluginModel([facts]).client
    (request,) = client.requests
    assert (request.method, request.url.path, request.url.kind) == ("POST", "/acme/v1/items", "rest"), source
    (placement,) = [p for p in request.placements if p.where == "header"]
    assert (placement.nonce.kind, placement.nonce.action) == ("plugin", "acme_items"), source
    assert request.endpoints, source
    # the finding lands on the PHP file's own lines: the heredoc's header line, or a line of the call
    lines = source.splitlines()
    if heredoc:
        assert '"X-WP-Nonce"' in lines[placement.span.line - 1], source
    else:
        first = next(i for i, line in enumerate(lines, 1) if "wp_add_inline_script" in line)
        assert first <= placement.span.line <= first + expr.count("\n"), source


# --- robustness ---------------------------------------------------------------------------------------

PIECES = [
    "navigator.sendBeacon(", "new Blob([", "new URL(", "new Request(", ".searchParams.set(", "class A {", "get x() {", "static y() {",
    "this.", "return ", "if (", "} else {", "while (", "||", "??", "? ", " : ", "=>", "function f(", "f(", "(", ")", "{", "}", "[", "]",
    ",", ";", "\n", "'", "`", "${", "acme.root", "'/wp-json/'", "Vue.prototype.$http = ", "axios.create({", "import a from './a';",
    "export default ", "export const b = ", "<script setup lang=\"ts\">", "</script>", "<template>", "url = ", "let url = ",
]


@PROPERTIES
@given(st.lists(st.sampled_from(PIECES), max_size=60), st.sampled_from(["a.js", "a.ts", "a.vue", "a.svelte", "a.tsx"]))
def test_the_extractor_never_raises_on_the_new_shapes(pieces, path: str) -> None:
    from analyzer import languages

    parse(SourceFile(path, "".join(pieces).encode()), languages.language_of(path))
