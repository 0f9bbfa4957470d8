"""CSV exports with a header row: Scopus, IEEE Xplore, Web of Science tab-delimited, plain tables.

Columns are found by name (case-insensitive). Scopus writes a varying number of
``Funding Text N`` columns while its header names only some, so a row longer
than the header is aligned from the right after the funding columns. Scopus
``References`` (``; ``-separated reference strings) become stub papers parsed
from the ``Authors, Title (Year) Source`` pattern.
"""

from __future__ import annotations

import csv
import io
import re
import sys
from typing import Iterator

from kg.io.identity import add_external_id, add_id, derived_ids, ids_from_url
from kg.io.records import Record, Skip, parse_year
from kg.io.ris import parse_wos_reference
from kg.io.source import Source

__all__ = ["read_csv", "parse_scopus_reference"]

_COLUMNS: dict[str, tuple[str, ...]] = {
    "title": ("title", "document title", "article title", "ti"),
    "abstract": ("abstract", "ab"),
    "year": ("year", "publication year", "py", "pubyear"),
    "authors": ("author full names", "authors", "author", "au"),
    "venue": ("source title", "publication title", "journal", "venue", "so"),
    "doi": ("doi", "di"),
    "url": ("link", "url", "pdf link"),
    "pmid": ("pubmed id", "pmid", "pm"),
    "scopus": ("eid",),
    "wos": ("ut (unique wos id)", "ut"),
    "arxiv": ("arxiv", "arxiv id", "arxiv_id"),
    "id": ("id",),
    "type": ("document type", "document identifier", "type", "dt"),
    "references": ("references", "cited references", "cr"),
}
_NO_ABSTRACT = {"[no abstract available]", "no abstract available"}


def _sniff_dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    first = text.split("\n", 1)[0]
    if first.count("\t") > first.count(","):
        return csv.excel_tab
    return csv.excel


def _align(header: list[str], row: list[str]) -> dict[str, str]:
    """Map a row to header names, absorbing extra columns Scopus inserts after its funding texts."""
    if len(row) > len(header):
        funding = [i for i, name in enumerate(header) if name.lower().startswith("funding text")]
        if funding:
            cut = funding[-1] + 1
            extra = len(row) - len(header)
            row = row[:cut] + row[cut + extra:]
    return {name: value for name, value in zip(header, row)}


def read_csv(source: Source) -> Iterator[Record | Skip]:
    """Records of a CSV (or tab-separated) export, numbered by the line their row starts on."""
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    text = source.text().lstrip("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""), dialect=_sniff_dialect(text))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        return
    lowered = {name.lower(): name for name in header}
    column = {key: next((lowered[c] for c in names if c in lowered), None) for key, names in _COLUMNS.items()}
    path = str(source.path)
    start = reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield Skip(start, f"not a valid CSV row ({exc})")
            start = reader.line_num + 1
            continue
        number, start = start, reader.line_num + 1
        if not any(cell.strip() for cell in row):
            continue
        values = _align(header, row)

        def get(key: str) -> str:
            name = column[key]
            return values.get(name, "").strip() if name else ""

        ids: dict[str, str] = {}
        add_id(ids, "doi", get("doi"))
        add_id(ids, "arxiv", get("arxiv"))
        add_id(ids, "pmid", get("pmid"))
        add_external_id(ids, "scopus", get("scopus"))
        add_external_id(ids, "wos", get("wos"))
        url = get("url") or None
        for scheme, value in ids_from_url(url).items():
            ids.setdefault(scheme, value)
        ids.update({k: v for k, v in derived_ids(ids).items() if k not in ids})
        if get("id"):
            ids.setdefault("key", get("id"))
        abstract = get("abstract")
        if abstract.lower() in _NO_ABSTRACT:
            abstract = ""
        kind = get("type")
        record = Record(
            title=get("title"),
            abstract=abstract,
            year=parse_year(get("year")),
            venue=get("venue") or None,
            authors=_authors(get("authors")),
            ids=ids,
            url=url,
            source_type=f"csv:{kind}" if kind else "csv",
            path=path,
            number=number,
        )
        # Web of Science tab-delimited exports put their tagged CR lines in a "CR" column.
        parse_reference = parse_wos_reference if (column["references"] or "").upper() == "CR" else parse_scopus_reference
        for ref in _split_references(get("references")):
            stub = parse_reference(ref, path=path, number=number)
            if stub is not None:
                record.references.append(stub)
        yield record


def _authors(value: str) -> tuple[str, ...]:
    if not value or value.lower().startswith("[no author"):
        return ()
    if ";" in value:
        parts = value.split(";")
    else:
        # Scopus: "Phillips J.C., Braun R., ..." -- a comma between authors, none inside a name.
        parts = value.split(",")
    return tuple(p.strip() for p in parts if p.strip())


def _split_references(value: str) -> list[str]:
    return [part.strip() for part in value.split("; ")] if value else []


_INITIALS = r"(?:(?:[A-Z][a-z]?\.[\s-]?)+|[A-Z]{1,3})"
_REF_AUTHOR = re.compile(rf"^(?:[^,()]{{1,60}}?,\s{_INITIALS},\s)+")
_REF_YEAR = re.compile(r"\((1[5-9]\d\d|20\d\d)\)")


def parse_scopus_reference(text: str, *, path: str, number: int) -> Record | None:
    """A stub record for one Scopus reference string.

    Scopus writes ``Authors, Title (Year) Source, vol, pp.`` (articles) or
    ``Authors, (Year) Book Title, ...``; the title is taken from that pattern,
    falling back to the whole string.

    >>> parse_scopus_reference("Agerwala, T., Putting Petri nets to work (1979) Computer, 12 (12), pp. 85-94",
    ...                        path="x", number=1).title
    'Putting Petri nets to work'
    """
    text = text.strip()
    if not text:
        return None
    ids: dict[str, str] = {}
    doi = re.search(r"\bDOI:?\s*(10\.\S+)", text, re.IGNORECASE)
    if doi:
        add_id(ids, "doi", doi.group(1).rstrip(".,;"))
    authors_match = _REF_AUTHOR.match(text)
    authors_text = authors_match.group(0) if authors_match else ""
    rest = text[len(authors_text):]
    year_match = _REF_YEAR.search(rest)
    title = ""
    if year_match:
        # Articles: "Authors, Title (Year) Source". A reference with the year first names only
        # its source (a journal or a book), so its full text stands in for the title.
        title = rest[: year_match.start()].strip().rstrip(",").strip()
    if not title:
        title = text
    names = re.findall(rf"([^,]+,\s{_INITIALS}),\s", authors_text)
    return Record(
        title=title,
        year=int(year_match.group(1)) if year_match else None,
        authors=tuple(n.strip() for n in names),
        ids=ids,
        source_type="csv:reference",
        path=path,
        number=number,
        stub=True,
    )
