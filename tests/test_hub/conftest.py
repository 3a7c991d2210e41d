"""One real hub for the module's tests (starting one takes a few seconds)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.test_hub.hubfixture import RunningHub, running_hub


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningHub]:
    with running_hub(tmp_path_factory.mktemp("hub")) as running:
        yield running
