"""Scripts outside the browser (WPR010's inputs): the libcst extractor never raises on any Python, syntax
errors are reported like other unreadable files, and the Node / shell readers keep to what runs."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analyzer.scan import ScanOptions, scan
from analyzer.scripts import node, python, shell
from analyzer.scripts.extract import facts
from analyzer.source import SourceFile

PROPERTY_SETTINGS = settings(max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])

PY_PIECES = [
    "import requests\n", "import httpx as hx\n", "from urllib.request import Request, urlopen\n", "import aiohttp\n",
    "def f(n):\n", "    ", "\t", "async def g():\n", "with requests.Session() as s:\n", "s = requests.Session()\n",
    "s.headers.update({'X-WP-Nonce': n})\n", "h = {'X-WP-Nonce': n}\n", "h['Cookie'] = f'wordpress_logged_in_{n}=1'\n",
    "requests.post(u, headers=h)\n", "s.get(u)\n", "hx.get(u, cookies={'wordpress_logged_in_x': n})\n", "urlopen(Request(u, headers=h))\n",
    "(", ")", "[", "]", "{", "}", ":", ",", "'", '"', '"""', "#", "\\", "lambda: ", "**h", "*args", "yield ", "await ",
    "print 'py2'\n", "x = ", "if x:\n", "else:\n", "class C:\n", "return s\n", "\n", "@dec\n", "match x:\n", "case 1:\n",
]


@PROPERTY_SETTINGS
@given(st.lists(st.sampled_from(PY_PIECES), max_size=50))
def test_python_extractor_never_raises_on_generated_python(pieces: list[str]) -> None:
    result = python.extract(SourceFile("s.py", "".join(pieces).encode()))
    assert result.error is None or result.error.endswith("not analysed") or result.error.startswith("could not")
    assert all(r.sent for r in result.requests)


@PROPERTY_SETTINGS
@given(st.binary(max_size=600))
def test_python_extractor_never_raises_on_arbitrary_bytes(data: bytes) -> None:
    result = python.extract(SourceFile("s.py", b"X-WP-Nonce\n" + data))
    assert result.path == "s.py"


@PROPERTY_SETTINGS
@given(st.text(max_size=400))
def test_shell_and_node_readers_never_raise(text: str) -> None:
    data = ("#!/usr/bin/env node\ncurl -H 'X-WP-Nonce: 1' \\\n" + text).encode("utf-8", "surrogatepass")
    shell.extract(SourceFile("s.sh", data))
    node.is_node_script(data)
    facts("s.js", data, "javascript")


def test_inputs_that_would_crash_libcsts_native_parser_are_refused() -> None:
    for data, why in [
        (b"x = " + b"(" * 100_000 + b"\n", "brackets nested deeper"),
        (b"x = " + b"+".join([b"a"] * 50_000) + b"\n", "a statement longer than"),
    ]:
        result = python.extract(SourceFile("deep.py", b"# X-WP-Nonce\n" + data))
        assert result.error is not None and why in result.error


def _plugin(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


def test_a_python_syntax_error_is_reported_and_the_other_files_still_are(tmp_path: Path) -> None:
    root = _plugin(
        tmp_path,
        {
            "tools/broken.py": "import requests\nrequests.post(url, headers={'X-WP-Nonce': n}\n",
            "tools/good.py": "import requests\nrequests.post(url, headers={'X-WP-Nonce': n})\n",
        },
    )
    result = scan([root])
    assert [(e.path, e.message.split(":")[0]) for e in result.errors] == [("tools/broken.py", "Python syntax error at line 2, column 1")]
    assert [(f.code, f.span.path, f.span.line) for f in result.findings] == [("WPR010", "tools/good.py", 2)]


def test_a_node_script_goes_to_the_script_rules_only_and_browser_code_to_the_browser_rules(tmp_path: Path) -> None:
    root = _plugin(
        tmp_path,
        {
            "bin/push.js": "const fetch = require( 'node-fetch' );\nfetch( process.argv[ 2 ] + '/wp-json/acme/v1/x', { headers: { 'X-WP-Nonce': process.env.N } } );\n",
            "assets/app.js": "fetch( '/wp-json/acme/v1/x', { headers: { 'X-WP-Nonce': acme.nonce } } );\n",
        },
    )
    found = {(f.code, f.span.path) for f in scan([root]).findings}
    assert ("WPR010", "bin/push.js") in found
    assert not any(path == "bin/push.js" and code != "WPR010" for code, path in found)  # no browser rule on a Node script
    assert not any(code == "WPR010" for code, path in found if path == "assets/app.js")
    assert ("WPR009", "assets/app.js") in found  # browser code is still read by the browser rules


def test_node_scripts_are_recognised_by_what_only_node_has() -> None:
    assert node.is_node_script(b"#!/usr/bin/env node\nfetch(x)")
    assert node.is_node_script(b"const https = require('https');")
    assert node.is_node_script(b"import { request } from 'undici';")
    assert node.is_node_script(b"const [ , , site ] = process.argv;")
    assert not node.is_node_script(b"function load() { return import( 'fs' ); }")
    # A universal (UMD) library's guarded Node branch, as in core's codemirror/jsonlint.js: browser code.
    assert not node.is_node_script(b"if (typeof require !== 'undefined') {\n        var source = require('fs').readFileSync(f);\n}")
    assert not node.is_node_script(b"if (isNode) { polyfill = process.argv.slice(2); }")
    assert node.is_node_script(b"import fs from 'node:fs';")
    assert not node.is_node_script(b"import axios from 'axios';\naxios.post(url)")
    assert not node.is_node_script(b"if ( process.env.NODE_ENV !== 'production' ) { fetch(url) }")


def test_shell_continuations_variables_and_look_alikes() -> None:
    script = b"""#!/bin/sh
N="$1"
curl -s \\
  -H "X-WP-Nonce: $N" \\
  https://example.org/wp-json/a/v1/b
echo curl -H "X-WP-Nonce: $N" https://example.org/wp-json/a/v1/b
printf '%s' "--cookie wordpress_logged_in_x=1"
# curl --cookie "wordpress_logged_in_x=1" https://example.org
C='wordpress_logged_in_1a=2'; curl -b "$C" https://example.org/wp-json/a/v1/b
"""
    found = shell.extract(SourceFile("s.sh", script)).requests
    assert [(r.via, r.span.line, r.sent.nonce is not None, r.sent.cookie is not None) for r in found] == [("curl", 3, True, False)]


def test_shell_variable_then_command_on_its_own_line() -> None:
    script = b"C='wordpress_logged_in_1a=2'\ncurl -b \"$C\" https://example.org/wp-json/a/v1/b\n"
    assert [(r.span.line, r.sent.cookie is not None) for r in shell.extract(SourceFile("s.sh", script)).requests] == [(2, True)]


def test_suppression_comment_in_a_python_script(tmp_path: Path) -> None:
    root = _plugin(
        tmp_path,
        {"sync.py": "import requests\n# wp-rest-lint: ignore WPR010 -- runs only inside the admin's own browser session\nrequests.post(u, headers={'X-WP-Nonce': n})\n"},
    )
    result = scan([root])
    assert result.findings == [] and result.suppressed == 1


def test_scripts_are_not_read_when_wpr010_is_not_selected(tmp_path: Path) -> None:
    root = _plugin(tmp_path, {"tools/broken.py": "requests.post(url, headers={'X-WP-Nonce': n}\n"})
    result = scan([root], ScanOptions(ignore=["WPR010"]))
    assert result.errors == [] and result.stats.files_parsed == 0


def test_wpr010_claims_follow_what_the_script_sends(tmp_path: Path) -> None:
    """What each finding claims, by what the request carries (tests/live proves the first on a live WordPress,
    before and after the session ends)."""
    root = _plugin(
        tmp_path,
        {
            "sync.py": (
                "import requests\n"
                "def both(u, n, v):\n"
                "    return requests.post(u, headers={'X-WP-Nonce': n}, cookies={'wordpress_logged_in_1a': v})\n"
                "def nonce_only(u, n):\n"
                "    return requests.post(u, headers={'X-WP-Nonce': n})\n"
                "def cookie_only(u, v):\n"
                "    return requests.post(u, cookies={'wordpress_logged_in_1a': v})\n"
                "def basic_and_cookie(u, v):\n"
                "    return requests.post(u, auth=('bot', 'app password'), cookies={'wordpress_logged_in_1a': v})\n"
            ),
            "smoke.py": (
                "import requests\n"
                "s = requests.Session()\n"
                "s.post(BASE + '/wp-login.php', data={'log': 'a', 'pwd': 'b'})\n"
                "n = s.get(BASE + '/wp-admin/admin-ajax.php?action=rest-nonce').text\n"
                "s.post(BASE + '/wp-json/a/v1/b', headers={'X-WP-Nonce': n})\n"
            ),
        },
    )
    claims = {(f.span.path, f.span.line, f.level): f.claim.as_dict() for f in scan([root]).findings}
    ended = {"session-ended": {"stage": "cookie-nonce", "status": 403, "code": "rest_cookie_invalid_nonce"}}
    anonymous = {"stage": "anonymous", "user": "visitor"}
    assert claims == {
        ("sync.py", 3, "warning"): {"user": "logged-in", "when": ended},
        ("sync.py", 5, "warning"): {"when": ended},
        ("sync.py", 7, "warning"): anonymous,
        ("sync.py", 9, "warning"): anonymous,
        ("smoke.py", 5, "note"): {"user": "logged-in"},
    }
