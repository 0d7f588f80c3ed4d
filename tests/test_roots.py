"""Plugins and themes are found the way WordPress finds them, and each is analysed on its own."""

from __future__ import annotations

import json
from pathlib import Path

from analyzer import roots
from analyzer.cli import main
from analyzer.scan import scan

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
PROJECT = FIXTURES / "projects" / "shared-global"
HEADER = "<?php\n/**\n * Plugin Name: {name}\n */\n"


def _tree(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)


def test_outermost_header_wins_and_plugin_folders_are_containers(tmp_path: Path) -> None:
    _tree(
        tmp_path,
        {
            "plugins/acme/acme.php": HEADER.format(name="Acme"),
            # a bundled library with its own header belongs to the plugin that ships it
            "plugins/acme/lib/action-scheduler/action-scheduler.php": HEADER.format(name="Action Scheduler"),
            "plugins/acme/includes/rest.php": "<?php\n",
            "plugins/hello.php": HEADER.format(name="Hello"),
            "themes/acme-theme/functions.php": "<?php\n",
            "themes/acme-theme/style.css": "/*\nTheme Name: Acme Theme\n*/\n",
            "themes/no-theme/functions.php": "<?php\n",
            # core documents the header with an example; its folders never hold a plugin
            "wp-admin/includes/plugin.php": "<?php\n/**\n * Reads the header:\n *\n *     /*\n *     Plugin Name: Name of the plugin.\n */\n",
        },
    )
    files = ["plugins/acme/acme.php", "plugins/acme/includes/rest.php", "plugins/acme/lib/action-scheduler/action-scheduler.php",
             "plugins/hello.php", "themes/acme-theme/functions.php", "themes/no-theme/functions.php", "wp-admin/includes/plugin.php"]
    found = roots.find(tmp_path, files)
    assert found == [
        roots.Root("plugins/acme", "plugin", "Acme", "plugins/acme/acme.php"),
        roots.Root("themes/acme-theme", "theme", "Acme Theme", "themes/acme-theme/style.css"),
    ]
    assert roots.owner("plugins/acme/lib/action-scheduler/action-scheduler.php", found) == found[0]
    assert roots.owner("plugins/hello.php", found) is None  # a single-file plugin sits in the container
    assert roots.enclosing(tmp_path / "plugins/acme/lib/action-scheduler/action-scheduler.php", tmp_path) == tmp_path / "plugins/acme"


def test_header_is_read_as_get_file_data_reads_it(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "main.php").write_text("<?php /* Plugin Name: Acme A */\n")
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "main.php").write_text("<?php\n" + "// filler\n" * 1000 + "/* Plugin Name: Too Late */\n")
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "main.php").write_text("<?php\n$x = 'Plugin Name: not at the start of a line';\n")
    assert roots.root_at(tmp_path / "a") == ("plugin", "Acme A", "main.php")
    assert roots.root_at(tmp_path / "b") is None  # past the first 8 KiB, WordPress does not see it
    assert roots.root_at(tmp_path / "c") is None


def test_plugins_sharing_a_js_global_are_analysed_apart() -> None:
    """Two plugins print acmeSettings; analysed together, the wrong-action nonce of one was lost."""
    result = scan([PROJECT])
    assert [(p.path, p.kind) for p in result.plugins] == [
        ("wp-content/plugins/acme-notes", "plugin"),
        ("wp-content/plugins/acme-tasks", "plugin"),
        ("wp-content/themes/acme-theme", "theme"),
        ("", "files"),
    ]
    assert ("WPR001", "wp-content/plugins/acme-tasks/js/tasks.js") in {(f.code, f.span.path) for f in result.findings}


def test_json_and_text_say_where_each_file_belongs(capsys, monkeypatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    main(["scan", str(PROJECT), "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert {f["path"]: f["plugin"] for f in data["findings"]} == {
        "wp-content/plugins/acme-tasks/js/tasks.js": "wp-content/plugins/acme-tasks",
        "wp-content/themes/acme-theme/functions.php": "wp-content/themes/acme-theme",
        "wp-content/plugins/hello.php": None,
    }
    assert data["plugins"][1] == {
        "path": "wp-content/plugins/acme-tasks", "kind": "plugin", "name": "Acme Tasks",
        "main_file": "wp-content/plugins/acme-tasks/acme-tasks.php", "files": 2,
    }
    monkeypatch.chdir(PROJECT)
    main(["scan", "."])
    assert capsys.readouterr().out.rstrip().endswith(
        "Analysed each plugin and theme on its own: wp-content/plugins/acme-notes (plugin Acme Notes), "
        "wp-content/plugins/acme-tasks (plugin Acme Tasks), wp-content/themes/acme-theme (theme Acme Theme); "
        "1 file outside them."
    )


def test_only_files_analyses_the_plugin_the_file_belongs_to(tmp_path: Path, capsys, monkeypatch) -> None:
    """A commit touching one plugin file in a repository that also holds core (here: many other PHP
    files) analyses that plugin only."""
    (tmp_path / ".git").mkdir()
    _tree(tmp_path, {f"wp-includes/core-{i}.php": "<?php register_rest_route( 'wp/v2', '/x', array( 'methods' => 'DELETE', 'callback' => 'f' ) );\n" for i in range(30)})
    _tree(tmp_path, {
        "wp-content/plugins/acme/acme.php": HEADER.format(name="Acme") + "require __DIR__ . '/perm.php';\n"
        "register_rest_route( 'acme/v1', '/x', array( 'methods' => 'GET', 'callback' => 'f', 'permission_callback' => 'acme_perm' ) );\n",
        "wp-content/plugins/acme/perm.php": "<?php\nfunction acme_perm() {\n\treturn get_current_user_id();\n}\n",
    })
    monkeypatch.chdir(tmp_path)
    assert main(["scan", "--only-files", "wp-content/plugins/acme/perm.php", "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert [(f["code"], f["path"]) for f in data["findings"]] == [("WPR016", "perm.php")]  # relative to the plugin
    assert data["summary"]["files_seen"] == 2  # core's 30 files were not read
    monkeypatch.setenv("NO_COLOR", "1")
    main(["scan", "--only-files", "wp-content/plugins/acme/perm.php"])
    assert capsys.readouterr().out.startswith("wp-content/plugins/acme/perm.php:3:2: WPR016 [error]")
