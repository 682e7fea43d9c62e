"""The layout is checked, not hoped for: one-way rooms, no cycles, no reaching into private names."""

import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import cjm_research

PACKAGE = Path(cjm_research.__file__).resolve().parent
ROOT = PACKAGE.parent
LINT = Path(sys.executable).with_name("lint-imports")
ROOMS = ["core", "io", "evidence", "viz", "events", "personas", "study", "journey", "widgets",
         "reports", "datasets"]


def lint(root: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run([str(LINT), "--config", str(root / "pyproject.toml"), "--no-cache"],
                          cwd=root, env=env, capture_output=True, text=True, timeout=120)


def test_ls_shows_the_flow():
    entries = {p.name for p in PACKAGE.iterdir() if not p.name.startswith((".", "_"))}
    assert set(ROOMS) <= entries
    modules = {p.stem for p in PACKAGE.glob("*.py")} - {"__init__"}
    assert modules == {"cli"}, f"flat modules outside the rooms: {sorted(modules - {'cli'})}"


@pytest.mark.skipif(not LINT.exists(), reason="import-linter is not installed")
def test_lint_imports_keeps_every_contract():
    result = lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "BROKEN" not in result.stdout


@pytest.mark.skipif(not LINT.exists(), reason="import-linter is not installed")
@pytest.mark.parametrize("module,line,contract", [
    # a bottom room importing a top one
    ("core/yamlio.py", "from ..journey import map as _m  # noqa", "Rooms are one-way"),
    # two modules of one room importing each other
    ("core/yamlio.py", "from . import framework as _f  # noqa", "No import cycles"),
])
def test_lint_imports_fails_on_a_wrong_import(tmp_path, module, line, contract):
    copy = tmp_path / "cjm_research"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    target = copy / module
    target.write_text(target.read_text() + f"\n{line}\n")
    result = lint(tmp_path)
    assert result.returncode == 1
    assert re.search(rf"{contract}.*BROKEN", result.stdout), result.stdout


def _private_uses(path: Path):
    """(line, text) of every use of another module's private name in one source file."""
    tree = ast.parse(path.read_text(), filename=str(path))
    own = {node.name for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.ClassDef,
                                                                      ast.AsyncFunctionDef))}
    targets = [t for node in ast.walk(tree) if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign))
               for t in (node.targets if isinstance(node, ast.Assign) else [node.target])]
    targets += [e for t in targets if isinstance(t, ast.Tuple) for e in t.elts]   # a, self._b = ...
    own |= {t.attr for t in targets if isinstance(t, ast.Attribute)}
    own |= {t.id for t in targets if isinstance(t, ast.Name)}      # module names, dataclass fields
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if alias.name.startswith("_") and not alias.name.startswith("__"):
                    yield node.lineno, f"from {'.' * node.level}{node.module or ''} import {alias.name}"
        elif isinstance(node, ast.Attribute):
            name = node.attr
            # `_` alone is public API (Ibis's deferred column, `ibis._`), not a private name
            private = name.startswith("_") and not name.startswith("__") and name != "_"
            protocol = re.fullmatch(r"_repr_\w+_", name)   # IPython's display protocol
            mine = isinstance(node.value, ast.Name) and node.value.id in {"self", "cls"}
            if private and not protocol and not mine and name not in own:
                yield node.lineno, ast.unparse(node)


def test_no_module_reaches_into_another_modules_private_names():
    found = [f"{path.relative_to(ROOT)}:{line}: {text}" for path in sorted(PACKAGE.rglob("*.py"))
             for line, text in _private_uses(path)]
    assert not found, "private names used across modules:\n" + "\n".join(found)


def test_the_private_name_check_sees_a_violation(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from .persona import _helper\n\ndef f(model):\n    return model._cache\n")
    assert [line for line, _ in _private_uses(bad)] == [1, 4]


# The first version's names that now only warn and call the renamed function (kept so notebooks
# written for it still run): module -> names.
DEPRECATED_SHIMS = {"cjm_research/viz/maps.py": {"blueprint", "day_in_the_life"},
                    "cjm_research/evidence/metrics.py": {"compare"}}


def test_one_name_one_thing():
    """Two public functions or classes with the same name do the same thing: here, there are none."""
    seen: dict[str, list[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = str(path.relative_to(ROOT))
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and not node.name.startswith("_") \
                    and node.name not in DEPRECATED_SHIMS.get(rel, ()):
                seen.setdefault(node.name, []).append(rel)
    # io/__init__.load_event_frame is the lazy door to io.events.load_event_frame, the same function
    twice = {name: where for name, where in seen.items() if len(where) > 1 and name != "load_event_frame"}
    assert not twice, twice


def test_deprecated_shims_warn():
    import warnings

    from cjm_research.evidence import metrics
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        metrics.compare([1, 2, 3, 4], [2, 3, 4, 5], metric="ces")
    assert any(issubclass(w.category, FutureWarning) for w in caught)
