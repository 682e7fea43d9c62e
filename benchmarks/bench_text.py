"""Speed and peak memory of cjm sentiment and themes over 15,000 texts, against named peers.

Peers in the same run: plain VADER (vaderSentiment) for sentiment (also VADER with the customer
lexicon, the previous English scorer, for the record), plain scikit-learn TF-IDF + NMF (English
stop words, no stemming, no language detection) for themes. cjm.sentiment detects the language
of every text and runs the shipped English or Indonesian model.

Texts: a seeded mix of Indonesian SmSA reviews (../shared/data) and English VADER ground-truth
snippets (from the vaderSentiment sdist, see eval_sentiment.py); when English is unavailable,
SmSA only. Seconds are wall time of one run (the machine is shared: expect noise); peak memory is
the peak of Python allocations traced by tracemalloc in a second run.

Usage:
    python benchmarks/bench_text.py [--n 15000] [--themes 8]
"""

from __future__ import annotations

import argparse
import time
import tracemalloc
from pathlib import Path

import pandas as pd
from sklearn.decomposition import NMF
from sklearn.feature_extraction.text import TfidfVectorizer

import cjm_research as cjm
from cjm_research.evidence.text import sentiment_model as sm

ROOT = Path(__file__).resolve().parents[1]


def load_texts(n: int, data: Path, cache: Path) -> list[str]:
    folder = data / "indonesian_sentiment"
    texts = pd.concat([sm.read_smsa(folder / f)["text"] for f in
                       ("smsa_train_preprocess.tsv", "smsa_valid_preprocess.tsv")])
    try:
        from eval_sentiment import english_sets

        english = pd.concat([df["text"] for df in english_sets(cache).values()])
        texts = pd.concat([texts.sample(n // 2, random_state=0),
                           english.sample(n - n // 2, replace=len(english) < n - n // 2,
                                          random_state=0)])
    except Exception as err:  # noqa: BLE001 - English is optional for a speed benchmark
        print(f"English texts unavailable ({err}); using Indonesian only")
    return texts.sample(n, replace=len(texts) < n, random_state=1).astype(str).tolist()


def measure(fn) -> tuple[float, float]:
    start = time.perf_counter()
    fn()
    seconds = time.perf_counter() - start
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    return seconds, peak


def plain_nmf(texts, k):
    X = TfidfVectorizer(stop_words="english", min_df=2, max_df=0.95, sublinear_tf=True) \
        .fit_transform(texts)
    return NMF(k, init="nndsvda", random_state=0, max_iter=400).fit_transform(X)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=15000)
    parser.add_argument("--themes", type=int, default=8)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "cjm-research")
    args = parser.parse_args(argv)
    texts = load_texts(args.n, args.data, args.cache)
    cases = [
        ("sentiment", "cjm.sentiment (auto language)", lambda: cjm.sentiment(texts)),
        ("sentiment", "plain VADER (peer)", lambda: sm.english_scores(texts, customer=False)),
        ("sentiment", "VADER + customer lexicon", lambda: sm.english_scores(texts)),
        ("themes", f"cjm.themes (k={args.themes})",
         lambda: cjm.themes(texts, n_themes=args.themes)),
        ("themes", "cjm.themes (auto k)", lambda: cjm.themes(texts)),
        ("themes", f"plain TF-IDF+NMF (peer, k={args.themes})",
         lambda: plain_nmf(texts, args.themes)),
    ]
    rows = []
    for task, method, fn in cases:
        seconds, peak = measure(fn)
        rows.append({"task": task, "method": method, "n": len(texts), "seconds": seconds,
                     "peak_MB": peak})
        print(f"  done: {method} ({seconds:.1f} s)", flush=True)
    table = pd.DataFrame(rows)
    peers = table[table["method"].str.contains("peer")].set_index("task")
    table["time_ratio"] = table["seconds"] / table["task"].map(peers["seconds"])
    table["memory_ratio"] = table["peak_MB"] / table["task"].map(peers["peak_MB"])
    with pd.option_context("display.width", 200):
        print(table.to_string(index=False, float_format=lambda x: f"{x:.2f}"))


if __name__ == "__main__":
    main()
