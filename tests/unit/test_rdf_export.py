"""RDF exports of a hand-made bundle: every file parses, they hold the same graph, it passes the
SHACL shapes, IRIs are stable, and two builds differ only in the run's timestamp."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib import RDF, Literal, URIRef
from rdflib.compare import isomorphic

import rdf_bundle as FIXTURE
from kg.rdf.export import ENTITY_BASE, PAPER_BASE, entity_iri, paper_iri, write_rdf
from kg.rdf.namespace import KG

REPO = Path(__file__).resolve().parents[2]
DCT = rdflib.Namespace("http://purl.org/dc/terms/")
SKOS = rdflib.Namespace("http://www.w3.org/2004/02/skos/core#")
PROV = rdflib.Namespace("http://www.w3.org/ns/prov#")
CITO = rdflib.Namespace("http://purl.org/spar/cito/")
WHEN = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("rdf")
    assert write_rdf(FIXTURE.small_bundle(), out, generated_at=WHEN) == ["kg.ttl", "kg.nt", "kg.jsonld", "store"]
    return out


@pytest.fixture(scope="module")
def graph(built) -> rdflib.Graph:
    return rdflib.Graph().parse(built / "kg.ttl", format="turtle")


def test_every_file_parses_to_the_same_graph(built, graph):
    assert len(graph) > 100
    for name, fmt in (("kg.nt", "nt"), ("kg.jsonld", "json-ld")):
        other = rdflib.Graph().parse(built / name, format=fmt)
        assert isomorphic(graph, other), name


def test_the_store_holds_the_same_triples(built, graph):
    store = ox.Store.read_only(str(built / "store"))
    assert len(store) == len(graph)
    nt = ox.serialize([q.triple for q in store], format=ox.RdfFormat.N_TRIPLES)
    assert isomorphic(graph, rdflib.Graph().parse(data=nt, format="nt"))


def test_the_graph_passes_the_shacl_shapes(graph):
    pyshacl = pytest.importorskip("pyshacl")
    shapes = rdflib.Graph().parse(REPO / "ontology" / "shapes.ttl", format="turtle")
    conforms, _, report = pyshacl.validate(graph, shacl_graph=shapes, inference="none")
    assert conforms, report


def test_shacl_catches_a_broken_mention(graph):
    pyshacl = pytest.importorskip("pyshacl")
    broken = rdflib.Graph()
    for triple in graph:
        broken.add(triple)
    mention = next(broken.subjects(RDF.type, KG.Mention))
    broken.remove((mention, KG.denotes, None))
    shapes = rdflib.Graph().parse(REPO / "ontology" / "shapes.ttl", format="turtle")
    conforms, _, report = pyshacl.validate(broken, shacl_graph=shapes, inference="none")
    assert not conforms and "denotes" in report


def test_no_blank_nodes_and_iris_from_ids(graph):
    assert not any(isinstance(term, rdflib.BNode) for triple in graph for term in triple)
    doi_paper = URIRef(PAPER_BASE + "doi:10.18653%2Fv1%2F2022.findings-1")
    assert paper_iri(FIXTURE.SELF) == str(doi_paper)
    assert (doi_paper, KG.paperId, Literal(FIXTURE.SELF)) in graph
    assert (doi_paper, URIRef("http://purl.org/ontology/bibo/doi"), Literal("10.18653/v1/2022.findings-1")) in graph
    assert (doi_paper, rdflib.OWL.sameAs, URIRef("https://doi.org/10.18653/v1/2022.findings-1")) in graph
    gsm8k = URIRef(entity_iri("gsm8k"))
    assert str(gsm8k) == ENTITY_BASE + "gsm8k"
    assert (gsm8k, RDF.type, KG.Dataset) in graph
    assert (gsm8k, SKOS.prefLabel, Literal("GSM8K")) in graph
    assert (gsm8k, SKOS.altLabel, Literal("Grade School Math 8K")) in graph


def test_papers_entities_and_links(graph):
    qwen, mcts, rise = (URIRef(paper_iri(p)) for p in (FIXTURE.QWEN, FIXTURE.MCTS, FIXTURE.RISE))
    schema = rdflib.Namespace("https://schema.org/")
    assert (qwen, RDF.type, schema.ScholarlyArticle) in graph
    assert (qwen, DCT.issued, Literal("2024", datatype=rdflib.XSD.gYear)) in graph
    assert (mcts, CITO.cites, qwen) in graph
    assert (rise, KG.refersTo, qwen) in graph
    assert (qwen, KG.introduces, URIRef(entity_iri("qwen2-5-math"))) in graph
    assert (qwen, KG.sharesEntityWith, mcts) in graph and (mcts, KG.sharesEntityWith, qwen) in graph
    assert (URIRef(entity_iri("qwen2-5-math-instruct-7b")), KG.variantOf, URIRef(entity_iri("qwen2-5-math"))) in graph
    stub = URIRef(paper_iri(FIXTURE.STUB))
    assert (stub, KG.stub, Literal(True)) in graph
    assert (stub, KG.citationCount, Literal(3)) in graph and (qwen, KG.citationCount, Literal(2)) in graph
    assert (URIRef(entity_iri("accuracy")), KG.hub, Literal(True)) in graph
    assert (URIRef(entity_iri("gsm8k")), KG.hub, Literal(False)) in graph
    authors = {str(graph.value(a, rdflib.FOAF.name)) for a in graph.objects(qwen, DCT.creator)}
    assert authors == {"An Yang", "Beichen Zhang"}


def test_each_mention_carries_its_provenance(graph):
    bundle = FIXTURE.small_bundle()
    expected = sum(len(rows) for rows in bundle.extraction.mentions.values())
    mentions = set(graph.subjects(RDF.type, KG.Mention))
    assert len(mentions) == expected
    papers = {p.id: p for p in bundle.corpus.papers}
    for node in mentions:
        paper = graph.value(node, KG.inPaper)
        pid = str(graph.value(paper, KG.paperId))
        field = str(graph.value(node, KG.field))
        start, end = int(graph.value(node, KG.start)), int(graph.value(node, KG.end))
        # The quoted text is exactly the span of the paper's field.
        assert getattr(papers[pid], field)[start:end] == str(graph.value(node, KG.quote))
        assert graph.value(node, KG.sourceComponent) is not None
        assert 0 <= float(graph.value(node, KG.confidence)) <= 1
        run = graph.value(node, PROV.wasGeneratedBy)
        assert (run, RDF.type, KG.BuildRun) in graph


def test_the_run_carries_the_version_and_the_only_timestamp(graph):
    import kg

    run = next(graph.subjects(RDF.type, KG.BuildRun))
    assert graph.value(run, PROV.endedAtTime).toPython() == WHEN
    agent = graph.value(run, PROV.wasAssociatedWith)
    assert str(graph.value(agent, URIRef("https://schema.org/softwareVersion"))) == kg.__version__
    timestamps = [o for o in graph.objects() if isinstance(o, Literal) and o.datatype == rdflib.XSD.dateTime]
    assert len(timestamps) == 1


def test_two_builds_differ_only_in_the_timestamp(tmp_path, built):
    later = datetime(2027, 5, 6, 7, 8, 9, tzinfo=timezone.utc)
    write_rdf(FIXTURE.small_bundle(), tmp_path, generated_at=later)
    for name in ("kg.ttl", "kg.nt"):
        old = (built / name).read_text(encoding="utf-8").splitlines()
        new = (tmp_path / name).read_text(encoding="utf-8").splitlines()
        changed = [(a, b) for a, b in zip(old, new) if a != b]
        assert len(old) == len(new) and len(changed) == 1, name
        assert "2026-01-02T03:04:05Z" in changed[0][0] and "2027-05-06T07:08:09Z" in changed[0][1]
    same = tmp_path / "same"
    write_rdf(FIXTURE.small_bundle(), same, generated_at=WHEN)
    for name in ("kg.ttl", "kg.nt", "kg.jsonld"):
        assert (same / name).read_bytes() == (built / name).read_bytes(), name


def test_rewriting_replaces_the_store_atomically(tmp_path):
    write_rdf(FIXTURE.small_bundle(), tmp_path, generated_at=WHEN)
    write_rdf(FIXTURE.small_bundle(), tmp_path, generated_at=WHEN)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kg.jsonld", "kg.nt", "kg.ttl", "store"]
    store = ox.Store.read_only(str(tmp_path / "store"))
    assert len(list(store.quads_for_pattern(None, ox.NamedNode(str(RDF.type)), ox.NamedNode(str(KG.BuildRun))))) == 1
