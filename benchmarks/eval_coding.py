"""Precision and recall of cjm.suggest_codes against hand-coded turns of real interviews.

The reference (benchmarks/coding/coding_reference.csv) holds 170 participant turns of the 36
practitioner interviews in ../shared/data/interview_transcripts/practitioner_interviews (ML
practitioners on quality issues of ML systems), sampled with a fixed seed from the English
transcripts' turns of 60-1,500 characters and coded by hand with the codes of
benchmarks/coding/practitioner_codebook.yml (written before the coding). Only file names, turn
numbers and codes are stored; the text stays in shared/data.

Peer: plain keyword matching with the same codebook (a code is suggested when one of its
keywords occurs in the turn as written, case-insensitive; no stemming, no similarity).

    python benchmarks/eval_coding.py            # prints the micro and per-code table

Skips (exit 0) when the shared data folder is absent.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import pandas as pd

import cjm_research as cjm
from cjm_research.evidence.text.coding import keyword_baseline, read_transcripts

HERE = Path(__file__).resolve().parent
DATA = Path(os.environ.get("CJM_SHARED_DATA", HERE.parents[1] / "shared" / "data"))
TRANSCRIPTS = DATA / "interview_transcripts" / "practitioner_interviews"


def reference() -> pd.DataFrame:
    ref = pd.read_csv(HERE / "coding" / "coding_reference.csv", comment="#", keep_default_na=False)
    ref["participant"] = ref["file"].str.replace(r"\.txt$", "", regex=True)
    ref["codes"] = ref["codes"].map(lambda s: set(filter(None, s.split(";"))))
    return ref


def predicted_sets(pred: pd.DataFrame, ref: pd.DataFrame) -> list[set]:
    got: dict = {}
    for p, t, c in pred.dropna(subset=["code"])[["participant", "turn", "code"]].itertuples(index=False):
        got.setdefault((p, int(t)), set()).add(str(c))
    return [got.get((p, int(t)), set()) for p, t in zip(ref["participant"], ref["turn"])]


def scores(truth: list[set], pred: list[set], codes: list[str]) -> pd.DataFrame:
    rows = []
    for code in [None, *codes]:
        keep = (lambda s: s) if code is None else (lambda s, c=code: s & {c})
        tp = sum(len(keep(t) & keep(p)) for t, p in zip(truth, pred))
        fp = sum(len(keep(p) - keep(t)) for t, p in zip(truth, pred))
        fn = sum(len(keep(t) - keep(p)) for t, p in zip(truth, pred))
        precision = tp / (tp + fp) if tp + fp else float("nan")
        recall = tp / (tp + fn) if tp + fn else float("nan")
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        rows.append({"code": code or "micro (all codes)", "n": tp + fn, "precision": precision,
                     "recall": recall, "f1": f1})
    return pd.DataFrame(rows)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--top", type=int, default=3)
    parser.add_argument("--min-score", type=float, default=0.3)
    args = parser.parse_args(argv)
    if not TRANSCRIPTS.is_dir():
        print(f"skipped: {TRANSCRIPTS} not found (the real transcripts live in shared/data)")
        return 0
    book = cjm.Codebook.from_yaml(HERE / "coding" / "practitioner_codebook.yml")
    ref = reference()
    files = [TRANSCRIPTS / f for f in sorted(set(ref["file"]))]
    turns = read_transcripts(files)
    wanted = turns.merge(ref[["participant", "turn"]], on=["participant", "turn"])
    if len(wanted) != len(ref):
        raise SystemExit(f"{len(ref) - len(wanted)} reference turns are not participant turns of "
                         "the transcripts; the reader's turn numbering changed.")
    ours = cjm.suggest_codes(wanted, book, top=args.top, min_score=args.min_score, progress=False)
    base = keyword_baseline(wanted, book, top=args.top)
    truth = ref["codes"].tolist()
    table = scores(truth, predicted_sets(ours, ref), book.ids).merge(
        scores(truth, predicted_sets(base, ref), book.ids), on=["code", "n"], suffixes=("", "_kw"))
    print(f"{len(ref)} hand-coded turns, {sum(map(len, truth))} reference codes, "
          f"{len(book)} codes; top={args.top}, min_score={args.min_score}\n")
    header = f"{'code':24} {'n':>4} | {'suggest P':>9} {'R':>5} {'F1':>5} | {'keyword P':>9} {'R':>5} {'F1':>5}"
    print(header)
    print("-" * len(header))
    for r in table.itertuples():
        print(f"{r.code:24} {r.n:>4} | {r.precision:9.2f} {r.recall:5.2f} {r.f1:5.2f} | "
              f"{r.precision_kw:9.2f} {r.recall_kw:5.2f} {r.f1_kw:5.2f}")
    # Ablation: what the TF-IDF similarity adds to the stemmed keywords
    alone = cjm.suggest_codes(wanted, book, top=args.top, min_score=args.min_score, similarity=False,
                              progress=False)
    micro = scores(truth, predicted_sets(alone, ref), []).iloc[0]
    print(f"\nsuggest_codes without the similarity (stemmed keywords only): micro P {micro.precision:.2f} "
          f"R {micro.recall:.2f} F1 {micro.f1:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
