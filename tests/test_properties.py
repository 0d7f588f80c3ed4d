"""Property-based tests: PHP built around the facts the queries look for — random nesting, comments,
strings and heredocs that contain code — must never raise, must give the same findings when only
whitespace and comments change, and every finding must point into the construct it is about."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analyzer.model import PluginModel
from analyzer.rules import REGISTRY
from analyzer.scan import facts_of

SEPARATORS = [" ", "  ", "\n", "\t", "\n\t\t", "\r\n", " /* note ( ) { } */ ", " // note: register_rest_route( 'a', 'b' )\n", "\n# hash comment\n", " /** @see fn() => true */\n"]
DECOYS = [
    "",
    "$sql = 'register_rest_route( \"fake/v1\", \"/x\", array( \"methods\" => \"POST\", \"permission_callback\" => \"__return_true\" ) )';",
    "$doc = <<<EOT\nregister_rest_route( 'doc/v1', '/y', array( 'methods' => 'DELETE' ) );\nEOT;\n",
    "$now = <<<'EOT'\nadd_filter( 'rest_authentication_errors', '__return_true' );\nEOT;\n",
    "echo \"{$a['permission_callback']} register_rest_route\";",
    "?><p>register_rest_route( 'html/v1', '/z', array() )</p><?php",
]
WRITE_METHODS = ["'POST'", "'post, put'", "WP_REST_Server::CREATABLE", "\\WP_REST_Server::DELETABLE", "array( 'GET', 'patch' )"]
ALWAYS_TRUE = ["'__return_true'", "function () { return true; }", "fn() => true", "static fn(): bool => true"]
CHECKS = ["function () { return current_user_can( 'edit_posts' ); }", "'is_user_logged_in'", "array( $this, 'can_edit' )"]


@st.composite
def plugin(draw):
    """A plugin as a list of tokens (None marks where a separator goes) and the index of the token whose
    line the finding must be reported on."""
    nesting = draw(st.lists(st.sampled_from(["closure", "function", "if", "foreach", "method"]), max_size=4))
    methods = draw(st.sampled_from(WRITE_METHODS))
    buggy = draw(st.booleans())
    permission = draw(st.sampled_from(ALWAYS_TRUE if buggy else CHECKS))
    decoy = draw(st.sampled_from(DECOYS))
    in_class = "method" in nesting
    openers: list[str] = []
    closers: list[str] = []
    for level in nesting:
        if level == "closure":
            openers += ["add_action(", "'rest_api_init',", "function", "()", "{"]
            closers.insert(0, "});")
        elif level == "function":
            name = f"acme_register_{len(openers)}"
            openers += [f"function {name}()", "{"]
            closers.insert(0, "}")
        elif level == "if":
            openers += ["if", "( function_exists( 'register_rest_route' ) )", "{"]
            closers.insert(0, "}")
        elif level == "foreach":
            openers += ["foreach", "( array( 'v1' ) as $version )", "{"]
            closers.insert(0, "}")
    if in_class:
        functions = [o for o in openers if o.startswith("function acme_register")]
        openers = [o for o in openers if o not in functions]
        openers = ["class Acme_Api", "{", "public function can_edit() { return current_user_can( 'edit_posts' ); }", "public function register()", "{", *openers]
    elif permission == "array( $this, 'can_edit' )":
        permission = "'is_user_logged_in'"
    closers = _balance(openers)
    tokens = ["<?php", decoy, *openers, "register_rest_route(", "'acme/v1',", "'/items',", "array(",
              "'methods'", "=>", methods + ",", "'callback'", "=>", "'acme_create',", "'permission_callback'", "=>",
              permission + ",", ")", ");", *closers, decoy]
    target = tokens.index("'permission_callback'") + 2  # the value's first token
    return tokens, target, buggy


def _balance(openers: list[str]) -> list[str]:
    """Closing tokens for the openers, innermost first."""
    closers: list[str] = []
    i = 0
    while i < len(openers):
        token = openers[i]
        if token == "add_action(":
            closers.insert(0, "});")
            i += 5
            continue
        if token == "{":
            closers.insert(0, "}")
        i += 1
    return closers


def render(tokens: list[str], separators: list[str]) -> tuple[bytes, list[int]]:
    """The source text, and the 1-based line each token starts on."""
    text, lines = "", []
    for i, token in enumerate(tokens):
        if i:
            text += separators[i % len(separators)]
        lines.append(text.count("\n") + 1)
        text += token
    return text.encode(), lines


def findings(source: bytes):
    facts, notices = facts_of("plugin.php", source)
    assert facts is not None, notices
    model = PluginModel([facts])
    assert not model.errors, model.errors
    return sorted((f for rule in REGISTRY for f in rule.check(model)), key=lambda f: f.sort_key)


PROPERTY_SETTINGS = settings(max_examples=120, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY_SETTINGS
@given(plugin(), st.lists(st.sampled_from(SEPARATORS), min_size=1, max_size=7), st.lists(st.sampled_from(SEPARATORS), min_size=1, max_size=7))
def test_whitespace_and_comments_change_nothing(case, first, second) -> None:
    tokens, target, buggy = case
    source_a, lines_a = render(tokens, first)
    source_b, lines_b = render(tokens, second)
    found_a, found_b = findings(source_a), findings(source_b)
    assert [(f.code, f.level, f.message) for f in found_a] == [(f.code, f.level, f.message) for f in found_b]
    for found, lines in ((found_a, lines_a), (found_b, lines_b)):
        if buggy:
            assert [f.code for f in found] == ["WPR005"]
            # the finding starts on the line of the permission_callback value it is about
            assert found[0].span.line == lines[target]
        else:
            assert found == []


@PROPERTY_SETTINGS
@given(st.binary(max_size=400), st.sampled_from(["<?php ", "", "<html><?php "]))
def test_arbitrary_bytes_never_raise(noise, prefix) -> None:
    source = prefix.encode() + noise + b" register_rest_route( 'a/v1', '/b', array( 'methods' => 'POST' ) ); " + noise
    facts, notices = facts_of("noise.php", source)
    if facts is not None:
        model = PluginModel([facts])
        for rule in REGISTRY:
            list(rule.check(model))
    else:
        assert notices  # a file that could not be analysed says why


PIECES = list("()[]{};,'\"$=>.?:!&|<\\/*#\n ") + [
    "function", "fn", "return", "true", "array", "register_rest_route", "add_filter", "'rest_authentication_errors'",
    "'permission_callback'", "<<<EOT\n", "\nEOT;\n", "`", "class A", "foreach", "$this->", "self::",
]


@PROPERTY_SETTINGS
@given(st.lists(st.sampled_from(PIECES), max_size=60))
def test_code_shaped_noise_never_raises(pieces) -> None:
    source = ("<?php " + "".join(pieces)).encode()
    facts, _ = facts_of("shaped.php", source)
    if facts is not None:
        model = PluginModel([facts])
        for rule in REGISTRY:
            list(rule.check(model))
