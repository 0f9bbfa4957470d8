"""RDF terms of the paperkg ontology.

GENERATED from ontology/kg.ttl by `python -m kg.rdf.gen_namespace`: do not edit by hand;
edit the ontology and run the generator (a test checks the two agree).
"""

from rdflib.namespace import DefinedNamespace, Namespace
from rdflib.term import URIRef

__all__ = ["KG", "KG_IRI", "ONTOLOGY_IRI", "PREFIXES", "CLASSES", "OBJECT_PROPERTIES", "DATATYPE_PROPERTIES"]

KG_IRI = "https://w3id.org/paperkg/ontology#"
ONTOLOGY_IRI = "https://w3id.org/paperkg/ontology"

#: Prefixes declared by the ontology, for serialisers and SPARQL.
PREFIXES: dict[str, str] = {
    "bibo": "http://purl.org/ontology/bibo/",
    "cito": "http://purl.org/spar/cito/",
    "dcterms": "http://purl.org/dc/terms/",
    "fabio": "http://purl.org/spar/fabio/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "kg": "https://w3id.org/paperkg/ontology#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "prov": "http://www.w3.org/ns/prov#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "schema": "https://schema.org/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "vann": "http://purl.org/vocab/vann/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


class KG(DefinedNamespace):
    """The ``kg:`` terms (https://w3id.org/paperkg/ontology#)."""

    # Classes
    BuildRun: URIRef  # One run of `kg build`: the PROV activity that generated every mention. It holds the only timestamps of the graph.
    CitationInference: URIRef  # Why a kg:refersTo link was inferred: the citing paper names entities the cited paper introduces.
    CoOccurrence: URIRef  # Two entities named together in several papers: carries the weight and the number of papers of one kg:coOccursWith pair.
    Community: URIRef  # A group of papers found by community detection on the shares-entities graph, labelled by its most distinctive entities.
    Dataset: URIRef  # A dataset or benchmark (GSM8K, MATH, ImageNet).
    Entity: URIRef  # A canonical scientific entity named in papers: a model, method, dataset, task or metric. Its IRI holds a slug of its name, never its type.
    EntityOverlap: URIRef  # The link between two papers that name the same distinctive entities: carries the weight and the shared entities of one kg:sharesEntityWith pair.
    Mention: URIRef  # One occurrence of an entity name in a paper's title or abstract, with its character offsets, the quoted text, the component that found it and its confidence.
    Method: URIRef  # A technique, algorithm or training procedure (Monte Carlo Tree Search, DPO).
    Metric: URIRef  # An evaluation measure (accuracy, BLEU, F1).
    Model: URIRef  # A trained model or model family (GPT-4, Qwen2.5-Math-Instruct, BERT).
    Task: URIRef  # A problem a paper addresses (machine translation, mathematical reasoning).

    # Object properties
    citedPaper: URIRef  # The paper referred to: it introduces the entities the citing paper names.
    citingPaper: URIRef  # The paper that refers to the other one.
    coOccurrenceOf: URIRef  # One of the two entities of a co-occurrence.
    coOccursWith: URIRef  # The two entities are named together in several papers; a kg:CoOccurrence node carries the counts. Both directions are stated.
    denotes: URIRef  # The canonical entity the mention names.
    inCommunity: URIRef  # The community a paper or entity belongs to.
    inPaper: URIRef  # The paper whose text holds the mention.
    introduces: URIRef  # The entity is the paper's own contribution (a title 'NAME:' prefix, 'we propose NAME'), and no earlier paper of the corpus names it.
    mentions: URIRef  # The paper names the entity in its title or abstract (kg:Mention nodes hold each occurrence).
    overlapOf: URIRef  # One of the two papers of an entity overlap.
    refersTo: URIRef  # An inferred citation: the paper names an entity the other paper introduces. Unlike cito:cites it is not stated by any input.
    sharedEntity: URIRef  # An entity both papers of the overlap name.
    sharesEntityWith: URIRef  # The two papers name the same distinctive entities; a kg:EntityOverlap node carries the weight and the entities. Both directions are stated.
    topEntity: URIRef  # One of the most distinctive entities of the community's papers.
    variantOf: URIRef  # A size or instruction variant of a family entity (Qwen2.5-Math-Instruct-7B -> Qwen2.5-Math-Instruct).
    via: URIRef  # An entity the citing paper names and the cited paper introduces.

    # Datatype properties
    broad: URIRef  # True for class names ('large language models') that never link papers on their own.
    citationCount: URIRef  # Number of input papers citing the paper (cito:cites links it receives).
    communityNumber: URIRef  # The community's number within its build.
    confidence: URIRef  # Confidence in [0, 1] of a mention or of an inferred citation.
    degree: URIRef  # Number of edges of the paper or entity in the knowledge graph.
    end: URIRef  # Code-point offset just after the mention's last character (exclusive).
    entityId: URIRef  # The slug of the entity's canonical name; the IRI is built from it.
    field: URIRef  # The paper field holding the mention: title or abstract.
    firstYear: URIRef  # Year of the earliest paper naming the entity.
    hub: URIRef  # True for an entity too common (or too broad) to link papers on its own; the shares-entities links ignore it.
    inputFile: URIRef  # Name of a file the build read.
    introduced: URIRef  # True when the mention names the paper's own contribution.
    pageRank: URIRef  # PageRank of the paper or entity in the knowledge graph.
    paperCount: URIRef  # Number of papers naming an entity, or naming both entities of a co-occurrence.
    paperId: URIRef  # The deterministic paper id of kg (scheme:value, e.g. arxiv:2409.12122); the IRI is built from it.
    quote: URIRef  # The mention's text exactly as it appears in the field.
    sentenceEnd: URIRef  # Code-point offset where the sentence holding the mention ends (exclusive).
    sentenceStart: URIRef  # Code-point offset where the sentence holding the mention starts.
    sourceComponent: URIRef  # The extractor component that found a mention or created an entity (gazetteer, pattern, abbreviation, ner).
    start: URIRef  # Code-point offset of the mention's first character in the field text.
    stub: URIRef  # True when the paper is known only because an input paper cites it (or is cited by it).
    venue: URIRef  # Where the paper appeared, as the input named it.
    weight: URIRef  # Strength of an entity overlap (sum of the shared entities' inverse document frequency) or of a co-occurrence.

    _NS = Namespace("https://w3id.org/paperkg/ontology#")
    _fail = True


CLASSES: tuple[str, ...] = (
    "BuildRun",
    "CitationInference",
    "CoOccurrence",
    "Community",
    "Dataset",
    "Entity",
    "EntityOverlap",
    "Mention",
    "Method",
    "Metric",
    "Model",
    "Task",
)
OBJECT_PROPERTIES: tuple[str, ...] = (
    "citedPaper",
    "citingPaper",
    "coOccurrenceOf",
    "coOccursWith",
    "denotes",
    "inCommunity",
    "inPaper",
    "introduces",
    "mentions",
    "overlapOf",
    "refersTo",
    "sharedEntity",
    "sharesEntityWith",
    "topEntity",
    "variantOf",
    "via",
)
DATATYPE_PROPERTIES: tuple[str, ...] = (
    "broad",
    "citationCount",
    "communityNumber",
    "confidence",
    "degree",
    "end",
    "entityId",
    "field",
    "firstYear",
    "hub",
    "inputFile",
    "introduced",
    "pageRank",
    "paperCount",
    "paperId",
    "quote",
    "sentenceEnd",
    "sentenceStart",
    "sourceComponent",
    "start",
    "stub",
    "venue",
    "weight",
)
