"""Entity and paper look-ups from a built graph (``kg lookup``, :func:`kg.lookup`).

``kg build`` calls :func:`write_index`, which condenses the graph bundle into one
SQLite file, ``lookup.sqlite``, in the build folder. A look-up then opens that
file read-only and answers from indexed tables, so it needs neither the graph
libraries nor spaCy, and it never loads more of the index than the answer needs.

Name resolution, in order (the first stage that finds something wins):

1. ``name``: the canonical name exactly as written;
2. ``alias``: an alias or abbreviation exactly as written;
3. ``variant``: the same name after folding case, hyphens, spaces, apostrophes and
   a plural ``s`` (``gsm 8k``, ``GSM-8K`` and ``gsm8ks`` all become ``gsm8k``);
4. ``fuzzy``: a rapidfuzz ratio over the folded names and aliases of at least
   ``settings.lookup.min_fuzzy_score``, never across different version numbers
   (``Llama 3`` does not fuzzily match ``Llama 2``).

Index tables (integer keys ``n`` keep the big tables small)
------------------------------------------------------------
``meta(key, value)``: schema version, counts, and two blobs for fuzzy matching.
``entity(n, id, name, label, aliases, parent, broad, paper_count, first_year)``;
``entity_key(key, kind, entity)`` with kind 0 name, 1 alias, 2 variant;
``paper(n, id, title, year, venue, ids, url, stub)``; ``paper_key(key, kind, paper)``
with kind 0 id, 1 other id or url, 2 title, 3 short title (before a colon);
``sentence(n, text)``; ``mention(entity, rank, paper, count, sentence, introduced)``;
``introduces(entity, paper, score)``; ``cooccur(entity, rank, other, papers, weight)``;
``cites(citing, cited, inferred, confidence, via)``;
``nearest(paper, rank, other, weight, shared)`` (``shared``: JSON list of entity rows).
"""

from __future__ import annotations

import json
import re
import sqlite3
import sys
import unicodedata
from array import array
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from kg.errors import ConfigError, OutputError
from kg.types import LABELS

if TYPE_CHECKING:
    from kg.graph.model import GraphBundle
    from kg.settings import LookupSettings, Settings

__all__ = [
    "INDEX_NAME",
    "LookupIndex",
    "fold",
    "squash",
    "write_index",
    "open_index",
    "lookup_entity",
    "lookup_paper",
    "run_lookup_command",
    "format_entity_result",
    "format_paper_result",
]

#: File name of the index inside the build folder.
INDEX_NAME = "lookup.sqlite"
#: Bumped whenever the tables change, so an old build asks to be rebuilt.
SCHEMA_VERSION = 3
# How much of each ranked list the index keeps; the settings choose how much to show.
_KEEP_COOCCURRING = 50
_KEEP_NEAREST = 20
_KEEP_SHARED = 5  # shared entities kept per nearest paper (the graph lists the most distinctive first)
# Suggestions scoring under this are noise ("reward model" for "GSM9K"); the best one is always kept.
_SUGGESTION_FLOOR = 50.0

_NAME, _ALIAS, _VARIANT = 0, 1, 2
_MATCH_NAMES = {_NAME: "name", _ALIAS: "alias", _VARIANT: "variant"}
_PAPER_ID, _PAPER_OTHER_ID, _PAPER_TITLE, _PAPER_SHORT = 0, 1, 2, 3
_PAPER_MATCH_NAMES = {
    _PAPER_ID: "id", _PAPER_OTHER_ID: "id", _PAPER_TITLE: "title", _PAPER_SHORT: "short title",
}

# ---------------------------------------------------------------------------
# Normalisation: the same functions build the keys and fold the query.
# ---------------------------------------------------------------------------

_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212_/"
_SEPARATORS = re.compile(f"[\\s{re.escape(_DASHES)}]+")
_SQUASHED = re.compile(f"[\\s{re.escape(_DASHES)}'\u2019`\u00b4]+")
_DIGITS = re.compile(r"\d+")


def fold(text: str) -> str:
    """Case-folded text with dashes, underscores and slashes turned into single spaces.

    Examples
    --------
    >>> fold("Monte-Carlo  Tree_Search")
    'monte carlo tree search'
    """
    text = unicodedata.normalize("NFKC", text).casefold()
    return _SEPARATORS.sub(" ", text).strip()


def squash(text: str) -> str:
    """The variant key of a name: folded, without separators, and without a plural ``s``.

    Both the index and the query go through this function, so the plural rule
    only has to be consistent, not linguistically right.

    Examples
    --------
    >>> squash("GSM 8K"), squash("gsm-8k"), squash("Large Language Models")
    ('gsm8k', 'gsm8k', 'largelanguagemodel')
    """
    key = _SQUASHED.sub("", unicodedata.normalize("NFKC", text).casefold())
    if len(key) > 3 and key.endswith("s") and not key.endswith(("ss", "us", "is")):
        key = key[:-3] + "y" if key.endswith("ies") and len(key) > 4 else key[:-1]
    return key


# ---------------------------------------------------------------------------
# Writing the index (called by kg.build).
# ---------------------------------------------------------------------------

_SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value) WITHOUT ROWID;
CREATE TABLE entity(
    n INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, name TEXT NOT NULL, label TEXT NOT NULL,
    aliases TEXT NOT NULL, parent TEXT, broad INTEGER NOT NULL, paper_count INTEGER NOT NULL,
    first_year INTEGER);
CREATE TABLE entity_key(key TEXT NOT NULL, kind INTEGER NOT NULL, entity INTEGER NOT NULL,
    PRIMARY KEY (key, kind, entity)) WITHOUT ROWID;
CREATE TABLE paper(
    n INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, title TEXT NOT NULL, year INTEGER, venue TEXT,
    ids TEXT NOT NULL, url TEXT, stub INTEGER NOT NULL);
CREATE TABLE paper_key(key TEXT NOT NULL, kind INTEGER NOT NULL, paper INTEGER NOT NULL,
    PRIMARY KEY (key, kind, paper)) WITHOUT ROWID;
CREATE TABLE sentence(n INTEGER PRIMARY KEY, text TEXT NOT NULL);
CREATE TABLE mention(entity INTEGER NOT NULL, rank INTEGER NOT NULL, paper INTEGER NOT NULL,
    count INTEGER NOT NULL, sentence INTEGER, introduced REAL, PRIMARY KEY (entity, rank)) WITHOUT ROWID;
CREATE TABLE introduces(entity INTEGER NOT NULL, paper INTEGER NOT NULL, score REAL NOT NULL,
    PRIMARY KEY (entity, paper)) WITHOUT ROWID;
CREATE TABLE cooccur(entity INTEGER NOT NULL, rank INTEGER NOT NULL, other INTEGER NOT NULL,
    papers INTEGER NOT NULL, weight REAL NOT NULL, PRIMARY KEY (entity, rank)) WITHOUT ROWID;
CREATE TABLE cites(citing INTEGER NOT NULL, cited INTEGER NOT NULL, inferred INTEGER NOT NULL,
    confidence REAL, via TEXT, PRIMARY KEY (citing, cited, inferred)) WITHOUT ROWID;
CREATE TABLE nearest(paper INTEGER NOT NULL, rank INTEGER NOT NULL, other INTEGER NOT NULL,
    weight REAL NOT NULL, shared TEXT NOT NULL, PRIMARY KEY (paper, rank)) WITHOUT ROWID;
"""
# Secondary indexes are built after the bulk insert, which is faster than keeping them up to date row by row.
_INDEXES = """
CREATE INDEX entity_parent ON entity(parent);
CREATE UNIQUE INDEX mention_paper ON mention(paper, entity);
CREATE INDEX introduces_paper ON introduces(paper);
CREATE INDEX cites_cited ON cites(cited);
"""


def write_index(bundle: "GraphBundle", folder: Path) -> list[str]:
    """Write the look-up index of ``bundle`` into the build folder ``folder``.

    The index is assembled in memory and written with :func:`kg.io.write.atomic_open`,
    so a reader never sees a half-written file.

    Parameters
    ----------
    bundle : GraphBundle
        The built graphs (see :mod:`kg.graph.model`) with the corpus and extraction.
    folder : Path
        The build folder being written.

    Returns
    -------
    list of str
        The names of the files written, relative to ``folder``: ``["lookup.sqlite"]``.
    """
    from kg.io.write import atomic_open

    con = sqlite3.connect(":memory:")
    try:
        con.executescript(_SCHEMA)
        _fill_index(con, bundle)
        con.executescript(_INDEXES)
        con.commit()
        data = con.serialize()
    finally:
        con.close()
    with atomic_open(Path(folder) / INDEX_NAME, "wb") as handle:
        handle.write(data)
    return [INDEX_NAME]


def _year(value: Any) -> int | None:
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def _fill_index(con: sqlite3.Connection, bundle: "GraphBundle") -> None:
    graph = bundle.kg
    corpus, extraction = bundle.corpus, bundle.extraction
    nodes = graph.nodes

    # Papers: the corpus (input papers, then stubs), then any paper node only the graph knows.
    papers: dict[str, int] = {}
    paper_rows: list[tuple] = []
    paper_text: dict[str, Any] = {}

    def add_paper(pid: str, title: str, year: Any, venue: Any, ids: Any, url: Any, stub: bool) -> int:
        n = papers.get(pid)
        if n is None:
            n = papers[pid] = len(paper_rows) + 1
            ids = {str(k): str(v) for k, v in dict(ids or {}).items() if v}
            paper_rows.append((n, pid, title or "", _year(year), venue, json.dumps(ids, ensure_ascii=False), url, int(bool(stub))))
        return n

    for paper in corpus.papers:
        add_paper(paper.id, paper.title, paper.year, paper.venue, paper.ids, paper.url, paper.stub)
        paper_text[paper.id] = paper
    for node, attrs in nodes(data=True):
        if attrs.get("kind") == "paper":
            add_paper(node, attrs.get("title", ""), attrs.get("year"), attrs.get("venue"), attrs.get("ids"),
                      attrs.get("url"), attrs.get("stub", True))

    def paper_n(pid: str) -> int:
        # A citation endpoint the corpus does not hold still deserves a row (a stub).
        return papers.get(pid) or add_paper(pid, "", None, None, {}, None, True)

    # Mentions, one row per (entity, paper): the count, the best sentence, whether introduced.
    sentences: dict[tuple, int] = {}
    sentence_rows: list[tuple[int, str]] = []

    def sentence_n(pid: str, field: str, span: Any, fallback: str) -> int | None:
        try:
            start, end = int(span[0]), int(span[1])
        except (TypeError, ValueError, IndexError):
            start = end = -1
        # Without a usable span the fallback text is the sentence, so it must be part of the key.
        key = (pid, field, start, end) if 0 <= start < end else (pid, field, fallback)
        if key in sentences:
            return sentences[key]
        source = paper_text.get(pid)
        text = getattr(source, field, None) if source is not None else None
        if not isinstance(text, str) and pid in nodes:
            text = nodes[pid].get(field)
        sentence = text[start:end] if isinstance(text, str) and 0 <= start < end <= len(text) else fallback
        sentence = " ".join(sentence.split())
        if not sentence:
            return None
        n = sentences[key] = len(sentence_rows) + 1
        sentence_rows.append((n, sentence))
        return n

    pairs: dict[tuple[str, str], list] = {}  # (entity id, paper id) -> [count, chosen mention]
    for pid, mentions in extraction.mentions.items():
        for mention in mentions:
            slot = pairs.get((mention.entity_id, pid))
            if slot is None:
                slot = pairs[(mention.entity_id, pid)] = [0, mention]
            slot[0] += 1
            # The first abstract sentence says more about the entity than the bare title does.
            if slot[1].field == "title" and mention.field != "title":
                slot[1] = mention

    # Only the graph's introductions: it has dropped the claims that do not stand.
    introduced: dict[tuple[str, str], float] = {}
    graph_mentions: list[tuple[str, str, dict]] = []
    for source, target, key, attrs in graph.edges(keys=True, data=True):
        if key == "introduces":
            score = float(attrs.get("score", 1.0) or 0.0)
            introduced[(target, source)] = max(introduced.get((target, source), 0.0), score)
        elif key == "mentions" and (target, source) not in pairs:
            graph_mentions.append((source, target, attrs))

    # Entities: every one a paper mentions or the graph holds, plus the families they point to.
    records = extraction.entities
    entity_ids: dict[str, None] = {}
    for eid, _ in pairs:
        entity_ids.setdefault(eid)
    for _, eid, _ in graph_mentions:
        entity_ids.setdefault(eid)
    for node, attrs in nodes(data=True):
        if attrs.get("kind") == "entity":
            entity_ids.setdefault(node)
    for eid, _ in introduced:
        entity_ids.setdefault(eid)
    entity_attrs: dict[str, dict[str, Any]] = {}
    for eid in list(entity_ids):
        entity_attrs[eid] = _entity_attrs(eid, nodes, records)
        parent = entity_attrs[eid]["parent"]
        if parent and parent not in entity_ids:
            entity_ids.setdefault(parent)
            entity_attrs[parent] = _entity_attrs(parent, nodes, records)
    entities = {eid: n for n, eid in enumerate(entity_ids, start=1)}

    mention_rows = []
    paper_counts: dict[str, int] = {}
    first_year: dict[str, int] = {}
    years = {row[1]: row[3] for row in paper_rows}
    for (eid, pid), (count, mention) in pairs.items():
        sent = sentence_n(pid, mention.field, mention.sentence, mention.text)
        mention_rows.append((entities[eid], paper_n(pid), count, sent, introduced.get((eid, pid))))
    for pid, eid, attrs in graph_mentions:
        first = attrs.get("first") or {}
        sent = sentence_n(pid, str(first.get("field", "")), first.get("sentence"), str(first.get("text", "")))
        mention_rows.append((entities[eid], paper_n(pid), int(attrs.get("count", 1) or 1), sent, introduced.get((eid, pid))))
    # Count papers per entity and their first year in one pass.
    paper_of = {n: pid for pid, n in papers.items()}
    entity_of = {n: eid for eid, n in entities.items()}
    for ent_n, pap_n, *_ in mention_rows:
        eid = entity_of[ent_n]
        paper_counts[eid] = paper_counts.get(eid, 0) + 1
        year = years.get(paper_of[pap_n])
        if year is not None and (eid not in first_year or year < first_year[eid]):
            first_year[eid] = year

    entity_rows, key_rows, fuzzy_forms, fuzzy_entities = [], set(), [], array("i")
    for eid, n in entities.items():
        attrs = entity_attrs[eid]
        name, aliases = attrs["name"], attrs["aliases"]
        entity_rows.append((n, eid, name, attrs["label"], json.dumps(aliases, ensure_ascii=False), attrs["parent"],
                            int(attrs["broad"]), paper_counts.get(eid, 0), first_year.get(eid)))
        key_rows.add((name, _NAME, n))
        forms = {squash(name), squash(eid)}
        for alias in aliases:
            key_rows.add((alias, _ALIAS, n))
            forms.add(squash(alias))
        forms.discard("")
        for form in sorted(forms):
            key_rows.add((form, _VARIANT, n))
            fuzzy_forms.append(form)
            fuzzy_entities.append(n)

    # Co-occurrence and nearest papers: keep only the head of each ranked list.
    neighbours: dict[str, list[tuple[float, int, str]]] = {}
    for u, v, attrs in bundle.cooccurrence.edges(data=True):
        if u not in entities or v not in entities:
            continue
        together = int(attrs.get("papers", 0) or 0)
        weight = float(attrs.get("weight", together) or 0.0)
        neighbours.setdefault(u, []).append((weight, together, v))
        neighbours.setdefault(v, []).append((weight, together, u))
    cooccur_rows = []
    for eid, items in neighbours.items():
        items.sort(key=lambda item: (-item[0], -item[1], item[2]))
        for rank, (weight, together, other) in enumerate(items[:_KEEP_COOCCURRING]):
            cooccur_rows.append((entities[eid], rank, entities[other], together, weight))

    near: dict[str, list[tuple[float, str, str]]] = {}
    for u, v, attrs in bundle.shares.edges(data=True):
        weight = float(attrs.get("weight", 0.0) or 0.0)
        # Entity rows, not ids: this is the biggest table of a large build.
        shared = json.dumps([entities[e] for e in (attrs.get("shared") or []) if e in entities][:_KEEP_SHARED])
        near.setdefault(u, []).append((weight, v, shared))
        near.setdefault(v, []).append((weight, u, shared))
    nearest_rows = []
    for pid, items in near.items():
        items.sort(key=lambda item: (-item[0], item[1]))
        for rank, (weight, other, shared) in enumerate(items[:_KEEP_NEAREST]):
            nearest_rows.append((paper_n(pid), rank, paper_n(other), weight, shared))

    cites_rows = {}
    for citing, cited in bundle.citations.edges():
        cites_rows[(paper_n(citing), paper_n(cited), 0)] = (None, None)
    for source, target, key, attrs in graph.edges(keys=True, data=True):
        if key == "cites":
            cites_rows.setdefault((paper_n(source), paper_n(target), 0), (None, None))
        elif key == "refersTo":
            via = json.dumps(list(attrs.get("via") or []), ensure_ascii=False)
            cites_rows[(paper_n(source), paper_n(target), 1)] = (float(attrs.get("confidence", 0.0) or 0.0), via)

    paper_keys = set()
    for n, pid, title, _year_, _venue, ids_json, url, _stub in paper_rows:
        paper_keys.add((pid.casefold(), _PAPER_ID, n))
        for scheme, value in json.loads(ids_json).items():
            paper_keys.add((value.casefold(), _PAPER_OTHER_ID, n))
            paper_keys.add((f"{scheme}:{value}".casefold(), _PAPER_OTHER_ID, n))
        if url:
            paper_keys.add((url.casefold(), _PAPER_OTHER_ID, n))
        if title:
            paper_keys.add((squash(title), _PAPER_TITLE, n))
            short = title.split(":", 1)[0] if ":" in title else ""
            if short and squash(short):
                paper_keys.add((squash(short), _PAPER_SHORT, n))
    titles = "\n".join(fold(row[2]) for row in paper_rows)

    con.executemany("INSERT INTO paper VALUES (?,?,?,?,?,?,?,?)", paper_rows)
    # Rows in primary-key order turn B-tree inserts into appends.
    con.executemany("INSERT INTO paper_key VALUES (?,?,?)", sorted(paper_keys))
    con.executemany("INSERT INTO entity VALUES (?,?,?,?,?,?,?,?,?)", entity_rows)
    con.executemany("INSERT INTO entity_key VALUES (?,?,?)", sorted(key_rows))
    con.executemany("INSERT INTO sentence VALUES (?,?)", sentence_rows)
    con.executemany("INSERT INTO mention VALUES (?,?,?,?,?,?)", _ranked_mentions(mention_rows, paper_rows))
    con.executemany(
        "INSERT INTO introduces VALUES (?,?,?)",
        sorted((entities[eid], paper_n(pid), score) for (eid, pid), score in introduced.items()),
    )
    con.executemany("INSERT INTO cooccur VALUES (?,?,?,?,?)", sorted(cooccur_rows))
    con.executemany("INSERT INTO cites VALUES (?,?,?,?,?)", sorted((*k, *v) for k, v in cites_rows.items()))
    con.executemany("INSERT INTO nearest VALUES (?,?,?,?,?)", sorted(nearest_rows))
    title_search = _create_title_search(con)
    if title_search:
        con.executemany("INSERT INTO title_search(rowid, title) VALUES (?, ?)",
                        ((row[0], row[2]) for row in paper_rows if row[2]))
    meta = {
        "schema_version": SCHEMA_VERSION,
        "papers": sum(1 for row in paper_rows if not row[7]),
        "entities": len(entity_rows),
        "fuzzy_forms": "\n".join(fuzzy_forms),
        "fuzzy_entities": fuzzy_entities.tobytes(),
        "fuzzy_int_size": fuzzy_entities.itemsize,
        "titles": titles,
        "title_search": int(title_search),
    }
    con.executemany("INSERT INTO meta VALUES (?,?)", meta.items())


def _ranked_mentions(rows: list[tuple], paper_rows: list[tuple]) -> Iterable[tuple]:
    """Mention rows with their display rank per entity (introducing papers first, then newest),
    so a look-up reads an entity's first papers off the primary key without sorting thousands."""
    by_n = {row[0]: row for row in paper_rows}

    def order(row: tuple) -> tuple:
        _, pid, title, year, *_ = by_n[row[1]]
        return (row[0], row[4] is None, year is None, -(year or 0), title, pid)

    rank, previous = 0, None
    for ent_n, pap_n, count, sent, introduced in sorted(rows, key=order):
        rank = rank + 1 if ent_n == previous else 0
        previous = ent_n
        yield (ent_n, rank, pap_n, count, sent, introduced)


def _create_title_search(con: sqlite3.Connection) -> bool:
    """A contentless FTS5 table of titles (word look-up in milliseconds); False where SQLite lacks FTS5."""
    try:
        con.execute(
            "CREATE VIRTUAL TABLE title_search USING fts5(title, content='', "
            "tokenize='unicode61 remove_diacritics 2')"
        )
    except sqlite3.OperationalError:
        return False
    return True


def _entity_attrs(eid: str, nodes: Any, records: dict) -> dict[str, Any]:
    """An entity's fields, from the graph node when it has them (the graph may retype), else the record."""
    attrs = nodes[eid] if eid in nodes else {}
    record = records.get(eid)
    name = attrs.get("name") or (record.name if record else eid)
    label = attrs.get("label") or (record.label if record else "")
    aliases = attrs.get("aliases")
    if aliases is None:
        aliases = record.aliases if record else ()
    parent = attrs.get("parent", record.parent if record else None)
    broad = attrs.get("broad", record.broad if record else False)
    return {
        "name": str(name),
        "label": str(label),
        "aliases": [str(a) for a in dict.fromkeys(aliases) if a and a != name],
        "parent": parent or None,
        "broad": bool(broad),
    }


# ---------------------------------------------------------------------------
# Reading the index.
# ---------------------------------------------------------------------------


class LookupIndex:
    """A read-only handle on ``lookup.sqlite`` of one build folder.

    Opening costs a file open; the fuzzy-matching tables load on first use and
    stay in memory, so repeated look-ups through one handle are fast.

    Parameters
    ----------
    out : Path
        The build folder (``kg build --out DIR``).

    Raises
    ------
    OutputError
        When the folder or its index is missing, unreadable or from another schema version.
    """

    def __init__(self, out: Path | str) -> None:
        self.out = Path(out)
        path = self.out / INDEX_NAME
        if not path.is_file():
            if not self.out.is_dir():
                raise OutputError(f"{self.out}: no build folder here; run `kg build --out {self.out}` first")
            raise OutputError(
                f"{path}: missing, so this build folder is incomplete or older than `kg lookup`; "
                f"run `kg build --out {self.out}` again"
            )
        self.path = path
        # immutable: a build replaces the whole folder, never this file in place, so no locking is needed.
        uri = path.resolve().as_uri() + "?mode=ro&immutable=1"
        self._con = sqlite3.connect(uri, uri=True, check_same_thread=False)
        try:
            version = self._meta("schema_version")
        except sqlite3.DatabaseError as exc:
            self._con.close()
            raise OutputError(f"{path}: not a lookup index ({exc}); run `kg build --out {self.out}` again") from None
        if version != SCHEMA_VERSION:
            self._con.close()
            raise OutputError(
                f"{path}: index version {version}, this kg reads version {SCHEMA_VERSION}; "
                f"run `kg build --out {self.out}` again"
            )
        self._fuzzy: tuple[list[str], array] | None = None
        self._titles: list[str] | None = None

    def close(self) -> None:
        """Close the database connection."""
        self._con.close()

    def __enter__(self) -> "LookupIndex":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _meta(self, key: str) -> Any:
        row = self._con.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    # -- entities -----------------------------------------------------------

    def resolve_entity(
        self, name: str, *, label: str | None = None, min_score: float = 80.0, limit: int = 5, fuzzy: bool = True
    ) -> list[tuple[int, float, str]]:
        """Entities matching ``name``, best first, as ``(row, score, how)`` triples.

        ``how`` is ``name``, ``alias``, ``variant`` or ``fuzzy``; only the first
        resolution stage with a hit contributes. Exact stages score 100; ``fuzzy=False``
        skips the last stage.
        """
        label = _check_label(label)
        query = name.strip()
        if not query:
            return []
        stages = ((query, _NAME), (query, _ALIAS), (squash(query), _VARIANT))
        for key, kind in stages:
            if not key:
                continue
            rows = self._con.execute(
                "SELECT e.n FROM entity_key k JOIN entity e ON e.n = k.entity "
                "WHERE k.key = ? AND k.kind = ? AND (? IS NULL OR e.label = ?) "
                "ORDER BY e.paper_count DESC, e.name",
                (key, kind, label, label),
            ).fetchall()
            if rows:
                return [(n, 100.0, _MATCH_NAMES[kind]) for (n,) in rows[:limit]]
        if not fuzzy:
            return []
        return [
            (n, score, "fuzzy")
            for n, score in self._fuzzy_entities(query, label=label, cutoff=min_score, limit=limit, strict=True)
        ]

    def suggest_entities(self, name: str, *, label: str | None = None, limit: int = 5) -> list[dict[str, Any]]:
        """The ``limit`` entities closest to ``name`` whatever their score (for "did you mean")."""
        label = _check_label(label)
        found = _floor(self._fuzzy_entities(name, label=label, cutoff=0.0, limit=limit, strict=False))
        summaries = self._entity_summaries([n for n, _ in found])
        return [dict(summaries[n], score=round(score, 1)) for n, score in found if n in summaries]

    def _load_fuzzy(self) -> tuple[list[str], array]:
        if self._fuzzy is None:
            forms = self._meta("fuzzy_forms") or ""
            owners = array("i")
            owners.frombytes(self._meta("fuzzy_entities") or b"")
            self._fuzzy = (forms.split("\n") if forms else [], owners)
        return self._fuzzy

    def _fuzzy_entities(
        self, query: str, *, label: str | None, cutoff: float, limit: int, strict: bool
    ) -> list[tuple[int, float]]:
        from rapidfuzz import fuzz, process

        forms, owners = self._load_fuzzy()
        key = squash(query)
        if not key or not forms:
            return []
        digits = _DIGITS.findall(key)
        # Fetch generously: several forms may belong to one entity, and some fail the label or digit test.
        wanted = max(limit * 20, 100)
        best: dict[int, float] = {}
        for form, score, i in process.extract(key, forms, scorer=fuzz.ratio, score_cutoff=cutoff or None, limit=wanted):
            # A different version number names a different model or dataset, however close the letters are.
            if strict and _DIGITS.findall(form) != digits:
                continue
            n = owners[i]
            if score > best.get(n, -1.0):
                best[n] = score
        if label is not None and best:
            labels = self._labels(best)
            best = {n: s for n, s in best.items() if labels.get(n) == label}
        counts = self._paper_counts(best)
        ranked = sorted(best.items(), key=lambda item: (-item[1], -counts.get(item[0], 0), item[0]))
        return ranked[:limit]

    def _labels(self, rows: Iterable[int]) -> dict[int, str]:
        return dict(self._in("SELECT n, label FROM entity WHERE n IN ({})", list(rows)))

    def _paper_counts(self, rows: Iterable[int]) -> dict[int, int]:
        return dict(self._in("SELECT n, paper_count FROM entity WHERE n IN ({})", list(rows)))

    def _in(self, sql: str, values: list) -> list[tuple]:
        out: list[tuple] = []
        # SQLite limits bound parameters per statement; chunk to stay well inside it.
        for start in range(0, len(values), 500):
            chunk = values[start:start + 500]
            out.extend(self._con.execute(sql.format(",".join("?" * len(chunk))), chunk).fetchall())
        return out

    def _entity_summaries(self, rows: list[int]) -> dict[int, dict[str, Any]]:
        found = self._in("SELECT n, id, name, label, paper_count FROM entity WHERE n IN ({})", rows)
        return {
            n: {"entity_id": eid, "name": name, "label": label, "paper_count": count}
            for n, eid, name, label, count in found
        }

    def entity_record(
        self, n: int, *, score: float = 100.0, match: str = "name", max_papers: int = 100, co_occurring: int = 10
    ) -> dict[str, Any]:
        """Everything the look-up shows about entity row ``n`` (see :func:`lookup_entity`)."""
        con = self._con
        eid, name, label, aliases, parent, broad, paper_count, first_year = con.execute(
            "SELECT id, name, label, aliases, parent, broad, paper_count, first_year FROM entity WHERE n = ?", (n,)
        ).fetchone()
        limit = max_papers if max_papers > 0 else -1
        papers = [
            {"id": pid, "title": title, "year": year, "sentence": sentence, "count": count,
             "introduces": introduced is not None}
            for pid, title, year, sentence, count, introduced in con.execute(
                "SELECT p.id, p.title, p.year, s.text, m.count, m.introduced FROM mention m "
                "JOIN paper p ON p.n = m.paper LEFT JOIN sentence s ON s.n = m.sentence "
                "WHERE m.entity = ? ORDER BY m.rank LIMIT ?",
                (n, limit),
            )
        ]
        # When several papers claim to introduce it, the earliest is the likeliest origin.
        intro = con.execute(
            "SELECT p.id, p.title, p.year, i.score FROM introduces i JOIN paper p ON p.n = i.paper "
            "WHERE i.entity = ? ORDER BY p.year IS NULL, p.year, i.score DESC, p.id LIMIT 1",
            (n,),
        ).fetchone()
        co = [
            {"entity_id": oid, "name": oname, "label": olabel, "papers": together, "weight": round(weight, 4)}
            for oid, oname, olabel, together, weight in con.execute(
                "SELECT e.id, e.name, e.label, c.papers, c.weight FROM cooccur c JOIN entity e ON e.n = c.other "
                "WHERE c.entity = ? ORDER BY c.rank LIMIT ?",
                (n, max(co_occurring, 0)),
            )
        ]
        parent_row = con.execute("SELECT id, name FROM entity WHERE id = ?", (parent,)).fetchone() if parent else None
        variants = [
            {"entity_id": vid, "name": vname}
            for vid, vname in con.execute("SELECT id, name FROM entity WHERE parent = ? ORDER BY name", (eid,))
        ]
        return {
            "entity_id": eid,
            "name": name,
            "label": label,
            "aliases": json.loads(aliases),
            "score": round(float(score), 1),
            "match": match,
            "broad": bool(broad),
            "parent": {"entity_id": parent_row[0], "name": parent_row[1]} if parent_row else None,
            "variants": variants,
            "paper_count": paper_count,
            "first_year": first_year,
            "papers": papers,
            "introduced_by": {"id": intro[0], "title": intro[1], "year": intro[2]} if intro else None,
            "co_occurring": co,
        }

    # -- papers -------------------------------------------------------------

    def resolve_paper(self, query: str, *, min_score: float = 80.0, limit: int = 5) -> list[tuple[int, float, str]]:
        """Papers matching ``query`` (an id in any scheme, a title, the short name before a
        title's colon, or a name the paper introduces), best first, as ``(row, score, how)``."""
        text = query.strip()
        if not text:
            return []
        folded, key = text.casefold(), squash(text)
        for value, kind in ((folded, _PAPER_ID), (folded, _PAPER_OTHER_ID), (key, _PAPER_TITLE), (key, _PAPER_SHORT)):
            rows = self._con.execute(
                "SELECT k.paper FROM paper_key k JOIN paper p ON p.n = k.paper WHERE k.key = ? AND k.kind = ? "
                "ORDER BY p.stub, p.year IS NULL, p.year DESC, p.id",
                (value, kind),
            ).fetchall()
            if rows:
                return [(n, 100.0, _PAPER_MATCH_NAMES[kind]) for (n,) in rows[:limit]]
        # A paper is often known by what it introduces ("DSI++", "Qwen2.5-Math").
        for entity_n, _, _ in self.resolve_entity(text, limit=limit, fuzzy=False):
            rows = self._con.execute(
                "SELECT paper FROM introduces WHERE entity = ? ORDER BY score DESC, paper", (entity_n,)
            ).fetchall()
            if rows:
                return [(n, 100.0, "introduces") for (n,) in rows[:limit]]
        return [(n, score, "fuzzy") for n, score in self._fuzzy_titles(text, cutoff=min_score, limit=limit)]

    def _fuzzy_titles(self, query: str, *, cutoff: float, limit: int) -> list[tuple[int, float]]:
        from rapidfuzz import fuzz, process

        query = fold(query)
        if not query:
            return []
        candidates = self._title_candidates(query)
        if candidates:
            # token_set_ratio gives a query made of title words ("transformer memory update")
            # full marks, without WRatio's partial matches on one shared word ("tree").
            scored = [(n, fuzz.token_set_ratio(query, title), fuzz.ratio(query, title)) for n, title in candidates]
            ranked = sorted(((n, a, b) for n, a, b in scored if a >= cutoff), key=lambda t: (-t[1], -t[2], t[0]))
            if ranked:
                return [(n, score) for n, score, _ in ranked[:limit]]
        # No title shares a word with the query (misspelt words): scan every title, letter by letter.
        if self._titles is None:
            titles = self._meta("titles") or ""
            self._titles = titles.split("\n") if titles else []
        hits = process.extract(query, self._titles, scorer=fuzz.ratio, score_cutoff=cutoff or None, limit=limit)
        return [(i + 1, score) for title, score, i in hits if title]

    def _title_candidates(self, query: str, *, limit: int = 50) -> list[tuple[int, str]]:
        """Papers whose titles hold all the query's words, else any of them, best BM25 first."""
        if not self._meta("title_search"):
            return []
        words = [w for w in re.findall(r"\w+", query) if w]
        if not words:
            return []
        quoted = [f'"{w}"' for w in words]
        quoted[-1] += "*"  # the last word may still be being typed
        for joiner in (" AND ", " OR "):
            rows = self._con.execute(
                "SELECT t.rowid, p.title FROM title_search t JOIN paper p ON p.n = t.rowid "
                "WHERE title_search MATCH ? ORDER BY bm25(title_search) LIMIT ?",
                (joiner.join(quoted), limit),
            ).fetchall()
            if rows:
                return [(n, fold(title)) for n, title in rows]
            if len(words) == 1:
                break
        return []

    def suggest_papers(self, query: str, *, limit: int = 5) -> list[dict[str, Any]]:
        """The ``limit`` papers whose titles are closest to ``query``."""
        found = _floor(self._fuzzy_titles(query, cutoff=0.0, limit=limit))
        rows = dict((n, (pid, title, year)) for n, pid, title, year in
                    self._in("SELECT n, id, title, year FROM paper WHERE n IN ({})", [n for n, _ in found]))
        return [
            {"id": rows[n][0], "title": rows[n][1], "year": rows[n][2], "score": round(score, 1)}
            for n, score in found if n in rows
        ]

    def paper_record(
        self, n: int, *, score: float = 100.0, match: str = "id", max_papers: int = 100, nearest: int = 10
    ) -> dict[str, Any]:
        """Everything ``--paper`` shows about paper row ``n`` (see :func:`lookup_paper`)."""
        con = self._con
        pid, title, year, venue, ids, url, stub = con.execute(
            "SELECT id, title, year, venue, ids, url, stub FROM paper WHERE n = ?", (n,)
        ).fetchone()
        by_label: dict[str, list[dict[str, Any]]] = {}
        for eid, name, label, count in con.execute(
            "SELECT e.id, e.name, e.label, m.count FROM mention m JOIN entity e ON e.n = m.entity "
            "WHERE m.paper = ? ORDER BY m.count DESC, e.name",
            (n,),
        ):
            by_label.setdefault(label, []).append({"entity_id": eid, "name": name, "count": count})
        order = {label: i for i, label in enumerate(LABELS)}
        entities = {label: by_label[label] for label in sorted(by_label, key=lambda lb: (order.get(lb, 99), lb))}
        introduces = [
            {"entity_id": eid, "name": name, "label": label, "score": round(s, 3)}
            for eid, name, label, s in con.execute(
                "SELECT e.id, e.name, e.label, i.score FROM introduces i JOIN entity e ON e.n = i.entity "
                "WHERE i.paper = ? ORDER BY i.score DESC, e.name",
                (n,),
            )
        ]
        limit = max_papers if max_papers > 0 else -1

        def linked(sql: str) -> tuple[list[dict[str, Any]], int]:
            rows = con.execute(sql + " ORDER BY p.year IS NULL, p.year DESC, p.title, p.id", (n,)).fetchall()
            shown = rows if limit < 0 else rows[:limit]
            out = []
            for row in shown:
                item = {"id": row[0], "title": row[1], "year": row[2]}
                if len(row) > 3:
                    item["confidence"] = round(row[3], 3)
                    item["via"] = json.loads(row[4] or "[]")
                out.append(item)
            return out, len(rows)

        cites, n_cites = linked("SELECT p.id, p.title, p.year FROM cites c JOIN paper p ON p.n = c.cited "
                                "WHERE c.citing = ? AND c.inferred = 0")
        cited_by, n_cited_by = linked("SELECT p.id, p.title, p.year FROM cites c JOIN paper p ON p.n = c.citing "
                                      "WHERE c.cited = ? AND c.inferred = 0")
        inferred, n_inferred = linked("SELECT p.id, p.title, p.year, c.confidence, c.via FROM cites c "
                                      "JOIN paper p ON p.n = c.cited WHERE c.citing = ? AND c.inferred = 1")
        inferred_by, n_inferred_by = linked("SELECT p.id, p.title, p.year, c.confidence, c.via FROM cites c "
                                            "JOIN paper p ON p.n = c.citing WHERE c.cited = ? AND c.inferred = 1")
        near = [
            {"id": oid, "title": otitle, "year": oyear, "weight": round(weight, 3), "shared": json.loads(shared)}
            for oid, otitle, oyear, weight, shared in con.execute(
                "SELECT p.id, p.title, p.year, nb.weight, nb.shared FROM nearest nb JOIN paper p ON p.n = nb.other "
                "WHERE nb.paper = ? ORDER BY nb.rank LIMIT ?",
                (n, max(nearest, 0)),
            )
        ]
        # Entity ids (in `via`) and rows (in `shared`) read better as names.
        ids_needed = sorted({e for item in inferred + inferred_by for e in item["via"]})
        names = dict(self._in("SELECT id, name FROM entity WHERE id IN ({})", ids_needed))
        for item in inferred + inferred_by:
            item["via"] = [names.get(e, e) for e in item["via"]]
        rows_needed = sorted({e for item in near for e in item["shared"]})
        row_names = dict(self._in("SELECT n, name FROM entity WHERE n IN ({})", rows_needed))
        for item in near:
            item["shared"] = [row_names[e] for e in item["shared"] if e in row_names]
        return {
            "paper_id": pid,
            "title": title,
            "year": year,
            "venue": venue,
            "ids": json.loads(ids),
            "url": url,
            "stub": bool(stub),
            "score": round(float(score), 1),
            "match": match,
            "entities": entities,
            "introduces": introduces,
            "cites": cites,
            "cites_total": n_cites,
            "cited_by": cited_by,
            "cited_by_total": n_cited_by,
            "inferred_cites": inferred,
            "inferred_cites_total": n_inferred,
            "inferred_cited_by": inferred_by,
            "inferred_cited_by_total": n_inferred_by,
            "nearest": near,
        }

    # -- whole look-ups -----------------------------------------------------

    def lookup_entity(
        self, name: str, *, label: str | None = None, settings: Any = None, max_papers: int | None = None
    ) -> dict[str, Any]:
        """See :func:`lookup_entity`."""
        opts = _lookup_settings(settings)
        label = _check_label(label)
        found = self.resolve_entity(name, label=label, min_score=opts.min_fuzzy_score, limit=max(opts.suggestions, 1))
        result: dict[str, Any] = {
            "query": name,
            "matches": [
                self.entity_record(n, score=score, match=how, max_papers=max_papers or 0, co_occurring=opts.co_occurring)
                for n, score, how in found
            ],
        }
        if not found:
            result["suggestions"] = self.suggest_entities(name, label=label, limit=opts.suggestions)
            if label is not None:
                # The name may exist under another type: say so instead of only guessing.
                other = self.resolve_entity(name, min_score=opts.min_fuzzy_score, limit=opts.suggestions)
                summaries = self._entity_summaries([n for n, _, _ in other])
                result["other_types"] = [summaries[n] for n, _, _ in other if n in summaries]
        return result

    def lookup_paper(self, query: str, *, settings: Any = None, max_papers: int | None = None) -> dict[str, Any]:
        """See :func:`lookup_paper`."""
        opts = _lookup_settings(settings)
        found = self.resolve_paper(query, min_score=opts.min_fuzzy_score, limit=max(opts.suggestions, 1))
        result: dict[str, Any] = {
            "query": query,
            "matches": [
                self.paper_record(n, score=score, match=how, max_papers=max_papers or 0, nearest=opts.nearest)
                for n, score, how in found
            ],
        }
        if not found:
            result["suggestions"] = self.suggest_papers(query, limit=opts.suggestions)
        return result


def _floor(found: list[tuple[int, float]]) -> list[tuple[int, float]]:
    return found[:1] + [item for item in found[1:] if item[1] >= _SUGGESTION_FLOOR]


def _check_label(label: str | None) -> str | None:
    if label is None:
        return None
    upper = label.strip().upper()
    if upper not in LABELS:
        raise ConfigError(f"--type {label!r}: unknown entity type; use one of {', '.join(LABELS)}")
    return upper


def _lookup_settings(settings: Any) -> "LookupSettings":
    """Accept the whole :class:`~kg.settings.Settings`, its ``lookup`` section, or None (defaults)."""
    if settings is None:
        from kg.settings import LookupSettings

        return LookupSettings()
    return getattr(settings, "lookup", settings)


_OPEN: dict[tuple[str, int, int], LookupIndex] = {}


def open_index(out: Path | str) -> LookupIndex:
    """A cached :class:`LookupIndex` for build folder ``out``.

    The cache key includes the index file's inode and modification time, so a
    rebuild of the folder is picked up on the next call.
    """
    path = Path(out) / INDEX_NAME
    try:
        stat = path.stat()
    except OSError:
        return LookupIndex(out)  # raises the OutputError that names the fix
    key = (str(path.resolve()), stat.st_ino, stat.st_mtime_ns)
    index = _OPEN.get(key)
    if index is None:
        if len(_OPEN) >= 4:
            _OPEN.pop(next(iter(_OPEN))).close()
        index = _OPEN[key] = LookupIndex(out)
    return index


def lookup_entity(
    name: str,
    out: Path | str = "outputs",
    *,
    label: str | None = None,
    settings: "Settings | LookupSettings | None" = None,
    max_papers: int | None = None,
) -> dict[str, Any]:
    """Look an entity up in the build folder ``out``.

    Parameters
    ----------
    name : str
        A canonical name, alias or abbreviation, in any case, spacing or hyphenation.
    out : Path or str
        The build folder written by ``kg build --out``.
    label : str, optional
        Only entities of this type (MODEL, METHOD, DATASET, TASK, METRIC).
    settings : Settings or LookupSettings, optional
        Thresholds and list lengths (defaults when None).
    max_papers : int, optional
        List only the first papers of each match (introducing papers first, then
        newest); None or 0 lists them all. ``paper_count`` is always the total.

    Returns
    -------
    dict
        ``{"query", "matches": [...]}``, best match first; each match holds
        ``entity_id``, ``name``, ``label``, ``aliases``, ``score``, ``match`` (how it
        matched), ``paper_count``, ``papers`` (``id``, ``title``, ``year``,
        ``sentence``), ``introduced_by`` (``id``, ``title``, ``year`` or None),
        ``co_occurring`` and ``parent``/``variants``. With no match, ``suggestions``
        lists the closest entities.

    Raises
    ------
    OutputError
        When ``out`` holds no build.

    Examples
    --------
    >>> import kg
    >>> result = kg.lookup("MCTS", "outputs")  # doctest: +SKIP
    >>> result["matches"][0]["name"]  # doctest: +SKIP
    'Monte Carlo tree search'
    """
    return open_index(out).lookup_entity(name, label=label, settings=settings, max_papers=max_papers)


def lookup_paper(
    query: str,
    out: Path | str = "outputs",
    *,
    settings: "Settings | LookupSettings | None" = None,
    max_papers: int | None = None,
) -> dict[str, Any]:
    """Look a paper up in the build folder ``out`` by id (any scheme), title, or what it introduces.

    ``max_papers`` caps the citing and cited lists (None or 0: all; the ``*_total``
    fields always hold the full counts).

    Returns
    -------
    dict
        ``{"query", "matches": [...]}``; each match holds ``paper_id``, ``title``,
        ``year``, ``venue``, ``ids``, ``entities`` (type -> list), ``introduces``,
        ``cites``, ``cited_by``, ``inferred_cites``, ``inferred_cited_by`` (each list
        with a ``*_total``) and ``nearest`` (papers sharing entities, with the shared
        entity names). With no match, ``suggestions`` lists the closest titles.

    Raises
    ------
    OutputError
        When ``out`` holds no build.
    """
    return open_index(out).lookup_paper(query, settings=settings, max_papers=max_papers)


# ---------------------------------------------------------------------------
# The command and its human-readable output.
# ---------------------------------------------------------------------------


def run_lookup_command(
    name: str | None, out: Path, *, label: str | None, paper: str | None, as_json: bool, settings: Any
) -> tuple[str, bool]:
    """Run ``kg lookup``: the text to print and whether anything was found.

    ``paper`` (``--paper``) takes precedence over ``name``. The caller exits with
    status 1 when nothing was found.
    """
    # The table shows the first `max_papers`; --json lists everything for scripts.
    cap = None if as_json else _lookup_settings(settings).max_papers
    if paper:
        result = lookup_paper(paper, out, settings=settings, max_papers=cap)
        text = _json(result) if as_json else format_paper_result(result, out=out)
    else:
        result = lookup_entity(name or "", out, label=label, settings=settings, max_papers=cap)
        text = _json(result) if as_json else format_entity_result(result, out=out, label=label)
    return text, bool(result["matches"])


def _json(result: dict[str, Any]) -> str:
    return json.dumps(result, ensure_ascii=False, indent=2) + "\n"


def _console(width: int | None = None):
    import io
    import shutil

    from rich.console import Console

    tty = sys.stdout.isatty()
    if width is None:
        width = shutil.get_terminal_size((120, 24)).columns if tty else 120
    # markup off: names like "[CLS] pooling" are data, not styling.
    return Console(file=io.StringIO(), width=width, force_terminal=tty, color_system="auto" if tty else None,
                   markup=False, highlight=False, emoji=False, soft_wrap=False)


def _text(console) -> str:
    text = console.file.getvalue()
    if console.is_terminal:
        return text
    # Rich pads every line to the table width; piped output reads better without it.
    return "".join(line.rstrip() + "\n" for line in text.splitlines())


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _year_text(year: Any) -> str:
    return "" if year is None else str(year)


def format_entity_result(result: dict[str, Any], *, out: Path | str = "outputs", label: str | None = None,
                         width: int | None = None) -> str:
    """Render :func:`lookup_entity`'s result as tables (plain text when stdout is not a terminal)."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    console = _console(width)
    if not result["matches"]:
        kind = f"{label.upper()} entity" if label else "entity"
        console.print(Text(f"No {kind} matches {result['query']!r} in {out}.", style="bold"))
        for other in result.get("other_types", []):
            console.print(f"  {other['name']} is a {other['label']} ({_plural(other['paper_count'], 'paper')}); "
                          "drop --type to see it.")
        if result.get("suggestions"):
            console.print("Closest names:")
            for s in result["suggestions"]:
                console.print(f"  {s['name']}  ({s['label']}, {_plural(s['paper_count'], 'paper')}, score {s['score']:.0f})")
        return _text(console)

    best = result["matches"][0]
    head = Text()
    head.append(best["name"], style="bold")
    head.append(f"  {best['label']}", style="cyan")
    head.append(f"  {_plural(best['paper_count'], 'paper')}")
    console.print(head)
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="dim", no_wrap=True)
    facts.add_column()
    how = best["match"] if best["match"] != "fuzzy" else f"fuzzy, score {best['score']:.0f}"
    facts.add_row("id", f"{best['entity_id']}  (matched {result['query']!r} by {how})")
    facts.add_row("aliases", ", ".join(best["aliases"]) or "-")
    if best["parent"]:
        facts.add_row("variant of", best["parent"]["name"])
    if best["variants"]:
        facts.add_row("variants", ", ".join(v["name"] for v in best["variants"]))
    intro = best["introduced_by"]
    facts.add_row("introduced by", f"{intro['title']} ({_year_text(intro['year'])}) [{intro['id']}]" if intro else
                  "no paper in this corpus")
    if best["first_year"] is not None:
        facts.add_row("first seen", str(best["first_year"]))
    console.print(facts)

    shown = len(best["papers"])
    caption = f"{shown} of {best['paper_count']} papers shown" if shown < best["paper_count"] else None
    papers = Table(title=f"Papers mentioning {best['name']}", title_justify="left", caption=caption,
                   box=box.SIMPLE_HEAD, show_edge=False, show_lines=False, expand=False)
    # Fixed column widths: rich measuring every cell of a 100-row table costs more than the look-up itself.
    id_width = min(max((len(p["id"]) for p in best["papers"]), default=5), 26)
    # A corpus without years (a plain title list) gets no empty Year column.
    with_year = any(p["year"] is not None for p in best["papers"])
    columns = 4 if with_year else 3
    free = max(console.width - id_width - (5 if with_year else 0) - columns * 3, 30)  # padding and gaps
    title_width = free * 2 // 5
    papers.add_column("Paper", overflow="fold", width=id_width)
    papers.add_column("Title", width=title_width)
    if with_year:
        papers.add_column("Year", width=4, no_wrap=True)
    papers.add_column("Sentence", width=free - title_width)
    for p in best["papers"]:
        title = Text(p["title"] or "(untitled)")
        if p["introduces"]:
            title.append(" [introduces]", style="green")
        year = [_year_text(p["year"])] if with_year else []
        papers.add_row(p["id"], title, *year, p["sentence"] or "")
    console.print()
    if best["papers"]:
        console.print(papers)
    else:
        console.print("No paper in this build mentions it (it is a known name only).")

    if best["co_occurring"]:
        co = Table(title="Co-occurs most with", title_justify="left", box=box.SIMPLE_HEAD, show_edge=False)
        co.add_column("Entity")
        co.add_column("Type")
        co.add_column("Papers together", justify="right")
        for c in best["co_occurring"]:
            co.add_row(c["name"], c["label"], str(c["papers"]))
        console.print()
        console.print(co)

    if len(result["matches"]) > 1:
        others = Table(title="Other matches", title_justify="left", box=box.SIMPLE_HEAD, show_edge=False)
        for column in ("Entity", "Type", "Papers", "Match", "Score"):
            others.add_column(column, justify="right" if column in ("Papers", "Score") else "left")
        for m in result["matches"][1:]:
            others.add_row(m["name"], m["label"], str(m["paper_count"]), m["match"], f"{m['score']:.0f}")
        console.print()
        console.print(others)
    return _text(console)


def format_paper_result(result: dict[str, Any], *, out: Path | str = "outputs", width: int | None = None) -> str:
    """Render :func:`lookup_paper`'s result as tables (plain text when stdout is not a terminal)."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    console = _console(width)
    if not result["matches"]:
        console.print(Text(f"No paper matches {result['query']!r} in {out}.", style="bold"))
        if result.get("suggestions"):
            console.print("Closest titles:")
            for s in result["suggestions"]:
                console.print(f"  {s['title']} ({_year_text(s['year'])}) [{s['id']}]  score {s['score']:.0f}")
        return _text(console)

    best = result["matches"][0]
    head = Text()
    head.append(best["title"] or "(untitled)", style="bold")
    if best["year"] is not None:
        head.append(f"  ({best['year']})")
    console.print(head)
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="dim", no_wrap=True)
    facts.add_column()
    how = best["match"] if best["match"] != "fuzzy" else f"fuzzy title, score {best['score']:.0f}"
    facts.add_row("id", f"{best['paper_id']}  (matched {result['query']!r} by {how})")
    if best["venue"]:
        facts.add_row("venue", best["venue"])
    other_ids = {k: v for k, v in best["ids"].items() if f"{k}:{v}" != best["paper_id"]}
    if other_ids:
        facts.add_row("ids", ", ".join(f"{k}:{v}" for k, v in other_ids.items()))
    if best["stub"]:
        facts.add_row("note", "known only from citations (no abstract in the inputs)")
    facts.add_row("introduces", ", ".join(f"{i['name']} ({i['label']})" for i in best["introduces"]) or "-")
    console.print(facts)

    if best["entities"]:
        ents = Table(title="Entities by type", title_justify="left", box=box.SIMPLE_HEAD, show_edge=False)
        ents.add_column("Type", no_wrap=True)
        ents.add_column("Entities")
        for label, items in best["entities"].items():
            ents.add_row(label, ", ".join(i["name"] + (f" ×{i['count']}" if i["count"] > 1 else "") for i in items))
        console.print()
        console.print(ents)

    def paper_table(title: str, items: list[dict[str, Any]], total: int, *, extra: str | None = None) -> None:
        if not items:
            return
        caption = f"{len(items)} of {total} shown" if len(items) < total else None
        table = Table(title=f"{title} ({total})", title_justify="left", caption=caption, box=box.SIMPLE_HEAD, show_edge=False)
        with_year = any(item["year"] is not None for item in items)
        table.add_column("Paper", overflow="fold", max_width=26)
        table.add_column("Title")
        if with_year:
            table.add_column("Year", no_wrap=True)
        if extra:
            table.add_column(extra)
        for item in items:
            row = [item["id"], item["title"] or "(untitled)", *([_year_text(item["year"])] if with_year else [])]
            if extra == "Via":
                row.append(f"{', '.join(item['via'])} ({item['confidence']:.2f})")
            elif extra == "Shared entities":
                row.append(", ".join(item["shared"]))
            table.add_row(*row)
        console.print()
        console.print(table)

    paper_table("Cites", best["cites"], best["cites_total"])
    paper_table("Cited by", best["cited_by"], best["cited_by_total"])
    paper_table("Probably cites (inferred)", best["inferred_cites"], best["inferred_cites_total"], extra="Via")
    paper_table("Probably cited by (inferred)", best["inferred_cited_by"], best["inferred_cited_by_total"], extra="Via")
    paper_table("Nearest papers by shared entities", best["nearest"], len(best["nearest"]), extra="Shared entities")
    if not (best["cites"] or best["cited_by"] or best["inferred_cites"] or best["inferred_cited_by"]):
        console.print("No citations to or from this paper in the inputs.")

    if len(result["matches"]) > 1:
        others = Table(title="Other matches", title_justify="left", box=box.SIMPLE_HEAD, show_edge=False)
        for column in ("Paper", "Title", "Year", "Match"):
            others.add_column(column)
        for m in result["matches"][1:]:
            others.add_row(m["paper_id"], m["title"], _year_text(m["year"]), f"{m['match']} {m['score']:.0f}")
        console.print()
        console.print(others)
    return _text(console)
