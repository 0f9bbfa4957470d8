"""A small hand-made GraphBundle with citations, for the RDF tests (no reader, extractor or linker needed).

Test modules import it by name (pytest puts ``tests/`` on the path for its conftest)::

    import rdf_bundle as F
"""

from __future__ import annotations

import networkx as nx

from kg.graph.model import Community, GraphBundle
from kg.types import Citation, Corpus, Entity, Extraction, Mention, Paper, ReadReport

QWEN = "arxiv:2409.12122"
MCTS = "arxiv:2405.00451"
SELF = "doi:10.18653/v1/2022.findings-1"
RISE = "arxiv:2407.18219"
STUB = "title:0f3a9c"

PAPERS = [
    Paper(
        id=QWEN,
        title="Qwen2.5-Math Technical Report: Toward Mathematical Expert Model via Self-Improvement",
        abstract="We present Qwen2.5-Math. We evaluate on GSM8K and MATH with accuracy as the metric.",
        year=2024, authors=("An Yang", "Beichen Zhang"), ids={"arxiv": "2409.12122"},
        url="https://arxiv.org/abs/2409.12122",
    ),
    Paper(
        id=MCTS,
        title="Monte Carlo Tree Search Boosts Reasoning via Iterative Preference Learning",
        abstract="We use Monte Carlo Tree Search (MCTS) and report accuracy on GSM8K and MATH.",
        year=2024, authors=("Yuxi Xie",), ids={"arxiv": "2405.00451"},
    ),
    Paper(
        id=SELF,
        title="Learning Math Reasoning from Self-Sampled Correct Solutions",
        abstract="Experiments on GSM8K show gains in mathematical reasoning.",
        year=2022, venue="Findings", authors=("Ansong Ni", "Jeevana Priya Inala"),
        ids={"doi": "10.18653/v1/2022.findings-1"},
    ),
    Paper(
        id=RISE,
        title="Recursive Introspection: Teaching Language Model Agents How to Self-Improve",
        abstract="We fine-tune Qwen2.5-Math-Instruct-7B with Monte Carlo Tree Search for mathematical reasoning.",
        year=2024, ids={"arxiv": "2407.18219"},
    ),
    Paper(id=STUB, title="Training Verifiers to Solve Math Word Problems", stub=True),
]

ENTITIES = {
    "gsm8k": Entity("gsm8k", "GSM8K", "DATASET", aliases=("GSM-8K", "Grade School Math 8K")),
    "math": Entity("math", "MATH", "DATASET", aliases=("MATH dataset",)),
    "qwen2-5-math": Entity("qwen2-5-math", "Qwen2.5-Math", "MODEL"),
    "qwen2-5-math-instruct-7b": Entity(
        "qwen2-5-math-instruct-7b", "Qwen2.5-Math-Instruct-7B", "MODEL", parent="qwen2-5-math"
    ),
    "monte-carlo-tree-search": Entity("monte-carlo-tree-search", "Monte Carlo Tree Search", "METHOD", aliases=("MCTS",)),
    "accuracy": Entity("accuracy", "accuracy", "METRIC", broad=True),
    "mathematical-reasoning": Entity("mathematical-reasoning", "mathematical reasoning", "TASK"),
}

# (paper, entity, quoted text, field, introduced)
_MENTIONS = [
    (QWEN, "qwen2-5-math", "Qwen2.5-Math", "title", True),
    (QWEN, "qwen2-5-math", "Qwen2.5-Math", "abstract", False),
    (QWEN, "gsm8k", "GSM8K", "abstract", False),
    (QWEN, "math", "MATH", "abstract", False),
    (QWEN, "accuracy", "accuracy", "abstract", False),
    (MCTS, "monte-carlo-tree-search", "Monte Carlo Tree Search", "title", True),
    (MCTS, "monte-carlo-tree-search", "MCTS", "abstract", False),
    (MCTS, "accuracy", "accuracy", "abstract", False),
    (MCTS, "gsm8k", "GSM8K", "abstract", False),
    (MCTS, "math", "MATH", "abstract", False),
    (SELF, "gsm8k", "GSM8K", "abstract", False),
    (SELF, "mathematical-reasoning", "mathematical reasoning", "abstract", False),
    (RISE, "qwen2-5-math-instruct-7b", "Qwen2.5-Math-Instruct-7B", "abstract", False),
    (RISE, "monte-carlo-tree-search", "Monte Carlo Tree Search", "abstract", False),
    (RISE, "mathematical-reasoning", "mathematical reasoning", "abstract", False),
]

CITATIONS = [(MCTS, QWEN), (RISE, QWEN), (RISE, MCTS), (SELF, STUB), (MCTS, STUB), (QWEN, STUB)]


def _mentions() -> dict[str, list[Mention]]:
    papers = {p.id: p for p in PAPERS}
    out: dict[str, list[Mention]] = {}
    for pid, eid, text, field, introduced in _MENTIONS:
        body = getattr(papers[pid], field)
        start = body.index(text)
        entity = ENTITIES[eid]
        out.setdefault(pid, []).append(Mention(
            paper_id=pid, text=text, label=entity.label, start=start, end=start + len(text), field=field,
            sentence=(0, len(body)), entity_id=eid, canonical=entity.name,
            source="gazetteer" if text == entity.name else "abbreviation", score=0.9 if not introduced else 1.0,
            introduced=introduced,
        ))
    return out


def small_bundle() -> GraphBundle:
    """Five papers (one a cited-only stub, one with a DOI id holding slashes), seven entities of all five
    types, mentions, citations, an inferred citation, a variant, overlaps, co-occurrences, communities."""
    mentions = _mentions()
    corpus = Corpus(list(PAPERS), [Citation(a, b) for a, b in CITATIONS], ReadReport(files=["/tmp/in/sample.txt"], papers=4, stubs=1))
    extraction = Extraction(mentions, dict(ENTITIES))
    G = nx.MultiDiGraph()
    for p in PAPERS:
        G.add_node(p.id, kind="paper", title=p.title, abstract=p.abstract, year=p.year, venue=p.venue,
                   authors=list(p.authors), ids=dict(p.ids), url=p.url, stub=p.stub, degree=0, pagerank=0.1,
                   community=0 if p.id in (QWEN, MCTS) else (1 if not p.stub else None))
    for e in ENTITIES.values():
        count = len({pid for pid, rows in mentions.items() for m in rows if m.entity_id == e.id})
        G.add_node(e.id, kind="entity", name=e.name, label=e.label, aliases=list(e.aliases), parent=e.parent,
                   broad=e.broad, source=e.source, paper_count=count, first_year=2022, trend={2024: count},
                   degree=count, pagerank=0.05, community=None, hub=e.broad)
    for pid, rows in mentions.items():
        for eid in dict.fromkeys(m.entity_id for m in rows):
            first = next(m for m in rows if m.entity_id == eid)
            G.add_edge(pid, eid, key="mentions", count=sum(m.entity_id == eid for m in rows),
                       fields=sorted({m.field for m in rows if m.entity_id == eid}),
                       first={"field": first.field, "start": first.start, "end": first.end, "text": first.text,
                              "sentence": list(first.sentence), "source": first.source, "score": first.score})
            if any(m.introduced for m in rows if m.entity_id == eid):
                G.add_edge(pid, eid, key="introduces", score=1.0)
    for a, b in CITATIONS:
        G.add_edge(a, b, key="cites", source="input")
    for p in PAPERS:
        G.nodes[p.id]["citation_count"] = sum(cited == p.id for _, cited in CITATIONS)
    G.add_edge(RISE, QWEN, key="refersTo", confidence=0.8, via=["qwen2-5-math"])
    G.add_edge("qwen2-5-math-instruct-7b", "qwen2-5-math", key="variantOf")
    shares = nx.Graph()
    shares.add_edge(QWEN, MCTS, weight=3.2, shared=["math", "gsm8k"])
    shares.add_edge(QWEN, SELF, weight=1.1, shared=["gsm8k"])
    shares.add_edge(MCTS, RISE, weight=2.0, shared=["monte-carlo-tree-search"])
    cooccurrence = nx.Graph()
    cooccurrence.add_edge("gsm8k", "math", weight=2.0, papers=2)
    cooccurrence.add_edge("gsm8k", "accuracy", weight=2.0, papers=2)
    citations = nx.DiGraph()
    citations.add_edges_from(CITATIONS, source="input")
    communities = [Community(0, [QWEN, MCTS], ["gsm8k", "math"]), Community(1, [SELF, RISE], ["mathematical-reasoning"])]
    return GraphBundle(corpus, extraction, G, shares, cooccurrence, citations, communities)
