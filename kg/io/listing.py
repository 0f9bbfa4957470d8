"""The plain-text paper listing (the bundled sample's format).

A few page header lines, then for each paper a title line, a blank line, an
abstract paragraph and a blank line. Header lines ("new", "Subscribe", "Get
trending papers in your email inbox!", "byAK and the research community") and
bare dates ("Mar 17") are ignored wherever they appear. A paragraph is an
abstract when it spans several lines, is long, or ends like a sentence; a
further abstract paragraph joins the previous one. Title and abstract keep the
file's text (only the outer whitespace of each is removed); an undecodable line
is repaired (U+FFFD) and counted.
"""

from __future__ import annotations

import re
from typing import Iterator

from kg.io.records import Record, Skip
from kg.io.source import Source

__all__ = ["read_listing", "is_header_line"]

_HEADERS = {
    "new", "subscribe", "get trending papers in your email inbox!", "byak and the research community",
    "trending papers", "trending", "papers", "sign in", "login", "log in",
}
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DATE = re.compile(rf"^(?:{_MONTH}\s+\d{{1,2}}(?:,?\s+\d{{4}})?|\d{{1,2}}\s+{_MONTH}(?:\s+\d{{4}})?|\d{{4}}-\d{{2}}-\d{{2}})$", re.I)
#: A title longer than this is implausible: such a paragraph is an abstract.
MAX_TITLE = 300


def is_header_line(line: str) -> bool:
    """True for a listing page's header line or a bare date."""
    text = line.strip()
    return text.lower() in _HEADERS or bool(_DATE.match(text))


def _is_abstract(lines: list[str]) -> bool:
    text = " ".join(lines)
    return len(lines) > 1 or len(text) > MAX_TITLE or (len(text) > 120 and text.rstrip().endswith((".", "!", "?")))


def read_listing(source: Source) -> Iterator[Record | Skip]:
    """Records of a plain-text listing, numbered by their title's line."""
    path = str(source.path)
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    start = 0
    repaired: list[int] = []
    for number, line in source.lines():
        if line is None:
            repaired.append(number)
            line = _repair(source, number)
        if line.strip():
            if not current:
                start = number
            current.append(line)
        elif current:
            blocks.append((start, current))
            current = []
    if current:
        blocks.append((start, current))
    for number in repaired:
        yield Skip(number, "line is not valid UTF-8; undecodable bytes replaced by U+FFFD", kept=True)

    pending: Record | None = None
    for number, lines in blocks:
        if len(lines) == 1 and is_header_line(lines[0]):
            continue
        if _is_abstract(lines):
            abstract = "\n".join(line.strip() for line in lines)
            if pending is None:
                # An abstract without a title line: kept as a record without a title.
                yield Record(abstract=abstract, source_type="listing", path=path, number=number)
            elif pending.abstract:
                pending.abstract += "\n\n" + abstract
            else:
                pending.abstract = abstract
            continue
        if pending is not None:
            yield pending
        title = " ".join(line.strip() for line in lines)
        pending = Record(title=title, source_type="listing", path=path, number=number)
    if pending is not None:
        yield pending


def _repair(source: Source, number: int) -> str:
    raw = source.data.split(b"\n")[number - 1].rstrip(b"\r")
    return raw.decode("utf-8", errors="replace")
