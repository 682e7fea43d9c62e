"""The report runner on a tiny study and tiny notebooks: publishing, skipping, locking, failures.

Every fault-injection test starts from a copy of one good report and checks, byte for byte, that
the failed run left it untouched and kept the failed notebook in ``_failed/``.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import threading
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from cjm_research.reports import runner as reports
from cjm_research.core.errors import CJMError, ParameterError
from cjm_research.reports.runner import ReportError, check_parameters, make_report

PARAMS = {"study": None, "quarter": None, "previous_quarter": None, "persona_spec": None,
          "future_state": None, "min_cell_size": 5, "language": "en", "figures_dir": "figures",
          "tables_dir": "tables"}

GOOD_CELLS = [
    "import cjm_research as cjm\nfrom cjm_research.core.labels import t\nfrom IPython.display import Markdown, display",
    "display(Markdown('## ' + t('kpis', language)))",
    "study = cjm.load_study(study, quarter)\nsurvey = study.survey",
    "import matplotlib.pyplot as plt\nfig, ax = plt.subplots(figsize=(3, 2))\n"
    "ax.bar(['a', 'b'], [1, 2], color=['tab:blue', 'tab:orange'])\n"
    "fig.savefig(f'{figures_dir}/bars.png')\nplt.show()",
    "survey.describe().to_csv(f'{tables_dir}/summary.csv')\nprint('respondents:', len(survey))",
]


def make_notebook(path: Path, cells, params=PARAMS) -> Path:
    nb = new_notebook()
    nb.cells.append(new_code_cell("\n".join(f"{k} = {v!r}" for k, v in params.items()),
                                  metadata={"tags": ["parameters"]}))
    nb.cells += [new_code_cell(c) for c in cells]
    nb.metadata["kernelspec"] = {"name": "cjm-research", "display_name": "cjm-research", "language": "python"}
    nbformat.write(nb, str(path))
    return path


def make_study(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for q in ("2026Q2", "2026Q3"):
        (folder / q).mkdir(exist_ok=True)
        (folder / q / "survey.csv").write_text(
            "respondent_id,nps,csat_decision\nR1,9,4\nR2,3,2\nR3,10,5\nR4,7,3\nR5,8,0\n", encoding="utf-8")
    (folder / "study.yml").write_text(
        "name: Tiny\nframework: default\nsurvey:\n  respondent_id: respondent_id\n  nps: nps\n"
        "  csat: {decision: csat_decision}\nquarters:\n  2026Q2: {survey: 2026Q2/survey.csv}\n"
        "  2026Q3: {survey: 2026Q3/survey.csv}\n", encoding="utf-8")
    return folder / "study.yml"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def good(tmp_path_factory):
    """One good report of the tiny study, built once; tests copy its output folder."""
    root = tmp_path_factory.mktemp("good")
    study = make_study(root / "study")
    notebook = make_notebook(root / "tiny.ipynb", GOOD_CELLS)
    result = make_report(study, "2026Q3", out=root / "reports", notebook=notebook, progress=False)
    return {"root": root, "study": study, "notebook": notebook, "result": result, "out": root / "reports"}


@pytest.fixture
def copy(good, tmp_path):
    """A private copy of the study, notebook and the good reports folder."""
    shutil.copytree(good["root"], tmp_path / "w")
    w = tmp_path / "w"
    return {"study": w / "study" / "study.yml", "notebook": w / "tiny.ipynb", "out": w / "reports",
            "before": snapshot(w / "reports" / "2026Q3"), "w": w}


def assert_failed_cleanly(copy, exc_info, *, phrase):
    message = str(exc_info.value)
    assert phrase in message
    assert snapshot(copy["out"] / "2026Q3") == copy["before"], "the last good report changed"
    kept = sorted((copy["out"] / "_failed").glob("2026Q3-*.ipynb"))
    assert len(kept) == 1 and str(kept[0]) in message
    assert not any((copy["out"] / "_staging").iterdir())
    index = (copy["out"] / "index.html").read_text()
    assert re.search(r"2026Q3</td><td class=\"failed\">failed", index)
    assert 'href="2026Q3/report.html"' in index  # the last good report is still linked
    return nbformat.read(str(kept[0]), as_version=4)


# ------------------------------------------------------------------ a good run
@pytest.mark.slow  # starts a Jupyter kernel
def test_built_report_folder(good):
    result = good["result"]
    folder = good["out"] / "2026Q3"
    assert result.status == "built" and result.folder == folder and result.html == folder / "report.html"
    names = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    assert names == {"report.html", "report.ipynb", "manifest.json", "figures/bars.png", "tables/summary.csv"}
    table = (folder / "tables" / "summary.csv").read_text()
    assert table.startswith(",nps,csat_decision") and "count,5.0,4.0" in table


@pytest.mark.slow  # starts a Jupyter kernel
def test_html_has_no_code_and_embeds_images(good):
    html = (good["out"] / "2026Q3" / "report.html").read_text()
    assert "load_study" not in html and "savefig" not in html  # no code
    assert "class=\"jp-InputPrompt" not in html and "class=\"jp-OutputPrompt" not in html
    assert "<h2" in html and "Key metrics" in html              # markdown heading from the labels
    sources = re.findall(r'<img[^>]*src="([^"]*)"', html)
    assert sources and all(s.startswith("data:image/png;base64,") for s in sources)
    assert len(re.findall(r'<img[^>]*alt="figure"', html)) == len(sources)
    assert "cdnjs" not in html and "<script src=" not in html  # opens offline
    assert "respondents: 5" in html


@pytest.mark.slow  # starts a Jupyter kernel
def test_manifest_records_inputs_and_environment(good):
    folder = good["out"] / "2026Q3"
    manifest = json.loads((folder / "manifest.json").read_text())
    study_dir = good["study"].parent
    expected = {"study": good["study"], "notebook": good["notebook"],
                "2026Q3.survey": study_dir / "2026Q3" / "survey.csv",
                "2026Q2.survey": study_dir / "2026Q2" / "survey.csv"}
    for role, path in expected.items():
        assert manifest["inputs"][role]["sha256"] == sha(path)
    assert manifest["inputs"]["framework"]["path"].endswith("default.yml")
    assert manifest["parameters"] == {**PARAMS, "study": str(good["study"].resolve()), "quarter": "2026Q3",
                                      "previous_quarter": "2026Q2"}
    assert manifest["status"] == "ok" and manifest["attempts"] == 1 and manifest["kernel"] == "cjm-research"
    assert set(manifest["durations_s"]) == {"execute", "convert"} and manifest["durations_s"]["execute"] > 0
    assert manifest["packages"]["pandas"] and manifest["packages"]["papermill"]
    assert manifest["outputs"]["figures/bars.png"] == sha(folder / "figures" / "bars.png")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", manifest["created"])


@pytest.mark.slow  # starts a Jupyter kernel
def test_index_lists_quarter(good):
    index = (good["out"] / "index.html").read_text()
    assert re.search(r"<td>2026Q3</td><td class=\"ok\">ok</td>", index)
    assert 'href="2026Q3/report.html"' in index and "2026Q2" not in index


# ------------------------------------------------------------------ parameters
def test_unknown_parameter_name_is_an_error(tmp_path):
    nb = make_notebook(tmp_path / "nb.ipynb", ["x = 1"], params={"study": None, "quarter": None})
    with pytest.raises(ParameterError, match=r"unknown parameter\(s\) \['colour'\]"):
        check_parameters(nb, {"study": "s.yml", "colour": "red"})
    study = make_study(tmp_path / "s")
    with pytest.raises(ParameterError, match="unknown parameter.*'figures_dir'.*'language'"):
        make_report(study, "2026Q3", out=tmp_path / "r", notebook=nb, progress=False)
    assert not (tmp_path / "r").exists()


def test_parameters_made_json_safe(tmp_path):
    np = pytest.importorskip("numpy")
    nb = make_notebook(tmp_path / "nb.ipynb", [], params={"a": None, "b": None, "c": None})
    safe = check_parameters(nb, {"a": np.int64(3), "b": tmp_path, "c": [np.float64(0.5)]})
    assert safe == {"a": 3, "b": str(tmp_path), "c": [0.5]} and type(safe["a"]) is int
    with pytest.raises(ParameterError, match="`c` must be JSON-safe"):
        check_parameters(nb, {"c": {1, 2}})


@pytest.mark.slow  # starts a Jupyter kernel
def test_bad_options_and_quarter(good, tmp_path):
    with pytest.raises(ParameterError, match="`language` must be one of \\['en', 'id'\\], but 'fr'"):
        make_report(good["study"], "2026Q3", out=tmp_path, notebook=good["notebook"], language="fr")
    with pytest.raises(ParameterError, match="`retries` must be an integer >= 0"):
        make_report(good["study"], "2026Q3", out=tmp_path, notebook=good["notebook"], retries=-1)
    with pytest.raises(CJMError, match="has no quarter '2027Q1'"):
        make_report(good["study"], "2027Q1", out=tmp_path, notebook=good["notebook"])


# ------------------------------------------------------------------ skipping
@pytest.mark.slow  # starts a Jupyter kernel
def test_skip_when_manifest_matches_and_force(copy):
    out, study, nb = copy["out"], copy["study"], copy["notebook"]
    again = make_report(study, "2026Q3", out=out, notebook=nb, progress=False)
    assert again.status == "skipped" and snapshot(out / "2026Q3") == copy["before"]
    stale = out / "_staging" / "2026Q3-20260101T000000000000Z-999"   # left by a killed run
    (stale / "figures").mkdir(parents=True)
    forced = make_report(study, "2026Q3", out=out, notebook=nb, progress=False, force=True)
    assert not stale.exists()
    assert forced.status == "built"
    assert forced.manifest["fingerprint"] == again.manifest["fingerprint"]
    # A changed input file means the report is stale.
    survey = study.parent / "2026Q3" / "survey.csv"
    survey.write_text(survey.read_text() + "R6,10,5\n")
    changed = make_report(study, "2026Q3", out=out, notebook=nb, progress=False)
    assert changed.status == "built" and changed.manifest["inputs"]["2026Q3.survey"]["sha256"] == sha(survey)
    assert "respondents: 6" in (out / "2026Q3" / "report.html").read_text()


@pytest.mark.slow  # starts a Jupyter kernel
def test_missing_input_file_is_named(copy):
    (copy["study"].parent / "2026Q2" / "survey.csv").unlink()
    with pytest.raises(CJMError, match=r"2026Q2\.survey: .*2026Q2/survey\.csv"):
        make_report(copy["study"], "2026Q3", out=copy["out"], notebook=copy["notebook"], progress=False)
    assert snapshot(copy["out"] / "2026Q3") == copy["before"]


# ------------------------------------------------------------------ fault injection
@pytest.mark.slow  # starts a Jupyter kernel
def test_cell_error_is_not_retried(copy):
    counter = copy["w"] / "count.txt"
    nb = make_notebook(copy["w"] / "raises.ipynb", [
        f"open({str(counter)!r}, 'a').write('x')",
        "raise ValueError('planted failure')"])
    with pytest.raises(ReportError) as info:
        make_report(copy["study"], "2026Q3", out=copy["out"], notebook=nb, progress=False, retries=2)
    failed = assert_failed_cleanly(copy, info, phrase="ValueError: planted failure")
    assert "raise ValueError('planted failure')" in str(info.value)
    assert counter.read_text() == "x"  # ran once: a cell error is the notebook's fault, not the kernel's
    assert any(o.get("ename") == "ValueError" for c in failed.cells for o in c.get("outputs", []))


@pytest.mark.slow  # starts a Jupyter kernel
def test_kernel_death_is_retried_then_reported(copy):
    counter = copy["w"] / "count.txt"
    nb = make_notebook(copy["w"] / "dies.ipynb", [
        f"open({str(counter)!r}, 'a').write('x')",
        "import os\nos._exit(1)"])
    with pytest.raises(ReportError) as info:
        make_report(copy["study"], "2026Q3", out=copy["out"], notebook=nb, progress=False, retries=1)
    assert_failed_cleanly(copy, info, phrase="the kernel died")
    assert "2 attempt(s)" in str(info.value) and "os._exit(1)" in str(info.value)
    assert counter.read_text() == "xx"


@pytest.mark.slow  # starts a Jupyter kernel
def test_kernel_death_once_then_success(copy):
    marker = copy["w"] / "died-once"
    nb = make_notebook(copy["w"] / "flaky.ipynb", [
        f"import os, pathlib\nm = pathlib.Path({str(marker)!r})\n"
        "if not m.exists():\n    m.touch()\n    os._exit(1)",
        "print('second attempt')"])
    result = make_report(copy["study"], "2026Q3", out=copy["out"], notebook=nb, progress=False, retries=1)
    assert result.status == "built" and result.attempts == 2 and result.manifest["attempts"] == 2
    assert "second attempt" in result.html.read_text()
    assert not (copy["out"] / "_failed").exists()


@pytest.mark.slow  # starts a Jupyter kernel
def test_timeout_is_reported(copy):
    nb = make_notebook(copy["w"] / "slow.ipynb", ["import time\ntime.sleep(30)"])
    with pytest.raises(ReportError) as info:
        make_report(copy["study"], "2026Q3", out=copy["out"], notebook=nb, progress=False, retries=0,
                    timeout=2)
    assert_failed_cleanly(copy, info, phrase="a cell ran longer than 2 s")


@pytest.mark.slow  # starts a Jupyter kernel
def test_broken_input_file(copy):
    survey = copy["study"].parent / "2026Q3" / "survey.csv"
    survey.write_bytes(b"respondent_id,nps,csat_decision\nR1,ten,4\nR2,3,\x00\x01\nR3")
    with pytest.raises(ReportError) as info:
        make_report(copy["study"], "2026Q3", out=copy["out"], notebook=copy["notebook"], progress=False)
    failed = assert_failed_cleanly(copy, info, phrase="load_study")
    assert "DataError" in str(info.value) and "survey.csv" in str(info.value)
    assert failed.metadata["papermill"]["parameters"]["quarter"] == "2026Q3"


@pytest.mark.slow  # starts a Jupyter kernel
def test_two_runs_at_once(copy):
    nb = make_notebook(copy["w"] / "slowish.ipynb", ["import time\ntime.sleep(4)"])
    results, errors = [], []

    def run(**kw):
        try:
            results.append(make_report(copy["study"], "2026Q3", out=copy["out"], notebook=nb,
                                       progress=False, **kw))
        except ReportError as exc:
            errors.append(exc)

    first = threading.Thread(target=run)
    first.start()
    lock = copy["out"] / ".locks" / "2026Q3.lock"
    waited = threading.Event()
    # The second run starts once the first holds the lock, waits 0.5 s and gives up.
    for _ in range(200):
        if lock.exists() and _locked(lock):
            break
        waited.wait(0.05)
    second = threading.Thread(target=run, kwargs={"lock_timeout": 0.5})
    second.start()
    second.join()
    assert len(errors) == 1 and "another run is writing the 2026Q3 report" in str(errors[0])
    assert snapshot(copy["out"] / "2026Q3") == copy["before"]  # untouched while the first still runs
    first.join()
    assert [r.status for r in results] == ["built"]
    folder = copy["out"] / "2026Q3"
    manifest = json.loads((folder / "manifest.json").read_text())
    assert all(sha(folder / name) == digest for name, digest in manifest["outputs"].items())
    # A patient second run waits for the first and then finds the report up to date.
    assert make_report(copy["study"], "2026Q3", out=copy["out"], notebook=nb, progress=False,
                       lock_timeout=30).status == "skipped"


def _locked(lock: Path) -> bool:
    import filelock

    probe = filelock.FileLock(lock, timeout=0)
    try:
        probe.acquire()
    except filelock.Timeout:
        return True
    probe.release()
    return False


@pytest.mark.slow  # starts a Jupyter kernel
def test_missing_kernel_is_named(copy):
    with pytest.raises(ReportError) as info:
        make_report(copy["study"], "2026Q3", out=copy["out"], notebook=copy["notebook"], progress=False,
                    kernel="no-such-kernel", force=True)
    assert_failed_cleanly(copy, info, phrase="kernel 'no-such-kernel' is not installed")
    assert "ipykernel install --sys-prefix --name no-such-kernel" in str(info.value)


def test_only_kernel_deaths_and_timeouts_are_retried():
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    assert reports._retryable(DeadKernelError("Kernel died"))
    assert reports._retryable(CellTimeoutError("Cell execution timed out"))
    assert reports._retryable(RuntimeError("Kernel didn't respond in 60 seconds"))
    assert not reports._retryable(RuntimeError("something else"))
    assert not reports._retryable(ValueError("planted"))


@pytest.mark.slow  # starts a Jupyter kernel
def test_persona_spec_and_its_model_are_inputs(good, tmp_path):
    from cjm_research.reports import manifest as mf
    from cjm_research.study.load import read_study_config

    spec = tmp_path / "personas.yml"
    spec.write_text("features: [nps]\nk: 2\nmethod: kmeans\n")
    (tmp_path / "personas.joblib").write_bytes(b"model")
    files = mf.input_files(read_study_config(good["study"]), "2026Q3", previous=None, future_state=None,
                           persona_spec=spec, notebook=good["notebook"])
    assert files["persona_spec"] == spec and files["persona_model"] == tmp_path / "personas.joblib"
    assert "2026Q2.survey" not in files
    hashed = mf.hash_inputs(files)
    assert hashed["persona_model"]["sha256"] == hashlib.sha256(b"model").hexdigest()
    before = mf.fingerprint(PARAMS, hashed)
    (tmp_path / "personas.joblib").write_bytes(b"refitted")
    assert mf.fingerprint(PARAMS, mf.hash_inputs(files)) != before


@pytest.mark.parametrize("exchange", [True, False])
def test_swap_with_and_without_renameat2(tmp_path, monkeypatch, exchange):
    if not exchange:
        monkeypatch.setattr(reports, "_exchange", lambda a, b: False)
    final, staging = tmp_path / "2026Q3", tmp_path / "_staging" / "run"
    for folder, text in ((final, "old"), (staging, "new")):
        folder.mkdir(parents=True)
        (folder / "report.html").write_text(text)
    reports._swap_into_place(staging, final)
    assert (final / "report.html").read_text() == "new"
    assert list((tmp_path / "_staging").iterdir()) == []


def test_failed_second_rename_puts_the_old_report_back(tmp_path, monkeypatch):
    import os

    monkeypatch.setattr(reports, "_exchange", lambda a, b: False)
    final, staging = tmp_path / "2026Q3", tmp_path / "_staging" / "run"
    for folder, text in ((final, "old"), (staging, "new")):
        folder.mkdir(parents=True)
        (folder / "report.html").write_text(text)
    real = os.replace

    def flaky(src, dst):
        if Path(src) == staging:
            raise OSError("disk full")
        return real(src, dst)

    monkeypatch.setattr(reports.os, "replace", flaky)
    with pytest.raises(OSError, match="disk full"):
        reports._swap_into_place(staging, final)
    assert (final / "report.html").read_text() == "old"


@pytest.mark.slow  # starts a Jupyter kernel
def test_report_parameters_resolve_defaults(good, tmp_path):
    from cjm_research.study.load import read_study_config

    config = read_study_config(good["study"])
    params = reports.report_parameters(config, "2026Q2")
    assert params["previous_quarter"] is None  # the study has no 2026Q1
    assert params["language"] == "en" and params["min_cell_size"] == 5 and params["future_state"] is None
    params = reports.report_parameters(config, "2026Q3", previous="2026q2", min_cell_size=10, language="id",
                                       future_state=tmp_path / "fs.yml")
    assert (params["previous_quarter"], params["min_cell_size"], params["language"]) == ("2026Q2", 10, "id")
    assert params["future_state"] == str(tmp_path / "fs.yml")
    with pytest.raises(CJMError, match="has no quarter '2025Q1'"):
        reports.report_parameters(config, "2026Q3", previous="2025Q1")
    with pytest.raises(ParameterError, match="`min_cell_size` must be a positive integer"):
        reports.report_parameters(config, "2026Q3", min_cell_size=0)
    with pytest.raises(CJMError, match=r"future_state: .*fs\.yml"):
        make_report(good["study"], "2026Q3", out=tmp_path / "r", notebook=good["notebook"],
                    future_state=tmp_path / "fs.yml")


def test_index_from_disk(tmp_path):
    from cjm_research.reports.index import build_index, quarter_rows

    out = tmp_path / "reports"
    (out / "2026Q1").mkdir(parents=True)
    (out / "2026Q1" / "manifest.json").write_text("{not json")                 # unreadable: not listed
    (out / "2026Q2").mkdir()
    (out / "2026Q2" / "manifest.json").write_text(json.dumps({"status": "ok", "created": "2026-07-01T06:00:00+00:00"}))
    (out / "_failed").mkdir()
    (out / "_failed" / "2026Q2-old.json").write_text(json.dumps(
        {"quarter": "2026Q2", "when": "2026-06-30T06:00:00+00:00", "message": "older failure", "notebook": "x"}))
    (out / "_failed" / "2026Q3-a.json").write_text(json.dumps(
        {"quarter": "2026Q3", "when": "2026-10-01T06:00:00+00:00", "message": "cell <b>1</b> failed\ndetails",
         "notebook": str(out / "_failed" / "2026Q3-a.ipynb")}))
    (out / "_staging").mkdir()
    rows = quarter_rows(out)
    assert [(r["quarter"], r["status"]) for r in rows] == [("2026Q3", "failed"), ("2026Q2", "ok")]
    page = build_index(out).read_text()
    assert page.index("2026Q3") < page.index("2026Q2") and "2026Q1" not in page and "_staging" not in page
    assert 'href="_failed/2026Q3-a.ipynb"' in page and 'href="2026Q3/report.html"' not in page
    assert "cell &lt;b&gt;1&lt;/b&gt; failed" in page and "details" not in page   # escaped, first line only
    assert "older failure" not in page  # a failure older than the good report is history
