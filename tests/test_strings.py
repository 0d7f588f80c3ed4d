"""String literals are decoded as PHP and JS read them, without Python's unicode_escape (which decodes
other rules and raised "DeprecationWarning: invalid escape sequence" on every ``\\$`` or ``\\d``)."""

from __future__ import annotations

import warnings
from pathlib import Path

from analyzer.scan import scan

PHP = r"""<?php
register_rest_route( "acme/v1", "/items/(?P<id>\d+)/\$price\x2F\u{263A}\101", array(
	'methods'             => 'POST',
	'callback'            => 'acme_item',
	'permission_callback' => '__return_true',
) );
"""

JS = r"""fetch( "/wp-json/acme/v1/items/\$\d\x41\u0042\u{43}\uD83D\uDE00", { method: 'POST' } );"""


def test_php_double_quoted_escapes_decode_as_php_does(tmp_path: Path) -> None:
    (tmp_path / "plugin.php").write_text(PHP)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = scan([tmp_path])
    assert result.errors == []
    (endpoint,) = result.model.rest_endpoints
    assert endpoint.display_path == "/acme/v1/items/(?P<id>\\d+)/$price/\u263aA"


def test_js_escapes_decode_as_js_does(tmp_path: Path) -> None:
    from analyzer.js.bindings import string_value
    from analyzer.languages import parser

    tree = parser("javascript").parse(JS.encode())
    string = tree.root_node.children[0].children[0].child_by_field_name("arguments").named_children[0]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert string_value(string) == "/wp-json/acme/v1/items/$dABC\U0001F600"
