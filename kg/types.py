"""The records that flow between stages: readers make Papers and Citations, the
extractor makes Mentions and Entities, the graph stage consumes all four.

Everything here is plain data (no spaCy, no networkx), so every later stage can
import it cheaply.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

__all__ = [
    "LABELS", "Paper", "Citation", "Mention", "Entity", "SkippedRecord", "ReadReport", "Corpus", "Extraction",
]

#: Entity types, in display order.
LABELS: tuple[str, ...] = ("MODEL", "METHOD", "DATASET", "TASK", "METRIC")


@dataclass(frozen=True, slots=True)
class Paper:
    """One paper, as read and merged from the inputs.

    ``id`` is deterministic (see :mod:`kg.io.identity`); ``ids`` maps an id scheme
    (``arxiv``, ``doi``, ``acl``, ``s2``, ``openalex``, ``pmid``, ``key``, ...) to
    its value, and every one of them resolves to this paper. ``stub`` papers are
    known only because something cites them or is cited by them.
    """

    id: str
    title: str = ""
    abstract: str = ""
    year: int | None = None
    venue: str | None = None
    authors: tuple[str, ...] = ()
    ids: Mapping[str, str] = field(default_factory=dict)
    url: str | None = None
    source_type: str | None = None
    source: str | None = None
    stub: bool = False


@dataclass(frozen=True, slots=True)
class Citation:
    """``citing`` cites ``cited`` (both paper ids); ``source`` says where we learnt it."""

    citing: str
    cited: str
    source: str = "input"


@dataclass(frozen=True, slots=True)
class Mention:
    """One entity mention with its provenance.

    ``start``/``end`` are code-point offsets into the paper's ``field`` text exactly
    as the reader delivered it; ``sentence`` is the enclosing sentence as offsets
    into the same text. ``source`` is the component that found it (``gazetteer``,
    ``pattern``, ``abbreviation``, ``ner``) and ``score`` its confidence in [0, 1].
    ``introduced`` marks the paper's own contribution (a title ``NAME:`` prefix,
    "we propose NAME").
    """

    paper_id: str
    text: str
    label: str
    start: int
    end: int
    field: str
    sentence: tuple[int, int]
    entity_id: str
    canonical: str
    source: str
    score: float
    introduced: bool = False


@dataclass(frozen=True, slots=True)
class Entity:
    """A canonical entity. ``id`` is a slug of the canonical name and never holds the
    label, so retyping an entity keeps its id. ``parent`` is the family entity of a
    size variant (Qwen2.5-Math-Instruct-7B -> Qwen2.5-Math-Instruct). ``broad``
    marks class names ("large language models") that must not link papers alone.
    """

    id: str
    name: str
    label: str
    aliases: tuple[str, ...] = ()
    parent: str | None = None
    broad: bool = False
    source: str = "gazetteer"


@dataclass(frozen=True, slots=True)
class SkippedRecord:
    """A record left out (or kept but flagged) while reading, with the reason."""

    path: str
    record: int
    reason: str
    kept: bool = False


@dataclass(slots=True)
class ReadReport:
    """What reading the inputs did: counts and every skipped or repaired record."""

    files: list[str] = field(default_factory=list)
    records: int = 0
    papers: int = 0
    stubs: int = 0
    citations: int = 0
    merged: int = 0
    skipped: list[SkippedRecord] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Corpus:
    """What the readers deliver: merged papers (input papers first, in input order,
    then stubs), citations between paper ids, and the read report."""

    papers: list[Paper]
    citations: list[Citation]
    report: ReadReport


@dataclass(slots=True)
class Extraction:
    """What the extractor delivers for a corpus.

    ``mentions`` maps paper id -> its mentions in reading order (title first);
    ``entities`` maps entity id -> canonical entity (every id a mention uses is here);
    ``not_english`` lists papers left unextracted because their text is not English.
    """

    mentions: dict[str, list[Mention]]
    entities: dict[str, Entity]
    not_english: list[str] = field(default_factory=list)
