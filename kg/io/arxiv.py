"""arXiv metadata: the Kaggle/arXiv snapshot JSON Lines and the arXiv API Atom feed.

Snapshot strings are kept exactly as in the file (they carry arXiv's line wraps;
extraction offsets index them as they are). Atom titles and summaries are XML
pretty-printed, so their whitespace runs are collapsed to single spaces.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Iterator

from kg.errors import InputError
from kg.io.identity import add_id
from kg.io.records import Record, Skip, clean_str, parse_year, split_authors
from kg.io.source import Source

__all__ = ["map_snapshot", "read_atom"]

_ATOM = "{http://www.w3.org/2005/Atom}"
_ARXIV = "{http://arxiv.org/schemas/atom}"
_SPACES = re.compile(r"\s+")


def map_snapshot(obj: dict, *, path: str, number: int) -> Record:
    """One arXiv snapshot object (``id``, ``title``, ``abstract``, ``authors``, ``categories``...)."""
    ids: dict[str, str] = {}
    add_id(ids, "arxiv", obj.get("id"))
    add_id(ids, "doi", obj.get("doi"))
    year = None
    versions = obj.get("versions")
    if isinstance(versions, list) and versions and isinstance(versions[0], dict):
        year = parse_year(versions[0].get("created"))
    if year is None and re.match(r"^\d{4}\.", ids.get("arxiv", "")):
        year = 2000 + int(ids["arxiv"][:2])
    if year is None:
        year = parse_year(obj.get("update_date"))
    authors = split_authors(obj.get("authors_parsed")) or split_authors(
        re.sub(r"\s+", " ", obj["authors"].replace(",", " and ")) if isinstance(obj.get("authors"), str) else None
    )
    categories = clean_str(obj.get("categories"))
    return Record(
        title=clean_str(obj.get("title")),
        abstract=clean_str(obj.get("abstract")),
        year=year,
        venue=clean_str(obj.get("journal-ref")) or None,
        authors=authors,
        ids=ids,
        url=f"https://arxiv.org/abs/{ids['arxiv']}" if "arxiv" in ids else None,
        source_type=f"arxiv:{categories.split()[0]}" if categories else "arxiv",
        path=path,
        number=number,
    )


def _text(element: ET.Element | None) -> str:
    if element is None or element.text is None:
        return ""
    return _SPACES.sub(" ", element.text).strip()


def read_atom(source: Source) -> Iterator[Record | Skip]:
    """Records of an arXiv API Atom feed, one per ``<entry>``.

    Raises
    ------
    InputError
        The file is not well-formed XML or not an Atom feed.
    """
    try:
        root = ET.fromstring(source.text())
    except ET.ParseError as exc:
        line, column = exc.position
        raise InputError(
            source.path, f"line {line} column {column}: not well-formed XML ({exc.msg if hasattr(exc, 'msg') else exc})",
            "the file looks truncated or damaged; download the feed again",
        ) from None
    if root.tag != f"{_ATOM}feed":
        raise InputError(source.path, f"XML root is <{root.tag}>, not an Atom <feed>", "pass an arXiv API Atom feed")
    path = str(source.path)
    for number, entry in enumerate(root.iter(f"{_ATOM}entry"), 1):
        entry_id = _text(entry.find(f"{_ATOM}id"))
        if "arxiv.org/api/errors" in entry_id:
            yield Skip(number, f"arXiv API error entry: {_text(entry.find(f'{_ATOM}summary'))}")
            continue
        ids: dict[str, str] = {}
        add_id(ids, "arxiv", entry_id)
        add_id(ids, "doi", _text(entry.find(f"{_ARXIV}doi")))
        category = entry.find(f"{_ARXIV}primary_category")
        term = category.get("term") if category is not None else None
        yield Record(
            title=_text(entry.find(f"{_ATOM}title")),
            abstract=_text(entry.find(f"{_ATOM}summary")),
            year=parse_year(_text(entry.find(f"{_ATOM}published"))),
            venue=_text(entry.find(f"{_ARXIV}journal_ref")) or None,
            authors=tuple(_text(a.find(f"{_ATOM}name")) for a in entry.findall(f"{_ATOM}author")),
            ids=ids,
            url=f"https://arxiv.org/abs/{ids['arxiv']}" if "arxiv" in ids else entry_id or None,
            source_type=f"arxiv-atom:{term}" if term else "arxiv-atom",
            path=path,
            number=number,
        )
