"""The coding view in a real browser: a notebook served by Voila, clicked in Debian's chromium."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from browser_helpers import CHROMIUM, free_port, need_chromium, wait_for

VOILA = Path(sys.executable).with_name("voila")
CODE = """\
import cjm_research as cjm
from cjm_research.evidence.text.coding import read_transcripts
from cjm_research.widgets.coding import CodingView

turns = read_transcripts({folder!r})
view = CodingView(turns, cjm.Codebook.example(), excerpts_path={excerpts!r}, log_path={log!r})
view
"""
TRANSCRIPT = """Interviewer: How did the order go?
Rina: The courier was a week late and the tracking showed nothing.
Interviewer: And paying?
Rina: Pembayaran saya gagal dua kali.
"""

pytestmark = pytest.mark.browser


@pytest.fixture()
def voila_url(tmp_path):
    need_chromium()
    folder = tmp_path / "transcripts"
    folder.mkdir()
    (folder / "R01.txt").write_text(TRANSCRIPT, encoding="utf-8")
    code = CODE.format(folder=str(folder), excerpts=str(tmp_path / "excerpts.csv"), log=str(tmp_path / "log.jsonl"))
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    nb.metadata["kernelspec"] = {"name": "cjm-research", "display_name": "cjm-research", "language": "python"}
    path = tmp_path / "coding.ipynb"
    nbformat.write(nb, path)
    port = free_port()
    log = open(tmp_path / "voila.log", "w")
    proc = subprocess.Popen([str(VOILA), str(path), "--no-browser", f"--port={port}", "--Voila.ip=127.0.0.1"],
                            stdout=log, stderr=subprocess.STDOUT, cwd=tmp_path)
    try:
        url = f"http://127.0.0.1:{port}/"
        wait_for(url + "static/", proc)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()


def test_coding_view_clicks_in_voila_save_excerpts(voila_url, tmp_path):
    from playwright.sync_api import sync_playwright

    errors, offline = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"), executable_path=str(CHROMIUM), headless=True,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"])
        try:
            page = browser.new_page()
            page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.on("requestfailed", lambda req: offline.append(req.url) if "127.0.0.1" not in req.url else None)
            page.goto(voila_url, timeout=120_000)
            page.wait_for_selector("text=courier was a week late", timeout=180_000)
            assert page.locator("text=R01").first.is_visible()
            page.locator('button[title="Accept"]').click()
            page.wait_for_selector("text=1 decisions", timeout=60_000)
            # the accessible name of an ipywidgets button starts with its icon glyph: find it by title
            page.locator('button[title="Next"]').click()
            page.wait_for_selector("text=Pembayaran saya gagal", timeout=60_000)
            page.locator('button[title="Accept"]').click()
            page.wait_for_selector("text=2 decisions", timeout=60_000)
        finally:
            browser.close()
    saved = (tmp_path / "excerpts.csv").read_text(encoding="utf-8")
    assert "late_delivery" in saved and "payment_failed" in saved
    assert len((tmp_path / "log.jsonl").read_text().splitlines()) == 2
    assert all(not u.startswith("http://127.0.0.1") for u in offline), offline
    real = [e for e in errors if not (offline and "ERR_NAME_NOT_RESOLVED" in e)]
    assert real == [], (real, offline)
