"""Headless Chromium for the tests: Debian's `chromium` and `chromium-driver` packages (`.ci/run`
installs them when missing), driven by Selenium with the driver on PATH, so nothing is downloaded."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

INSTALL_HINT = "install the Debian packages: apt-get install chromium chromium-driver (.ci/run does it when they are missing)"


@contextmanager
def chromium(width: int = 1600, height: int = 1000) -> Iterator:
    """A headless Chromium session (Selenium WebDriver), quit at the end."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if not binary or not driver:
        raise RuntimeError(f"headless Chromium is not installed (chromium: {binary}, chromedriver: {driver}); {INSTALL_HINT}")
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", f"--window-size={width},{height}"):
        options.add_argument(flag)
    browser = webdriver.Chrome(service=Service(executable_path=driver), options=options)
    try:
        yield browser
    finally:
        browser.quit()


def wait_for(found: Callable[[], object], what: str, timeout: float = 60):
    """The first truthy value of `found()`, polled; an error naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = found()
        if value:
            return value
        time.sleep(0.5)
    raise TimeoutError(f"not on the page after {timeout:.0f} s: {what}")


def full_page_screenshot(browser, path: Path, height: int | None = None) -> Path:
    """A screenshot of the whole document (the window grown to its height, up to 12,000 px)."""
    height = height or min(12_000, browser.execute_script("return document.documentElement.scrollHeight"))
    width = browser.get_window_size()["width"]
    browser.set_window_size(width, height)
    path.parent.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(path))
    return path


def screenshot_around(browser, path: Path, texts: list[str], margin: int = 150) -> Path:
    """A screenshot of the window cut to the band of rows that hold `texts` (the elements whose own
    text is one of them): a tall window's graph without its empty space."""
    from PIL import Image

    bands = browser.execute_script(
        "return [...document.querySelectorAll('body *')].filter(e => e.children.length === 0 && arguments[0].includes(e.textContent.trim()))"
        ".map(e => { const r = e.getBoundingClientRect(); return [r.top, r.bottom]; })", texts)
    path.parent.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(path))
    with Image.open(path) as image:
        scale = image.height / browser.execute_script("return window.innerHeight")
        top = max(0, int((min(b[0] for b in bands) - margin) * scale))
        bottom = min(image.height, int((max(b[1] for b in bands) + margin) * scale))
        image.crop((0, top, image.width, bottom)).save(path)
    return path
