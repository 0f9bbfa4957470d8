"""Write the graphs for other tools: GraphML (Gephi, Cytoscape), node-link JSON (D3), CSV tables.

Every file is written atomically, so an interrupted export never leaves a half file.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any, Iterable

import networkx as nx

from kg.graph.model import GraphBundle
from kg.io.write import atomic_open

__all__ = ["EXPORT_FILES", "write_graph_exports", "graphml_safe"]

#: File name -> what it holds (for the output folder's README).
EXPORT_FILES: dict[str, str] = {
    "kg.graphml": "the knowledge graph (papers, entities; mentions, cites, introduces, refersTo, variantOf edges, "
    "relation in the edge id); list and dict attributes are JSON strings, missing values are left out",
    "kg.node-link.json": "the same knowledge graph as networkx node-link JSON (`nodes`, `links`, edge `key` = relation)",
    "shares.graphml": "papers linked by shared entities (edge weight, shared entity ids as a JSON list), "
    "with paper title, year and community on the nodes",
    "shares.node-link.json": "the same shares-entities graph as node-link JSON",
    "papers.csv": "one row per paper: ids, title, year, venue, authors, stub flag, analytics",
    "entities.csv": "one row per entity: id, name, type, aliases, family, broad/hub flags, paper count, first year, "
    "trend per year, analytics",
    "mentions.csv": "one row per entity mention: paper, entity, text, field, offsets, sentence, source, score, introduced",
    "edges.csv": "paper-paper edges: sharesEntities (weight, shared entity ids), cites (input citations), "
    "refersTo (inferred citations: confidence, via entity ids)",
    "cooccurrence.csv": "entity-entity co-occurrence edges: weight (cosine of paper sets) and papers naming both",
    "communities.csv": "Louvain communities of papers: id, size, labelling entities, member paper ids",
}


def _text(value: Any) -> Any:
    """A GraphML-storable value: lists and dicts become JSON text, None is left out."""
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(value, ensure_ascii=False, sort_keys=isinstance(value, dict))
    return value


def graphml_safe(graph: nx.Graph) -> nx.Graph:
    """A copy of ``graph`` that GraphML can hold.

    GraphML attributes are scalars: lists and dicts are serialised to JSON
    strings, and None values are dropped (a missing attribute reads back as
    absent), since GraphML has no null.
    """
    safe = graph.__class__()
    safe.graph.update({k: _text(v) for k, v in graph.graph.items() if v is not None})
    for node, data in graph.nodes(data=True):
        safe.add_node(node, **{k: _text(v) for k, v in data.items() if v is not None})
    if graph.is_multigraph():
        for u, v, key, data in graph.edges(keys=True, data=True):
            safe.add_edge(u, v, key=key, **{k: _text(x) for k, x in data.items() if x is not None})
    else:
        for u, v, data in graph.edges(data=True):
            safe.add_edge(u, v, **{k: _text(x) for k, x in data.items() if x is not None})
    return safe


def _write_graphml(graph: nx.Graph, path: Path) -> None:
    with atomic_open(path, "wb") as handle:
        nx.write_graphml(graphml_safe(graph), handle)


def _write_node_link(graph: nx.Graph, path: Path) -> None:
    data = nx.node_link_data(graph, edges="links")
    with atomic_open(path) as handle:
        json.dump(data, handle, ensure_ascii=False)
        handle.write("\n")


def _write_csv(path: Path, header: list[str], rows: Iterable[Iterable[Any]]) -> None:
    with atomic_open(path) as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow(["" if v is None else v for v in row])


def _join(values: Iterable[str]) -> str:
    return ";".join(values)


def _shares_with_titles(bundle: GraphBundle) -> nx.Graph:
    graph = nx.Graph()
    for node in bundle.shares.nodes:
        data = bundle.kg.nodes[node] if node in bundle.kg else {}
        graph.add_node(
            node, title=data.get("title", ""), year=data.get("year"), community=data.get("community"),
            degree=bundle.shares.degree(node),
        )
    graph.add_edges_from(bundle.shares.edges(data=True))
    return graph


def write_graph_exports(bundle: GraphBundle, folder: Path) -> list[str]:
    """Write the graph exports of ``bundle`` into ``folder``.

    Parameters
    ----------
    bundle : GraphBundle
        From :func:`kg.graph.build.build_graphs`.
    folder : Path
        Output folder (created if missing).

    Returns
    -------
    list of str
        The file names written, the keys of :data:`EXPORT_FILES`.
    """
    folder = Path(folder)
    kg = bundle.kg
    _write_graphml(kg, folder / "kg.graphml")
    _write_node_link(kg, folder / "kg.node-link.json")
    shares = _shares_with_titles(bundle)
    _write_graphml(shares, folder / "shares.graphml")
    _write_node_link(shares, folder / "shares.node-link.json")

    papers = [(n, d) for n, d in kg.nodes(data=True) if d.get("kind") == "paper"]
    entities = [(n, d) for n, d in kg.nodes(data=True) if d.get("kind") == "entity"]
    mentions_of = {
        p: sum(1 for _, _, k in kg.out_edges(p, keys=True) if k == "mentions") for p, _ in papers
    }
    _write_csv(
        folder / "papers.csv",
        ["id", "title", "year", "venue", "authors", "ids", "url", "stub", "entities", "degree",
         "citation_count", "pagerank", "community", "abstract"],
        (
            [p, d.get("title", ""), d.get("year"), d.get("venue"), _join(d.get("authors", [])),
             json.dumps(d.get("ids", {}), ensure_ascii=False, sort_keys=True), d.get("url"), d.get("stub", False),
             mentions_of[p], d.get("degree"), d.get("citation_count"), d.get("pagerank"), d.get("community"),
             d.get("abstract", "")]
            for p, d in papers
        ),
    )
    _write_csv(
        folder / "entities.csv",
        ["id", "name", "label", "aliases", "parent", "broad", "hub", "paper_count", "first_year", "trend",
         "degree", "pagerank", "community"],
        (
            [e, d.get("name"), d.get("label"), _join(d.get("aliases", [])), d.get("parent"), d.get("broad", False),
             d.get("hub", False), d.get("paper_count", 0), d.get("first_year"),
             json.dumps({str(y): n for y, n in d.get("trend", {}).items()}), d.get("degree"), d.get("pagerank"),
             d.get("community")]
            for e, d in entities
        ),
    )
    _write_csv(
        folder / "mentions.csv",
        ["paper_id", "entity_id", "canonical", "label", "text", "field", "start", "end", "sentence_start",
         "sentence_end", "source", "score", "introduced"],
        (
            [m.paper_id, m.entity_id, m.canonical, m.label, m.text, m.field, m.start, m.end, m.sentence[0],
             m.sentence[1], m.source, m.score, m.introduced]
            for paper_mentions in bundle.extraction.mentions.values()
            for m in paper_mentions
        ),
    )

    def edge_rows():
        for a, b, d in sorted(bundle.shares.edges(data=True), key=lambda e: (-e[2]["weight"], e[0], e[1])):
            yield [a, b, "sharesEntities", d["weight"], _join(d["shared"]), None, None]
        for a, b, key, d in kg.edges(keys=True, data=True):
            if key == "cites":
                yield [a, b, "cites", None, None, None, None]
            elif key == "refersTo":
                yield [a, b, "refersTo", None, None, d["confidence"], _join(d["via"])]

    _write_csv(folder / "edges.csv", ["source", "target", "relation", "weight", "shared", "confidence", "via"], edge_rows())
    _write_csv(
        folder / "cooccurrence.csv",
        ["source", "target", "weight", "papers"],
        (
            [a, b, d["weight"], d["papers"]]
            for a, b, d in sorted(bundle.cooccurrence.edges(data=True), key=lambda e: (-e[2]["weight"], e[0], e[1]))
        ),
    )
    _write_csv(
        folder / "communities.csv",
        ["id", "size", "top_entities", "papers"],
        ([c.id, len(c.papers), _join(c.top_entities), _join(c.papers)] for c in bundle.communities),
    )
    return list(EXPORT_FILES)
