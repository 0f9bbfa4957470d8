"""The graphs of the bundled sample: distinctive shared entities link papers, hubs never do.

The pairs were chosen by reading the papers in kg/data/trending-papers.txt.
"""

from __future__ import annotations

import pytest

from kg.graph.link import paper_entity_sets
from kg.settings import Settings


@pytest.fixture(scope="module")
def sample():
    from kg.extract import extract_corpus
    from kg.graph.build import build_graphs
    from kg.io.read import SAMPLE_PATH, read_inputs

    settings = Settings()
    corpus = read_inputs([SAMPLE_PATH], progress=False)
    extraction = extract_corpus(corpus.papers, settings=settings.extract, progress=False)
    return build_graphs(corpus, extraction, settings=settings.graph)


def _paper(bundle, title_start: str) -> str:
    (found,) = [p.id for p in bundle.corpus.papers if p.title.startswith(title_start)]
    return found


def _shared(bundle, a: str, b: str) -> list[str]:
    return bundle.shares.edges[_paper(bundle, a), _paper(bundle, b)]["shared"]


@pytest.mark.parametrize(
    ("first", "second", "entity"),
    [
        # Both study generative models retrained on their own outputs.
        ("Is Model Collapse Inevitable?", "Self-Consuming Generative Models with Curated Data", "model-collapse"),
        # Class-incremental learning methods.
        ("MOS: Model Surgery", "G-ACIL: Analytic Learning", "class-incremental-learning"),
        ("MOS: Model Surgery", "A Model or 603 Exemplars", "class-incremental-learning"),
        # Continual learning against catastrophic forgetting.
        ("HyperInterval: Hypernetwork approach", "G-ACIL: Analytic Learning", "continual-learning"),
        # Math reasoning evaluated on GSM8K.
        ("Qwen2.5-Math Technical Report", "Learning Math Reasoning from Self-Sampled", "gsm8k"),
        ("Monte Carlo Tree Search Boosts Reasoning", "Learning Math Reasoning from Self-Sampled", "gsm8k"),
    ],
)
def test_papers_sharing_distinctive_entities_are_linked(sample, first, second, entity):
    assert entity in _shared(sample, first, second)


def test_no_link_is_made_of_hubs_only(sample):
    kg = sample.kg
    hubs = {n for n, d in kg.nodes(data=True) if d.get("kind") == "entity" and d.get("hub")}
    assert "large-language-models" in hubs
    for a, b, data in sample.shares.edges(data=True):
        assert data["shared"] and not set(data["shared"]) & hubs, (a, b, data["shared"])
    # What each paper names, size variants counting as their family (as the linker counts them).
    named = paper_entity_sets(sample.extraction.mentions, sample.extraction.entities)
    # Pairs naming "large language models" and nothing else in common exist, and none is linked.
    llm_only = [
        (a, b) for a in named for b in named
        if a < b and "large-language-models" in named[a] & named[b] and not (named[a] & named[b]) - hubs
    ]
    assert llm_only
    assert not any(sample.shares.has_edge(a, b) for a, b in llm_only)


def test_sample_communities_are_labelled_and_seeded(sample):
    from kg.graph.build import build_graphs

    assert sample.communities
    assert all(c.top_entities for c in sample.communities)
    again = build_graphs(sample.corpus, sample.extraction, settings=Settings().graph)
    assert [c.papers for c in again.communities] == [c.papers for c in sample.communities]
    math = sample.kg.nodes[_paper(sample, "Qwen2.5-Math Technical Report")]["community"]
    assert math is not None
