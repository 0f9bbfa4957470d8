"""The scisumm-citations graph keeps every one of its 11,861 citation edges."""

from __future__ import annotations

import gzip
import json

import pytest

from kg.graph.build import build_graphs
from kg.settings import GraphSettings
from kg.types import Extraction


@pytest.mark.slow
def test_all_scisumm_citation_edges_are_kept(shared):
    from kg.io.read import read_inputs

    folder = shared / "corpora" / "scisumm-citations"
    with gzip.open(folder / "edges.jsonl.gz", "rt", encoding="utf-8") as handle:
        expected = {(r["citing"], r["cited"]) for r in map(json.loads, handle)}
    assert len(expected) == 11861
    corpus = read_inputs([folder / "papers.jsonl.gz"], progress=False)
    # No extraction needed: citations come from the references alone.
    bundle = build_graphs(corpus, Extraction({}, {}), settings=GraphSettings())
    assert bundle.citations.number_of_edges() == 11861
    assert sum(1 for *_, key in bundle.kg.edges(keys=True) if key == "cites") == 11861
    anthology = {p.id: p.ids.get("acl") for p in corpus.papers}
    assert {(anthology.get(a), anthology.get(b)) for a, b in bundle.citations.edges()} == expected
    # Papers with the same title and different Anthology ids stay different nodes.
    titles: dict[str, set[str]] = {}
    for paper in corpus.papers:
        if paper.title:
            titles.setdefault(paper.title, set()).add(paper.id)
    assert any(len(ids) > 1 for ids in titles.values())
