"""``reports/index.html``: every quarter with its status, when it was made, and links.

The index is rebuilt from what is on disk (each ``reports/<quarter>/manifest.json`` and each
failure record in ``reports/_failed/``) after every run, so it can never disagree with the folders.
It is a single self-contained page: no scripts, no external styles, so it opens from ``file://``.

Examples
--------
>>> import tempfile
>>> build_index(tempfile.mkdtemp()).name
'index.html'
"""

from __future__ import annotations

import html
import json
import os
from pathlib import Path

from .manifest import read_manifest
from ..study.load import QUARTER_RE

FAILED = "_failed"
STYLE = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:2rem;color:#1f2933}
h1{font-size:1.5rem}table{border-collapse:collapse;min-width:40rem}
th,td{border-bottom:1px solid #d9e2ec;padding:.45rem .8rem;text-align:left;vertical-align:top}
th{background:#f0f4f8}.ok{color:#1b7f3b;font-weight:600}.failed{color:#b42318;font-weight:600}
.note{color:#52606d;font-size:.9em}
"""


def quarter_rows(out: str | Path) -> list[dict]:
    """One record per quarter found under ``out``: last good report and last failure, newest first."""
    out = Path(out)
    rows: dict[str, dict] = {}
    for folder in out.iterdir() if out.is_dir() else []:
        manifest = read_manifest(folder) if QUARTER_RE.match(folder.name) else None
        if manifest and manifest.get("status") == "ok":
            rows.setdefault(folder.name, {"quarter": folder.name})["report"] = manifest
    for record in failure_records(out):
        row = rows.setdefault(record["quarter"], {"quarter": record["quarter"]})
        if record["when"] > row.get("failure", {}).get("when", ""):
            row["failure"] = record
    for row in rows.values():
        row["status"] = _status(row)
    return sorted(rows.values(), key=lambda r: r["quarter"], reverse=True)


def failure_records(out: str | Path) -> list[dict]:
    """The failure records (``_failed/<quarter>-<stamp>.json``) written by failed runs."""
    records = []
    for path in sorted((Path(out) / FAILED).glob("*.json")):
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue  # a half-written or foreign file must not break the index
        if isinstance(record, dict) and {"quarter", "when"} <= set(record):
            records.append(record)
    return records


def _status(row: dict) -> str:
    # A failure newer than the last good report is what the reader must see first.
    good = row.get("report", {}).get("created", "")
    failed = row.get("failure", {}).get("when", "")
    return "failed" if failed > good else "ok"


def build_index(out: str | Path) -> Path:
    """Write ``out/index.html`` listing every quarter with status, time and links.

    Parameters
    ----------
    out : str or Path
        The reports folder.

    Returns
    -------
    Path
        The index file.

    Examples
    --------
    >>> build_index("reports")        # doctest: +SKIP
    PosixPath('reports/index.html')
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    rows = "\n".join(_row_html(row) for row in quarter_rows(out)) or \
        '<tr><td colspan="4">No reports yet.</td></tr>'
    page = (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Quarterly reports'
            f'</title><style>{STYLE}</style></head><body><h1>Quarterly reports</h1>\n<table><thead><tr>'
            f'<th>Quarter</th><th>Status</th><th>When</th><th>Links</th></tr></thead><tbody>\n{rows}\n'
            f'</tbody></table></body></html>\n')
    target = out / "index.html"
    tmp = out / f".index.html.{os.getpid()}.tmp"
    tmp.write_text(page, encoding="utf-8")
    os.replace(tmp, target)  # atomic: a browser never sees half an index
    return target


def _row_html(row: dict) -> str:
    q, status = html.escape(row["quarter"]), row["status"]
    report, failure = row.get("report"), row.get("failure")
    links, notes = [], []
    if report:
        links += [f'<a href="{q}/report.html">report</a>', f'<a href="{q}/report.ipynb">notebook</a>',
                  f'<a href="{q}/manifest.json">manifest</a>']
    if status == "failed":
        name = html.escape(Path(failure.get("notebook", "")).name)
        if name:
            links.append(f'<a href="{FAILED}/{name}">failed notebook</a>')
        notes.append(html.escape(failure.get("message", "").splitlines()[0] if failure.get("message") else ""))
        if report:
            notes.append(f"last good report: {html.escape(report.get('created', ''))}")
    when = (failure or {}).get("when") if status == "failed" else report.get("created")
    note = "".join(f'<div class="note">{n}</div>' for n in notes if n)
    return (f'<tr><td>{q}</td><td class="{status}">{status}</td><td>{html.escape(str(when))}</td>'
            f'<td>{" · ".join(links)}{note}</td></tr>')
