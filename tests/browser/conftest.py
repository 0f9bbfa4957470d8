"""The ``driver`` fixture: one offline headless chromium for all browser tests."""

from __future__ import annotations

import pytest

from browser.chromium import chromium


@pytest.fixture(scope="session")
def driver():
    with chromium() as browser:
        yield browser
