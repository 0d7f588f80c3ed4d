"""WordPress core's own REST routes: the model resolves them, and no rule warns about them.

Uses Debian's ``wordpress`` package (``.ci/run`` installs it). Outside CI the test is skipped when the
package is absent; in CI (``CI=true``) a missing package fails the test instead of hiding it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from analyzer.scan import scan

CORE = Path(os.environ.get("WP_CORE_DIR", "/usr/share/wordpress"))
present = (CORE / "wp-includes" / "rest-api.php").is_file()

pytestmark = pytest.mark.skipif(
    not present and os.environ.get("CI") != "true", reason=f"WordPress core not installed at {CORE}"
)


@pytest.fixture(scope="module")
def core_scan():
    assert present, f"WordPress core missing at {CORE}: .ci/run installs Debian's wordpress package"
    return scan([CORE])


def test_core_routes_are_resolved(core_scan) -> None:
    # Akismet (wp-content/plugins) is analysed on its own; core is the rest.
    assert [(p.path, p.kind) for p in core_scan.plugins] == [("wp-content/plugins/akismet", "plugin"), ("", "files")]
    endpoints = [e for plugin in core_scan.plugins for e in plugin.model.rest_endpoints]
    assert len(endpoints) >= 100
    resolved = [e for e in endpoints if e.permission.status == "callable" and e.permission.callback.kind != "unknown"]
    assert len(resolved) / len(endpoints) >= 0.95
    paths = {e.path for e in endpoints}
    assert "/wp/v2/users/me" in paths and "/wp/v2/settings" in paths
    users_me = [e for e in endpoints if e.path == "/wp/v2/users/me" and e.methods == frozenset({"GET"})]
    assert users_me and users_me[0].permission.callback.name == "__return_true"


def test_core_has_no_findings_at_warning_or_above(core_scan) -> None:
    loud = [f"{f.span}: {f.code} {f.plain_message()}" for f in core_scan.findings if f.level in ("warning", "error")]
    assert loud == []


def test_core_sarif_is_byte_identical_across_runs_and_jobs(tmp_path, monkeypatch) -> None:
    from analyzer.cli import main

    assert present, f"WordPress core missing at {CORE}"
    monkeypatch.chdir(tmp_path)
    outputs = []
    for run, jobs in enumerate(("1", "1", "2")):
        out = tmp_path / f"run{run}.sarif"
        assert main(["scan", str(CORE), "--format", "sarif", "-o", str(out), "--jobs", jobs]) == 0
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1] == outputs[2]
