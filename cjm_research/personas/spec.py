"""The persona spec: a readable YAML file plus the fitted model stored next to it with joblib.

The YAML holds what a researcher decides (features, method, k, seed, cleaning options, merges,
names) and can be edited by hand; names edited there win over the stored model's. Refitting a
spec (``PersonaModel.load(path, fitted=False).fit(df)``) on the same data gives the same personas.
The joblib file keeps the encoded features, not the raw survey, so free text never travels with it.
"""

from __future__ import annotations

import copy
from pathlib import Path

import joblib
import yaml

from ..core.errors import ConfigError
from ..core.yamlio import read_yaml, require

KEYS = {"features", "method", "k", "k_chosen_by", "random_state", "min_category_share", "outlier_fence",
        "id_column", "merges", "names", "model"}


def save_model(model, path) -> Path:
    """Write ``path`` (YAML spec) and ``path.with_suffix('.joblib')`` (the fitted model)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    store = path.with_suffix(".joblib")
    spec = {**model.spec(), "model": store.name}
    header = "# Persona spec written by cjm_research.PersonaModel.save; names may be edited.\n"
    path.write_text(header + yaml.safe_dump(spec, sort_keys=False, allow_unicode=True), encoding="utf-8")
    slim = copy.copy(model)
    slim.data_, slim.X_, slim._mixed, slim._tree, slim._tree_for, slim.fits_ = (None,) * 6
    slim._cache = {}
    joblib.dump(slim, store, compress=3)
    return path


def load_model(cls, path, *, fitted: bool = True):
    """Read a spec; return the stored fitted model (names from the YAML) or an unfitted model."""
    path = Path(path)
    spec = read_yaml(path)
    unknown = sorted(set(spec) - KEYS)
    if unknown:
        raise ConfigError(f"{path}: unknown keys {unknown}; a persona spec has {sorted(KEYS)}.")
    features = require(spec, "features", path, kind=(dict, list))
    names = spec.get("names")
    if names is not None and not isinstance(names, list):
        raise ConfigError(f"{path}: key 'names' must be a list of persona names.")
    store = path.parent / str(spec.get("model") or path.with_suffix(".joblib").name)
    if fitted and store.exists():
        return _restore(joblib.load(store), names, path)
    model = cls(features, k=require(spec, "k", path, kind=int), method=require(spec, "method", path, kind=str),
                random_state=int(spec.get("random_state", 0)),
                min_category_share=float(spec.get("min_category_share", 0.01)),
                outlier_fence=spec.get("outlier_fence", 3.0), id_column=spec.get("id_column"),
                names=names, merges=_merges(spec.get("merges") or [], path))
    return model


def _merges(merges, path: Path) -> list[dict]:
    for i, m in enumerate(merges):
        if not isinstance(m, dict) or not isinstance(m.get("personas"), list):
            raise ConfigError(f"{path}: key 'merges[{i}]' must be a mapping with a 'personas' list.")
    return merges


def _restore(model, names, path: Path):
    model.X_ = model.preprocessor_.transform(model.clean_)
    model._cache = {}
    model._mixed = model._mixed_matrix(model.clean_, model.X_) if model.method == "kprototypes" else None
    if names is not None:
        if len(names) != model.k_:
            raise ConfigError(f"{path}: key 'names' lists {len(names)} names but the model has {model.k_} personas.")
        model.rename(list(names))
    return model
