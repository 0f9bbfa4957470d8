"""Graph exports: GraphML and node-link JSON read back, CSV tables hold every row."""

from __future__ import annotations

import csv
import json

import networkx as nx

from test_graph_helpers import make

from kg.graph.build import build_graphs
from kg.graph.io import EXPORT_FILES, write_graph_exports
from kg.settings import GraphSettings

FILLER = {f"arxiv:f{i}": [f"only-{i}"] for i in range(20)}


def _bundle():
    corpus, extraction = make(
        {"acl:bleu": [], "acl:a": ["bleu", "wmt14"], "acl:b": ["bleu", "wmt14"], **FILLER},
        introduced={"acl:bleu": ["bleu"]},
        years={"acl:bleu": 2002, "acl:a": 2010},
        citations=[("acl:a", "acl:bleu"), ("acl:a", "acl:stub")],
        stubs=["acl:stub"],
    )
    return build_graphs(corpus, extraction, settings=GraphSettings())


def _rows(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_every_listed_file_is_written_and_nothing_else(tmp_path):
    names = write_graph_exports(_bundle(), tmp_path)
    assert sorted(names) == sorted(EXPORT_FILES)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(names)


def test_graphml_reads_back_with_lists_as_json(tmp_path):
    bundle = _bundle()
    write_graph_exports(bundle, tmp_path)
    graph = nx.read_graphml(tmp_path / "kg.graphml", force_multigraph=True)
    assert graph.number_of_nodes() == bundle.kg.number_of_nodes()
    assert graph.number_of_edges() == bundle.kg.number_of_edges()
    assert json.loads(graph.nodes["acl:a"]["authors"]) == []
    assert "year" not in graph.nodes["acl:stub"]  # None is left out, not written as "None"
    keys = {k for *_, k in graph.edges(keys=True)}
    assert {"mentions", "cites", "introduces", "refersTo"} <= keys
    shares = nx.read_graphml(tmp_path / "shares.graphml")
    # wmt14 (2 papers) is rarer than bleu (3 papers, with its introducer), so it comes first.
    assert json.loads(shares.edges["acl:a", "acl:b"]["shared"]) == ["wmt14", "bleu"]


def test_node_link_json_round_trips(tmp_path):
    bundle = _bundle()
    write_graph_exports(bundle, tmp_path)
    data = json.loads((tmp_path / "kg.node-link.json").read_text(encoding="utf-8"))
    graph = nx.node_link_graph(data, edges="links")
    assert graph.number_of_edges() == bundle.kg.number_of_edges()
    assert graph.edges["acl:a", "acl:bleu", "refersTo"]["via"] == ["bleu"]


def test_csv_tables(tmp_path):
    bundle = _bundle()
    write_graph_exports(bundle, tmp_path)
    papers = _rows(tmp_path / "papers.csv")
    assert {r["id"] for r in papers} == {n for n, k in bundle.kg.nodes(data="kind") if k == "paper"}
    entities = _rows(tmp_path / "entities.csv")
    assert {r["id"] for r in entities} == set(bundle.extraction.entities)
    mentions = _rows(tmp_path / "mentions.csv")
    assert len(mentions) == sum(len(m) for m in bundle.extraction.mentions.values())
    edges = _rows(tmp_path / "edges.csv")
    by_relation = {}
    for row in edges:
        by_relation.setdefault(row["relation"], []).append(row)
    assert len(by_relation["cites"]) == 2
    (share,) = [r for r in by_relation["sharesEntities"] if {r["source"], r["target"]} == {"acl:a", "acl:b"}]
    assert set(share["shared"].split(";")) == {"bleu", "wmt14"} and float(share["weight"]) > 0
    refers = [r for r in by_relation["refersTo"] if r["source"] == "acl:b"]
    assert refers[0]["target"] == "acl:bleu" and refers[0]["via"] == "bleu"
    co = _rows(tmp_path / "cooccurrence.csv")
    assert any({r["source"], r["target"]} == {"bleu", "wmt14"} for r in co)


def test_rewrite_replaces_files(tmp_path):
    write_graph_exports(_bundle(), tmp_path)
    write_graph_exports(_bundle(), tmp_path)
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]
