"""Hand-made GraphBundles for the HTML page tests, following kg/graph/model.py.

``small_bundle`` is a few papers whose every number a test can count by hand;
``synthetic_bundle`` is a large random bundle of the same shape as a real build
(papers naming a handful of entities out of a Zipf-distributed vocabulary), for the
size tests and the benchmark when the real pipeline is not available.
"""

from __future__ import annotations

import random
from collections import defaultdict
from itertools import combinations

import networkx as nx

from kg.graph.model import Community, GraphBundle
from kg.types import LABELS, Citation, Corpus, Entity, Extraction, Mention, Paper, ReadReport, SkippedRecord

__all__ = ["small_bundle", "synthetic_bundle", "bundle_from_records"]


def _mention(paper: Paper, field: str, text: str, entity: Entity, occurrence: int = 0) -> Mention:
    source = getattr(paper, field)
    start = -1
    for _ in range(occurrence + 1):
        start = source.index(text, start + 1)
    return Mention(
        paper_id=paper.id, text=text, label=entity.label, start=start, end=start + len(text), field=field,
        sentence=(0, len(source)), entity_id=entity.id, canonical=entity.name, source="gazetteer", score=1.0,
    )


def bundle_from_records(
    papers: list[Paper],
    entities: list[Entity],
    mentions: list[Mention],
    citations: list[Citation] = (),
    *,
    skipped: list[SkippedRecord] = (),
    communities: bool = True,
) -> GraphBundle:
    """Assemble the graphs of kg/graph/model.py from plain records, the simple way."""
    by_paper: dict[str, list[Mention]] = defaultdict(list)
    for m in mentions:
        by_paper[m.paper_id].append(m)
    kg = nx.MultiDiGraph()
    for p in papers:
        kg.add_node(
            p.id, kind="paper", title=p.title, abstract=p.abstract, year=p.year, venue=p.venue,
            authors=list(p.authors), ids=dict(p.ids), url=p.url, stub=p.stub,
        )
    entity_by_id = {e.id: e for e in entities}
    for e in entities:
        kg.add_node(e.id, kind="entity", name=e.name, label=e.label, aliases=list(e.aliases), parent=e.parent,
                    broad=e.broad, source=e.source)
    paper_entities: dict[str, set[str]] = defaultdict(set)
    for paper_id, ms in by_paper.items():
        counts: dict[str, list[Mention]] = defaultdict(list)
        for m in ms:
            counts[m.entity_id].append(m)
        for entity_id, group in counts.items():
            first = group[0]
            kg.add_edge(paper_id, entity_id, key="mentions", count=len(group),
                        fields=sorted({m.field for m in group}),
                        first={"field": first.field, "start": first.start, "end": first.end, "text": first.text,
                               "sentence": list(first.sentence), "source": first.source, "score": first.score})
            paper_entities[paper_id].add(entity_id)
    for e in entities:
        if e.parent:
            kg.add_edge(e.id, e.parent, key="variantOf")
    cites = nx.DiGraph()
    for c in citations:
        cites.add_edge(c.citing, c.cited, source=c.source)
        kg.add_edge(c.citing, c.cited, key="cites", source=c.source)

    entity_papers: dict[str, set[str]] = defaultdict(set)
    for p, es in paper_entities.items():
        for e in es:
            entity_papers[e].add(p)
    shares = nx.Graph()
    shares.add_nodes_from(p.id for p in papers if not p.stub)
    # Like kg.graph: hub entities never link papers alone, and each paper keeps its top-k neighbours.
    hub = max(10, 0.05 * len(papers))
    for a in sorted(paper_entities):
        overlap: dict[str, set[str]] = defaultdict(set)
        for e in paper_entities[a]:
            if len(entity_papers[e]) <= hub:
                for b in entity_papers[e]:
                    if b != a:
                        overlap[b].add(e)
        for b, common in sorted(overlap.items(), key=lambda item: (-len(item[1]), item[0]))[:10]:
            shared = sorted(paper_entities[a] & paper_entities[b], key=lambda e: (len(entity_papers[e]), e))
            shares.add_edge(a, b, weight=float(len(shared)), shared=shared)
    cooc = nx.Graph()
    for es in paper_entities.values():
        for a, b in combinations(sorted(es), 2):
            if cooc.has_edge(a, b):
                cooc[a][b]["papers"] += 1
                cooc[a][b]["weight"] += 1.0
            else:
                cooc.add_edge(a, b, papers=1, weight=1.0)

    undirected = nx.Graph(kg.to_undirected())
    pagerank = nx.pagerank(undirected) if len(undirected) else {}
    found: list[Community] = []
    if communities and shares.number_of_edges():
        parts = nx.community.louvain_communities(shares, seed=42)
        for cid, part in enumerate(sorted(parts, key=lambda s: (-len(s), sorted(s)))):
            names = sorted({e for p in part for e in paper_entities[p]}, key=lambda e: (-len(entity_papers[e] & part), e))
            found.append(Community(id=cid, papers=sorted(part), top_entities=names[:3]))
            for p in part:
                kg.nodes[p]["community"] = cid
    for node, attrs in kg.nodes(data=True):
        attrs["degree"] = undirected.degree(node)
        attrs["pagerank"] = pagerank.get(node, 0.0)
        attrs.setdefault("community", None)
        if attrs["kind"] == "entity":
            attrs["paper_count"] = len(entity_papers[node])
    corpus = Corpus(
        papers=list(papers), citations=list(citations),
        report=ReadReport(files=["hand-made"], records=len(papers) + len(skipped),
                          papers=sum(not p.stub for p in papers), stubs=sum(p.stub for p in papers),
                          citations=len(citations), skipped=list(skipped)),
    )
    extraction = Extraction(mentions=dict(by_paper), entities=entity_by_id)
    return GraphBundle(corpus=corpus, extraction=extraction, kg=kg, shares=shares, cooccurrence=cooc,
                       citations=cites, communities=found)


def small_bundle(*, with_citations: bool = True) -> GraphBundle:
    """Five papers (one naming no entity), six entities, optional citations and a cited-only stub.

    Paper ``arxiv:1810.04805`` has an emoji (outside the Basic Multilingual Plane,
    two UTF-16 units) before its mentions, so a page that confused code points with
    UTF-16 units would highlight the wrong letters.
    """
    bert = Entity("bert", "BERT", "MODEL", aliases=("BERT", "Bidirectional Encoder Representations from Transformers"))
    squad = Entity("squad", "SQuAD", "DATASET", aliases=("SQuAD", "Stanford Question Answering Dataset"))
    qa = Entity("question-answering", "question answering", "TASK", aliases=("QA",))
    f1 = Entity("f1", "F1", "METRIC")
    transformer = Entity("transformer", "Transformer", "METHOD")
    glue = Entity("glue", "GLUE", "DATASET")
    entities = [bert, squad, qa, f1, transformer, glue]
    papers = [
        Paper("arxiv:1810.04805", title="BERT: Pre-training of Deep Bidirectional Transformers",
              abstract="\U0001F600 We introduce BERT, which builds on the Transformer. BERT improves question answering "
                       "on SQuAD by 1.5 F1 and GLUE by 7.7 points.",
              year=2019, venue="NAACL", authors=("Jacob Devlin", "Ming-Wei Chang"), ids={"arxiv": "1810.04805"}),
        Paper("doi:10.18653/v1/d16-1264", title="SQuAD: 100,000+ Questions for Machine Comprehension of Text",
              abstract="We present the Stanford Question Answering Dataset (SQuAD) for question answering, "
                       "and report F1 of a logistic regression model.",
              year=2016, venue="EMNLP", authors=("Pranav Rajpurkar",), ids={"doi": "10.18653/v1/D16-1264"}),
        Paper("acl:W18-5446", title="GLUE: A Multi-Task Benchmark",
              abstract="GLUE is a benchmark of nine tasks; a Transformer baseline is weak.",
              year=2018, venue="BlackboxNLP", ids={"acl": "W18-5446"}, url="https://aclanthology.org/W18-5446"),
        Paper("title:ab12cd", title="Attention Is All You Need",
              abstract="The Transformer relies on attention alone.", year=2017, venue="NeurIPS"),
        Paper("title:ef34ab", title="A study of medieval poetry", abstract="Nothing here names a known entity.",
              year=2020),
    ]
    stub = Paper("title:stub99", title="A cited paper we only know by name", stub=True)
    p = {x.id: x for x in papers}
    mentions = [
        _mention(p["arxiv:1810.04805"], "title", "BERT", bert),
        _mention(p["arxiv:1810.04805"], "abstract", "BERT", bert),
        _mention(p["arxiv:1810.04805"], "abstract", "Transformer", transformer),
        _mention(p["arxiv:1810.04805"], "abstract", "BERT", bert, occurrence=1),
        _mention(p["arxiv:1810.04805"], "abstract", "question answering", qa),
        _mention(p["arxiv:1810.04805"], "abstract", "SQuAD", squad),
        _mention(p["arxiv:1810.04805"], "abstract", "F1", f1),
        _mention(p["arxiv:1810.04805"], "abstract", "GLUE", glue),
        _mention(p["doi:10.18653/v1/d16-1264"], "title", "SQuAD", squad),
        _mention(p["doi:10.18653/v1/d16-1264"], "abstract", "Stanford Question Answering Dataset", squad),
        _mention(p["doi:10.18653/v1/d16-1264"], "abstract", "question answering", qa),
        _mention(p["doi:10.18653/v1/d16-1264"], "abstract", "F1", f1),
        _mention(p["acl:W18-5446"], "title", "GLUE", glue),
        _mention(p["acl:W18-5446"], "abstract", "Transformer", transformer),
        _mention(p["title:ab12cd"], "abstract", "Transformer", transformer),
    ]
    citations = []
    all_papers = list(papers)
    if with_citations:
        citations = [
            Citation("arxiv:1810.04805", "doi:10.18653/v1/d16-1264"),
            Citation("arxiv:1810.04805", "acl:W18-5446"),
            Citation("arxiv:1810.04805", "title:ab12cd"),
            Citation("acl:W18-5446", "title:stub99"),
        ]
        all_papers.append(stub)
    skipped = [SkippedRecord("papers.bib", 7, "no title")]
    return bundle_from_records(all_papers, entities, mentions, citations, skipped=skipped)


def synthetic_bundle(n_papers: int, *, n_entities: int | None = None, citations: bool = True, seed: int = 0) -> GraphBundle:
    """A random bundle shaped like a real build: synthetic, for size tests and benchmarks.

    Each paper names 3-9 entities drawn from a Zipf-like vocabulary (a few very
    common, most rare), and with ``citations`` cites 0-6 earlier papers. Titles and
    abstracts are generated text holding the entity names at real offsets.
    """
    rng = random.Random(seed)
    n_entities = n_entities or max(10, n_papers // 2)
    entities = [Entity(f"ent-{i}", f"Entity {i}", LABELS[i % len(LABELS)], aliases=(f"E{i}",)) for i in range(n_entities)]
    weights = [1.0 / (i + 1) ** 0.9 for i in range(n_entities)]
    papers, mentions, cites = [], [], []
    for i in range(n_papers):
        chosen = {entities[j].id: entities[j] for j in rng.choices(range(n_entities), weights=weights, k=rng.randint(3, 9))}
        words = ["We", "study"]
        spans = []
        for e in chosen.values():
            start = len(" ".join(words)) + 1
            words.append(e.name)
            spans.append((e, start))
            words.extend(rng.choice(["with", "on", "and", "for"]) for _ in range(1))
        abstract = " ".join(words) + "."
        paper = Paper(f"acl:S{i:05d}", title=f"Synthetic paper {i}", abstract=abstract, year=2016 + i % 8,
                      venue="SYN", ids={"acl": f"S{i:05d}"})
        papers.append(paper)
        for e, start in spans:
            mentions.append(Mention(paper.id, e.name, e.label, start, start + len(e.name), "abstract",
                                    (0, len(abstract)), e.id, e.name, "gazetteer", 1.0))
        if citations and i:
            for j in rng.sample(range(i), k=min(i, rng.randint(0, 6))):
                cites.append(Citation(paper.id, papers[j].id))
    return bundle_from_records(papers, entities, mentions, cites)
