"""Write the knowledge graph as RDF: Turtle, N-Triples, JSON-LD and the embedded SPARQL store.

Triples are generated once, straight from the :class:`~kg.graph.model.GraphBundle`,
as pyoxigraph terms, and streamed into pyoxigraph's serialisers; the store is then
bulk-loaded from the N-Triples file (Rust parses it, no Python object per triple).
Building an rdflib ``Graph`` instead costs many times more at a million triples
(see ``benchmarks/bench_store.py``).

Instance IRIs are stable across builds:

- ``https://w3id.org/paperkg/id/paper/<paper id>`` (unsafe characters percent-encoded,
  so ``doi:10.18653/v1/P18-1`` becomes ``doi:10.18653%2Fv1%2FP18-1``);
- ``https://w3id.org/paperkg/id/entity/<slug>`` (the type is a triple, never part of the IRI);
- mentions, overlaps, co-occurrences and inferred citations hang below the paper or
  entity IRI (``.../paper/<id>/mention/abstract/10-15``), so no blank node is ever made;
- the build run ``https://w3id.org/paperkg/id/run/<hash of the input>`` is the only node
  holding a timestamp: two builds of the same input differ in that one literal.
"""

from __future__ import annotations

import hashlib
import math
import os
import re
import shutil
import tempfile
import threading
from datetime import datetime, timezone
from itertools import islice
from pathlib import Path
from typing import Any, Iterable, Iterator
from urllib.parse import quote

import pyoxigraph as ox
from rdflib import Namespace
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SDO, SKOS, XSD

import kg
from kg.graph.model import GraphBundle
from kg.io.write import atomic_open
from kg.rdf.namespace import KG, PREFIXES

__all__ = [
    "ID_BASE", "PAPER_BASE", "ENTITY_BASE", "LABEL_CLASSES", "RDF_FILES", "STORE_DIR",
    "paper_iri", "entity_iri", "graph_triples", "write_store", "write_rdf",
]

#: Base of every instance IRI.
ID_BASE = "https://w3id.org/paperkg/id/"
PAPER_BASE = ID_BASE + "paper/"
ENTITY_BASE = ID_BASE + "entity/"
#: The RDF files a build writes, besides the store.
RDF_FILES = {"kg.ttl": ox.RdfFormat.TURTLE, "kg.nt": ox.RdfFormat.N_TRIPLES, "kg.jsonld": ox.RdfFormat.JSON_LD}
#: Folder of the persistent pyoxigraph store inside the build folder.
STORE_DIR = "store"

# Standard vocabularies as rdflib's closed namespaces (a misspelt term raises); the three
# SPAR/BIBO vocabularies rdflib lacks come from the prefixes the ontology declares.
_BIBO, _FABIO, _CITO = (Namespace(PREFIXES[prefix]) for prefix in ("bibo", "fabio", "cito"))

#: Entity label (kg.types.LABELS) -> ontology class.
LABEL_CLASSES = {"MODEL": KG.Model, "METHOD": KG.Method, "DATASET": KG.Dataset, "TASK": KG.Task, "METRIC": KG.Metric}

# Characters kept as they are in an IRI path segment; the rest is percent-encoded.
# ":" and "@" are legal in a segment and keep ids like arxiv:2409.12122 readable.
_SAFE = ":@-._~!$&'()*+,;="
#: Resolvable IRIs for the id schemes that have one (stated with owl:sameAs).
_SAME_AS = {
    "doi": "https://doi.org/{}",
    "arxiv": "https://arxiv.org/abs/{}",
    "acl": "https://aclanthology.org/{}",
    "openalex": "https://openalex.org/{}",
    "pmid": "https://pubmed.ncbi.nlm.nih.gov/{}",
}


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(str(iri))


class _V:
    """The vocabulary as pyoxigraph nodes, made once (a NamedNode per triple would be slow)."""

    type = _n(RDF.type)
    label = _n(RDFS.label)
    same_as = _n(OWL.sameAs)
    title, abstract, issued, creator, identifier = (
        _n(DCTERMS.title), _n(DCTERMS.abstract), _n(DCTERMS.issued), _n(DCTERMS.creator), _n(DCTERMS.identifier)
    )
    pref, alt, concept = _n(SKOS.prefLabel), _n(SKOS.altLabel), _n(SKOS.Concept)
    article, url, version = _n(SDO.ScholarlyArticle), _n(SDO.url), _n(SDO.softwareVersion)
    research_paper = _n(_FABIO.ResearchPaper)
    doi = _n(_BIBO.doi)
    cites = _n(_CITO.cites)
    person, name = _n(FOAF.Person), _n(FOAF.name)
    generated_by, associated, ended = _n(PROV.wasGeneratedBy), _n(PROV.wasAssociatedWith), _n(PROV.endedAtTime)
    software_agent = _n(PROV.SoftwareAgent)
    xsd_boolean, xsd_integer, xsd_double, xsd_gyear, xsd_datetime = (
        _n(XSD.boolean), _n(XSD.integer), _n(XSD.double), _n(XSD.gYear), _n(XSD.dateTime)
    )


_K = {name: _n(getattr(KG, name)) for name in (
    "Entity", "Mention", "EntityOverlap", "CoOccurrence", "CitationInference", "Community", "BuildRun",
    "mentions", "introduces", "refersTo", "sharesEntityWith", "coOccursWith", "variantOf", "inPaper",
    "denotes", "overlapOf", "sharedEntity", "coOccurrenceOf", "citingPaper", "citedPaper", "via",
    "inCommunity", "topEntity", "paperId", "entityId", "venue", "stub", "broad", "sourceComponent",
    "field", "start", "end", "sentenceStart", "sentenceEnd", "quote", "confidence", "introduced", "hub", "citationCount",
    "weight", "paperCount", "firstYear", "pageRank", "degree", "communityNumber", "inputFile",
)}
_CLASS_NODES = {label: _n(iri) for label, iri in LABEL_CLASSES.items()}
_TRUE = ox.Literal("true", datatype=_V.xsd_boolean)
_FALSE = ox.Literal("false", datatype=_V.xsd_boolean)


def paper_iri(paper_id: str) -> str:
    """The IRI of a paper, from its deterministic id.

    >>> paper_iri("doi:10.18653/v1/P18-1")
    'https://w3id.org/paperkg/id/paper/doi:10.18653%2Fv1%2FP18-1'
    """
    return PAPER_BASE + quote(paper_id, safe=_SAFE)


def entity_iri(entity_id: str) -> str:
    """The IRI of an entity, from its slug.

    >>> entity_iri("gsm8k")
    'https://w3id.org/paperkg/id/entity/gsm8k'
    """
    return ENTITY_BASE + quote(entity_id, safe=_SAFE)


def _person_iri(name: str) -> str:
    slug = re.sub(r"[^\w]+", "-", name.casefold()).strip("-") or "unknown"
    return ID_BASE + "person/" + quote(slug, safe=_SAFE)


def _int(value: Any) -> ox.Literal:
    return ox.Literal(str(int(value)), datatype=_V.xsd_integer)


def _double(value: Any) -> ox.Literal:
    # Rounded so float noise in analytics never makes two builds of one input differ.
    return ox.Literal(repr(round(float(value), 6)), datatype=_V.xsd_double)


def _bool(value: Any) -> ox.Literal:
    return _TRUE if value else _FALSE


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _run_iri(bundle: GraphBundle) -> str:
    """A run IRI that depends on the input only, so rebuilding the same input keeps it."""
    digest = hashlib.sha256(kg.__version__.encode())
    for node in bundle.kg.nodes:
        digest.update(str(node).encode("utf-8") + b"\0")
    digest.update(str(sum(len(m) for m in bundle.extraction.mentions.values())).encode())
    return ID_BASE + "run/" + digest.hexdigest()[:16]


class _OxTerms:
    """Terms as pyoxigraph objects (what :func:`graph_triples` yields)."""

    v, k, classes = _V, _K, _CLASS_NODES
    named, literal, triple = ox.NamedNode, ox.Literal, ox.Triple
    integer, double, boolean = staticmethod(_int), staticmethod(_double), staticmethod(_bool)

    @staticmethod
    def typed(text: str, datatype: ox.NamedNode) -> ox.Literal:
        return ox.Literal(text, datatype=datatype)


class _NtTerms:
    """Terms as their N-Triples text, and each triple as an N-Triples line.

    Writing the lines directly is about twice as fast as making a ``pyoxigraph.Triple``
    per triple (a 54k-paper build has some 17 million). Every term still goes through
    pyoxigraph's own constructor and text form, so IRIs are checked the same way (a
    ValueError for a bad one) and the escaping is pyoxigraph's; the bytes are those of
    ``pyoxigraph.serialize(graph_triples(...), format=N_TRIPLES)``.
    """

    v = type("_VText", (), {name: str(value) for name, value in vars(_V).items() if isinstance(value, ox.NamedNode)})
    k = {name: str(value) for name, value in _K.items()}
    classes = {label: str(value) for label, value in _CLASS_NODES.items()}
    _true, _false = str(_TRUE), str(_FALSE)
    _integers: dict[int, str] = {}

    @staticmethod
    def named(iri: str) -> str:
        return str(ox.NamedNode(iri))

    @staticmethod
    def literal(text: str) -> str:
        return str(ox.Literal(text))

    @staticmethod
    def typed(text: str, datatype: str) -> str:
        return str(ox.Literal(text, datatype=ox.NamedNode(datatype[1:-1])))

    @classmethod
    def integer(cls, value: Any) -> str:
        value = int(value)
        text = cls._integers.get(value)
        if text is None:
            text = str(_int(value))
            if len(cls._integers) < 100_000:  # offsets and counts repeat; keep the cache bounded
                cls._integers[value] = text
        return text

    @staticmethod
    def double(value: Any) -> str:
        return str(_double(value))

    @classmethod
    def boolean(cls, value: Any) -> str:
        return cls._true if value else cls._false

    @staticmethod
    def triple(subject: str, predicate: str, obj: str) -> str:
        return f"{subject} {predicate} {obj} .\n"


def graph_triples(bundle: GraphBundle, *, generated_at: datetime | None = None) -> Iterator[ox.Triple]:
    """Yield every triple of the knowledge graph, grouped by subject, in a deterministic order.

    Parameters
    ----------
    bundle
        The graphs of one build (schema in :mod:`kg.graph.model`).
    generated_at
        Time stamped on the build run (``prov:endedAtTime``); now when omitted.
        It is the only timestamp of the graph.

    Yields
    ------
    pyoxigraph.Triple
        Papers, entities, mentions with provenance, citations, inferred citations,
        entity overlaps, co-occurrences, communities and the PROV build run.
    """
    return _triples(bundle, _OxTerms, generated_at)


def _triples(bundle: GraphBundle, terms: Any, generated_at: datetime | None) -> Iterator[Any]:
    """The triples of :func:`graph_triples`, made by ``terms`` (pyoxigraph objects or N-Triples text)."""
    v, k, T = terms.v, terms.k, terms.triple
    G = bundle.kg
    papers: dict[str, Any] = {}
    entities: dict[str, Any] = {}

    def paper(pid: str) -> Any:
        node = papers.get(pid)
        if node is None:
            node = papers[pid] = terms.named(paper_iri(pid))
        return node

    def entity(eid: str) -> Any:
        node = entities.get(eid)
        if node is None:
            node = entities[eid] = terms.named(entity_iri(eid))
        return node

    run = terms.named(_run_iri(bundle))
    out_edges: dict[str, list[tuple[str, str, dict]]] = {}
    for u, w, key, data in G.edges(keys=True, data=True):
        out_edges.setdefault(u, []).append((key, w, data))

    persons: dict[str, str] = {}
    for node_id, attrs in G.nodes(data=True):
        if attrs.get("kind") != "paper":
            continue
        s = paper(node_id)
        yield T(s, v.type, v.article)
        yield T(s, v.type, v.research_paper)
        yield T(s, k["paperId"], terms.literal(node_id))
        if attrs.get("title"):
            yield T(s, v.title, terms.literal(attrs["title"]))
        if attrs.get("abstract"):
            yield T(s, v.abstract, terms.literal(attrs["abstract"]))
        if _is_number(attrs.get("year")):
            yield T(s, v.issued, terms.typed(f"{int(attrs['year']):04d}", v.xsd_gyear))
        if attrs.get("venue"):
            yield T(s, k["venue"], terms.literal(str(attrs["venue"])))
        for name in attrs.get("authors") or ():
            iri = _person_iri(name)
            persons.setdefault(iri, name)
            yield T(s, v.creator, terms.named(iri))
        for scheme, value in sorted((attrs.get("ids") or {}).items()):
            yield T(s, v.identifier, terms.literal(f"{scheme}:{value}"))
            if scheme == "doi":
                yield T(s, v.doi, terms.literal(str(value)))
            if scheme in _SAME_AS:
                try:
                    yield T(s, v.same_as, terms.named(_SAME_AS[scheme].format(quote(str(value), safe="/:;()._-~"))))
                except ValueError:  # an id no IRI can hold: its identifier literal is enough
                    pass
        if attrs.get("url"):
            try:
                yield T(s, v.url, terms.named(str(attrs["url"])))
            except ValueError:
                pass
        yield T(s, k["stub"], terms.boolean(attrs.get("stub")))
        if _is_number(attrs.get("citation_count")):
            yield T(s, k["citationCount"], terms.integer(attrs["citation_count"]))
        if _is_number(attrs.get("pagerank")):
            yield T(s, k["pageRank"], terms.double(attrs["pagerank"]))
        if _is_number(attrs.get("degree")):
            yield T(s, k["degree"], terms.integer(attrs["degree"]))
        if attrs.get("community") is not None:
            yield T(s, k["inCommunity"], terms.named(f"{ID_BASE}community/{int(attrs['community'])}"))
        for key, target, data in out_edges.get(node_id, ()):
            if key == "mentions":
                yield T(s, k["mentions"], entity(target))
            elif key == "introduces":
                yield T(s, k["introduces"], entity(target))
            elif key == "cites":
                yield T(s, v.cites, paper(target))
            elif key == "refersTo":
                yield T(s, k["refersTo"], paper(target))

    for iri, name in persons.items():
        node = terms.named(iri)
        yield T(node, v.type, v.person)
        yield T(node, v.name, terms.literal(name))

    for node_id, attrs in G.nodes(data=True):
        if attrs.get("kind") != "entity":
            continue
        s = entity(node_id)
        name = attrs.get("name") or node_id
        cls = terms.classes.get(attrs.get("label"))
        if cls is not None:
            yield T(s, v.type, cls)
        yield T(s, v.type, k["Entity"])
        yield T(s, v.type, v.concept)
        yield T(s, k["entityId"], terms.literal(node_id))
        yield T(s, v.pref, terms.literal(name))
        yield T(s, v.label, terms.literal(name))
        for alias in dict.fromkeys(attrs.get("aliases") or ()):
            if alias and alias != name:
                yield T(s, v.alt, terms.literal(alias))
        yield T(s, k["broad"], terms.boolean(attrs.get("broad")))
        # Hubs never link papers alone; a graph without the flag treats broad entities as hubs.
        yield T(s, k["hub"], terms.boolean(attrs.get("hub", attrs.get("broad"))))
        if attrs.get("source"):
            yield T(s, k["sourceComponent"], terms.literal(str(attrs["source"])))
        if _is_number(attrs.get("paper_count")):
            yield T(s, k["paperCount"], terms.integer(attrs["paper_count"]))
        if _is_number(attrs.get("first_year")):
            yield T(s, k["firstYear"], terms.typed(f"{int(attrs['first_year']):04d}", v.xsd_gyear))
        if _is_number(attrs.get("pagerank")):
            yield T(s, k["pageRank"], terms.double(attrs["pagerank"]))
        if _is_number(attrs.get("degree")):
            yield T(s, k["degree"], terms.integer(attrs["degree"]))
        if attrs.get("community") is not None:
            yield T(s, k["inCommunity"], terms.named(f"{ID_BASE}community/{int(attrs['community'])}"))
        for key, target, _data in out_edges.get(node_id, ()):
            if key == "variantOf":
                yield T(s, k["variantOf"], entity(target))

    # Mentions: one node per occurrence, carrying its provenance.
    for pid, mentions in bundle.extraction.mentions.items():
        base = paper_iri(pid) + "/mention/"
        seen: set[tuple[str, int, int]] = set()
        for m in mentions:
            if (m.field, m.start, m.end) in seen:
                continue
            seen.add((m.field, m.start, m.end))
            s = terms.named(f"{base}{quote(m.field, safe=_SAFE)}/{m.start}-{m.end}")
            yield T(s, v.type, k["Mention"])
            yield T(s, k["inPaper"], paper(pid))
            yield T(s, k["denotes"], entity(m.entity_id))
            yield T(s, k["field"], terms.literal(m.field))
            yield T(s, k["start"], terms.integer(m.start))
            yield T(s, k["end"], terms.integer(m.end))
            if m.sentence:
                yield T(s, k["sentenceStart"], terms.integer(m.sentence[0]))
                yield T(s, k["sentenceEnd"], terms.integer(m.sentence[1]))
            yield T(s, k["quote"], terms.literal(m.text))
            yield T(s, k["sourceComponent"], terms.literal(m.source))
            yield T(s, k["confidence"], terms.double(m.score))
            yield T(s, k["introduced"], terms.boolean(m.introduced))
            yield T(s, v.generated_by, run)

    # Inferred citations, with the entities they were inferred from.
    for u, w, key, data in G.edges(keys=True, data=True):
        if key != "refersTo":
            continue
        s = terms.named(f"{paper_iri(u)}/refersTo/{quote(w, safe=_SAFE)}")
        yield T(s, v.type, k["CitationInference"])
        yield T(s, k["citingPaper"], paper(u))
        yield T(s, k["citedPaper"], paper(w))
        if _is_number(data.get("confidence")):
            yield T(s, k["confidence"], terms.double(data["confidence"]))
        for eid in data.get("via") or ():
            yield T(s, k["via"], entity(eid))

    def symmetric_pair(a: Any, b: Any, link: str, s: Any, node_type: str, member: str, weight: Any) -> Iterator[Any]:
        """A symmetric link both ways, and one node for the pair carrying its weight."""
        yield T(a, k[link], b)
        yield T(b, k[link], a)
        yield T(s, v.type, k[node_type])
        yield T(s, k[member], a)
        yield T(s, k[member], b)
        if _is_number(weight):
            yield T(s, k["weight"], terms.double(weight))

    # Papers sharing entities: one overlap node per pair, listing the shared entities.
    for a, b, data in bundle.shares.edges(data=True):
        a, b = sorted((a, b))
        s = terms.named(f"{paper_iri(a)}/overlap/{quote(b, safe=_SAFE)}")
        yield from symmetric_pair(paper(a), paper(b), "sharesEntityWith", s, "EntityOverlap", "overlapOf", data.get("weight"))
        for eid in data.get("shared") or ():
            yield T(s, k["sharedEntity"], entity(eid))

    for a, b, data in bundle.cooccurrence.edges(data=True):
        a, b = sorted((a, b))
        s = terms.named(f"{entity_iri(a)}/cooccurrence/{quote(b, safe=_SAFE)}")
        yield from symmetric_pair(
            entity(a), entity(b), "coOccursWith", s, "CoOccurrence", "coOccurrenceOf", data.get("weight")
        )
        if _is_number(data.get("papers")):
            yield T(s, k["paperCount"], terms.integer(data["papers"]))

    for community in bundle.communities:
        s = terms.named(f"{ID_BASE}community/{int(community.id)}")
        yield T(s, v.type, k["Community"])
        yield T(s, k["communityNumber"], terms.integer(community.id))
        for eid in community.top_entities:
            yield T(s, k["topEntity"], entity(eid))

    # The build run: the only node with a timestamp.
    agent = terms.named(f"{ID_BASE}agent/kg/{quote(kg.__version__, safe=_SAFE)}")
    yield T(run, v.type, k["BuildRun"])
    yield T(run, v.label, terms.literal(f"kg build ({kg.__version__})"))
    yield T(run, v.associated, agent)
    for name in sorted({os.path.basename(str(f)) for f in bundle.corpus.report.files}):
        yield T(run, k["inputFile"], terms.literal(name))
    when = (generated_at or datetime.now(timezone.utc)).astimezone(timezone.utc)
    yield T(run, v.ended, terms.typed(when.isoformat(timespec="seconds").replace("+00:00", "Z"), v.xsd_datetime))
    yield T(agent, v.type, v.software_agent)
    yield T(agent, v.label, terms.literal("kg"))
    yield T(agent, v.version, terms.literal(kg.__version__))


def _prefixes() -> dict[str, str]:
    return {**PREFIXES, "paper": PAPER_BASE, "entity": ENTITY_BASE}


def write_store(source: Iterable[ox.Triple] | Path, path: Path) -> None:
    """Bulk-load triples into a new pyoxigraph store at ``path``, atomically.

    Parameters
    ----------
    source
        The triples, or an N-Triples file holding them. Loading the file is the
        faster way (Rust parses it; no Python object per triple).
    path
        The store folder to create or replace. The store is built in a temporary
        folder beside it and renamed over it, so a reader never sees a half-loaded store.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent))
    os.chmod(tmp, 0o755)  # mkdtemp makes it private; the store is as readable as the other outputs
    try:
        store = ox.Store(str(tmp))
        if isinstance(source, (str, Path)):
            # lenient: the file was just written by pyoxigraph's own serialiser, so IRIs are valid already.
            store.bulk_load(path=str(source), format=ox.RdfFormat.N_TRIPLES, lenient=True)
        else:
            default = ox.DefaultGraph()
            store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, default) for t in source)
        store.flush()
        del store  # closes RocksDB before the folder moves
        if path.exists():
            shutil.rmtree(path)
        os.replace(tmp, path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def write_rdf(bundle: GraphBundle, folder: Path, *, generated_at: datetime | None = None) -> list[str]:
    """Write ``kg.ttl``, ``kg.nt``, ``kg.jsonld`` and the SPARQL store ``store/`` into ``folder``.

    Parameters
    ----------
    bundle
        The graphs of one build.
    folder
        The (staging) build folder.
    generated_at
        Timestamp of the build run; now when omitted.

    Returns
    -------
    list of str
        Names of what was written, relative to ``folder``.
    """
    folder = Path(folder)
    nt = folder / "kg.nt"
    # Triples stream from the bundle into N-Triples as text lines (pyoxigraph's own term
    # text, without a Triple object per line); the other files and the store are made from
    # that file in Rust, so no Python object per triple is ever held (a 54k-paper build has
    # some 17 million).
    with atomic_open(nt, "w") as handle:
        lines = _triples(bundle, _NtTerms, generated_at)
        while batch := list(islice(lines, 8192)):
            handle.write("".join(batch))
    # The store's bulk load runs in Rust without the GIL (about a minute and one core at 54k
    # papers), so it loads in a second thread while this one writes Turtle and JSON-LD.
    failed: list[BaseException] = []

    def load_store() -> None:
        try:
            write_store(nt, folder / STORE_DIR)
        except BaseException as error:  # re-raised in the calling thread
            failed.append(error)

    loader = threading.Thread(target=load_store, name="kg-rdf-store", daemon=True)
    loader.start()
    try:
        prefixes = _prefixes()
        for name, fmt in RDF_FILES.items():
            if fmt != ox.RdfFormat.N_TRIPLES:
                with atomic_open(folder / name, "wb") as handle:
                    triples = ox.parse(path=str(nt), format=ox.RdfFormat.N_TRIPLES, lenient=True)
                    ox.serialize(triples, handle, fmt, prefixes=prefixes)
    finally:
        loader.join()
    if failed:
        raise failed[0]
    return [*RDF_FILES, STORE_DIR]
