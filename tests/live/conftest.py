"""The live lab, started once per session and stopped by pid when the session ends (also on failure)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.live import lab as lab_module

LIVE = Path(__file__).resolve().parent
PROBES = {p.name: p for p in sorted((LIVE / "probes").iterdir()) if p.is_dir()}


def pytest_collection_modifyitems(items) -> None:
    for item in items:
        if Path(str(item.fspath)).resolve().is_relative_to(LIVE):
            item.add_marker(pytest.mark.live)


@pytest.fixture(scope="session")
def lab(tmp_path_factory, request):
    reason = lab_module.missing()
    if reason is None:
        try:
            import websockets  # noqa: F401
        except ImportError:
            reason = "live suite needs the websockets package: pip install -e '.[test]'"
    if reason is not None:
        pytest.skip(reason)
    running = lab_module.Lab(tmp_path_factory.mktemp("wprl-lab"))
    request.addfinalizer(running.stop)
    running.start(PROBES, LIVE / "pages")
    return running


@pytest.fixture(scope="session")
def browser(lab):
    from tests.live import cdp

    started = cdp.start(lab.processes, lab.root)
    yield started
    started.close()
