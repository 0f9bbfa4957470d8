"""Graph analytics stored as node attributes: degree, PageRank, communities, entity trends."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Mapping, Sequence

import networkx as nx

from kg.graph.model import Community
from kg.settings import GraphSettings

__all__ = ["pagerank", "paper_communities", "entity_statistics"]

#: Entities listed per community label.
_LABEL_SIZE = 5


def pagerank(graph: nx.Graph, nodes: Sequence[str], *, weight: str | None = "weight") -> dict[str, float]:
    """PageRank of ``nodes`` on ``graph`` (nodes outside it count as isolated).

    Returns 0.0 for every node when there are none.
    """
    if not nodes:
        return {}
    missing = [n for n in nodes if n not in graph]
    work = graph
    if missing:
        # Copying a big graph is slow: only when some nodes must be added as isolates.
        work = graph.copy()
        work.add_nodes_from(missing)
    scores = nx.pagerank(work, weight=weight)
    return {n: round(float(scores.get(n, 0.0)), 8) for n in nodes}


def _community_graph(shares: nx.Graph, citations: nx.DiGraph) -> nx.Graph:
    """Shares edges (weight scaled to mean 1) plus input citations (weight 1), undirected.

    The two kinds of evidence are on different scales (IDF sums vs. one citation);
    scaling shares weights to mean 1 lets one citation count like a typical shared-entity link.
    """
    combined = nx.Graph()
    weights = [w for *_, w in shares.edges(data="weight")]
    mean = (sum(weights) / len(weights)) if weights else 1.0
    for a, b, w in sorted(shares.edges(data="weight"), key=lambda e: (min(e[0], e[1]), max(e[0], e[1]))):
        combined.add_edge(min(a, b), max(a, b), weight=w / mean)
    for a, b in sorted(citations.edges()):
        u, v = min(a, b), max(a, b)
        previous = combined.get_edge_data(u, v, {}).get("weight", 0.0)
        combined.add_edge(u, v, weight=previous + 1.0)
    ordered = nx.Graph()
    ordered.add_nodes_from(sorted(combined.nodes()))
    ordered.add_edges_from(sorted((min(a, b), max(a, b), d) for a, b, d in combined.edges(data=True)))
    return ordered


def paper_communities(
    shares: nx.Graph,
    citations: nx.DiGraph,
    paper_entities: Mapping[str, set[str]],
    idf: Mapping[str, float],
    hubs: set[str],
    *,
    settings: GraphSettings,
) -> list[Community]:
    """Louvain communities of papers linked by shared entities or citations.

    Seeded with ``settings.seed`` and built on a graph whose nodes and edges are
    inserted in sorted order, so the same input always gives the same
    communities. Communities of a single paper are left out. Community ids run
    from 0 by decreasing size (ties: smallest paper id first). Each is labelled
    by up to five non-hub entities that best set it apart: the number of its
    papers naming the entity times the entity's IDF, preferring entities named by
    at least two of its papers.
    """
    graph = _community_graph(shares, citations)
    if graph.number_of_edges() == 0:
        return []
    found = nx.community.louvain_communities(
        graph, weight="weight", resolution=settings.resolution, seed=settings.seed
    )
    groups = sorted((sorted(c) for c in found if len(c) > 1), key=lambda c: (-len(c), c[0]))
    communities = []
    for number, papers in enumerate(groups):
        counts = Counter(e for p in papers for e in paper_entities.get(p, ()) if e not in hubs)
        shared = {e: n for e, n in counts.items() if n >= 2} or counts
        ranked = sorted(shared, key=lambda e: (-shared[e] * idf.get(e, 0.0), e))
        communities.append(Community(id=number, papers=papers, top_entities=ranked[:_LABEL_SIZE]))
    return communities


def entity_statistics(
    mentions: Mapping[str, Sequence], years: Mapping[str, int | None]
) -> dict[str, dict]:
    """Entity id -> ``paper_count``, ``first_year`` and ``trend`` (year -> papers).

    Counts papers that name the entity itself (not its size variants); years
    come from the papers, and ``first_year`` is None when no paper has one.
    """
    papers_of: dict[str, set[str]] = defaultdict(set)
    for paper_id, paper_mentions in mentions.items():
        for mention in paper_mentions:
            papers_of[mention.entity_id].add(paper_id)
    stats = {}
    for entity_id, papers in papers_of.items():
        by_year = Counter(years[p] for p in papers if years.get(p) is not None)
        stats[entity_id] = {
            "paper_count": len(papers),
            "first_year": min(by_year) if by_year else None,
            "trend": {year: by_year[year] for year in sorted(by_year)},
        }
    return stats
