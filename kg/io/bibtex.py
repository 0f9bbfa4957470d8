"""BibTeX and BibLaTeX through bibtexparser 2, LaTeX decoded to Unicode.

Braces and LaTeX escapes become plain text while reading (``{{Deep}}`` -> Deep,
``T\\"ulu`` -> Tülu), using bibtexparser's ``LatexDecodingMiddleware`` (pylatexenc);
that decoded text is what is stored and what extraction offsets index. Math stays
verbatim (``$\\sim 5$``). An entry bibtexparser cannot parse is skipped and counted.
"""

from __future__ import annotations

import logging
import re
from typing import Iterator

from kg.io.identity import add_id, derived_ids, ids_from_url
from kg.io.records import Record, Skip, parse_year, split_authors
from kg.io.source import Source

__all__ = ["read_bibtex"]

_SPACES = re.compile(r"\s+")


def _clean(value: object) -> str:
    # A field value spans source lines; after LaTeX decoding its line breaks are layout, not text.
    return _SPACES.sub(" ", value).strip() if isinstance(value, str) else ""


def read_bibtex(source: Source) -> Iterator[Record | Skip]:
    """Records of a BibTeX/BibLaTeX file, one per entry (``@string``/``@comment`` blocks are not papers)."""
    import bibtexparser
    from bibtexparser.middlewares import LatexDecodingMiddleware
    from bibtexparser.model import Entry

    # bibtexparser logs each failed block as a warning; those become counted skips here instead.
    logger = logging.getLogger("bibtexparser")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        library = bibtexparser.parse_string(source.text(), append_middleware=[LatexDecodingMiddleware()])
    finally:
        logger.setLevel(level)
    path = str(source.path)
    entries: list[tuple[int, Entry, str | None]] = [(e.start_line, e, None) for e in library.entries]
    for block in library.failed_blocks:
        inner = getattr(block, "ignore_error_block", None)
        error = getattr(block, "error", None)
        error = (getattr(error, "abort_reason", None) or str(error) or type(error).__name__) if error else None
        line = (block.start_line or 0) + 1
        if isinstance(inner, Entry):
            # A duplicate key or a field LaTeX could not decode: the entry itself is still usable.
            entries.append((block.start_line or 0, inner, f"entry kept with a problem: {error or type(block).__name__}"))
        else:
            yield Skip(line, f"not a valid BibTeX entry ({error or 'syntax error'})")
    entries.sort(key=lambda item: item[0] or 0)
    for start, entry, problem in entries:
        number = (start or 0) + 1
        if problem:
            yield Skip(number, problem, kept=True)
        yield _record(entry, path=path, number=number)


def _record(entry, *, path: str, number: int) -> Record:
    fields = {f.key.lower(): f.value for f in entry.fields}
    ids: dict[str, str] = {}
    add_id(ids, "doi", fields.get("doi"))
    eprint = fields.get("eprint")
    eprint_type = str(fields.get("eprinttype") or fields.get("archiveprefix") or "").lower()
    if eprint and eprint_type in ("", "arxiv"):
        add_id(ids, "arxiv", eprint)
    add_id(ids, "pmid", fields.get("pmid"))
    url = _clean(fields.get("url")) or None
    for scheme, value in ids_from_url(url).items():
        ids.setdefault(scheme, value)
    ids.update({k: v for k, v in derived_ids(ids).items() if k not in ids})
    if entry.key:
        ids.setdefault("key", entry.key)
    venue = fields.get("journaltitle") or fields.get("journal") or fields.get("booktitle") or fields.get("eventtitle")
    year = parse_year(fields.get("year")) or parse_year(fields.get("date"))
    authors = split_authors(_clean(fields.get("author")) or _clean(fields.get("editor")))
    return Record(
        title=_clean(fields.get("title")),
        abstract=_clean(fields.get("abstract")),
        year=year,
        venue=_clean(venue) or None,
        authors=tuple(_flip(a) for a in authors),
        ids=ids,
        url=url,
        source_type=f"bibtex:{entry.entry_type.lower()}",
        path=path,
        number=number,
    )


def _flip(name: str) -> str:
    """``Last, First`` -> ``First Last`` (BibTeX order to display order)."""
    if name.count(",") == 1:
        last, first = (part.strip() for part in name.split(","))
        return f"{first} {last}".strip()
    return name
