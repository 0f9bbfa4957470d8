"""The pages of real builds in headless chromium: the bundled sample (full pipeline)
and the scisumm citation graph (a real corpus with citations, larger than the cap)."""

from __future__ import annotations

import csv
import json

import networkx as nx
import pytest

from kg.settings import HtmlSettings

from browser.chromium import PAGES, assert_clean, click_node, open_page

pytestmark = pytest.mark.browser


def _kg_page_counts(kg: nx.MultiDiGraph) -> tuple[int, int]:
    papers = {n for n, a in kg.nodes(data=True) if a.get("kind") == "paper" and not a.get("stub")}
    mentioned = {v for _, v, k in kg.edges(keys=True) if k == "mentions"}
    links = {frozenset((u, v)) for u, v, k in kg.edges(keys=True) if k in ("mentions", "introduces", "variantOf")}
    return len(papers | mentioned), len(links)


def test_sample_build_pages(driver, sample_build, tmp_path):
    """Counts on each page equal the graph exports of the same build; mentions are highlighted."""
    from selenium.webdriver.common.by import By

    folder = sample_build
    kg = nx.node_link_graph(json.loads((folder / "kg.node-link.json").read_text()), edges="links")
    shares = nx.node_link_graph(json.loads((folder / "shares.node-link.json").read_text()), edges="links")
    with (folder / "cooccurrence.csv").open(newline="", encoding="utf-8") as handle:
        cooc = nx.Graph((row["source"], row["target"]) for row in csv.DictReader(handle))
    expected = {
        "kg": _kg_page_counts(kg),
        "papers": (sum(1 for _, d in shares.degree() if d), shares.number_of_edges()),
        "entities": (cooc.number_of_nodes(), cooc.number_of_edges()),
    }
    cap = HtmlSettings()
    for page, (nodes, edges) in expected.items():
        state = open_page(driver, folder / PAGES[page])
        assert state["drawnNodes"] == min(nodes, cap.max_nodes), page
        assert state["drawnEdges"] == min(edges, cap.max_edges), page
        driver.save_screenshot(str(tmp_path / f"sample-{page}.png"))

    has_citations = any(k == "cites" for *_, k in kg.edges(keys=True))
    assert (folder / PAGES["citations"]).exists() == has_citations
    if not has_citations:
        driver.get((folder / "index.html").as_uri())
        assert "No citation graph" in driver.find_element(By.TAG_NAME, "body").text

    # Click the paper with the most abstract mentions: its abstract shows them, in order, in type colours.
    records = [json.loads(line) for line in (folder / "mentions.jsonl").read_text().splitlines() if line]
    record = max(records, key=lambda r: sum(e["field"] == "abstract" for e in r["entities"]))
    mentions = sorted((e for e in record["entities"] if e["field"] == "abstract"), key=lambda e: e["start"])
    kept, end = [], -1
    for m in mentions:  # overlapping mentions: the page keeps the earlier one
        if m["start"] >= end:
            kept.append(m)
            end = m["end"]
    open_page(driver, folder / PAGES["kg"])
    driver.execute_script("kg.focusNode(arguments[0])", record["id"])
    click_node(driver, record["id"])
    marks = driver.find_elements(By.CSS_SELECTOR, "#kg-details .abstract mark.mention")
    assert [(m.text, m.get_attribute("data-type")) for m in marks] == [(m["text"], m["label"]) for m in kept]
    driver.save_screenshot(str(tmp_path / "sample-paper.png"))
    assert_clean(driver, folder / PAGES["kg"], [])


@pytest.mark.slow
def test_citation_page_of_a_real_citation_graph(driver, shared, tmp_path):
    """scisumm-citations: 6,539 papers and 11,861 citations, drawn within the 5,000-node cap."""
    from kg.build import _summary
    from kg.graph.build import build_graphs
    from kg.io.read import read_inputs
    from kg.settings import GraphSettings
    from kg.types import Extraction
    from kg.viz.html import write_pages

    corpus = read_inputs([shared / "corpora" / "scisumm-citations" / "papers.jsonl.gz"], progress=False)
    bundle = build_graphs(corpus, Extraction({}, {}), settings=GraphSettings())
    settings = HtmlSettings(layout_iterations=20)
    written = write_pages(bundle, tmp_path, settings=settings, summary=_summary(bundle))
    assert "graph-citations.html" in written
    state = open_page(driver, tmp_path / "graph-citations.html", timeout=30)
    total = bundle.citations.number_of_nodes()
    assert total > settings.max_nodes
    assert state["drawnNodes"] == settings.max_nodes
    assert 0 < state["drawnEdges"] <= bundle.citations.number_of_edges()
    assert state["readyAt"] < 3000
    note = driver.execute_script("return document.getElementById('kg-omitted').textContent")
    assert f"of {total} nodes" in note and "Left out" in note
    arrows = driver.execute_script("return Object.values(kg.network.body.edges).every(e => e.options.arrows.to.enabled)")
    assert arrows, "citation links point from the citing paper to the cited one"
    driver.save_screenshot(str(tmp_path / "citations.png"))
