"""Discovery and the prefilter: which files are seen, skipped, parsed."""

from __future__ import annotations

import io
from pathlib import Path

from analyzer import prefilter, rules
from analyzer.outputs import use_color as _use_color
from analyzer.discover import discover
from analyzer.scan import ScanOptions, scan

ROUTE = "<?php register_rest_route( 'a/v1', '/x', array( 'methods' => 'DELETE', 'callback' => 'f' ) );\n"
FILTER = "<?php add_filter( 'rest_authentication_errors', '__return_true' );\n"


def _tree(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_default_excludes_gitignore_levels_and_user_excludes(tmp_path: Path) -> None:
    _tree(
        tmp_path,
        {
            "plugin.php": ROUTE,
            "includes/a.php": ROUTE,
            "includes/b.inc": ROUTE,
            "templates/c.phtml": ROUTE,
            "vendor/lib/x.php": ROUTE,
            "node_modules/pkg/y.php": ROUTE,
            "assets/app.min.js": "",
            "README.md": "register_rest_route",
            ".gitignore": "build/\n*.tmp.php\n",
            "build/z.php": ROUTE,
            "includes/old.tmp.php": ROUTE,
            "includes/.gitignore": "legacy/\n!keep.php\n",
            "includes/legacy/l.php": ROUTE,
            "tests/t.php": ROUTE,
        },
    )
    found = discover([tmp_path], excludes=["tests/"])
    assert found.files == ["includes/a.php", "includes/b.inc", "plugin.php", "templates/c.phtml"]
    assert found.problems == []


def test_a_file_path_scans_that_file(tmp_path: Path) -> None:
    _tree(tmp_path, {"plugin.php": ROUTE, "other.php": ROUTE})
    found = discover([tmp_path / "plugin.php"])
    assert found.root == tmp_path.resolve() and found.files == ["plugin.php"]


def test_prefilter_tokens_come_from_the_enabled_rules_queries() -> None:
    php = prefilter.tokens_for(rules.REGISTRY)
    assert {b"register_rest_route", b"rest_authentication_errors", b"wp_create_nonce", b"wp_localize_script"} <= set(php)
    assert prefilter.tokens_for(rules.select(["WPR007"], None)) == (
        b"rest_authentication_errors",
        b"rest_pre_dispatch",
        b"rest_request_before_callbacks",
    )
    assert prefilter.tokens_for(rules.select(["WPR007"], None), "js") == ()
    assert {b"fetch", b"axios", b"XMLHttpRequest", b"apiFetch", b"localStorage"} <= set(prefilter.tokens_for(rules.select(["WPR004"], None), "js"))
    assert prefilter.passes(b"<?php add_filter( 'rest_authentication_errors', 'f' );", (b"rest_authentication_errors",))
    assert not prefilter.passes(b"<?php echo 1;", (b"register_rest_route",))


def test_files_without_tokens_are_not_parsed(tmp_path: Path) -> None:
    _tree(tmp_path, {"routes.php": ROUTE, "auth.php": FILTER, "view.php": "<?php echo 'hello';\n"})
    everything = scan([tmp_path])
    assert (everything.stats.files_seen, everything.stats.files_passed, everything.stats.files_parsed) == (3, 2, 2)
    only_auth = scan([tmp_path], ScanOptions(select=["WPR007"]))
    assert (only_auth.stats.files_passed, only_auth.stats.files_parsed) == (1, 1)
    assert [f.code for f in only_auth.findings] == ["WPR007"]


def test_files_defining_what_routes_refer_to_are_parsed_on_demand(tmp_path: Path) -> None:
    _tree(
        tmp_path,
        {
            "plugin.php": "<?php register_rest_route( ACME_NS, '/x', array( 'methods' => 'POST', 'callback' => 'f', "
            "'permission_callback' => 'acme_allow' ) );\n",
            "includes/constants.php": "<?php define( 'ACME_NS', 'acme/v1' );\n",
            "includes/permissions.php": "<?php function acme_allow() { return true; }\n",
            "includes/unrelated.php": "<?php function acme_other() { return 1; }\n",
        },
    )
    result = scan([tmp_path])
    assert (result.stats.files_passed, result.stats.files_parsed) == (1, 3)
    assert sorted(result.sources) == ["includes/constants.php", "includes/permissions.php", "plugin.php"]
    (finding,) = result.findings
    assert finding.code == "WPR005" and "/acme/v1/x" in finding.message


class _Stream(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self._tty = tty

    def isatty(self) -> bool:
        return self._tty


def test_colour_only_on_a_terminal_and_never_with_no_color(monkeypatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    assert _use_color(_Stream(tty=True))
    assert not _use_color(_Stream(tty=False))
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert _use_color(_Stream(tty=False))
    monkeypatch.setenv("NO_COLOR", "1")
    assert not _use_color(_Stream(tty=True))


def test_text_colours_when_asked(capsys) -> None:
    from analyzer.formatters import OutputContext, render

    demo = Path(__file__).resolve().parent.parent / "fixtures" / "demo-plugin"
    coloured = render("text", scan([demo]), OutputContext(color=True))
    plain = render("text", scan([demo]), OutputContext(color=False))
    assert "\033[31m[error]\033[0m" in coloured and "\033[" not in plain


def test_vendor_code_is_read_for_definitions_but_never_reported(tmp_path: Path) -> None:
    _tree(
        tmp_path,
        {
            "plugin.php": "<?php\nclass Acme_Api { use Acme_Registers;\n"
            "  function init() { $this->register_all( 'acme/v1', array( '/orders' => array( 'methods' => 'POST',\n"
            "    'callback' => 'acme_save', 'permission_callback' => '__return_true' ) ) ); } }\n",
            "vendor/acme/utils/Registers.php": "<?php\ntrait Acme_Registers {\n"
            "  function register_all( $ns, $routes ) { foreach ( $routes as $path => $args ) {\n"
            "    register_rest_route( $ns, $path, $args ); } }\n"
            "  function sloppy() { register_rest_route( 'lib/v1', '/x', array( 'methods' => 'POST', 'callback' => 'f' ) ); } }\n",
        },
    )
    result = scan([tmp_path])
    assert [(f.code, f.span.path, f.span.line) for f in result.findings] == [("WPR005", "plugin.php", 4)]
    assert "vendor/acme/utils/Registers.php" in result.sources  # parsed for the trait
    assert result.stats.files_seen == 1  # the library is not part of what the scan reports on


def test_vendored_directories_under_other_names_are_library_code(tmp_path: Path) -> None:
    _tree(
        tmp_path,
        {
            ".gitignore": "vendor/\n",  # Composer's vendor/ is usually ignored by git, and still runs
            "composer.json": '{"config": {"vendor-dir": "inc/deps/"}, "extra": {"strauss": {}, "mozart": {"dep_directory": "/src/Deps/", "classmap_directory": "../outside/"}}}',
            "plugin.php": ROUTE,
            "vendor/a/b.php": ROUTE,
            "vendors/c.php": ROUTE,
            "vendor-prefixed/d.php": ROUTE,
            "vendor_prefixed/d2.php": ROUTE,
            "lib/vendor/e.php": ROUTE,
            "inc/deps/f.php": ROUTE,
            "src/Deps/g.php": ROUTE,
            "src/own.php": ROUTE,
            "sub/composer.json": '{"config": {"vendor-dir": "packages"}}',
            "sub/packages/h.php": ROUTE,
            "sub/own.php": ROUTE,
            "tools/composer.json": "{ not json",
            "tools/vendor-dir/i.php": ROUTE,
            "node_modules/x/j.php": ROUTE,
        },
    )
    found = discover([tmp_path])
    assert found.files == ["plugin.php", "src/own.php", "sub/own.php", "tools/vendor-dir/i.php"]
    assert found.library_dirs == ["inc/deps", "lib/vendor", "src/Deps", "sub/packages", "vendor", "vendor-prefixed", "vendor_prefixed", "vendors"]
    assert found.library_files == [
        "inc/deps/f.php", "lib/vendor/e.php", "src/Deps/g.php", "sub/packages/h.php", "vendor-prefixed/d.php", "vendor/a/b.php",
        "vendor_prefixed/d2.php", "vendors/c.php",
    ]
    assert found.problems == [("tools/composer.json", "cannot read composer.json: its vendor directories are scanned as plugin code")]
    result = scan([tmp_path])
    assert sorted({f.span.path for f in result.findings}) == ["plugin.php", "src/own.php", "sub/own.php", "tools/vendor-dir/i.php"]
    # --exclude wins: an excluded library is not even read; replacing the default excludes makes it plugin code
    assert "vendors/c.php" not in discover([tmp_path], ["vendors/"]).library_files
    assert "vendors/c.php" in discover([tmp_path], defaults=("node_modules/",)).files


def test_a_composer_directory_holding_the_plugins_own_autoloaded_code_stays_plugin_code() -> None:
    from analyzer.discover import composer_library_dirs

    # Mozart may copy classmap packages into the plugin's own src/ (autoloaded under the plugin's namespace),
    # while a dep_directory autoloaded under the vendored namespace is still library code.
    manifest = {
        "autoload": {"psr-4": {"Acme\\": "src/", "Acme\\Vendor\\": "libraries/"}},
        "extra": {"mozart": {"dep_namespace": "Acme\\Vendor\\", "dep_directory": "/libraries/", "classmap_directory": "/src/"}},
    }
    assert composer_library_dirs(manifest) == ["libraries"]
    assert composer_library_dirs({"extra": {"strauss": {"namespace_prefix": "Acme\\Deps\\"}}}) == ["vendor-prefixed"]
    assert composer_library_dirs({"config": {"vendor-dir": "$HOME/x"}}) == [] and composer_library_dirs([1]) == []
