"""The N-Triples text write_rdf writes is what pyoxigraph's serialiser makes of graph_triples."""

from __future__ import annotations

import io
from datetime import datetime, timezone

import pyoxigraph as ox

from test_graph_helpers import make

from kg.graph.build import build_graphs
from kg.rdf.export import graph_triples, write_rdf
from kg.settings import GraphSettings


def test_written_ntriples_match_pyoxigraph_serialisation(tmp_path):
    corpus, extraction = make(
        {"acl:bleu": [], "acl:a": ["bleu", "wmt14"], "doi:10.1/x\"y": ["bleu", "wmt14"],
         **{f"arxiv:f{i}": [f"only-{i}"] for i in range(5)}},
        introduced={"acl:bleu": ["bleu"]},
        years={"acl:bleu": 2002, "acl:a": 2010},
        citations=[("acl:a", "acl:bleu")],
    )
    bundle = build_graphs(corpus, extraction, settings=GraphSettings())
    # Text a literal must escape, in a title and an alias.
    bundle.kg.nodes["acl:a"]["title"] = 'Quotes " backslash \\ tab \t newline \n control \x01 and é'
    bundle.kg.nodes["bleu"]["aliases"] = ["BLEU\r\n"]
    when = datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    expected = io.BytesIO()
    ox.serialize(graph_triples(bundle, generated_at=when), expected, ox.RdfFormat.N_TRIPLES)
    write_rdf(bundle, tmp_path, generated_at=when)
    assert (tmp_path / "kg.nt").read_bytes() == expected.getvalue()
    assert len(expected.getvalue().splitlines()) > 50
