"""Themes on a planted bilingual corpus: recovery, stemming, counting, redacted quotes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cjm_research.core.errors import DataError, ParameterError
from cjm_research.evidence.text import representative_quotes, themes
from cjm_research.evidence.text.themes import stem_id, tokenize

PAYMENT = ["payment failed at checkout again", "my card payment was declined at checkout",
           "checkout error, payment failed twice", "pembayaran gagal terus saat checkout",
           "gagal bayar di checkout, kartu ditolak", "payment keeps failing, call me 0812 3456 7890"]
DELIVERY = ["courier was late and the parcel damaged", "parcel arrived late, courier rude",
            "pengiriman lama, kurir telat", "kurir telat dan paket rusak",
            "late delivery, parcel never tracked", "paket datang telat sekali"]
APP = ["the app crashes when I log in", "app crash on login screen every time",
       "aplikasi sering crash waktu login", "login gagal, aplikasi crash",
       "app freezes and crashes after update", "cannot log in, the app crashes"]


@pytest.fixture(scope="module")
def corpus():
    rows = [(t, "decision", "payment") for t in PAYMENT] + \
           [(t, "retention", "delivery") for t in DELIVERY] + \
           [(t, "retention", "app") for t in APP]
    return pd.DataFrame(rows * 2, columns=["text", "stage", "truth"])


def test_planted_themes_are_recovered(corpus):
    out = themes(corpus, n_themes=3, random_state=0)
    assigned = out.attrs["assignments"]
    purity = sum(corpus.loc[assigned == k, "truth"].value_counts().iloc[0]
                 for k in assigned.unique()) / len(corpus)
    assert purity >= 0.9
    labels = " | ".join(out["label"])
    for word in ("payment", "late", "crash"):
        assert word in labels
    assert out["count"].sum() == len(corpus)


def test_automatic_number_of_themes():
    # 3 planted topics, 60 texts each, of 4-7 words drawn from the topic's words plus filler
    rng = np.random.default_rng(0)
    topics = [["payment", "checkout", "declined", "card", "failed", "error"],
              ["courier", "parcel", "late", "damaged", "tracking", "delivery"],
              ["app", "crash", "login", "freeze", "update", "screen"]]
    filler = ["really", "today", "again", "order", "store", "week"]
    texts = [" ".join(rng.choice(topics[t], rng.integers(3, 6)).tolist()
                      + rng.choice(filler, 1).tolist())
             for t in range(3) for _ in range(60)]
    out = themes(texts, random_state=0)
    assert out["theme"].nunique() == 3


def test_counts_per_group_add_up(corpus):
    out = themes(corpus, n_themes=3, by="stage")
    per_stage = out.groupby("stage")["count"].sum()
    assert per_stage.to_dict() == corpus["stage"].value_counts().to_dict()
    assert out.groupby("stage")["share"].sum().to_numpy() == pytest.approx([1, 1])


def test_quotes_are_redacted(corpus):
    out = themes(corpus, n_themes=3, n_quotes=10, names=["Budi"])
    quotes = [q for qs in out["quotes"] for q in qs]
    assert not any("0812" in q for q in quotes)
    assert any("[PHONE]" in q for q in quotes)
    table = representative_quotes(corpus, n_themes=3, n=2)
    assert list(table.columns) == ["theme", "label", "quote"]
    assert table.groupby("theme").size().max() <= 2


def test_indonesian_stemming_merges_word_forms():
    assert stem_id("pembayaran") == stem_id("membayar") == "bayar"
    assert tokenize("Pembayarannya gagal yang kedua kali", "id") == ["bayar", "gagal", "dua", "kali"]
    # English text gets light suffix stripping, not the Indonesian stemmer
    assert tokenize("payments failed, app crashes", "en") == ["payment", "fail", "app", "crash"]


def test_errors():
    with pytest.raises(DataError, match="at least 3"):
        themes(["one", None])
    with pytest.raises(ParameterError, match="`language`"):
        themes(["a b", "c d", "e f"], language="fr")
    with pytest.raises(DataError, match="'quote'"):
        themes(pd.DataFrame({"text": ["x"] * 3}), text="quote")


def test_set_dictionary_stemmer_agrees_with_sastrawi():
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    reference = StemmerFactory().create_stemmer()
    words = ["pengiriman", "pelayanannya", "menyenangkan", "berbelanja", "diantar",
             "kecewa", "ditolak", "keterlambatan"]
    assert [stem_id(w) for w in words] == [reference.stem(w) for w in words]


def test_no_k_that_fits_gives_an_empty_result_with_a_reason_not_a_type_error():
    # Two distinct words: no k in 2..8 is below min(X.shape), so no model is fitted at all.
    from cjm_research.evidence.text import themes

    found = themes(["slow", "slow", "late", "late"])
    assert found.empty and list(found.columns) == ["theme", "label", "count", "share", "quotes"]
    assert (found.attrs["assignments"] == 0).all() and len(found.attrs["assignments"]) == 4
    assert "no themes" in found.attrs["reason"]
