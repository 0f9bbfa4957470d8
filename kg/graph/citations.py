"""Input citations, and citations inferred from the entities papers introduce.

An inferred citation ``A -refersTo-> B`` means: paper A names an entity that
paper B of the corpus introduces (B's mention of it has ``introduced=True``:
a title ``NAME:`` prefix, "we propose NAME"). Nothing here decides what a
paper introduces; only the extractor's flag counts, so no introduction is
ever invented to make an edge appear.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Mapping, Sequence

import networkx as nx

from kg.types import Citation, Entity, Mention, Paper

__all__ = ["InferredCitation", "citation_graph", "introductions", "credible_introductions", "infer_citations"]


@dataclass(frozen=True, slots=True)
class InferredCitation:
    """``citing`` names the entities ``via`` that ``cited`` introduces."""

    citing: str
    cited: str
    confidence: float
    via: tuple[str, ...]


def citation_graph(papers: Sequence[Paper], citations: Sequence[Citation]) -> nx.DiGraph:
    """A directed graph of the input citations only, one node per paper id.

    Citations whose ends are not among ``papers`` still get their nodes (as
    papers known only by id); self-citations of a paper to itself are dropped.
    """
    graph = nx.DiGraph()
    graph.add_nodes_from(p.id for p in papers)
    for citation in citations:
        if citation.citing == citation.cited:
            continue
        graph.add_edge(citation.citing, citation.cited, source=citation.source)
    return graph


def introductions(mentions: Mapping[str, Sequence[Mention]]) -> dict[str, dict[str, float]]:
    """Entity id -> {paper id: best score} of the papers that introduce it."""
    found: dict[str, dict[str, float]] = defaultdict(dict)
    for paper_id, paper_mentions in mentions.items():
        for mention in paper_mentions:
            if mention.introduced:
                best = found[mention.entity_id].get(paper_id, 0.0)
                found[mention.entity_id][paper_id] = max(best, float(mention.score))
    return dict(found)


def credible_introductions(
    papers: Sequence[Paper], mentions: Mapping[str, Sequence[Mention]], entities: Mapping[str, Entity]
) -> dict[str, dict[str, float]]:
    """The introduction claims that stand: entity id -> {paper id: best score}.

    The extractor flags a claim wherever a paper seems to present a name as its own.
    A claim on a ``broad`` class name ("natural language processing") never stands,
    nor one on an entity that a paper of an earlier year already names (OntoNotes
    claimed by a 2008 paper while 2006 papers name it; a title merely using "SVM").
    Claims are only ever removed, never added.
    """
    claims = {
        e: by_paper for e, by_paper in introductions(mentions).items()
        if not (entities.get(e) and entities[e].broad)
    }
    year = {p.id: p.year for p in papers}
    first_named: dict[str, int] = {}
    for pid, paper_mentions in mentions.items():
        if year.get(pid) is not None:
            for entity_id in _named(paper_mentions, entities):
                first_named[entity_id] = min(first_named.get(entity_id, year[pid]), year[pid])
    credible = {}
    for entity_id, by_paper in claims.items():
        earliest = first_named.get(entity_id)
        kept = {
            pid: score for pid, score in by_paper.items()
            if earliest is None or year.get(pid) is None or year[pid] <= earliest
        }
        if kept:
            credible[entity_id] = kept
    return credible


def infer_citations(
    papers: Sequence[Paper],
    mentions: Mapping[str, Sequence[Mention]],
    entities: Mapping[str, Entity],
    *,
    min_confidence: float = 0.0,
    introduced: Mapping[str, Mapping[str, float]] | None = None,
) -> list[InferredCitation]:
    """Paper A -refersTo-> paper B when A names an entity B introduces.

    The confidence of one entity is B's score for introducing it divided by
    the number of papers claiming to introduce it (two papers introducing the
    same name halve each other's claim). A pair with several such entities
    combines them as independent evidence, ``1 - prod(1 - c)``. A is never
    linked to a paper from a later year than its own (when both years are
    known), nor through an entity A itself introduces. Only the claims of
    :func:`credible_introductions` count, so a paper whose claim fell (a later
    namesake, a mere use) may refer to the earlier introducer. Naming a size
    variant counts as naming its family.

    Parameters
    ----------
    papers : sequence of Paper
        The corpus papers (for years).
    mentions : mapping
        Paper id -> mentions (``introduced`` marks introductions).
    entities : mapping
        Entity id -> Entity (for ``parent`` and ``broad``).
    min_confidence : float
        Inferred citations below this are dropped.
    introduced : mapping, optional
        :func:`credible_introductions` of the same input, when the caller has it already.

    Returns
    -------
    list of InferredCitation
        Sorted by citing id, then cited id.
    """
    if introduced is None:
        introduced = credible_introductions(papers, mentions, entities)
    if not introduced:
        return []
    year = {p.id: p.year for p in papers}
    named_by = {pid: _named(paper_mentions, entities) for pid, paper_mentions in mentions.items()}
    evidence: dict[tuple[str, str], dict[str, float]] = defaultdict(dict)
    for citing in mentions:
        for entity_id in sorted(named_by[citing]):
            claims = introduced.get(entity_id)
            # A paper whose own claim stands does not refer to the other claimants.
            if not claims or citing in claims:
                continue
            for cited, score in claims.items():
                if cited == citing:
                    continue
                a, b = year.get(citing), year.get(cited)
                if a is not None and b is not None and a < b:
                    continue
                evidence[(citing, cited)][entity_id] = score / len(claims)
    inferred = []
    for (citing, cited), by_entity in sorted(evidence.items()):
        miss = 1.0
        for value in by_entity.values():
            miss *= 1.0 - min(max(value, 0.0), 1.0)
        confidence = round(1.0 - miss, 4)
        if confidence < min_confidence:
            continue
        via = tuple(sorted(by_entity, key=lambda e: (-by_entity[e], e)))
        inferred.append(InferredCitation(citing, cited, confidence, via))
    return inferred


def _named(paper_mentions: Sequence[Mention], entities: Mapping[str, Entity]) -> set[str]:
    """Entity ids a paper names, a size variant also naming its family."""
    named: set[str] = set()
    for mention in paper_mentions:
        named.add(mention.entity_id)
        entity = entities.get(mention.entity_id)
        if entity is not None and entity.parent:
            named.add(entity.parent)
    return named
