"""Semantic Scholar Graph API paper JSON.

A paper object (``paperId``, ``externalIds``, ``title``, ``abstract``, ``year``,
``venue``, ``authors``, nested ``references`` and ``citations``), one a line or in
a list or ``{"data": [...]}`` page. Citation and reference wrapper objects
(``{"citingPaper": {...}}`` / ``{"citedPaper": {...}}``, what the
``/paper/{id}/citations`` and ``/references`` endpoints return) are read as the
paper they wrap. Nested papers become stub records linked by citations.
"""

from __future__ import annotations

from typing import Any

from kg.io.identity import add_external_id, add_id, derived_ids
from kg.io.records import Record, clean_str, parse_year, split_authors

__all__ = ["map_object", "map_paper"]


def map_object(obj: dict, *, path: str, number: int) -> Record | None:
    """The record of a paper object or of the paper a citation/reference wrapper holds."""
    for key, relation in (("citingPaper", "citing"), ("citedPaper", "cited")):
        if isinstance(obj.get(key), dict):
            record = map_paper(obj[key], path=path, number=number)
            record.source_type = f"s2:{relation}-paper"
            return record
    return map_paper(obj, path=path, number=number)


def map_paper(obj: dict, *, path: str, number: int, stub: bool = False) -> Record:
    """One Semantic Scholar paper object (nested references/citations included unless ``stub``)."""
    ids: dict[str, str] = {}
    add_id(ids, "s2", obj.get("paperId"))
    external = obj.get("externalIds")
    if isinstance(external, dict):
        for name, value in external.items():
            add_external_id(ids, name, value)
    if obj.get("corpusId") is not None:
        add_id(ids, "s2corpus", obj.get("corpusId"))
    ids.update({k: v for k, v in derived_ids(ids).items() if k not in ids})
    venue = clean_str(obj.get("venue"))
    if not venue:
        for key in ("publicationVenue", "journal"):
            if isinstance(obj.get(key), dict) and clean_str(obj[key].get("name")):
                venue = obj[key]["name"]
                break
    types = obj.get("publicationTypes")
    kind = ",".join(t for t in types if isinstance(t, str)) if isinstance(types, list) else ""
    record = Record(
        title=clean_str(obj.get("title")),
        abstract=clean_str(obj.get("abstract")),
        year=parse_year(obj.get("year") if obj.get("year") is not None else obj.get("publicationDate")),
        venue=venue or None,
        authors=split_authors(obj.get("authors")),
        ids=ids,
        url=clean_str(obj.get("url")) or None,
        source_type=f"s2:{kind}" if kind else "s2",
        path=path,
        number=number,
        stub=stub,
    )
    if not stub:
        record.references = _nested(obj.get("references"), path, number)
        record.cited_by = _nested(obj.get("citations"), path, number)
    return record


def _nested(values: Any, path: str, number: int) -> list[Record]:
    if not isinstance(values, list):
        return []
    out = []
    for value in values:
        if isinstance(value, dict):
            # The citations/references endpoints wrap each paper; nested lists may too.
            inner = value.get("citingPaper") or value.get("citedPaper") or value
            if isinstance(inner, dict):
                out.append(map_paper(inner, path=path, number=number, stub=True))
    return out
