"""Auto-k persona fit against a plain scikit-learn loop doing the same work.

Both sides encode 20 mixed features (14 numeric, 3 ordinal, 3 categorical) with scaling and
one-hot encoding, fit k = 2..10 (mini-batch k-means above 50,000 rows, the same settings) and score
every k with the silhouette (3,000 sampled rows), Calinski-Harabasz and Davies-Bouldin. The peer
skips what PersonaModel adds: cleaning rules and their report, choosing and relabelling personas.
Each case runs in a fresh process so peak memory (max RSS) is its own. Both use one thread
(PersonaModel's default), since the machine is shared.

    .venv/bin/python benchmarks/bench_personas.py              # 100,000 rows
    .venv/bin/python benchmarks/bench_personas.py --million    # and 1,000,000 rows
    .venv/bin/python benchmarks/bench_personas.py --slow-methods   # gmm and kprototypes auto-k, 100,000 rows

``--slow-methods`` times ``PersonaModel(method="gmm")`` and ``method="kprototypes"`` with k="auto"
(k = 2..10) on 100,000 rows, which fit on a seeded sample of ``max_fit_rows`` (default 20,000)
respondents and assign everyone with the fitted model. The peer is the same library fitted on all
100,000 rows (scikit-learn's GaussianMixture, kmodes' KPrototypes, the toolkit's settings) for a
single k = 5; the range needs nine such fits, so its k = 2..10 time is about nine times that.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time

import numpy as np
import pandas as pd

K_RANGE = (2, 10)
SAMPLE = 3000
NUMERIC = [f"x{i}" for i in range(14)]
ORDINAL = ["o1", "o2", "o3"]
CATEGORICAL = ["c1", "c2", "c3"]


def make_data(n: int, seed: int = 0) -> pd.DataFrame:
    from sklearn.datasets import make_blobs

    X, y = make_blobs(n, n_features=len(NUMERIC), centers=5, cluster_std=2.0, random_state=seed)
    rng = np.random.default_rng(seed)
    df = pd.DataFrame(X, columns=NUMERIC)
    for i, col in enumerate(ORDINAL):
        df[col] = np.clip(np.round(3 + (y - 2) * 0.6 + rng.normal(0, 0.8, n)), 1, 5).astype(int)
    for i, col in enumerate(CATEGORICAL):
        levels = np.array([f"{col}_{j}" for j in range(4 + i)])
        df[col] = np.where(rng.random(n) < 0.7, levels[(y + i) % len(levels)], rng.choice(levels, n))
    return df


def run_cjm(df: pd.DataFrame) -> dict:
    import cjm_research as cjm

    model = cjm.PersonaModel({"numeric": NUMERIC, "ordinal": ORDINAL, "categorical": CATEGORICAL},
                             k="auto", k_range=K_RANGE, silhouette_sample=SAMPLE, progress=False).fit(df)
    return {"k": model.k_}


def run_sklearn(df: pd.DataFrame) -> dict:
    from sklearn.cluster import KMeans, MiniBatchKMeans
    from sklearn.compose import ColumnTransformer
    from sklearn.metrics import calinski_harabasz_score, davies_bouldin_score, silhouette_score
    from sklearn.preprocessing import OneHotEncoder, StandardScaler
    from threadpoolctl import threadpool_limits

    pre = ColumnTransformer([("num", StandardScaler(), NUMERIC + ORDINAL),
                             ("cat", OneHotEncoder(handle_unknown="ignore", sparse_output=False), CATEGORICAL)])
    X = pre.fit_transform(df)
    scores = {}
    with threadpool_limits(1):
        for k in range(K_RANGE[0], K_RANGE[1] + 1):
            est = (MiniBatchKMeans(k, random_state=0, n_init=3, batch_size=4096) if len(X) > 50_000
                   else KMeans(k, random_state=0, n_init=4))
            labels = est.fit_predict(X)
            scores[k] = calinski_harabasz_score(X, labels)
            silhouette_score(X, labels, sample_size=SAMPLE, random_state=0)
            davies_bouldin_score(X, labels)
    return {"k": max(scores, key=scores.get)}


def run_cjm_method(df: pd.DataFrame, method: str) -> dict:
    import cjm_research as cjm

    model = cjm.PersonaModel({"numeric": NUMERIC, "ordinal": ORDINAL, "categorical": CATEGORICAL}, method=method,
                             k="auto", k_range=K_RANGE, silhouette_sample=SAMPLE, progress=False).fit(df)
    return {"k": model.k_, "fit_rows": model.fit_rows_}


def run_full_one_k(df: pd.DataFrame, method: str, k: int = 5) -> dict:
    """The peer: the same library on every row, for one k (the toolkit's settings)."""
    from threadpoolctl import threadpool_limits

    import cjm_research as cjm

    with threadpool_limits(1):
        model = cjm.PersonaModel({"numeric": NUMERIC, "ordinal": ORDINAL, "categorical": CATEGORICAL},
                                 method=method, k=k, max_fit_rows=None, progress=False)
        model.fit(df)
    return {"k": k, "fit_rows": len(df)}


CASES = {"cjm": run_cjm, "sklearn": run_sklearn,
         "cjm gmm auto-k (sampled)": lambda df: run_cjm_method(df, "gmm"),
         "peer gmm all rows, one k": lambda df: run_full_one_k(df, "gmm"),
         "cjm kprototypes auto-k (sampled)": lambda df: run_cjm_method(df, "kprototypes"),
         "peer kprototypes all rows, one k": lambda df: run_full_one_k(df, "kprototypes")}


def child(case: str, rows: int) -> None:
    df = make_data(rows)
    start = time.perf_counter()
    result = CASES[case](df)
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"case": case, "rows": rows, "seconds": seconds, "peak_mb": peak_mb, **result}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--million", action="store_true", help="also run 1,000,000 rows (several minutes)")
    parser.add_argument("--rows", type=int, nargs="*", default=None, help="row counts to run instead")
    parser.add_argument("--slow-methods", action="store_true",
                        help="gmm and kprototypes auto-k at 100,000 rows against all-row fits of one k")
    parser.add_argument("--child", nargs=2, metavar=("CASE", "ROWS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.child[0], int(args.child[1]))
    if args.slow_methods:
        return slow_methods(args.rows[0] if args.rows else 100_000)
    sizes = args.rows or ([100_000, 1_000_000] if args.million else [100_000])
    results = []
    for rows in sizes:
        for case in ("cjm", "sklearn"):
            out = subprocess.run([sys.executable, __file__, "--child", case, str(rows)], capture_output=True,
                                 text=True, check=True)
            results.append(json.loads(out.stdout.strip().splitlines()[-1]))
            print(f"  done {case} at {rows:,} rows", file=sys.stderr)
    table = pd.DataFrame(results).pivot(index="rows", columns="case", values=["seconds", "peak_mb", "k"])
    table[("ratio", "seconds")] = table[("seconds", "cjm")] / table[("seconds", "sklearn")]
    table[("ratio", "peak_mb")] = table[("peak_mb", "cjm")] / table[("peak_mb", "sklearn")]
    print(f"auto-k fit, k={K_RANGE[0]}..{K_RANGE[1]}, 20 mixed features, silhouette on {SAMPLE} rows")
    print(table.round(2).to_string())


def slow_methods(rows: int) -> None:
    results = []
    for case in [c for c in CASES if c.startswith(("cjm ", "peer "))]:
        out = subprocess.run([sys.executable, __file__, "--child", case, str(rows)], capture_output=True,
                             text=True, check=True)
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
        print(f"  done {case}: {results[-1]['seconds']:.0f} s", file=sys.stderr)
    table = pd.DataFrame(results)[["case", "rows", "fit_rows", "k", "seconds", "peak_mb"]]
    print(f"slow methods at {rows:,} rows, 20 mixed features, one thread")
    print(table.round(1).to_string(index=False))


if __name__ == "__main__":
    main()
