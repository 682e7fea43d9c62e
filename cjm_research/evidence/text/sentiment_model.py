"""Offline sentiment models: shipped Indonesian and English models stored as plain arrays.

Indonesian: word (1-2) and character (2-5, within words) TF-IDF features and a multinomial
logistic regression trained on the SmSA training split of IndoNLU (Apache-2.0). The fitted model
is stored as plain arrays (vocabularies, idf weights, coefficients) in
``resources/id_sentiment.npz``, not as a pickle, so it loads with any scikit-learn version.
Rebuild it with ``python benchmarks/eval_sentiment.py --rebuild``.

English: a multinomial logistic regression over four VADER features (customer compound, its
unsquashed valence, VADER's positive and negative shares) and the 384-number sentence embedding
of all-MiniLM-L6-v2 (:mod:`.encoder`, shipped as int8 ONNX). It is trained on the human-rated
tweets, movie-review and NYT snippets that ship with the vaderSentiment sdist (Hutto & Gilbert
2014, MIT), labelled by the mean rating with a neutral band of +-0.5 on the -4..4 scale. Amazon
product-review snippets are kept out of training and tuning, so they stay a held-out
customer-text set. The score is a blend of the model's P(positive) - P(negative) (weight 0.6)
and the customer VADER compound (0.4), labelled at +-0.2; C, the blend, the cut-off and the
feature blocks were chosen by leave-one-corpus-out cross-validation on the three training
corpora only. The embedding is what carries the model to new domains: the earlier word TF-IDF
model, trained the same way, did not beat VADER on product reviews. Stored in
``resources/en_sentiment.npz``; rebuild with ``python benchmarks/eval_sentiment.py --rebuild-en``.

VADER (Hutto & Gilbert 2014) with a customer-service lexicon
(``resources/en_customer_lexicon.tsv``) for complaints VADER misses ("still waiting", "on hold",
"cancelled", "refund") is both a feature of the English model and its baseline
(:func:`english_scores`).
"""

from __future__ import annotations

import csv
import re
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import normalize

from .encoder import DIMENSIONS, sentence_embeddings

RESOURCES = Path(__file__).with_name("resources")
ID_MODEL = RESOURCES / "id_sentiment.npz"
EN_LEXICON = RESOURCES / "en_customer_lexicon.tsv"
EN_MODEL = RESOURCES / "en_sentiment.npz"
LABELS = ["negative", "neutral", "positive"]

# Feature settings; chosen by 3-fold cross-validation on the SmSA training split only.
WORD = dict(ngram_range=(1, 2), min_df=2, max_features=40000)
CHAR = dict(analyzer="char_wb", ngram_range=(2, 5), min_df=3, max_features=40000)
C, CLASS_WEIGHT = 10.0, "balanced"
# English settings; chosen by leave-one-corpus-out CV over the tweets, movie and NYT corpora.
EN_C, EN_BAND, EN_BLEND, EN_CUTOFF = 0.3, 0.5, 0.6, 0.2
VADER_FEATURES = 4
MEMO_TEXTS = 200_000  # remembered English scores per process (a few MB)


def read_smsa(path) -> pd.DataFrame:
    """Read an SmSA file (no header, TAB, text and label; quotes are literal characters)."""
    return pd.read_csv(path, sep="\t", header=None, names=["text", "label"],
                       quoting=csv.QUOTE_NONE, dtype=str, keep_default_na=False)


def train_indonesian(texts, labels, *, random_state=0) -> dict:
    """Fit the Indonesian model and return it as plain arrays (see :func:`save_arrays`)."""
    word = TfidfVectorizer(sublinear_tf=True, **WORD).fit(texts)
    char = TfidfVectorizer(sublinear_tf=True, **CHAR).fit(texts)
    X = sp.hstack([word.transform(texts), char.transform(texts)]).tocsr()
    clf = LogisticRegression(C=C, class_weight=CLASS_WEIGHT, max_iter=3000,
                             random_state=random_state).fit(X, labels)
    order = [list(clf.classes_).index(label) for label in LABELS]
    return {
        "word_vocab": "\n".join(word.get_feature_names_out()),
        "char_vocab": "\n".join(char.get_feature_names_out()),
        "word_idf": word.idf_.astype(np.float32), "char_idf": char.idf_.astype(np.float32),
        "coef": clf.coef_[order].astype(np.float32),
        "intercept": clf.intercept_[order].astype(np.float32),
    }


def save_arrays(arrays: dict, path=ID_MODEL) -> Path:
    np.savez_compressed(path, **{k: np.asarray(v) for k, v in arrays.items()})
    return Path(path)


def tfidf_from_counts(counts, idf):
    """Sublinear TF-IDF with l2 rows, as ``TfidfVectorizer(sublinear_tf=True)`` computes it."""
    counts = counts.astype(np.float64)
    counts.data = 1 + np.log(counts.data)
    return normalize(counts.multiply(idf).tocsr())


def softmax(logits) -> np.ndarray:
    logits = logits - logits.max(axis=1, keepdims=True)
    p = np.exp(logits)
    return p / p.sum(axis=1, keepdims=True)


class IndonesianModel:
    """The shipped Indonesian model; ``predict_proba`` columns: negative, neutral, positive."""

    def __init__(self, path=ID_MODEL):
        with np.load(path, allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
        self.word = self._counter(str(arrays["word_vocab"]), WORD)
        self.char = self._counter(str(arrays["char_vocab"]), CHAR)
        self.word_idf, self.char_idf = arrays["word_idf"], arrays["char_idf"]
        self.coef, self.intercept = arrays["coef"], arrays["intercept"]

    @staticmethod
    def _counter(vocab: str, settings: dict) -> CountVectorizer:
        kept = {k: v for k, v in settings.items() if k in ("analyzer", "ngram_range")}
        return CountVectorizer(vocabulary=vocab.split("\n"), **kept)

    @staticmethod
    def _tfidf(counts, idf):
        return tfidf_from_counts(counts, idf)

    def predict_proba(self, texts) -> np.ndarray:
        texts = list(texts)
        X = sp.hstack([self._tfidf(self.word.transform(texts), self.word_idf),
                       self._tfidf(self.char.transform(texts), self.char_idf)]).tocsr()
        return softmax(X @ self.coef.T.astype(np.float64) + self.intercept)


@lru_cache(maxsize=1)
def indonesian_model() -> IndonesianModel:
    return IndonesianModel()


def indonesian_scores(texts) -> pd.DataFrame:
    """``label`` (most probable class) and ``score`` = P(positive) - P(negative), in -1..1."""
    proba = indonesian_model().predict_proba(texts)
    return pd.DataFrame({"label": np.array(LABELS)[proba.argmax(axis=1)],
                         "score": proba[:, 2] - proba[:, 0]})


# --------------------------------------------------------------------------- English

def _read_lexicon(path=EN_LEXICON) -> tuple[dict, dict]:
    """Single words go into VADER's lexicon; multi-word phrases become regex rules."""
    words, phrases = {}, {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        term, value = line.rsplit("\t", 1)
        (phrases if " " in term else words)[term.lower()] = float(value)
    return words, phrases


def _phrase_pattern(phrases: dict) -> re.Pattern:
    # One alternation inside a lookahead: a single pass that still finds overlapping phrases
    # ("still no" and "no response" in "still no response").
    alternatives = "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))
    return re.compile(rf"(?=\b({alternatives})\b)", re.IGNORECASE)


@lru_cache(maxsize=1)
def _vader(customer: bool):
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyzer = SentimentIntensityAnalyzer()
    if not customer:
        return analyzer, None
    words, phrases = _read_lexicon()
    analyzer.lexicon.update(words)
    return analyzer, (_phrase_pattern(phrases), phrases)


def _customer_compound(analyzer, phrases, text: str) -> float:
    return _phrase_shift(analyzer.polarity_scores(text)["compound"], phrases, text)


def _phrase_shift(compound: float, phrases, text: str) -> float:
    if phrases is None:
        return float(compound)
    pattern, values = phrases
    shift = sum(values[m.lower()] for m in {m.group(1).lower() for m in pattern.finditer(text)})
    # Phrases shift the score on VADER's -4..4 valence scale, squashed the way VADER squashes.
    if shift:
        raw = _unsquash(compound) + shift
        compound = raw / np.sqrt(raw * raw + 15)
    return float(compound)


def _unsquash(compound: float) -> float:
    compound = float(np.clip(compound, -0.9999, 0.9999))
    return compound * np.sqrt(15 / (1 - compound * compound))


def english_scores(texts, *, customer=True, threshold=0.05) -> pd.DataFrame:
    """VADER compound as ``score``; labels by VADER's own cut-offs (+-0.05).

    ``customer=False`` gives plain VADER (the peer method in the benchmarks).
    """
    analyzer, phrases = _vader(customer)
    scores = np.array([_customer_compound(analyzer, phrases, t) for t in texts], dtype=float)
    labels = np.where(scores >= threshold, "positive",
                      np.where(scores <= -threshold, "negative", "neutral"))
    return pd.DataFrame({"label": labels, "score": scores})


def band_labels(ratings, band=EN_BAND) -> np.ndarray:
    """Human mean ratings (-4..4) to labels: >= band positive, <= -band negative, else neutral."""
    ratings = np.asarray(ratings, dtype=float)
    return np.where(ratings >= band, "positive", np.where(ratings <= -band, "negative", "neutral"))


def vader_features(texts) -> np.ndarray:
    """Four columns per text: customer compound, its valence / 4, VADER pos and neg shares."""
    analyzer, phrases = _vader(True)
    rows = []
    for text in texts:
        shares = analyzer.polarity_scores(text)  # once per text: VADER is the slow part
        compound = _phrase_shift(shares["compound"], phrases, text)
        rows.append([compound, _unsquash(compound) / 4, shares["pos"], shares["neg"]])
    return np.array(rows, dtype=np.float64).reshape(-1, 4)


def english_features(texts) -> tuple[np.ndarray, np.ndarray]:
    """The English model's features, VADER (4) then the sentence embedding (384); and the compound.

    Word TF-IDF was tried as a third block and left out: in leave-one-corpus-out CV it added
    nothing (0.585 against 0.587 mean macro-F1), words learnt on films and editorials do not
    travel to other domains, and the embedding already carries the words' meaning.
    """
    texts = list(texts)
    dense = vader_features(texts)
    return np.hstack([dense, sentence_embeddings(texts).astype(np.float64)]), dense[:, 0]


def train_english(texts, ratings, *, band=EN_BAND, random_state=0) -> dict:
    """Fit the English model on human mean ratings; plain arrays as :func:`save_arrays` stores."""
    X, _ = english_features(texts)
    clf = LogisticRegression(C=EN_C, class_weight=CLASS_WEIGHT, max_iter=5000,
                             random_state=random_state).fit(X, band_labels(ratings, band))
    order = [list(clf.classes_).index(label) for label in LABELS]
    return {"coef": clf.coef_[order].astype(np.float32),
            "intercept": clf.intercept_[order].astype(np.float32),
            "blend": np.float32(EN_BLEND), "cutoff": np.float32(EN_CUTOFF),
            "embedding_dimensions": np.int32(DIMENSIONS)}


class EnglishModel:
    """The shipped English model; ``predict_proba`` columns: negative, neutral, positive."""

    def __init__(self, path=EN_MODEL):
        with np.load(path, allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
        self.coef, self.intercept = arrays["coef"], arrays["intercept"]
        self.blend, self.cutoff = float(arrays["blend"]), float(arrays["cutoff"])
        self._memo: dict[str, tuple[str, float]] = {}
        expected = VADER_FEATURES + DIMENSIONS
        if self.coef.shape[1] != expected:  # an npz from another encoder or an older layout
            raise ValueError(f"{path}: {self.coef.shape[1]} coefficients per class, expected "
                             f"{expected}; rebuild with benchmarks/eval_sentiment.py --rebuild-en")

    def _proba_and_compound(self, texts):
        X, compound = english_features(texts)
        proba = softmax(X @ self.coef.T.astype(np.float64) + self.intercept)
        return proba, compound

    def predict_proba(self, texts) -> np.ndarray:
        return self._proba_and_compound(texts)[0]

    def scores(self, texts) -> pd.DataFrame:
        """``score`` = blend of P(positive) - P(negative) and the customer VADER compound.

        A text scored once in this process is not encoded again: a report builds several maps
        and comparisons from the same quotes, and the encoder is the slow part. The model is
        fixed and each text is encoded alone, so a remembered score is the score.
        """
        texts = [str(t) for t in texts]
        known = {t: self._memo[t] for t in texts if t in self._memo}
        new = [t for t in dict.fromkeys(texts) if t not in known]
        if new:
            proba, compound = self._proba_and_compound(new)
            score = np.clip(self.blend * (proba[:, 2] - proba[:, 0])
                            + (1 - self.blend) * compound, -1, 1)
            labels = np.where(score >= self.cutoff, "positive",
                              np.where(score <= -self.cutoff, "negative", "neutral"))
            fresh = dict(zip(new, zip(labels.tolist(), score.tolist())))
            known.update(fresh)
            if len(self._memo) + len(fresh) > MEMO_TEXTS:
                self._memo.clear()
            self._memo.update(fresh)
        return pd.DataFrame({"label": [known[t][0] for t in texts],
                             "score": np.array([known[t][1] for t in texts], dtype=float)})


@lru_cache(maxsize=1)
def english_model() -> EnglishModel:
    return EnglishModel()


def english_model_scores(texts) -> pd.DataFrame:
    """The shipped English model's ``label`` and ``score`` (-1..1) for each text."""
    return english_model().scores(texts)
