"""PersonaExplorer update latency at 20,000 respondents (target: median under 300 ms).

An update is what a user waits for after touching a control: the model state changes and the
PCA projection, profile heatmap and profile table are redrawn (the criteria plot too after a
refit). Timed: switching k (the explorer keeps every k of the range, so no refit; a first visit to
a k and a return to it separately), renaming a persona, merging two, and a new seed (a full refit
of k = 2..10 with every criterion). The peer is a hand-rolled explorer update:
scikit-learn KMeans at the chosen k plus the same three seaborn/pyplot figures with tight_layout.

    .venv/bin/python benchmarks/bench_explorer.py [--rows 20000] [--updates 20]
"""

from __future__ import annotations

import argparse
import io
import time

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402

from bench_personas import CATEGORICAL, NUMERIC, ORDINAL, make_data  # noqa: E402


def timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def explorer_runs(df: pd.DataFrame, updates: int) -> dict[str, list[float]]:
    import cjm_research as cjm

    features = NUMERIC[:6] + ORDINAL + CATEGORICAL
    ex = cjm.PersonaExplorer(df, features=features, background=False)  # refits timed end to end
    # The explorer keeps what depends only on a clustering (profiles, names), so the first visit
    # to a k costs more than a return to it; both are timed.
    ks = [k for _ in range(updates) for k in (3, 4, 5, 6, 7)][:max(updates, 10)]
    seen, out = set(), {"switch k (first visit)": [], "switch k (return)": []}
    for k in ks:
        out["switch k (first visit)" if k not in seen else "switch k (return)"].append(
            timed(lambda k=k: setattr(ex.k, "value", k)))
        seen.add(k)

    def rename(i):
        ex.persona.value = i % ex.model.k_
        ex.new_name.value = f"Persona name {i}"
        ex.rename_button.click()

    out["rename"] = [timed(lambda i=i: rename(i)) for i in range(updates)]

    def merge():
        ex.k.value = 7 if ex.k.value != 7 else 6  # a fresh clustering each time, not timed
        ex.merge_select.value = (ex.model.k_ - 2, ex.model.k_ - 1)
        return timed(ex.merge_button.click)

    out["merge two personas"] = [merge() for _ in range(max(4, updates // 4))]
    out["new seed (refit k=2..10)"] = [timed(lambda s=s: setattr(ex.seed, "value", s))
                                       for s in range(1, max(4, updates // 4) + 1)]
    return out


def background_runs(df: pd.DataFrame) -> pd.DataFrame:
    """A new method in the default (background) explorer: how long the control blocks, how long the refit takes."""
    import cjm_research as cjm

    ex = cjm.PersonaExplorer(df, features=NUMERIC[:6] + ORDINAL + CATEGORICAL)
    rows = []
    for method in ("gmm", "kprototypes", "lca"):
        start = time.perf_counter()
        ex.method.value = method
        blocked = time.perf_counter() - start
        ex.k.value = 4 if ex.k.value != 4 else 5  # a control used while the refit runs
        moved = time.perf_counter() - start - blocked
        ex.wait()
        rows.append({"method": method, "control_returns_ms": 1000 * blocked, "k_switch_during_refit_ms": 1000 * moved,
                     "refit_done_s": time.perf_counter() - start, "fit_rows": ex.model.fit_rows_,
                     "k_shown": ex.model.k_})
    return pd.DataFrame(rows)


def peer_runs(df: pd.DataFrame, updates: int) -> list[float]:
    from sklearn.cluster import KMeans
    from sklearn.compose import ColumnTransformer
    from sklearn.decomposition import PCA
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    features = NUMERIC[:6] + ORDINAL
    X = ColumnTransformer([("n", StandardScaler(), features),
                           ("c", OneHotEncoder(sparse_output=False), CATEGORICAL)]).fit_transform(df)
    xy = PCA(2, random_state=0).fit_transform(X[:3000])

    def update(k):
        labels = KMeans(k, random_state=0, n_init=4).fit_predict(X)
        for draw in (lambda ax: ax.plot(range(2, 11), np.arange(9), "o-"),
                     lambda ax: sns.scatterplot(x=xy[:, 0], y=xy[:, 1], hue=labels[:3000], s=8, ax=ax),
                     lambda ax: sns.heatmap(pd.DataFrame(X).groupby(labels).mean().iloc[:, :20], ax=ax,
                                            annot=True, fmt=".1f", center=0)):
            fig, ax = plt.subplots(figsize=(6, 3.6))
            draw(ax)
            fig.tight_layout()
            fig.savefig(io.BytesIO(), format="png", dpi=72)
            plt.close(fig)

    return [timed(lambda k=k: update(k)) for k in [(3, 4, 5, 6, 7)[i % 5] for i in range(updates)]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--updates", type=int, default=20)
    args = parser.parse_args()
    df = make_data(args.rows)
    runs = explorer_runs(df, args.updates)
    runs["peer: KMeans + pyplot redraw"] = peer_runs(df, args.updates)
    peer = np.median(runs["peer: KMeans + pyplot redraw"])
    everything = [t for name, ts in runs.items() if not name.startswith("peer") for t in ts]
    runs["all explorer updates above"] = everything
    rows = [{"update": name, "n": len(t), "median_ms": 1000 * np.median(t), "p90_ms": 1000 * np.quantile(t, 0.9),
             "ratio_to_peer": np.median(t) / peer} for name, t in runs.items()]
    print(f"PersonaExplorer update latency, {args.rows:,} respondents (target median < 300 ms)")
    print(pd.DataFrame(rows).round(2).to_string(index=False))
    print("\nBackground refits (the default): a new method returns at once, the progress bar counts k")
    print(background_runs(df).round(2).to_string(index=False))


if __name__ == "__main__":
    main()
