"""The HTML pages in a real headless Debian chromium, with the network off.

Each page must load only file:// resources, log no console error, draw exactly the
nodes and edges of its graph, find a node by name or alias, and show a clicked
paper's abstract with its mentions highlighted. Screenshots land in tmp_path.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from browser.chromium import PAGES, assert_clean, click_node, open_page
from browser.viz_bundles import small_bundle, synthetic_bundle
from kg.settings import HtmlSettings
from kg.viz.html import write_pages

pytestmark = pytest.mark.browser


def _summary(bundle) -> dict:
    from kg.build import _summary

    return _summary(bundle)


def expected_counts(bundle, settings: HtmlSettings) -> dict[str, tuple[int, int]]:
    """Nodes and edges each page must draw, counted from the bundle itself."""
    kg = bundle.kg
    papers = {n for n, a in kg.nodes(data=True) if a["kind"] == "paper" and not a["stub"]}
    mentioned = {v for _, v, k in kg.edges(keys=True) if k == "mentions"}
    links = {frozenset((u, v)) for u, v, k in kg.edges(keys=True) if k in ("mentions", "introduces", "variantOf")}
    counts = {
        "kg": (len(papers | mentioned), len(links)),
        # Unlinked papers and entities are left off these two pages.
        "papers": (sum(1 for _, d in bundle.shares.degree() if d), bundle.shares.number_of_edges()),
        "entities": (sum(1 for _, d in bundle.cooccurrence.degree() if d), bundle.cooccurrence.number_of_edges()),
    }
    if bundle.citations.number_of_edges():
        counts["citations"] = (bundle.citations.number_of_nodes(), bundle.citations.number_of_edges())
    return {
        page: (min(n, settings.max_nodes), min(e, settings.max_edges)) if n <= settings.max_nodes else (settings.max_nodes, None)
        for page, (n, e) in counts.items()
    }


@pytest.fixture(scope="module")
def small_site(tmp_path_factory):
    bundle = small_bundle()
    folder = tmp_path_factory.mktemp("small-site")
    write_pages(bundle, folder, settings=HtmlSettings(), summary=_summary(bundle))
    return bundle, folder


@pytest.mark.parametrize("page", list(PAGES))
def test_page_draws_its_graph_offline(driver, small_site, page, tmp_path):
    bundle, folder = small_site
    state = open_page(driver, folder / PAGES[page])
    nodes, edges = expected_counts(bundle, HtmlSettings())[page]
    assert (state["viewNodes"], state["drawnNodes"]) == (nodes, nodes)
    assert (state["viewEdges"], state["drawnEdges"]) == (edges, edges)
    assert state["physics"] is False
    arrows = driver.execute_script("return Object.values(kg.network.body.edges).map(e => e.options.arrows.to.enabled)")
    assert set(arrows) == {page == "citations"}, "only citation links are arrows"
    legend = driver.execute_script("return [...document.querySelectorAll('#kg-legend li')].map(li => li.textContent)")
    assert legend and all("(" in item for item in legend)
    driver.save_screenshot(str(tmp_path / f"{page}.png"))
    assert (tmp_path / f"{page}.png").stat().st_size > 10_000


def test_search_finds_a_node_by_alias_and_focuses_it(driver, small_site, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    _, folder = small_site
    open_page(driver, folder / PAGES["kg"])
    box = driver.find_element(By.ID, "kg-search")
    box.send_keys("stanford question answering dataset", Keys.ENTER)
    assert driver.execute_script("return kg.focused") == "squad"
    assert driver.execute_script("return kg.network.getSelectedNodes()") == ["squad"]
    # Focusing centres the node in the canvas.
    centre = driver.execute_script(
        """const p = kg.network.canvasToDOM(kg.network.getPosition('squad'));
           const c = document.getElementById('kg-graph');
           return [p.x - c.clientWidth / 2, p.y - c.clientHeight / 2];"""
    )
    assert abs(centre[0]) < 5 and abs(centre[1]) < 5
    details = driver.find_element(By.ID, "kg-details").text
    assert "SQuAD" in details and "Named in 2 papers" in details
    # The address names the focused node, and opening it focuses the node again.
    address = driver.current_url
    assert address.endswith("#node=squad")
    open_page(driver, folder / "graph-papers.html")
    driver.get(address)
    driver.refresh()
    for _ in range(100):
        if driver.execute_script("return window.kg && kg.ready && kg.focused"):
            break
        time.sleep(0.05)
    assert driver.execute_script("return kg.focused") == "squad"
    box = driver.find_element(By.ID, "kg-search")
    box.send_keys("no such thing", Keys.ENTER)
    assert "Nothing named" in driver.find_element(By.ID, "kg-search-status").text
    driver.save_screenshot(str(tmp_path / "search.png"))
    assert_clean(driver, folder / PAGES["kg"], [])


def test_clicking_a_paper_highlights_its_mentions(driver, small_site, tmp_path):
    from selenium.webdriver.common.by import By

    bundle, folder = small_site
    open_page(driver, folder / PAGES["kg"])
    paper = "arxiv:1810.04805"
    click_node(driver, paper)
    # Hovering first shows the tooltip with title, year and venue.
    tooltip = driver.find_element(By.ID, "kg-tooltip")
    assert "BERT: Pre-training" in tooltip.text and "2019" in tooltip.text
    assert driver.find_element(By.CSS_SELECTOR, "#kg-details .details").get_attribute("data-node") == paper
    marks = driver.find_elements(By.CSS_SELECTOR, "#kg-details .abstract mark.mention")
    expected = [m for m in bundle.extraction.mentions[paper] if m.field == "abstract"]
    assert [m.text for m in marks] == [m.text for m in expected]
    assert [m.get_attribute("data-type") for m in marks] == [m.label for m in expected]
    colours = {m.get_attribute("data-type"): m.value_of_css_property("border-bottom-color") for m in marks}
    assert len(set(colours.values())) == len(colours), "each type gets its own colour"
    title_marks = driver.find_elements(By.CSS_SELECTOR, "#kg-details h3 mark.mention")
    assert [m.text for m in title_marks] == ["BERT"]
    driver.save_screenshot(str(tmp_path / "paper-clicked.png"))

    # Clicking an entity lists its papers; hovering it shows type, aliases and paper count.
    click_node(driver, "transformer")
    naming_count = sum(1 for _, v, k in bundle.kg.edges(keys=True) if k == "mentions" and v == "transformer")
    assert "METHOD" in tooltip.text.upper() and f"Named in {naming_count} papers" in tooltip.text
    assert driver.find_element(By.CSS_SELECTOR, "#kg-details .details").get_attribute("data-node") == "transformer"
    items = driver.find_elements(By.CSS_SELECTOR, "#kg-details ol.papers li")
    naming = {u for u, v, k in bundle.kg.edges(keys=True) if k == "mentions" and v == "transformer"}
    assert sorted(i.text.rsplit(" (", 1)[0] for i in items) == sorted(bundle.kg.nodes[p]["title"] for p in naming)
    assert_clean(driver, folder / PAGES["kg"], [])


def test_hovering_a_link_shows_what_it_means(driver, small_site):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    bundle, folder = small_site
    open_page(driver, folder / PAGES["papers"])
    canvas = driver.find_element(By.CSS_SELECTOR, "#kg-graph canvas")
    # A link and a point on it that no node covers.
    found = driver.execute_script(
        """
        const n = kg.network, c = document.querySelector('#kg-graph canvas');
        for (const e of kg.data.edges) {
          const p = n.getPositions([e.from, e.to]);
          for (let t = 0.2; t <= 0.8; t += 0.05) {
            const m = n.canvasToDOM({x: p[e.from].x * (1 - t) + p[e.to].x * t, y: p[e.from].y * (1 - t) + p[e.to].y * t});
            const clear = [[0, 0], [8, 0], [-8, 0], [0, 8], [0, -8]].every(
              ([dx, dy]) => n.getNodeAt({x: m.x + dx, y: m.y + dy}) === undefined);
            if (clear && n.getEdgeAt(m) === e.id) {
              return [e.from, e.to, m.x - c.clientWidth / 2, m.y - c.clientHeight / 2];
            }
          }
        }
        return null;
        """
    )
    assert found, "some link must be reachable by the mouse"
    a, b, x, y = found
    ActionChains(driver).move_to_element_with_offset(canvas, round(x), round(y)).pause(0.5).perform()
    tooltip = driver.find_element(By.ID, "kg-tooltip").text
    shared = [bundle.kg.nodes[e]["name"] for e in bundle.shares.edges[a, b]["shared"]]
    assert tooltip.startswith(f"Share {len(shared)} entities") and all(name in tooltip for name in shared)
    assert_clean(driver, folder / PAGES["papers"], [])


def test_filters_by_type_and_community(driver, small_site):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    bundle, folder = small_site
    open_page(driver, folder / PAGES["kg"])
    total = driver.execute_script("return kg.nodeView.length")
    driver.find_element(By.CSS_SELECTOR, '#kg-legend input[data-type="paper"]').click()
    entities = sum(1 for n in driver.execute_script("return kg.data.nodes.map(n => n.type)") if n != "paper")
    assert driver.execute_script("return kg.nodeView.length") == entities
    assert driver.execute_script("return kg.edgeView.length") == 0, "paper-entity links go with the papers"
    driver.find_element(By.CSS_SELECTOR, '#kg-legend input[data-type="paper"]').click()
    assert driver.execute_script("return kg.nodeView.length") == total

    community = bundle.communities[0]
    Select(driver.find_element(By.ID, "kg-community")).select_by_value(str(community.id))
    shown = set(driver.execute_script("return kg.nodeView.getIds()"))
    assert shown == {n for n, a in bundle.kg.nodes(data=True) if a.get("community") == community.id}
    assert_clean(driver, folder / PAGES["kg"], [])


def test_index_links_every_page(driver, small_site):
    from selenium.webdriver.common.by import By

    bundle, folder = small_site
    driver.get_log("browser")
    driver.get((folder / "index.html").as_uri())
    links = [a.get_attribute("href") for a in driver.find_elements(By.CSS_SELECTOR, "ul.pages a")]
    assert sorted(Path(link.removeprefix("file://")).name for link in links) == sorted(PAGES.values())
    assert all(Path(link.removeprefix("file://")).is_file() for link in links)
    body = driver.find_element(By.TAG_NAME, "body").text
    assert "Records skipped" in body and "Dataset" in body
    urls = driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert_clean(driver, folder / "index.html", urls)


@pytest.mark.slow
def test_5000_node_page_is_interactive_within_3_seconds(driver, tmp_path_factory, tmp_path):
    """A synthetic 5,000-paper bundle: every page is drawn and ready in under 3 s."""
    bundle = synthetic_bundle(5000, seed=1)
    folder = tmp_path_factory.mktemp("big-site")
    # Few layout steps: the picture is not under test here, the browser's speed is.
    settings = HtmlSettings(layout_iterations=10)
    write_pages(bundle, folder, settings=settings, summary=_summary(bundle))
    expected = expected_counts(bundle, settings)
    for page, file in PAGES.items():
        state = open_page(driver, folder / file, timeout=30)
        nodes, edges = expected[page]
        assert state["drawnNodes"] == nodes, page
        if edges is not None:
            assert state["drawnEdges"] == edges, page
        assert state["drawnEdges"] <= settings.max_edges
        assert state["readyAt"] < 3000, f"{file}: first frame after {state['readyAt']:.0f} ms"
        # Interactive: a search and a synchronous redraw answer quickly.
        took = driver.execute_script(
            "const t = performance.now(); kg.focusNode(kg.data.nodes[0].id); kg.network.redraw();"
            "kg.network.renderer._redraw(); return performance.now() - t;"
        )
        assert took < 1000, f"{file}: focusing a node took {took:.0f} ms"
        if page == "kg":  # 5,000 papers and their entities exceed the cap: the page must say so
            note = driver.execute_script("return document.getElementById('kg-omitted').textContent")
            assert "Left out" in note and f"{settings.max_nodes} most connected" in note
        driver.save_screenshot(str(tmp_path / f"big-{page}.png"))


def test_a_page_with_nothing_to_draw_says_so(driver, tmp_path):
    from selenium.webdriver.common.by import By

    from browser.viz_bundles import bundle_from_records
    from kg.types import Paper

    bundle = bundle_from_records([Paper("title:only1", title="A lone paper", abstract="Nothing to link.")], [], [])
    write_pages(bundle, tmp_path, settings=HtmlSettings(), summary=_summary(bundle))
    state = open_page(driver, tmp_path / PAGES["papers"])
    assert state["drawnNodes"] == 0 and state["drawnEdges"] == 0
    assert "Nothing to draw" in driver.find_element(By.CSS_SELECTOR, "#kg-graph .empty").text
    assert "1 paper that shares no distinctive entity" in driver.find_element(By.ID, "kg-omitted").text
    state = open_page(driver, tmp_path / PAGES["kg"])
    assert state["drawnNodes"] == 1
