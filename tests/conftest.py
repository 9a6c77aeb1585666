"""Suite-wide settings.

Under CI (the CI environment variable is set) hypothesis draws the same
examples on every run: a submission must not pass or fail by the luck of the
draw. Locally it keeps exploring new examples, which is how bugs are found.
"""
import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


import shutil  # noqa: E402

import pytest  # noqa: E402


@pytest.fixture(scope="session")
def chromium():
    """The system Chromium driven by Playwright; skipped with a reason where either is missing."""
    executable = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if executable is None:
        pytest.skip("no Chromium installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the playwright package is not installed (pip install playwright)")
    with sync_playwright() as playwright:
        # Chromium's own autoplay policy stays on: the page's videos are muted, which it allows.
        browser = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        yield browser
        browser.close()
