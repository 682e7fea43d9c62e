"""The persona spec: a readable YAML file plus the fitted model stored next to it with joblib.

The YAML holds what a researcher decides (features, method, k, seed, cleaning options, merges,
names) and can be edited by hand; names edited there win over the stored model's. Refitting a
spec (``PersonaModel.load(path, fitted=False).fit(df)``) on the same data gives the same personas.

The joblib file holds :meth:`PersonaModel.stored`: the parameters, cleaning rules, encoder and
fitted clusterer, and for the fitted respondents their **cleaned persona feature values** (the
feature columns only), their **ids** (``id_column``) and persona labels, which is what ``predict``,
``profile``, ``stability``, ``drift`` and ``cards`` need. It does not hold the input survey (so no
free text and no other survey column travels with it), the encoded matrix (rebuilt on load) or
the fits of other k. Treat it as personal data when the ids or features are.

Models stored before the package layout moved name old module paths (``cjm_research.persona_methods``
and the like); :func:`load_model` maps them through :data:`LEGACY_MODULES` while unpickling.
"""

from __future__ import annotations

import importlib
import sys
from contextlib import contextmanager
from pathlib import Path

import joblib
import yaml

from ..core.errors import ConfigError
from ..core.yamlio import read_yaml, require

KEYS = {"features", "method", "k", "k_chosen_by", "random_state", "min_category_share", "outlier_fence",
        "id_column", "merges", "names", "model", "max_fit_rows"}

# Module paths named by models stored before the layout move, and where those classes live now.
LEGACY_MODULES = {
    "cjm_research.persona_methods": "cjm_research.personas.methods",
    "cjm_research.persona_features": "cjm_research.personas.features",
    "cjm_research.persona_profiles": "cjm_research.personas.profiles",
    "cjm_research.persona_stability": "cjm_research.personas.stability",
    "cjm_research.persona_drift": "cjm_research.personas.drift",
    "cjm_research.persona_cards": "cjm_research.personas.cards",
    "cjm_research.persona_spec": "cjm_research.personas.spec",
    "cjm_research.persona_plots": "cjm_research.viz.personas",
}


def save_model(model, path) -> Path:
    """Write ``path`` (YAML spec) and ``path.with_suffix('.joblib')`` (the fitted model)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    store = path.with_suffix(".joblib")
    spec = {**model.spec(), "model": store.name}
    header = "# Persona spec written by cjm_research.PersonaModel.save; names may be edited.\n"
    path.write_text(header + yaml.safe_dump(spec, sort_keys=False, allow_unicode=True), encoding="utf-8")
    joblib.dump(model.stored(), store, compress=3)
    return path


@contextmanager
def legacy_modules():
    """Make the old module paths of :data:`LEGACY_MODULES` importable while a stored model loads.

    The aliases live in ``sys.modules`` only inside the ``with`` block, so the package itself never
    offers the old modules.
    """
    added = [old for old in LEGACY_MODULES if old not in sys.modules]
    for old in added:
        sys.modules[old] = importlib.import_module(LEGACY_MODULES[old])
    try:
        yield
    finally:
        for old in added:
            sys.modules.pop(old, None)


def read_store(store: Path):
    """Unpickle a stored model, mapping old module paths to new ones."""
    with legacy_modules():
        return joblib.load(store)


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
        return _restore(read_store(store), names, path)
    model = cls(features, k=require(spec, "k", path, kind=int), method=require(spec, "method", path, kind=str),
                random_state=int(spec.get("random_state", 0)),
                min_category_share=float(spec.get("min_category_share", 0.01)),
                outlier_fence=spec.get("outlier_fence", 3.0), id_column=spec.get("id_column"),
                max_fit_rows=spec.get("max_fit_rows"),  # specs without the key were fitted on every row
                names=names, merges=_merges(spec.get("merges") or [], path))
    return model


def _merges(merges, path: Path) -> list[dict]:
    for i, m in enumerate(merges):
        if not isinstance(m, dict) or not isinstance(m.get("personas"), list):
            raise ConfigError(f"{path}: key 'merges[{i}]' must be a mapping with a 'personas' list.")
    return merges


def _restore(model, names, path: Path):
    model.restored()
    if names is not None:
        if len(names) != model.k_:
            raise ConfigError(f"{path}: key 'names' lists {len(names)} names but the model has {model.k_} personas.")
        model.rename(list(names))
    return model
