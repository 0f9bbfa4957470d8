"""Interactive HTML pages of the graphs, built with pyvis and a template of our own.

``write_pages`` writes into the build folder:

- ``index.html``: the run summary and links to every page;
- ``graph-kg.html``: papers and the entities they mention (the knowledge graph);
- ``graph-papers.html``: papers linked when they share distinctive entities;
- ``graph-entities.html``: entities linked when papers name them together;
- ``graph-citations.html``: who cites whom (only when the inputs hold citations);
- ``static/``: vis-network (vendored from pyvis) and the pages' own script and style.

pyvis builds each network (``Network.add_node`` / ``add_edge``); its own HTML is not
used because it links Bootstrap from a CDN and has no search, legend, filters or
mention highlighting. Every page works from ``file://`` with the network off: the
graph data is inlined as JSON and every script and stylesheet sits in ``static/``.

Positions are computed once in Python (:func:`layout_positions`) and vis-network's
physics is off, so a page of thousands of nodes is drawn at once instead of
simulating for minutes in the browser. A graph bigger than
``HtmlSettings.max_nodes`` keeps its most connected nodes, and the page says what
was left out.
"""

from __future__ import annotations

import heapq
import html
import json
import math
import re
import shutil
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

import networkx as nx
import numpy as np

from kg.graph.model import GraphBundle
from kg.io.write import atomic_open, atomic_write_text
from kg.settings import HtmlSettings
from kg.types import LABELS, Mention

__all__ = [
    "NODE_TYPES",
    "OUTPUT_FILES",
    "PageGraph",
    "layout_positions",
    "mention_segments",
    "page_graphs",
    "reduce_graph",
    "write_pages",
]

_HERE = Path(__file__).resolve().parent
_TEMPLATES = _HERE / "templates"
_STATIC = _HERE / "static"
#: File name -> what it holds (for the output folder's README).
OUTPUT_FILES: dict[str, str] = {
    "index.html": "start page: run summary (papers, entities by type, links, skipped records) and links to the graph pages",
    "graph-kg.html": "interactive knowledge graph: papers and the entities they mention",
    "graph-papers.html": "interactive graph of papers linked by shared distinctive entities",
    "graph-entities.html": "interactive entity co-occurrence graph",
    "graph-citations.html": "interactive citation graph (only when the inputs hold citations)",
    "static/": "scripts and styles the pages load (vis-network 9.1.2 from pyvis, kg-graph.js, kg-graph.css); "
    "keep it beside the pages",
}
#: Files copied into ``<out>/static`` and loaded by every page, in load order.
STATIC_FILES = ("vis-network.min.css", "kg-graph.css", "vis-network.min.js", "kg-graph.js")

#: Node type -> (legend name, colour, vis-network shape). Shapes differ as well as
#: colours so the legend still reads for colour-blind users and in greyscale.
NODE_TYPES: dict[str, tuple[str, str, str]] = {
    "paper": ("Paper", "#4e79a7", "dot"),
    "stub": ("Cited-only paper", "#a7b7cc", "dot"),
    "MODEL": ("Model", "#e15759", "diamond"),
    "METHOD": ("Method", "#f28e2b", "triangle"),
    "DATASET": ("Dataset", "#59a14f", "square"),
    "TASK": ("Task", "#b07aa1", "star"),
    "METRIC": ("Metric", "#c9a227", "triangleDown"),
}
#: Typical gap in pixels between a node and its nearest neighbour at zoom 1, so that
#: nodes (5-25 px) and their labels do not pile up when a user zooms in: 40 px on big
#: pages, up to about 100 px on small ones, which fit the screen anyway.
_NEIGHBOUR_GAP_PX = 40.0
#: Layout forces, tuned on synthetic and real graphs of 5,000 nodes: repulsion reaches
#: this many ideal edge lengths, is this much stronger than FR's, and hubs feel this gravity per link.
_CUTOFF, _REPULSION, _GRAVITY = 2.0, 4.0, 0.02
#: Papers listed per entity in the details panel (the page says how many more there are).
_PAPERS_LISTED = 50
#: Entities named in a paper's tooltip.
_TOP_ENTITIES = 6


@dataclass(slots=True)
class PageGraph:
    """One page's graph before drawing: what it shows and how it was reduced."""

    key: str
    file: str
    title: str
    description: str
    graph: nx.Graph
    directed: bool
    edge_noun: str
    total_nodes: int = 0
    total_edges: int = 0
    #: Nodes without any link, left out of the shares and co-occurrence pages.
    isolated: int = 0
    omitted: dict[str, Any] = field(default_factory=dict)


# --------------------------------------------------------------------------- entry point


def write_pages(bundle: GraphBundle, folder: Path, *, settings: HtmlSettings, summary: dict) -> list[str]:
    """Write ``index.html``, one page per graph and ``static/`` into ``folder``.

    Parameters
    ----------
    bundle : GraphBundle
        The graphs of one build (see :mod:`kg.graph.model` for the schema).
    folder : Path
        The build folder; files are written atomically inside it.
    settings : HtmlSettings
        Size caps and layout options.
    summary : dict
        The run summary built by :func:`kg.build._summary`, shown on the index page.

    Returns
    -------
    list of str
        The files written, relative to ``folder`` (``static/...`` included).

    Examples
    --------
    >>> write_pages(bundle, Path("outputs"), settings=HtmlSettings(), summary=summary)  # doctest: +SKIP
    ['static/vis-network.min.css', ..., 'graph-kg.html', ..., 'index.html']
    """
    folder = Path(folder)
    written = _copy_static(folder)
    context = _Context(bundle)
    pages = page_graphs(bundle, settings=settings)
    page_meta = []
    for page in pages:
        info, data = _page_data(page, context, settings=settings)
        with atomic_open(folder / page.file) as handle:
            handle.write(_render_page(page, data, info))
        written.append(page.file)
        page_meta.append(
            {
                "file": page.file,
                "title": page.title,
                "description": page.description,
                "nodes": page.graph.number_of_nodes(),
                "edges": page.graph.number_of_edges(),
                "total_nodes": page.total_nodes,
                "total_edges": page.total_edges,
                "edge_noun": page.edge_noun,
                "isolated": page.isolated,
            }
        )
    atomic_write_text(folder / "index.html", _render_index(summary, page_meta, has_citations=_has_citations(bundle)))
    written.append("index.html")
    return written


def _copy_static(folder: Path) -> list[str]:
    written = []
    for name in STATIC_FILES:
        with (_STATIC / name).open("rb") as source, atomic_open(folder / "static" / name, "wb") as target:
            shutil.copyfileobj(source, target)
        written.append(f"static/{name}")
    return written


def _has_citations(bundle: GraphBundle) -> bool:
    return bundle.citations.number_of_edges() > 0


# --------------------------------------------------------------------------- graphs per page


def page_graphs(bundle: GraphBundle, *, settings: HtmlSettings) -> list[PageGraph]:
    """The undirected or directed graph drawn on each page, already reduced to the caps.

    Parameters
    ----------
    bundle : GraphBundle
        The graphs of one build.
    settings : HtmlSettings
        ``max_nodes`` and ``max_edges`` bound every page.

    Returns
    -------
    list of PageGraph
        The knowledge graph, shares-entities and co-occurrence pages, then the
        citation page when the inputs hold citations.
    """
    kg = bundle.kg
    knowledge = nx.Graph()
    for node, attrs in kg.nodes(data=True):
        if attrs.get("kind") == "entity" or (attrs.get("kind") == "paper" and not attrs.get("stub")):
            knowledge.add_node(node)
    for u, v, key, attrs in kg.edges(keys=True, data=True):
        if key not in ("mentions", "introduces", "variantOf") or u not in knowledge or v not in knowledge:
            continue
        edge = knowledge.get_edge_data(u, v) or {"weight": 0.0, "relations": []}
        if key == "mentions":
            edge["weight"] += float(attrs.get("count", 1))
            edge["fields"] = list(attrs.get("fields", []))
        else:
            edge["weight"] = max(edge["weight"], 1.0)
        edge["relations"] = sorted(set(edge["relations"]) | {key})
        knowledge.add_edge(u, v, **edge)
    # An entity nobody mentions is noise on this page (it can exist as a variant family only).
    knowledge.remove_nodes_from([n for n in list(knowledge) if kg.nodes[n].get("kind") == "entity" and knowledge.degree(n) == 0])

    pages = [
        PageGraph(
            "kg", "graph-kg.html", "Knowledge graph",
            "Papers and the models, methods, datasets, tasks and metrics they mention.",
            knowledge, False, "mention links",
        ),
        PageGraph(
            "papers", "graph-papers.html", "Papers that share entities",
            "Two papers are linked when they name the same distinctive entities; thicker links share more.",
            bundle.shares, False, "shared-entity links",
        ),
        PageGraph(
            "entities", "graph-entities.html", "Entity co-occurrence",
            "Two entities are linked when papers name them together; thicker links mean more papers.",
            bundle.cooccurrence, False, "co-occurrence links",
        ),
    ]
    if _has_citations(bundle):
        pages.append(
            PageGraph(
                "citations", "graph-citations.html", "Citation graph",
                "Arrows point from the citing paper to the cited paper, as given in the inputs.",
                bundle.citations, True, "citations",
            )
        )
    for page in pages:
        if page.key in ("papers", "entities"):
            # A paper sharing nothing, or an entity named with nothing else, says nothing
            # on a page about links; drawing hundreds of them only buries the structure.
            lonely = [n for n, degree in page.graph.degree() if degree == 0]
            if lonely:
                page.isolated = len(lonely)
                page.graph = _induced(page.graph, {n for n in page.graph if page.graph.degree(n) > 0})
        page.total_nodes = page.graph.number_of_nodes()
        page.total_edges = page.graph.number_of_edges()
        page.graph, page.omitted = reduce_graph(
            page.graph, max_nodes=settings.max_nodes, max_edges=settings.max_edges, kinds=_node_type_of(kg)
        )
    return pages


def _node_type_of(kg: nx.MultiDiGraph):
    """A function node -> key of :data:`NODE_TYPES`."""

    def node_type(node: Any) -> str:
        attrs = kg.nodes[node] if node in kg else {}
        # Paper ids hold a scheme prefix with a colon, entity ids never do (kg.graph.model).
        kind = attrs.get("kind") or ("paper" if ":" in str(node) else "entity")
        if kind == "entity":
            return attrs.get("label") if attrs.get("label") in LABELS else "METHOD"
        return "stub" if attrs.get("stub") or not attrs else "paper"

    return node_type


def _induced(graph: nx.Graph, keep: set) -> nx.Graph:
    """The subgraph on ``keep``, as a new graph in ``graph``'s node and edge order.

    ``graph.subgraph`` iterates a set, whose order of string ids changes from process
    to process, so the same input would draw a different page on every build.
    """
    induced = graph.__class__()
    induced.graph.update(graph.graph)
    induced.add_nodes_from((n, data) for n, data in graph.nodes(data=True) if n in keep)
    edges = graph.edges(keys=True, data=True) if graph.is_multigraph() else graph.edges(data=True)
    induced.add_edges_from(e for e in edges if e[0] in keep and e[1] in keep)
    return induced


def reduce_graph(
    graph: nx.Graph, *, max_nodes: int, max_edges: int, kinds=None
) -> tuple[nx.Graph, dict[str, Any]]:
    """Keep the ``max_nodes`` most connected nodes and the ``max_edges`` heaviest edges.

    Parameters
    ----------
    graph : networkx.Graph or networkx.DiGraph
        Edges may carry a ``weight``.
    max_nodes, max_edges : int
        Caps; a graph within both is returned unchanged.
    kinds : callable, optional
        Maps a node to its type name, to count what was left out by type.

    Returns
    -------
    (graph, omitted)
        The reduced graph (a new one when anything was cut) and a dict saying what
        was left out: ``nodes``, ``edges``, ``by_type``, ``examples``; empty when
        nothing was.

    Examples
    --------
    >>> g = nx.star_graph(5)
    >>> small, omitted = reduce_graph(g, max_nodes=3, max_edges=10)
    >>> sorted(small), omitted["nodes"]
    ([0, 1, 2], 3)
    """
    n_nodes, n_edges = graph.number_of_nodes(), graph.number_of_edges()
    if n_nodes <= max_nodes and n_edges <= max_edges:
        return graph, {}
    kept_nodes = set(graph)
    dropped: list[Any] = []
    if n_nodes > max_nodes:
        # Weighted degree ranks centrality cheaply on any size; ties break on plain
        # degree, then on the node id so the same input always draws the same page.
        strength = dict(graph.degree(weight="weight"))
        degree = dict(graph.degree())
        ranked = sorted(graph, key=lambda n: (-strength[n], -degree[n], str(n)))
        kept_nodes = set(ranked[:max_nodes])
        dropped = ranked[max_nodes:]
    reduced = _induced(graph, kept_nodes)
    with_nodes = reduced.number_of_edges()
    if reduced.number_of_edges() > max_edges:
        ordered = [
            (u, v)
            for u, v, _ in sorted(
                reduced.edges(data="weight", default=1.0), key=lambda e: (-(e[2] or 0.0), str(e[0]), str(e[1]))
            )
        ]
        # Every node first keeps its heaviest edge, so the cap never strands a node
        # that has links; the rest of the budget goes to the heaviest edges overall.
        heaviest: dict[Any, tuple[Any, Any]] = {}
        for u, v in ordered:
            heaviest.setdefault(u, (u, v))
            heaviest.setdefault(v, (u, v))
        keep = dict.fromkeys(list(dict.fromkeys(heaviest.values()))[:max_edges])
        for edge in ordered:
            if len(keep) >= max_edges:
                break
            keep.setdefault(edge)
        reduced.remove_edges_from([edge for edge in ordered if edge not in keep])
    omitted = {
        "nodes": n_nodes - reduced.number_of_nodes(),
        "edges": n_edges - reduced.number_of_edges(),
        "edges_of_left_out_nodes": n_edges - with_nodes,
        "edges_capped": with_nodes - reduced.number_of_edges(),
        "by_type": dict(Counter(kinds(n) for n in dropped)) if kinds else {},
        "examples": [str(n) for n in dropped[:5]],
        "max_nodes": max_nodes,
        "max_edges": max_edges,
    }
    return reduced, omitted


# --------------------------------------------------------------------------- layout


def layout_positions(graph: nx.Graph, *, seed: int = 42, iterations: int = 60) -> dict[Any, tuple[float, float]]:
    """Force-directed positions computed once, in near-linear time.

    A Fruchterman-Reingold variant: repulsion only between nodes closer than a few
    ideal edge lengths (found with a k-d tree, like the grid of the original paper),
    spring attraction along edges, and a gravity towards the centre that keeps
    components and isolated nodes from drifting apart. networkx's ``spring_layout``
    and ``forceatlas2_layout`` compare every pair of nodes on each step: on a
    5,000-node, 20,000-edge graph here they took about 1 s and 2 s per step (about
    3 minutes for forceatlas2's default 100 steps); this takes about 2 s in all.

    Parameters
    ----------
    graph : networkx.Graph
        Direction is ignored.
    seed : int
        Seed of the random start, so the same graph gets the same picture.
    iterations : int
        Steps of the cooling schedule.

    Returns
    -------
    dict
        Node -> (x, y), in units of about one edge length, centred on 0.

    Examples
    --------
    >>> pos = layout_positions(nx.path_graph(4), seed=1)
    >>> len(pos), all(len(p) == 2 for p in pos.values())
    (4, True)
    """
    from scipy.spatial import cKDTree

    nodes = list(graph)
    n = len(nodes)
    if n == 0:
        return {}
    if n == 1:
        return {nodes[0]: (0.0, 0.0)}
    index = {node: i for i, node in enumerate(nodes)}
    rng = np.random.default_rng(seed)
    side = math.sqrt(n)
    pos = rng.uniform(-side / 2, side / 2, size=(n, 2))
    pairs_uv = [(index[u], index[v]) for u, v in graph.edges() if u != v]
    edges = np.array(pairs_uv, dtype=np.int64).reshape(-1, 2)
    weights = np.array([graph.edges[nodes[u], nodes[v]].get("weight", 1.0) or 1.0 for u, v in pairs_uv], dtype=float)
    # Heavy edges pull harder, but only logarithmically, so one huge weight cannot fold the picture.
    pull = 1.0 + np.log1p(weights / weights.mean()) if len(weights) else weights
    degree = np.bincount(edges.ravel(), minlength=n).astype(float)
    mass = degree + 1.0
    cutoff = _CUTOFF
    start_step = side / 6
    for step in range(iterations):
        temperature = start_step * (1.0 - step / iterations) + 0.02
        disp = np.zeros((n, 2))
        pairs = cKDTree(pos).query_pairs(cutoff, output_type="ndarray")
        if len(pairs):
            delta = pos[pairs[:, 0]] - pos[pairs[:, 1]]
            dist2 = np.maximum((delta * delta).sum(1), 1e-4)
            # Hubs push harder (ForceAtlas2's degree-scaled repulsion), which opens space around them.
            force = delta * (_REPULSION * np.sqrt(mass[pairs[:, 0]] * mass[pairs[:, 1]]) / dist2)[:, None]
            disp += _scatter(pairs[:, 0], force, n) - _scatter(pairs[:, 1], force, n)
        if len(edges):
            delta = pos[edges[:, 0]] - pos[edges[:, 1]]
            dist = np.sqrt((delta * delta).sum(1))
            force = delta * (dist * pull)[:, None]
            disp += _scatter(edges[:, 1], force, n) - _scatter(edges[:, 0], force, n)
        disp -= _GRAVITY * mass[:, None] * (pos - pos.mean(0))
        length = np.sqrt((disp * disp).sum(1)) + 1e-12
        pos += disp * (np.minimum(length, temperature) / length)[:, None]
    pos -= pos.mean(0)
    return {node: (float(pos[i, 0]), float(pos[i, 1])) for node, i in index.items()}


def _pixel_scale(positions: Mapping[Any, tuple[float, float]]) -> float:
    """Pixels per layout unit that put the median nearest neighbour ``_NEIGHBOUR_GAP_PX`` away."""
    from scipy.spatial import cKDTree

    if len(positions) < 2:
        return 1.0
    points = np.array(list(positions.values()))
    distances, _ = cKDTree(points).query(points, k=2)
    median = float(np.median(distances[:, 1]))
    gap = max(_NEIGHBOUR_GAP_PX, 125.0 - 25.0 * math.log10(len(points)))
    return gap / median if median > 1e-9 else 1.0


def _scatter(index: np.ndarray, force: np.ndarray, n: int) -> np.ndarray:
    # np.bincount sums per node several times faster than np.add.at.
    return np.stack([np.bincount(index, force[:, 0], n), np.bincount(index, force[:, 1], n)], axis=1)


# --------------------------------------------------------------------------- mentions


def mention_segments(text: str, mentions: Iterable[Mention]) -> list[list[Any]]:
    """Split ``text`` into plain and highlighted pieces for the details panel.

    Offsets are Python code points; slicing here (instead of shipping offsets)
    spares the page the conversion to JavaScript's UTF-16 units, which differ as
    soon as the text holds a character outside the Basic Multilingual Plane.
    Overlapping mentions keep the earlier (then longer) one; a mention whose
    offsets do not match its text is skipped rather than highlighting the wrong words.

    Parameters
    ----------
    text : str
        One field of a paper (its title or abstract).
    mentions : iterable of Mention
        Mentions in that field.

    Returns
    -------
    list
        ``[text]`` for plain pieces and ``[text, label, entity_id]`` for mentions;
        joining the pieces' texts gives back ``text``.

    Examples
    --------
    >>> from kg.types import Mention
    >>> m = Mention("p", "BERT", "MODEL", 4, 8, "abstract", (0, 8), "bert", "BERT", "gazetteer", 1.0)
    >>> mention_segments("Use BERT.", [m])
    [['Use '], ['BERT', 'MODEL', 'bert'], ['.']]
    """
    segments: list[list[Any]] = []
    cursor = 0
    for m in sorted(mentions, key=lambda m: (m.start, -(m.end - m.start))):
        if m.start < cursor or m.end <= m.start or m.end > len(text) or text[m.start:m.end] != m.text:
            continue
        if m.start > cursor:
            segments.append([text[cursor:m.start]])
        segments.append([text[m.start:m.end], m.label, m.entity_id])
        cursor = m.end
    if cursor < len(text):
        segments.append([text[cursor:]])
    return segments


# --------------------------------------------------------------------------- page data


_NO_ATTRS: Mapping[str, Any] = {}


class _Context:
    """Look-ups shared by every page: entity papers, paper entities, links."""

    def __init__(self, bundle: GraphBundle):
        self.bundle = bundle
        self.kg = bundle.kg
        self.entity_papers: dict[str, list[str]] = defaultdict(list)
        self.paper_entities: dict[str, list[tuple[float, str]]] = defaultdict(list)
        for u, v, key, attrs in self.kg.edges(keys=True, data=True):
            if key == "mentions":
                self.entity_papers[v].append(u)
                self.paper_entities[u].append((float(attrs.get("count", 1)), v))
        self.communities = {c.id: c for c in bundle.communities}
        # One plain dict look-up per call: attrs() runs hundreds of thousands of times on big builds.
        self._attrs: dict[str, Mapping[str, Any]] = dict(self.kg.nodes(data=True))

    def attrs(self, node: str) -> Mapping[str, Any]:
        return self._attrs.get(node, _NO_ATTRS)

    def name(self, node: str) -> str:
        attrs = self.attrs(node)
        if attrs.get("kind") == "entity":
            return attrs.get("name") or node
        return attrs.get("title") or node

    def top_entities(self, paper: str) -> list[list[str]]:
        ranked = sorted(
            self.paper_entities.get(paper, []),
            key=lambda item: (-item[0], -float(self.attrs(item[1]).get("pagerank") or 0.0), item[1]),
        )
        return [[entity, self.name(entity), self.attrs(entity).get("label", "")] for _, entity in ranked[:_TOP_ENTITIES]]


def _paper_link(attrs: Mapping[str, Any]) -> str | None:
    ids = attrs.get("ids") or {}
    if ids.get("arxiv"):
        return f"https://arxiv.org/abs/{ids['arxiv']}"
    if ids.get("doi"):
        return f"https://doi.org/{ids['doi']}"
    url = attrs.get("url")
    return url if isinstance(url, str) and url.startswith(("http://", "https://")) else None


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def _page_data(
    page: PageGraph, context: _Context, *, settings: HtmlSettings
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Build the pyvis network for ``page``; return the node details and the drawing data.

    The two go into separate JSON blocks: the page parses the drawing data first and
    the (much larger) details only after the first frame, so big pages draw sooner.
    """
    graph = page.graph
    node_type = _node_type_of(context.kg)
    positions = layout_positions(graph, seed=settings.layout_seed, iterations=settings.layout_iterations)
    scale = _pixel_scale(positions)
    centrality = _centrality(graph, context)
    top = max(centrality.values(), default=0.0) or 1.0
    weights = [w for *_, w in graph.edges(data="weight", default=1.0)]
    heaviest = max((w or 0.0 for w in weights), default=1.0) or 1.0

    net = _network()
    info: dict[str, dict[str, Any]] = {}
    for node in graph:
        attrs = context.attrs(node)
        kind = node_type(node)
        label = context.name(node)
        x, y = positions[node]
        size = round(5 + 20 * math.sqrt(centrality[node] / top), 2)
        net.add_node(
            node,
            label=_short(label, 40) if attrs.get("kind") != "entity" else label,
            shape=NODE_TYPES[kind][2],
            color=NODE_TYPES[kind][1],
            size=size,
            # Labels grow with their node, so zoomed out only the central nodes' labels
            # pass vis-network's draw threshold and the rest appear as one zooms in.
            font={"size": round(7 + 0.6 * size)},
            x=round(x * scale, 1),
            y=round(y * scale, 1),
            type=kind,
            community=None if attrs.get("community") is None else int(attrs["community"]),
        )
        info[node] = _node_info(node, kind, attrs, context)
    for i, (u, v, attrs) in enumerate(graph.edges(data=True)):
        weight = float(attrs.get("weight", 1.0) or 1.0)
        net.add_edge(
            u,
            v,
            id=f"e{i}",
            width=round(1 + 5 * math.sqrt(weight / heaviest), 2),
            tip=_edge_tip(page.key, u, v, attrs, context),
        )
    nodes, edges, *_ = net.get_network_data()
    for edge in edges:
        # pyvis marks every edge of its directed Network "arrows: to"; the page sets
        # arrows once for all edges instead, which keeps big pages smaller.
        edge.pop("arrows", None)

    present = Counter(n["type"] for n in nodes)
    legend = [
        {"type": kind, "name": name, "color": color, "shape": shape, "count": present[kind]}
        for kind, (name, color, shape) in NODE_TYPES.items()
        if present[kind]
    ]
    communities = []
    on_page = Counter(n["community"] for n in nodes if n["community"] is not None)
    for cid, count in sorted(on_page.items(), key=lambda item: (-item[1], item[0])):
        community = context.communities.get(cid)
        names = [context.name(e) for e in (community.top_entities if community else [])[:3]]
        communities.append({"id": cid, "label": ", ".join(names) or f"community {cid}", "count": count})
    return info, {
        "page": page.key,
        "title": page.title,
        "directed": page.directed,
        "size_by": "PageRank" if _has_pagerank(graph, context) else "number of links",
        "nodes": nodes,
        "edges": edges,
        "legend": legend,
        "communities": communities,
        "omitted": page.omitted,
        "total_nodes": page.total_nodes,
        "total_edges": page.total_edges,
        "isolated": page.isolated,
    }


class _IdList(list):
    """A list with O(1) membership tests, for pyvis's node id list."""

    def __init__(self) -> None:
        super().__init__()
        self._members: set = set()

    def append(self, item: Any) -> None:
        super().append(item)
        self._members.add(item)

    def __contains__(self, item: object) -> bool:
        return item in self._members


def _network():
    """A pyvis ``Network`` that stays fast on thousands of nodes.

    pyvis 0.3.2 keeps node ids in a list that ``add_node`` and ``add_edge`` search
    with ``in`` (quadratic: minutes for 5,000 nodes and 20,000 edges), and an
    undirected ``Network`` compares each new edge with every earlier one. So the
    id list gets set-backed membership and the network is directed; the page sets
    arrows per page, and the edges given are already unique.
    """
    from pyvis.network import Network

    net = Network(directed=True)
    net.node_ids = _IdList()
    return net


def _has_pagerank(graph: nx.Graph, context: _Context) -> bool:
    return len(graph) > 0 and all(context.attrs(n).get("pagerank") is not None for n in graph)


def _centrality(graph: nx.Graph, context: _Context) -> dict[Any, float]:
    if _has_pagerank(graph, context):
        return {n: float(context.attrs(n)["pagerank"]) for n in graph}
    return {n: float(d) for n, d in graph.degree()}


def _node_info(node: str, kind: str, attrs: Mapping[str, Any], context: _Context) -> dict[str, Any]:
    if attrs.get("kind") == "entity":
        papers = context.entity_papers.get(node, [])
        # Newest first; heapq keeps this cheap for entities named in thousands of papers.
        ordered = heapq.nsmallest(_PAPERS_LISTED, set(papers), key=lambda p: (-(context.attrs(p).get("year") or 0), p))
        return {
            "name": attrs.get("name") or node,
            "type": kind,
            "aliases": [a for a in attrs.get("aliases", []) if a != attrs.get("name")],
            "paper_count": int(attrs.get("paper_count") or len(set(papers))),
            "papers": [[p, _short(context.name(p), 120), context.attrs(p).get("year")] for p in ordered[:_PAPERS_LISTED]],
        }
    title = attrs.get("title") or ""
    abstract = attrs.get("abstract") or ""
    mentions = context.bundle.extraction.mentions.get(node, [])
    return {
        "name": title or node,
        "type": kind,
        "year": attrs.get("year"),
        "venue": attrs.get("venue"),
        "authors": list(attrs.get("authors") or [])[:8],
        "link": _paper_link(attrs),
        "entities": context.top_entities(node),
        "title_segments": mention_segments(title, [m for m in mentions if m.field == "title"]),
        "abstract_segments": mention_segments(abstract, [m for m in mentions if m.field == "abstract"]),
    }


def _edge_tip(page: str, u: str, v: str, attrs: Mapping[str, Any], context: _Context) -> str:
    if page == "papers":
        shared = [context.name(e) for e in attrs.get("shared", [])[:8]]
        return f"Share {len(attrs.get('shared', []))} entities: {', '.join(shared)}" if shared else "Share entities"
    if page == "entities":
        count = attrs.get("papers", attrs.get("weight", 1))
        return f"Named together in {count} paper{'s' if count != 1 else ''}"
    if page == "citations":
        return f"{_short(context.name(u), 60)} cites {_short(context.name(v), 60)}"
    relations = attrs.get("relations", [])
    if "variantOf" in relations:
        return "size variant of the same family"
    where = " and ".join(attrs.get("fields", [])) or "text"
    count = int(attrs.get("weight", 1))
    text = f"Mentioned {count} time{'s' if count != 1 else ''} in the {where}"
    return text + (" (introduced by this paper)" if "introduces" in relations else "")


# --------------------------------------------------------------------------- templates


def _render(template: str, values: Mapping[str, str]) -> str:
    text = (_TEMPLATES / template).read_text(encoding="utf-8")
    return re.sub(r"\{\{\s*(\w+)\s*\}\}", lambda m: values[m.group(1)], text)


def _json_for_script(data: Any) -> str:
    # "<" escaped so no string in the data can close the <script> element.
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")


def _render_page(page: PageGraph, data: dict[str, Any], info: dict[str, Any]) -> str:
    return _render(
        "graph.html",
        {
            "title": html.escape(page.title),
            "description": html.escape(page.description),
            "data": _json_for_script(data),
            "info": _json_for_script(info),
        },
    )


def _render_index(summary: Mapping[str, Any], pages: list[dict[str, Any]], *, has_citations: bool) -> str:
    e = html.escape
    rows = []
    for page in pages:
        parts = []
        if page["nodes"] < page["total_nodes"]:
            parts.append(f'the {page["nodes"]:,} most connected of {page["total_nodes"]:,} nodes')
        if page["edges"] < page["total_edges"]:
            parts.append(f'{page["edges"]:,} of {page["total_edges"]:,} {e(page["edge_noun"])}')
        cut = f' <span class="cut">(reduced to {" and ".join(parts)})</span>' if parts else ""
        if page["isolated"]:
            cut += f' <span class="hint">({page["isolated"]:,} unlinked nodes not drawn)</span>'
        rows.append(
            f'<li><a href="{e(page["file"])}">{e(page["title"])}</a>: {page["nodes"]:,} nodes, '
            f'{page["edges"]:,} {e(page["edge_noun"])}{cut}<br><span class="hint">{e(page["description"])}</span></li>'
        )
    if not has_citations:
        rows.append(
            '<li class="none">No citation graph: the inputs hold no citations between papers '
            "(give references, e.g. Semantic Scholar or OpenAlex exports, to get one).</li>"
        )
    by_label = summary.get("entities_by_label", {}) or {}
    label_rows = "".join(
        f'<tr><td><span class="swatch" style="background:{NODE_TYPES[label][1]}"></span>{e(NODE_TYPES[label][0])}</td>'
        f"<td>{by_label.get(label, 0):,}</td></tr>"
        for label in LABELS
    )
    figures = [
        ("Papers", summary.get("papers", 0)),
        ("Cited-only papers (stubs)", summary.get("stub_papers", 0)),
        ("Records read", summary.get("records", 0)),
        ("Records merged as duplicates", summary.get("merged_records", 0)),
        ("Records skipped", summary.get("skipped", 0)),
        ("Records kept with warnings", summary.get("kept_with_warnings", 0)),
        ("Mentions", summary.get("mentions", 0)),
        ("Entities", summary.get("entities", 0)),
        ("Citations", summary.get("citations", 0)),
        ("Inferred citations", summary.get("inferred_citations", 0)),
        ("Paper pairs sharing entities", summary.get("shares_entities_edges", 0)),
        ("Entity co-occurrence links", summary.get("cooccurrence_edges", 0)),
        ("Communities", summary.get("communities", 0)),
    ]
    figure_rows = "".join(f"<tr><td>{e(name)}</td><td>{int(value or 0):,}</td></tr>" for name, value in figures)
    problems = summary.get("problems", []) or []
    problem_items = "".join(
        f"<li>{e(str(p.get('file')))} record {e(str(p.get('record')))}: {e(str(p.get('reason')))}"
        f" ({'kept' if p.get('kept') else 'skipped'})</li>"
        for p in problems[:50]
    )
    if len(problems) > 50:
        problem_items += f"<li>... {len(problems) - 50:,} more in report.json</li>"
    problems_html = f"<h2>Skipped and repaired records</h2><ul>{problem_items}</ul>" if problems else ""
    inputs = ", ".join(e(str(i)) for i in summary.get("inputs", []) or []) or "the bundled sample"
    return _render(
        "index.html",
        {
            "inputs": inputs,
            "pages": "".join(rows),
            "figures": figure_rows,
            "labels": label_rows,
            "problems": problems_html,
        },
    )
