"""Build every graph of a corpus: the knowledge graph, shares-entities, co-occurrence, citations.

See :mod:`kg.graph.model` for the node and edge schema the output stages read.
"""

from __future__ import annotations

from collections import Counter
from itertools import chain
from typing import Any

import networkx as nx

from kg.graph.analytics import entity_statistics, pagerank, paper_communities
from kg.graph.citations import citation_graph, credible_introductions, infer_citations
from kg.graph.link import (
    cooccurrence_graph, entity_index, idf_of, paper_entity_sets, shares_graph, text_vectors,
)
from kg.graph.model import GraphBundle
from kg.settings import GraphSettings
from kg.types import Corpus, Extraction, Paper

__all__ = ["build_graphs"]


def build_graphs(corpus: Corpus, extraction: Extraction, *, settings: GraphSettings) -> GraphBundle:
    """Build the knowledge graph, the shares-entities, co-occurrence and citation graphs.

    Parameters
    ----------
    corpus : Corpus
        Papers (input papers, then stubs) and input citations.
    extraction : Extraction
        Mentions per paper and the canonical entities.
    settings : GraphSettings
        Linking thresholds, hub rule and community seed.

    Returns
    -------
    GraphBundle
        With analytics (degree, PageRank, community, entity trends) as node attributes.

    Examples
    --------
    >>> from kg.types import Corpus, Extraction, ReadReport, Paper
    >>> from kg.settings import GraphSettings
    >>> bundle = build_graphs(Corpus([Paper("arxiv:1", "A")], [], ReadReport()), Extraction({}, {}),
    ...                       settings=GraphSettings())
    >>> bundle.kg.nodes["arxiv:1"]["kind"]
    'paper'
    """
    papers = corpus.papers
    mentions = extraction.mentions
    entities = extraction.entities

    kg = nx.MultiDiGraph()
    for paper in papers:
        kg.add_node(paper.id, **_paper_attributes(paper))
    for entity in entities.values():
        kg.add_node(
            entity.id, kind="entity", name=entity.name, label=entity.label, aliases=list(entity.aliases),
            parent=entity.parent, broad=bool(entity.broad), source=entity.source,
        )

    citations = citation_graph(papers, corpus.citations)
    for node in citations.nodes:
        if node not in kg:
            # Cited or citing but never read: keep it as a stub known only by its id.
            kg.add_node(node, **_paper_attributes(Paper(id=node, stub=True)))
    for citing, cited, data in citations.edges(data=True):
        kg.add_edge(citing, cited, key="cites", source=data.get("source", "input"))

    introduced = credible_introductions(papers, mentions, entities)
    _add_mentions(kg, extraction, introduced)
    for entity in entities.values():
        if entity.parent and entity.parent in entities and entity.parent != entity.id:
            kg.add_edge(entity.id, entity.parent, key="variantOf")

    inferred = infer_citations(
        papers, mentions, entities, min_confidence=settings.min_inferred_confidence, introduced=introduced
    )
    for link in inferred:
        if link.citing in kg and link.cited in kg:
            kg.add_edge(link.citing, link.cited, key="refersTo", confidence=link.confidence, via=list(link.via))

    entity_sets = paper_entity_sets(mentions, entities)
    n_documents = len(set(mentions) | {p.id for p in papers if not p.stub})
    index = entity_index(entity_sets, entities, n_documents=n_documents, settings=settings)
    text = None
    if settings.text_weight > 0:
        by_id = {p.id: p for p in papers}
        text = text_vectors([
            f"{by_id[p].title}\n{by_id[p].abstract}" if p in by_id else "" for p in index.papers
        ])
    shares = shares_graph(index, settings=settings, text=text)
    cooccurrence = cooccurrence_graph(index, settings=settings)

    bundle = GraphBundle(
        corpus=corpus, extraction=extraction, kg=kg, shares=shares, cooccurrence=cooccurrence, citations=citations
    )
    hubs = {e for e, h in zip(index.entities, index.hub) if h}
    bundle.communities = paper_communities(
        shares, citations, entity_sets, idf_of(index), hubs, settings=settings
    )
    _annotate(bundle, hubs)
    return bundle


def _paper_attributes(paper: Paper) -> dict[str, Any]:
    return {
        "kind": "paper",
        "title": paper.title,
        "abstract": paper.abstract,
        "year": paper.year,
        "venue": paper.venue,
        "authors": list(paper.authors),
        "ids": dict(paper.ids),
        "url": paper.url,
        "stub": bool(paper.stub),
    }


def _add_mentions(kg: nx.MultiDiGraph, extraction: Extraction, introduced: dict[str, dict[str, float]]) -> None:
    """One ``mentions`` edge per paper and entity; one ``introduces`` edge per credible introduction."""
    for paper_id, paper_mentions in extraction.mentions.items():
        if paper_id not in kg:
            kg.add_node(paper_id, **_paper_attributes(Paper(id=paper_id, stub=True)))
        counts = Counter(m.entity_id for m in paper_mentions)
        seen: dict[str, dict[str, Any]] = {}
        for mention in paper_mentions:
            if mention.entity_id not in kg:
                # Every id a mention uses should be in extraction.entities; keep the graph whole if not.
                kg.add_node(
                    mention.entity_id, kind="entity", name=mention.canonical, label=mention.label, aliases=[],
                    parent=None, broad=False, source=mention.source,
                )
            edge = seen.get(mention.entity_id)
            if edge is None:
                edge = seen[mention.entity_id] = {
                    "count": counts[mention.entity_id],
                    "fields": [],
                    "first": {
                        "field": mention.field, "start": mention.start, "end": mention.end, "text": mention.text,
                        "sentence": [mention.sentence[0], mention.sentence[1]],
                        "source": mention.source, "score": float(mention.score),
                    },
                }
            if mention.field not in edge["fields"]:
                edge["fields"].append(mention.field)
        for entity_id, data in seen.items():
            kg.add_edge(paper_id, entity_id, key="mentions", **data)
    for entity_id, by_paper in introduced.items():
        for paper_id, score in by_paper.items():
            kg.add_edge(paper_id, entity_id, key="introduces", score=score)


def _annotate(bundle: GraphBundle, hubs: set[str]) -> None:
    """Write degree, PageRank, community and entity statistics onto the KG nodes."""
    kg = bundle.kg
    paper_ids = [n for n, kind in kg.nodes(data="kind") if kind == "paper"]
    entity_ids = [n for n, kind in kg.nodes(data="kind") if kind == "entity"]

    # A paper's degree counts the distinct papers it is tied to by a citation either way or shared entities.
    # Neighbour sets give what the degree in an undirected networkx graph of those links would
    # (a self-loop counts twice) without building that graph (a million edges at 54k papers).
    linked: dict[str, set[str]] = {}
    for u, v in chain(bundle.citations.edges(), bundle.shares.edges()):
        linked.setdefault(u, set()).add(v)
        linked.setdefault(v, set()).add(u)
    if bundle.citations.number_of_edges():
        paper_rank = pagerank(bundle.citations, paper_ids, weight=None)
    else:
        paper_rank = pagerank(bundle.shares, paper_ids)
    entity_rank = pagerank(bundle.cooccurrence, entity_ids)

    community_of: dict[str, int] = {}
    for community in bundle.communities:
        for paper_id in community.papers:
            community_of[paper_id] = community.id
    for paper_id in paper_ids:
        node = kg.nodes[paper_id]
        neighbours = linked.get(paper_id, ())
        node["degree"] = len(neighbours) + (paper_id in neighbours)
        node["citation_count"] = bundle.citations.in_degree(paper_id) if paper_id in bundle.citations else 0
        node["pagerank"] = paper_rank.get(paper_id, 0.0)
        node["community"] = community_of.get(paper_id)

    years = {p: kg.nodes[p].get("year") for p in paper_ids}
    stats = entity_statistics(bundle.extraction.mentions, years)
    votes: dict[str, Counter] = {}
    for paper_id, paper_mentions in bundle.extraction.mentions.items():
        community = community_of.get(paper_id)
        if community is None:
            continue
        for entity_id in {m.entity_id for m in paper_mentions}:
            votes.setdefault(entity_id, Counter())[community] += 1
    for entity_id in entity_ids:
        node = kg.nodes[entity_id]
        entity_stats = stats.get(entity_id, {"paper_count": 0, "first_year": None, "trend": {}})
        node.update(entity_stats)
        node["hub"] = entity_id in hubs
        node["degree"] = bundle.cooccurrence.degree(entity_id) if entity_id in bundle.cooccurrence else 0
        node["pagerank"] = entity_rank.get(entity_id, 0.0)
        ballot = votes.get(entity_id)
        # The community where most of the entity's papers sit (ties: the lower, larger community).
        node["community"] = min(ballot, key=lambda c: (-ballot[c], c)) if ballot else None
