"""The manifest of a quarterly report: what went in, with which software, and how long it took.

``manifest.json`` makes a report reproducible and lets the runner skip work: the *fingerprint* is
a hash of the parameters, the sha256 of every input file (study file, framework, the quarter files
used, future state, persona spec and the notebook itself), the package version and a hash of the
package's own files (:func:`code_hash`), so a change to the code that computes a report marks it
out of date even when the version string stays. A report whose manifest has the same fingerprint is
up to date.

Examples
--------
>>> a = fingerprint({"quarter": "2026Q3"}, {"study": {"path": "s.yml", "sha256": "ab"}})
>>> b = fingerprint({"quarter": "2026Q3"}, {"study": {"path": "moved/s.yml", "sha256": "ab"}})
>>> a == b, len(a)
(True, 64)
"""

from __future__ import annotations

import hashlib
import json
import platform
import subprocess
from datetime import datetime, timezone
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from ..core.errors import DataError

MANIFEST = "manifest.json"
MAIN_PACKAGES = ("cjm-research", "pandas", "numpy", "scipy", "scikit-learn", "statsmodels",
                 "matplotlib", "seaborn", "pandera", "papermill", "nbclient", "nbconvert", "ipykernel")


# The files whose content decides what a report computes: code, shipped frameworks and models.
CODE_SUFFIXES = (".py", ".yml", ".yaml", ".npz", ".tsv", ".txt", ".json", ".j2")


def code_hash(root: str | Path | None = None) -> str:
    """sha256 over the package's own files (relative path and content, in sorted order).

    Works the same in a git checkout, an editable install and an installed wheel. The package's
    own hash is computed once per process, since the code does not change under a running report;
    ``root`` hashes another folder (uncached).

    Examples
    --------
    >>> len(code_hash())
    64
    """
    if root is None:
        return _package_hash()
    return _tree_hash(Path(root))


@lru_cache(maxsize=1)
def _package_hash() -> str:
    return _tree_hash(Path(__file__).resolve().parents[1])


def _tree_hash(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.suffix in CODE_SUFFIXES and p.is_file()
                       and "__pycache__" not in p.parts):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(sha256_file(path).encode())
    return digest.hexdigest()


def sha256_file(path: str | Path) -> str:
    """The sha256 hex digest of a file, read in blocks so large event logs do not fill memory."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def input_files(config, quarter: str, *, previous: str | None, future_state, persona_spec,
                notebook: Path) -> dict[str, Path]:
    """Every file a report reads, by role (``study``, ``2026Q3.survey``, ``future_state``, ...)."""
    files = {"study": config.path, "framework": config.framework.path, "notebook": notebook}
    for q in [quarter] + ([previous] if previous else []):
        for kind, path in config.quarter_files(q).items():
            files[f"{q}.{kind}"] = path
    if future_state:
        files["future_state"] = Path(future_state)
    if persona_spec:
        files["persona_spec"] = Path(persona_spec)
        stored = Path(persona_spec).with_suffix(".joblib")  # the fitted model PersonaModel.save keeps
        if stored.is_file():
            files["persona_model"] = stored
    return {role: Path(path) for role, path in files.items() if path is not None}


def hash_inputs(files: dict[str, Path]) -> dict[str, dict]:
    """``{role: {"path", "sha256", "bytes"}}``; a missing file is a :class:`DataError` naming it."""
    missing = {role: str(path) for role, path in files.items() if not Path(path).is_file()}
    if missing:
        listed = "; ".join(f"{role}: {path}" for role, path in missing.items())
        raise DataError(f"report input file(s) not found ({listed}); check the paths in the study file.")
    return {role: {"path": str(Path(path).resolve()), "sha256": sha256_file(path),
                   "bytes": Path(path).stat().st_size} for role, path in files.items()}


# Parameters that are file paths: their content is in the inputs, so a moved study stays up to date.
PATH_PARAMETERS = ("study", "persona_spec", "future_state")


def fingerprint(parameters: dict, inputs: dict[str, dict]) -> str:
    """One hash of the parameters and the content of the inputs (paths do not count, content does)."""
    values = {k: v for k, v in parameters.items() if k not in PATH_PARAMETERS}
    # New code may compute differently, so a new release or any edit of the package (the version
    # string alone misses a development checkout) invalidates old reports too.
    payload = {"parameters": values, "inputs": {r: v["sha256"] for r, v in inputs.items()},
               "cjm-research": package_versions(["cjm-research"])["cjm-research"], "code": code_hash()}
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def package_versions(names=MAIN_PACKAGES) -> dict[str, str | None]:
    """Installed versions of the main libraries (``None`` when one is not installed)."""
    versions = {"python": platform.python_version()}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def git_commit(folder: str | Path | None = None) -> dict[str, str | bool] | None:
    """The project's git commit and whether the working tree had changes, or ``None`` outside git."""
    folder = Path(folder or Path(__file__).resolve().parent)
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=folder, capture_output=True,
                              text=True, timeout=10, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=folder,
                               capture_output=True, text=True, timeout=10, check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return {"commit": head, "dirty": bool(dirty)}


def utc_now() -> str:
    """The current time in UTC, ISO 8601 to the second."""
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def read_manifest(folder: str | Path) -> dict | None:
    """The manifest of a report folder, or ``None`` when it is absent or unreadable."""
    path = Path(folder) / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def write_json(path: str | Path, data: dict) -> Path:
    """Write JSON through a temporary file and :func:`os.replace`, so readers never see half a file."""
    import os

    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, indent=2, sort_keys=True, default=str) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path
