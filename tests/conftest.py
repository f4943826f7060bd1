"""Shared fixtures: the bundled referential, the real reference catalogues, a CLI runner."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
SEED = ROOT.parent / "shared" / "seeds" / "000_4ae4852c3e3a34cb.txt"
REFERENCE = ROOT.parent / "shared" / "reference"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA


@pytest.fixture(scope="session")
def seed_page() -> Path:
    if not SEED.exists():
        pytest.skip(f"seed page not found at {SEED}")
    return SEED


@pytest.fixture(scope="session")
def reference_dir() -> Path:
    if not REFERENCE.exists():
        pytest.skip(f"reference catalogues not found at {REFERENCE}")
    return REFERENCE


@pytest.fixture(scope="session")
def referential(data_dir: Path):  # type: ignore[no-untyped-def]
    from rome_export.sources import load

    return load(data_dir)


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()
