"""The report fingerprint covers the code that made the report, not only the version string."""

import shutil
from pathlib import Path

import cjm_research
from cjm_research.reports import manifest as mf

PACKAGE = Path(cjm_research.__file__).resolve().parent
PARAMS = {"quarter": "2026Q3", "language": "en"}
INPUTS = {"study": {"path": "s.yml", "sha256": "ab", "bytes": 3}}


def test_code_hash_changes_with_any_package_file(tmp_path):
    copy = tmp_path / "cjm_research"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    before = mf.code_hash(copy)
    assert before == mf.code_hash(copy)            # deterministic
    target = copy / "evidence" / "metrics.py"
    target.write_text(target.read_text() + "\n# a one-line change\n")
    assert mf.code_hash(copy) != before
    (copy / "core" / "frameworks" / "default.yml").write_text("stages: []\n")
    assert len({before, mf.code_hash(copy)}) == 2


def test_fingerprint_changes_when_the_code_does(monkeypatch):
    now = mf.fingerprint(PARAMS, INPUTS)
    monkeypatch.setattr(mf, "code_hash", lambda root=None: "0" * 64)
    assert mf.fingerprint(PARAMS, INPUTS) != now


def test_code_hash_ignores_bytecode(tmp_path):
    copy = tmp_path / "pkg"
    (copy / "__pycache__").mkdir(parents=True)
    (copy / "a.py").write_text("x = 1\n")
    before = mf.code_hash(copy)
    (copy / "__pycache__" / "a.cpython-311.pyc").write_bytes(b"\0\1")
    assert mf.code_hash(copy) == before
