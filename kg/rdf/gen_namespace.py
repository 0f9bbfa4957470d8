"""Generate :mod:`kg.rdf.namespace` from ``ontology/kg.ttl``.

The ontology is the single source of truth for RDF terms. Run this after editing it::

    python -m kg.rdf.gen_namespace            # rewrite kg/rdf/namespace.py
    python -m kg.rdf.gen_namespace --check    # exit 1 if the module is out of date

``tests/unit/test_rdf_namespace.py`` runs the same comparison.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

__all__ = ["ONTOLOGY_PATH", "NAMESPACE_PATH", "render_namespace", "main"]

#: The ontology in the source tree (not shipped in the wheel: the generated module replaces it at runtime).
ONTOLOGY_PATH = Path(__file__).resolve().parents[2] / "ontology" / "kg.ttl"
#: The module this script writes.
NAMESPACE_PATH = Path(__file__).resolve().with_name("namespace.py")

_KG = "https://w3id.org/paperkg/ontology#"
_PREFIX_LINE = re.compile(r"^@prefix\s+([A-Za-z][\w-]*)?:\s*<([^>]*)>\s*\.", re.MULTILINE)
_KINDS = (
    ("Classes", "http://www.w3.org/2002/07/owl#Class"),
    ("Object properties", "http://www.w3.org/2002/07/owl#ObjectProperty"),
    ("Datatype properties", "http://www.w3.org/2002/07/owl#DatatypeProperty"),
)


def render_namespace(ontology: Path = ONTOLOGY_PATH) -> str:
    """Return the source of ``kg/rdf/namespace.py`` for the ontology at ``ontology``.

    Parameters
    ----------
    ontology
        A Turtle file declaring the ``kg:`` terms as ``owl:Class``,
        ``owl:ObjectProperty`` or ``owl:DatatypeProperty`` with an ``rdfs:comment``.

    Returns
    -------
    str
        Python source: a ``KG`` :class:`rdflib.namespace.DefinedNamespace` holding
        every term (so a typo is an ``AttributeError``), ``CLASSES`` /
        ``OBJECT_PROPERTIES`` / ``DATATYPE_PROPERTIES`` tuples of local names, and
        ``PREFIXES`` (the ontology's ``@prefix`` lines).
    """
    from rdflib import RDF, RDFS, Graph, URIRef

    text = ontology.read_text(encoding="utf-8")
    graph = Graph().parse(data=text, format="turtle")
    prefixes = {name or "": iri for name, iri in _PREFIX_LINE.findall(text)}
    lines = [
        '"""RDF terms of the paperkg ontology.',
        "",
        "GENERATED from ontology/kg.ttl by `python -m kg.rdf.gen_namespace`: do not edit by hand;",
        "edit the ontology and run the generator (a test checks the two agree).",
        '"""',
        "",
        "from rdflib.namespace import DefinedNamespace, Namespace",
        "from rdflib.term import URIRef",
        "",
        '__all__ = ["KG", "KG_IRI", "ONTOLOGY_IRI", "PREFIXES", "CLASSES", "OBJECT_PROPERTIES", "DATATYPE_PROPERTIES"]',
        "",
        f'KG_IRI = "{_KG}"',
        'ONTOLOGY_IRI = "https://w3id.org/paperkg/ontology"',
        "",
        "#: Prefixes declared by the ontology, for serialisers and SPARQL.",
        "PREFIXES: dict[str, str] = {",
    ]
    lines += [f'    "{name}": "{iri}",' for name, iri in sorted(prefixes.items())]
    lines += ["}", "", "", "class KG(DefinedNamespace):", '    """The ``kg:`` terms (https://w3id.org/paperkg/ontology#)."""', ""]
    tuples: list[str] = []
    for title, kind in _KINDS:
        names = sorted(
            str(s)[len(_KG):] for s in graph.subjects(RDF.type, URIRef(kind)) if str(s).startswith(_KG)
        )
        lines.append(f"    # {title}")
        for name in names:
            comment = " ".join(str(graph.value(URIRef(_KG + name), RDFS.comment) or "").split())
            lines.append(f"    {name}: URIRef  # {comment}")
        lines.append("")
        var = title.upper().replace(" ", "_")
        tuples += [f"{var}: tuple[str, ...] = (", *[f'    "{n}",' for n in names], ")"]
    lines += ['    _NS = Namespace("' + _KG + '")', "    _fail = True", "", "", *tuples, ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Write (or with ``--check`` compare) ``kg/rdf/namespace.py``; return the exit status."""
    parser = argparse.ArgumentParser(prog="python -m kg.rdf.gen_namespace", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if namespace.py differs from the ontology")
    parser.add_argument("--ontology", type=Path, default=ONTOLOGY_PATH)
    args = parser.parse_args(argv)
    source = render_namespace(args.ontology)
    current = NAMESPACE_PATH.read_text(encoding="utf-8") if NAMESPACE_PATH.exists() else ""
    if args.check:
        if current != source:
            print(f"{NAMESPACE_PATH} is out of date; run `python -m kg.rdf.gen_namespace`", file=sys.stderr)
            return 1
        return 0
    if current != source:
        from kg.io.write import atomic_write_text

        atomic_write_text(NAMESPACE_PATH, source)
        print(f"wrote {NAMESPACE_PATH}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
