"""Pain-point themes from open answers and interview excerpts: TF-IDF + NMF, bilingual.

Texts are tokenised, stripped of English (scikit-learn plus spoken fillers and contractions),
Indonesian (Sastrawi plus informal spellings and fillers) and French stop words, and texts in
neither English nor Indonesian are left out (theme 0); Indonesian words are stemmed with Sastrawi so "pembayaran", "membayar"
and "bayar" count as one term. Each theme is labelled by its top terms (shown in their most
frequent written form, not as bare stems), counted per group (stage, persona), and illustrated
by its most representative quotes, redacted before they leave this module.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from functools import lru_cache

import numpy as np
import pandas as pd
from sklearn.decomposition import NMF
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sklearn.metrics import silhouette_score

from ...core.errors import DataError, ParameterError, check_choice, preview
from .language import detect_language
from .redaction import redact_series

# Letters of any alphabet, so "données" is one token (not the cut stem "donn").
TOKEN = re.compile(r"[^\W\d_](?:[^\W\d_]|['-])*[^\W\d_]")
# Informal Indonesian that Sastrawi's stop-word list does not cover; they carry no theme.
ID_INFORMAL = set("""yg dgn utk tdk gak nggak ga enggak engga udah sudah aja saja sih dong deh kok
nya banget bgt sy aku gue gw kak min kalo kalau jg juga lg lagi krn karena tp tapi sdh blm belum
bisa ada mau ini itu ya iya nih tuh kan pun lah ternyata sebenarnya pokoknya gitu begitu kayak
gimana terus jadi yah dll soalnya emang memang""".split())
# Spoken English fillers and contractions (transcripts): scikit-learn's list has neither.
EN_FILLERS = set("""yeah yes yep okay ok um uh uhm hmm er ah oh like just really actually basically
kind sort lot lots thing things stuff know think mean guess gonna wanna gotta maybe probably right
it's that's there's i'm i've i'd i'll you're you've we're we've they're they've don't doesn't didn't
can't isn't wasn't aren't won't wouldn't couldn't shouldn't let's what's""".split())
# French stop words: a transcript in French must not make a theme of "donc, fait, dans, des".
FR_STOP = set("""le la les un une des du de dans et est en que qui pour pas sur au aux avec ce cette ces
mais ou donc car ne se sa son ses leur leurs nous vous ils elles il elle on je tu très fait faire
être avoir a ont été comme plus tout tous alors aussi bien là ça c'est quand même peu""".split())
K_RANGE = range(2, 9)


@lru_cache(maxsize=1)
def _stemmer():
    from Sastrawi.Dictionary.ArrayDictionary import ArrayDictionary
    from Sastrawi.Stemmer.Stemmer import Stemmer
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    # Sastrawi keeps its 30,000 root words in a list, so every lookup is a linear scan (about
    # 0.1 s per affixed word); the same words in a set give identical stems hundreds of times
    # faster.
    dictionary = ArrayDictionary()
    dictionary.words = {w for w in StemmerFactory().get_words() if w.strip()}
    return Stemmer(dictionary)


@lru_cache(maxsize=None)
def stem_id(token: str) -> str:
    """Sastrawi stem of one Indonesian token; cached because Sastrawi is slow per call."""
    return _stemmer().stem(token) or token


EN_SUFFIXES = re.compile(r"(?:ies|es|s|ed|ing)$")


@lru_cache(maxsize=None)
def stem_en(token: str) -> str:
    """Light English suffix stripping (crashes, crashed, crashing -> crash).

    Labels show the most frequent written form, so stems only need to group, not to read well.
    """
    if len(token) <= 4 or token.endswith(("ss", "us", "is")):
        return token
    if token.endswith("ies"):
        return token[:-3] + "y"
    if token.endswith("es") and token[-3] in "sxhz":
        return token[:-2]
    stripped = EN_SUFFIXES.sub("", token) if not token.endswith("es") else token[:-1]
    return stripped if len(stripped) >= 3 else token


@lru_cache(maxsize=1)
def stop_words() -> frozenset:
    from Sastrawi.StopWordRemover.StopWordRemoverFactory import StopWordRemoverFactory

    return frozenset(ENGLISH_STOP_WORDS | ID_INFORMAL | EN_FILLERS | FR_STOP
                     | set(StopWordRemoverFactory().get_stop_words()))


def other_language(text: str) -> bool:
    """True when ``text`` is in neither English nor Indonesian (French stop words outvote both).

    Such texts are left out of the themes: their words would otherwise form a theme of their own.

    Examples
    --------
    >>> other_language("donc on a fait le modèle avec les données"), other_language("the data was late")
    (True, False)
    """
    from .language import language_votes

    tokens = TOKEN.findall(str(text).lower().replace("\u2019", "'"))
    french = sum(token in FR_STOP for token in tokens)
    return french >= 2 and french > max(language_votes(text))


def tokenize(text: str, language: str, surface: dict | None = None) -> list[str]:
    """Content tokens of ``text``; Indonesian ones stemmed. Records stem -> written forms."""
    stops = stop_words()
    out = []
    for token in TOKEN.findall(text.lower().replace("\u2019", "'")):
        if token in stops or len(token) < 3:
            continue
        token = re.sub(r"'s$", "", token)  # "model's" is "model"
        if token in stops or len(token) < 3:
            continue
        term = stem_id(token) if language == "id" else stem_en(token)
        if surface is not None:
            surface[term][token] += 1
        out.append(term)
    return out


def _prepare(texts, text, by):
    by = [] if by is None else [by] if isinstance(by, str) else list(by)
    if isinstance(texts, pd.DataFrame):
        missing = [c for c in [text, *by] if c not in texts.columns]
        if missing:
            raise DataError(f"Column(s) {preview(missing)} not found; the frame has "
                            f"{preview(texts.columns, limit=12)}.")
        frame = texts[[text, *by]].rename(columns={text: "_text"})
    else:
        if by:
            raise ParameterError("`by=` needs a DataFrame with the group columns.")
        frame = pd.DataFrame({"_text": list(texts) if not isinstance(texts, pd.Series) else texts})
    keep = frame["_text"].map(lambda t: isinstance(t, str) and bool(t.strip()))
    return frame[keep], by


def _fit(X, n_themes, random_state, n_terms):
    if n_themes is not None:
        return NMF(n_themes, init="nndsvda", random_state=random_state, max_iter=400).fit(X)
    best = None
    for k in (k for k in K_RANGE if k < min(X.shape)):
        model = NMF(k, init="nndsvda", random_state=random_state, max_iter=400).fit(X)
        labels = model.transform(X).argmax(axis=1)
        if len(set(labels)) < 2:
            continue
        # Cosine silhouette of the texts' main themes: are texts closer to their own theme than
        # to the next one? A sample keeps it cheap on large corpora.
        score = silhouette_score(X, labels, metric="cosine", sample_size=min(X.shape[0], 2000),
                                 random_state=random_state)
        if best is None or score > best[0]:
            best = (score, model)
    # None when no k in K_RANGE fits (too few distinct words, or every k puts all texts in one
    # theme): the caller reports "no themes" rather than inventing one.
    return None if best is None else best[1]


def themes(texts, *, n_themes=None, language="auto", by=None, text="text", n_terms=5,
           n_quotes=3, names=None, min_df=2, random_state=0) -> pd.DataFrame:
    """Find themes in open answers or excerpts, count them per group, and quote them.

    Parameters
    ----------
    texts : list of str, Series or DataFrame
        The texts (pass negative excerpts for pain points), or a frame with ``text`` and ``by``
        columns.
    n_themes : int, optional
        Number of themes; by default the k in 2..8 with the best cosine silhouette of the
        texts' main themes.
    language : {"auto", "en", "id"}
        Indonesian texts are stemmed with Sastrawi; "auto" detects per text.
    by : str or list of str, optional
        Group columns (stage, persona) to count themes in.
    n_terms, n_quotes : int
        Top terms in each label and representative quotes per theme.
    names : list of str, optional
        Names to redact from quotes (contact details are always redacted).

    Returns
    -------
    DataFrame
        by-columns, ``theme`` (1..k), ``label`` (top terms), ``count`` (texts whose main theme it
        is), ``share`` (fraction of the group's texts, 0..1), ``quotes`` (list of redacted quotes).
        ``.attrs["assignments"]`` holds each input text's theme (0 = no theme). When no number of
        themes in 2..8 separates the texts (too few distinct words), the frame is empty, every
        text has theme 0 and ``.attrs["reason"]`` says so.

    Examples
    --------
    >>> texts = ["payment failed at checkout", "checkout payment error again",
    ...          "courier late, parcel late", "parcel arrived late"] * 3
    >>> themes(texts, n_themes=2, min_df=1)["label"].tolist()
    ['payment, checkout, error, failed', 'late, parcel, arrived, courier']
    """
    check_choice("language", language, ["auto", "en", "id"])
    frame, by = _prepare(texts, text, by)
    every = frame.index
    frame = frame[~frame["_text"].map(other_language)]  # theme 0: not in the study's languages
    if len(frame) < 3:
        raise DataError(f"themes needs at least 3 non-empty texts, but got {len(frame)}.")
    langs = frame["_text"].map(detect_language) if language == "auto" else \
        pd.Series(language, index=frame.index)
    surface = defaultdict(Counter)
    docs = [tokenize(t, lang, surface) for t, lang in zip(frame["_text"], langs)]
    vectorizer = TfidfVectorizer(analyzer=lambda d: d, min_df=min(min_df, len(docs)), max_df=0.95,
                                 sublinear_tf=True)
    try:
        X = vectorizer.fit_transform(docs)
    except ValueError:
        raise DataError("themes found no words left after removing stop words; "
                        "the texts are too short or too few.") from None
    model = _fit(X, n_themes, random_state, n_terms)
    if model is None:
        out = _no_themes(frame, by, X.shape)
        out.attrs["assignments"] = out.attrs["assignments"].reindex(every, fill_value=0)
        return out
    W = model.transform(X)
    # Number themes by size (theme 1 is the most common), ties by total weight.
    sizes = np.bincount(W.argmax(axis=1), minlength=W.shape[1])
    order = np.lexsort((-W.sum(axis=0), -sizes))
    W, components = W[:, order], model.components_[order]
    assignment = np.where(W.max(axis=1) > 0, W.argmax(axis=1) + 1, 0)
    terms = vectorizer.get_feature_names_out()
    labels = {k + 1: _label(row, terms, surface, n_terms) for k, row in enumerate(components)}
    quotes = _quotes(frame["_text"], W, assignment, n_quotes, names)
    out = _count(frame.assign(theme=assignment), by, labels, quotes)
    out.attrs["assignments"] = pd.Series(assignment, index=frame.index, name="theme").reindex(every, fill_value=0)
    return out


def _no_themes(frame, by, shape) -> pd.DataFrame:
    """The empty result when no number of themes separates the texts: no rows, every text
    assigned theme 0, and ``attrs["reason"]`` saying why."""
    out = pd.DataFrame(columns=[*by, "theme", "label", "count", "share", "quotes"])
    out.attrs["assignments"] = pd.Series(0, index=frame.index, name="theme")
    out.attrs["reason"] = (f"no themes: {shape[0]} texts with {shape[1]} distinct terms do not split into "
                           f"{K_RANGE.start} or more themes (set n_themes= to force a number)")
    return out


def _label(row, terms, surface, n_terms) -> str:
    """Top terms in their most frequent written form; terms under 10% of the top weight are
    noise from other themes and are left out."""
    top = [i for i in np.argsort(row)[::-1][:n_terms] if row[i] >= 0.1 * row.max()]
    return ", ".join(surface[terms[i]].most_common(1)[0][0] for i in top)


def _quotes(texts, W, assignment, n_quotes, names) -> dict:
    """The texts most strongly loaded on each theme among those whose main theme it is."""
    out = {}
    for k in range(1, W.shape[1] + 1):
        members = np.flatnonzero(assignment == k)
        order = members[np.argsort(W[members, k - 1])[::-1]]
        picked = list(dict.fromkeys(texts.iloc[order].str.strip()))[:n_quotes]
        out[k] = redact_series(pd.Series(picked, dtype=object), names=names).tolist()
    return out


def _count(frame, by, labels, quotes) -> pd.DataFrame:
    groups = frame.groupby(by, dropna=False, sort=True) if by else [((), frame)]
    rows = []
    for key, part in groups:
        key = key if isinstance(key, tuple) else (key,)
        counts = part["theme"].value_counts()
        for k, label in labels.items():
            rows.append({**dict(zip(by, key)), "theme": k, "label": label,
                         "count": int(counts.get(k, 0)),
                         "share": counts.get(k, 0) / len(part), "quotes": quotes[k]})
    return pd.DataFrame(rows, columns=[*by, "theme", "label", "count", "share", "quotes"])


def representative_quotes(texts, *, n=3, names=None, by=None, text="text",
                          **options) -> pd.DataFrame:
    """Redacted quotes for each theme (and group): one row per quote, ready for a report table.

    Examples
    --------
    >>> texts = ["payment failed, call me on 0812 3456 7890", "parcel late again"] * 3
    >>> representative_quotes(texts, n_themes=2, min_df=1)["quote"].tolist()
    ['parcel late again', 'payment failed, call me on [PHONE]']
    """
    table = themes(texts, n_quotes=n, names=names, by=by, text=text, **options)
    table = table.drop_duplicates(subset=["theme"]) if by is None else table
    return table.explode("quotes").rename(columns={"quotes": "quote"}).dropna(subset=["quote"]) \
        .reset_index(drop=True)[[*([] if by is None else ([by] if isinstance(by, str) else by)),
                                 "theme", "label", "quote"]]
