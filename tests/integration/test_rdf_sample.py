"""The RDF outputs of `kg build` on the bundled sample: files parse, SHACL passes, and every shipped
query answers through `kg query`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import rdflib

from kg.rdf.query import named_queries, query

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def graph(sample_build) -> rdflib.Graph:
    return rdflib.Graph().parse(sample_build / "kg.ttl", format="turtle")


def test_every_exported_file_parses(sample_build, graph):
    assert len(graph) > 1000
    for name, fmt in (("kg.nt", "nt"), ("kg.jsonld", "json-ld")):
        assert len(rdflib.Graph().parse(sample_build / name, format=fmt)) == len(graph), name


def test_the_sample_graph_passes_shacl(graph):
    pyshacl = pytest.importorskip("pyshacl")
    shapes = rdflib.Graph().parse(REPO / "ontology" / "shapes.ttl", format="turtle")
    conforms, _, report = pyshacl.validate(graph, shacl_graph=shapes, inference="none")
    assert conforms, report[:4000]


def test_which_papers_mention_gsm8k_via_kg_query(sample_build):
    result = subprocess.run(
        [sys.executable, "-m", "kg", "query", "papers-mentioning", "--param", "entity=GSM8K",
         "--out", str(sample_build), "--format", "csv"],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "Qwen2.5-Math Technical Report" in result.stdout


def test_every_named_query_runs_on_the_sample(sample_build):
    examples = {"entity": "GSM8K", "paper": "Qwen2.5-Math Technical Report", "type": "DATASET"}
    for name, named in named_queries().items():
        params = {p.name: examples[p.name] for p in named.params if p.name in examples and p.default is None}
        rows = query(name, sample_build, params=params)
        assert isinstance(rows, list), name
        if name != "most-cited":  # the sample lists no references
            assert rows, name


def test_sample_answers_are_consistent_with_the_mentions(sample_build):
    gsm8k = {r["id"] for r in query("papers-mentioning", sample_build, params={"entity": "gsm8k"})}
    provenance = {r["id"] for r in query("mentions-of", sample_build, params={"entity": "GSM8K"})}
    assert gsm8k == provenance and len(gsm8k) >= 2
    top = query("top-entities", sample_build, params={"type": "DATASET", "limit": "5"})
    assert len(top) <= 5 and [r["papers"] for r in top] == sorted((r["papers"] for r in top), reverse=True)
    introduced = query("introduced-by", sample_build, params={"paper": "Qwen2.5-Math Technical Report"})
    assert any(r["name"].startswith("Qwen2.5-Math") for r in introduced)
