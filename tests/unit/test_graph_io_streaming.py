"""The streaming GraphML and node-link writers give networkx's bytes exactly."""

from __future__ import annotations

import json

import networkx as nx

from kg.graph.io import _source, _write_graphml, _write_node_link, graphml_safe


def _tricky() -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph(name='a<&"\n\tb')
    graph.add_node("acl:1", kind="paper", title="", year=2020, flag=True, score=0.5, authors=["A", 'B "q"'],
                   ids={"z": "1", "a": "2"}, missing=None, note=" x\r\ny & <z> ")
    graph.add_node('odd"<&>\n')
    graph.add_node("bleu", kind="entity", year="not a number")  # one name, two types: two keys
    graph.add_edge("acl:1", "bleu", key="mentions", count=2, first={"field": "title", "start": 0})
    graph.add_edge("acl:1", "bleu", key="introduces", score=1.0)
    graph.add_edge('odd"<&>\n', "acl:1", key='k"1', empty="")
    return graph


def test_graphml_bytes_match_networkx(tmp_path):
    for graph in (_tricky(), nx.Graph(_tricky()), nx.MultiDiGraph(), nx.path_graph(3)):
        _write_graphml(_source(graph), tmp_path / "ours.graphml")
        with open(tmp_path / "theirs.graphml", "wb") as handle:
            nx.write_graphml(graphml_safe(graph), handle)
        assert (tmp_path / "ours.graphml").read_bytes() == (tmp_path / "theirs.graphml").read_bytes()


def test_node_link_text_matches_networkx(tmp_path):
    for graph in (_tricky(), nx.Graph(_tricky()), nx.MultiDiGraph()):
        _write_node_link(_source(graph), tmp_path / "ours.json")
        theirs = json.dumps(nx.node_link_data(graph, edges="links"), ensure_ascii=False) + "\n"
        assert (tmp_path / "ours.json").read_text(encoding="utf-8") == theirs
