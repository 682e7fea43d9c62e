"""Shared fixtures: the real third-party data folder and one demo study per test session."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")  # figures in tests never need a screen

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("CJM_SHARED_DATA", ROOT.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data``; tests that use it skip cleanly when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real third-party data not found at {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory) -> Path:
    """A demo study written once per session (deterministic, so every test sees the same data)."""
    from cjm_research.datasets.demo import make_demo

    out = tmp_path_factory.mktemp("demo")
    make_demo(out)
    return out


@pytest.fixture(scope="session")
def demo_study_path(demo_dir) -> Path:
    return demo_dir / "study.yml"


@pytest.fixture(scope="session")
def truth(demo_dir) -> dict:
    import json

    return json.loads((demo_dir / "truth.json").read_text(encoding="utf-8"))
