"""The quarterly schedule: which reports are due (with a fake clock), --once, cron and systemd lines."""

from __future__ import annotations

import json
import shutil
from datetime import datetime, timezone
from pathlib import Path

import pytest

from cjm_research.reports import schedule
from cjm_research.core.errors import ParameterError
from cjm_research.reports.runner import ReportError, ReportResult

QUARTERS = ("2026Q1", "2026Q2", "2026Q3", "2026Q4")


@pytest.fixture
def study(tmp_path) -> Path:
    lines = ["name: Tiny", "framework: default", "survey:", "  respondent_id: respondent_id", "quarters:"]
    for q in QUARTERS:
        (tmp_path / q).mkdir()
        (tmp_path / q / "survey.csv").write_text("respondent_id,nps\nR1,9\n")
        lines.append(f"  {q}: {{survey: {q}/survey.csv}}")
    (tmp_path / "study.yml").write_text("\n".join(lines) + "\n")
    return tmp_path / "study.yml"


def good_report(out: Path, quarter: str, status: str = "ok") -> None:
    (out / quarter).mkdir(parents=True)
    (out / quarter / "manifest.json").write_text(json.dumps({"status": status, "quarter": quarter}))


@pytest.mark.parametrize("now, expected", [
    ("2026-03-31T23:59:59Z", []),                                  # Q1 not over yet
    ("2026-04-01T00:00:00Z", ["2026Q1"]),                          # Q1 just ended
    ("2026-10-01T06:00:00Z", ["2026Q1", "2026Q2", "2026Q3"]),
    ("2027-06-01T00:00:00Z", ["2026Q1", "2026Q2", "2026Q3", "2026Q4"]),
])
def test_due_quarters_follow_the_clock(study, tmp_path, now, expected):
    assert schedule.due_quarters(study, out=tmp_path / "reports", now=now) == expected


def test_due_quarters_skip_reported_and_incomplete(study, tmp_path):
    out = tmp_path / "reports"
    good_report(out, "2026Q1")
    good_report(out, "2026Q2", status="failed")                  # only a good report counts
    (study.parent / "2026Q3" / "survey.csv").unlink()             # data not there yet
    now = datetime(2027, 1, 1, 6, tzinfo=timezone.utc)
    assert schedule.due_quarters(study, out=out, now=now) == ["2026Q2", "2026Q4"]
    # A naive clock is UTC: one second before 2027 the last quarter is still running.
    assert schedule.due_quarters(study, out=out, now="2026-12-31 23:59:59") == ["2026Q2"]


def fake_make_report(calls, fail=()):
    def make_report(study_path, quarter, *, out, **options):
        calls.append((quarter, options))
        if quarter in fail:
            raise ReportError(f"the {quarter} report failed in cell In [3]: planted")
        good_report(Path(out), quarter)
        folder = Path(out) / quarter
        return ReportResult("built", quarter, folder, folder / "report.html", {"status": "ok"})
    return make_report


def test_once_makes_every_due_report_then_returns(study, tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr("cjm_research.reports.runner.make_report", fake_make_report(calls))
    started = []
    monkeypatch.setattr("apscheduler.schedulers.blocking.BlockingScheduler.start",
                        lambda self: started.append(True))
    out = tmp_path / "reports"
    records = schedule.run_schedule(study, out=out, once=True, now="2026-10-01T06:00Z", timeout=5)
    assert [r["quarter"] for r in records] == ["2026Q1", "2026Q2", "2026Q3"]
    assert {r["status"] for r in records} == {"built"} and not started
    assert calls[0][1] == {"timeout": 5}
    # The next pass has nothing to do: the reports exist now.
    assert schedule.run_schedule(study, out=out, once=True, now="2026-10-01T06:00Z") == []
    assert len(calls) == 3


def test_once_reports_failures_after_trying_every_quarter(study, tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr("cjm_research.reports.runner.make_report", fake_make_report(calls, fail={"2026Q2"}))
    with pytest.raises(ReportError, match=r"1 of 3 due report\(s\) failed:\n- 2026Q2: the 2026Q2 report failed"):
        schedule.run_schedule(study, out=tmp_path / "r", once=True, now="2026-10-01T06:00Z")
    assert [c[0] for c in calls] == ["2026Q1", "2026Q2", "2026Q3"]
    assert schedule.due_quarters(study, out=tmp_path / "r", now="2026-10-01T06:00Z") == ["2026Q2"]


def test_foreground_catches_up_then_schedules(study, tmp_path, monkeypatch):
    calls, jobs = [], []
    monkeypatch.setattr("cjm_research.reports.runner.make_report", fake_make_report(calls))

    def start(self):
        jobs.extend(self.get_jobs())
        raise KeyboardInterrupt  # what Ctrl+C does to the foreground scheduler

    monkeypatch.setattr("apscheduler.schedulers.blocking.BlockingScheduler.start", start)
    schedule.run_schedule(study, out=tmp_path / "r", now="2026-07-01T06:00Z")
    assert [c[0] for c in calls] == ["2026Q1", "2026Q2"]
    (job,) = jobs
    assert job.func is schedule.catch_up and job.args == (study,)
    tz = job.trigger.timezone
    nxt = job.trigger.get_next_fire_time(None, datetime(2026, 11, 23, 12, tzinfo=tz))
    assert (nxt.year, nxt.month, nxt.day, nxt.hour, nxt.minute) == (2027, 1, 1, 6, 0)
    after = job.trigger.get_next_fire_time(None, nxt.replace(hour=7))
    assert (after.month, after.day, after.hour) == (4, 1, 6)


def test_default_cron_lines(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    text = schedule.cron_lines("study.yml", out="out")
    study, out = tmp_path / "study.yml", tmp_path / "out"
    cron_line = next(line for line in text.splitlines() if line.startswith("0 6 1 1,4,7,10 * "))
    assert f"cd {tmp_path} && " in cron_line
    assert f"schedule {study} --out {out} --once >> {out}/schedule.log 2>&1" in cron_line
    assert "OnCalendar=*-01,04,07,10-01 06:00:00" in text and "Persistent=true" in text
    exec_line = next(line for line in text.splitlines() if line.startswith("ExecStart="))
    assert exec_line.endswith(f"schedule {study} --out {out} --once")
    assert Path(exec_line.split("=", 1)[1].split()[0]).name in ("cjm", "python", "python3")
    assert "Type=oneshot" in text and "WantedBy=timers.target" in text


@pytest.mark.parametrize("cron, calendar", [
    ("0 6 1 1,4,7,10 *", "*-01,04,07,10-01 06:00:00"),
    ("30 2 * * 1-5", "Mon..Fri *-*-* 02:30:00"),
    ("*/15 * * * *", "*-*-* *:00/15:00"),
    ("0 0 1-7 */3 *", "*-01/3-01..07 00:00:00"),
    ("5 4 * * 0,6", "Sun,Sat *-*-* 04:05:00"),
])
def test_cron_to_oncalendar(cron, calendar):
    assert schedule.cron_to_oncalendar(cron) == calendar


def test_bad_cron_is_a_parameter_error(study):
    with pytest.raises(ParameterError, match="`cron` must be a five-field crontab expression.*'0 6 1'"):
        schedule.run_schedule(study, cron="0 6 1", once=True)
    with pytest.raises(ParameterError, match="restricts both day of month and day of week"):
        schedule.cron_lines(study, cron="0 6 1 * 1")


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze not installed")
def test_oncalendar_is_valid_for_systemd():
    import subprocess

    for cron in ("0 6 1 1,4,7,10 *", "30 2 * * 1-5", "*/15 * * * *"):
        value = schedule.cron_to_oncalendar(cron)
        subprocess.run(["systemd-analyze", "calendar", value], check=True, capture_output=True)


@pytest.mark.slow  # starts a Jupyter kernel
def test_once_for_real_builds_missing_reports(tmp_path):
    from test_reports import GOOD_CELLS, make_notebook, make_study

    study = make_study(tmp_path / "s")
    notebook = make_notebook(tmp_path / "nb.ipynb", GOOD_CELLS)
    out = tmp_path / "reports"
    records = schedule.run_schedule(study, out=out, once=True, now="2026-10-01", notebook=notebook,
                                    progress=False)
    assert [(r["quarter"], r["status"]) for r in records] == [("2026Q2", "built"), ("2026Q3", "built")]
    index = (out / "index.html").read_text()
    assert 'href="2026Q2/report.html"' in index and 'href="2026Q3/report.html"' in index
    assert schedule.run_schedule(study, out=out, once=True, now="2026-10-01", notebook=notebook) == []
