"""The graph bundle every output stage (RDF, HTML, lookup, exports) reads.

Node and edge schema of ``GraphBundle.kg`` (a ``networkx.MultiDiGraph``)
-------------------------------------------------------------------------
Node keys are the paper ids and entity ids themselves. Paper ids always hold a
scheme prefix with a colon (``arxiv:2409.12122``, ``doi:10.18653/...``,
``acl:P18-1234``, ``s2:...``, ``openalex:W...``, ``title:<hash>``); entity ids are
slugs without a colon (``gsm8k``, ``monte-carlo-tree-search``), so the two never
collide.

Paper node attributes: ``kind="paper"``, ``title``, ``abstract``, ``year``
(int or None), ``venue``, ``authors`` (list of str), ``ids`` (dict scheme ->
value), ``url``, ``stub`` (bool), and after analytics ``degree`` (distinct
papers tied to it by a citation either way or by shared entities),
``citation_count`` (input citations it receives), ``pagerank`` (on input
citations when there are any, else on the shares graph) and ``community`` (int,
or None for a paper in no community of two or more).

Entity node attributes: ``kind="entity"``, ``name`` (canonical), ``label``
(one of ``kg.types.LABELS``), ``aliases`` (list), ``parent`` (entity id or
None), ``broad`` (bool), ``source``, and after analytics ``paper_count``
(papers naming it), ``first_year`` (int or None), ``trend`` (dict year -> paper
count), ``hub`` (bool: too common to link papers alone, or ``broad``),
``degree`` and ``pagerank`` (on the co-occurrence graph), ``community`` (the
paper community holding most of its papers, or None).

Edges, keyed by relation name (``G.edges(keys=True)`` yields it):

- ``mentions`` paper -> entity: ``count``, ``fields`` (list), ``first``
  (dict: ``field``, ``start``, ``end``, ``text``, ``sentence`` [start, end],
  ``source``, ``score``).
- ``cites`` paper -> paper: ``source`` ("input").
- ``introduces`` paper -> entity: ``score``.
- ``refersTo`` paper -> paper (inferred citation): ``confidence``, ``via``
  (list of entity ids the citing paper names and the cited paper introduces).
- ``variantOf`` entity -> entity (size variant -> family).

``shares`` is an undirected ``networkx.Graph`` on paper ids (every paper
with at least one entity is a node): ``weight`` (float, the sum of the IDFs of
the shared non-hub entities) and ``shared`` (list of those entity ids, most
distinctive first; hubs are never listed), and when ``text_weight`` > 0
``text_similarity`` (TF-IDF cosine of the two papers' title + abstract, which
helped choose the neighbours). ``cooccurrence`` is an undirected
``networkx.Graph`` on entity ids: ``weight`` (papers naming both divided by the
geometric mean of their paper counts) and ``papers`` (count of papers naming
both). ``citations`` is a
``networkx.DiGraph`` of input citations only (``cites`` edges).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kg.types import Corpus, Extraction

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["Community", "GraphBundle"]


@dataclass(slots=True)
class Community:
    """A Louvain community of papers, labelled by its most distinctive entities."""

    id: int
    papers: list[str]
    top_entities: list[str] = field(default_factory=list)


@dataclass(slots=True)
class GraphBundle:
    """Everything :func:`kg.graph.build.build_graphs` makes, with its inputs.

    ``communities`` lists the Louvain paper communities of two or more papers,
    largest first; their ``id`` is the ``community`` attribute on the nodes.
    """

    corpus: Corpus
    extraction: Extraction
    kg: "nx.MultiDiGraph"
    shares: "nx.Graph"
    cooccurrence: "nx.Graph"
    citations: "nx.DiGraph"
    communities: list[Community] = field(default_factory=list)
