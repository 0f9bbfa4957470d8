"""The shares-entities and co-occurrence graphs on hand-made corpora."""

from __future__ import annotations

import itertools
import math
import random

import numpy as np

from test_graph_helpers import make

from kg.graph.build import build_graphs
from kg.graph.link import entity_index, paper_entity_sets, shares_graph
from kg.settings import GraphSettings

# 20 filler papers so the shared entities below are rare; each names its own entity only.
FILLER = {f"arxiv:f{i}": [f"only-{i}"] for i in range(20)}


def test_papers_sharing_a_distinctive_entity_are_linked_and_explained():
    corpus, extraction = make({"arxiv:a": ["gsm8k", "math"], "arxiv:b": ["gsm8k", "math"], **FILLER})
    bundle = build_graphs(corpus, extraction, settings=GraphSettings())
    edge = bundle.shares.edges["arxiv:a", "arxiv:b"]
    assert set(edge["shared"]) == {"gsm8k", "math"}
    n = len(FILLER) + 2
    assert math.isclose(edge["weight"], 2 * (math.log((1 + n) / 3) + 1), rel_tol=1e-3)


def test_broad_entity_never_links_papers_alone():
    corpus, extraction = make(
        {"arxiv:a": ["large-language-models"], "arxiv:b": ["large-language-models"], **FILLER},
        broad={"large-language-models"},
    )
    bundle = build_graphs(corpus, extraction, settings=GraphSettings())
    assert not bundle.shares.has_edge("arxiv:a", "arxiv:b")


def test_frequent_entity_is_a_hub_and_listed_nowhere():
    # "transformer" is named by 12 of 32 papers: above both hub_share and hub_min_papers.
    many = {f"arxiv:t{i}": ["transformer"] for i in range(12)}
    corpus, extraction = make({"arxiv:a": ["transformer", "gsm8k"], "arxiv:b": ["transformer", "gsm8k"],
                               **many, **FILLER})
    settings = GraphSettings(hub_min_papers=5, top_k=50, min_weight=0.0)
    bundle = build_graphs(corpus, extraction, settings=settings)
    assert bundle.shares.edges["arxiv:a", "arxiv:b"]["shared"] == ["gsm8k"]
    assert not any("transformer" in d["shared"] for *_, d in bundle.shares.edges(data=True))
    assert not bundle.shares.has_edge("arxiv:t0", "arxiv:t1")
    assert bundle.kg.nodes["transformer"]["hub"] is True


def test_small_corpus_floor_keeps_a_moderately_common_entity_linking():
    # 4 of 24 papers (17%) name gsm8k: above hub_share, but within the hub_min_papers floor.
    papers = {f"arxiv:m{i}": ["gsm8k"] for i in range(4)}
    corpus, extraction = make({**papers, **FILLER})
    bundle = build_graphs(corpus, extraction, settings=GraphSettings(min_weight=0.0))
    assert bundle.shares.has_edge("arxiv:m0", "arxiv:m1")
    strict = build_graphs(corpus, extraction, settings=GraphSettings(min_weight=0.0, hub_min_papers=0))
    assert strict.shares.number_of_edges() == 0


def test_min_weight_drops_light_edges():
    corpus, extraction = make({"arxiv:a": ["x"], "arxiv:b": ["x"], **FILLER})
    assert build_graphs(corpus, extraction, settings=GraphSettings(min_weight=0.0)).shares.has_edge("arxiv:a", "arxiv:b")
    assert build_graphs(corpus, extraction, settings=GraphSettings(min_weight=100.0)).shares.number_of_edges() == 0


def test_top_k_keeps_each_papers_best_neighbours_with_stable_ties():
    # Six papers share one entity, so all weights tie: each paper keeps the two lowest ids.
    star = {f"arxiv:s{i}": ["y"] for i in range(6)}
    corpus, extraction = make({**star, **FILLER})
    settings = GraphSettings(top_k=2, min_weight=0.0)
    shares = build_graphs(corpus, extraction, settings=settings).shares
    expected = set()
    for i in range(6):
        for j in [j for j in range(6) if j != i][:2]:
            expected.add((f"arxiv:s{min(i, j)}", f"arxiv:s{max(i, j)}"))
    assert {tuple(sorted(e)) for e in shares.edges()} == expected


def _random_sets(seed: int, papers: int, vocab: int) -> dict[str, set[str]]:
    rng = random.Random(seed)
    return {
        f"arxiv:{i:04d}": {f"e{rng.randrange(vocab)}" for _ in range(rng.randrange(1, 6))} for i in range(papers)
    }


def test_sparse_product_matches_brute_force_and_blocks_do_not_matter():
    sets = _random_sets(7, 150, 60)
    corpus, extraction = make({p: sorted(s) for p, s in sets.items()})
    settings = GraphSettings(top_k=1000, min_weight=0.0)
    entity_sets = paper_entity_sets(extraction.mentions, extraction.entities)
    index = entity_index(entity_sets, extraction.entities, n_documents=150, settings=settings)
    idf = dict(zip(index.entities, index.idf))
    hub = {e for e, h in zip(index.entities, index.hub) if h}
    whole = shares_graph(index, settings=settings)
    expected = {}
    for a, b in itertools.combinations(sorted(sets), 2):
        shared = (sets[a] & sets[b]) - hub
        if shared:
            expected[(a, b)] = sum(idf[e] for e in shared)
    assert {tuple(sorted(e)) for e in whole.edges()} == set(expected)
    for (a, b), weight in expected.items():
        assert math.isclose(whole.edges[a, b]["weight"], weight, abs_tol=1e-3)
    blocked = shares_graph(index, settings=settings, block_pairs=1)
    assert sorted(blocked.edges(data="weight")) == sorted(whole.edges(data="weight"))


def test_shared_entities_most_distinctive_first():
    corpus, extraction = make({
        "arxiv:a": ["rare", "common"], "arxiv:b": ["rare", "common"], "arxiv:c": ["common"], "arxiv:d": ["common"],
        **FILLER,
    })
    bundle = build_graphs(corpus, extraction, settings=GraphSettings(min_weight=0.0))
    assert bundle.shares.edges["arxiv:a", "arxiv:b"]["shared"] == ["rare", "common"]


def test_size_variants_share_their_family():
    corpus, extraction = make(
        {"arxiv:a": ["qwen-7b"], "arxiv:b": ["qwen-72b"], **FILLER},
        parents={"qwen-7b": "qwen", "qwen-72b": "qwen"},
    )
    bundle = build_graphs(corpus, extraction, settings=GraphSettings())
    assert bundle.shares.edges["arxiv:a", "arxiv:b"]["shared"] == ["qwen"]
    assert bundle.kg.has_edge("qwen-7b", "qwen", key="variantOf")


def test_cooccurrence_needs_min_papers_and_weights_by_cosine():
    corpus, extraction = make({
        "arxiv:a": ["bleu", "wmt14"], "arxiv:b": ["bleu", "wmt14"], "arxiv:c": ["bleu", "rouge"], **FILLER,
    })
    bundle = build_graphs(corpus, extraction, settings=GraphSettings())
    co = bundle.cooccurrence
    assert co.edges["bleu", "wmt14"]["papers"] == 2
    assert math.isclose(co.edges["bleu", "wmt14"]["weight"], 2 / math.sqrt(3 * 2), rel_tol=1e-3)
    assert not co.has_edge("bleu", "rouge")


def test_text_similarity_chooses_among_papers_sharing_entities():
    from dataclasses import replace

    corpus, extraction = make({"arxiv:a": ["gsm8k"], "arxiv:b": ["gsm8k"], "arxiv:c": ["gsm8k"], **FILLER})
    texts = {
        "arxiv:a": "process reward models verify chain of thought solutions step by step",
        "arxiv:b": "a survey of arithmetic word problems in school textbooks",
        "arxiv:c": "step level process reward models for verifying chain of thought",
    }
    corpus.papers = [replace(p, abstract=texts.get(p.id, f"filler text {p.id}")) for p in corpus.papers]
    settings = GraphSettings(top_k=1, min_weight=0.0)
    entity_only = build_graphs(corpus, extraction, settings=replace(settings, text_weight=0.0)).shares
    hybrid = build_graphs(corpus, extraction, settings=replace(settings, text_weight=0.8)).shares
    # Equal entity weights: without text every tie goes to the lower id (a picks b, b and c pick a);
    # with text, a picks c, the paper about the same thing.
    assert sorted(entity_only.edges()) == [("arxiv:a", "arxiv:b"), ("arxiv:a", "arxiv:c")]
    assert "text_similarity" not in entity_only.edges["arxiv:a", "arxiv:b"]
    best = max(hybrid["arxiv:a"], key=lambda q: hybrid.edges["arxiv:a", q]["text_similarity"])
    assert best == "arxiv:c"
    edge = hybrid.edges["arxiv:a", "arxiv:c"]
    assert edge["shared"] == ["gsm8k"] and edge["text_similarity"] > 0.3
    # Text never creates a link: papers sharing no entity stay apart however alike their words.
    assert not hybrid.has_edge("arxiv:a", "arxiv:f0")


def test_text_vectors_are_unit_length_and_skip_function_words():
    from kg.graph.link import text_vectors

    vectors = text_vectors(["the cat sat", "the cat ran", "the dog ran", "the"])
    norms = np.sqrt(np.asarray(vectors.multiply(vectors).sum(axis=1)).ravel())
    assert np.allclose(norms[:3], 1.0) and norms[3] == 0.0


def test_text_candidates_bound_the_papers_text_can_choose_from():
    from dataclasses import replace

    # b shares two rare entities with a, c only one, but c is about what a is about;
    # c and d share two entities, so c's own heaviest neighbour is d.
    corpus, extraction = make({
        "arxiv:a": ["gsm8k", "math", "prm"], "arxiv:b": ["gsm8k", "math"], "arxiv:c": ["prm", "orm"],
        "arxiv:d": ["prm", "orm"], **FILLER,
    })
    texts = {
        "arxiv:a": "process reward models verify chain of thought solutions step by step",
        "arxiv:b": "a survey of arithmetic word problems in school textbooks",
        "arxiv:c": "step level process reward models for verifying chain of thought",
        "arxiv:d": "outcome supervision for code generation",
    }
    corpus.papers = [replace(p, abstract=texts.get(p.id, f"filler text {p.id}")) for p in corpus.papers]
    settings = GraphSettings(top_k=1, min_weight=0.0, text_weight=0.9)
    narrow = build_graphs(corpus, extraction, settings=replace(settings, text_candidates=1)).shares
    wide = build_graphs(corpus, extraction, settings=settings).shares
    # With one candidate, every paper keeps its heaviest entity neighbour and text cannot choose.
    assert sorted(narrow.edges()) == [("arxiv:a", "arxiv:b"), ("arxiv:c", "arxiv:d")]
    # With the default pool, text similarity picks c for a, and the link is still explained by
    # the entity both name.
    assert wide.has_edge("arxiv:a", "arxiv:c")
    assert wide.edges["arxiv:a", "arxiv:c"]["shared"] == ["prm"]
    assert all(d["shared"] for *_, d in wide.edges(data=True))


def test_text_vectors_split_compounds_and_count_unique_words_in_the_length():
    from kg.graph.link import text_vectors

    texts = ["cross-lingual transfer", "lingual transfer", "lingual transfer zebra okapi",
             "other words", "more words", "further words", "last words"]
    vectors = text_vectors(texts)
    cosine = (vectors @ vectors.T).toarray()
    # "cross-lingual" meets "lingual": the compound's parts are words of their own.
    assert cosine[0, 1] > 0
    # Words no other text uses still make a text longer, so it is less alike the others.
    assert cosine[1, 2] < cosine[0, 1] < 1.0
