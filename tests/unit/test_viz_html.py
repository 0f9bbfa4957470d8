"""kg.viz.html without a browser: segments, reduction, layout, and the files written."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import networkx as nx
import pytest

from browser.viz_bundles import small_bundle
from kg.settings import HtmlSettings
from kg.types import Mention
from kg.viz.html import layout_positions, mention_segments, page_graphs, reduce_graph, write_pages


def _mention(text: str, start: int, end: int, label: str = "MODEL") -> Mention:
    return Mention("p", text, label, start, end, "abstract", (0, end), text.lower(), text, "gazetteer", 1.0)


def _page_data(path: Path) -> dict:
    """The page's inlined drawing data, with its node details under "info"."""
    text = path.read_text()
    blocks = {}
    for block in ("data", "info"):
        match = re.search(rf'<script id="kg-{block}" type="application/json">(.*?)</script>', text, re.S)
        assert match, f"{path} has no inlined {block}"
        blocks[block] = json.loads(match.group(1))
    return {**blocks["data"], "info": blocks["info"]}


def _summary(bundle) -> dict:
    from kg.build import _summary

    return _summary(bundle)


# --------------------------------------------------------------------------- segments


def test_segments_rebuild_the_text_and_cut_at_code_points():
    # The emoji is one code point but two UTF-16 units: offsets must stay Python's.
    text = "\U0001F600 BERT beats ELMo."
    segments = mention_segments(text, [_mention("ELMo", 13, 17), _mention("BERT", 2, 6)])
    assert "".join(s[0] for s in segments) == text
    assert [s for s in segments if len(s) == 3] == [["BERT", "MODEL", "bert"], ["ELMo", "MODEL", "elmo"]]


def test_segments_skip_overlaps_and_offsets_that_do_not_match():
    text = "large language model"
    longest = _mention("large language model", 0, 20, "METHOD")
    inner = _mention("language model", 6, 20, "METHOD")
    wrong = _mention("BERT", 0, 4)
    segments = mention_segments(text, [inner, wrong, longest])
    assert segments == [["large language model", "METHOD", "large language model"]]


def test_segments_of_text_without_mentions_is_the_text():
    assert mention_segments("plain", []) == [["plain"]]
    assert mention_segments("", []) == []


# --------------------------------------------------------------------------- reduction


def test_reduce_keeps_the_most_connected_nodes_and_says_what_went():
    graph = nx.star_graph(6)
    graph.add_edge(1, 2)
    reduced, omitted = reduce_graph(graph, max_nodes=3, max_edges=100, kinds=lambda n: "paper")
    assert set(reduced) == {0, 1, 2}
    assert omitted["nodes"] == 4 and omitted["by_type"] == {"paper": 4}
    assert omitted["edges"] == graph.number_of_edges() - reduced.number_of_edges()


def test_reduce_within_caps_returns_the_graph_itself():
    graph = nx.path_graph(5)
    reduced, omitted = reduce_graph(graph, max_nodes=5, max_edges=4)
    assert reduced is graph and omitted == {}


def test_edge_cap_leaves_every_linked_node_a_link():
    graph = nx.Graph()
    graph.add_edge("a", "b", weight=10.0)
    graph.add_edge("a", "c", weight=9.0)
    graph.add_edge("b", "c", weight=8.0)
    graph.add_edge("d", "e", weight=0.1)
    # Heaviest-first alone would keep a-b, a-c, b-c and strand d and e.
    reduced, omitted = reduce_graph(graph, max_nodes=10, max_edges=3)
    assert reduced.number_of_edges() == 3 and omitted["edges"] == 1
    assert all(reduced.degree(n) > 0 for n in reduced)
    assert not reduced.has_edge("b", "c")


# --------------------------------------------------------------------------- layout


def test_layout_is_deterministic_finite_and_keeps_neighbours_close():
    graph = nx.connected_caveman_graph(20, 8)
    graph.add_nodes_from(["lonely-1", "lonely-2"])
    first = layout_positions(graph, seed=3, iterations=40)
    assert first == layout_positions(graph, seed=3, iterations=40)
    assert set(first) == set(graph)
    assert all(math.isfinite(x) and math.isfinite(y) for x, y in first.values())

    def dist(u, v):
        return math.dist(first[u], first[v])

    linked = sum(dist(u, v) for u, v in graph.edges()) / graph.number_of_edges()
    nodes = list(graph)
    pairs = [(nodes[i], nodes[(i * 37 + 11) % len(nodes)]) for i in range(len(nodes))]
    unlinked = sum(dist(u, v) for u, v in pairs if not graph.has_edge(u, v) and u != v) / len(pairs)
    assert linked < unlinked / 2, "linked nodes should sit much closer than arbitrary pairs"


def test_layout_of_tiny_graphs():
    assert layout_positions(nx.Graph()) == {}
    assert layout_positions(nx.Graph([("x", "x")])) == {"x": (0.0, 0.0)}


# --------------------------------------------------------------------------- pages


def test_write_pages_writes_offline_pages(tmp_path):
    bundle = small_bundle()
    written = write_pages(bundle, tmp_path, settings=HtmlSettings(), summary=_summary(bundle))
    assert set(written) >= {"index.html", "graph-kg.html", "graph-papers.html", "graph-entities.html", "graph-citations.html"}
    assert all((tmp_path / name).is_file() for name in written)
    assert not list(tmp_path.rglob("*.part")), "atomic writes leave no temporary files"
    for name in written:
        if not name.endswith(".html"):
            continue
        text = (tmp_path / name).read_text()
        refs = re.findall(r'<(?:script|link)[^>]*(?:src|href)="([^"]+)"', text)
        assert refs, name
        for ref in refs:
            assert "://" not in ref and not ref.startswith("//"), f"{name} loads {ref} from the network"
            assert (tmp_path / ref).is_file(), f"{name} loads {ref}, which was not written"
    for name in ("kg-graph.js", "kg-graph.css", "vis-network.min.css"):
        assert not re.search(r"url\((?!\"?data:)|@import|https?://[^\s\"']*\.(js|css)\b", (tmp_path / "static" / name).read_text())


def test_page_data_matches_the_bundle(tmp_path):
    bundle = small_bundle()
    write_pages(bundle, tmp_path, settings=HtmlSettings(), summary=_summary(bundle))
    kg_page = _page_data(tmp_path / "graph-kg.html")
    papers = [n for n, a in bundle.kg.nodes(data=True) if a["kind"] == "paper" and not a["stub"]]
    entities = {v for _, v, k in bundle.kg.edges(keys=True) if k == "mentions"}
    linked = {(u, v) for u, v, k in bundle.kg.edges(keys=True) if k == "mentions"}
    assert len(kg_page["nodes"]) == len(papers) + len(entities)
    assert len(kg_page["edges"]) == len(linked)
    assert {n["id"] for n in kg_page["nodes"]} == set(papers) | entities
    shares = _page_data(tmp_path / "graph-papers.html")
    assert shares["isolated"] == 1 and "title:ef34ab" not in {n["id"] for n in shares["nodes"]}
    assert "title:ef34ab" in {n["id"] for n in kg_page["nodes"]}
    cites = _page_data(tmp_path / "graph-citations.html")
    assert (len(cites["nodes"]), len(cites["edges"])) == (5, 4)
    assert {n["type"] for n in cites["nodes"]} == {"paper", "stub"}

    bert = kg_page["info"]["arxiv:1810.04805"]
    marked = [s for s in bert["abstract_segments"] if len(s) == 3]
    assert [s[0] for s in marked] == ["BERT", "Transformer", "BERT", "question answering", "SQuAD", "F1", "GLUE"]
    assert bert["link"] == "https://arxiv.org/abs/1810.04805"
    squad = kg_page["info"]["squad"]
    assert squad["type"] == "DATASET" and "Stanford Question Answering Dataset" in squad["aliases"]
    assert {p[0] for p in squad["papers"]} == {"arxiv:1810.04805", "doi:10.18653/v1/d16-1264"}


def test_index_shows_the_summary_and_says_when_there_are_no_citations(tmp_path):
    bundle = small_bundle(with_citations=False)
    summary = _summary(bundle)
    written = write_pages(bundle, tmp_path, settings=HtmlSettings(), summary=summary)
    assert "graph-citations.html" not in written
    index = (tmp_path / "index.html").read_text()
    assert "No citation graph" in index
    for page in ("graph-kg.html", "graph-papers.html", "graph-entities.html"):
        assert f'href="{page}"' in index
    assert "Records skipped</td><td>1</td>" in index
    assert "papers.bib record 7: no title (skipped)" in index
    assert f"<td>Papers</td><td>{summary['papers']}</td>" in index


def test_big_graph_is_reduced_and_the_page_says_so(tmp_path):
    bundle = small_bundle()
    settings = HtmlSettings(max_nodes=4, max_edges=3)
    write_pages(bundle, tmp_path, settings=settings, summary=_summary(bundle))
    data = _page_data(tmp_path / "graph-kg.html")
    assert len(data["nodes"]) == 4 and len(data["edges"]) <= 3
    assert data["omitted"]["nodes"] == data["total_nodes"] - 4
    assert f"reduced to the 4 most connected of {data['total_nodes']} nodes" in (tmp_path / "index.html").read_text()


def test_text_that_looks_like_markup_cannot_break_the_page(tmp_path):
    bundle = small_bundle()
    bundle.kg.nodes["title:ab12cd"]["title"] = "</script><script>alert(1)</script>"
    write_pages(bundle, tmp_path, settings=HtmlSettings(), summary=_summary(bundle))
    data = _page_data(tmp_path / "graph-kg.html")
    assert data["info"]["title:ab12cd"]["name"] == "</script><script>alert(1)</script>"


@pytest.mark.parametrize("page", ["kg", "papers", "entities", "citations"])
def test_page_graphs_are_within_caps(page):
    bundle = small_bundle()
    graphs = {p.key: p for p in page_graphs(bundle, settings=HtmlSettings(max_nodes=3, max_edges=2))}
    assert graphs[page].graph.number_of_nodes() <= 3 and graphs[page].graph.number_of_edges() <= 2
