"""Bands for reading cluster-validity figures, in one place for the models, figures and reports.

- Hennig (2007) reads a persona's mean bootstrap Jaccard as stable at 0.75 or more and as
  dissolved at 0.5 or less; in between it is doubtful.
- Kaufman & Rousseeuw (1990, *Finding groups in data*, ch. 2) read the mean silhouette width:
  above 0.70 a strong structure, 0.50-0.70 reasonable, 0.25-0.50 weak (possibly artificial),
  below 0.25 no substantial structure.
- Seed sensitivity is the adjusted Rand index between fits with different seeds; Steinley (2004,
  Psychological Methods 9) reads ARI >= 0.80 as good agreement, which is the bar here.

A persona is called ``stable`` only when all three hold: a high Jaccard alone shows that resamples
find it again, not that the data has personas (a weak structure is reproduced as faithfully as a
strong one by the same algorithm and seed).

Examples
--------
>>> from cjm_research.evidence.validity import jaccard_verdict, persona_reading, silhouette_band
>>> jaccard_verdict(0.8), jaccard_verdict(0.6), jaccard_verdict(0.4)
('stable', 'doubtful', 'dissolved')
>>> silhouette_band(0.25), silhouette_band(0.55)
('weak', 'reasonable')
>>> persona_reading(0.97, "weak", 0.95), persona_reading(0.97, "reasonable", 0.71), persona_reading(0.97, "strong", 0.9)
('repeatable_weak', 'seed_sensitive', 'stable')
"""

from __future__ import annotations

import math

STABLE, DISSOLVED = 0.75, 0.5
SILHOUETTE_BANDS = ((0.70, "strong"), (0.50, "reasonable"), (0.25, "weak"))  # else "none"
SEEDS_AGREE = 0.80
READINGS = ("stable", "repeatable_weak", "seed_sensitive", "doubtful", "dissolved")


def jaccard_verdict(jaccard: float) -> str:
    """Hennig's reading of a mean bootstrap Jaccard: ``stable``, ``doubtful`` or ``dissolved``."""
    return "stable" if jaccard >= STABLE else ("dissolved" if jaccard <= DISSOLVED else "doubtful")


def silhouette_band(silhouette: float) -> str:
    """Kaufman & Rousseeuw's band: ``strong``, ``reasonable``, ``weak``, ``none`` (or ``unknown`` for NaN)."""
    if silhouette is None or not math.isfinite(silhouette):
        return "unknown"
    return next((band for low, band in SILHOUETTE_BANDS if silhouette > low or
                 (band == "weak" and silhouette >= low)), "none")


def persona_reading(jaccard: float, structure: str, seed_ari_min: float | None) -> str:
    """What a persona's evidence supports, one of :data:`READINGS`.

    ``stable`` needs a Jaccard >= 0.75, a reasonable or strong structure and seeds that agree
    (minimum ARI >= 0.80). A persona resamples find again (high Jaccard) in a weak structure is
    ``repeatable_weak``; with seeds that disagree it is ``seed_sensitive``; otherwise Hennig's
    ``doubtful`` or ``dissolved``.
    """
    verdict = jaccard_verdict(jaccard)
    if verdict != "stable":
        return verdict
    if structure not in ("reasonable", "strong"):
        return "repeatable_weak"
    if seed_ari_min is not None and seed_ari_min < SEEDS_AGREE:
        return "seed_sensitive"
    return "stable"
