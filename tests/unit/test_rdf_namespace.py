"""The ontology is the single source of truth: the generated namespace module, the shapes and the
shipped queries must agree with it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import OWL, RDF, Graph, URIRef

from kg.rdf import namespace
from kg.rdf.gen_namespace import main, render_namespace
from kg.rdf.query import QUERY_DIR

# The source tree, not the installed package: CI installs a wheel, which ships neither the
# ontology nor the generator's input.
REPO = Path(__file__).resolve().parents[2]
ONTOLOGY_DIR = REPO / "ontology"
ONTOLOGY_PATH = ONTOLOGY_DIR / "kg.ttl"
NAMESPACE_PATH = REPO / "kg" / "rdf" / "namespace.py"
KG = namespace.KG_IRI


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY_PATH, format="turtle")


def declared(graph: Graph) -> set[str]:
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
    return {str(s)[len(KG):] for kind in kinds for s in graph.subjects(RDF.type, kind) if str(s).startswith(KG)}


def test_generated_module_matches_the_ontology():
    assert NAMESPACE_PATH.read_text(encoding="utf-8") == render_namespace(ONTOLOGY_PATH), (
        "kg/rdf/namespace.py is stale: run `python -m kg.rdf.gen_namespace`"
    )
    assert main(["--check", "--ontology", str(ONTOLOGY_PATH)]) == 0


def test_namespace_holds_exactly_the_declared_terms(ontology):
    names = set(namespace.CLASSES) | set(namespace.OBJECT_PROPERTIES) | set(namespace.DATATYPE_PROPERTIES)
    assert names == declared(ontology)
    assert namespace.KG.mentions == URIRef(KG + "mentions")
    with pytest.raises(AttributeError):
        namespace.KG.mention  # a typo fails loudly


def test_the_generator_notices_an_edit(tmp_path, ontology):
    edited = tmp_path / "kg.ttl"
    edited.write_text(ONTOLOGY_PATH.read_text(encoding="utf-8") + "\nkg:newTerm a owl:DatatypeProperty ; rdfs:comment \"x\" .\n")
    source = render_namespace(edited)
    assert "newTerm: URIRef  # x" in source
    assert source != NAMESPACE_PATH.read_text(encoding="utf-8")


def test_every_term_has_a_label_and_a_comment(ontology):
    from rdflib import RDFS

    for name in declared(ontology):
        iri = URIRef(KG + name)
        assert ontology.value(iri, RDFS.label) is not None, name
        assert ontology.value(iri, RDFS.comment) is not None, name


def used_kg_terms(text: str, prefix: str = "kg") -> set[str]:
    return set(re.findall(rf"\b{prefix}:([A-Za-z]\w*)", text))


@pytest.mark.parametrize("path", [ONTOLOGY_DIR / "shapes.ttl", *sorted(QUERY_DIR.glob("*.rq"))], ids=lambda p: p.name)
def test_shapes_and_queries_use_only_declared_terms(path: Path, ontology):
    unknown = used_kg_terms(path.read_text(encoding="utf-8")) - declared(ontology)
    assert not unknown, f"{path.name} uses undeclared kg: terms {sorted(unknown)}"


def test_export_code_uses_only_declared_terms(ontology):
    source = (NAMESPACE_PATH.parent / "export.py").read_text(encoding="utf-8")
    used = set(re.findall(r"KG\.([A-Za-z]\w*)", source)) | set(re.findall(r'"([a-zA-Z]+)"', source.split("_K = {")[1].split("}")[0]))
    assert used and used <= declared(ontology)


def test_shapes_parse_as_shacl():
    shapes = Graph().parse(ONTOLOGY_DIR / "shapes.ttl", format="turtle")
    node_shapes = set(shapes.subjects(RDF.type, URIRef("http://www.w3.org/ns/shacl#NodeShape")))
    assert len(node_shapes) >= 8
