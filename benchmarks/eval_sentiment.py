"""Evaluate cjm sentiment and language detection on held-out data; optionally rebuild the model.

Prints one table: method, language, data, split, n, macro-F1, accuracy. Plain VADER is the named
peer on every English set (and, for the record, on Indonesian).

Data:
- Indonesian: SmSA (IndoNLU, Apache-2.0) in ../shared/data/indonesian_sentiment. The shipped
  model is trained on the train split only (settings chosen by 3-fold CV on train); the valid
  split is never used for tuning and is the one reported.
- English: the human-rated ground truth that ships in the vaderSentiment source distribution on
  PyPI (Hutto & Gilbert 2014, MIT): 4,200 tweets and 3,708 Amazon review snippets, each with the
  mean of 20 raters on -4..4. Labels: mean >= +band positive, <= -band negative, else neutral;
  both bands 0.5 and 1.0 are printed. These are general tweets and product reviews, not customer
  service tweets, and VADER was built with these very tweets, which flatters VADER there.
  Downloaded with `pip download` into a cache folder on first use.

Usage:
    python benchmarks/eval_sentiment.py [--rebuild] [--data ../shared/data] [--cache DIR]
"""

from __future__ import annotations

import argparse
import csv
import io
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score, f1_score

from cjm_research.evidence.text import sentiment_model as sm
from cjm_research.evidence.text.language import detect_language
from cjm_research.evidence.text import sentiment

ROOT = Path(__file__).resolve().parents[1]
VADER_SDIST = "vaderSentiment==3.3.2"
GROUND_TRUTH = {"tweets": "tweets_GroundTruth.txt",
                "amazon reviews": "amazonReviewSnippets_GroundTruth.txt"}


def rebuild(data: Path) -> None:
    folder = data / "indonesian_sentiment"
    train = sm.read_smsa(folder / "smsa_train_preprocess.tsv")
    start = time.perf_counter()
    path = sm.save_model(sm.train_indonesian(train["text"], train["label"]))
    sm.indonesian_model.cache_clear()
    print(f"rebuilt {path.relative_to(ROOT)} from {len(train)} SmSA training reviews in "
          f"{time.perf_counter() - start:.0f} s ({path.stat().st_size / 1e6:.2f} MB)")


def english_sets(cache: Path) -> dict[str, pd.DataFrame]:
    """The VADER ground-truth files, from the vaderSentiment sdist (pip download, cached)."""
    cache.mkdir(parents=True, exist_ok=True)
    sdists = sorted(cache.glob("vaderSentiment-*.tar.gz"))
    if not sdists:
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                        "--no-binary", ":all:", VADER_SDIST, "-d", str(cache)], check=True,
                       stderr=subprocess.DEVNULL)
        sdists = sorted(cache.glob("vaderSentiment-*.tar.gz"))
    with tarfile.open(sdists[-1]) as outer:
        member = next(m for m in outer.getmembers() if m.name.endswith("hutto_ICWSM_2014.tar.gz"))
        inner = tarfile.open(fileobj=io.BytesIO(outer.extractfile(member).read()))
    sets = {}
    for name, filename in GROUND_TRUTH.items():
        member = next(m for m in inner.getmembers() if m.name.endswith(filename))
        raw = inner.extractfile(member).read().decode("latin-1")
        sets[name] = pd.read_csv(io.StringIO(raw), sep="\t", header=None,
                                 names=["id", "rating", "text"], quoting=csv.QUOTE_NONE)
    return sets


def row(method, language, data, split, truth, predicted) -> dict:
    # Language detection rows have one true class, where macro-F1 means nothing: accuracy only.
    one_class = len(set(truth)) == 1
    return {"method": method, "language": language, "data": data, "split": split,
            "n": len(truth),
            "macro_f1": np.nan if one_class else f1_score(truth, predicted, average="macro"),
            "accuracy": accuracy_score(truth, predicted)}


def indonesian_rows(data: Path) -> list[dict]:
    valid = sm.read_smsa(data / "indonesian_sentiment" / "smsa_valid_preprocess.tsv")
    truth = valid["label"]
    rows = [row("cjm id model (TF-IDF+LR, shipped)", "id", "SmSA", "valid (held out)", truth,
                sentiment(valid["text"], language="id")["label"]),
            row("plain VADER (peer)", "id", "SmSA", "valid (held out)", truth,
                sm.english_scores(valid["text"], customer=False)["label"])]
    short = valid["text"].str.split().str[:4].str.join(" ")
    for name, texts in (("full text", valid["text"]), ("first 4 words", short)):
        rows.append(row(f"language detection, {name}", "id", "SmSA", "valid",
                        np.full(len(texts), "id"), texts.map(detect_language)))
    return rows


def english_rows(cache: Path) -> list[dict]:
    rows = []
    for name, df in english_sets(cache).items():
        for band in (0.5, 1.0):
            truth = np.where(df["rating"] >= band, "positive",
                             np.where(df["rating"] <= -band, "negative", "neutral"))
            split = f"all (neutral band +-{band})"
            rows.append(row("plain VADER (peer)", "en", f"VADER {name}", split, truth,
                            sm.english_scores(df["text"], customer=False)["label"]))
            rows.append(row("cjm en (VADER + customer lexicon)", "en", f"VADER {name}", split,
                            truth, sentiment(df["text"], language="en")["label"]))
        short = df["text"].str.split().str[:4].str.join(" ")
        rows.append(row("language detection, first 4 words", "en", f"VADER {name}", "all",
                        np.full(len(df), "en"), short.map(detect_language)))
    return rows


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rebuild", action="store_true",
                        help="retrain the shipped Indonesian model from SmSA train first")
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "cjm-research")
    args = parser.parse_args(argv)
    if args.rebuild:
        rebuild(args.data)
    rows = indonesian_rows(args.data)
    try:
        rows += english_rows(args.cache)
    except (subprocess.CalledProcessError, StopIteration, OSError) as err:
        print(f"English sets not available ({err}); English was NOT measured.")
    table = pd.DataFrame(rows)
    with pd.option_context("display.width", 200, "display.max_colwidth", 40):
        print(table.to_string(index=False, float_format=lambda x: f"{x:.3f}"))
    print("\nNot measured: English customer-service tweets (no openly licensed set could be "
          "obtained offline); the targets there remain unverified.")


if __name__ == "__main__":
    main()
