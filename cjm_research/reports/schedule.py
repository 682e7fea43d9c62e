"""The quarterly schedule: make every report that is due, now and at each cron tick.

A report is *due* when its quarter has ended, the study lists the quarter with all its files
present, and ``reports/<quarter>/`` has no good report yet. :func:`catch_up` makes every due
report (so a machine that was off on the first of the month catches up at the next start);
:func:`run_schedule` does one pass and then, unless ``once``, keeps running with an APScheduler cron
trigger (default 06:00 on the first day of January, April, July and October). The study file is
re-read at every tick, so quarters added later are picked up. :func:`cron_lines` prints the
crontab line and the systemd service and timer that run the same pass without a foreground process.

Examples
--------
>>> print(cron_lines("data/demo/study.yml").splitlines()[1])      # doctest: +SKIP
0 6 1 1,4,7,10 * cd /work/main && /work/main/.venv/bin/cjm schedule ... --once >> ... 2>&1
"""

from __future__ import annotations

import logging
import shlex
import sys
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from ..core.errors import CJMError, ParameterError
from .manifest import read_manifest
from ..study.load import quarter_end, read_study_config

__all__ = ["DEFAULT_CRON", "due_quarters", "catch_up", "run_schedule", "cron_lines", "cron_to_oncalendar"]

log = logging.getLogger(__name__)

DEFAULT_CRON = "0 6 1 1,4,7,10 *"


def due_quarters(study_path, *, out="reports", now=None) -> list[str]:
    """Quarters that have ended, whose data files exist and that have no good report in ``out``.

    Parameters
    ----------
    study_path : str or Path
        The study file.
    out : str or Path, default "reports"
        The reports folder.
    now : datetime or str, optional
        The clock (default: the current time); time-zone-naive values are taken as UTC.

    Examples
    --------
    >>> due_quarters("data/demo/study.yml", now="2026-10-01T06:00Z")   # doctest: +SKIP
    ['2025Q4', '2026Q1', '2026Q2', '2026Q3']
    """
    config = read_study_config(study_path)
    now = _utc(now)
    due = []
    for quarter, files in config.quarters.items():
        if quarter_end(quarter) > now:
            continue
        missing = [str(p) for p in files.values() if not Path(p).is_file()]
        if missing:
            log.info("%s: data not complete yet (missing %s), not reported", quarter, ", ".join(missing))
            continue
        manifest = read_manifest(Path(out) / quarter)
        if not (manifest and manifest.get("status") == "ok"):
            due.append(quarter)
    return due


def _utc(now) -> pd.Timestamp:
    stamp = pd.Timestamp(now if now is not None else datetime.now(timezone.utc))
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


def catch_up(study_path, *, out="reports", now=None, **options) -> list[dict]:
    """Make the report of every due quarter; one failing quarter does not stop the others.

    ``options`` go to :func:`cjm_research.reports.runner.make_report`. Returns one record per due quarter
    with ``quarter``, ``status`` (built, skipped, failed) and ``message``.
    """
    from .runner import make_report

    due = due_quarters(study_path, out=out, now=now)
    log.info("catch-up pass for %s: %s", study_path, ", ".join(due) if due else "nothing due")
    done = []
    for quarter in due:
        try:
            result = make_report(study_path, quarter, out=out, **options)
            done.append({"quarter": quarter, "status": result.status, "message": str(result.html)})
            log.info("%s: %s %s", quarter, result.status, result.html)
        except CJMError as exc:
            done.append({"quarter": quarter, "status": "failed", "message": str(exc)})
            log.error("%s: failed: %s", quarter, exc)
    return done


def run_schedule(study_path, *, out="reports", once=False, cron=DEFAULT_CRON, now=None, **options):
    """Catch up now, then (unless ``once``) at every tick of ``cron`` until interrupted.

    Parameters
    ----------
    study_path : str or Path
        The study file (re-read at every tick).
    out : str or Path, default "reports"
        The reports folder.
    once : bool, default False
        Run one catch-up pass and return its records; a failed quarter raises
        :class:`~cjm_research.reports.runner.ReportError` listing every failure (so cron sees exit 1).
    cron : str, default "0 6 1 1,4,7,10 *"
        A five-field crontab expression in local time.
    now : datetime, optional
        Clock for the first pass (tests).
    **options
        Passed to :func:`~cjm_research.reports.runner.make_report` (``force``, ``timeout``, ...).

    Examples
    --------
    >>> run_schedule("data/demo/study.yml", once=True)      # doctest: +SKIP
    [{'quarter': '2026Q3', 'status': 'built', 'message': 'reports/2026Q3/report.html'}]
    """
    trigger = cron_trigger(cron)
    _ensure_logging()
    records = catch_up(study_path, out=out, now=now, **options)
    if once:
        _raise_failures(records)
        return records
    from apscheduler.schedulers.blocking import BlockingScheduler

    scheduler = BlockingScheduler()
    # coalesce + one instance: a tick missed while the machine slept runs once, never twice at a time.
    scheduler.add_job(catch_up, trigger, args=[study_path], kwargs={"out": out, **options},
                      id="cjm-catch-up", coalesce=True, max_instances=1, misfire_grace_time=24 * 3600)
    log.info("schedule %r: next pass at %s (Ctrl+C to stop)", cron,
             trigger.get_next_fire_time(None, datetime.now(trigger.timezone)))
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        log.info("schedule stopped")
    return records


def _raise_failures(records: list[dict]) -> None:
    from .runner import ReportError

    failed = [r for r in records if r["status"] == "failed"]
    if failed:
        lines = "\n".join(f"- {r['quarter']}: {r['message']}" for r in failed)
        raise ReportError(f"{len(failed)} of {len(records)} due report(s) failed:\n{lines}")


def _ensure_logging() -> None:
    # The schedule runs unattended: without a handler its log (what it did) would be lost.
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    log.setLevel(logging.INFO)


def cron_trigger(cron: str):
    """An APScheduler ``CronTrigger`` from a five-field crontab expression (local time)."""
    from apscheduler.triggers.cron import CronTrigger

    try:
        return CronTrigger.from_crontab(str(cron))
    except ValueError as exc:
        raise ParameterError(f"The value for `cron` must be a five-field crontab expression such as "
                             f"{DEFAULT_CRON!r}, but {cron!r} was passed ({exc}).") from None


# ----------------------------------------------------------------------------- cron and systemd
_DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def cron_to_oncalendar(cron: str) -> str:
    """The systemd ``OnCalendar=`` value of a crontab expression.

    Supports numbers, lists, ranges and ``*/n`` steps; anything else is a ParameterError.

    Examples
    --------
    >>> cron_to_oncalendar("0 6 1 1,4,7,10 *")
    '*-01,04,07,10-01 06:00:00'
    >>> cron_to_oncalendar("30 2 * * 1-5")
    'Mon..Fri *-*-* 02:30:00'
    """
    cron_trigger(cron)
    fields = str(cron).split()
    minute, hour, dom, month, dow = fields
    if dom != "*" and dow != "*":
        # cron runs when EITHER day field matches, systemd only when both do.
        raise ParameterError(f"The cron expression {cron!r} restricts both day of month and day of "
                             "week; systemd cannot express cron's 'either' rule. Write the timer by hand.")
    date = f"*-{_field(month, cron, start=1)}-{_field(dom, cron, start=1)}"
    clock = f"{_field(hour, cron, start=0)}:{_field(minute, cron, start=0)}:00"
    days = "" if dow == "*" else _days(dow, cron) + " "
    return f"{days}{date} {clock}"


def _field(value: str, cron: str, *, start: int) -> str:
    parts = []
    for part in value.split(","):
        if part == "*":
            parts.append("*")
        elif part.startswith("*/") and part[2:].isdigit():
            parts.append(f"{start:02d}/{int(part[2:])}")
        elif part.isdigit():
            parts.append(f"{int(part):02d}")
        elif "-" in part and all(x.isdigit() for x in part.split("-", 1)):
            a, b = part.split("-", 1)
            parts.append(f"{int(a):02d}..{int(b):02d}")
        else:
            raise ParameterError(f"The cron field {part!r} of {cron!r} has no systemd equivalent here; "
                                 "use numbers, lists, ranges or */n.")
    return ",".join(parts)


def _days(value: str, cron: str) -> str:
    out = []
    for part in value.split(","):
        a, _, b = part.partition("-")
        if not (a.isdigit() and (not b or b.isdigit()) and int(a) <= 7 and int(b or 0) <= 7):
            raise ParameterError(f"The day-of-week field {value!r} of {cron!r} must use numbers 0-7 here.")
        out.append(_DAYS[int(a)] + (f"..{_DAYS[int(b)]}" if b else ""))
    return ",".join(out)


def cron_lines(study_path, *, out="reports", cron=DEFAULT_CRON) -> str:
    """The crontab line and the equivalent systemd service and timer for the quarterly pass.

    Both run ``cjm schedule STUDY --once`` (one catch-up pass, exit 1 if a report failed), with
    absolute paths so they work from any directory.

    Examples
    --------
    >>> text = cron_lines("study.yml")
    >>> "OnCalendar=*-01,04,07,10-01 06:00:00" in text and "--once" in text
    True
    """
    calendar = cron_to_oncalendar(cron)
    study, reports = Path(study_path).resolve(), Path(out).resolve()
    workdir = Path.cwd().resolve()
    command = " ".join(shlex.quote(x) for x in [*_cjm_command(), "schedule", str(study), "--out",
                                                 str(reports), "--once"])
    log_file = shlex.quote(str(reports / "schedule.log"))
    return f"""# crontab -e  (local time; one catch-up pass per tick, log appended)
{cron} cd {shlex.quote(str(workdir))} && {command} >> {log_file} 2>&1

# systemd (user units): save as ~/.config/systemd/user/cjm-reports.service
[Unit]
Description=cjm-research quarterly reports: catch-up pass for {study}

[Service]
Type=oneshot
WorkingDirectory={workdir}
ExecStart={command}

# ... and as ~/.config/systemd/user/cjm-reports.timer
[Unit]
Description=cjm-research quarterly reports ({cron})

[Timer]
OnCalendar={calendar}
# run at the next boot if the machine was off at the scheduled time
Persistent=true

[Install]
WantedBy=timers.target

# then: systemctl --user daemon-reload && systemctl --user enable --now cjm-reports.timer
"""


def _cjm_command() -> list[str]:
    # The cjm script of this environment, so the schedule uses the same venv and kernel.
    script = Path(sys.executable).with_name("cjm")
    return [str(script)] if script.exists() else [sys.executable, "-m", "cjm_research.cli"]
