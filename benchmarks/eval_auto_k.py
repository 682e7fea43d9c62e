"""How many personas? Each k criterion's hit rate on a panel of data sets with known structure.

The panel: scikit-learn's bundled real data sets with known classes (iris, wine, breast cancer,
standardised as a researcher would), synthetic sets of varied shape (round, elongated), overlap,
imbalance, dimension and k (``make_blobs`` and friends, several seeds), mixed numeric and
categorical survey-like sets, an income x spending-score set with five segments built like the
Mall Customers data (the real file is not bundled; five known groups, 200 customers), and the
toolkit's demo survey (four planted personas).

Every data set goes through ``PersonaModel(k="auto", method="kmeans")`` (the toolkit's cleaning,
encoding and clustering), which scores k = 2..10 by each criterion: Calinski-Harabasz,
silhouette, Davies-Bouldin, the gap statistic, BIC of a Gaussian mixture and prediction strength
(Tibshirani & Walther 2005, the largest k with strength >= 0.8). A hit is picking the known k.
The toolkit's rule (``criterion="auto"``: the k most of prediction strength, the gap statistic and
Calinski-Harabasz pick, the smallest on a three-way tie) is scored the same way, next to the best
votes of other committees. The synthetic sets are drawn from two seed offsets (46 sets in all);
the rule was chosen on this panel, so ``--holdout`` draws the synthetic sets from two other offsets
to check it on sets it was not chosen on.

Run: ``.venv/bin/python benchmarks/eval_auto_k.py [--holdout]`` (under two minutes on 2 cores).
"""

from __future__ import annotations

import itertools
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn import datasets as skd
from tqdm.auto import tqdm

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cjm_research.personas.model import PersonaModel
from cjm_research.personas.selection import best_k, vote

K_RANGE = (2, 10)
SEED = 0  # offset of the synthetic sets' seeds (set by panel())
SINGLE = ["calinski_harabasz", "silhouette", "davies_bouldin", "gap", "bic", "prediction_strength"]


# ------------------------------------------------------------------------------------ the panel
def _frame(X, prefix="x"):
    return pd.DataFrame(np.asarray(X, dtype=float), columns=[f"{prefix}{i}" for i in range(np.shape(X)[1])])


def real_sets():
    for name, loader, k in (("iris", skd.load_iris, 3), ("wine", skd.load_wine, 3),
                            ("breast cancer", skd.load_breast_cancer, 2)):
        df = _frame(loader().data)
        yield f"real: {name}", df, {"numeric": list(df.columns)}, k


def blob_sets():
    configs = [  # (k, dimension, cluster sd, imbalance)
        (2, 2, 1.0, False), (3, 2, 1.0, False), (4, 2, 1.5, False), (5, 2, 1.0, False), (6, 2, 0.8, False),
        (3, 5, 1.5, False), (4, 8, 2.0, False), (5, 10, 2.0, False), (6, 20, 2.5, False), (8, 5, 1.0, False),
        (3, 3, 1.0, True), (4, 4, 1.5, True), (5, 6, 1.5, True), (3, 2, 2.5, False), (4, 3, 2.5, False),
    ]
    for i, (k, d, sd, imbalanced) in enumerate(configs):
        rng = np.random.default_rng(SEED + 100 + i)
        sizes = (rng.dirichlet(np.ones(k) * 2) * 600 + 30).astype(int) if imbalanced else [120] * k
        X, _ = skd.make_blobs(n_samples=list(sizes), n_features=d, cluster_std=sd, random_state=SEED + 100 + i,
                              center_box=(-10, 10))
        shape = f"k={k} d={d} sd={sd}" + (" imbalanced" if imbalanced else "")
        yield f"blobs: {shape}", _frame(X), {"numeric": list(_frame(X).columns)}, k


def elongated_sets():
    for i, k in enumerate((3, 4)):
        X, _ = skd.make_blobs(n_samples=150 * k, centers=k, n_features=2, random_state=SEED + 200 + i, center_box=(-12, 12))
        X = X @ np.array([[0.6, -0.6], [-0.4, 0.8]])  # anisotropic, as in scikit-learn's gallery
        yield f"elongated: k={k}", _frame(X), {"numeric": ["x0", "x1"]}, k


def mixed_sets():
    for i, (k, sd) in enumerate(((3, 1.0), (4, 1.5), (5, 1.2))):
        rng = np.random.default_rng(SEED + 300 + i)
        X, y = skd.make_blobs(n_samples=200 * k, centers=k, n_features=3, cluster_std=sd, random_state=SEED + 300 + i,
                              center_box=(-8, 8))
        df = _frame(X, "num")
        levels = np.array(["app", "web", "store", "phone", "email", "chat"])
        df["channel"] = np.where(rng.random(len(y)) < 0.8, levels[y % len(levels)], rng.choice(levels, len(y)))
        df["likert"] = np.clip(np.round(3 + (y - k / 2) * 0.8 + rng.normal(0, 0.6, len(y))), 1, 5)
        features = {"numeric": ["num0", "num1", "num2"], "ordinal": ["likert"], "categorical": ["channel"]}
        yield f"mixed survey: k={k}", df, features, k


def mall_like():
    # Income x spending score: a middle group and four corners, sizes as in the Mall Customers data.
    rng = np.random.default_rng(SEED + 5)
    centres = [(55, 50, 81), (87, 82, 39), (88, 17, 35), (26, 20, 23), (26, 79, 22)]
    parts = [np.column_stack([rng.normal(cx, 6, n), rng.normal(cy, 7, n)]) for cx, cy, n in centres]
    df = pd.DataFrame(np.vstack(parts), columns=["annual_income", "spending_score"])
    yield "income x spending (5 segments)", df, {"numeric": list(df.columns)}, 5


def demo_set():
    from cjm_research.datasets.demo import make_demo

    with tempfile.TemporaryDirectory() as out:
        make_demo(out, respondents=2000)
        survey = pd.read_csv(Path(out) / "2026Q3" / "survey.csv")
    features = {"numeric": ["age", "orders_12m", "avg_order_value", "online_share"],
                "ordinal": ["income_band", "digital_savvy", "price_sensitivity"],
                "categorical": ["gender", "city", "preferred_channel"]}
    yield "demo survey (4 personas)", survey, features, 4


def panel(seeds=(0, 1000)):
    """Real sets and the demo once; the synthetic sets from each seed offset in ``seeds``."""
    global SEED
    yield from real_sets()
    for offset in seeds:
        SEED = offset
        for source in (blob_sets, elongated_sets, mixed_sets, mall_like):
            for name, df, features, k in source():
                yield (f"{name} [seeds +{offset}]" if offset else name), df, features, k
    yield from demo_set()


# ------------------------------------------------------------------------------- the criteria
def picks(df, features, seed=0):
    """The k each criterion picks, all from one ``PersonaModel(k="auto")`` fit (its ``scores_``)."""
    model = PersonaModel(features, k="auto", k_range=K_RANGE, progress=False, random_state=seed).fit(df)
    out = {c: best_k(model.scores_, c) for c in SINGLE}
    out["toolkit auto"] = model.n_clusters_
    return out


SHORT = {"calinski_harabasz": "CH", "davies_bouldin": "DB", "prediction_strength": "PS", "silhouette": "sil",
         "gap": "gap", "bic": "BIC"}


def committees():
    """Other combining rules, to show the chosen one is not the only way and how it compares."""
    for size in (3, 5):
        for members in itertools.combinations(SINGLE, size):
            yield "vote(" + ", ".join(SHORT[m] for m in members) + "), ties to smaller k", members


def markdown(frame: pd.DataFrame, floatfmt: str = "{:.2f}") -> str:
    cells = [[floatfmt.format(v) if isinstance(v, float) else str(v) for v in row] for row in frame.to_numpy()]
    lines = ["| " + " | ".join(map(str, frame.columns)) + " |", "|" + "---|" * len(frame.columns)]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in cells])


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--holdout", action="store_true",
                        help="synthetic sets from seeds the rule was not chosen on (+2000, +3000)")
    seeds = (2000, 3000) if parser.parse_args().holdout else (0, 1000)
    start = time.perf_counter()
    rows = []
    for name, df, features, k in tqdm(list(panel(seeds)), desc="panel", leave=False):
        found = picks(df, features)
        rows.append({"data set": name, "n": len(df), "true k": k, **found})
        print(f"{name:38s} true k={k}  " + " ".join(f"{c[:6]}={v}" for c, v in found.items()), flush=True)
    table = pd.DataFrame(rows)
    rates = {c: float((table[c] == table["true k"]).mean()) for c in SINGLE}
    votes = {}
    for label, members in committees():
        chosen = [vote(dict(r), voters=members) for r in table[SINGLE].to_dict("records")]
        votes[label] = float((np.array(chosen) == table["true k"]).mean())
    best_votes = dict(sorted(votes.items(), key=lambda kv: -kv[1])[:4])
    rates = {SHORT.get(c, c): v for c, v in rates.items()}
    rates["toolkit: vote(PS, gap, CH), ties to smaller k (criterion='auto')"] = float((table["toolkit auto"] == table["true k"]).mean())
    summary = pd.DataFrame({"rule": list(rates) + list(best_votes),
                            "hit rate": list(rates.values()) + list(best_votes.values())})
    summary["hits"] = (summary["hit rate"] * len(table)).round().astype(int).astype(str) + f" / {len(table)}"
    print()
    print(markdown(table.drop(columns="n").rename(columns=SHORT)))
    print()
    print(markdown(summary))
    print(f"\n{len(table)} data sets, {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
