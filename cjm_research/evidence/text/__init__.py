"""Text evidence: PII redaction, sentiment (English and Indonesian), pain-point themes, quotes.

The work lives in short modules (``redaction``, ``language``, ``sentiment_model``, ``topics``);
this module is the public face that ``cjm.redact``, ``cjm.sentiment`` and ``cjm.themes`` point to.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...core.errors import check_choice
from .language import detect_language
from .redaction import redact, redact_series
from .sentiment_model import english_model_scores, indonesian_scores
from .themes import representative_quotes, themes

__all__ = ["redact", "redact_series", "sentiment", "detect_language", "themes",
           "representative_quotes"]


def _as_series(texts) -> pd.Series:
    if isinstance(texts, str):
        return pd.Series([texts], dtype=object)
    if isinstance(texts, pd.Series):
        return texts.astype(object)
    return pd.Series(list(texts), dtype=object)


def sentiment(texts, *, language="auto", default_language="en") -> pd.DataFrame:
    """Sentiment of each text: ``label`` (negative, neutral, positive) and ``score`` in -1..1.

    Works offline, from models shipped with the package (nothing is fetched). Indonesian:
    TF-IDF + logistic regression trained on SmSA reviews (score = P(positive) - P(negative)).
    English: logistic regression over VADER features and an all-MiniLM-L6-v2 sentence
    embedding (int8 ONNX, :mod:`.encoder`), trained on human-rated tweets, movie and NYT
    snippets; its P(positive) - P(negative) is blended with VADER's compound under a
    customer-service lexicon (label cut-off +-0.2). ``language="auto"`` detects English or
    Indonesian per text. Held-out figures against plain VADER and against VADER with the
    customer lexicon are printed by ``benchmarks/eval_sentiment.py``.

    Parameters
    ----------
    texts : str, list of str or Series
        Missing or empty texts get a missing label and score.
    language : {"auto", "en", "id"}
    default_language : {"en", "id"}
        Used by detection when a text has no evidence either way (e.g. "ok").

    Returns
    -------
    DataFrame
        ``text``, ``language``, ``label``, ``score``, with the index of ``texts``.

    Examples
    --------
    >>> sentiment(["Still waiting for my refund", "pelayanannya ramah dan cepat"])[
    ...     ["language", "label"]]
      language     label
    0       en  negative
    1       id  positive
    """
    check_choice("language", language, ["auto", "en", "id"])
    series = _as_series(texts)
    present = series.map(lambda t: isinstance(t, str) and bool(t.strip()))
    out = pd.DataFrame({"text": series, "language": pd.Series(pd.NA, index=series.index,
                                                               dtype=object),
                        "label": pd.Series(pd.NA, index=series.index, dtype=object),
                        "score": np.nan}, index=series.index)
    langs = series[present].map(lambda t: detect_language(t, default=default_language)) \
        if language == "auto" else pd.Series(language, index=series[present].index)
    out.loc[langs.index, "language"] = langs
    for code, scorer in (("en", english_model_scores), ("id", indonesian_scores)):
        idx = langs.index[langs == code]
        if len(idx):
            scores = scorer(series[idx].tolist())
            out.loc[idx, "label"] = scores["label"].to_numpy()
            out.loc[idx, "score"] = scores["score"].to_numpy()
    return out
