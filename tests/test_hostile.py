"""Hostile input, generated here (nothing large is committed): the scan finishes, reports the problem
once (stderr / JSON errors / SARIF notifications), and still reports the real bug in the plugin."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import analyzer.scan
from analyzer.cli import main
from analyzer.scan import ScanOptions, scan
from tests import sarif_check

BUG = (
    "<?php\n/* Plugin Name: Hostile host */\nadd_action( 'rest_api_init', function () {\n"
    "\tregister_rest_route( 'host/v1', '/wipe', array(\n"
    "\t\t'methods'             => 'DELETE',\n"
    "\t\t'callback'            => 'host_wipe',\n"
    "\t\t'permission_callback' => '__return_true',\n"
    "\t) );\n} );\n"
)
BUG_AT = ("plugin.php", 7, "WPR005")
ROUTE = "register_rest_route( 'x/v1', '/y', array( 'methods' => 'POST', 'callback' => 'f', 'permission_callback' => '__return_true' ) );"


def nested_closures(depth: int) -> bytes:
    return (
        b"<?php register_rest_route( 'deep/v1', '/c', array( 'methods' => 'POST', 'callback' => 'f', 'permission_callback' => "
        + b"function () { return " * depth
        + b"true;"
        + b" };" * (depth - 1)
        + b" } ) );\n"
    )


def _hostile(kind: str, root: Path) -> list[str]:
    """Create the hostile file(s) for ``kind``; return the problems the scan must report, in path order."""
    if kind == "binary-php":
        (root / "image.php").write_bytes(bytes(range(256)) * 64)
        return ["binary file (contains NUL bytes): skipped"]
    if kind == "nul-in-php":
        (root / "nul.php").write_bytes(b"<?php " + ROUTE.encode() + b"\x00\n")
        return ["binary file (contains NUL bytes): skipped"]
    if kind == "invalid-utf8":
        (root / "latin1.php").write_bytes(b"<?php // caf\xe9\n" + ROUTE.encode() + b"\n")
        return ["not valid UTF-8 (first bad byte at offset 12): read leniently"]
    if kind == "utf16-php":  # a Windows editor's "Unicode": NUL bytes, but text, not binary
        (root / "wide.php").write_bytes(("<?php\n" + ROUTE + "\n").encode("utf-16"))
        return ["UTF-16LE text: analysed as converted to UTF-8, but PHP does not run UTF-16LE source (unless zend.multibyte is on) — save it as UTF-8"]
    if kind == "minified-js-10mb":
        (root / "bundle.js").write_bytes(b"var a=1;" + b"function f(a){return a+1};" * 400_000)
        return ["larger than the 4 MiB limit (--max-file-size): skipped"]
    if kind == "minified-js-3mb":
        (root / "bundle.js").write_bytes(b"var a=window.acme;" + b"fetch(a.root+'x/v1/y',{headers:{'X-WP-Nonce':a.nonce}});" * 50_000)
        return []
    if kind == "deep-js":
        (root / "deep.js").write_bytes(b"var n = acme.nonce;\n" + b"fetch(" * 50_000 + b"'/x'" + b")" * 50_000 + b";\n")
        return ["nested deeper than 48 levels: the deeper part is not analysed"]
    if kind == "huge-php":
        (root / "generated.php").write_bytes(b"<?php " + b"$a=array(1,2,3);" * 300_000 + ROUTE.encode())
        return ["larger than the 4 MiB limit (--max-file-size): skipped"]
    if kind == "deep-arrays":
        (root / "arrays.php").write_bytes(b"<?php register_rest_route( 'deep/v1', '/a', " + b"[" * 50_000 + b"]" * 50_000 + b" );\n")
        return ["nested deeper than 64 levels: the deeper part is not analysed"]
    if kind == "deep-parens":
        (root / "parens.php").write_bytes(b"<?php $x = " + b"(" * 50_000 + b"register_rest_route( 'a', 'b', array() )" + b")" * 50_000 + b";\n")
        return ["nested deeper than 64 levels: the deeper part is not analysed"]
    if kind == "deep-closures":
        (root / "closures.php").write_bytes(nested_closures(50_000))
        return ["nested deeper than 64 levels: the deeper part is not analysed"]
    if kind == "syntax-error":
        (root / "broken.php").write_text("<?php\nfunction ( {\n" + ROUTE + "\n$x = ;;\n")
        return []
    if kind == "empty":
        (root / "empty.php").write_bytes(b"")
        return []
    if kind == "html-only":
        (root / "view.php").write_text("<html><body><p>register_rest_route is documented here.</p></body></html>\n")
        return []
    if kind == "symlink-loop":
        os.symlink("loop-b.php", root / "loop-a.php")
        os.symlink("loop-a.php", root / "loop-b.php")
        return ["symbolic link loop: not followed"] * 2  # both links
    if kind == "symlink-outside":
        outside = root.parent / "outside-secret.php"
        outside.write_text("<?php " + ROUTE + "\n")
        os.symlink(outside, root / "linked.php")
        return ["symbolic link to outside the scan root: not followed"]
    if kind == "fifo":
        os.mkfifo(root / "pipe.php")
        return ["not a regular file: skipped"]
    if kind == "directory-named-php":
        (root / "folder.php").mkdir()
        (root / "folder.php" / "inner.txt").write_text("x")
        return []
    raise AssertionError(kind)


KINDS = [
    "binary-php",
    "nul-in-php",
    "invalid-utf8",
    "utf16-php",
    "minified-js-10mb",
    "minified-js-3mb",
    "deep-js",
    "huge-php",
    "deep-arrays",
    "deep-parens",
    "deep-closures",
    "syntax-error",
    "empty",
    "html-only",
    "symlink-loop",
    "symlink-outside",
    "fifo",
    "directory-named-php",
]


@pytest.fixture
def plugin(tmp_path: Path) -> Path:
    root = tmp_path / "plugin"
    root.mkdir()
    (root / "plugin.php").write_text(BUG)
    return root


def _located(findings) -> list[tuple[str, int, str]]:
    return [(f.span.path, f.span.line, f.code) for f in findings]


@pytest.mark.parametrize("kind", KINDS)
def test_hostile_file_is_reported_and_the_bug_still_found(kind: str, plugin: Path, capsys) -> None:
    expected = _hostile(kind, plugin)
    result = scan([plugin])
    assert BUG_AT in _located(result.findings)
    problems = [e.message for e in result.errors]
    assert problems == expected, problems

    # text: one warning line on stderr per problem; exit code follows the findings (the bug: 1)
    assert main(["scan", str(plugin)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) == len(expected) and all(line.startswith("wp-rest-lint: warning: ") for line in err)
    # JSON: an errors list
    main(["scan", str(plugin), "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert [e["message"] for e in data["errors"]] == problems
    assert ("plugin.php", 7, "WPR005") in {(f["path"], f["line"], f["code"]) for f in data["findings"]}
    # SARIF: toolExecutionNotifications naming the file
    main(["scan", str(plugin), "--format", "sarif"])
    log = sarif_check.assert_valid_sarif(capsys.readouterr().out)
    notes = log["runs"][0]["invocations"][0].get("toolExecutionNotifications", [])
    assert len(notes) == len(problems)
    for note, error in zip(notes, result.errors, strict=True):
        assert note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == error.path


def test_findings_in_odd_encodings_keep_their_lines(plugin: Path) -> None:
    body = BUG.split("\n", 1)[1]  # the route without '<?php'
    (plugin / "bom.php").write_bytes(b"\xef\xbb\xbf<?php\n" + body.replace("host/v1", "bom/v1").encode())
    (plugin / "crlf.php").write_bytes(("<?php\n" + body.replace("host/v1", "crlf/v1")).replace("\n", "\r\n").encode())
    (plugin / "cr.php").write_bytes(("<?php\n" + body.replace("host/v1", "cr/v1")).replace("\n", "\r").encode())
    (plugin / "latin1.php").write_bytes(("<?php // caf\xe9\n" + body.replace("host/v1", "l1/v1")).encode("latin-1"))
    # UTF-16 with a byte-order mark (either order), with CRLF and a non-ASCII comment, and without a mark.
    wide = "<?php // café ☕\n" + body.replace("host/v1", "w/v1")
    (plugin / "utf16le.php").write_bytes(b"\xff\xfe" + wide.replace("\n", "\r\n").encode("utf-16-le"))
    (plugin / "utf16be.php").write_bytes(b"\xfe\xff" + wide.encode("utf-16-be"))
    (plugin / "utf16-nobom.php").write_bytes(wide.encode("utf-16-le"))
    (plugin / "utf32.php").write_bytes(wide.encode("utf-32"))
    result = scan([plugin])
    located = {(f.span.path, f.span.line, f.span.column) for f in result.findings}
    for name in ("plugin.php", "bom.php", "crlf.php", "cr.php", "latin1.php", "utf16le.php", "utf16be.php", "utf16-nobom.php", "utf32.php"):
        assert (name, 7, 28) in located, (name, located)
    assert not any("binary" in e.message for e in result.errors), result.errors
    assert result.sources["utf16be.php"].line_text(1) == "<?php // café ☕"  # snippets show the text, not NULs


def test_syntax_error_in_the_middle_keeps_the_rest_of_the_file(plugin: Path) -> None:
    (plugin / "half.php").write_text(
        "<?php\n" + ROUTE.replace("'/y'", "'/before'") + "\nfunction broken( { $x = ;\n}\n" + ROUTE.replace("'/y'", "'/after'") + "\n"
    )
    result = scan([plugin])
    messages = " ".join(f.message for f in result.findings if f.span.path == "half.php")
    assert "/x/v1/before" in messages and "/x/v1/after" in messages


def test_non_utf8_file_names(plugin: Path, capsys) -> None:
    name = os.fsdecode(b"r\xe9sum\xe9.php")  # Latin-1 bytes on disk
    (plugin / name).write_text("<?php\n" + ROUTE + "\n")
    result = scan([plugin])
    assert (name, 2, "WPR005") in _located(result.findings)
    main(["scan", str(plugin), "--format", "json"])
    paths = {f["path"] for f in json.loads(capsys.readouterr().out)["findings"]}
    assert "r\ufffdsum\ufffd.php" in paths
    main(["scan", str(plugin), "--format", "sarif"])
    log = sarif_check.assert_valid_sarif(capsys.readouterr().out)
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in log["runs"][0]["results"]}
    assert "r%E9sum%E9.php" in uris
    assert main(["scan", str(plugin)]) == 1  # text output to a UTF-8 stream does not fail either
    assert "r\ufffdsum\ufffd.php:2:" in capsys.readouterr().out
    from analyzer.formatters import FORMATS

    for name in FORMATS:  # every format, and the baseline, take such a name
        assert main(["scan", str(plugin), "--format", name]) == 1, name
    assert main(["scan", str(plugin), "--write-baseline", str(plugin.parent / "b.json")]) == 0
    assert main(["scan", str(plugin), "--baseline", str(plugin.parent / "b.json")]) == 0  # and matches it again
    assert "internal error" not in capsys.readouterr().err


def test_unreadable_file(plugin: Path, monkeypatch) -> None:
    (plugin / "secret.php").write_text("<?php " + ROUTE)
    real = Path.read_bytes

    def read_bytes(self):
        if self.name == "secret.php":
            raise PermissionError(13, "Permission denied")
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    result = scan([plugin])
    assert BUG_AT in _located(result.findings)
    assert [(e.path, e.message) for e in result.errors] == [("secret.php", "cannot read: Permission denied")]


def test_file_that_disappears_during_the_scan(plugin: Path, monkeypatch) -> None:
    (plugin / "gone.php").write_text("<?php " + ROUTE)
    real = analyzer.scan.read_source

    def vanishing(root, rel, limit, stdin=None):
        if rel == "gone.php":
            (root / rel).unlink()
        return real(root, rel, limit, stdin)

    monkeypatch.setattr(analyzer.scan, "read_source", vanishing)
    result = scan([plugin])
    assert BUG_AT in _located(result.findings)
    assert [(e.path, e.message) for e in result.errors] == [("gone.php", "cannot read: No such file or directory")]


def test_a_file_as_path_and_a_missing_path(plugin: Path, capsys) -> None:
    (plugin / "other.php").write_text("<?php " + ROUTE)
    assert _located(scan([plugin / "plugin.php"]).findings) == [BUG_AT]
    assert main(["scan", str(plugin / "nope")]) == 2
    assert capsys.readouterr().err.strip() == f"wp-rest-lint: error: path does not exist: {plugin / 'nope'}"


def test_max_file_size_is_configurable(plugin: Path) -> None:
    (plugin / "big.php").write_text("<?php " + "// padding\n" * 20_000 + ROUTE + "\n")
    small = scan([plugin], ScanOptions(max_file_size=100_000))
    assert [e.message for e in small.errors] == ["larger than the 97.6562 KiB limit (--max-file-size): skipped"]
    assert ("big.php", 20_001, "WPR005") in _located(scan([plugin]).findings)
