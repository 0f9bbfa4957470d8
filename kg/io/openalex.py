"""OpenAlex Work JSON: one object, a list, or a ``{"results": [...]}`` page.

The abstract is rebuilt from ``abstract_inverted_index`` (word -> positions);
``referenced_works`` become citations to stub works known by their OpenAlex id.
"""

from __future__ import annotations

from typing import Any

from kg.io.identity import add_external_id, add_id, derived_ids
from kg.io.records import Record, clean_str, parse_year, split_authors

__all__ = ["map_work", "rebuild_abstract"]


def rebuild_abstract(index: Any) -> str:
    """The abstract text from an inverted index: words joined by spaces in position order.

    Positions missing from the index (OpenAlex drops some) are skipped.

    >>> rebuild_abstract({"Deep": [0], "learning": [1, 3], "works": [2]})
    'Deep learning works learning'
    """
    if not isinstance(index, dict):
        return ""
    positions: dict[int, str] = {}
    for word, places in index.items():
        if not isinstance(places, list):
            continue
        for place in places:
            if isinstance(place, int):
                positions[place] = word
    return " ".join(positions[p] for p in sorted(positions))


def map_work(obj: dict, *, path: str, number: int, stub: bool = False) -> Record:
    """One OpenAlex Work object."""
    ids: dict[str, str] = {}
    add_id(ids, "openalex", obj.get("id"))
    add_id(ids, "doi", obj.get("doi"))
    if isinstance(obj.get("ids"), dict):
        for name, value in obj["ids"].items():
            add_external_id(ids, name, value)
    ids.update({k: v for k, v in derived_ids(ids).items() if k not in ids})
    venue = None
    for key in ("primary_location", "host_venue"):
        location = obj.get(key)
        if isinstance(location, dict):
            source = location.get("source") if isinstance(location.get("source"), dict) else location
            venue = clean_str(source.get("display_name")) or None
            if venue:
                break
    authors = split_authors(obj.get("authorships") or obj.get("authors"))
    kind = clean_str(obj.get("type"))
    record = Record(
        title=clean_str(obj.get("title")) or clean_str(obj.get("display_name")),
        abstract=clean_str(obj.get("abstract")) or rebuild_abstract(obj.get("abstract_inverted_index")),
        year=parse_year(obj.get("publication_year") or obj.get("publication_date")),
        venue=venue,
        authors=authors,
        ids=ids,
        url=clean_str(obj.get("doi")) or clean_str(obj.get("id")) or None,
        source_type=f"openalex:{kind}" if kind else "openalex",
        path=path,
        number=number,
        stub=stub,
    )
    if not stub:
        refs = obj.get("referenced_works")
        if isinstance(refs, list):
            for ref in refs:
                ref_ids: dict[str, str] = {}
                add_id(ref_ids, "openalex", ref)
                if ref_ids:
                    record.references.append(Record(ids=ref_ids, path=path, number=number, stub=True))
    return record
