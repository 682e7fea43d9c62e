"""Quarterly reports: ``runner`` (papermill, staged and atomic), ``content`` (what the report
notebook shows, section by section), ``index`` (``reports/index.html``), ``manifest`` (inputs,
software, fingerprint) and ``schedule`` (APScheduler and cron).
"""

from .runner import ReportError, make_report

__all__ = ["ReportError", "make_report"]
