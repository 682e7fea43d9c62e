"""Wall time of the demo quarterly report end to end, against plain papermill + nbconvert.

    .venv/bin/python benchmarks/bench_report.py [--study data/demo/study.yml] [--quarter 2026Q3]

The peer runs the same notebook with the same parameters using the two command-line tools a
researcher would otherwise use (``papermill`` then ``jupyter nbconvert --to html --no-input``),
with none of the runner's checks, hashing, manifest, lock, atomic publish or index. The ratio shows
what the runner's safety costs. Target: the demo report under 60 s on this machine.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
TARGET_S = 60.0


def run_cjm(study: Path, quarter: str, out: Path) -> tuple[float, dict]:
    from cjm_research.reports.runner import make_report

    start = time.perf_counter()
    result = make_report(study, quarter, out=out, force=True, progress=False)
    return time.perf_counter() - start, result.manifest


def run_peer(study: Path, quarter: str, work: Path, parameters: dict) -> dict[str, float]:
    work.mkdir(parents=True, exist_ok=True)
    executed = work / "report.ipynb"
    args = [str(BIN / "papermill"), str(ROOT / "notebooks" / "quarterly_report.ipynb"), str(executed),
            "-k", "cjm-research", "--cwd", str(work), "--no-progress-bar"]
    for name, value in parameters.items():
        args += ["-y", json.dumps({name: value})]
    t0 = time.perf_counter()
    subprocess.run(args, check=True, capture_output=True)
    t1 = time.perf_counter()
    subprocess.run([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)],
                   check=True, capture_output=True)
    t2 = time.perf_counter()
    return {"execute": t1 - t0, "convert": t2 - t1, "total": t2 - t0}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--study", type=Path, help="study file (default: a fresh demo study)")
    parser.add_argument("--quarter", default="2026Q3")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        study = args.study
        if study is None:
            from cjm_research.datasets.demo import make_demo

            study = Path(make_demo(tmp / "demo"))
        cjm_total, manifest = run_cjm(study, args.quarter, tmp / "reports")
        peer = run_peer(study, args.quarter, tmp / "peer", manifest["parameters"])
    cjm_phases = manifest["durations_s"]
    overhead = cjm_total - cjm_phases["execute"] - cjm_phases["convert"]
    rows = [("execute notebook", cjm_phases["execute"], peer["execute"]),
            ("convert to HTML", cjm_phases["convert"], peer["convert"]),
            ("checks, hashes, manifest, publish, index", overhead, 0.0),
            ("end to end", cjm_total, peer["total"])]
    print(f"demo report {args.quarter}: cjm make_report vs plain papermill + jupyter nbconvert (peer)")
    print(f"{'step':<42}{'cjm s':>9}{'peer s':>9}{'ratio':>8}")
    for name, mine, theirs in rows:
        ratio = f"{mine / theirs:.2f}" if theirs else "-"
        print(f"{name:<42}{mine:>9.1f}{theirs:>9.1f}{ratio:>8}")
    verdict = "met" if cjm_total < TARGET_S else "NOT met"
    print(f"target: end to end under {TARGET_S:.0f} s -> {verdict} ({cjm_total:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
