"""JSON and JSON Lines: the container, and the generic record format.

The container yields JSON objects from JSON Lines (a broken line is skipped and
counted, the others kept) or from a JSON document (one object, an array, or a
``{"data": [...]}`` / ``{"results": [...]}`` page). Each object is mapped by its
dialect: generic records here; arXiv snapshot, Semantic Scholar, OpenAlex and
CSL-JSON objects by their own modules. Title and abstract strings are kept
exactly as they are in the file (extraction offsets index them).
"""

from __future__ import annotations

import json
from typing import Any, Callable, Iterator

from kg.errors import InputError
from kg.io.identity import add_external_id, add_id, classify_id, derived_ids, ids_from_url
from kg.io.records import Record, Skip, clean_str, parse_year, split_authors
from kg.io.source import Source

__all__ = ["iter_json_objects", "dialect_of", "map_generic", "read_json", "MAPPERS"]

_LINE_SUFFIXES = (".jsonl", ".ndjson", ".jsonlines")
_PAGE_KEYS = ("data", "results", "items", "papers", "works", "records")


def _unwrap(document: Any) -> list[Any]:
    if isinstance(document, list):
        return document
    if isinstance(document, dict):
        for key in _PAGE_KEYS:
            if isinstance(document.get(key), list) and not _looks_like_paper(document):
                return document[key]
        return [document]
    return [document]


def _looks_like_paper(obj: dict) -> bool:
    return any(k in obj for k in ("title", "paperId", "display_name", "abstract", "citingPaper", "citedPaper"))


def iter_json_objects(source: Source, *, limit: int | None = None) -> Iterator[tuple[int, Any] | Skip]:
    """``(number, object)`` for every item of a JSON or JSON Lines file, or a :class:`Skip`.

    ``number`` is the line (JSON Lines) or the 1-based position in the array.

    Raises
    ------
    InputError
        A JSON document that does not parse (truncated, not JSON), naming line and column.
    """
    lines_mode = source.name.lower().endswith(_LINE_SUFFIXES)
    if not lines_mode:
        text = source.text()
        try:
            document = json.loads(text)
        except json.JSONDecodeError as exc:
            if exc.msg == "Extra data" or _first_line_is_object(text):
                lines_mode = True
            else:
                raise InputError(
                    source.path, f"line {exc.lineno} column {exc.colno}: not valid JSON ({exc.msg})",
                    "the file looks truncated or damaged; export or download it again",
                ) from None
        else:
            for number, item in enumerate(_unwrap(document), 1):
                if limit is not None and number > limit:
                    return
                yield (number, item) if isinstance(item, dict) else Skip(number, "not a JSON object")
            return
    count = 0
    for number, line in source.lines():
        if line is None:
            yield Skip(number, "line is not valid UTF-8")
            continue
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Skip(number, f"not valid JSON ({exc.msg} at column {exc.colno})")
            continue
        yield (number, item) if isinstance(item, dict) else Skip(number, "not a JSON object")
        count += 1
        if limit is not None and count >= limit:
            return


def _first_line_is_object(text: str) -> bool:
    first = text.lstrip("\ufeff \t\r\n").split("\n", 1)
    if len(first) < 2:
        return False
    try:
        return isinstance(json.loads(first[0]), dict)
    except json.JSONDecodeError:
        return False


_CSL_TYPES = {
    "article-journal", "article-magazine", "article-newspaper", "paper-conference", "chapter", "book",
    "report", "thesis", "webpage", "post-weblog", "manuscript", "pamphlet", "review-book", "musical_score",
    "dataset", "entry-encyclopedia", "entry-dictionary", "speech", "motion_picture", "broadcast", "song",
}


def dialect_of(obj: dict) -> str:
    """Which mapper reads ``obj``: ``s2``, ``openalex``, ``arxiv``, ``csl-json`` or ``records``."""
    if "paperId" in obj or "citingPaper" in obj or "citedPaper" in obj or "externalIds" in obj:
        return "s2"
    ident = obj.get("id")
    if (
        "abstract_inverted_index" in obj or "referenced_works" in obj or "authorships" in obj
        or (isinstance(ident, str) and "openalex.org/" in ident)
    ):
        return "openalex"
    if "categories" in obj and ("update_date" in obj or "submitter" in obj or "versions" in obj):
        return "arxiv"
    if "issued" in obj or "container-title" in obj or "citation-key" in obj or obj.get("type") in _CSL_TYPES:
        return "csl-json"
    authors = obj.get("author")
    if isinstance(authors, list) and authors and isinstance(authors[0], dict) and (
        "family" in authors[0] or "literal" in authors[0]
    ):
        return "csl-json"
    return "records"


_ID_FIELDS = (
    ("doi", "doi"), ("arxiv_id", "arxiv"), ("arxiv", "arxiv"), ("arxivId", "arxiv"), ("eprint", "arxiv"),
    ("acl_id", "acl"), ("anthology_id", "acl"), ("s2_id", "s2"), ("paper_id", None), ("openalex", "openalex"),
    ("openalex_id", "openalex"), ("pmid", "pmid"), ("pmcid", "pmcid"), ("mag", "mag"), ("dblp", "dblp"),
)


def map_generic(obj: dict, *, path: str, number: int, stub: bool = False) -> Record:
    """A generic record ``{id, title, abstract, year, venue, authors, doi, arxiv_id, url, references}``.

    ``id`` is classified (Anthology, DOI, arXiv, Semantic Scholar, OpenAlex, else a
    local key); ``references`` (and ``citations``/``cited_by``) may hold ids or objects.
    """
    ids: dict[str, str] = {}
    for field, scheme in _ID_FIELDS:
        if field not in obj:
            continue
        value = obj[field]
        if value is None or value == "":
            continue
        if scheme is None:
            found = classify_id(value)
            if found:
                ids.setdefault(*found)
        else:
            add_id(ids, scheme, value)
    extra = obj.get("ids") or obj.get("externalIds")
    if isinstance(extra, dict):
        for name, value in extra.items():
            add_external_id(ids, name, value)
    if obj.get("id") not in (None, ""):
        found = classify_id(obj["id"])
        if found:
            ids.setdefault(*found)
    url = clean_str(obj.get("url")) or None
    for scheme, value in ids_from_url(url).items():
        ids.setdefault(scheme, value)
    ids.update({k: v for k, v in derived_ids(ids).items() if k not in ids})
    venue = obj.get("venue") or obj.get("journal") or obj.get("booktitle") or obj.get("container")
    kind = obj.get("type") if isinstance(obj.get("type"), str) else None
    record = Record(
        title=clean_str(obj.get("title")),
        abstract=clean_str(obj.get("abstract")),
        year=parse_year(obj.get("year") if obj.get("year") is not None else obj.get("date") or obj.get("published")),
        venue=clean_str(venue) or None,
        authors=split_authors(obj.get("authors") or obj.get("author")),
        ids=ids,
        url=url,
        source_type=f"records:{kind}" if kind else "records",
        path=path,
        number=number,
        stub=stub,
    )
    if not stub:
        record.references = _linked(obj.get("references"), path, number)
        record.cited_by = _linked(obj.get("citations") or obj.get("cited_by"), path, number)
    return record


def _linked(values: Any, path: str, number: int) -> list[Record]:
    """Stub records for a list of referenced ids or reference objects."""
    if not isinstance(values, list):
        return []
    out = []
    for value in values:
        if isinstance(value, dict):
            out.append(map_generic(value, path=path, number=number, stub=True))
            continue
        found = classify_id(value)
        if found:
            out.append(Record(ids={found[0]: found[1]}, path=path, number=number, stub=True))
    return out


def _mappers() -> dict[str, Callable[..., Record | None]]:
    from kg.io import arxiv, csljson, openalex, semanticscholar

    return {
        "records": map_generic,
        "arxiv": arxiv.map_snapshot,
        "s2": semanticscholar.map_object,
        "openalex": openalex.map_work,
        "csl-json": csljson.map_item,
    }


MAPPERS: dict[str, Callable[..., Record | None]] = {}


def read_json(source: Source, *, dialect: str | None = None) -> Iterator[Record | Skip]:
    """Records of a JSON or JSON Lines file; ``dialect`` forces a mapper, else each object is sniffed."""
    if not MAPPERS:
        MAPPERS.update(_mappers())
    path = str(source.path)
    for item in iter_json_objects(source):
        if isinstance(item, Skip):
            yield item
            continue
        number, obj = item
        mapper = MAPPERS[dialect or dialect_of(obj)]
        record = mapper(obj, path=path, number=number)
        if record is None:
            yield Skip(number, "not a paper object of this format")
        else:
            yield record
