"""RIS and Web of Science tagged files through rispy.

RIS records (``TY  - ... ER  -``) use rispy's default parser; Web of Science
exports (``FN``/``PT`` ... ``ER``, with ``CR`` cited references) use its
``WokParser``. Each cited reference becomes a stub (its DOI when it has one,
else the reference text as title) linked by a citation.
"""

from __future__ import annotations

import re
from typing import Any, Iterator

from kg.io.identity import add_id, derived_ids, ids_from_url
from kg.io.records import Record, Skip, parse_year
from kg.io.source import Source

__all__ = ["read_ris", "read_wos", "parse_wos_reference"]


def _first(record: dict, *keys: str) -> str:
    for key in keys:
        value = record.get(key)
        if isinstance(value, list):
            value = " ".join(v for v in value if isinstance(v, str))
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def _list(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, list):
        return [v.strip() for v in value if isinstance(v, str) and v.strip()]
    return []


def _flip(name: str) -> str:
    if name.count(",") == 1:
        last, first = (part.strip() for part in name.split(","))
        return f"{first} {last}".strip()
    return name


def _text(source: Source) -> str:
    # Exports mix CRLF, LF and lone CR line ends; rispy splits on LF and wants tags at line starts.
    return source.text().lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def read_ris(source: Source) -> Iterator[Record | Skip]:
    """Records of a RIS file (numbered by their position in the file)."""
    import rispy

    path = str(source.path)
    entries = rispy.loads(_text(source), skip_unknown_tags=False)
    for number, entry in enumerate(entries, 1):
        ids: dict[str, str] = {}
        add_id(ids, "doi", _first(entry, "doi"))
        urls = _list(entry.get("urls"))
        for url in urls:
            for scheme, value in ids_from_url(url).items():
                ids.setdefault(scheme, value)
        ids.update({k: v for k, v in derived_ids(ids).items() if k not in ids})
        key = _first(entry, "id")
        if key:
            ids.setdefault("key", key)
        authors = _list(entry.get("authors")) or _list(entry.get("first_authors"))
        kind = _first(entry, "type_of_reference")
        yield Record(
            title=_first(entry, "title", "primary_title", "short_title"),
            abstract=_first(entry, "abstract", "notes_abstract"),
            year=parse_year(_first(entry, "year", "publication_year", "date")),
            venue=_first(entry, "secondary_title", "journal_name", "alternate_title3", "alternate_title1") or None,
            authors=tuple(_flip(a) for a in authors),
            ids=ids,
            url=urls[0] if urls else None,
            source_type=f"ris:{kind}" if kind else "ris",
            path=path,
            number=number,
        )


_CR_DOI = re.compile(r",\s*DOI\s+(?:\[)?(10\.\S+?)(?:\])?\s*$", re.IGNORECASE)


def parse_wos_reference(text: str, *, path: str, number: int) -> Record | None:
    """A stub record for one Web of Science ``CR`` line (``AUTHOR, YEAR, SOURCE, V, P, DOI x``).

    >>> parse_wos_reference("ALLEN JP, 1986, P NATL ACAD SCI USA, V83, P8589, DOI 10.1073/pnas.83.22.8589",
    ...                     path="x", number=1).ids
    {'doi': '10.1073/pnas.83.22.8589'}
    """
    text = text.strip()
    if not text:
        return None
    ids: dict[str, str] = {}
    match = _CR_DOI.search(text)
    if match:
        add_id(ids, "doi", match.group(1))
    parts = [p.strip() for p in text.split(",")]
    year = parse_year(parts[1]) if len(parts) > 1 else None
    authors = (parts[0],) if parts and parts[0] and not parts[0].isdigit() else ()
    venue = parts[2] if len(parts) > 2 and not parts[2].startswith("DOI") else None
    return Record(
        # Without a DOI the reference text is all that is known; it stands in for the title.
        title="" if ids else text,
        year=year,
        venue=venue,
        authors=authors,
        ids=ids,
        source_type="wos:cited-reference",
        path=path,
        number=number,
        stub=True,
    )


def read_wos(source: Source) -> Iterator[Record | Skip]:
    """Records of a Web of Science tagged export, with their cited references."""
    import rispy

    path = str(source.path)
    entries = rispy.loads(_text(source), implementation=rispy.WokParser)
    for number, entry in enumerate(entries, 1):
        ids: dict[str, str] = {}
        add_id(ids, "doi", _first(entry, "doi"))
        add_id(ids, "pmid", _first(entry, "pubmed_id"))
        add_id(ids, "wos", _first(entry, "accession_number"))
        ids.update({k: v for k, v in derived_ids(ids).items() if k not in ids})
        authors = _list(entry.get("author_full_name")) or _list(entry.get("authors"))
        kind = _first(entry, "document_type")
        record = Record(
            title=_first(entry, "document_title"),
            abstract=_first(entry, "abstract"),
            year=parse_year(_first(entry, "publication_year", "publication_date")),
            venue=_first(entry, "publication_name") or None,
            authors=tuple(_flip(a) for a in authors),
            ids=ids,
            url=f"https://doi.org/{ids['doi']}" if "doi" in ids else None,
            source_type=f"wos:{kind}" if kind else "wos",
            path=path,
            number=number,
        )
        for line in _list(entry.get("cited_references")):
            ref = parse_wos_reference(line, path=path, number=number)
            if ref is not None:
                record.references.append(ref)
        yield record
