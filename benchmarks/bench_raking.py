"""Raking (iterative proportional fitting) to population margins: weightipy vs samplics vs ipfn.

    .venv/bin/python benchmarks/bench_raking.py                  # 2,000 and 100,000 respondents
    .venv/bin/python benchmarks/bench_raking.py --sizes 2000 1000000

A synthetic survey over-represents app users, young people and one region (three margins with
3, 5 and 4 levels, correlated with each other). Each library rakes it to the same population
margins; the table shows how far the weighted shares land from the targets (the worst margin
cell, in percentage points), the weighting efficiency (Kish n_eff / n) and the time (best of
``--repeat`` runs, imports excluded). A plain-numpy IPF loop run to 1e-12 is the reference
answer, so the "vs ref" column says how close each library comes to the exact raked weights.

The peers: ``weightipy`` (the RIM engine of quantipy, modernised), ``samplics``
(``SampleWeight.rake``), ``ipfn`` (``ipfn.ipfn`` on the sample cross-table, weights spread back to
respondents by cell).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import time
import warnings

import numpy as np
import pandas as pd

MARGINS = {
    "channel": {"app": 0.5, "web": 0.3, "store": 0.2},
    "age_band": {"18-24": 0.15, "25-34": 0.25, "35-44": 0.25, "45-54": 0.2, "55+": 0.15},
    "region": {"java": 0.55, "sumatra": 0.2, "kalimantan": 0.1, "sulawesi": 0.15},
}


def make_sample(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    channel = rng.choice(["app", "web", "store"], n, p=[0.7, 0.2, 0.1])
    # Age depends on channel (app users younger), so the margins interact and IPF must iterate.
    young = np.where(channel == "app", 0.35, 0.1)
    ages = np.array(["18-24", "25-34", "35-44", "45-54", "55+"])
    age = np.where(rng.random(n) < young, "18-24",
                   ages[rng.choice(5, n, p=[0.1, 0.35, 0.25, 0.2, 0.1])])
    region = rng.choice(list(MARGINS["region"]), n, p=[0.7, 0.15, 0.05, 0.1])
    return pd.DataFrame({"channel": channel, "age_band": age, "region": region})


def reference(df: pd.DataFrame) -> np.ndarray:
    """Plain IPF to a tolerance far below any reporting precision."""
    w = np.ones(len(df))
    codes = {c: pd.Categorical(df[c], categories=list(m)).codes for c, m in MARGINS.items()}
    for _ in range(10_000):
        before = w.copy()
        for c, m in MARGINS.items():
            totals = np.bincount(codes[c], weights=w, minlength=len(m))
            w *= (np.array(list(m.values())) * w.sum() / totals)[codes[c]]
        if np.abs(w - before).max() < 1e-12:
            break
    return w / w.mean()


def with_weightipy(df):
    import weightipy as wp

    scheme = wp.scheme_from_dict({c: {k: 100 * v for k, v in m.items()}
                                  for c, m in MARGINS.items()},
                                 rim_params={"convcrit": 1e-6, "max_iterations": 1000})
    with contextlib.redirect_stdout(io.StringIO()):  # weightipy prints its convergence notes
        return wp.weight(df, scheme).to_numpy()


def with_samplics(df):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        from samplics.weighting import SampleWeight
    n = len(df)
    control = {c: {k: v * n for k, v in m.items()} for c, m in MARGINS.items()}
    margins = {c: df[c].to_numpy() for c in MARGINS}
    return SampleWeight().rake(np.ones(n), margins, control=control, tol=1e-6, max_iter=1000)


def with_ipfn(df):
    from ipfn import ipfn

    cells = df.groupby(list(MARGINS), observed=True).size().astype(float).rename("total").reset_index()
    n = len(df)
    aggregates = [pd.Series({k: v * n for k, v in m.items()}).rename_axis(c)
                  for c, m in MARGINS.items()]
    fitted = ipfn.ipfn(cells.copy(), aggregates, [[c] for c in MARGINS],
                       convergence_rate=1e-6, max_iteration=1000).iteration()
    factor = fitted.set_index(list(MARGINS))["total"] / cells.set_index(list(MARGINS))["total"]
    return df.join(factor.rename("w"), on=list(MARGINS))["w"].to_numpy()


PEERS = {"weightipy": with_weightipy, "samplics": with_samplics, "ipfn": with_ipfn}


def worst_margin_error(df, w) -> float:
    """Largest |weighted share - target| over every margin cell, in percentage points."""
    worst = 0.0
    for c, m in MARGINS.items():
        shares = pd.Series(w).groupby(df[c].to_numpy()).sum() / w.sum()
        worst = max(worst, max(abs(shares.get(k, 0) - v) for k, v in m.items()))
    return 100 * worst


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rows = []
    for n in args.sizes:
        df = make_sample(n)
        ref = reference(df)
        for name, fn in PEERS.items():
            fn(df)  # warm-up: first-call imports and caches
            times = []
            for _ in range(args.repeat):
                start = time.perf_counter()
                w = np.asarray(fn(df), dtype=float)
                times.append(time.perf_counter() - start)
            w = w / w.mean()
            rows.append({"n": n, "library": name, "seconds": min(times),
                         "worst margin error (pp)": worst_margin_error(df, w),
                         "max |w - ref|": float(np.abs(w - ref).max()),
                         "efficiency %": 100 * w.sum() ** 2 / (len(w) * (w ** 2).sum())})
    table = pd.DataFrame(rows)
    with pd.option_context("display.float_format", "{:.3g}".format, "display.width", 120):
        print(table.to_string(index=False))


if __name__ == "__main__":
    main()
