"""Which reader a file needs: from its extension (``.gz`` looked through) and its content.

``FORMATS`` names every reader; ``kg formats`` prints :func:`describe_formats`, and
``--format NAME`` (or an alias such as ``jsonl`` or ``bib``) forces one.
"""

from __future__ import annotations

import re
from pathlib import Path

from kg.errors import InputError
from kg.io.source import Source, open_source

__all__ = ["FORMATS", "ALIASES", "EXTENSIONS", "detect_format", "describe_formats", "canonical_format", "sniff_source"]

#: Reader name -> what it reads and how it is recognised.
FORMATS: dict[str, str] = {
    "listing": "plain-text paper listing: a title line, a blank line, an abstract paragraph (page headers "
    "such as 'Subscribe' and dates are ignored); .txt, or any text nothing else matches",
    "records": "JSON Lines or JSON (object, array) of generic records {id, title, abstract, year, venue, "
    "authors, doi, arxiv_id, url, references}; .jsonl, .ndjson, .json",
    "arxiv": "arXiv metadata snapshot JSON Lines (id, title, abstract, authors, categories, update_date)",
    "arxiv-atom": "arXiv API Atom XML feed; .xml, .atom",
    "s2": "Semantic Scholar Graph API paper JSON: one object, a list or {\"data\": [...]}, with nested "
    "references/citations; citingPaper/citedPaper wrapper lists too (objects with paperId)",
    "openalex": "OpenAlex Work JSON: one object, a list or {\"results\": [...]} (abstract_inverted_index, "
    "referenced_works)",
    "csl-json": "CSL-JSON (Zotero, Pandoc) array of items (type, issued, container-title); .csl.json",
    "bibtex": "BibTeX or BibLaTeX (LaTeX decoded to Unicode; abstract, eprint, doi fields); .bib, .biblatex",
    "ris": "RIS (TY  - ... ER  -); .ris, .txt",
    "wos": "Web of Science tagged export (FN/PT ... ER, CR cited references); .ciw, .txt, .ris",
    "csv": "CSV export with a header row (Scopus and IEEE Xplore column names, or title/abstract/year/doi); .csv, .tsv",
}

#: Other names accepted by --format.
ALIASES: dict[str, str] = {
    "txt": "listing", "text": "listing", "plain": "listing",
    "json": "records", "jsonl": "records", "ndjson": "records", "generic": "records",
    "arxiv-jsonl": "arxiv", "arxiv-snapshot": "arxiv", "atom": "arxiv-atom", "xml": "arxiv-atom",
    "semantic-scholar": "s2", "semanticscholar": "s2", "csl": "csl-json", "csljson": "csl-json",
    "bib": "bibtex", "biblatex": "bibtex", "web-of-science": "wos", "isi": "wos", "ciw": "wos",
    "scopus": "csv", "ieee": "csv", "tsv": "csv",
}

#: Extensions read when a folder is searched (``.gz`` versions too).
EXTENSIONS: dict[str, str] = {
    ".jsonl": "json", ".ndjson": "json", ".jsonlines": "json", ".json": "json",
    ".xml": "arxiv-atom", ".atom": "arxiv-atom",
    ".bib": "bibtex", ".bibtex": "bibtex", ".biblatex": "bibtex",
    ".ris": "tagged", ".ciw": "tagged", ".txt": "text",
    ".csv": "csv", ".tsv": "csv",
}

_BIBTEX = re.compile(r"^\s*@\s*[A-Za-z]+\s*[{(]", re.MULTILINE)
_RIS_LINE = re.compile(r"^[A-Z][A-Z0-9]  - ", re.MULTILINE)
_WOS_START = re.compile(r"^(?:FN |VR |PT [A-Z]\s*$)", re.MULTILINE)
_CSV_HEADERS = {
    "title", "document title", "article title", "abstract", "doi", "year", "publication year", "authors",
    # Web of Science tab-delimited exports name their columns by tag.
    "ti", "ab", "py", "au", "di",
}


def canonical_format(name: str) -> str:
    """The reader name for ``name`` (a reader name or an alias).

    Raises
    ------
    InputError
        The name is neither.
    """
    key = name.strip().lower()
    if key in FORMATS:
        return key
    if key in ALIASES:
        return ALIASES[key]
    raise InputError(
        f"--format {name}", "unknown input format", f"use one of {', '.join(FORMATS)} (see `kg formats`)"
    )


def suffix_of(name: str) -> str:
    """The telling extension of a file name, looking through ``.gz`` (``a.csl.json.gz`` -> ``.json``)."""
    lowered = name.lower()
    if lowered.endswith(".gz"):
        lowered = lowered[:-3]
    return Path(lowered).suffix


def is_candidate(path: Path) -> bool:
    """Whether a file found inside a folder looks like an input this tool reads."""
    return suffix_of(path.name) in EXTENSIONS


def detect_format(path: Path | Source) -> str:
    """The reader for ``path``, from its extension and content.

    Parameters
    ----------
    path
        A file (gzip is looked through) or an already opened :class:`~kg.io.source.Source`.

    Returns
    -------
    str
        A key of :data:`FORMATS`.

    Raises
    ------
    InputError
        The file cannot be opened, is empty, is binary, or matches no format.
    """
    source = path if isinstance(path, Source) else open_source(Path(path))
    found = sniff_source(source)
    if found is None:
        raise InputError(
            source.path, "cannot tell which input format this is",
            "pass --format NAME (see `kg formats` for the names)",
        )
    return found


def looks_binary(source: Source) -> bool:
    """True for data that is not text in any encoding we read (NUL bytes, mostly undecodable)."""
    head = source.data[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    if b"\x00" in head:
        return True
    text = head.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") + sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f")
    # A multi-byte character cut at the chunk end explains a few replacements, not a quarter.
    return bad > max(4, len(text) // 20)


def sniff_source(source: Source) -> str | None:
    """The format of ``source``, or None when nothing fits (see :func:`detect_format`)."""
    if looks_binary(source):
        return None
    family = EXTENSIONS.get(suffix_of(source.name))
    head = source.head()
    stripped = head.lstrip("\ufeff \t\r\n")
    if family == "json" or (family is None and stripped[:1] in "[{") or (family == "text" and stripped[:1] in "[{"):
        return _json_dialect(source) if stripped[:1] in "[{" else None
    if family == "arxiv-atom" or stripped.startswith("<?xml") or stripped.startswith("<feed"):
        return "arxiv-atom" if "<feed" in head or "<?xml" in head else None
    if family == "bibtex":
        return "bibtex"
    if family == "csv":
        return "csv"
    if _WOS_START.search(head[:2000]) and re.search(r"^(?:TI|AU|PT) ", head, re.MULTILINE):
        return "wos"
    if _RIS_LINE.search(head) and re.search(r"^TY  - ", head, re.MULTILINE):
        return "ris"
    if family == "tagged":
        return None
    if _BIBTEX.search(head):
        return "bibtex"
    first_line = stripped.split("\n", 1)[0]
    if "," in first_line or "\t" in first_line:
        cells = {c.strip().strip('"').strip().lower() for c in re.split(r"[,\t]", first_line)}
        if len(cells & _CSV_HEADERS) >= 2:
            return "csv"
    return "listing"


def _json_dialect(source: Source) -> str | None:
    """The dialect of the first JSON object in the file (JSON Lines or a whole document)."""
    from kg.io.jsonrecords import dialect_of, iter_json_objects

    for item in iter_json_objects(source, limit=1):
        if isinstance(item, tuple):
            return dialect_of(item[1])
    return "records"


def describe_formats() -> str:
    """A table of the input formats for ``kg formats``."""
    width = max(len(name) for name in FORMATS)
    lines = ["Input formats (any may be gzip-compressed; --format NAME forces one):", ""]
    for name, text in FORMATS.items():
        aliases = sorted(a for a, target in ALIASES.items() if target == name)
        suffix = f" (also: {', '.join(aliases)})" if aliases else ""
        lines.append(f"  {name:<{width}}  {text}{suffix}")
    return "\n".join(lines)
