"""Every test gets a facts cache folder of its own: the CLI caches by default, and a test must neither write
to the user's cache nor be served what another test (perhaps with a patched extractor) stored."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _own_cache_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WP_REST_LINT_CACHE_DIR", str(tmp_path_factory.mktemp("facts-cache")))
