from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.runtime.websub.websub_support import Subscriber, serving_subscriber


@pytest.fixture
def subscriber() -> Iterator[Subscriber]:
    with serving_subscriber() as sub:
        yield sub
