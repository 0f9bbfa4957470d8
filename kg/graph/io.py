"""Write the graphs for other tools: GraphML (Gephi, Cytoscape), node-link JSON (D3), CSV tables.

Every file is written atomically, so an interrupted export never leaves a half file.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, NamedTuple
from xml.sax.saxutils import escape

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


class _GraphSource(NamedTuple):
    """What a graph export reads: graph attributes, direction, and re-iterable nodes and edges.

    ``nodes()`` yields ``(node, attrs)``; ``edges()`` yields ``(u, v, key, attrs)``
    (``key`` is None for a simple graph). Both are called more than once, so the
    exports never need a copy of the graph.
    """

    graph: dict[str, Any]
    directed: bool
    multigraph: bool
    nodes: Callable[[], Iterator[tuple[Any, dict]]]
    edges: Callable[[], Iterator[tuple[Any, Any, Any, dict]]]


def _source(graph: nx.Graph) -> _GraphSource:
    if graph.is_multigraph():
        def edges():
            return graph.edges(keys=True, data=True)
    else:
        def edges():
            return ((u, v, None, d) for u, v, d in graph.edges(data=True))
    return _GraphSource(graph.graph, graph.is_directed(), graph.is_multigraph(),
                        lambda: graph.nodes(data=True), edges)


def _xml_types() -> dict[type, str]:
    """Python type -> GraphML ``attr.type``, exactly as networkx's writer maps them."""
    from networkx.readwrite.graphml import GraphML

    types = GraphML()
    types.construct_types()
    return types.xml_type


#: What an attribute value escapes beyond ``&``, ``<`` and ``>``.
_ATTRIBUTE_ENTITIES = {'"': "&quot;", "\r": "&#13;", "\n": "&#10;", "\t": "&#09;"}


def _escape_attribute(text: str) -> str:
    # The attribute escapes of xml.etree.ElementTree, which networkx's writer uses, so the bytes match.
    return escape(text, _ATTRIBUTE_ENTITIES)


def _write_graphml(source: _GraphSource, path: Path) -> None:
    """Write GraphML one node and edge at a time.

    The bytes are those of ``nx.write_graphml(graphml_safe(graph))`` (pretty-printed,
    ``d0, d1, ...`` keys numbered in order of first use and listed last-first), but
    networkx builds the whole XML tree in memory first: several GiB for a 54k-paper
    knowledge graph. Here only the attribute keys are collected in a first pass.
    """
    xml_type = _xml_types()
    keys: dict[tuple[str, str, str], str] = {}

    def safe(data: dict) -> list[tuple[str, Any]]:
        return [(str(k), _text(v)) for k, v in data.items() if v is not None]

    def key_of(name: str, value: Any, scope: str) -> str:
        try:
            kind = xml_type[type(value)]
        except KeyError as err:
            raise TypeError(f"GraphML does not support type {type(value)} as data values.") from err
        found = keys.get((name, kind, scope))
        if found is None:
            found = keys[(name, kind, scope)] = f"d{len(keys)}"
        return found

    graph_data = dict(source.graph)
    graph_id = graph_data.pop("id", None)
    graph_data = safe({k: v for k, v in graph_data.items() if k not in ("node_default", "edge_default")})
    # First pass: the keys, in the order networkx numbers them (graph, then nodes, then edges).
    children = len(graph_data)
    for name, value in graph_data:
        key_of(name, value, "graph")
    for scope, items in (("node", source.nodes()), ("edge", source.edges())):
        for *_, data in items:
            children += 1
            for name, value in safe(data):
                key_of(name, value, scope)

    def data_line(name: str, value: Any, scope: str, indent: str) -> str:
        text = str(value)
        key = key_of(name, value, scope)
        # An empty text makes ElementTree write an empty element.
        return f'{indent}<data key="{key}">{escape(text)}</data>' if text else f'{indent}<data key="{key}" />'

    def element(tag: str, attributes: str, data: list[tuple[str, Any]], scope: str) -> str:
        if not data:
            return f"    <{tag}{attributes} />"
        lines = [f"    <{tag}{attributes}>"]
        lines += [data_line(name, value, scope, "      ") for name, value in data]
        lines.append(f"    </{tag}>")
        return "\n".join(lines)

    def records() -> Iterator[str]:
        for node, data in source.nodes():
            yield element("node", f' id="{_escape_attribute(str(node))}"', safe(data), "node")
        for u, v, key, data in source.edges():
            attributes = f' source="{_escape_attribute(str(u))}" target="{_escape_attribute(str(v))}"'
            if key is not None:
                attributes += f' id="{_escape_attribute(str(key))}"'
            yield element("edge", attributes, safe(data), "edge")
        # networkx appends the graph's own data after its nodes and edges.
        for name, value in graph_data:
            yield data_line(name, value, "graph", "    ")

    with atomic_open(path, "w") as handle:
        write = handle.write
        write("<?xml version='1.0' encoding='utf-8'?>\n")
        write('<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
              'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
              'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
              'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">')
        for (name, kind, scope), key in reversed(keys.items()):
            write(f'\n  <key id="{key}" for="{scope}" attr.name="{_escape_attribute(name)}" attr.type="{kind}" />')
        graph_attributes = f' edgedefault="{"directed" if source.directed else "undirected"}"'
        if graph_id is not None:
            graph_attributes += f' id="{_escape_attribute(str(graph_id))}"'
        if children:
            write(f"\n  <graph{graph_attributes}>")
            _write_batched(write, records(), "\n", lead="\n")
            write("\n  </graph>")
        else:
            write(f"\n  <graph{graph_attributes} />")
        write("\n</graphml>\n")


def _write_batched(write: Callable[[str], Any], items: Iterable[str], separator: str, *, lead: str = "") -> None:
    """Write ``items`` joined by ``separator`` (after ``lead``), a few thousand per write call."""
    batch: list[str] = []
    before = lead
    for item in items:
        batch.append(item)
        if len(batch) >= 4096:
            write(before + separator.join(batch))
            before = separator
            batch.clear()
    if batch:
        write(before + separator.join(batch))


def _write_node_link(source: _GraphSource, path: Path) -> None:
    """Write networkx node-link JSON (``edges="links"``) one node and edge at a time.

    The text is that of ``json.dump(nx.node_link_data(graph, edges="links"))``,
    without the copy of every node and edge dict it makes, and each record is
    encoded by the fast C encoder (``json.dump`` of one big object uses the slow
    pure-Python one).
    """
    dumps = json.JSONEncoder(ensure_ascii=False).encode

    def links() -> Iterator[str]:
        for u, v, key, data in source.edges():
            record = {**data, "source": u, "target": v}
            if source.multigraph:
                record["key"] = key
            yield dumps(record)

    with atomic_open(path) as handle:
        write = handle.write
        write(f'{{"directed": {dumps(source.directed)}, "multigraph": {dumps(source.multigraph)}, '
              f'"graph": {dumps(source.graph)}, "nodes": [')
        _write_batched(write, (dumps({**data, "id": node}) for node, data in source.nodes()), ", ")
        write('], "links": [')
        _write_batched(write, links(), ", ")
        write("]}\n")


def _write_csv(path: Path, header: list[str], rows: Iterable[Iterable[Any]]) -> None:
    with atomic_open(path) as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow(["" if v is None else v for v in row])


def _join(values: Iterable[str]) -> str:
    return ";".join(values)


def _shares_with_titles(bundle: GraphBundle) -> _GraphSource:
    """The shares graph with paper title, year, community and degree on its nodes, as a view.

    Its edges come straight from ``bundle.shares``: a copy made by adding them in
    that order would iterate them in the same order, so nothing is copied.
    """
    shares, kg_nodes = bundle.shares, bundle.kg.nodes

    def nodes() -> Iterator[tuple[Any, dict]]:
        for node in shares.nodes:
            data = kg_nodes[node] if node in kg_nodes else {}
            yield node, {
                "title": data.get("title", ""), "year": data.get("year"), "community": data.get("community"),
                "degree": shares.degree(node),
            }

    def edges() -> Iterator[tuple[Any, Any, Any, dict]]:
        return ((u, v, None, d) for u, v, d in shares.edges(data=True))

    return _GraphSource({}, False, False, nodes, edges)


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
    _write_graphml(_source(kg), folder / "kg.graphml")
    _write_node_link(_source(kg), folder / "kg.node-link.json")
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
