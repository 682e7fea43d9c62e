"""The shipped English sentence encoder: shape, unit length, meaning, one text one embedding."""

from __future__ import annotations

import numpy as np

from cjm_research.evidence.text.encoder import DIMENSIONS, sentence_embeddings

# Pairs that say the same thing in different words; no pair shares a content word.
PARAPHRASES = [
    ("my parcel never arrived", "the delivery did not come"),
    ("the staff were friendly and kind", "lovely helpful people at the counter"),
    ("I was charged twice", "double payment taken from my card"),
    ("the app keeps crashing", "software freezes and closes itself"),
    ("the hotel room was dirty", "filthy bedroom with stained sheets"),
]


def test_shape_and_unit_length():
    e = sentence_embeddings(["refund please", "", "ok"])
    assert e.shape == (3, DIMENSIONS) and e.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(e, axis=1), 1.0, atol=1e-5)
    assert sentence_embeddings([]).shape == (0, DIMENSIONS)


def test_each_text_is_nearest_to_its_paraphrase():
    # A broken graph, a wrong tokenizer or a lost pooling step fails this; word overlap cannot
    # pass it, since the pairs share no content word.
    texts = [t for pair in PARAPHRASES for t in pair]
    e = sentence_embeddings(texts)
    similarity = e @ e.T
    np.fill_diagonal(similarity, -np.inf)
    partner = np.arange(len(texts)) ^ 1
    assert (similarity.argmax(axis=1) == partner).all()


def test_a_text_embeds_the_same_alone_and_among_others():
    # The int8 graph scales activations per run; texts run one at a time so neighbours never
    # shift a quote's embedding (and so its sentiment).
    texts = ["still waiting for my refund", "great service, thanks!",
             "the checkout page failed three times before it accepted my card"]
    together = sentence_embeddings(texts)
    alone = np.vstack([sentence_embeddings([t]) for t in reversed(texts)])[::-1]
    np.testing.assert_array_equal(together, alone)


def test_no_padding_enters_the_mean():
    # tokenizer.json asks for fixed padding to 128; pooled with a mask of ones, the pads would
    # swamp a short text's embedding. Each text runs alone, so it gets exactly its own tokens.
    from cjm_research.evidence.text.encoder import _session

    tokenizer, _ = _session()
    ids = tokenizer.encode("refund please").ids
    assert ids[0] == 101 and ids[-1] == 102  # [CLS] ... [SEP], and nothing after
    assert 0 not in ids and len(ids) < 8  # no [PAD] (id 0)
    long = " ".join(["delay"] * 400)
    assert len(tokenizer.encode(long).ids) == 128  # cut at the model's training length
