"""Bootstrap stability of personas (Hennig's clusterwise Jaccard).

Hennig (2007, "Cluster-wise assessment of cluster stability", Computational Statistics & Data
Analysis 52) refits the clustering on bootstrap resamples and, for each original cluster, takes the
Jaccard similarity with the most similar cluster of the resample (on the respondents drawn). The
mean over resamples reads: >= 0.75 stable, <= 0.5 dissolved, in between doubtful.

A persona made by merging clusters is compared with the union of the resample's clusters that sit
mostly inside it as well, so a merge is not punished for being a union. The overall adjusted Rand
index compares the original clustering (before merges) with each resample's on the same people.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.metrics import adjusted_rand_score
from tqdm.auto import tqdm

from ..evidence.validity import DISSOLVED
from ..evidence.validity import jaccard_verdict as reading


def bootstrap_jaccard(refit, raw: np.ndarray, mapping: np.ndarray, *, n_boot: int = 30, seed: int = 0,
                      progress: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Per-persona Jaccard of each resample (``n_boot x personas``) and the ARI of each resample.

    Parameters
    ----------
    refit : callable
        ``refit(index, seed) -> labels`` clusters the rows ``index`` (with repeats) again.
    raw : array of int
        Original cluster of each row (before merges).
    mapping : array of int
        Persona of each original cluster.
    """
    rng = np.random.default_rng(seed)
    persona = mapping[raw]
    k = int(mapping.max()) + 1
    jac, ari = np.zeros((n_boot, k)), np.zeros(n_boot)
    for b in tqdm(range(n_boot), desc="bootstrap stability", disable=not progress, leave=False):
        index = rng.integers(0, len(raw), len(raw))
        boot = refit(index, seed + b + 1)
        uniq, first = np.unique(index, return_index=True)  # a repeated respondent counts once
        jac[b] = _best_jaccard(persona[uniq], boot[first], mapping, k)
        ari[b] = adjusted_rand_score(raw[uniq], boot[first])
    return jac, ari


def _best_jaccard(persona: np.ndarray, boot: np.ndarray, mapping: np.ndarray, k: int) -> np.ndarray:
    table = pd.crosstab(persona, boot).reindex(range(k), fill_value=0).to_numpy()
    sizes_p, sizes_b = table.sum(axis=1), table.sum(axis=0)
    single = table / np.maximum(sizes_p[:, None] + sizes_b[None, :] - table, 1)
    best = single.max(axis=1)
    home = table.argmax(axis=0)  # the persona each resample cluster mostly falls into
    for p in range(k):
        if (mapping == p).sum() > 1 and (home == p).any():
            inter, union_b = table[p, home == p].sum(), sizes_b[home == p].sum()
            best[p] = max(best[p], inter / max(sizes_p[p] + union_b - inter, 1))
    return best


def stability_frame(jac: np.ndarray, ari: np.ndarray, names: list[str]) -> pd.DataFrame:
    """A row per persona: mean Jaccard, its spread, share of resamples where it dissolved, Hennig's reading.

    ``jaccard_reading`` is Hennig's band alone; ``reading`` starts as the same and
    :meth:`PersonaModel.stability` replaces it by the reading that weighs the structure too.
    """
    mean = jac.mean(axis=0)
    frame = pd.DataFrame({"persona": range(len(names)), "name": names, "jaccard": mean,
                          "jaccard_sd": jac.std(axis=0), "dissolved_share": (jac <= DISSOLVED).mean(axis=0),
                          "jaccard_reading": [reading(v) for v in mean], "reading": [reading(v) for v in mean],
                          "ari": float(ari.mean())})
    frame.attrs["ari"] = float(ari.mean())
    frame.attrs["n_boot"] = len(ari)
    return frame
