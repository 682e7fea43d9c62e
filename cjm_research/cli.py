"""The ``cjm`` command: demo, init, validate, report, schedule.

Every user error (a :class:`~cjm_research.core.errors.CJMError`) is printed as one line on stderr and
the command exits 1; tracebacks are kept for bugs, which are ours to fix.

Examples
--------
.. code-block:: console

    $ cjm demo --out data/demo
    $ cjm init survey.csv interviews.xlsx events.csv --out my_study
    $ cjm validate data/demo/study.yml --quarter 2026Q3
    $ cjm report data/demo/study.yml --quarter 2026Q3 --out reports
    $ cjm schedule data/demo/study.yml --print-cron
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from pathlib import Path

from .core.errors import CJMError


def _cmd_demo(args) -> int:
    from .datasets.demo import make_demo

    study = make_demo(Path(args.out), seed=args.seed)
    print(study)
    return 0


def _cmd_init(args) -> int:
    from .study.scaffold import scaffold_study

    path = scaffold_study(args.files, Path(args.out), quarter=args.quarter, force=args.force, name=args.name)
    print(f"wrote {path} and {path.parent / 'framework.yml'}: every guess has a comment; edit them, "
          f"then run: cjm validate {path}")
    for file in (path, path.parent / "framework.yml"):  # what cannot run until the researcher writes it
        for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
            if "FILL IN" in line.split("#")[0]:
                print(f"  to fill in: {file.name} line {number}: {line.split('#')[0].strip()}"
                      + (f"  # {line.split('#', 1)[1].strip()}" if "#" in line else ""))
    return 0


def _cmd_validate(args) -> int:
    import pandas as pd

    from .core.quality import format_summary, quality_summary
    from .study.load import load_study

    base = load_study(args.study, quarter=args.quarter)
    quarters = [base.quarter] if args.quarter else base.quarters
    tables = []
    for quarter in quarters:
        table = quality_summary(base.for_quarter(quarter))
        tables.append(table)
        print(f"== {quarter} ==")
        print(format_summary(table.drop(columns="quarter")))
    summary = pd.concat(tables, ignore_index=True)
    findings = int((~summary['action'].isin(['read', 'applied', 'note'])).sum())
    print("\n" + textwrap.fill(f"{base.config.name}: {len(quarters)} quarter(s) valid; {findings} finding(s) "
                               f"handled by the documented rules ({int((summary['check'] == 'rule').sum())} "
                               "rule(s) applied).", width=100))
    return 0


def _cmd_report(args) -> int:
    from .reports.runner import make_report

    result = make_report(args.study, args.quarter, out=args.out, force=args.force,
                         previous=args.previous, persona_spec=args.personas,
                         future_state=args.future_state, min_cell_size=args.min_cell_size,
                         language=args.language, timeout=args.timeout)
    print(f"{result.status}: {result.html}")
    return 0


def _cmd_schedule(args) -> int:
    from .reports.schedule import cron_lines, run_schedule

    if args.print_cron:
        print(cron_lines(args.study, out=args.out, cron=args.cron))
        return 0
    run_schedule(args.study, out=args.out, once=args.once, cron=args.cron)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cjm", description="Customer journey mapping research toolkit.")
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="write the synthetic demo study")
    demo.add_argument("--out", default="data/demo", help="folder to write (default data/demo)")
    demo.add_argument("--seed", type=int, default=0)
    demo.set_defaults(func=_cmd_demo)

    init = sub.add_parser("init", help="scaffold study.yml and a framework from your data files")
    init.add_argument("files", nargs="+", help="survey, interview (table or transcript) and event files")
    init.add_argument("--out", required=True, help="the study folder to write")
    init.add_argument("--quarter", help="quarter of files whose path names none (default: today's)")
    init.add_argument("--name", help="the study's name (default: the folder's name)")
    init.add_argument("--force", action="store_true", help="overwrite an existing study.yml")
    init.set_defaults(func=_cmd_init)

    validate = sub.add_parser("validate", help="load a study and print its data-quality summary")
    validate.add_argument("study")
    validate.add_argument("--quarter", help="one quarter (default: every quarter of the study)")
    validate.set_defaults(func=_cmd_validate)

    report = sub.add_parser("report", help="run the quarterly report notebooks with papermill")
    report.add_argument("study")
    report.add_argument("--quarter", required=True)
    report.add_argument("--out", default="reports")
    report.add_argument("--force", action="store_true", help="rebuild even if the inputs did not change")
    report.add_argument("--previous", help="quarter to compare with (default: the one before)")
    report.add_argument("--personas", help="persona spec YAML (default: fit with defaults)")
    report.add_argument("--future-state", help="future-state YAML (default: the study's)")
    report.add_argument("--min-cell-size", type=int)
    report.add_argument("--language", choices=["en", "id"])
    report.add_argument("--timeout", type=int, default=600, help="seconds per notebook cell")
    report.set_defaults(func=_cmd_report)

    schedule = sub.add_parser("schedule", help="run the quarterly schedule in the foreground")
    schedule.add_argument("study")
    schedule.add_argument("--out", default="reports")
    schedule.add_argument("--once", action="store_true", help="one catch-up pass, then exit")
    schedule.add_argument("--print-cron", action="store_true", help="print crontab and systemd lines")
    schedule.add_argument("--cron", default="0 6 1 1,4,7,10 *", help="cron expression of the ticks")
    schedule.set_defaults(func=_cmd_schedule)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``cjm`` console script."""
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except CJMError as exc:
        print(f"cjm {args.command}: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"cjm {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
