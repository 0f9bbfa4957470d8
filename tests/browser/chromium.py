"""Headless Debian chromium for the page tests: start it offline, open a page, check it."""

from __future__ import annotations

import shutil
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
PAGES = {"kg": "graph-kg.html", "papers": "graph-papers.html", "entities": "graph-entities.html", "citations": "graph-citations.html"}


@contextmanager
def chromium() -> Iterator[object]:
    """A headless chromium with a fresh profile and the network emulated offline; skips when absent."""
    if not (CHROMIUM.is_file() and CHROMEDRIVER.is_file()):
        pytest.skip("needs Debian chromium and chromium-driver (/usr/bin/chromium, /usr/bin/chromedriver): apt-get install chromium chromium-driver")
    webdriver = pytest.importorskip("selenium.webdriver", reason="needs selenium (pip install '.[test]')")
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="kg-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-default-apps",
        f"--user-data-dir={profile}", "--window-size=1400,900",
    ):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    browser = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        # Networking off: any http(s) request a page tried would fail and log an error.
        browser.execute_cdp_cmd("Network.enable", {})
        browser.execute_cdp_cmd(
            "Network.emulateNetworkConditions",
            {"offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
        )
        yield browser
    finally:
        browser.quit()
        shutil.rmtree(profile, ignore_errors=True)


def open_page(driver, path: Path, *, timeout: float = 20.0) -> dict:
    """Open ``path`` from file://, wait for the first drawn frame, and check it loaded cleanly."""
    driver.get_log("browser")  # drop what earlier pages logged
    driver.get(path.as_uri())
    deadline = time.monotonic() + timeout
    while not driver.execute_script("return !!(window.kg && window.kg.ready)"):
        assert time.monotonic() < deadline, f"{path.name} never drew its graph"
        time.sleep(0.05)
    state = driver.execute_script(
        """
        const net = kg.network;
        return {
          readyAt: kg.readyAt,
          dataNodes: kg.data.nodes.length,
          dataEdges: kg.data.edges.length,
          viewNodes: kg.nodeView.length,
          viewEdges: kg.edgeView.length,
          drawnNodes: net.body.nodeIndices.length,
          drawnEdges: net.body.edgeIndices.length,
          physics: net.physics.options.enabled,
          resources: performance.getEntriesByType('resource').map(e => e.name),
          location: location.href,
        };
        """
    )
    assert_clean(driver, path, state["resources"] + [state["location"]])
    return state


def assert_clean(driver, path: Path, urls: list[str]) -> None:
    errors = [entry for entry in driver.get_log("browser") if entry["level"] in ("SEVERE", "ERROR")]
    assert not errors, f"{path.name} logged console errors: {errors}"
    remote = [u for u in urls if not u.startswith("file://")]
    assert not remote, f"{path.name} requested {remote}"


def click_node(driver, node_id: str) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    canvas = driver.find_element(By.CSS_SELECTOR, "#kg-graph canvas")
    x, y = driver.execute_script(
        "const p = kg.network.canvasToDOM(kg.network.getPosition(arguments[0]));"
        "const c = document.querySelector('#kg-graph canvas');"
        "return [p.x - c.clientWidth / 2, p.y - c.clientHeight / 2];",
        node_id,
    )
    ActionChains(driver).move_to_element_with_offset(canvas, int(x), int(y)).pause(0.3).click().perform()


