"""The demo report in a real browser: Debian's headless Chromium driven by Playwright.

Opens ``index.html`` and the quarter's report from ``file://``; there must be no console errors,
no broken images, and the screenshot must not be blank. Skipped when Chromium is missing, unless
the ``CI`` environment variable is set (then it fails, because CI must run it).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from test_reports_demo import QUARTER, build_demo_report

pytestmark = [pytest.mark.browser, pytest.mark.slow]
CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing; CI must install Debian's chromium (make system)")
        pytest.skip(f"{CHROMIUM} not installed")
    sync_api = pytest.importorskip("playwright.sync_api")
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_api.sync_playwright() as pw:
        # launch_persistent_context is how Playwright takes a fresh --user-data-dir.
        context = pw.chromium.launch_persistent_context(
            str(profile), executable_path=str(CHROMIUM), args=FLAGS, headless=True,
            viewport={"width": 1280, "height": 900})
        yield context
        context.close()


@pytest.fixture(scope="module")
def report(tmp_path_factory, demo_study_path):
    return build_demo_report(tmp_path_factory, demo_study_path)


def open_page(context, url: str):
    page = context.new_page()
    problems = []
    page.on("console", lambda msg: problems.append(f"console {msg.type}: {msg.text}")
            if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    page.on("requestfailed", lambda req: problems.append(f"request failed: {req.url}"))
    page.goto(url, wait_until="load")
    return page, problems


def broken_images(page) -> list[str]:
    return page.evaluate("""Array.from(document.images)
        .filter(img => !(img.complete && img.naturalWidth > 0))
        .map(img => img.src.slice(0, 60))""")


def distinct_colours(png: Path) -> int:
    from PIL import Image

    with Image.open(png) as im:
        colours = im.convert("RGB").getcolors(maxcolors=1 << 20)
    return len(colours) if colours else 1 << 20


def save_shot(page, tmp_path: Path, name: str) -> Path:
    target = Path(os.environ.get("CJM_SCREENSHOTS", tmp_path)) / name
    target.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(target), full_page=False)
    return target


def test_index_opens_and_links_to_report(browser, report, tmp_path):
    index = report.folder.parent / "index.html"
    page, problems = open_page(browser, index.as_uri())
    assert problems == []
    assert page.locator(f"text={QUARTER}").count() >= 1
    shot = save_shot(page, tmp_path, "index.png")
    assert distinct_colours(shot) > 5
    page.click(f'a[href="{QUARTER}/report.html"]')
    page.wait_for_load_state("load")
    assert page.url.endswith(f"/{QUARTER}/report.html")
    page.close()


def test_report_renders_without_errors(browser, report, tmp_path):
    page, problems = open_page(browser, report.html.as_uri())
    assert problems == []
    assert page.evaluate("document.images.length") >= 6
    assert broken_images(page) == []
    assert page.locator("h1").first.inner_text().startswith("Quarterly customer journey report")
    page.evaluate("window.scrollTo(0, document.body.scrollHeight / 4)")
    shot = save_shot(page, tmp_path, "report.png")
    assert distinct_colours(shot) > 50  # figures and tables, not a blank page
    page.close()

