"""Fixtures shared by the whole suite.

``shared`` is the team's data folder beside the checkout (``../shared``); tests that
need it skip when it is absent, as on a user's machine. ``sample_build`` builds the
bundled sample once per test session into a temporary folder.
"""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def shared() -> Path:
    if not (SHARED / "README.md").is_file():
        pytest.skip("../shared is not present beside the checkout")
    return SHARED


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory) -> Path:
    """The output folder of `kg build` on the bundled sample (built once)."""
    from kg.build import build_folder
    from kg.settings import Settings

    out = tmp_path_factory.mktemp("sample") / "outputs"
    build_folder([], out, settings=Settings(), progress=False)
    return out
