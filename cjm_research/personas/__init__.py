"""Data-driven personas: :class:`PersonaModel`, a scikit-learn estimator.

``model`` (the estimator), ``features`` (which columns, of which kind, cleaned and encoded),
``methods`` (the clustering methods, one k at a time), ``profiles``, ``stability`` (bootstrap
Jaccard), ``drift`` (between quarters, and priority), ``cards`` and ``spec`` (the YAML spec and
the stored model). Figures of a model are in :mod:`cjm_research.viz.personas`.
"""

from .model import PersonaModel

__all__ = ["PersonaModel"]
