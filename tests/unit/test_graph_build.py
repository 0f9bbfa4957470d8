"""The knowledge graph, citations, inferred citations and analytics on hand-made corpora."""

from __future__ import annotations

import math

from test_graph_helpers import make, mention

from kg.graph.build import build_graphs
from kg.graph.citations import infer_citations
from kg.settings import GraphSettings
from kg.types import Citation, Corpus, Entity, Extraction, Paper, ReadReport

FILLER = {f"arxiv:f{i}": [f"only-{i}"] for i in range(20)}


def _relations(graph, u, v):
    return sorted(k for k in graph.get_edge_data(u, v, default={}))


def test_mentions_edge_counts_fields_and_first_provenance():
    p = "arxiv:1"
    mentions = [
        mention(p, "gsm8k", field="title", start=3, text="GSM8K"),
        mention(p, "gsm8k", field="abstract", start=40, text="GSM8K"),
        mention(p, "gsm8k", field="abstract", start=90, text="GSM8K"),
    ]
    corpus = Corpus([Paper(p, "On GSM8K", "We test on GSM8K.")], [], ReadReport())
    extraction = Extraction({p: mentions}, {"gsm8k": Entity("gsm8k", "GSM8K", "DATASET")})
    kg = build_graphs(corpus, extraction, settings=GraphSettings()).kg
    edge = kg.edges[p, "gsm8k", "mentions"]
    assert edge["count"] == 3
    assert edge["fields"] == ["title", "abstract"]
    assert edge["first"] == {
        "field": "title", "start": 3, "end": 8, "text": "GSM8K", "sentence": [0, 9], "source": "gazetteer",
        "score": 0.9,
    }
    assert kg.nodes[p]["kind"] == "paper" and kg.nodes["gsm8k"]["kind"] == "entity"
    assert kg.nodes["gsm8k"]["label"] == "DATASET"


def test_citations_keep_every_edge_and_stub_papers():
    corpus, extraction = make(
        {"acl:A": ["x"], "acl:B": ["y"]},
        citations=[("acl:A", "acl:B"), ("acl:A", "acl:S"), ("acl:B", "acl:unknown")],
        stubs=["acl:S"],
    )
    bundle = build_graphs(corpus, extraction, settings=GraphSettings())
    assert bundle.citations.number_of_edges() == 3
    assert sum(1 for *_, k in bundle.kg.edges(keys=True) if k == "cites") == 3
    assert bundle.kg.nodes["acl:S"]["stub"] is True
    assert bundle.kg.nodes["acl:unknown"]["stub"] is True
    assert bundle.kg.nodes["acl:B"]["citation_count"] == 1


def test_same_title_different_ids_stay_different_papers():
    papers = [Paper("acl:P02-1040", "Bleu"), Paper("acl:P02-9999", "Bleu"), Paper("acl:X", "Citing")]
    citations = [Citation("acl:X", "acl:P02-1040"), Citation("acl:X", "acl:P02-9999")]
    bundle = build_graphs(Corpus(papers, citations, ReadReport()), Extraction({}, {}), settings=GraphSettings())
    assert bundle.citations.number_of_edges() == 2


def test_introduces_and_refers_to_are_kept_apart_from_citations():
    corpus, extraction = make(
        {"acl:bleu": [], "acl:user": ["bleu"], "acl:other": ["rouge"]},
        introduced={"acl:bleu": ["bleu"]},
        years={"acl:bleu": 2002, "acl:user": 2005},
    )
    bundle = build_graphs(corpus, extraction, settings=GraphSettings())
    kg = bundle.kg
    assert kg.edges["acl:bleu", "bleu", "introduces"]["score"] == 0.9
    edge = kg.edges["acl:user", "acl:bleu", "refersTo"]
    assert edge["via"] == ["bleu"] and math.isclose(edge["confidence"], 0.9)
    assert _relations(kg, "acl:user", "acl:bleu") == ["refersTo"]
    assert bundle.citations.number_of_edges() == 0
    # rouge is named but introduced by nobody: no inferred citation from it.
    assert not any(k == "refersTo" for _, _, k in kg.out_edges("acl:other", keys=True))


def test_inferred_citation_rules():
    corpus, extraction = make(
        {
            "acl:intro1": ["bleu"], "acl:intro2": [], "acl:new": ["bleu"], "acl:undated": ["bleu"],
            "acl:llm": [], "acl:user": ["large-language-models"],
        },
        introduced={"acl:intro1": ["bleu"], "acl:intro2": ["bleu"], "acl:llm": ["large-language-models"]},
        years={"acl:intro1": 2002, "acl:intro2": 2002, "acl:new": 2010},
        broad={"large-language-models"},
    )
    found = {(i.citing, i.cited): i for i in infer_citations(corpus.papers, extraction.mentions, extraction.entities)}
    # Two papers claim bleu: each claim counts half.
    assert math.isclose(found[("acl:new", "acl:intro1")].confidence, 0.45)
    assert math.isclose(found[("acl:new", "acl:intro2")].confidence, 0.45)
    # A paper without a year is still linked; a paper never refers to itself through its own introduction.
    assert ("acl:undated", "acl:intro1") in found
    assert ("acl:intro1", "acl:intro2") not in found and ("acl:intro1", "acl:intro1") not in found
    # Broad class names introduce nothing, in the citations as in the knowledge graph.
    assert not any(k[1] == "acl:llm" for k in found)
    kg = build_graphs(corpus, extraction, settings=GraphSettings()).kg
    assert not kg.has_edge("acl:llm", "large-language-models", key="introduces")
    assert kg.has_edge("acl:intro1", "bleu", key="introduces")


def test_a_claim_contradicted_by_an_earlier_paper_is_not_used():
    corpus, extraction = make(
        {"acl:onto2006": [], "acl:onto2008": [], "acl:user": ["ontonotes"], "acl:old": ["meteor"],
         "acl:meteor": [], "acl:later": ["meteor"]},
        introduced={"acl:onto2006": ["ontonotes"], "acl:onto2008": ["ontonotes"], "acl:meteor": ["meteor"]},
        years={"acl:onto2006": 2006, "acl:onto2008": 2008, "acl:user": 2010, "acl:old": 1999, "acl:meteor": 2005,
               "acl:later": 2010},
    )
    found = {(i.citing, i.cited): i for i in infer_citations(corpus.papers, extraction.mentions, extraction.entities)}
    # The 2008 claim is void (a 2006 paper names OntoNotes), so the 2006 paper keeps the whole claim.
    assert set(found) == {("acl:user", "acl:onto2006"), ("acl:onto2008", "acl:onto2006")}
    assert math.isclose(found[("acl:user", "acl:onto2006")].confidence, 0.9)
    # meteor is named in 1999, so the 2005 paper did not introduce it: nobody refers to it.
    assert not any(cited == "acl:meteor" for _, cited in found)
    # The knowledge graph shows only the claims that stand; the mention keeps the extractor's flag.
    kg = build_graphs(corpus, extraction, settings=GraphSettings()).kg
    assert not kg.has_edge("acl:meteor", "meteor", key="introduces")
    assert any(m.introduced for m in extraction.mentions["acl:meteor"])
    assert kg.has_edge("acl:onto2006", "ontonotes", key="introduces")
    assert not kg.has_edge("acl:onto2008", "ontonotes", key="introduces")


def test_confidence_combines_several_entities_and_min_confidence_filters():
    corpus, extraction = make(
        {"acl:b": [], "acl:a": ["x", "y"]},
        introduced={"acl:b": ["x", "y"]},
    )
    (link,) = infer_citations(corpus.papers, extraction.mentions, extraction.entities)
    assert math.isclose(link.confidence, 1 - 0.1 * 0.1) and set(link.via) == {"x", "y"}
    assert infer_citations(corpus.papers, extraction.mentions, extraction.entities, min_confidence=0.999) == []


def test_naming_a_size_variant_refers_to_the_family_introducer():
    corpus, extraction = make(
        {"arxiv:report": [], "arxiv:user": ["qwen-7b"]},
        introduced={"arxiv:report": ["qwen"]},
        parents={"qwen-7b": "qwen"},
    )
    (link,) = infer_citations(corpus.papers, extraction.mentions, extraction.entities)
    assert (link.citing, link.cited, link.via) == ("arxiv:user", "arxiv:report", ("qwen",))


def _clusters():
    # Two groups of five papers, each group tied by its own rare entities.
    papers = {}
    for i in range(5):
        papers[f"arxiv:math{i}"] = ["gsm8k", "math-dataset", f"m-only-{i}"]
        papers[f"arxiv:cl{i}"] = ["split-cifar-100", "catastrophic-forgetting", f"c-only-{i}"]
    years = {p: 2020 + (i % 3) for i, p in enumerate(sorted(papers))}
    return make({**papers, **FILLER}, years=years)


def test_communities_are_seeded_labelled_and_on_nodes():
    corpus, extraction = _clusters()
    first = build_graphs(corpus, extraction, settings=GraphSettings())
    second = build_graphs(corpus, extraction, settings=GraphSettings())
    assert [c.papers for c in first.communities] == [c.papers for c in second.communities]
    groups = {frozenset(c.papers): c for c in first.communities}
    math_group = groups[frozenset(f"arxiv:math{i}" for i in range(5))]
    cl_group = groups[frozenset(f"arxiv:cl{i}" for i in range(5))]
    assert set(math_group.top_entities[:2]) == {"gsm8k", "math-dataset"}
    assert set(cl_group.top_entities[:2]) == {"split-cifar-100", "catastrophic-forgetting"}
    assert first.kg.nodes["arxiv:math0"]["community"] == math_group.id
    assert first.kg.nodes["gsm8k"]["community"] == math_group.id
    assert first.kg.nodes["arxiv:f0"]["community"] is None


def test_pagerank_degree_and_entity_trends():
    corpus, extraction = _clusters()
    kg = build_graphs(corpus, extraction, settings=GraphSettings()).kg
    papers = [n for n, k in kg.nodes(data="kind") if k == "paper"]
    assert math.isclose(sum(kg.nodes[p]["pagerank"] for p in papers), 1.0, rel_tol=1e-6)
    assert kg.nodes["arxiv:math0"]["degree"] == 4
    assert kg.nodes["arxiv:f0"]["degree"] == 0
    gsm = kg.nodes["gsm8k"]
    assert gsm["paper_count"] == 5
    assert gsm["first_year"] == min(gsm["trend"])
    assert sum(gsm["trend"].values()) == 5


def test_pagerank_uses_citations_when_present():
    corpus, extraction = make(
        {"acl:a": ["x"], "acl:b": ["x"], "acl:c": ["y"], **FILLER},
        citations=[("acl:a", "acl:c"), ("acl:b", "acl:c")],
    )
    kg = build_graphs(corpus, extraction, settings=GraphSettings()).kg
    ranks = {p: kg.nodes[p]["pagerank"] for p in ("acl:a", "acl:b", "acl:c")}
    assert ranks["acl:c"] == max(ranks.values()) > ranks["acl:a"]


def test_empty_corpus_builds_empty_graphs():
    bundle = build_graphs(Corpus([], [], ReadReport()), Extraction({}, {}), settings=GraphSettings())
    assert bundle.kg.number_of_nodes() == 0 and bundle.shares.number_of_edges() == 0
    assert bundle.communities == []
