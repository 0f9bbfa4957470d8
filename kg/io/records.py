"""The raw record every format reader yields, before identity and merging.

A reader turns one input item into a :class:`Record` (or a :class:`Skip` when the
item is unusable). References and citations found inside an item are records too
(``stub=True``), attached to it, so :mod:`kg.io.identity` can resolve them to
papers of the input or keep them as stub papers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["Record", "Skip", "parse_year", "split_authors", "clean_str"]


@dataclass(slots=True)
class Record:
    """One item read from an input file (or a paper referenced by one).

    ``ids`` maps a scheme (see :mod:`kg.io.identity`) to its normalised value.
    ``references`` are papers this record cites; ``cited_by`` papers citing it.
    ``number`` is the line or record number in ``path`` (1-based) for messages.
    """

    title: str = ""
    abstract: str = ""
    year: int | None = None
    venue: str | None = None
    authors: tuple[str, ...] = ()
    ids: dict[str, str] = field(default_factory=dict)
    url: str | None = None
    source_type: str | None = None
    path: str = ""
    number: int = 0
    stub: bool = False
    references: list["Record"] = field(default_factory=list)
    cited_by: list["Record"] = field(default_factory=list)

    def filled(self) -> int:
        """How many descriptive fields hold a value (used to rank records in a merge)."""
        return sum(
            bool(v) for v in (self.title, self.abstract, self.year, self.venue, self.authors, self.url)
        ) + len(self.ids)


@dataclass(slots=True, frozen=True)
class Skip:
    """An item a reader could not use: its number in the file and why.

    ``kept`` marks a problem that was repaired (the item still produced a record).
    """

    number: int
    reason: str
    kept: bool = False


_YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d|21\d\d)(?!\d)")


def parse_year(value: object) -> int | None:
    """The first plausible four-digit year in ``value`` (int, ``"2014//"``, ``"2019-08-10"``), else None."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 1500 <= value <= 2199 else None
    if isinstance(value, float):
        return parse_year(int(value)) if value.is_integer() else None
    if isinstance(value, (list, tuple)):
        for item in value:
            year = parse_year(item)
            if year is not None:
                return year
        return None
    match = _YEAR.search(str(value))
    return int(match.group(1)) if match else None


def split_authors(value: object) -> tuple[str, ...]:
    """Author names from a list (strings or name objects) or a BibTeX-style ``A and B`` string."""
    if not value:
        return ()
    if isinstance(value, str):
        parts = re.split(r"\s+and\s+", value) if " and " in value else [value]
        return tuple(p.strip() for p in parts if p.strip())
    names = []
    if isinstance(value, (list, tuple)):
        for item in value:
            name = _author_name(item)
            if name:
                names.append(name)
    return tuple(names)


def _author_name(item: object) -> str:
    if isinstance(item, str):
        return item.strip()
    if isinstance(item, (list, tuple)):
        # arXiv snapshot ``authors_parsed``: [last, first, suffix]
        parts = [str(p).strip() for p in item if p]
        if len(parts) >= 2:
            return " ".join([parts[1], parts[0], *parts[2:]]).strip()
        return " ".join(parts)
    if isinstance(item, dict):
        for key in ("name", "display_name", "literal", "full_name", "fullName"):
            if isinstance(item.get(key), str) and item[key].strip():
                return item[key].strip()
        if isinstance(item.get("author"), dict):
            return _author_name(item["author"])
        given = item.get("given") or item.get("first") or ""
        family = item.get("family") or item.get("last") or ""
        return " ".join(str(p).strip() for p in (given, family) if p).strip()
    return ""


def clean_str(value: object) -> str:
    """``value`` if it is a string, else ``""`` (JSON nulls, numbers and lists are not text)."""
    return value if isinstance(value, str) else ""
