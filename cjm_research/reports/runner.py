"""Quarterly reports: run the report notebook with papermill and publish it without losing anything.

:func:`make_report` is what ``cjm report`` calls. A run

1. checks the parameters against the notebook's ``parameters`` cell (an unknown name is an error)
   and makes them JSON-safe;
2. hashes every input file; when ``reports/<quarter>/manifest.json`` already has the same
   fingerprint the quarter is skipped (``force=True`` rebuilds);
3. takes a file lock for the quarter, so two runs never write one quarter: a second run waits up
   to ``lock_timeout`` seconds, then re-checks the manifest (usually skipping, because the first run
   just built it) or fails with a :class:`ReportError` if the first is still running;
4. executes the notebook with an explicit kernel and per-cell timeout in a staging folder inside
   ``out`` (same file system, so publishing is a rename), retrying only kernel deaths and timeouts;
5. converts to HTML without code and with embedded images, writes ``manifest.json`` and swaps the
   staging folder into ``reports/<quarter>/``; the previous report stays until the new one is in
   place;
6. on failure keeps the executed notebook as ``reports/_failed/<quarter>-<stamp>.ipynb``, leaves
   the last good report byte-identical and raises one :class:`ReportError`;
7. rebuilds ``reports/index.html`` in every case.

Examples
--------
>>> from cjm_research.reports.runner import make_report                      # doctest: +SKIP
>>> result = make_report("data/demo/study.yml", "2026Q3", out="reports")   # doctest: +SKIP
>>> result.status, result.html                                         # doctest: +SKIP
('built', PosixPath('reports/2026Q3/report.html'))
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from . import manifest as mf
from ..core.errors import CJMError, ParameterError, check_choice
from .index import FAILED, build_index
from ..study.load import parse_quarter, previous_quarter, read_study_config

__all__ = ["ReportError", "ReportResult", "make_report", "build_index", "report_parameters",
           "check_parameters", "default_notebook"]

log = logging.getLogger(__name__)

KERNEL = "cjm-research"
NOTEBOOK_NAME = "quarterly_report.ipynb"
STAGING = "_staging"
LOCKS = ".locks"


class ReportError(CJMError):
    """A report run failed; the message says what, where, why and where the failed notebook is."""


@dataclass
class ReportResult:
    """What :func:`make_report` did for one quarter."""

    status: str                     # "built" or "skipped"
    quarter: str
    folder: Path
    html: Path
    manifest: dict = field(repr=False)
    attempts: int = 0


def default_notebook() -> Path:
    """The report notebook: ``notebooks/quarterly_report.ipynb`` of the project (or the package copy)."""
    package = Path(__file__).resolve().parents[1]      # cjm_research/
    here = package
    for candidate in (package.parent / "notebooks" / NOTEBOOK_NAME, package / "notebooks" / NOTEBOOK_NAME):
        if candidate.is_file():
            return candidate
    raise ReportError(f"the report notebook {NOTEBOOK_NAME} was not found next to the package "
                      f"({here.parent / 'notebooks'}); pass notebook= explicitly.")


# ----------------------------------------------------------------------------- parameters
def report_parameters(config, quarter: str, *, previous=None, persona_spec=None, future_state=None,
                      min_cell_size=None, language=None) -> dict:
    """The notebook parameters with every default resolved, so the manifest records what was used.

    Examples
    --------
    >>> from cjm_research.study.load import read_study_config                  # doctest: +SKIP
    >>> report_parameters(read_study_config("study.yml"), "2026Q3")["previous_quarter"]  # doctest: +SKIP
    '2026Q2'
    """
    if previous is None:
        candidate = previous_quarter(quarter)
        previous = candidate if candidate in config.quarters else None
    else:
        previous = parse_quarter(previous)
        config.quarter_files(previous)  # an unknown quarter names the study file
    language = language or config.language
    check_choice("language", language, ["en", "id"])
    future = future_state or config.future_state
    return {"study": _abs(config.path), "quarter": quarter, "previous_quarter": previous,
            "persona_spec": _abs(persona_spec), "future_state": _abs(future),
            "min_cell_size": _cell_size(config.min_cell_size if min_cell_size is None else min_cell_size),
            "language": language, "figures_dir": "figures", "tables_dir": "tables"}


def _abs(path) -> str | None:
    return str(Path(path).resolve()) if path else None


def _cell_size(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ParameterError(f"The value for `min_cell_size` must be a positive integer, but {value!r} was passed.")
    return value


def check_parameters(notebook: Path, parameters: dict) -> dict:
    """Return JSON-safe parameters after checking every name against the notebook's ``parameters`` cell.

    An unknown name is an error (papermill would only warn and inject it anyway), and so is a value
    that cannot be written to JSON, because papermill writes parameters into the notebook as code.
    """
    import papermill as pm

    declared = pm.inspect_notebook(str(notebook))
    if not declared:
        raise ReportError(f"{notebook}: no cell tagged 'parameters'; tag the cell that sets the defaults.")
    unknown = sorted(set(parameters) - set(declared))
    if unknown:
        raise ParameterError(f"{notebook}: unknown parameter(s) {unknown}; the notebook's parameters cell "
                             f"declares {sorted(declared)}.")
    return {name: _json_safe(name, value) for name, value in parameters.items()}


def _json_safe(name: str, value):
    if isinstance(value, Path):
        return str(value)
    if hasattr(value, "item") and not isinstance(value, (list, dict, str)):
        value = value.item()  # numpy scalars
    try:
        return json.loads(json.dumps(value, allow_nan=False))
    except (TypeError, ValueError):
        raise ParameterError(f"The value for parameter `{name}` must be JSON-safe (str, number, bool, "
                             f"None, list or dict), but {value!r} was passed.") from None


# ----------------------------------------------------------------------------- the runner
def make_report(study_path, quarter, *, out="reports", force=False, previous=None, persona_spec=None,
                future_state=None, min_cell_size=None, language=None, timeout=600, retries=1,
                kernel=KERNEL, progress=True, notebook=None, start_timeout=60, lock_timeout=10.0
                ) -> ReportResult:
    """Build the quarterly report of ``quarter`` into ``out/<quarter>/``.

    Parameters
    ----------
    study_path : str or Path
        The study file.
    quarter : str
        ``YYYYQn``; it must be listed in the study.
    out : str or Path, default "reports"
        Reports folder: ``out/<quarter>/`` (report.html, report.ipynb, figures/, tables/,
        manifest.json), ``out/index.html`` and ``out/_failed/``.
    force : bool, default False
        Rebuild even when the manifest matches the inputs and parameters.
    previous, persona_spec, future_state, min_cell_size, language
        Notebook parameters; ``None`` means the study's default (previous: the quarter before).
    timeout : float, default 600
        Seconds each notebook cell may run; a longer cell counts as a timeout.
    retries : int, default 1
        Extra attempts after a kernel death or a timeout. Errors raised by a cell are not retried.
    kernel : str, default "cjm-research"
        Jupyter kernel name (``python -m ipykernel install --sys-prefix --name cjm-research``).
    progress : bool, default True
        Show papermill's progress bar.
    notebook : str or Path, optional
        Another report notebook (default: ``notebooks/quarterly_report.ipynb``).
    start_timeout : float, default 60
        Seconds to wait for the kernel to start.
    lock_timeout : float, default 10
        Seconds a second run on the same quarter waits for the first before failing.

    Returns
    -------
    ReportResult
        ``status`` is ``"built"`` or ``"skipped"``.

    Raises
    ------
    ReportError
        The notebook failed (cell error, kernel death, timeout) or the quarter is locked; the last
        good report is untouched and the failed notebook is kept in ``out/_failed/``.

    Examples
    --------
    >>> make_report("data/demo/study.yml", "2026Q3").status   # doctest: +SKIP
    'built'
    """
    config = read_study_config(study_path)
    quarter = parse_quarter(quarter)
    config.quarter_files(quarter)
    _check_run_options(timeout=timeout, retries=retries, start_timeout=start_timeout)
    nb_path = Path(notebook) if notebook else default_notebook()
    if not nb_path.is_file():
        raise ParameterError(f"The report notebook {nb_path} does not exist.")
    params = check_parameters(nb_path, report_parameters(
        config, quarter, previous=previous, persona_spec=persona_spec, future_state=future_state,
        min_cell_size=min_cell_size, language=language))
    inputs = mf.hash_inputs(mf.input_files(config, quarter, previous=params["previous_quarter"],
                                           future_state=params["future_state"],
                                           persona_spec=params["persona_spec"], notebook=nb_path))
    job = _Job(config=config, quarter=quarter, out=Path(out), notebook=nb_path, parameters=params,
               inputs=inputs, kernel=kernel, timeout=timeout, start_timeout=start_timeout,
               retries=retries, progress=progress)
    job.out.mkdir(parents=True, exist_ok=True)
    try:
        with _quarter_lock(job.out, quarter, lock_timeout):
            return job.skip_or_build(force)
    finally:
        build_index(job.out)


def _check_run_options(*, timeout, retries, start_timeout) -> None:
    for name, value in (("timeout", timeout), ("start_timeout", start_timeout)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            raise ParameterError(f"The value for `{name}` must be a positive number of seconds, but {value!r} was passed.")
    if isinstance(retries, bool) or not isinstance(retries, int) or retries < 0:
        raise ParameterError(f"The value for `retries` must be an integer >= 0, but {retries!r} was passed.")


def _quarter_lock(out: Path, quarter: str, timeout: float):
    import filelock

    (out / LOCKS).mkdir(exist_ok=True)
    lock = filelock.FileLock(out / LOCKS / f"{quarter}.lock", timeout=timeout)

    class _Held:
        def __enter__(self):
            try:
                lock.acquire()
            except filelock.Timeout:
                raise ReportError(
                    f"another run is writing the {quarter} report in {out} (lock {lock.lock_file} "
                    f"held for more than {timeout:g} s); nothing was changed. Try again when it "
                    "has finished.") from None
            return lock

        def __exit__(self, *exc):
            lock.release()

    return _Held()


@dataclass
class _Job:
    config: object
    quarter: str
    out: Path
    notebook: Path
    parameters: dict
    inputs: dict
    kernel: str
    timeout: float
    start_timeout: float
    retries: int
    progress: bool

    @property
    def folder(self) -> Path:
        return self.out / self.quarter

    @property
    def fingerprint(self) -> str:
        return mf.fingerprint(self.parameters, self.inputs)

    def skip_or_build(self, force: bool) -> ReportResult:
        current = mf.read_manifest(self.folder)
        if (not force and current and current.get("status") == "ok"
                and current.get("fingerprint") == self.fingerprint):
            log.info("%s: report is up to date (%s), skipped", self.quarter, self.folder)
            return ReportResult("skipped", self.quarter, self.folder, self.folder / "report.html", current)
        return self.build()

    def build(self) -> ReportResult:
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
        staging = self.out / STAGING / f"{self.quarter}-{stamp}-{os.getpid()}"
        # We hold the quarter's lock, so any staging folder of this quarter is left by a killed run.
        for stale in (self.out / STAGING).glob(f"{self.quarter}-*"):
            shutil.rmtree(stale, ignore_errors=True)
        for sub in ("figures", "tables"):
            (staging / sub).mkdir(parents=True)
        try:
            manifest, attempts = self._run_in(staging)
            _swap_into_place(staging, self.folder)
        except Exception as exc:
            failure = exc if isinstance(exc, _RunFailed) else _RunFailed(
                f"the {self.quarter} report failed unexpectedly: {type(exc).__name__}: {_first_line(exc)}")
            kept = _keep_failed(self.out, self.quarter, staging / "report.ipynb", failure.message)
            raise ReportError(f"{failure.message.rstrip('.')}. The failed notebook is kept at {kept}; the last good "
                              f"report in {self.folder} is unchanged.") from None
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        log.info("%s: report built in %s", self.quarter, self.folder)
        return ReportResult("built", self.quarter, self.folder, self.folder / "report.html", manifest, attempts)

    def _run_in(self, staging: Path) -> tuple[dict, int]:
        started, t0 = mf.utc_now(), time.perf_counter()
        attempts = _execute(self, staging)
        t1 = time.perf_counter()
        try:
            to_html(staging / "report.ipynb", staging / "report.html")
        except Exception as exc:  # nbconvert errors are not the user's; report them as a failed run
            raise _RunFailed(f"the {self.quarter} report ran but HTML conversion failed: "
                             f"{type(exc).__name__}: {exc}") from exc
        t2 = time.perf_counter()
        manifest = self._manifest(staging, started, attempts, {"execute": t1 - t0, "convert": t2 - t1})
        mf.write_json(staging / mf.MANIFEST, manifest)
        return manifest, attempts

    def _manifest(self, staging: Path, started: str, attempts: int, durations: dict) -> dict:
        outputs = {str(p.relative_to(staging)): mf.sha256_file(p)
                   for p in sorted(staging.rglob("*")) if p.is_file()}
        return {"status": "ok", "quarter": self.quarter, "study": self.config.name,
                "created": mf.utc_now(), "started": started, "parameters": self.parameters,
                "inputs": self.inputs, "fingerprint": self.fingerprint, "kernel": self.kernel,
                "attempts": attempts, "durations_s": {k: round(v, 3) for k, v in durations.items()},
                "packages": mf.package_versions(), "code": mf.code_hash(), "git": mf.git_commit(),
                "outputs": outputs}


class _RunFailed(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# ----------------------------------------------------------------------------- execution
def _retryable(exc: BaseException) -> bool:
    """Kernel deaths and timeouts are worth another attempt; anything else is not."""
    from nbclient.exceptions import DeadKernelError

    # CellTimeoutError subclasses TimeoutError; a kernel that never starts or dies before replying
    # raises RuntimeError("Kernel didn't respond ..." / "Kernel died ...") from jupyter_client.
    return isinstance(exc, (DeadKernelError, TimeoutError)) or (
        isinstance(exc, RuntimeError) and "kernel" in str(exc).lower())


def _execute(job: _Job, staging: Path) -> int:
    """Run the notebook, retrying only kernel deaths and timeouts; return the number of attempts."""
    import papermill as pm
    from jupyter_client.kernelspec import NoSuchKernel

    last = None
    for attempt in range(1, job.retries + 2):
        try:
            pm.execute_notebook(str(job.notebook), str(staging / "report.ipynb"), parameters=job.parameters,
                                kernel_name=job.kernel, execution_timeout=job.timeout,
                                start_timeout=job.start_timeout, progress_bar=job.progress,
                                cwd=str(staging), log_output=False)
            return attempt
        except pm.PapermillExecutionError as exc:
            raise _RunFailed(_cell_error_message(job.quarter, exc)) from None
        except NoSuchKernel:
            raise _RunFailed(f"the Jupyter kernel {job.kernel!r} is not installed; register it with "
                             f"`.venv/bin/python -m ipykernel install --sys-prefix --name {job.kernel}`") from None
        except Exception as exc:
            if not _retryable(exc):
                raise
            last = exc
            log.warning("%s: attempt %d of %d failed (%s: %s)", job.quarter, attempt, job.retries + 1,
                        type(exc).__name__, _first_line(exc))
    raise _RunFailed(_kernel_failure_message(job, staging / "report.ipynb", last))


def _cell_error_message(quarter: str, exc) -> str:
    source = _snippet(exc.source)
    return (f"the {quarter} report failed in cell In [{exc.exec_count}] ({source!r}): "
            f"{exc.ename}: {_first_line(exc.evalue)}")


def _kernel_failure_message(job: _Job, executed: Path, exc) -> str:
    from nbclient.exceptions import DeadKernelError

    what = ("the kernel died" if isinstance(exc, DeadKernelError)
            else f"a cell ran longer than {job.timeout:g} s" if isinstance(exc, TimeoutError)
            else "the kernel failed")
    cell = _running_cell(executed)
    where = f" in cell {cell!r}" if cell else ""
    return (f"the {job.quarter} report failed after {job.retries + 1} attempt(s): {what}{where} "
            f"({type(exc).__name__}: {_first_line(exc)})")


def _running_cell(executed: Path) -> str | None:
    # papermill stamps start_time on each cell it starts; the last stamped one was running.
    import nbformat

    try:
        nb = nbformat.read(executed, as_version=4)
    except Exception:
        return None
    started = [c for c in nb.cells if c.get("metadata", {}).get("papermill", {}).get("start_time")]
    return _snippet(started[-1].source) if started else None


def _snippet(source: str, width: int = 90) -> str:
    """A cell's source on one line (``a; b; c``), shortened, to name the cell in a message."""
    text = "; ".join(line.strip() for line in str(source).splitlines() if line.strip())
    return text if len(text) <= width else text[: width - 3] + "..."


def _first_line(text) -> str:
    lines = [line for line in str(text).strip().splitlines() if line.strip()]
    return lines[0].strip() if lines else str(text)


# ----------------------------------------------------------------------------- HTML
# The lab template loads require.js, MathJax and Mermaid from a CDN; a report must open offline
# (and without console errors), so those script blocks are emptied. Figures keep their alt text.
_TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{% block data_png scoped %}
<div class="jp-RenderedImage jp-OutputArea-output {{ extra_class }}">
<img src="data:image/png;base64,{{ output.data['image/png'] | escape_html }}"
 alt="{{ (output | get_metadata('alt', 'image/png')) or 'figure' | escape_html }}">
</div>
{% endblock data_png %}
"""


def to_html(notebook: str | Path, target: str | Path) -> Path:
    """Convert an executed notebook to self-contained HTML without code, prompts or stderr.

    Images are embedded as ``data:`` URIs (figure outputs always are; ``embed_images`` covers
    markdown images), so the HTML file is the whole report.
    """
    import jinja2
    import nbformat
    from nbconvert import HTMLExporter

    nb = nbformat.read(str(notebook), as_version=4)
    for cell in nb.cells:
        # Warnings on stderr help the analyst (they stay in the notebook), not the reader.
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.outputs if not (o.output_type == "stream" and o.name == "stderr")]
    exporter = HTMLExporter(template_name="lab", template_file="cjm_report.html.j2",
                            extra_loaders=[jinja2.DictLoader({"cjm_report.html.j2": _TEMPLATE})],
                            exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True,
                            embed_images=True)
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": _title(nb)}})
    Path(target).write_text(body, encoding="utf-8")
    return Path(target)


def _title(nb) -> str:
    return nb.metadata.get("title") or "Quarterly customer journey report"


# ----------------------------------------------------------------------------- publishing
def _swap_into_place(staging: Path, final: Path) -> None:
    """Put ``staging`` at ``final``; the old report is removed only once the new one is in place."""
    if not final.exists():
        os.replace(staging, final)
        return
    if _exchange(staging, final):  # one atomic step: readers see the old or the new report, never none
        shutil.rmtree(staging, ignore_errors=True)
        return
    old = staging.with_name(staging.name + "-previous")
    os.replace(final, old)
    try:
        os.replace(staging, final)
    except OSError:
        os.replace(old, final)  # put the last good report back before reporting the failure
        raise
    shutil.rmtree(old, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders atomically with Linux ``renameat2(RENAME_EXCHANGE)``; False where unsupported."""
    import ctypes

    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def _keep_failed(out: Path, quarter: str, executed: Path, message: str) -> Path:
    """Copy the failed notebook to ``out/_failed/<quarter>-<stamp>.ipynb`` with a JSON record."""
    folder = out / FAILED
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    base, n = f"{quarter}-{stamp}", 1
    while (folder / f"{base}.ipynb").exists() or (folder / f"{base}.json").exists():
        n += 1
        base = f"{quarter}-{stamp}-{n}"
    kept = folder / f"{base}.ipynb"
    if executed.is_file():
        shutil.copy2(executed, kept)
    else:  # the kernel never started: keep a note instead of a notebook
        kept.write_text(json.dumps({"cells": [], "metadata": {"failure": message}, "nbformat": 4,
                                    "nbformat_minor": 5}), encoding="utf-8")
    mf.write_json(folder / f"{base}.json", {"quarter": quarter, "when": mf.utc_now(),
                                            "message": message, "notebook": str(kept)})
    return kept
