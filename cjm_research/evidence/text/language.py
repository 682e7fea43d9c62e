"""Language detection between English and Bahasa Indonesia, accurate on short texts.

A word-evidence model: each token votes for Indonesian when it is an Indonesian stop word, one of
the frequent words of the SmSA training reviews (``resources/id_words.txt``), an informal
spelling (``gak``, ``bgt``) or carries an Indonesian clitic suffix (``-nya``, ``-kan``, ``-lah``);
it votes for English when it is an English stop word or a VADER lexicon word. Words of both lists
(``ok``, ``mall``) do not vote. Short customer texts are rarely longer than a few words, where
character n-gram detectors trained on long documents are unreliable.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from ...core.errors import check_choice

RESOURCES = Path(__file__).with_name("resources")
TOKEN = re.compile(r"[a-z]+")
ID_SUFFIX = re.compile(r"^[a-z]{3,}(?:nya|kan|lah|kah)$")
EN_EXTRA = """order orders delivery delivered shipping app checkout payment paid refund service
customer support store shop website flight flights booking booked account card staff driver
package parcel email phone call called agent manager product item items price prices cart
queue wait waiting waited late slow fast easy hard really thanks thank please hi hello""".split()


@lru_cache(maxsize=1)
def word_lists() -> tuple[frozenset, frozenset]:
    """(Indonesian words, English words), each without the words they share."""
    from Sastrawi.StopWordRemover.StopWordRemoverFactory import StopWordRemoverFactory
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    indonesian = set(StopWordRemoverFactory().get_stop_words())
    indonesian |= set((RESOURCES / "id_words.txt").read_text(encoding="utf-8").split())
    english = set(ENGLISH_STOP_WORDS) | set(EN_EXTRA)
    english |= {w for w in SentimentIntensityAnalyzer().lexicon if w.isalpha()}
    shared = indonesian & english
    return frozenset(indonesian - shared), frozenset(english - shared)


def language_votes(text: str) -> tuple[int, int]:
    """Return (Indonesian votes, English votes) for one text."""
    indonesian, english = word_lists()
    id_votes = en_votes = 0
    for token in TOKEN.findall(str(text).lower()):
        if token in indonesian or (token not in english and ID_SUFFIX.match(token)):
            id_votes += 1
        elif token in english:
            en_votes += 1
    return id_votes, en_votes


def detect_language(text, *, default: str = "en") -> str:
    """``"id"`` or ``"en"``; ``default`` when the text gives no evidence either way.

    Examples
    --------
    >>> detect_language("pengirimannya lama banget"), detect_language("delivery took ages")
    ('id', 'en')
    """
    check_choice("default", default, ["en", "id"])
    id_votes, en_votes = language_votes(text)
    if id_votes == en_votes:
        return default
    return "id" if id_votes > en_votes else "en"
